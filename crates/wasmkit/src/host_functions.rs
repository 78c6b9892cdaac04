//! Names of the host functions a NEAR contract may import from module `env`.
//!
//! Written from nearcore's `runtime/near-vm-runner/src/imports.rs` (0.37): every import the
//! production runtime links, including ones gated by protocol features. Finite-wasm internals
//! and the sandbox/test-only functions are left out: a deployable contract never imports them.

pub const NEAR_HOST_FUNCTIONS: &[&str] = &[
    // Registers
    "read_register",
    "register_len",
    "write_register",
    // Context
    "current_account_id",
    "chain_id",
    "signer_account_id",
    "signer_account_pk",
    "predecessor_account_id",
    "input",
    "block_index",
    "block_timestamp",
    "epoch_height",
    "storage_usage",
    // Economics
    "account_balance",
    "account_locked_balance",
    "attached_deposit",
    "prepaid_gas",
    "used_gas",
    // Math and crypto
    "random_seed",
    "sha256",
    "keccak256",
    "keccak512",
    "ed25519_verify",
    "p256_verify",
    "ripemd160",
    "ecrecover",
    "alt_bn128_g1_multiexp",
    "alt_bn128_g1_sum",
    "alt_bn128_pairing_check",
    "bls12381_p1_sum",
    "bls12381_p2_sum",
    "bls12381_g1_multiexp",
    "bls12381_g2_multiexp",
    "bls12381_map_fp_to_g1",
    "bls12381_map_fp2_to_g2",
    "bls12381_pairing_check",
    "bls12381_p1_decompress",
    "bls12381_p2_decompress",
    // Miscellaneous
    "value_return",
    "panic",
    "panic_utf8",
    "log_utf8",
    "log_utf16",
    "abort",
    // Promises
    "promise_create",
    "promise_then",
    "promise_and",
    "promise_batch_create",
    "promise_batch_then",
    "promise_set_refund_to",
    "promise_batch_action_state_init",
    "promise_batch_action_state_init_by_account_id",
    "set_state_init_data_entry",
    "current_contract_code",
    "refund_to_account_id",
    // Promise batch actions
    "promise_batch_action_create_account",
    "promise_batch_action_deploy_contract",
    "promise_batch_action_deploy_global_contract",
    "promise_batch_action_deploy_global_contract_by_account_id",
    "promise_batch_action_use_global_contract",
    "promise_batch_action_use_global_contract_by_account_id",
    "promise_batch_action_function_call",
    "promise_batch_action_function_call_weight",
    "promise_batch_action_transfer",
    "promise_batch_action_stake",
    "promise_batch_action_add_key_with_full_access",
    "promise_batch_action_add_key_with_function_call",
    "promise_batch_action_delete_key",
    "promise_batch_action_delete_account",
    "promise_batch_action_transfer_to_gas_key",
    "promise_batch_action_add_gas_key_with_full_access",
    "promise_batch_action_add_gas_key_with_function_call",
    // Yield / resume
    "promise_yield_create",
    "promise_yield_create_with_id",
    "promise_yield_resume",
    "promise_yield_resume_with_yield_id",
    // Promise API results
    "promise_results_count",
    "promise_result",
    "promise_return",
    // Storage
    "storage_write",
    "storage_read",
    "storage_remove",
    "storage_has_key",
    "storage_iter_prefix",
    "storage_iter_range",
    "storage_iter_next",
    // Deprecated gas counter import, still linked by the runtime under this name
    "gas",
    // Validator API
    "validator_stake",
    "validator_total_stake",
];

pub fn is_host_function(name: &str) -> bool {
    NEAR_HOST_FUNCTIONS.contains(&name)
}
