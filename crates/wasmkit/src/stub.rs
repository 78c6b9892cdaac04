//! `stub-wasi`: replace every `wasi_snapshot_preview1` function import with a local function
//! of the same type that returns zero (or nothing).
//!
//! QuickJS pulls clock and fd_* calls in through wasi-libc; a NEAR contract cannot import
//! them, and returning 0 is what the official near-sdk-js toolchain's stubber does. The
//! function index space becomes [kept imports][stubs][original functions], and every
//! reference (calls, ref.func, exports, elements, start, the name section) is remapped.
//! Re-encoding the binary, rather than a wat round trip, keeps the name section.

use std::collections::BTreeMap;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{CodeSection, Function, FunctionSection, ImportSection, Module, SectionId};
use wasmparser::{Parser, Payload, TypeRef, ValType};

pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

type Error = reencode::Error<String>;

pub struct StubResult {
    pub module: Vec<u8>,
    pub stubbed: Vec<String>,
}

struct Stub {
    type_index: u32,
    results: Vec<ValType>,
}

struct Stubber {
    /// Old function index -> new function index.
    func_map: Vec<u32>,
    stubs: Vec<Stub>,
    functions_emitted: bool,
    code_emitted: bool,
}

pub fn stub_wasi(bytes: &[u8]) -> Result<StubResult, String> {
    let mut func_types: Vec<Vec<ValType>> = Vec::new();
    let mut func_imports: Vec<(bool, u32, String)> = Vec::new(); // (is_wasi, type, name)
    let mut defined = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(section) => {
                for ty in section.into_iter_err_on_gc_types() {
                    func_types.push(ty.map_err(|e| e.to_string())?.results().to_vec());
                }
            }
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    let is_wasi = import.module == WASI_MODULE;
                    match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => func_imports.push((
                            is_wasi,
                            ty,
                            format!("{}.{}", import.module, import.name),
                        )),
                        _ if is_wasi => {
                            return Err(format!(
                                "cannot stub non-function import {}.{}",
                                import.module, import.name
                            ))
                        }
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(section) => defined = section.count(),
            _ => {}
        }
    }

    let kept = func_imports.iter().filter(|(wasi, ..)| !wasi).count() as u32;
    let mut stubs = Vec::new();
    let mut stubbed = Vec::new();
    let mut func_map = Vec::new();
    let mut next_kept = 0u32;
    for (is_wasi, ty, name) in &func_imports {
        if *is_wasi {
            func_map.push(kept + stubs.len() as u32);
            let results = func_types
                .get(*ty as usize)
                .ok_or_else(|| format!("import {name} has an unknown type {ty}"))?
                .clone();
            stubs.push(Stub {
                type_index: *ty,
                results,
            });
            stubbed.push(name.clone());
        } else {
            func_map.push(next_kept);
            next_kept += 1;
        }
    }
    let first_defined = kept + stubs.len() as u32;
    func_map.extend((0..defined).map(|i| first_defined + i));

    let mut stubber = Stubber {
        func_map,
        stubs,
        functions_emitted: false,
        code_emitted: false,
    };
    let mut module = Module::new();
    stubber
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| e.to_string())?;
    Ok(StubResult {
        module: module.finish(),
        stubbed,
    })
}

/// Position of a section in the module layout (which is not the order of the ids).
fn layout_rank(id: Option<SectionId>) -> u8 {
    match id {
        None => u8::MAX,
        Some(SectionId::Type) => 1,
        Some(SectionId::Import) => 2,
        Some(SectionId::Function) => 3,
        Some(SectionId::Table) => 4,
        Some(SectionId::Memory) => 5,
        Some(SectionId::Tag) => 6,
        Some(SectionId::Global) => 7,
        Some(SectionId::Export) => 8,
        Some(SectionId::Start) => 9,
        Some(SectionId::Element) => 10,
        Some(SectionId::DataCount) => 11,
        Some(SectionId::Code) => 12,
        Some(SectionId::Data) => 13,
        Some(_) => 0,
    }
}

