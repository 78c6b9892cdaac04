//! Calling into nearcore's VM: the context a call sees, preparing and running the contract, and
//! turning a VM error into the error a client sees. Shared by function-call actions and views.

use super::{placeholder_public_key, Chain};
use crate::ext::SandboxExt;
use crate::types::Account;
use near_primitives_core::account::AccountContract;
use near_primitives_core::gas::Gas;
use near_primitives_core::hash::CryptoHash;
use near_primitives_core::types::{AccountId, Balance};
use near_vm_runner::logic::errors::{CompilationError, FunctionCallError, VMRunnerError};
use near_vm_runner::logic::{VMContext, VMOutcome};
use near_vm_runner::ContractCode;
use serde_json::{json, Value};
use std::rc::Rc;
use std::sync::Arc;

/// A contract's code as the VM's `prepare` wants it.
pub(super) struct ContractRef {
    pub hash: CryptoHash,
    pub code: Option<Arc<ContractCode>>,
}

impl near_vm_runner::Contract for ContractRef {
    fn hash(&self) -> CryptoHash {
        self.hash
    }
    fn get_code(&self) -> Option<Arc<ContractCode>> {
        self.code.clone()
    }
}

impl Chain {
    /// The context of a call to `account_id` in the current block, as if the account called
    /// itself with nothing attached and no gas; callers set who calls and with what.
    pub(super) fn vm_context(
        &self,
        account_id: &AccountId,
        account: &Account,
        input: Vec<u8>,
    ) -> VMContext {
        VMContext {
            current_account_id: account_id.clone(),
            signer_account_id: account_id.clone(),
            signer_account_pk: placeholder_public_key(),
            predecessor_account_id: account_id.clone(),
            refund_to_account_id: account_id.clone(),
            input: Rc::from(input),
            promise_results: Arc::from(vec![]),
            block_height: self.state.height,
            block_timestamp: self.state.timestamp,
            epoch_height: self.epoch_height(),
            account_balance: Balance::from_yoctonear(account.amount),
            account_locked_balance: Balance::from_yoctonear(account.locked),
            storage_usage: account.storage_usage,
            account_contract: match account.code_hash {
                Some(h) => AccountContract::Local(h),
                None => AccountContract::None,
            },
            attached_deposit: Balance::ZERO,
            prepaid_gas: Gas::ZERO,
            random_seed: self.block_seed().as_ref().to_vec(),
            view_config: None,
            output_data_receivers: vec![],
        }
    }

    /// Prepares (validates, instruments, compiles or loads from the cache) and runs `method`.
    pub(super) fn run_vm(
        &self,
        contract: ContractRef,
        method: &str,
        ext: &mut SandboxExt,
        context: &VMContext,
    ) -> Result<VMOutcome, VMRunnerError> {
        let wasm_config = Arc::clone(&self.config.wasm_config);
        let gas_counter = context.make_gas_counter(&wasm_config);
        let prepared = near_vm_runner::prepare(
            &contract,
            wasm_config,
            Some(self.cache.as_ref()),
            gas_counter,
            method,
        );
        near_vm_runner::run(prepared, ext, context, Arc::clone(&self.config.fees))
    }
}

/// nearcore's conversion of a VM error to the error a client sees in the outcome.
pub(super) fn function_call_error(e: &FunctionCallError) -> Value {
    match e {
        FunctionCallError::CompilationError(CompilationError::CodeDoesNotExist { account_id }) => {
            json!({"CompilationError": {"CodeDoesNotExist": {"account_id": account_id.to_string()}}})
        }
        FunctionCallError::CompilationError(CompilationError::PrepareError(p)) => {
            json!({"CompilationError": {"PrepareError": format!("{p:?}")}})
        }
        FunctionCallError::CompilationError(c) => {
            json!({"CompilationError": {"WasmerCompileError": {"msg": c.to_string()}}})
        }
        FunctionCallError::LinkError { msg } => json!({"LinkError": {"msg": msg}}),
        FunctionCallError::MethodResolveError(m) => json!({"MethodResolveError": format!("{m:?}")}),
        other => json!({"ExecutionError": other.to_string()}),
    }
}
