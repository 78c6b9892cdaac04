//! The node's part of NEAR's runtime over an in-memory state: transactions become action receipts,
//! receipts run one block per hop, data receipts wake postponed receipts, failed receipts roll
//! back, and unused gas and deposits are refunded (after nearcore's `runtime/runtime/src/lib.rs`).

use crate::ext::{ttn_depth, NewReceipt, SandboxExt};
use crate::fees::{action_fee, total_deposit, total_exec_fees, total_prepaid_gas, total_send_fees};
use crate::types::{
    Account, Action, ActionReceipt, DataReceiver, Outcome, Receipt, ReceiptKind, Status,
};
use near_parameters::{ActionCosts, RuntimeConfig, RuntimeConfigStore};
use near_primitives_core::account::AccountContract;
use near_primitives_core::config::ViewConfig;
use near_primitives_core::gas::Gas;
use near_primitives_core::hash::{hash, CryptoHash};
use near_primitives_core::types::{AccountId, Balance};
use near_primitives_core::version::PROTOCOL_VERSION;
use near_vm_runner::logic::errors::{CompilationError, FunctionCallError, VMRunnerError};
use near_vm_runner::logic::types::PromiseResult;
use near_vm_runner::logic::{ReturnData, VMContext};
use near_vm_runner::{ContractCode, ContractRuntimeCache};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// The sandbox genesis' (and mainnet's) minimum gas price, in yoctoNEAR per gas unit.
pub const BLOCK_GAS_PRICE: u128 = 100_000_000;
/// Accounts whose storage fits in this many bytes need no balance for it (NEP-448).
const ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT: u64 = 770;
const GENESIS_HEIGHT: u64 = 100;
const GENESIS_TIMESTAMP_NS: u64 = 1_700_000_000_000_000_000;
const BLOCK_TIME_NS: u64 = 1_000_000_000;
const EPOCH_LENGTH: u64 = 43_200;
/// Bytes a full-access ed25519 key adds to an account: a record plus key and access key.
const FULL_ACCESS_KEY_BYTES: u64 = 33 + 9;
pub const SYSTEM: &str = "system";

/// A data receipt's id and payload (None = the producing receipt failed).
type DataPayload = (CryptoHash, Option<Vec<u8>>);

#[derive(Clone, Default)]
pub struct State {
    pub accounts: BTreeMap<AccountId, Account>,
    pub storage: HashMap<AccountId, BTreeMap<Vec<u8>, Vec<u8>>>,
    pub codes: HashMap<CryptoHash, Arc<ContractCode>>,
    received_data: HashMap<(AccountId, CryptoHash), Option<Vec<u8>>>,
    /// Receipts waiting for input data: id -> (receipt, data still missing).
    postponed: HashMap<CryptoHash, (Receipt, usize)>,
    awaiting: HashMap<(AccountId, CryptoHash), CryptoHash>,
    /// Open yields: (account, data id) -> height at which they time out.
    yields: BTreeMap<(AccountId, CryptoHash), u64>,
    pub height: u64,
    pub timestamp: u64,
    /// Tokens removed from supply (burnt gas minus contract rewards, failed refunds).
    pub burnt: u128,
    /// Tokens created by `create_account` from the sandbox's genesis.
    pub minted: u128,
    tx_count: u64,
}

/// What a transaction's receipts did, in execution order.
pub struct TxResult {
    pub outcomes: Vec<Outcome>,
}

struct ActionResult {
    gas_burnt: u64,
    gas_used: u64,
    gas_burnt_for_function_call: u64,
    logs: Vec<String>,
    new_receipts: Vec<NewReceipt>,
    resumed: Vec<(CryptoHash, Vec<u8>)>,
    result: Result<ReturnData, (Value, String)>,
    created_account: bool,
}

/// A contract's code as the VM's `prepare` wants it.
struct ContractRef {
    hash: CryptoHash,
    code: Option<Arc<ContractCode>>,
}

impl near_vm_runner::Contract for ContractRef {
    fn hash(&self) -> CryptoHash {
        self.hash
    }
    fn get_code(&self) -> Option<Arc<ContractCode>> {
        self.code.clone()
    }
}

pub struct Chain {
    pub config: Arc<RuntimeConfig>,
    cache: Box<dyn ContractRuntimeCache>,
    pub state: State,
    snapshots: HashMap<u64, State>,
    next_snapshot: u64,
}

fn err(kind: Value, message: String) -> (Value, String) {
    (kind, message)
}