impl Stubber {
    fn add_stub_declarations(&mut self, functions: &mut FunctionSection) {
        for stub in &self.stubs {
            functions.function(stub.type_index);
        }
        self.functions_emitted = true;
    }

    fn add_stub_bodies(&mut self, code: &mut CodeSection) -> Result<(), Error> {
        for stub in &self.stubs {
            let mut body = Function::new([]);
            let mut sink = body.instructions();
            for result in &stub.results {
                match result {
                    ValType::I32 => sink.i32_const(0),
                    ValType::I64 => sink.i64_const(0),
                    ValType::F32 => sink.f32_const(0.0f32.into()),
                    ValType::F64 => sink.f64_const(0.0f64.into()),
                    other => {
                        return Err(Error::UserError(format!(
                            "cannot stub an import returning {other:?}"
                        )))
                    }
                };
            }
            sink.end();
            code.function(&body);
        }
        self.code_emitted = true;
        Ok(())
    }

    fn sorted_name_map(
        &mut self,
        map: wasmparser::NameMap<'_>,
    ) -> Result<wasm_encoder::NameMap, Error> {
        let mut entries = BTreeMap::new();
        for naming in map {
            let naming = naming?;
            entries.insert(self.function_index(naming.index)?, naming.name);
        }
        let mut out = wasm_encoder::NameMap::new();
        for (index, name) in entries {
            out.append(index, name);
        }
        Ok(out)
    }

    fn sorted_indirect_name_map(
        &mut self,
        map: wasmparser::IndirectNameMap<'_>,
    ) -> Result<wasm_encoder::IndirectNameMap, Error> {
        let mut entries = BTreeMap::new();
        for naming in map {
            let naming = naming?;
            let mut inner = wasm_encoder::NameMap::new();
            for local in naming.names {
                let local = local?;
                inner.append(local.index, local.name);
            }
            entries.insert(self.function_index(naming.index)?, inner);
        }
        let mut out = wasm_encoder::IndirectNameMap::new();
        for (index, names) in &entries {
            out.append(*index, names);
        }
        Ok(out)
    }
}

impl Reencode for Stubber {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, Error> {
        self.func_map
            .get(func as usize)
            .copied()
            .ok_or_else(|| Error::UserError(format!("function index {func} out of range")))
    }

    fn parse_imports(
        &mut self,
        imports: &mut ImportSection,
        group: wasmparser::Imports<'_>,
    ) -> Result<(), Error> {
        for import in group {
            let (_, import) = import?;
            if import.module == WASI_MODULE {
                continue;
            }
            let ty = self.entity_type(import.ty)?;
            imports.import(import.module, import.name, ty);
        }
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), Error> {
        self.add_stub_declarations(functions);
        reencode::utils::parse_function_section(self, functions, section)
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), Error> {
        self.add_stub_bodies(code)?;
        reencode::utils::parse_code_section(self, code, section)
    }

    /// A module without functions of its own still needs sections for the stubs.
    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error> {
        if self.stubs.is_empty() {
            return Ok(());
        }
        let next = layout_rank(before);
        if !self.functions_emitted && next > layout_rank(Some(SectionId::Function)) {
            let mut functions = FunctionSection::new();
            self.add_stub_declarations(&mut functions);
            module.section(&functions);
        }
        if !self.code_emitted && next > layout_rank(Some(SectionId::Code)) {
            let mut code = CodeSection::new();
            self.add_stub_bodies(&mut code)?;
            module.section(&code);
        }
        Ok(())
    }

