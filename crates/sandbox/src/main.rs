//! xccgen-sandbox: a local NEAR chain in one process. Reads one JSON request per line on stdin,
//! writes one JSON response per line on stdout. Contracts run in nearcore's own VM
//! (`near-vm-runner`) with the protocol's real fee schedule and limits (`near-parameters`).

mod chain;
mod ext;
mod fees;
mod protocol;
mod types;

use base64::Engine;
use chain::Chain;
use near_primitives_core::types::AccountId;
use near_vm_runner::FilesystemContractRuntimeCache;
use protocol::{b64, reply};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use types::{Action, FunctionCall, Transaction};

type OpResult = Result<Value, String>;

fn str_field<'a>(req: &'a Value, name: &str) -> Result<&'a str, String> {
    req.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing string field `{name}`"))
}

fn account_field(req: &Value, name: &str) -> Result<AccountId, String> {
    let raw = str_field(req, name)?;
    raw.parse()
        .map_err(|e| format!("invalid account id {raw:?} in `{name}`: {e}"))
}

/// An unsigned integer given as a JSON number or a decimal string (yoctoNEAR need 128 bits).
fn uint_field(req: &Value, name: &str, default: Option<u128>) -> Result<u128, String> {
    match req.get(name) {
        None | Some(Value::Null) => default.ok_or_else(|| format!("missing field `{name}`")),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(u128::from)
            .ok_or(format!("`{name}` must be >= 0")),
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| format!("`{name}` is not an integer: {s:?}")),
        Some(other) => Err(format!("`{name}` must be an integer, got {other}")),
    }
}

fn bytes_field(req: &Value, name: &str) -> Result<Vec<u8>, String> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::String(s)) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| format!("`{name}` is not base64: {e}")),
        Some(other) => Err(format!("`{name}` must be a base64 string, got {other}")),
    }
}

fn code_field(req: &Value) -> Result<Vec<u8>, String> {
    if let Some(path) = req.get("path").and_then(Value::as_str) {
        return std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"));
    }
    let code = bytes_field(req, "code_b64")?;
    if code.is_empty() {
        return Err("deploy needs `path` or `code_b64`".into());
    }
    Ok(code)
}

fn function_call(req: &Value, default_gas: u64) -> Result<Action, String> {
    Ok(Action::FunctionCall(FunctionCall {
        method: str_field(req, "method")?.to_string(),
        args: bytes_field(req, "args_b64")?,
        gas: u64::try_from(uint_field(req, "gas", Some(default_gas.into()))?)
            .map_err(|_| "gas does not fit in u64".to_string())?,
        deposit: uint_field(req, "deposit", Some(0))?,
    }))
}

fn parse_action(a: &Value, default_gas: u64) -> Result<Action, String> {
    let kind = str_field(a, "type")?;
    Ok(match kind {
        "CreateAccount" => Action::CreateAccount,
        "DeployContract" => Action::DeployContract {
            code: code_field(a)?,
        },
        "FunctionCall" => function_call(a, default_gas)?,
        "Transfer" => Action::Transfer {
            deposit: uint_field(a, "deposit", None)?,
        },
        "DeleteAccount" => Action::DeleteAccount {
            beneficiary: account_field(a, "beneficiary")?,
        },
        other => return Err(format!("unknown action type {other:?}")),
    })
}

fn transaction(tx: &Value, default_gas: u64) -> Result<Transaction, String> {
    let actions = tx
        .get("actions")
        .and_then(Value::as_array)
        .ok_or("missing array field `actions`")?
        .iter()
        .map(|a| parse_action(a, default_gas))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Transaction {
        signer_id: account_field(tx, "signer")?,
        receiver_id: account_field(tx, "receiver")?,
        actions,
    })
}

