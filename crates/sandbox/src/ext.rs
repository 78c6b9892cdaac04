//! The sandbox's `External`: contract storage of one account and the receipts a contract creates
//! (nearcore's `RuntimeExt` and `ReceiptManager`, over an in-memory state).

use crate::types::{Action, DataReceiver, FunctionCall};
use near_crypto::PublicKey;
use near_primitives_core::hash::{hash, CryptoHash, YieldId};
use near_primitives_core::types::{AccountId, Balance, Gas, GasWeight, Nonce, NonceIndex};
use near_vm_runner::logic::types::{
    ActionIndex, GlobalContractDeployMode, GlobalContractIdentifier, ReceiptIndex,
};
use near_vm_runner::logic::{External, HostError, StorageAccessTracker, VMLogicError, ValuePtr};
use std::collections::{BTreeMap, HashSet};

type ExtResult<T> = Result<T, VMLogicError>;

/// A receipt created by the running contract, before it gets its id.
#[derive(Clone, Debug)]
pub struct NewReceipt {
    pub receiver_id: AccountId,
    pub output_data_receivers: Vec<DataReceiver>,
    pub input_data_ids: Vec<CryptoHash>,
    pub actions: Vec<Action>,
    pub refund_to: Option<AccountId>,
    pub is_yield: bool,
    /// A gas or deposit refund: sent by `system`, free, burnt if undeliverable.
    pub is_refund: bool,
}

impl NewReceipt {
    /// An empty action receipt to `receiver_id`, waiting for nothing.
    pub fn to(receiver_id: AccountId) -> Self {
        NewReceipt {
            receiver_id,
            output_data_receivers: vec![],
            input_data_ids: vec![],
            actions: vec![],
            refund_to: None,
            is_yield: false,
            is_refund: false,
        }
    }

    /// A refund of `amount` yoctoNEAR to `to`.
    pub fn refund(to: AccountId, amount: u128) -> Self {
        NewReceipt {
            actions: vec![Action::Transfer { deposit: amount }],
            is_refund: true,
            ..NewReceipt::to(to)
        }
    }
}

#[derive(Default)]
pub struct ReceiptManager {
    pub receipts: Vec<NewReceipt>,
    /// (receipt index, action index, weight) of function calls that take a share of unused gas.
    pub gas_weights: Vec<(usize, usize, u64)>,
    /// Data for resumed yields: (data id, payload).
    pub resumed: Vec<(CryptoHash, Vec<u8>)>,
}

impl ReceiptManager {
    fn push(&mut self, index: ReceiptIndex, action: Action) -> usize {
        let actions = &mut self.receipts[index as usize].actions;
        actions.push(action);
        actions.len() - 1
    }

    /// Records an action the sandbox does not implement; the receipt fails when it runs.
    fn push_unsupported(&mut self, index: ReceiptIndex, name: &str) -> usize {
        let name = name.to_string();
        self.push(index, Action::Unsupported { name })
    }

    /// Give unused gas to weighted function calls, as nearcore's `distribute_gas`: each its
    /// share by weight, the rounding remainder to the last one. Returns the gas handed out.
    pub fn distribute_gas(&mut self, unused_gas: u64) -> u64 {
        let total: u128 = self.gas_weights.iter().map(|w| u128::from(w.2)).sum();
        if total == 0 || unused_gas == 0 {
            return 0;
        }
        let mut distributed = 0u64;
        let n = self.gas_weights.len();
        for (i, &(r, a, weight)) in self.gas_weights.iter().enumerate() {
            let mut share = (u128::from(unused_gas) * u128::from(weight) / total) as u64;
            if i + 1 == n {
                share = unused_gas - distributed;
            }
            distributed += share;
            if let Action::FunctionCall(call) = &mut self.receipts[r].actions[a] {
                call.gas = call.gas.saturating_add(share);
            }
        }
        distributed
    }
}

/// A public key as the sandbox stores it: borsh-encoded, as nearcore keys its access keys.
fn key_bytes(public_key: &PublicKey) -> Vec<u8> {
    borsh::to_vec(public_key).expect("borsh encoding of a public key cannot fail")
}

struct OwnedValue(Vec<u8>);

