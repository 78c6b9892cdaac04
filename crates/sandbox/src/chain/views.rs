//! View calls: a contract method run read-only against the committed state, as nearcore's
//! `TrieViewer::call_function` does. Nobody pays gas and nothing is committed.

use super::vm::{function_call_error, ContractRef};
use super::Chain;
use crate::ext::SandboxExt;
use near_primitives_core::config::ViewConfig;
use near_primitives_core::types::AccountId;
use near_vm_runner::logic::{ReturnData, VMContext};
use std::collections::{BTreeMap, HashSet};

impl Chain {
    /// Runs a view method: its return value and logs, or nearcore's error text.
    pub fn view(
        &self,
        account_id: &AccountId,
        method: &str,
        args: Vec<u8>,
    ) -> Result<(Vec<u8>, Vec<String>), String> {
        let Some(acc) = self.state.accounts.get(account_id) else {
            return Err(format!("account {account_id} does not exist while viewing"));
        };
        let Some(code_hash) = acc.code_hash else {
            return Err(format!(
                "wasm execution failed with error: CompilationError(CodeDoesNotExist {{ account_id: AccountId(\"{account_id}\") }})"
            ));
        };
        // nearcore's default for a node without `max_gas_burnt_view`: the protocol's limit.
        let max_gas = self.config.wasm_config.limit_config.max_gas_burnt;
        let context = VMContext {
            prepaid_gas: max_gas,
            view_config: Some(ViewConfig {
                max_gas_burnt: max_gas,
            }),
            ..self.vm_context(account_id, acc, args)
        };
        let empty = BTreeMap::new();
        let base = self.state.storage.get(account_id).unwrap_or(&empty);
        let mut overlay = BTreeMap::new();
        let no_yields = HashSet::new();
        let mut ext = SandboxExt::new(
            base,
            &mut overlay,
            &no_yields,
            self.block_seed(),
            self.state.height,
        );
        let contract = ContractRef {
            hash: code_hash,
            code: self.state.codes.get(&code_hash).cloned(),
        };
        let outcome = self
            .run_vm(contract, method, &mut ext, &context)
            .map_err(|e| format!("wasm execution failed with error: {e}"))?;
        if let Some(e) = outcome.aborted {
            return Err(format!(
                "wasm execution failed with error: {}",
                function_call_error(&e)
            ));
        }
        let value = match outcome.return_data {
            ReturnData::Value(v) => v,
            _ => vec![],
        };
        Ok((value, outcome.logs))
    }
}
