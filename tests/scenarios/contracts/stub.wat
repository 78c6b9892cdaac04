;; A stand-in external contract that answers with whatever bytes it was given: `set` stores its raw
;; input, and every `get_*` method returns those bytes as they are (nothing if `set` never ran).
;; `echo` returns its own input, `fail` panics. The specs beside it call it as `stub`.
(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "panic_utf8" (func $panic_utf8 (param i64 i64)))

  (memory (export "memory") 1)
  (data (i32.const 0) "answer")
  (data (i32.const 16) "the stub fails")

  ;; A length of u64::MAX hands a host function register 0 instead of memory.
  (func (export "set")
    (call $input (i64.const 0))
    (drop (call $storage_write
      (i64.const 6) (i64.const 0) (i64.const -1) (i64.const 0) (i64.const 1))))

  (func $answer
    (if (i64.eq (call $storage_read (i64.const 6) (i64.const 0) (i64.const 0)) (i64.const 1))
      (then (call $value_return (i64.const -1) (i64.const 0)))))

  (func (export "echo")
    (call $input (i64.const 0))
    (call $value_return (i64.const -1) (i64.const 0)))

  (func (export "fail")
    (call $panic_utf8 (i64.const 14) (i64.const 16)))

  (export "get_i8" (func $answer))
  (export "get_i16" (func $answer))
  (export "get_i32" (func $answer))
  (export "get_i64" (func $answer))
  (export "get_u8" (func $answer))
  (export "get_u16" (func $answer))
  (export "get_u32" (func $answer))
  (export "get_u64" (func $answer))
  (export "get_big_u64" (func $answer))
  (export "get_big_u128" (func $answer))
  (export "get_bool" (func $answer))
  (export "get_string" (func $answer))
  (export "get_account" (func $answer))
  (export "get_list" (func $answer))
  (export "get_matrix" (func $answer))
  (export "get_wide_list" (func $answer))
  (export "get_maybe" (func $answer))
  (export "get_pair" (func $answer))
  (export "get_maybe_pair" (func $answer))
  (export "get_keys" (func $answer))
  (export "get_tree" (func $answer))
  (export "get_chain" (func $answer)))