fn handle(chain: &mut Chain, req: &Value) -> OpResult {
    let op = str_field(req, "op")?;
    let default_gas = chain.default_function_call_gas();
    match op {
        "ping" => {
            let fees = &chain.config.fees;
            let (reward, penalty) = (fees.burnt_gas_reward, fees.gas_refund_penalty);
            Ok(json!({
                "protocol_version": near_primitives_core::version::PROTOCOL_VERSION,
                "vm_kind": format!("{:?}", chain.config.wasm_config.vm_kind),
                "block_gas_price": chain::BLOCK_GAS_PRICE.to_string(),
                "purchase_gas_price": chain.purchase_gas_price().to_string(),
                "burnt_gas_reward": reward.to_string(),
                "gas_refund_penalty": penalty.to_string(),
                "min_gas_refund_penalty": fees.min_gas_refund_penalty.as_gas(),
                "storage_amount_per_byte": fees.storage_usage_config.storage_amount_per_byte
                    .as_yoctonear().to_string(),
            }))
        }
        "create_account" => {
            let id = account_field(req, "account_id")?;
            chain.create_account(id, uint_field(req, "balance", None)?)?;
            Ok(json!({}))
        }
        "deploy" => {
            let id = account_field(req, "account_id")?;
            let code = code_field(req)?;
            let tx = Transaction {
                signer_id: id.clone(),
                receiver_id: id,
                actions: vec![Action::DeployContract { code }],
            };
            Ok(reply::transaction(&chain.submit(tx)))
        }
        "call" => {
            let action = function_call(req, default_gas)?;
            let tx = Transaction {
                signer_id: account_field(req, "signer")?,
                receiver_id: account_field(req, "receiver")?,
                actions: vec![action],
            };
            Ok(reply::transaction(&chain.submit(tx)))
        }
        "submit_all" => {
            // Several transactions in one block, e.g. a second call while the first is pending.
            let txs = req
                .get("transactions")
                .and_then(Value::as_array)
                .ok_or("missing array field `transactions`")?
                .iter()
                .map(|tx| transaction(tx, default_gas))
                .collect::<Result<Vec<_>, String>>()?;
            let results = chain.submit_all(txs);
            Ok(json!({"results": results.iter().map(reply::transaction).collect::<Vec<_>>()}))
        }
        "transact" => Ok(reply::transaction(
            &chain.submit(transaction(req, default_gas)?),
        )),
        "view" => {
            let id = account_field(req, "account_id")?;
            match chain.view(
                &id,
                str_field(req, "method")?,
                bytes_field(req, "args_b64")?,
            ) {
                Ok((value, logs)) => Ok(json!({"value_b64": b64(&value), "logs": logs})),
                Err(message) => Ok(json!({"error": message})),
            }
        }
        "account" => {
            let id = account_field(req, "account_id")?;
            let acc = chain
                .state
                .accounts
                .get(&id)
                .ok_or(format!("account {id} does not exist"))?;
            Ok(json!({
                "amount": acc.amount.to_string(),
                "locked": acc.locked.to_string(),
                "storage_usage": acc.storage_usage,
                "code_hash": acc.code_hash.map(|h| h.to_string()),
            }))
        }
        "state" => {
            let id = account_field(req, "account_id")?;
            if !chain.state.accounts.contains_key(&id) {
                return Err(format!("account {id} does not exist"));
            }
            let items: Vec<Value> = chain
                .state
                .storage
                .get(&id)
                .map(|s| s.iter().map(|(k, v)| json!([b64(k), b64(v)])).collect())
                .unwrap_or_default();
            Ok(json!({"items": items}))
        }
        "total_supply" => Ok(json!({
            "total": chain.total_supply().to_string(),
            "burnt": chain.state.burnt.to_string(),
            "minted": chain.state.minted.to_string(),
        })),
        "block" => Ok(json!({"height": chain.state.height, "timestamp": chain.state.timestamp})),
        "advance" => {
            let blocks =
                u64::try_from(uint_field(req, "blocks", Some(1))?).map_err(|e| e.to_string())?;
            Ok(reply::outcomes(&chain.advance(blocks)))
        }
        "reset" => {
            chain.reset();
            Ok(json!({}))
        }
        "snapshot" => Ok(json!({"snapshot": chain.snapshot()})),
        "restore" => {
            let id =
                u64::try_from(uint_field(req, "snapshot", None)?).map_err(|e| e.to_string())?;
            chain.restore(id)?;
            Ok(json!({}))
        }
        other => Err(format!("unknown op {other:?}")),
    }
}

fn cache_dir() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--cache-dir" {
            if let Some(dir) = args.next() {
                return PathBuf::from(dir);
            }
        }
    }
    std::env::temp_dir().join("xccgen-sandbox-cache")
}

fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!(
            "usage: xccgen-sandbox [--cache-dir DIR]\n\nReads JSON requests, one per line, on stdin \
             and answers each with one JSON line on stdout.\nCompiled contracts are cached in DIR."
        );
        return;
    }
    let dir = cache_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!(
            "xccgen-sandbox: cannot create cache dir {}: {e}",
            dir.display()
        );
        std::process::exit(2);
    }
    let cache = FilesystemContractRuntimeCache::with_memory_cache(
        &dir,
        None::<&str>,
        "compiled-contracts",
        256,
        None,
        4 << 30,
        near_vm_runner::noop_background_spawner(),
    )
    .unwrap_or_else(|e| {
        eprintln!("xccgen-sandbox: cannot open the compiled-contract cache: {e}");
        std::process::exit(2);
    });
    let mut chain = Chain::new(Box::new(cache));
    // A contract or request that makes the engine panic must not end the session.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("xccgen-sandbox: internal error: {info}")
    }));
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let response = match serde_json::from_str::<Value>(&line) {
            Err(e) => {
                json!({"id": null, "ok": false, "error": format!("invalid JSON request: {e}")})
            }
            Ok(req) => {
                let id = req.get("id").cloned().unwrap_or(Value::Null);
                // Kept to undo a request that panics halfway (cheap: code is shared by Arc).
                let mutating = matches!(
                    req.get("op").and_then(Value::as_str),
                    Some("deploy" | "call" | "transact" | "submit_all" | "advance")
                );
                let backup = mutating.then(|| chain.state.clone());
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    handle(&mut chain, &req)
                }));
                if let (Err(_), Some(state)) = (&outcome, backup) {
                    chain.state = state;
                }
                match outcome {
                    Ok(Ok(result)) => json!({"id": id, "ok": true, "result": result}),
                    Ok(Err(error)) => json!({"id": id, "ok": false, "error": error}),
                    Err(_) => json!({"id": id, "ok": false,
                        "error": "internal engine error (see stderr); the request was abandoned"}),
                }
            }
        };
        if writeln!(stdout, "{response}")
            .and_then(|_| stdout.flush())
            .is_err()
        {
            break;
        }
    }
}