/// nearcore's conversion of a VM error to the error a client sees in the outcome.
fn function_call_error(e: &FunctionCallError) -> Value {
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

impl Chain {
    pub fn new(cache: Box<dyn ContractRuntimeCache>) -> Self {
        let store = RuntimeConfigStore::new(None);
        let config = Arc::clone(store.get_config(PROTOCOL_VERSION));
        Chain {
            config,
            cache,
            state: Self::genesis(),
            snapshots: HashMap::new(),
            next_snapshot: 1,
        }
    }

    fn genesis() -> State {
        State {
            height: GENESIS_HEIGHT,
            timestamp: GENESIS_TIMESTAMP_NS,
            ..Default::default()
        }
    }

    pub fn reset(&mut self) {
        self.state = Self::genesis();
        self.snapshots.clear();
    }

    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(id, self.state.clone());
        id
    }

    pub fn restore(&mut self, id: u64) -> Result<(), String> {
        let state = self.snapshots.get(&id).ok_or(format!("no snapshot {id}"))?;
        self.state = state.clone();
        Ok(())
    }

    pub fn purchase_gas_price(&self) -> u128 {
        BLOCK_GAS_PRICE.max(self.config.min_gas_purchase_price.as_yoctonear())
    }

    fn per_byte(&self) -> u128 {
        self.config
            .fees
            .storage_usage_config
            .storage_amount_per_byte
            .as_yoctonear()
    }

    fn block_seed(&self) -> CryptoHash {
        hash(format!("xccgen-sandbox block {}", self.state.height).as_bytes())
    }

    fn next_block(&mut self) {
        self.state.height += 1;
        self.state.timestamp += BLOCK_TIME_NS;
    }

    /// Creates an account from genesis funds (no transaction), with one full-access key's worth
    /// of storage like an account created by a wallet.
    pub fn create_account(&mut self, account_id: AccountId, balance: u128) -> Result<(), String> {
        if self.state.accounts.contains_key(&account_id) {
            return Err(format!("account {account_id} already exists"));
        }
        let usage = self.config.fees.storage_usage_config.num_bytes_account
            + self.config.fees.storage_usage_config.num_extra_bytes_record
            + FULL_ACCESS_KEY_BYTES;
        let mut account = Account {
            amount: balance,
            storage_usage: usage,
            ..Default::default()
        };
        account.keys.insert(
            vec![0; 33],
            usage - self.config.fees.storage_usage_config.num_bytes_account,
        );
        self.state.accounts.insert(account_id, account);
        self.state.minted += balance;
        Ok(())
    }

    pub fn total_supply(&self) -> u128 {
        self.state
            .accounts
            .values()
            .map(|a| a.amount + a.locked)
            .sum()
    }

    // ---------------------------------------------------------------- transactions

    /// Converts a transaction into its receipt (charging the signer like a node does) and runs
    /// every receipt that follows until nothing is left in flight.
    pub fn submit(
        &mut self,
        signer_id: AccountId,
        receiver_id: AccountId,
        actions: Vec<Action>,
    ) -> TxResult {
        self.submit_all(vec![(signer_id, receiver_id, actions)])
            .pop()
            .expect("one transaction in, one result out")
    }

    /// Includes several transactions in the same block, then runs every receipt they cause:
    /// their receipts interleave block by block, as concurrent transactions do on chain. Each
    /// result holds its own transaction's outcome tree.
    pub fn submit_all(&mut self, txs: Vec<(AccountId, AccountId, Vec<Action>)>) -> Vec<TxResult> {
        self.next_block();
        let mut outcomes = vec![];
        let mut outgoing = vec![];
        let mut roots = vec![];
        for (signer_id, receiver_id, actions) in txs {
            let (tx_outcome, receipt) = self.convert_tx(signer_id, receiver_id, actions);
            roots.push(tx_outcome.id);
            outcomes.push(tx_outcome);
            match receipt {
                // A local receipt runs in the block that includes its transaction.
                Some((receipt, true)) => {
                    self.process_receipt(receipt, &mut outgoing, &mut outcomes)
                }
                Some((receipt, false)) => outgoing.push(receipt),
                None => {}
            }
        }
        self.run_blocks(outgoing, &mut outcomes);
        if roots.len() == 1 {
            // Alone in its block, a transaction also reports what it resumed (yields).
            return vec![TxResult { outcomes }];
        }
        roots
            .into_iter()
            .map(|root| tree_of(root, &outcomes))
            .collect()
    }

    /// Verifies and charges one transaction: its outcome, and its receipt (with whether the
    /// receipt is local, signer == receiver) unless the transaction is invalid.
    fn convert_tx(
        &mut self,
        signer_id: AccountId,
        receiver_id: AccountId,
        actions: Vec<Action>,
    ) -> (Outcome, Option<(Receipt, bool)>) {
        self.state.tx_count += 1;
        let tx_hash = hash(
            format!(
                "xccgen-sandbox tx {} {} {}",
                self.state.tx_count, signer_id, receiver_id
            )
            .as_bytes(),
        );
        let fees = Arc::clone(&self.config.fees);
        let sir = signer_id == receiver_id;
        let send_gas = total_send_fees(&fees, sir, &actions, &receiver_id);
        let exec_gas = total_exec_fees(&fees, &actions, &receiver_id);
        let prepaid = total_prepaid_gas(&actions);
        let deposit = total_deposit(&actions);
        let purchase = self.purchase_gas_price();
        let burnt_amount = u128::from(send_gas) * BLOCK_GAS_PRICE;
        let total_cost = burnt_amount + u128::from(prepaid + exec_gas) * purchase + deposit;
        let mut tx_outcome = Outcome {
            id: tx_hash,
            kind: "transaction",
            predecessor_id: signer_id.clone(),
            executor_id: signer_id.clone(),
            signer_id: signer_id.clone(),
            actions: actions.iter().map(|a| a.to_json()).collect(),
            status: Status::SuccessValue(vec![]),
            logs: vec![],
            children: vec![],
            gas_burnt: 0,
            tokens_burnt: 0,
            block_height: self.state.height,
        };
        if let Err((kind, message)) = self.verify_tx(&signer_id, &receiver_id, &actions, total_cost)
        {
            tx_outcome.status = Status::Failure(json!({"InvalidTxError": kind}), message);
            return (tx_outcome, None);
        }
        let signer = self.state.accounts.get_mut(&signer_id).expect("verified");
        signer.amount -= total_cost;
        self.state.burnt += burnt_amount;
        let receipt_id = hash(&[tx_hash.as_ref(), b"receipt"].concat());
        tx_outcome.status = Status::SuccessReceiptId(receipt_id);
        tx_outcome.children = vec![receipt_id];
        tx_outcome.gas_burnt = send_gas;
        tx_outcome.tokens_burnt = burnt_amount;
        let receipt = Receipt {
            id: receipt_id,
            predecessor_id: signer_id.clone(),
            receiver_id: receiver_id.clone(),
            kind: ReceiptKind::Action(ActionReceipt {
                signer_id,
                gas_price: purchase,
                output_data_receivers: vec![],
                input_data_ids: vec![],
                actions,
                refund_to: None,
            }),
        };
        (tx_outcome, Some((receipt, sir)))
    }

    fn verify_tx(
        &self,
        signer_id: &AccountId,
        receiver_id: &AccountId,
        actions: &[Action],
        total_cost: u128,
    ) -> Result<(), (Value, String)> {
        let Some(signer) = self.state.accounts.get(signer_id) else {
            return Err(err(
                json!({"SignerDoesNotExist": {"signer_id": signer_id.as_str()}}),
                format!("Signer {signer_id} does not exist"),
            ));
        };
        let limits = &self.config.wasm_config.limit_config;
        let prepaid = total_prepaid_gas(actions);
        if prepaid > limits.max_total_prepaid_gas.as_gas() {
            return Err(err(
                json!({"ActionsValidation": {"TotalPrepaidGasExceeded": {
                    "total_prepaid_gas": prepaid,
                    "limit": limits.max_total_prepaid_gas.as_gas()}}}),
                format!(
                    "The total prepaid gas {prepaid} exceeds the limit {}",
                    limits.max_total_prepaid_gas.as_gas()
                ),
            ));
        }
        if actions.len() as u64 > limits.max_actions_per_receipt {
            return Err(err(
                json!({"ActionsValidation": {"TotalNumberOfActionsExceeded": {
                    "total_number_of_actions": actions.len(),
                    "limit": limits.max_actions_per_receipt}}}),
                "Too many actions in the transaction".into(),
            ));
        }
        for action in actions {
            if let Action::FunctionCall {
                method, args, gas, ..
            } = action
            {
                if *gas == 0 {
                    return Err(err(
                        json!({"ActionsValidation": "FunctionCallZeroAttachedGas"}),
                        "The attached amount of gas in a FunctionCall action has to be a positive number".into(),
                    ));
                }
                if method.len() as u64 > limits.max_length_method_name {
                    return Err(err(
                        json!({"ActionsValidation": {"FunctionCallMethodNameLengthExceeded": {
                            "length": method.len(), "limit": limits.max_length_method_name}}}),
                        "The length of the method name exceeds the limit".into(),
                    ));
                }
                if args.len() as u64 > limits.max_arguments_length {
                    return Err(err(
                        json!({"ActionsValidation": {"FunctionCallArgumentsLengthExceeded": {
                            "length": args.len(), "limit": limits.max_arguments_length}}}),
                        "The length of the arguments exceeds the limit".into(),
                    ));
                }
            }
            if let Action::DeployContract { code } = action {
                if code.len() as u64 > limits.max_contract_size {
                    return Err(err(
                        json!({"ActionsValidation": {"ContractSizeExceeded": {
                            "size": code.len(), "limit": limits.max_contract_size}}}),
                        "The size of the contract code exceeds the limit".into(),
                    ));
                }
            }
        }
        let _ = receiver_id;
        if signer.amount < total_cost {
            return Err(err(
                json!({"NotEnoughBalance": {"signer_id": signer_id.as_str(),
                    "balance": signer.amount.to_string(), "cost": total_cost.to_string()}}),
                format!(
                    "Sender {signer_id} does not have enough balance {} for operation costing {total_cost}",
                    signer.amount
                ),
            ));
        }
        let remaining = Account {
            amount: signer.amount - total_cost,
            ..signer.clone()
        };
        if let Some(amount) = self.storage_deficit(&remaining) {
            return Err(err(
                json!({"LackBalanceForState": {"signer_id": signer_id.as_str(),
                    "amount": amount.to_string()}}),
                format!("Signer {signer_id} does not have enough balance left for its storage: needs {amount} more"),
            ));
        }
        Ok(())
    }

    /// How much balance the account lacks to pay for its storage, if any.
    fn storage_deficit(&self, account: &Account) -> Option<u128> {
        if account.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT {
            return None;
        }
        let required = u128::from(account.storage_usage) * self.per_byte();
        let available = account.amount + account.locked;
        (available < required).then(|| required - available)
    }

    /// Produces blocks until no receipt is in flight: receipts created in a block run in the next.
    fn run_blocks(&mut self, mut incoming: Vec<Receipt>, outcomes: &mut Vec<Outcome>) {
        while !incoming.is_empty() {
            self.next_block();
            let mut outgoing = vec![];
            let mut batch = self.expired_yields();
            batch.append(&mut incoming);
            for receipt in batch {
                self.process_receipt(receipt, &mut outgoing, outcomes);
            }
            incoming = outgoing;
        }
    }

    /// Advances `blocks` empty blocks (yields may time out and run their callbacks).
    pub fn advance(&mut self, blocks: u64) -> TxResult {
        let mut outcomes = vec![];
        for _ in 0..blocks {
            self.next_block();
            let batch = self.expired_yields();
            let mut outgoing = vec![];
            for receipt in batch {
                self.process_receipt(receipt, &mut outgoing, &mut outcomes);
            }
            self.run_blocks(outgoing, &mut outcomes);
        }
        TxResult { outcomes }
    }

    fn expired_yields(&mut self) -> Vec<Receipt> {
        let height = self.state.height;
        let expired: Vec<_> = self
            .state
            .yields
            .iter()
            .filter(|(_, &at)| at <= height)
            .map(|(k, _)| k.clone())
            .collect();
        expired
            .into_iter()
            .map(|(account, data_id)| {
                self.state.yields.remove(&(account.clone(), data_id));
                Receipt {
                    id: hash(&[data_id.as_ref(), b"timeout"].concat()),
                    predecessor_id: account.clone(),
                    receiver_id: account,
                    kind: ReceiptKind::Data {
                        data_id,
                        data: None,
                    },
                }
            })
            .collect()
    }

    fn process_receipt(
        &mut self,
        receipt: Receipt,
        outgoing: &mut Vec<Receipt>,
        outcomes: &mut Vec<Outcome>,
    ) {
        let receiver = receipt.receiver_id.clone();
        match &receipt.kind {
            ReceiptKind::Data { data_id, data } => {
                let key = (receiver.clone(), *data_id);
                self.state.yields.remove(&key);
                self.state.received_data.insert(key.clone(), data.clone());
                if let Some(waiting_id) = self.state.awaiting.remove(&key) {
                    let entry = self
                        .state
                        .postponed
                        .get_mut(&waiting_id)
                        .expect("postponed");
                    entry.1 -= 1;
                    if entry.1 == 0 {
                        let (ready, _) = self.state.postponed.remove(&waiting_id).unwrap();
                        self.apply_action_receipt(ready, outgoing, outcomes);
                    }
                }
            }
            ReceiptKind::Action(action_receipt) => {
                let mut missing = 0;
                for data_id in &action_receipt.input_data_ids {
                    let key = (receiver.clone(), *data_id);
                    if !self.state.received_data.contains_key(&key) {
                        missing += 1;
                        self.state.awaiting.insert(key, receipt.id);
                    }
                }
                if missing == 0 {
                    self.apply_action_receipt(receipt, outgoing, outcomes);
                } else {
                    self.state.postponed.insert(receipt.id, (receipt, missing));
                }
            }
        }
    }

    fn apply_action_receipt(
        &mut self,
        receipt: Receipt,
        outgoing: &mut Vec<Receipt>,
        outcomes: &mut Vec<Outcome>,
    ) {
        let ReceiptKind::Action(ar) = &receipt.kind else {
            unreachable!()
        };
        let account_id = receipt.receiver_id.clone();
        let fees = Arc::clone(&self.config.fees);
        let is_refund = receipt.predecessor_id.as_str() == SYSTEM;
        let promise_results: Arc<[PromiseResult]> = ar
            .input_data_ids
            .iter()
            .map(
                |id| match self.state.received_data.remove(&(account_id.clone(), *id)) {
                    Some(Some(v)) => PromiseResult::Successful(Rc::from(v)),
                    _ => PromiseResult::Failed,
                },
            )
            .collect();

        let receipt_exec = fees
            .fee(ActionCosts::new_action_receipt)
            .exec_fee()
            .gas
            .as_gas();
        let mut res = ActionResult {
            gas_burnt: receipt_exec,
            gas_used: receipt_exec,
            gas_burnt_for_function_call: 0,
            logs: vec![],
            new_receipts: vec![],
            resumed: vec![],
            result: Ok(ReturnData::None),
            created_account: false,
        };
        let mut account = self.state.accounts.get(&account_id).cloned();
        let base = self.state.storage.remove(&account_id).unwrap_or_default();
        let mut overlay: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        let mut new_codes: Vec<Arc<ContractCode>> = vec![];
        let mut deleted = false;

        for (index, action) in ar.actions.iter().enumerate() {
            let action_hash = hash(&[receipt.id.as_ref(), &(index as u64).to_le_bytes()].concat());
            let exec = action_fee(&fees, action, &account_id, None);
            res.gas_burnt += exec;
            res.gas_used += exec;
            let is_last = index + 1 == ar.actions.len();
            let outcome = self.apply_action(
                action,
                &receipt,
                ar,
                &mut account,
                &base,
                &mut overlay,
                &mut new_codes,
                &mut deleted,
                Arc::clone(&promise_results),
                action_hash,
                is_last,
                &mut res,
            );
            if let Err((kind, message)) = outcome {
                res.result = Err((
                    json!({"ActionError": {"index": index, "kind": kind}}),
                    message,
                ));
                break;
            }
        }
        if res.result.is_ok() && !deleted {
            if let Some(acc) = &account {
                if let Some(amount) = self.storage_deficit(acc) {
                    res.result = Err((
                        json!({"ActionError": {"index": null, "kind": {"LackBalanceForState": {
                            "account_id": account_id.as_str(), "amount": amount.to_string()}}}}),
                        format!("The account {account_id} wouldn't have enough balance to cover storage, required to have {amount} yoctoNEAR more"),
                    ));
                }
            }
        }

        // Commit or roll back everything the receipt did to the state.
        let ok = res.result.is_ok();
        if ok {
            let mut storage = base;
            for (k, v) in overlay {
                match v {
                    Some(v) => storage.insert(k, v),
                    None => storage.remove(&k),
                };
            }
            for code in new_codes {
                self.state.codes.insert(*code.hash(), code);
            }
            if deleted {
                self.state.accounts.remove(&account_id);
            } else {
                if !storage.is_empty() {
                    self.state.storage.insert(account_id.clone(), storage);
                }
                if let Some(acc) = account {
                    self.state.accounts.insert(account_id.clone(), acc);
                }
            }
        } else {
            if !base.is_empty() {
                self.state.storage.insert(account_id.clone(), base);
            }
            res.new_receipts.clear();
            res.resumed.clear();
        }

        // Refunds and burnt tokens.
        let block_price = BLOCK_GAS_PRICE;
        let mut tokens_burnt = 0u128;
        let mut refunds: Vec<NewReceipt> = vec![];
        let gas_burnt = if is_refund { 0 } else { res.gas_burnt };
        if is_refund {
            if !ok {
                // A refund that cannot be delivered is burnt.
                self.state.burnt += total_deposit(&ar.actions);
            }
        } else {
            let purchase = ar.gas_price;
            let burn_price = purchase.min(block_price);
            let prepaid =
                total_prepaid_gas(&ar.actions) + total_exec_fees(&fees, &ar.actions, &account_id);
            let spent = if ok { res.gas_used } else { res.gas_burnt };
            let gross = prepaid.saturating_sub(spent);
            let penalty = fees
                .gas_penalty_for_gas_refund(Gas::from_gas(gross))
                .as_gas();
            let penalty_amount = burn_price * u128::from(penalty);
            let unused_refund = (purchase * u128::from(gross)).saturating_sub(penalty_amount);
            let mut surplus = (purchase - burn_price) * u128::from(res.gas_burnt);
            let mut account_charge = 0;
            if res.created_account && ok {
                let create_gas = fees
                    .fee(ActionCosts::create_account)
                    .exec_fee()
                    .gas
                    .as_gas();
                let desired = self
                    .config
                    .account_creation_charge
                    .as_yoctonear()
                    .saturating_sub(burn_price * u128::from(create_gas));
                account_charge = desired.min(surplus);
                surplus -= account_charge;
            }
            tokens_burnt = burn_price * u128::from(res.gas_burnt) + penalty_amount + account_charge;
            let deposit_refund = if ok { 0 } else { total_deposit(&ar.actions) };
            if deposit_refund > 0 {
                let to = ar
                    .refund_to
                    .clone()
                    .unwrap_or(receipt.predecessor_id.clone());
                refunds.push(refund_receipt(to, deposit_refund));
            }
            let gas_refund = unused_refund + surplus;
            if gas_refund > 0 {
                refunds.push(refund_receipt(ar.signer_id.clone(), gas_refund));
            }
            // The protocol's share of function-call gas for the contract (30% before
            // protocol 87); the rest of the burnt gas leaves the supply.
            let reward_ratio = fees.burnt_gas_reward;
            let reward_gas = u128::from(res.gas_burnt_for_function_call)
                * (*reward_ratio.numer() as u128)
                / (*reward_ratio.denom() as u128);
            let mut reward = burn_price * reward_gas;
            match self.state.accounts.get_mut(&account_id) {
                Some(acc) if reward > 0 => acc.amount += reward,
                _ => reward = 0,
            }
            self.state.burnt += tokens_burnt - reward;
        }

        // New receipts in nearcore's order: the contract's action receipts, resumed yields'
        // data, refunds, then data for whoever waits on this receipt's result.
        let height = self.state.height;
        let mut created: Vec<(NewReceipt, Option<DataPayload>)> = vec![];
        created.extend(
            std::mem::take(&mut res.new_receipts)
                .into_iter()
                .map(|r| (r, None)),
        );
        for (data_id, data) in std::mem::take(&mut res.resumed) {
            created.push((
                data_receipt(account_id.clone()),
                Some((data_id, Some(data))),
            ));
        }
        created.extend(refunds.into_iter().map(|r| (r, None)));
        let mut status = match &res.result {
            Ok(ReturnData::Value(v)) => Status::SuccessValue(v.clone()),
            Ok(_) => Status::SuccessValue(vec![]),
            Err((kind, message)) => Status::Failure(kind.clone(), message.clone()),
        };
        if !ar.output_data_receivers.is_empty() {
            if let Ok(ReturnData::ReceiptIndex(i)) = &res.result {
                // A returned promise: its result goes to whoever waited for ours.
                created[*i as usize]
                    .0
                    .output_data_receivers
                    .extend(ar.output_data_receivers.iter().cloned());
            } else {
                let data = match &res.result {
                    Ok(ReturnData::Value(v)) => Some(v.clone()),
                    Ok(_) => Some(vec![]),
                    Err(_) => None,
                };
                for DataReceiver {
                    data_id,
                    receiver_id,
                } in &ar.output_data_receivers
                {
                    created.push((
                        data_receipt(receiver_id.clone()),
                        Some((*data_id, data.clone())),
                    ));
                }
            }
        }

        // Receipt ids, as nearcore's create_receipt_id_from_receipt_id(parent, height, index).
        let mut children = vec![];
        for (index, (nr, data)) in created.into_iter().enumerate() {
            let id = hash(
                &[
                    receipt.id.as_ref(),
                    &height.to_le_bytes(),
                    &(index as u64).to_le_bytes(),
                ]
                .concat(),
            );
            if let Some((data_id, data)) = data {
                outgoing.push(Receipt {
                    id,
                    predecessor_id: account_id.clone(),
                    receiver_id: nr.receiver_id,
                    kind: ReceiptKind::Data { data_id, data },
                });
                continue;
            }
            if matches!(&res.result, Ok(ReturnData::ReceiptIndex(i)) if *i as usize == index) {
                status = Status::SuccessReceiptId(id);
            }
            children.push(id);
            if nr.is_yield {
                let expires = height
                    + self
                        .config
                        .wasm_config
                        .limit_config
                        .yield_timeout_length_in_blocks;
                self.state
                    .yields
                    .insert((nr.receiver_id.clone(), nr.input_data_ids[0]), expires);
            }
            let system = system_account();
            outgoing.push(Receipt {
                id,
                predecessor_id: if nr.is_refund {
                    system
                } else {
                    account_id.clone()
                },
                receiver_id: nr.receiver_id,
                kind: ReceiptKind::Action(ActionReceipt {
                    signer_id: ar.signer_id.clone(),
                    gas_price: if nr.is_refund { 0 } else { ar.gas_price },
                    output_data_receivers: nr.output_data_receivers,
                    input_data_ids: nr.input_data_ids,
                    actions: nr.actions,
                    refund_to: nr.refund_to,
                }),
            });
        }

        outcomes.push(Outcome {
            id: receipt.id,
            kind: if is_refund { "refund" } else { "receipt" },
            predecessor_id: receipt.predecessor_id.clone(),
            executor_id: account_id,
            signer_id: ar.signer_id.clone(),
            actions: ar.actions.iter().map(|a| a.to_json()).collect(),
            status,
            logs: res.logs,
            children,
            gas_burnt,
            tokens_burnt,
            block_height: height,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_action(
        &mut self,
        action: &Action,
        receipt: &Receipt,
        ar: &ActionReceipt,
        account: &mut Option<Account>,
        base: &BTreeMap<Vec<u8>, Vec<u8>>,
        overlay: &mut BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        new_codes: &mut Vec<Arc<ContractCode>>,
        deleted: &mut bool,
        promise_results: Arc<[PromiseResult]>,
        action_hash: CryptoHash,
        is_last: bool,
        res: &mut ActionResult,
    ) -> Result<(), (Value, String)> {
        let account_id = &receipt.receiver_id;
        let predecessor = &receipt.predecessor_id;
        let usage_cfg = &self.config.fees.storage_usage_config;
        if *deleted {
            return Err(err(
                json!({"AccountDoesNotExist": {"account_id": account_id.as_str()}}),
                format!("Can't complete the action because account {account_id} doesn't exist"),
            ));
        }
        match action {
            Action::CreateAccount => {
                if account.is_some() {
                    return Err(err(
                        json!({"AccountAlreadyExists": {"account_id": account_id.as_str()}}),
                        format!(
                            "Can't create a new account {account_id}, because it already exists"
                        ),
                    ));
                }
                let creation = &self.config.account_creation_config;
                let top_level = !account_id.as_str().contains('.');
                if top_level {
                    if account_id.len() < creation.min_allowed_top_level_account_length as usize
                        && predecessor != &creation.registrar_account_id
                    {
                        return Err(err(
                            json!({"CreateAccountOnlyByRegistrar": {
                                "account_id": account_id.as_str(),
                                "registrar_account_id": creation.registrar_account_id.as_str(),
                                "predecessor_id": predecessor.as_str()}}),
                            format!("A top-level account ID {account_id} can't be created by {predecessor}, short top-level account IDs can only be created by {}", creation.registrar_account_id),
                        ));
                    }
                } else if !account_id.is_sub_account_of(predecessor) {
                    return Err(err(
                        json!({"CreateAccountNotAllowed": {
                            "account_id": account_id.as_str(), "predecessor_id": predecessor.as_str()}}),
                        format!("A sub-account ID {account_id} can't be created by account {predecessor}"),
                    ));
                }
                *account = Some(Account {
                    storage_usage: usage_cfg.num_bytes_account,
                    ..Default::default()
                });
                res.created_account = true;
                return Ok(());
            }
            _ if account.is_none() => {
                return Err(err(
                    json!({"AccountDoesNotExist": {"account_id": account_id.as_str()}}),
                    format!("Can't complete the action because account {account_id} doesn't exist"),
                ));
            }
            _ => {}
        }
        let acc = account.as_mut().expect("checked above");
        match action {
            Action::CreateAccount => unreachable!(),
            Action::Transfer { deposit } => {
                acc.amount += deposit;
            }
            Action::DeployContract { code } => {
                let code = Arc::new(ContractCode::new(code.clone(), None));
                let old_len = acc
                    .code_hash
                    .and_then(|h| self.state.codes.get(&h).map(|c| c.code().len()))
                    .or_else(|| {
                        acc.code_hash.and_then(|h| {
                            new_codes
                                .iter()
                                .find(|c| *c.hash() == h)
                                .map(|c| c.code().len())
                        })
                    })
                    .unwrap_or(0) as u64;
                acc.storage_usage = acc.storage_usage - old_len + code.code().len() as u64;
                acc.code_hash = Some(*code.hash());
                new_codes.push(code);
            }
            Action::FunctionCall {
                method,
                args,
                gas,
                deposit,
            } => {
                // The VM credits the attached deposit itself (VMLogic starts from
                // `account_balance + attached_deposit`) and hands back the final balance.
                let code_hash = acc.code_hash;
                let code = code_hash.and_then(|h| {
                    self.state
                        .codes
                        .get(&h)
                        .cloned()
                        .or_else(|| new_codes.iter().find(|c| *c.hash() == h).cloned())
                });
                let context = VMContext {
                    current_account_id: account_id.clone(),
                    signer_account_id: ar.signer_id.clone(),
                    signer_account_pk: vec![0; 33],
                    predecessor_account_id: predecessor.clone(),
                    refund_to_account_id: ar.refund_to.clone().unwrap_or(predecessor.clone()),
                    input: Rc::from(args.clone()),
                    promise_results,
                    block_height: self.state.height,
                    block_timestamp: self.state.timestamp,
                    epoch_height: self.state.height / EPOCH_LENGTH + 1,
                    account_balance: Balance::from_yoctonear(acc.amount),
                    account_locked_balance: Balance::from_yoctonear(acc.locked),
                    storage_usage: acc.storage_usage,
                    account_contract: match code_hash {
                        Some(h) => AccountContract::Local(h),
                        None => AccountContract::None,
                    },
                    attached_deposit: Balance::from_yoctonear(*deposit),
                    prepaid_gas: Gas::from_gas(*gas),
                    random_seed: hash(&[action_hash.as_ref(), self.block_seed().as_ref()].concat())
                        .as_ref()
                        .to_vec(),
                    view_config: None,
                    output_data_receivers: if is_last {
                        ar.output_data_receivers
                            .iter()
                            .map(|r| r.receiver_id.clone())
                            .collect()
                    } else {
                        vec![]
                    },
                };
                let open_yields: HashSet<CryptoHash> = self
                    .state
                    .yields
                    .keys()
                    .filter(|(a, _)| a == account_id)
                    .map(|(_, d)| *d)
                    .collect();
                let mut ext = SandboxExt {
                    base,
                    overlay,
                    receipts: Default::default(),
                    open_yields: &open_yields,
                    action_hash,
                    block_height: self.state.height,
                    data_count: 0,
                    ttn_depth: ttn_depth(base.len()),
                    chain_id: "sandbox".into(),
                };
                let outcome = self.run_vm(
                    ContractRef {
                        hash: code_hash.unwrap_or_default(),
                        code,
                    },
                    method,
                    &mut ext,
                    &context,
                );
                let mut outcome = match outcome {
                    Ok(o) => o,
                    Err(VMRunnerError::ContractCodeNotPresent) => {
                        near_vm_runner::logic::VMOutcome::nop_outcome(
                            FunctionCallError::CompilationError(
                                CompilationError::CodeDoesNotExist {
                                    account_id: account_id.as_str().into(),
                                },
                            ),
                        )
                    }
                    Err(e) => {
                        return Err(err(
                            json!({"FunctionCallError": {"ExecutionError": format!("sandbox engine error: {e}")}}),
                            format!("sandbox engine error: {e}"),
                        ))
                    }
                };
                let unused = gas.saturating_sub(outcome.used_gas.as_gas());
                let distributed = ext.receipts.distribute_gas(unused);
                outcome.used_gas = Gas::from_gas(outcome.used_gas.as_gas() + distributed);
                res.gas_burnt += outcome.burnt_gas.as_gas();
                res.gas_burnt_for_function_call += outcome.burnt_gas.as_gas();
                res.gas_used += outcome.used_gas.as_gas();
                res.logs.extend(outcome.logs.iter().cloned());
                if let Some(e) = &outcome.aborted {
                    return Err(err(
                        json!({"FunctionCallError": function_call_error(e)}),
                        e.to_string(),
                    ));
                }
                acc.amount = outcome.balance.as_yoctonear();
                acc.storage_usage = outcome.storage_usage;
                res.new_receipts.extend(ext.receipts.receipts);
                res.resumed.extend(ext.receipts.resumed);
                res.result = Ok(outcome.return_data);
            }
            Action::Stake { .. } => {
                return Err(err(
                    json!({"Unsupported": "Stake"}),
                    "staking is not supported by the xccgen sandbox".into(),
                ));
            }
            Action::AddKey {
                public_key,
                method_names,
            } => {
                if acc.keys.contains_key(public_key) {
                    return Err(err(
                        json!({"AddKeyAlreadyExists": {"account_id": account_id.as_str()}}),
                        format!("The public key is already used for an existing access key of {account_id}"),
                    ));
                }
                let names: u64 = method_names
                    .as_ref()
                    .map(|n| n.iter().map(|m| m.len() as u64 + 1).sum::<u64>() + 16 + 64)
                    .unwrap_or(0);
                let bytes = usage_cfg.num_extra_bytes_record + public_key.len() as u64 + 9 + names;
                acc.keys.insert(public_key.clone(), bytes);
                acc.storage_usage += bytes;
            }
            Action::DeleteKey { public_key } => match acc.keys.remove(public_key) {
                Some(bytes) => acc.storage_usage -= bytes,
                None => {
                    return Err(err(
                        json!({"DeleteKeyDoesNotExist": {"account_id": account_id.as_str()}}),
                        format!(
                            "Account {account_id} tries to remove an access key that doesn't exist"
                        ),
                    ))
                }
            },
            Action::DeleteAccount { beneficiary } => {
                if acc.locked > 0 {
                    return Err(err(
                        json!({"DeleteAccountStaking": {"account_id": account_id.as_str()}}),
                        format!("Account {account_id} is staking and can not be deleted"),
                    ));
                }
                if acc.amount > 0 {
                    // nearcore sends the balance as a refund-style receipt: from `system`,
                    // burnt if the beneficiary does not exist.
                    res.new_receipts
                        .push(refund_receipt(beneficiary.clone(), acc.amount));
                }
                acc.amount = 0;
                overlay.clear();
                for k in base.keys() {
                    overlay.insert(k.clone(), None);
                }
                *deleted = true;
            }
            Action::Unsupported { name } => {
                return Err(err(
                    json!({"Unsupported": name}),
                    format!("the {name} action is not supported by the xccgen sandbox"),
                ));
            }
        }
        Ok(())
    }

    fn run_vm(
        &self,
        contract: ContractRef,
        method: &str,
        ext: &mut SandboxExt,
        context: &VMContext,
    ) -> Result<near_vm_runner::logic::VMOutcome, VMRunnerError> {
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

    /// Runs a view method: read-only, no gas charged to anyone, nothing committed.
    pub fn view(
        &self,
        account_id: &AccountId,
        method: &str,
        args: Vec<u8>,
    ) -> Result<(Vec<u8>, Vec<String>), String> {
        let Some(acc) = self.state.accounts.get(account_id).cloned() else {
            return Err(format!("account {account_id} does not exist while viewing"));
        };
        let Some(code_hash) = acc.code_hash else {
            return Err(format!(
                "wasm execution failed with error: CompilationError(CodeDoesNotExist {{ account_id: AccountId(\"{account_id}\") }})"
            ));
        };
        let code = self.state.codes.get(&code_hash).cloned();
        let max_gas = Gas::from_teragas(300);
        let context = VMContext {
            current_account_id: account_id.clone(),
            signer_account_id: account_id.clone(),
            signer_account_pk: vec![0; 33],
            predecessor_account_id: account_id.clone(),
            refund_to_account_id: account_id.clone(),
            input: Rc::from(args),
            promise_results: Arc::from(vec![]),
            block_height: self.state.height,
            block_timestamp: self.state.timestamp,
            epoch_height: self.state.height / EPOCH_LENGTH + 1,
            account_balance: Balance::from_yoctonear(acc.amount),
            account_locked_balance: Balance::from_yoctonear(acc.locked),
            storage_usage: acc.storage_usage,
            account_contract: AccountContract::Local(code_hash),
            attached_deposit: Balance::ZERO,
            prepaid_gas: max_gas,
            random_seed: self.block_seed().as_ref().to_vec(),
            view_config: Some(ViewConfig {
                max_gas_burnt: max_gas,
            }),
            output_data_receivers: vec![],
        };
        let empty = BTreeMap::new();
        let base = self.state.storage.get(account_id).unwrap_or(&empty);
        let mut overlay = BTreeMap::new();
        let open_yields = HashSet::new();
        let mut ext = SandboxExt {
            base,
            overlay: &mut overlay,
            receipts: Default::default(),
            open_yields: &open_yields,
            action_hash: self.block_seed(),
            block_height: self.state.height,
            data_count: 0,
            ttn_depth: ttn_depth(base.len()),
            chain_id: "sandbox".into(),
        };
        let outcome = self
            .run_vm(
                ContractRef {
                    hash: code_hash,
                    code,
                },
                method,
                &mut ext,
                &context,
            )
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

fn refund_receipt(to: AccountId, amount: u128) -> NewReceipt {
    NewReceipt {
        receiver_id: to,
        output_data_receivers: vec![],
        input_data_ids: vec![],
        actions: vec![Action::Transfer { deposit: amount }],
        refund_to: None,
        is_yield: false,
        is_refund: true,
    }
}

/// Placeholder for a data receipt in the ordered list of a receipt's new receipts.
fn data_receipt(to: AccountId) -> NewReceipt {
    NewReceipt {
        is_refund: false,
        ..refund_receipt(to, 0)
    }
}

fn system_account() -> AccountId {
    SYSTEM.parse().expect("`system` is a valid account id")
}

/// The outcomes of one transaction: its own, then every receipt it caused, in execution order.
fn tree_of(root: CryptoHash, outcomes: &[Outcome]) -> TxResult {
    let mut wanted: HashSet<CryptoHash> = HashSet::from([root]);
    let mut tree = vec![];
    for outcome in outcomes {
        if wanted.contains(&outcome.id) {
            wanted.extend(outcome.children.iter().copied());
            tree.push(outcome.clone());
        }
    }
    TxResult { outcomes: tree }
}
