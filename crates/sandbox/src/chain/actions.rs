//! Actions: what each one does to the receiving account, after nearcore's
//! `runtime/runtime/src/actions.rs`. A receipt's actions work on a [`ReceiptRun`], the account
//! and storage as that receipt sees them; nothing reaches the state unless every action succeeds.

use super::vm::{function_call_error, ContractRef};
use super::Chain;
use crate::ext::{NewReceipt, SandboxExt};
use crate::fees::{action_fee, receipt_fee};
use crate::types::{Account, Action, ActionReceipt, Failure, FunctionCall, Receipt};
use near_parameters::StorageUsageConfig;
use near_primitives_core::gas::Gas;
use near_primitives_core::hash::{hash, CryptoHash};
use near_primitives_core::types::{AccountId, Balance};
use near_vm_runner::logic::errors::{CompilationError, FunctionCallError, VMRunnerError};
use near_vm_runner::logic::types::PromiseResult;
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use near_vm_runner::ContractCode;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// Bytes of a borsh-encoded full-access `AccessKey`: its nonce (u64) and the permission's tag.
const FULL_ACCESS_KEY_BYTES: u64 = 8 + 1;

/// One action receipt while its actions run: the receiver's account and storage as the receipt
/// sees them, and what it has done so far.
pub(super) struct ReceiptRun {
    pub account: Option<Account>,
    /// The receiver's committed storage, out of the state while the receipt runs.
    pub base: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The receipt's writes over `base` (None = removed).
    pub overlay: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Contracts deployed by this receipt, stored once it succeeds.
    pub new_codes: Vec<Arc<ContractCode>>,
    pub deleted: bool,
    pub created_account: bool,
    /// The results of the receipts this one waited for, in `input_data_ids` order.
    pub promise_results: Arc<[PromiseResult]>,
    pub gas_burnt: u64,
    pub gas_used: u64,
    /// The part of `gas_burnt` the VM burnt (the contract's reward is a share of it).
    pub gas_burnt_for_function_call: u64,
    pub logs: Vec<String>,
    /// Receipts the contract created.
    pub new_receipts: Vec<NewReceipt>,
    /// Data for the yields the contract resumed: (data id, payload).
    pub resumed: Vec<(CryptoHash, Vec<u8>)>,
    /// The last function call's return value, or why the receipt failed.
    pub result: Result<ReturnData, Failure>,
}

impl ReceiptRun {
    fn account(&self) -> &Account {
        self.account
            .as_ref()
            .expect("actions other than CreateAccount run on an existing account")
    }

    fn account_mut(&mut self) -> &mut Account {
        self.account
            .as_mut()
            .expect("actions other than CreateAccount run on an existing account")
    }

    /// A contract by its hash: stored, or deployed earlier in this receipt.
    fn code(
        &self,
        codes: &HashMap<CryptoHash, Arc<ContractCode>>,
        hash: CryptoHash,
    ) -> Option<Arc<ContractCode>> {
        codes
            .get(&hash)
            .or_else(|| self.new_codes.iter().find(|c| *c.hash() == hash))
            .cloned()
    }
}

/// Storage bytes an access key adds to its account: the key, the borsh-encoded `AccessKey` and
/// a record's overhead. Function-call keys also count their method names (one separator byte
/// each) and an allowance and receiver estimated at their largest (16 + 64 bytes).
pub(super) fn access_key_bytes(
    usage: &StorageUsageConfig,
    public_key: &[u8],
    method_names: Option<&[String]>,
) -> u64 {
    let permission = method_names
        .map(|names| names.iter().map(|m| m.len() as u64 + 1).sum::<u64>() + 16 + 64)
        .unwrap_or(0);
    usage.num_extra_bytes_record + public_key.len() as u64 + FULL_ACCESS_KEY_BYTES + permission
}

fn account_does_not_exist(account_id: &AccountId) -> Failure {
    Failure::new(
        json!({"AccountDoesNotExist": {"account_id": account_id.as_str()}}),
        format!("Can't complete the action because account {account_id} doesn't exist"),
    )
}

fn unsupported(name: &str, message: String) -> Failure {
    Failure::new(json!({ "Unsupported": name }), message)
}

