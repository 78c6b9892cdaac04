//! xccgen-sandbox: a local NEAR chain in one process. Reads one JSON request per line on stdin,
//! writes one JSON response per line on stdout. Contracts run in nearcore's own VM
//! (`near-vm-runner`) with the protocol's real fee schedule and limits (`near-parameters`).

mod chain;
mod ext;
mod fees;
mod protocol;
mod types;

use chain::Chain;
use near_vm_runner::FilesystemContractRuntimeCache;
use protocol::Request;
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: xccgen-sandbox [--cache-dir DIR]\n\nReads JSON requests, one per \
                     line, on stdin and answers each with one JSON line on stdout.\nCompiled \
                     contracts are cached in DIR.";

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

/// Compiled contracts, kept on disk across runs and in memory within one.
fn open_cache(dir: &Path) -> Result<FilesystemContractRuntimeCache, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create cache dir {}: {e}", dir.display()))?;
    FilesystemContractRuntimeCache::with_memory_cache(
        dir,
        None::<&str>,
        "compiled-contracts",
        256,
        None,
        4 << 30,
        near_vm_runner::noop_background_spawner(),
    )
    .map_err(|e| format!("cannot open the compiled-contract cache: {e}"))
}

/// The response line to one request line.
fn respond(chain: &mut Chain, line: &str) -> Value {
    let raw: Value = match serde_json::from_str(line) {
        Ok(raw) => raw,
        Err(e) => {
            return json!({"id": null, "ok": false, "error": format!("invalid JSON request: {e}")})
        }
    };
    let id = raw.get("id").cloned().unwrap_or(Value::Null);
    match Request::parse(&raw).and_then(|request| run_guarded(chain, request)) {
        Ok(result) => json!({"id": id, "ok": true, "result": result}),
        Err(error) => json!({"id": id, "ok": false, "error": error}),
    }
}

/// Runs a request so that a panic in the engine ends only that request: the state is put back
/// as it was before a request that runs contracts (cheap: code is shared by `Arc`).
fn run_guarded(chain: &mut Chain, request: Request) -> Result<Value, String> {
    let backup = request.runs_contracts().then(|| chain.state.clone());
    match catch_unwind(AssertUnwindSafe(|| request.run(chain))) {
        Ok(result) => result,
        Err(_) => {
            if let Some(state) = backup {
                chain.state = state;
            }
            Err("internal engine error (see stderr); the request was abandoned".into())
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let cache = open_cache(&cache_dir()).unwrap_or_else(|e| {
        eprintln!("xccgen-sandbox: {e}");
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
        let response = respond(&mut chain, &line);
        if writeln!(stdout, "{response}")
            .and_then(|_| stdout.flush())
            .is_err()
        {
            break;
        }
    }
}
