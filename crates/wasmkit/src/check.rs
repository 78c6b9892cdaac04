//! `check`: would the NEAR runtime accept this module as a contract?
//!
//! Three questions, each answered with a readable problem line: does it parse and validate
//! with only the WebAssembly MVP (plus mutable globals and saturating float-to-int, which
//! every NEAR protocol version accepts)? Does it import nothing but NEAR host functions from
//! `env`? Does it export the methods the caller requires?

use serde_json::json;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, Validator, WasmFeatures};

use crate::host_functions::is_host_function;

/// Features a contract may use: MVP, mutable globals, saturating float-to-int.
pub fn allowed_features() -> WasmFeatures {
    WasmFeatures::WASM1 | WasmFeatures::SATURATING_FLOAT_TO_INT
}

/// Post-MVP proposals the runtime rejects, with what usually brings them in.
const REJECTED_FEATURES: &[(&str, WasmFeatures, &str)] = &[
    (
        "bulk-memory",
        WasmFeatures::BULK_MEMORY,
        "memory.copy/memory.fill/memory.init/data.drop; build C with -mno-bulk-memory and Rust with -C target-cpu=mvp and a rebuilt std",
    ),
    (
        "reference-types",
        WasmFeatures::REFERENCE_TYPES,
        "externref/funcref values, table.* instructions or several tables",
    ),
    (
        "multi-value",
        WasmFeatures::MULTI_VALUE,
        "a function or block with more than one result",
    ),
    (
        "sign-extension",
        WasmFeatures::SIGN_EXTENSION,
        "i32.extend8_s/i32.extend16_s/i64.extend*_s; build with -C target-cpu=mvp / -mcpu=mvp",
    ),
    ("simd", WasmFeatures::SIMD, "v128 values and instructions"),
    (
        "threads",
        WasmFeatures::THREADS,
        "atomic instructions or shared memory",
    ),
    ("tail-call", WasmFeatures::TAIL_CALL, "return_call instructions"),
    ("exceptions", WasmFeatures::EXCEPTIONS, "try/throw instructions"),
    ("multi-memory", WasmFeatures::MULTI_MEMORY, "more than one memory"),
    ("memory64", WasmFeatures::MEMORY64, "a 64-bit memory"),
    ("extended-const", WasmFeatures::EXTENDED_CONST, "arithmetic in constant expressions"),
];

#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<String>,
    pub imports: Vec<String>,
    pub exports: Vec<String>,
    pub size: usize,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "ok": self.ok(),
            "problems": self.problems,
            "imports": self.imports,
            "exports": self.exports,
            "size": self.size,
        })
    }
}

pub fn check(bytes: &[u8], required_exports: &[String]) -> Report {
    let mut report = Report {
        size: bytes.len(),
        ..Report::default()
    };
    let mut function_exports = Vec::new();
    if let Err(err) = read_interface(bytes, &mut report, &mut function_exports) {
        report.problems.push(format!(
            "not a valid WebAssembly module: {} (at offset {:#x})",
            err.message(),
            err.offset()
        ));
        return report;
    }
    if let Some(problem) = feature_problem(bytes) {
        report.problems.push(problem);
    }
    for name in required_exports {
        if !function_exports.contains(name) {
            report.problems.push(format!(
                "required export `{name}` is missing (exported functions: {})",
                if function_exports.is_empty() {
                    "none".to_string()
                } else {
                    function_exports.join(", ")
                }
            ));
        }
    }
    report
}