impl Chain {
    /// Takes what a receipt's actions work on out of the state: the receiver's account and
    /// storage, and the data the receipt waited for.
    pub(super) fn begin_receipt(
        &mut self,
        account_id: &AccountId,
        ar: &ActionReceipt,
    ) -> ReceiptRun {
        let promise_results = ar
            .input_data_ids
            .iter()
            .map(
                |id| match self.state.received_data.remove(&(account_id.clone(), *id)) {
                    Some(Some(v)) => PromiseResult::Successful(Rc::from(v)),
                    _ => PromiseResult::Failed,
                },
            )
            .collect();
        let receipt_exec = receipt_fee(&self.config.fees, None);
        ReceiptRun {
            account: self.state.accounts.get(account_id).cloned(),
            base: self.state.storage.remove(account_id).unwrap_or_default(),
            overlay: BTreeMap::new(),
            new_codes: vec![],
            deleted: false,
            created_account: false,
            promise_results,
            gas_burnt: receipt_exec,
            gas_used: receipt_exec,
            gas_burnt_for_function_call: 0,
            logs: vec![],
            new_receipts: vec![],
            resumed: vec![],
            result: Ok(ReturnData::None),
        }
    }

    /// Runs the receipt's actions in order until one fails (the receipt's error then names its
    /// index), then checks that the account can still pay for its storage.
    pub(super) fn run_actions(&self, receipt: &Receipt, ar: &ActionReceipt, run: &mut ReceiptRun) {
        for (index, action) in ar.actions.iter().enumerate() {
            let exec = action_fee(&self.config.fees, action, &receipt.receiver_id, None);
            run.gas_burnt += exec;
            run.gas_used += exec;
            if let Err(failure) = self.apply_action(run, receipt, ar, index) {
                run.result = Err(Failure {
                    kind: json!({"ActionError": {"index": index, "kind": failure.kind}}),
                    ..failure
                });
                return;
            }
        }
        if run.deleted {
            return;
        }
        let account_id = &receipt.receiver_id;
        if let Some(amount) = run.account.as_ref().and_then(|a| self.storage_deficit(a)) {
            run.result = Err(Failure::new(
                json!({"ActionError": {"index": null, "kind": {"LackBalanceForState": {
                    "account_id": account_id.as_str(), "amount": amount.to_string()}}}}),
                format!("The account {account_id} wouldn't have enough balance to cover storage, required to have {amount} yoctoNEAR more"),
            ));
        }
    }

    fn apply_action(
        &self,
        run: &mut ReceiptRun,
        receipt: &Receipt,
        ar: &ActionReceipt,
        index: usize,
    ) -> Result<(), Failure> {
        let account_id = &receipt.receiver_id;
        let action = &ar.actions[index];
        if run.deleted {
            return Err(account_does_not_exist(account_id));
        }
        let usage = &self.config.fees.storage_usage_config;
        match action {
            Action::CreateAccount => self.create_account_action(run, receipt),
            _ if run.account.is_none() => Err(account_does_not_exist(account_id)),
            Action::Transfer { deposit } => {
                run.account_mut().amount += deposit;
                Ok(())
            }
            Action::DeployContract { code } => {
                self.deploy(run, code);
                Ok(())
            }
            Action::FunctionCall(call) => self.function_call(run, receipt, ar, index, call),
            Action::Stake { .. } => Err(unsupported(
                "Stake",
                "staking is not supported by the xccgen sandbox".into(),
            )),
            Action::AddKey {
                public_key,
                method_names,
            } => add_key(
                usage,
                account_id,
                run.account_mut(),
                public_key,
                method_names,
            ),
            Action::DeleteKey { public_key } => {
                delete_key(account_id, run.account_mut(), public_key)
            }
            Action::DeleteAccount { beneficiary } => delete_account(run, account_id, beneficiary),
            Action::Unsupported { name } => Err(unsupported(
                name,
                format!("the {name} action is not supported by the xccgen sandbox"),
            )),
        }
    }

