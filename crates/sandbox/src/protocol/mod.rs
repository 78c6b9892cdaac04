//! The JSON-lines protocol (README.md): each request is a JSON object whose `op` names a
//! [`Request`] variant and whose other fields are that variant's; [`Request::run`] answers it.

mod de;
mod reply;

use crate::chain::Chain;
use crate::types::{Account, Action, FunctionCall, Transaction};
use near_primitives_core::types::AccountId;
use serde::Deserialize;
use serde_json::{json, Value};

pub use reply::b64;

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Ping,
    CreateAccount(CreateAccount),
    /// A DeployContract transaction signed by the account itself.
    Deploy(Deploy),
    /// A transaction with one function call.
    Call(Call),
    Transact(Tx),
    /// Several transactions in one block, e.g. a second call while the first is pending.
    SubmitAll(SubmitAll),
    View(View),
    Account(AccountRef),
    State(AccountRef),
    TotalSupply,
    Block,
    Advance(Advance),
    Reset,
    Snapshot,
    Restore(Restore),
    /// Any other `op`; [`Request::parse`] refuses it by name.
    #[serde(other)]
    Unknown,
}

#[derive(Deserialize)]
pub struct CreateAccount {
    #[serde(deserialize_with = "de::account_id")]
    account_id: AccountId,
    #[serde(deserialize_with = "de::u128")]
    balance: u128,
}

#[derive(Deserialize)]
pub struct Deploy {
    #[serde(deserialize_with = "de::account_id")]
    account_id: AccountId,
    #[serde(flatten)]
    code: Code,
}

/// Contract code: a wasm file on this machine (`path`) or the bytes themselves (`code_b64`).
#[derive(Deserialize)]
pub struct Code {
    path: Option<String>,
    #[serde(default, deserialize_with = "de::base64")]
    code_b64: Vec<u8>,
}

#[derive(Deserialize)]
pub struct Call {
    #[serde(deserialize_with = "de::account_id")]
    signer: AccountId,
    #[serde(deserialize_with = "de::account_id")]
    receiver: AccountId,
    #[serde(flatten)]
    call: FunctionCallFields,
}

/// A function call's fields; `gas` defaults to all a transaction may attach, `deposit` to 0.
#[derive(Deserialize)]
pub struct FunctionCallFields {
    method: String,
    #[serde(default, deserialize_with = "de::base64")]
    args_b64: Vec<u8>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    gas: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u128")]
    deposit: Option<u128>,
}

#[derive(Deserialize)]
pub struct Tx {
    #[serde(deserialize_with = "de::account_id")]
    signer: AccountId,
    #[serde(deserialize_with = "de::account_id")]
    receiver: AccountId,
    actions: Vec<ActionFields>,
}

/// An action of `transact` or `submit_all`, by its `type`.
#[derive(Deserialize)]
#[serde(tag = "type")]
pub enum ActionFields {
    CreateAccount,
    DeployContract(Code),
    FunctionCall(FunctionCallFields),
    Transfer {
        #[serde(deserialize_with = "de::u128")]
        deposit: u128,
    },
    DeleteAccount {
        #[serde(deserialize_with = "de::account_id")]
        beneficiary: AccountId,
    },
}

#[derive(Deserialize)]
pub struct SubmitAll {
    transactions: Vec<Tx>,
}

#[derive(Deserialize)]
pub struct View {
    #[serde(deserialize_with = "de::account_id")]
    account_id: AccountId,
    method: String,
    #[serde(default, deserialize_with = "de::base64")]
    args_b64: Vec<u8>,
}

#[derive(Deserialize)]
pub struct AccountRef {
    #[serde(deserialize_with = "de::account_id")]
    account_id: AccountId,
}

#[derive(Deserialize)]
pub struct Advance {
    /// One block when absent.
    #[serde(default, deserialize_with = "de::opt_u64")]
    blocks: Option<u64>,
}

#[derive(Deserialize)]
pub struct Restore {
    #[serde(deserialize_with = "de::u64")]
    snapshot: u64,
}

impl Code {
    fn load(self) -> Result<Vec<u8>, String> {
        if let Some(path) = self.path {
            return std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"));
        }
        if self.code_b64.is_empty() {
            return Err("deploy needs `path` or `code_b64`".into());
        }
        Ok(self.code_b64)
    }
}

impl FunctionCallFields {
    fn into_action(self, default_gas: u64) -> Action {
        Action::FunctionCall(FunctionCall {
            method: self.method,
            args: self.args_b64,
            gas: self.gas.unwrap_or(default_gas),
            deposit: self.deposit.unwrap_or(0),
        })
    }
}