/// Collects imports and exports, recording a problem for each import NEAR would not link.
fn read_interface(
    bytes: &[u8],
    report: &mut Report,
    function_exports: &mut Vec<String>,
) -> wasmparser::Result<()> {
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import?;
                    let full = format!("{}.{}", import.module, import.name);
                    if import.module != "env" {
                        report.problems.push(format!(
                            "import `{full}` is not from module `env`: the NEAR runtime provides only \
                             `env` host functions{}",
                            if import.module.starts_with("wasi") {
                                " (WASI imports must be stubbed out, e.g. `xccgen-wasm stub-wasi`)"
                            } else {
                                ""
                            }
                        ));
                    } else if !matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        report.problems.push(format!(
                            "import `{full}` is not a function: NEAR contracts import only host \
                             functions (the runtime provides the memory itself)"
                        ));
                    } else if !is_host_function(import.name) {
                        report
                            .problems
                            .push(format!("import `{full}` is not a NEAR host function"));
                    }
                    report.imports.push(full);
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export?;
                    if matches!(export.kind, ExternalKind::Func | ExternalKind::FuncExact) {
                        function_exports.push(export.name.to_string());
                    }
                    report.exports.push(export.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Validates with the allowed feature set; on failure names the post-MVP proposal responsible.
fn feature_problem(bytes: &[u8]) -> Option<String> {
    let err = match Validator::new_with_features(allowed_features()).validate_all(bytes) {
        Ok(_) => return None,
        Err(err) => err,
    };
    // The culprit is the proposal whose enabling gets validation past the failing spot.
    for (name, feature, hint) in REJECTED_FEATURES {
        let retry = Validator::new_with_features(allowed_features() | *feature).validate_all(bytes);
        let moved_on = match &retry {
            Ok(_) => true,
            Err(e) => e.offset() != err.offset() || e.message() != err.message(),
        };
        if moved_on {
            return Some(format!(
                "uses post-MVP feature `{name}`, which the NEAR runtime rejects: {} at offset \
                 {:#x} ({hint})",
                err.message(),
                err.offset()
            ));
        }
    }
    Some(format!(
        "fails WebAssembly MVP validation: {} (at offset {:#x})",
        err.message(),
        err.offset()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(wat: &str, exports: &[&str]) -> Report {
        let bytes = wat::parse_str(wat).unwrap();
        let exports: Vec<String> = exports.iter().map(|s| s.to_string()).collect();
        check(&bytes, &exports)
    }

    #[test]
    fn accepts_a_plain_contract() {
        let r = report(
            r#"(module
                (import "env" "value_return" (func (param i64 i64)))
                (memory 1)
                (func (export "hello") i64.const 0 i64.const 0 call 0))"#,
            &["hello"],
        );
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!(r.imports, vec!["env.value_return"]);
        assert_eq!(r.exports, vec!["hello"]);
    }

    #[test]
    fn rejects_wasi_and_unknown_env_imports() {
        let r = report(
            r#"(module
                (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                (import "env" "not_a_host_fn" (func)))"#,
            &[],
        );
        assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
        assert!(r.problems[0].contains("wasi_snapshot_preview1.fd_write"));
        assert!(r.problems[1].contains("env.not_a_host_fn` is not a NEAR host function"));
    }

    #[test]
    fn names_the_rejected_feature() {
        let cases = [
            (
                "(memory 1) (func i32.const 0 i32.const 0 i32.const 1 memory.fill)",
                "bulk-memory",
            ),
            (
                "(func (param i32) (result i32) local.get 0 i32.extend8_s)",
                "sign-extension",
            ),
            (
                "(func (result i32 i32) i32.const 1 i32.const 2)",
                "multi-value",
            ),
            ("(func (result v128) v128.const i64x2 0 0)", "simd"),
            ("(table 1 externref)", "reference-types"),
            (
                "(memory 1 1 shared) (func (result i32) i32.const 0 i32.atomic.load)",
                "threads",
            ),
        ];
        for (body, feature) in cases {
            let r = report(&format!("(module {body})"), &[]);
            assert_eq!(r.problems.len(), 1, "{body}: {:?}", r.problems);
            assert!(
                r.problems[0].contains(&format!("`{feature}`")),
                "{body}: {}",
                r.problems[0]
            );
        }
    }

    #[test]
    fn reports_missing_exports() {
        let r = report(r#"(module (func (export "a")))"#, &["a", "b"]);
        assert_eq!(
            r.problems,
            vec!["required export `b` is missing (exported functions: a)"]
        );
    }

    #[test]
    fn reports_garbage() {
        let r = check(b"\0asm\x01\0\0\0\x01", &[]);
        assert!(!r.ok());
        assert!(r.problems[0].starts_with("not a valid WebAssembly module"));
    }
}