    /// Creates the receiver, if the predecessor may: a top-level name shorter than the
    /// protocol's minimum only by the registrar, a sub-account only by its parent.
    fn create_account_action(
        &self,
        run: &mut ReceiptRun,
        receipt: &Receipt,
    ) -> Result<(), Failure> {
        let account_id = &receipt.receiver_id;
        let predecessor = &receipt.predecessor_id;
        if run.account.is_some() {
            return Err(Failure::new(
                json!({"AccountAlreadyExists": {"account_id": account_id.as_str()}}),
                format!("Can't create a new account {account_id}, because it already exists"),
            ));
        }
        let creation = &self.config.account_creation_config;
        let registrar = &creation.registrar_account_id;
        let top_level = !account_id.as_str().contains('.');
        if top_level {
            if account_id.len() < creation.min_allowed_top_level_account_length as usize
                && predecessor != registrar
            {
                return Err(Failure::new(
                    json!({"CreateAccountOnlyByRegistrar": {
                        "account_id": account_id.as_str(),
                        "registrar_account_id": registrar.as_str(),
                        "predecessor_id": predecessor.as_str()}}),
                    format!("A top-level account ID {account_id} can't be created by {predecessor}, short top-level account IDs can only be created by {registrar}"),
                ));
            }
        } else if !account_id.is_sub_account_of(predecessor) {
            return Err(Failure::new(
                json!({"CreateAccountNotAllowed": {
                    "account_id": account_id.as_str(), "predecessor_id": predecessor.as_str()}}),
                format!("A sub-account ID {account_id} can't be created by account {predecessor}"),
            ));
        }
        run.account = Some(Account {
            storage_usage: self.config.fees.storage_usage_config.num_bytes_account,
            ..Default::default()
        });
        run.created_account = true;
        Ok(())
    }

    /// Replaces the account's code; its storage usage follows the code's size.
    fn deploy(&self, run: &mut ReceiptRun, code: &[u8]) {
        let code = Arc::new(ContractCode::new(code.to_vec(), None));
        let old_len = run
            .account()
            .code_hash
            .and_then(|h| run.code(&self.state.codes, h))
            .map_or(0, |c| c.code().len() as u64);
        let acc = run.account_mut();
        acc.storage_usage = acc.storage_usage - old_len + code.code().len() as u64;
        acc.code_hash = Some(*code.hash());
        run.new_codes.push(code);
    }

    /// Runs a contract method. The VM credits the attached deposit itself (VMLogic starts from
    /// `account_balance + attached_deposit`) and hands back the final balance.
    fn function_call(
        &self,
        run: &mut ReceiptRun,
        receipt: &Receipt,
        ar: &ActionReceipt,
        index: usize,
        call: &FunctionCall,
    ) -> Result<(), Failure> {
        let account_id = &receipt.receiver_id;
        let action_hash = hash(&[receipt.id.as_ref(), &(index as u64).to_le_bytes()].concat());
        let context = self.function_call_context(run, receipt, ar, index, call, action_hash);
        let code_hash = run.account().code_hash;
        let contract = ContractRef {
            hash: code_hash.unwrap_or_default(),
            code: code_hash.and_then(|h| run.code(&self.state.codes, h)),
        };
        let open_yields = self.open_yields(account_id);
        let mut ext = SandboxExt::new(
            &run.base,
            &mut run.overlay,
            &open_yields,
            action_hash,
            self.state.height,
        );
        let outcome = self.run_vm(contract, &call.method, &mut ext, &context);
        let mut receipts = ext.receipts;
        let mut outcome = match outcome {
            Ok(outcome) => outcome,
            Err(VMRunnerError::ContractCodeNotPresent) => VMOutcome::nop_outcome(
                FunctionCallError::CompilationError(CompilationError::CodeDoesNotExist {
                    account_id: account_id.as_str().into(),
                }),
            ),
            Err(e) => {
                let message = format!("sandbox engine error: {e}");
                return Err(Failure::new(
                    json!({"FunctionCallError": {"ExecutionError": message}}),
                    message,
                ));
            }
        };
        // Unused gas goes to the promises created with a gas weight, and counts as used.
        let unused = call.gas.saturating_sub(outcome.used_gas.as_gas());
        let distributed = receipts.distribute_gas(unused);
        outcome.used_gas = Gas::from_gas(outcome.used_gas.as_gas() + distributed);
        run.gas_burnt += outcome.burnt_gas.as_gas();
        run.gas_burnt_for_function_call += outcome.burnt_gas.as_gas();
        run.gas_used += outcome.used_gas.as_gas();
        run.logs.extend(outcome.logs.iter().cloned());
        if let Some(e) = &outcome.aborted {
            return Err(Failure::new(
                json!({"FunctionCallError": function_call_error(e)}),
                e.to_string(),
            ));
        }
        let acc = run.account_mut();
        acc.amount = outcome.balance.as_yoctonear();
        acc.storage_usage = outcome.storage_usage;
        run.new_receipts.extend(receipts.receipts);
        run.resumed.extend(receipts.resumed);
        run.result = Ok(outcome.return_data);
        Ok(())
    }