impl ValuePtr for OwnedValue {
    fn len(&self) -> u32 {
        self.0.len() as u32
    }
    fn deref(&self, _tracker: &mut dyn StorageAccessTracker) -> ExtResult<Vec<u8>> {
        Ok(self.0.clone())
    }
}

pub struct SandboxExt<'a> {
    /// Committed contract storage of the account.
    base: &'a BTreeMap<Vec<u8>, Vec<u8>>,
    /// Writes of the current receipt (None = removed); committed only if the receipt succeeds.
    overlay: &'a mut BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    pub receipts: ReceiptManager,
    /// Yields of this account that wait for `promise_yield_resume`.
    open_yields: &'a HashSet<CryptoHash>,
    action_hash: CryptoHash,
    block_height: u64,
    data_count: u64,
    /// Trie nodes a lookup of a committed key touches (see `ttn_depth`).
    ttn_depth: u64,
}

/// Trie nodes touched by a lookup in an account with `keys` entries: the root and the account's
/// prefix, one branch level per hex digit of the entry count, and the leaf. The real count depends
/// on the whole shard's trie; this keeps it deterministic and growing with the state.
fn ttn_depth(keys: usize) -> u64 {
    let mut levels = 0u64;
    let mut n = keys as u64;
    while n > 0 {
        levels += 1;
        n /= 16;
    }
    3 + levels
}

/// The chain id contracts see (`env::chain_id`-style host functions).
const CHAIN_ID: &str = "sandbox";

impl<'a> SandboxExt<'a> {
    /// The `External` of one function call to an account whose committed storage is `base`;
    /// `action_hash` seeds the ids of the data receipts it creates.
    pub fn new(
        base: &'a BTreeMap<Vec<u8>, Vec<u8>>,
        overlay: &'a mut BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        open_yields: &'a HashSet<CryptoHash>,
        action_hash: CryptoHash,
        block_height: u64,
    ) -> Self {
        SandboxExt {
            base,
            overlay,
            receipts: ReceiptManager::default(),
            open_yields,
            action_hash,
            block_height,
            data_count: 0,
            ttn_depth: ttn_depth(base.len()),
        }
    }

    fn lookup(
        &self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        if let Some(v) = self.overlay.get(key) {
            return Ok(v.clone()); // a prospective write: no trie access
        }
        tracker.trie_node_touched(self.ttn_depth)?;
        Ok(self.base.get(key).cloned())
    }

    fn unsupported(name: &str) -> VMLogicError {
        VMLogicError::HostError(HostError::Deprecated {
            method_name: format!("{name} (not supported by the xccgen sandbox)"),
        })
    }
}