impl ActionFields {
    fn into_action(self, default_gas: u64) -> Result<Action, String> {
        Ok(match self {
            ActionFields::CreateAccount => Action::CreateAccount,
            ActionFields::DeployContract(code) => Action::DeployContract { code: code.load()? },
            ActionFields::FunctionCall(call) => call.into_action(default_gas),
            ActionFields::Transfer { deposit } => Action::Transfer { deposit },
            ActionFields::DeleteAccount { beneficiary } => Action::DeleteAccount { beneficiary },
        })
    }
}

impl Tx {
    fn into_transaction(self, default_gas: u64) -> Result<Transaction, String> {
        let actions = self
            .actions
            .into_iter()
            .map(|a| a.into_action(default_gas))
            .collect::<Result<_, _>>()?;
        Ok(Transaction {
            signer_id: self.signer,
            receiver_id: self.receiver,
            actions,
        })
    }
}

impl Request {
    /// Reads a request; the error says what is wrong with it (an unknown `op` by name).
    pub fn parse(raw: &Value) -> Result<Request, String> {
        // Said plainly here: serde would speak of an "internally tagged enum".
        if !raw.is_object() {
            return Err(format!("a request must be a JSON object, got {raw}"));
        }
        if let Some(op) = raw.get("op").filter(|op| !op.is_string()) {
            return Err(format!("`op` must be a string, got {op}"));
        }
        match Request::deserialize(raw) {
            Ok(Request::Unknown) => Err(format!("unknown op {}", raw["op"])),
            Ok(request) => Ok(request),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Whether the request runs contracts, so that the session keeps a copy of the state to
    /// put back should the engine panic halfway through it.
    pub fn runs_contracts(&self) -> bool {
        matches!(
            self,
            Request::Deploy(_)
                | Request::Call(_)
                | Request::Transact(_)
                | Request::SubmitAll(_)
                | Request::Advance(_)
        )
    }

    pub fn run(self, chain: &mut Chain) -> Result<Value, String> {
        let default_gas = chain.default_function_call_gas();
        match self {
            Request::Ping => Ok(ping(chain)),
            Request::CreateAccount(r) => {
                chain.create_account(r.account_id, r.balance)?;
                Ok(json!({}))
            }
            Request::Deploy(r) => {
                let code = r.code.load()?;
                let tx = Transaction {
                    signer_id: r.account_id.clone(),
                    receiver_id: r.account_id,
                    actions: vec![Action::DeployContract { code }],
                };
                Ok(reply::transaction(&chain.submit(tx)))
            }
            Request::Call(r) => {
                let tx = Transaction {
                    signer_id: r.signer,
                    receiver_id: r.receiver,
                    actions: vec![r.call.into_action(default_gas)],
                };
                Ok(reply::transaction(&chain.submit(tx)))
            }
            Request::Transact(r) => {
                let tx = r.into_transaction(default_gas)?;
                Ok(reply::transaction(&chain.submit(tx)))
            }
            Request::SubmitAll(r) => {
                let txs = r
                    .transactions
                    .into_iter()
                    .map(|tx| tx.into_transaction(default_gas))
                    .collect::<Result<_, _>>()?;
                let results: Vec<Value> = chain
                    .submit_all(txs)
                    .iter()
                    .map(reply::transaction)
                    .collect();
                Ok(json!({ "results": results }))
            }
            Request::View(r) => Ok(match chain.view(&r.account_id, &r.method, r.args_b64) {
                Ok((value, logs)) => json!({"value_b64": b64(&value), "logs": logs}),
                Err(message) => json!({ "error": message }),
            }),
            Request::Account(r) => account(chain, &r.account_id),
            Request::State(r) => state(chain, &r.account_id),
            Request::TotalSupply => Ok(json!({
                "total": chain.total_supply().to_string(),
                "burnt": chain.state.burnt.to_string(),
                "minted": chain.state.minted.to_string(),
            })),
            Request::Block => {
                Ok(json!({"height": chain.state.height, "timestamp": chain.state.timestamp}))
            }
            Request::Advance(r) => Ok(reply::outcomes(&chain.advance(r.blocks.unwrap_or(1)))),
            Request::Reset => {
                chain.reset();
                Ok(json!({}))
            }
            Request::Snapshot => Ok(json!({ "snapshot": chain.snapshot() })),
            Request::Restore(r) => {
                chain.restore(r.snapshot)?;
                Ok(json!({}))
            }
            Request::Unknown => Err("unknown op".into()),
        }
    }
}

/// The protocol version, VM and the economics a client needs to check gas and balances.
fn ping(chain: &Chain) -> Value {
    let fees = &chain.config.fees;
    let (reward, penalty) = (fees.burnt_gas_reward, fees.gas_refund_penalty);
    // The limits xccgen's spec rules enforce (xccgen.toolchain.protocol records them).
    let limits = &chain.config.wasm_config.limit_config;
    json!({
        "max_total_log_length": limits.max_total_log_length,
        "max_number_logs": limits.max_number_logs,
        "max_total_prepaid_gas": limits.max_total_prepaid_gas.as_gas(),
        "max_gas_burnt": limits.max_gas_burnt.as_gas(),
        "max_arguments_length": limits.max_arguments_length,
        "max_length_returned_data": limits.max_length_returned_data,
        "protocol_version": near_primitives_core::version::PROTOCOL_VERSION,
        "vm_kind": format!("{:?}", chain.config.wasm_config.vm_kind),
        "block_gas_price": crate::chain::BLOCK_GAS_PRICE.to_string(),
        "purchase_gas_price": chain.purchase_gas_price().to_string(),
        "burnt_gas_reward": reward.to_string(),
        "gas_refund_penalty": penalty.to_string(),
        "min_gas_refund_penalty": fees.min_gas_refund_penalty.as_gas(),
        "storage_amount_per_byte": fees.storage_usage_config.storage_amount_per_byte
            .as_yoctonear().to_string(),
    })
}

fn existing<'a>(chain: &'a Chain, id: &AccountId) -> Result<&'a Account, String> {
    chain
        .state
        .accounts
        .get(id)
        .ok_or(format!("account {id} does not exist"))
}