    /// What the contract sees of a function call: who signed and called it, what it carries,
    /// the results it waited for, and (only for the receipt's last action, whose result is the
    /// receipt's) who waits for its result.
    fn function_call_context(
        &self,
        run: &ReceiptRun,
        receipt: &Receipt,
        ar: &ActionReceipt,
        index: usize,
        call: &FunctionCall,
        action_hash: CryptoHash,
    ) -> VMContext {
        let predecessor = &receipt.predecessor_id;
        let is_last = index + 1 == ar.actions.len();
        let output_data_receivers = if is_last {
            ar.output_data_receivers
                .iter()
                .map(|r| r.receiver_id.clone())
                .collect()
        } else {
            vec![]
        };
        let seed = hash(&[action_hash.as_ref(), self.block_seed().as_ref()].concat());
        VMContext {
            signer_account_id: ar.signer_id.clone(),
            predecessor_account_id: predecessor.clone(),
            refund_to_account_id: ar.refund_to.clone().unwrap_or(predecessor.clone()),
            promise_results: Arc::clone(&run.promise_results),
            attached_deposit: Balance::from_yoctonear(call.deposit),
            prepaid_gas: Gas::from_gas(call.gas),
            random_seed: seed.as_ref().to_vec(),
            output_data_receivers,
            ..self.vm_context(&receipt.receiver_id, run.account(), call.args.clone())
        }
    }

    /// The account's yields still waiting for `promise_yield_resume`.
    fn open_yields(&self, account_id: &AccountId) -> HashSet<CryptoHash> {
        self.state
            .yields
            .keys()
            .filter(|(a, _)| a == account_id)
            .map(|(_, d)| *d)
            .collect()
    }
}

/// Adds an access key, unless the account already has that key.
fn add_key(
    usage: &StorageUsageConfig,
    account_id: &AccountId,
    acc: &mut Account,
    public_key: &[u8],
    method_names: &Option<Vec<String>>,
) -> Result<(), Failure> {
    if acc.keys.contains_key(public_key) {
        return Err(Failure::new(
            json!({"AddKeyAlreadyExists": {"account_id": account_id.as_str()}}),
            format!("The public key is already used for an existing access key of {account_id}"),
        ));
    }
    let bytes = access_key_bytes(usage, public_key, method_names.as_deref());
    acc.keys.insert(public_key.to_vec(), bytes);
    acc.storage_usage += bytes;
    Ok(())
}

fn delete_key(account_id: &AccountId, acc: &mut Account, public_key: &[u8]) -> Result<(), Failure> {
    let Some(bytes) = acc.keys.remove(public_key) else {
        return Err(Failure::new(
            json!({"DeleteKeyDoesNotExist": {"account_id": account_id.as_str()}}),
            format!("Account {account_id} tries to remove an access key that doesn't exist"),
        ));
    };
    acc.storage_usage -= bytes;
    Ok(())
}

/// Deletes the account and its storage; nearcore sends the balance to the beneficiary as a
/// refund-style receipt (from `system`, burnt if the beneficiary does not exist).
fn delete_account(
    run: &mut ReceiptRun,
    account_id: &AccountId,
    beneficiary: &AccountId,
) -> Result<(), Failure> {
    let acc = run.account_mut();
    if acc.locked > 0 {
        return Err(Failure::new(
            json!({"DeleteAccountStaking": {"account_id": account_id.as_str()}}),
            format!("Account {account_id} is staking and can not be deleted"),
        ));
    }
    let balance = std::mem::take(&mut acc.amount);
    if balance > 0 {
        run.new_receipts
            .push(NewReceipt::refund(beneficiary.clone(), balance));
    }
    run.overlay = run.base.keys().map(|k| (k.clone(), None)).collect();
    run.deleted = true;
    Ok(())
}
