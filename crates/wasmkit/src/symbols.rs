//! The names a linked module defines: what a contract's own exported method names must not
//! repeat. A NEAR method is a wasm export of a C-ABI symbol, so a method named like a symbol the
//! toolchain links in (`memcpy`, `malloc`, `abort`) replaces or collides with it.

use serde_json::json;
use wasmparser::{KnownCustom, Name, Parser, Payload};

/// Function names from the module's `name` section (present before wasm-opt strips it),
/// export names and imported host function names, each sorted and deduplicated.
pub fn symbols(bytes: &[u8]) -> wasmparser::Result<serde_json::Value> {
    let mut functions = Vec::new();
    let mut exports = Vec::new();
    let mut imports = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    imports.push(import?.name.to_string());
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    exports.push(export?.name.to_string());
                }
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(names) = section.as_known() {
                    for name in names {
                        if let Name::Function(map) = name? {
                            for naming in map {
                                functions.push(naming?.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for list in [&mut functions, &mut exports, &mut imports] {
        list.sort();
        list.dedup();
    }
    Ok(json!({"functions": functions, "exports": exports, "imports": imports}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_named_functions_exports_and_imports() {
        let bytes = wat::parse_str(
            r#"(module
                (import "env" "log_utf8" (func $log (param i64 i64)))
                (func $memcpy)
                (func $greet (export "greet"))
                (memory (export "memory") 1))"#,
        )
        .unwrap();
        let found = symbols(&bytes).unwrap();
        assert_eq!(found["imports"], json!(["log_utf8"]));
        assert_eq!(found["exports"], json!(["greet", "memory"]));
        assert_eq!(found["functions"], json!(["greet", "log", "memcpy"]));
    }
}