impl External for SandboxExt<'_> {
    fn storage_set(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
        value: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        let evicted = self.lookup(tracker, key)?;
        if let Some(v) = &evicted {
            tracker.deref_write_evicted_value_bytes(v.len() as u64)?;
        }
        self.overlay.insert(key.to_vec(), Some(value.to_vec()));
        Ok(evicted)
    }

    fn storage_get<'a>(
        &'a self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Box<dyn ValuePtr + 'a>>> {
        Ok(self
            .lookup(tracker, key)?
            .map(|v| Box::new(OwnedValue(v)) as Box<dyn ValuePtr>))
    }

    fn storage_remove(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        let removed = self.lookup(tracker, key)?;
        if let Some(v) = &removed {
            tracker.deref_removed_value_bytes(v.len() as u64)?;
        }
        self.overlay.insert(key.to_vec(), None);
        Ok(removed)
    }

    fn storage_has_key(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<bool> {
        Ok(self.lookup(tracker, key)?.is_some())
    }

    fn generate_data_id(&mut self) -> CryptoHash {
        // nearcore: create_receipt_id_from_action_hash(action_hash, block_height, data_count)
        let mut bytes = self.action_hash.as_ref().to_vec();
        bytes.extend_from_slice(&self.block_height.to_le_bytes());
        bytes.extend_from_slice(&self.data_count.to_le_bytes());
        self.data_count += 1;
        hash(&bytes)
    }

    fn get_recorded_storage_size(&self) -> usize {
        0
    }

    fn storage_proof_size_before_receipt(&self) -> usize {
        0
    }

    fn validator_stake(&self, _account_id: &AccountId) -> ExtResult<Option<Balance>> {
        Ok(None)
    }

    fn validator_total_stake(&self) -> ExtResult<Balance> {
        Ok(Balance::ZERO)
    }

    fn chain_id(&self) -> String {
        CHAIN_ID.to_string()
    }

    fn create_action_receipt(
        &mut self,
        receipt_indices: Vec<ReceiptIndex>,
        receiver_id: AccountId,
    ) -> ExtResult<ReceiptIndex> {
        let mut input_data_ids = Vec::with_capacity(receipt_indices.len());
        for index in receipt_indices {
            let data_id = self.generate_data_id();
            let dependency = self.receipts.receipts.get_mut(index as usize).ok_or(
                HostError::InvalidReceiptIndex {
                    receipt_index: index,
                },
            )?;
            dependency.output_data_receivers.push(DataReceiver {
                data_id,
                receiver_id: receiver_id.clone(),
            });
            input_data_ids.push(data_id);
        }
        self.receipts.receipts.push(NewReceipt {
            input_data_ids,
            ..NewReceipt::to(receiver_id)
        });
        Ok(self.receipts.receipts.len() as ReceiptIndex - 1)
    }

    fn create_promise_yield_receipt(
        &mut self,
        receiver_id: AccountId,
    ) -> ExtResult<(ReceiptIndex, CryptoHash)> {
        let data_id = self.generate_data_id();
        self.receipts.receipts.push(NewReceipt {
            input_data_ids: vec![data_id],
            is_yield: true,
            ..NewReceipt::to(receiver_id)
        });
        Ok((self.receipts.receipts.len() as ReceiptIndex - 1, data_id))
    }

    fn create_promise_yield_receipt_with_id(
        &mut self,
        _receiver_id: AccountId,
        _user_yield_id: YieldId,
    ) -> ExtResult<Option<(ReceiptIndex, CryptoHash)>> {
        Err(Self::unsupported("promise_yield_create with a yield id"))
    }

    fn submit_promise_resume_data(
        &mut self,
        data_id: CryptoHash,
        data: Vec<u8>,
    ) -> ExtResult<bool> {
        let pending_here = self
            .receipts
            .receipts
            .iter()
            .any(|r| r.is_yield && r.input_data_ids.first() == Some(&data_id));
        let already = self.receipts.resumed.iter().any(|(id, _)| *id == data_id);
        if (self.open_yields.contains(&data_id) || pending_here) && !already {
            self.receipts.resumed.push((data_id, data));
            return Ok(true);
        }
        Ok(false)
    }

    fn submit_promise_resume_data_with_yield_id(
        &mut self,
        _user_yield_id: YieldId,
        _data: Vec<u8>,
    ) -> ExtResult<bool> {
        Err(Self::unsupported("promise_yield_resume with a yield id"))
    }

    fn append_action_create_account(&mut self, receipt_index: ReceiptIndex) {
        self.receipts.push(receipt_index, Action::CreateAccount);
    }

    fn append_action_deploy_contract(&mut self, receipt_index: ReceiptIndex, code: Vec<u8>) {
        self.receipts
            .push(receipt_index, Action::DeployContract { code });
    }

    fn append_action_deploy_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        _code: Vec<u8>,
        _mode: GlobalContractDeployMode,
    ) {
        self.receipts
            .push_unsupported(receipt_index, "DeployGlobalContract");
    }

    fn append_action_use_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        _contract_id: GlobalContractIdentifier,
    ) {
        self.receipts
            .push_unsupported(receipt_index, "UseGlobalContract");
    }

    fn append_action_deterministic_state_init(
        &mut self,
        receipt_index: ReceiptIndex,
        _contract_id: GlobalContractIdentifier,
        _amount: Balance,
    ) -> ActionIndex {
        self.receipts
            .push_unsupported(receipt_index, "DeterministicStateInit") as ActionIndex
    }

    fn set_deterministic_state_init_data_entry(
        &mut self,
        _receipt_index: ReceiptIndex,
        _action_index: ActionIndex,
        _key: Vec<u8>,
        _value: Vec<u8>,
    ) -> ExtResult<()> {
        Ok(())
    }

    fn append_action_function_call_weight(
        &mut self,
        receipt_index: ReceiptIndex,
        method_name: Vec<u8>,
        args: Vec<u8>,
        attached_deposit: Balance,
        prepaid_gas: Gas,
        gas_weight: GasWeight,
    ) -> ExtResult<()> {
        let method = String::from_utf8(method_name).map_err(|_| HostError::InvalidMethodName)?;
        let action = Action::FunctionCall(FunctionCall {
            method,
            args,
            gas: prepaid_gas.as_gas(),
            deposit: attached_deposit.as_yoctonear(),
        });
        let action_index = self.receipts.push(receipt_index, action);
        if gas_weight.0 > 0 {
            self.receipts
                .gas_weights
                .push((receipt_index as usize, action_index, gas_weight.0));
        }
        Ok(())
    }

    fn append_action_transfer(&mut self, receipt_index: ReceiptIndex, deposit: Balance) {
        let action = Action::Transfer {
            deposit: deposit.as_yoctonear(),
        };
        self.receipts.push(receipt_index, action);
    }

    fn append_action_transfer_to_gas_key(
        &mut self,
        receipt_index: ReceiptIndex,
        _public_key: PublicKey,
        _deposit: Balance,
    ) {
        self.receipts
            .push_unsupported(receipt_index, "TransferToGasKey");
    }

    fn append_action_add_gas_key_with_full_access(
        &mut self,
        receipt_index: ReceiptIndex,
        _public_key: PublicKey,
        _num_nonces: NonceIndex,
    ) {
        self.receipts.push_unsupported(receipt_index, "AddGasKey");
    }

    fn append_action_add_gas_key_with_function_call(
        &mut self,
        receipt_index: ReceiptIndex,
        _public_key: PublicKey,
        _num_nonces: NonceIndex,
        _allowance: Option<Balance>,
        _receiver_id: AccountId,
        _method_names: Vec<Vec<u8>>,
    ) -> ExtResult<()> {
        self.receipts.push_unsupported(receipt_index, "AddGasKey");
        Ok(())
    }

    fn append_action_stake(
        &mut self,
        receipt_index: ReceiptIndex,
        stake: Balance,
        _public_key: PublicKey,
    ) {
        self.receipts.push(
            receipt_index,
            Action::Stake {
                stake: stake.as_yoctonear(),
            },
        );
    }

    fn append_action_add_key_with_full_access(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        _nonce: Nonce,
    ) {
        let public_key = key_bytes(&public_key);
        self.receipts.push(
            receipt_index,
            Action::AddKey {
                public_key,
                method_names: None,
            },
        );
    }

    fn append_action_add_key_with_function_call(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        _nonce: Nonce,
        _allowance: Option<Balance>,
        _receiver_id: AccountId,
        method_names: Vec<Vec<u8>>,
    ) -> ExtResult<()> {
        let names = method_names
            .into_iter()
            .map(|n| String::from_utf8(n).map_err(|_| HostError::InvalidMethodName))
            .collect::<Result<Vec<_>, _>>()?;
        let public_key = key_bytes(&public_key);
        let action = Action::AddKey {
            public_key,
            method_names: Some(names),
        };
        self.receipts.push(receipt_index, action);
        Ok(())
    }

    fn append_action_delete_key(&mut self, receipt_index: ReceiptIndex, public_key: PublicKey) {
        let public_key = key_bytes(&public_key);
        self.receipts
            .push(receipt_index, Action::DeleteKey { public_key });
    }

    fn append_action_delete_account(
        &mut self,
        receipt_index: ReceiptIndex,
        beneficiary_id: AccountId,
    ) {
        self.receipts.push(
            receipt_index,
            Action::DeleteAccount {
                beneficiary: beneficiary_id,
            },
        );
    }

    fn get_receipt_receiver(&self, receipt_index: ReceiptIndex) -> &AccountId {
        &self.receipts.receipts[receipt_index as usize].receiver_id
    }

    fn set_refund_to(&mut self, receipt_index: ReceiptIndex, refund_to: AccountId) {
        self.receipts.receipts[receipt_index as usize].refund_to = Some(refund_to);
    }

    fn post_quantum_keys_enabled(&self) -> bool {
        true
    }
}
