;; A test contract that calls NEAR host functions directly. Every promise-making method takes
;; the target account id as its raw input.
(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "log_utf8" (func $log_utf8 (param i64 i64)))
  (import "env" "panic_utf8" (func $panic_utf8 (param i64 i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (import "env" "current_account_id" (func $current_account_id (param i64)))
  (import "env" "attached_deposit" (func $attached_deposit (param i64)))
  (import "env" "account_balance" (func $account_balance (param i64)))
  (import "env" "block_index" (func $block_index (result i64)))
  (import "env" "block_timestamp" (func $block_timestamp (result i64)))
  (import "env" "random_seed" (func $random_seed (param i64)))
  (import "env" "promise_create"
    (func $promise_create (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_then"
    (func $promise_then (param i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_and" (func $promise_and (param i64 i64) (result i64)))
  (import "env" "promise_batch_create" (func $promise_batch_create (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_transfer"
    (func $promise_batch_action_transfer (param i64 i64)))
  (import "env" "promise_batch_action_function_call_weight"
    (func $promise_batch_action_function_call_weight
      (param i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "promise_results_count" (func $promise_results_count (result i64)))
  (import "env" "promise_result" (func $promise_result (param i64 i64) (result i64)))
  (import "env" "promise_return" (func $promise_return (param i64)))
  (import "env" "promise_yield_create"
    (func $promise_yield_create (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_yield_resume"
    (func $promise_yield_resume (param i64 i64 i64 i64) (result i32)))

  (memory (export "memory") 1)
  (data (i32.const 0) "k")
  (data (i32.const 16) "boom")
  (data (i32.const 32) "echo")
  (data (i32.const 48) "relay")
  (data (i32.const 64) "on_result")
  (data (i32.const 80) "relayed")
  (data (i32.const 112) "failed")
  (data (i32.const 128) "panic")
  (data (i32.const 144) "write")
  ;; 1 NEAR as a little-endian u128, then a zero amount
  (data (i32.const 160) "\00\00\00\a1\ed\cc\ce\1b\c2\d3\00\00\00\00\00\00")
  (data (i32.const 176) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 192) "on_join")
  (data (i32.const 208) "1")
  (data (i32.const 224) "2")
  (data (i32.const 240) "3")
  (data (i32.const 320) "last")
  (data (i32.const 336) "y")
  (data (i32.const 4093) "ok:")

  ;; Reads the input to memory at $ptr and returns its length.
  (func $input_to (param $ptr i64) (result i64)
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (local.get $ptr))
    (call $register_len (i64.const 0)))

  ;; Writes this account's id to 600 and returns its length.
  (func $me (result i64)
    (call $current_account_id (i64.const 1))
    (call $read_register (i64.const 1) (i64.const 600))
    (call $register_len (i64.const 1)))

  (func (export "echo")
    (local $n i64)
    (local.set $n (call $input_to (i64.const 2048)))
    (call $value_return (local.get $n) (i64.const 2048)))

  (func (export "log_input")
    (local $n i64)
    (local.set $n (call $input_to (i64.const 2048)))
    (call $log_utf8 (local.get $n) (i64.const 2048))
    (call $value_return (local.get $n) (i64.const 2048)))

  (func (export "panic")
    (call $panic_utf8 (i64.const 4) (i64.const 16)))

  (func (export "trap")
    unreachable)

  (func (export "burn")
    (loop $forever (br $forever)))

  (func $write
    (local $n i64)
    (local.set $n (call $input_to (i64.const 2048)))
    (drop (call $storage_write
      (i64.const 1) (i64.const 0) (local.get $n) (i64.const 2048) (i64.const 1))))
  (func (export "write") (call $write))

  (func (export "write_then_panic")
    (call $write)
    (call $panic_utf8 (i64.const 4) (i64.const 16)))

  (func (export "read")
    (if (i64.eq (call $storage_read (i64.const 1) (i64.const 0) (i64.const 0)) (i64.const 1))
      (then
        (call $read_register (i64.const 0) (i64.const 2048))
        (call $value_return (call $register_len (i64.const 0)) (i64.const 2048)))))

  ;; attached deposit and balance, two little-endian u128s
  (func (export "deposit")
    (call $attached_deposit (i64.const 2048))
    (call $account_balance (i64.const 2064))
    (call $value_return (i64.const 32) (i64.const 2048)))

  ;; block height (u64 LE), timestamp (u64 LE), random seed (32 bytes)
  (func (export "env_info")
    (i64.store (i32.const 2048) (call $block_index))
    (i64.store (i32.const 2056) (call $block_timestamp))
    (call $random_seed (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 2064))
    (call $value_return (i64.const 48) (i64.const 2048)))

  ;; target.relay(target) then self.on_result; returns the callback's promise
  (func (export "forward")
    (local $t i64) (local $p i64) (local $c i64)
    (local.set $t (call $input_to (i64.const 512)))
    (local.set $p (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 5) (i64.const 48)
      (local.get $t) (i64.const 512) (i64.const 176) (i64.const 40000000000000)))
    (local.set $c (call $me))
    (call $promise_return (call $promise_then (local.get $p)
      (local.get $c) (i64.const 600) (i64.const 9) (i64.const 64)
      (i64.const 0) (i64.const 0) (i64.const 176) (i64.const 20000000000000))))

  ;; returns the promise target.echo("relayed")
  (func (export "relay")
    (local $t i64)
    (local.set $t (call $input_to (i64.const 512)))
    (call $promise_return (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 4) (i64.const 32)
      (i64.const 7) (i64.const 80) (i64.const 176) (i64.const 10000000000000))))

  ;; "ok:<result>" or "failed"
  (func (export "on_result")
    (if (i64.eq (call $promise_result (i64.const 0) (i64.const 0)) (i64.const 1))
      (then
        (call $read_register (i64.const 0) (i64.const 4096))
        (call $value_return
          (i64.add (i64.const 3) (call $register_len (i64.const 0))) (i64.const 4093)))
      (else (call $value_return (i64.const 6) (i64.const 112)))))

  ;; promise_and(target.echo("1"), target.panic(), target.echo("3")) then self.on_join
  (func (export "join")
    (local $t i64) (local $c i64)
    (local.set $t (call $input_to (i64.const 512)))
    (i64.store (i32.const 256) (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 4) (i64.const 32)
      (i64.const 1) (i64.const 208) (i64.const 176) (i64.const 10000000000000)))
    (i64.store (i32.const 264) (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 5) (i64.const 128)
      (i64.const 0) (i64.const 0) (i64.const 176) (i64.const 10000000000000)))
    (i64.store (i32.const 272) (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 4) (i64.const 32)
      (i64.const 1) (i64.const 240) (i64.const 176) (i64.const 10000000000000)))
    (local.set $c (call $me))
    (call $promise_return (call $promise_then
      (call $promise_and (i64.const 256) (i64.const 3))
      (local.get $c) (i64.const 600) (i64.const 7) (i64.const 192)
      (i64.const 0) (i64.const 0) (i64.const 176) (i64.const 20000000000000))))

  ;; the results in join order, "F" for each failed one
  (func (export "on_join")
    (local $i i64) (local $n i64) (local $out i64)
    (local.set $n (call $promise_results_count))
    (local.set $out (i64.const 4096))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (if (i64.eq (call $promise_result (local.get $i) (i64.const 0)) (i64.const 1))
          (then
            (call $read_register (i64.const 0) (local.get $out))
            (local.set $out (i64.add (local.get $out) (call $register_len (i64.const 0)))))
          (else
            (i64.store8 (i32.wrap_i64 (local.get $out)) (i64.const 70))
            (local.set $out (i64.add (local.get $out) (i64.const 1)))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (call $value_return (i64.sub (local.get $out) (i64.const 4096)) (i64.const 4096)))

  ;; schedules target.write("2") and then panics: the call must never happen
  (func (export "call_then_fail")
    (local $t i64)
    (local.set $t (call $input_to (i64.const 512)))
    (drop (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 5) (i64.const 144)
      (i64.const 1) (i64.const 224) (i64.const 176) (i64.const 10000000000000)))
    (call $panic_utf8 (i64.const 4) (i64.const 16)))

  ;; target.panic() with 1 NEAR attached: the deposit must come back to this account
  (func (export "pay_panic")
    (local $t i64)
    (local.set $t (call $input_to (i64.const 512)))
    (drop (call $promise_create
      (local.get $t) (i64.const 512) (i64.const 5) (i64.const 128)
      (i64.const 0) (i64.const 0) (i64.const 160) (i64.const 10000000000000))))

  ;; transfers 1 NEAR to target
  (func (export "send")
    (local $t i64)
    (local.set $t (call $input_to (i64.const 512)))
    (call $promise_batch_action_transfer
      (call $promise_batch_create (local.get $t) (i64.const 512)) (i64.const 160)))

  ;; target.echo("1") with no static gas and weight 1: it gets all the unused gas
  (func (export "weighted")
    (local $t i64)
    (local.set $t (call $input_to (i64.const 512)))
    (call $promise_batch_action_function_call_weight
      (call $promise_batch_create (local.get $t) (i64.const 512))
      (i64.const 4) (i64.const 32) (i64.const 1) (i64.const 208)
      (i64.const 176) (i64.const 0) (i64.const 1)))

  ;; one receipt to target with two calls, then self.on_result (which sees the last result)
  (func $batch (param $second i64) (param $second_len i64) (param $arg i64) (param $arg_len i64)
    (local $t i64) (local $p i64) (local $c i64)
    (local.set $t (call $input_to (i64.const 512)))
    (local.set $p (call $promise_batch_create (local.get $t) (i64.const 512)))
    (call $promise_batch_action_function_call_weight (local.get $p)
      (i64.const 5) (i64.const 144) (i64.const 1) (i64.const 224)
      (i64.const 176) (i64.const 10000000000000) (i64.const 0))
    (call $promise_batch_action_function_call_weight (local.get $p)
      (local.get $second_len) (local.get $second) (local.get $arg_len) (local.get $arg)
      (i64.const 176) (i64.const 10000000000000) (i64.const 0))
    (local.set $c (call $me))
    (call $promise_return (call $promise_then (local.get $p)
      (local.get $c) (i64.const 600) (i64.const 9) (i64.const 64)
      (i64.const 0) (i64.const 0) (i64.const 176) (i64.const 20000000000000))))

  ;; target.write("2") + target.echo("last") in one receipt
  (func (export "batch_ok")
    (call $batch (i64.const 32) (i64.const 4) (i64.const 320) (i64.const 4)))

  ;; target.write("2") + target.panic() in one receipt: the write must be undone
  (func (export "batch_fail")
    (call $batch (i64.const 128) (i64.const 5) (i64.const 0) (i64.const 0)))

  ;; yields self.on_result and keeps the yield's data id under key "y"
  (func (export "yield_start")
    (drop (call $promise_yield_create (i64.const 9) (i64.const 64) (i64.const 0) (i64.const 0)
      (i64.const 20000000000000) (i64.const 0) (i64.const 2)))
    (call $read_register (i64.const 2) (i64.const 700))
    (drop (call $storage_write
      (i64.const 1) (i64.const 336) (i64.const 32) (i64.const 700) (i64.const 3))))

  ;; resumes the stored yield with the input as payload; returns "1" if it was still open
  (func (export "yield_resume")
    (local $n i64)
    (local.set $n (call $input_to (i64.const 2048)))
    (drop (call $storage_read (i64.const 1) (i64.const 336) (i64.const 4)))
    (call $read_register (i64.const 4) (i64.const 700))
    (i64.store8 (i32.const 800) (i64.add (i64.const 48) (i64.extend_i32_u
      (call $promise_yield_resume (i64.const 32) (i64.const 700) (local.get $n) (i64.const 2048)))))
    (call $value_return (i64.const 1) (i64.const 800)))
)
