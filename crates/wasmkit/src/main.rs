//! `xccgen-wasm`: wasm module checks and rewrites for xccgen's NEAR contract builds.
//!
//! ```text
//! xccgen-wasm check FILE [--export NAME]...   JSON report on stdout; exit 0 either way
//! xccgen-wasm stub-wasi IN OUT                 replace WASI imports with local stubs
//! xccgen-wasm symbols FILE                     JSON: named functions, exports, imports
//! xccgen-wasm host-functions                   JSON: the host functions NEAR links
//! ```
//! FILE/IN may be a binary module or WebAssembly text.

mod check;
mod host_functions;
mod stub;
mod symbols;

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: xccgen-wasm check FILE [--export NAME]...\n       \
    xccgen-wasm stub-wasi IN OUT\n       xccgen-wasm symbols FILE\n       \
    xccgen-wasm host-functions";

fn read_module(path: &str) -> Result<Vec<u8>, String> {
    // `wat` passes binary modules through unchanged and assembles text ones.
    wat::parse_file(Path::new(path)).map_err(|e| format!("{path}: {e}"))
}

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [cmd, file, rest @ ..] if cmd == "check" => {
            let mut exports = Vec::new();
            let mut rest = rest.iter();
            while let Some(flag) = rest.next() {
                match (flag.as_str(), rest.next()) {
                    ("--export", Some(name)) => exports.push(name.clone()),
                    _ => return Err(USAGE.to_string()),
                }
            }
            let report = match read_module(file) {
                Ok(bytes) => check::check(&bytes, &exports),
                Err(err) if Path::new(file).exists() => check::Report {
                    problems: vec![format!("not a valid WebAssembly module: {err}")],
                    size: std::fs::metadata(file)
                        .map(|m| m.len() as usize)
                        .unwrap_or(0),
                    ..Default::default()
                },
                Err(err) => return Err(err),
            };
            println!("{}", report.to_json());
            Ok(())
        }
        [cmd, input, output] if cmd == "stub-wasi" => {
            let bytes = read_module(input)?;
            let result = stub::stub_wasi(&bytes).map_err(|e| format!("{input}: {e}"))?;
            std::fs::write(output, &result.module).map_err(|e| format!("{output}: {e}"))?;
            for name in &result.stubbed {
                eprintln!("stubbed {name}");
            }
            Ok(())
        }
        [cmd, file] if cmd == "symbols" => {
            let bytes = read_module(file)?;
            let found = symbols::symbols(&bytes).map_err(|e| format!("{file}: {e}"))?;
            println!("{found}");
            Ok(())
        }
        [cmd] if cmd == "host-functions" => {
            println!("{}", serde_json::json!(host_functions::NEAR_HOST_FUNCTIONS));
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xccgen-wasm: {err}");
            ExitCode::FAILURE
        }
    }
}