fn account(chain: &Chain, id: &AccountId) -> Result<Value, String> {
    let acc = existing(chain, id)?;
    Ok(json!({
        "amount": acc.amount.to_string(),
        "locked": acc.locked.to_string(),
        "storage_usage": acc.storage_usage,
        "code_hash": acc.code_hash.map(|h| h.to_string()),
    }))
}

/// The account's contract storage, key by key.
fn state(chain: &Chain, id: &AccountId) -> Result<Value, String> {
    existing(chain, id)?;
    let items: Vec<Value> = chain
        .state
        .storage
        .get(id)
        .map(|s| s.iter().map(|(k, v)| json!([b64(k), b64(v)])).collect())
        .unwrap_or_default();
    Ok(json!({ "items": items }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Request, String> {
        Request::parse(&serde_json::from_str(line).unwrap())
    }

    #[test]
    fn the_op_picks_the_variant_and_other_fields_are_ignored() {
        assert!(matches!(
            parse(r#"{"id": 3, "op": "ping"}"#),
            Ok(Request::Ping)
        ));
        let Ok(Request::Call(call)) = parse(
            r#"{"op": "call", "signer": "a.near", "receiver": "b.near", "method": "m",
                "gas": 5, "deposit": "340282366920938463463374607431768211455"}"#,
        ) else {
            panic!("not a call")
        };
        let Action::FunctionCall(fc) = call.call.into_action(1) else {
            panic!("not a function call")
        };
        assert_eq!((fc.gas, fc.deposit, fc.args), (5, u128::MAX, vec![]));
    }

    #[test]
    fn unknown_ops_and_bad_fields_are_errors_that_say_why() {
        let err = |line| parse(line).err().unwrap();
        assert_eq!(err(r#"{"op": "explode"}"#), r#"unknown op "explode""#);
        assert_eq!(err(r#"{"op": 5}"#), "`op` must be a string, got 5");
        assert_eq!(err(r#"[1]"#), "a request must be a JSON object, got [1]");
        assert_eq!(err(r#"{"id": 1}"#), "missing field `op`");
        assert_eq!(
            err(r#"{"op": "create_account", "account_id": "a.near"}"#),
            "missing field `balance`"
        );
        assert!(err(r#"{"op": "account", "account_id": "A B"}"#).starts_with("invalid account id"));
        let unknown_action = r#"{"op": "transact", "signer": "a.near", "receiver": "a.near",
            "actions": [{"type": "Stake"}]}"#;
        assert!(err(unknown_action).starts_with("unknown variant `Stake`"));
    }

    #[test]
    fn a_function_call_without_gas_gets_the_default() {
        let line = r#"{"op": "transact", "signer": "a.near", "receiver": "b.near",
            "actions": [{"type": "FunctionCall", "method": "m", "args_b64": "aGk="}]}"#;
        let Ok(Request::Transact(tx)) = parse(line) else {
            panic!("not a transaction")
        };
        let tx = tx.into_transaction(7).unwrap();
        let Action::FunctionCall(fc) = &tx.actions[0] else {
            panic!("not a function call")
        };
        assert_eq!((fc.gas, fc.deposit, fc.args.as_slice()), (7, 0, &b"hi"[..]));
    }
}