    /// Function, local and label names are keyed by function index and must stay sorted.
    fn parse_custom_name_subsection(
        &mut self,
        names: &mut wasm_encoder::NameSection,
        section: wasmparser::Name<'_>,
    ) -> Result<(), Error> {
        match section {
            wasmparser::Name::Function(map) => names.functions(&self.sorted_name_map(map)?),
            wasmparser::Name::Local(map) => names.locals(&self.sorted_indirect_name_map(map)?),
            wasmparser::Name::Label(map) => names.labels(&self.sorted_indirect_name_map(map)?),
            other => reencode::utils::parse_custom_name_subsection(self, names, other)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::reencode::RoundtripReencoder;
    use wasmparser::{Validator, WasmFeatures};

    fn roundtrip(bytes: &[u8]) -> Vec<u8> {
        let mut module = Module::new();
        RoundtripReencoder
            .parse_core_module(&mut module, Parser::new(0), bytes)
            .unwrap();
        module.finish()
    }

    const WAT: &str = r#"(module
        (type $clock (func (param i32 i64 i32) (result i32)))
        (import "env" "log_utf8" (func $log (param i64 i64)))
        (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (type $clock)))
        (import "env" "value_return" (func $ret (param i64 i64)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (table 2 funcref)
        (elem (i32.const 0) $clock $main)
        (func $main (export "main") (result i32)
            i64.const 0 i64.const 0 call $log
            i32.const 7 call $exit
            i32.const 0 i64.const 0 i32.const 0 call $clock
            i64.const 0 i64.const 0 call $ret)
        (start $init)
        (func $init))"#;

    #[test]
    fn stubs_and_remaps() {
        let input = wat::parse_str(WAT).unwrap();
        let out = stub_wasi(&input).unwrap();
        assert_eq!(
            out.stubbed,
            vec![
                "wasi_snapshot_preview1.clock_time_get",
                "wasi_snapshot_preview1.proc_exit"
            ]
        );
        Validator::new_with_features(WasmFeatures::WASM1)
            .validate_all(&out.module)
            .unwrap();
        let text = wasmprinter_like(&out.module);
        // kept imports 0,1; stubs 2 (clock), 3 (exit); main 4; init 5
        assert!(text.contains("export main -> 4"), "{text}");
        assert!(text.contains("start 5"), "{text}");
        assert!(text.contains("elem [2, 4]"), "{text}");
        assert!(text.contains("calls [0, 3, 2, 1]"), "{text}");
        assert!(text.contains("name 2 clock"), "{text}");
        assert!(text.contains("name 4 main"), "{text}");
        assert!(!text.contains("wasi"), "{text}");
    }

    #[test]
    fn without_wasi_imports_is_a_roundtrip() {
        let input = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
        assert_eq!(stub_wasi(&input).unwrap().module, roundtrip(&input));
    }

    /// A tiny summary of what matters here, to avoid a printer dependency.
    fn wasmprinter_like(bytes: &[u8]) -> String {
        use wasmparser::{ElementItems, Operator};
        let mut out = String::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.unwrap() {
                Payload::ImportSection(s) => {
                    for i in s.into_imports() {
                        let i = i.unwrap();
                        out += &format!("import {}.{}\n", i.module, i.name);
                    }
                }
                Payload::ExportSection(s) => {
                    for e in s {
                        let e = e.unwrap();
                        out += &format!("export {} -> {}\n", e.name, e.index);
                    }
                }
                Payload::StartSection { func, .. } => out += &format!("start {func}\n"),
                Payload::ElementSection(s) => {
                    for e in s {
                        if let ElementItems::Functions(f) = e.unwrap().items {
                            let v: Vec<u32> = f.into_iter().map(|x| x.unwrap()).collect();
                            out += &format!("elem {v:?}\n");
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut calls = Vec::new();
                    let mut ops = body.get_operators_reader().unwrap();
                    while !ops.eof() {
                        if let Operator::Call { function_index } = ops.read().unwrap() {
                            calls.push(function_index);
                        }
                    }
                    if !calls.is_empty() {
                        out += &format!("calls {calls:?}\n");
                    }
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names {
                            if let wasmparser::Name::Function(map) = n.unwrap() {
                                for naming in map {
                                    let naming = naming.unwrap();
                                    out += &format!("name {} {}\n", naming.index, naming.name);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}
