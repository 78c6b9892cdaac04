// A minimal NEAR host in Node, enough to call near-sdk-js contract methods: registers, input,
// storage, logs, value_return, panics, the caller and the attached deposit. Each call gets a
// fresh instance (as on chain); storage persists across the calls of one run.
//
//   node near_host.mjs CONTRACT.wasm < calls.json
//   calls.json: [{"method": "m", "args": {...}, "predecessor": "a.near", "deposit": "123"}, ...]
//   stdout: [{"ok": true, "return": "<utf8>" | null, "logs": [...]} | {"ok": false, "panic": "..."}]
import fs from "node:fs";

const module = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const calls = JSON.parse(fs.readFileSync(0, "utf8"));
const storage = new Map(); // hex(key) -> Uint8Array
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const utf8 = (s) => new Uint8Array(Buffer.from(s, "utf8"));

class Panic extends Error {}

function call({ method, args = {}, predecessor = "alice.test.near", deposit = "0" }) {
  const registers = new Map();
  const logs = [];
  let returned = null;
  let memory;
  const bytes = (ptr, len) => new Uint8Array(memory.buffer, Number(ptr), Number(len)).slice();
  const text = (ptr, len) => Buffer.from(bytes(ptr, len)).toString("utf8");
  const writeU128 = (ptr, value) => {
    const view = new DataView(memory.buffer);
    view.setBigUint64(Number(ptr), BigInt.asUintN(64, value), true);
    view.setBigUint64(Number(ptr) + 8, value >> 64n, true);
  };
  const host = {
    read_register: (id, ptr) => new Uint8Array(memory.buffer).set(registers.get(id), Number(ptr)),
    register_len: (id) => (registers.has(id) ? BigInt(registers.get(id).length) : 2n ** 64n - 1n),
    write_register: (id, len, ptr) => void registers.set(id, bytes(ptr, len)),
    input: (id) => void registers.set(id, utf8(JSON.stringify(args))),
    current_account_id: (id) => void registers.set(id, utf8("contract.test.near")),
    predecessor_account_id: (id) => void registers.set(id, utf8(predecessor)),
    signer_account_id: (id) => void registers.set(id, utf8(predecessor)),
    attached_deposit: (ptr) => writeU128(ptr, BigInt(deposit)),
    block_index: () => 1n,
    block_timestamp: () => 1n,
    epoch_height: () => 1n,
    storage_usage: () => 0n,
    prepaid_gas: () => 300n * 10n ** 12n,
    used_gas: () => 0n,
    value_return: (len, ptr) => void (returned = text(ptr, len)),
    log_utf8: (len, ptr) => void logs.push(text(ptr, len)),
    panic: () => {
      throw new Panic("explicit guest panic");
    },
    panic_utf8: (len, ptr) => {
      throw new Panic(text(ptr, len));
    },
    storage_read: (klen, kptr, id) => {
      const value = storage.get(hex(bytes(kptr, klen)));
      if (value === undefined) return 0n;
      registers.set(id, value);
      return 1n;
    },
    storage_has_key: (klen, kptr) => (storage.has(hex(bytes(kptr, klen))) ? 1n : 0n),
    storage_write: (klen, kptr, vlen, vptr, id) => {
      const key = hex(bytes(kptr, klen));
      const old = storage.get(key);
      storage.set(key, bytes(vptr, vlen));
      if (old === undefined) return 0n;
      registers.set(id, old);
      return 1n;
    },
    storage_remove: (klen, kptr, id) => {
      const key = hex(bytes(kptr, klen));
      const old = storage.get(key);
      if (old === undefined) return 0n;
      storage.delete(key);
      registers.set(id, old);
      return 1n;
    },
  };
  const env = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== "env") throw new Error(`unexpected import ${imp.module}.${imp.name}`);
    env[imp.name] =
      host[imp.name] ??
      (() => {
        throw new Error(`host function ${imp.name} is not implemented by this test host`);
      });
  }
  const instance = new WebAssembly.Instance(module, { env });
  memory = instance.exports.memory;
  const saved = new Map(storage);
  try {
    instance.exports[method]();
    return { ok: true, return: returned, logs };
  } catch (err) {
    // A failed call leaves no state change behind, as on chain.
    storage.clear();
    for (const [k, v] of saved) storage.set(k, v);
    if (err instanceof Panic) return { ok: false, panic: err.message, logs };
    throw err;
  }
}

console.log(JSON.stringify(calls.map(call)));
