//! The node's part of NEAR's runtime over an in-memory state, after nearcore's
//! `runtime/runtime/src/lib.rs`: transactions become action receipts (`transactions`), receipts
//! run one block per hop and wait for the data they depend on (`receipts`), their actions change
//! accounts or call the VM (`actions`, `vm`), unused gas and deposits are refunded (`gas`), and
//! view calls read without committing (`views`).

mod actions;
mod gas;
mod receipts;
mod transactions;
mod views;
mod vm;

use crate::types::{Account, Outcome, Receipt};
use near_crypto::{KeyType, PublicKey};
use near_parameters::{RuntimeConfig, RuntimeConfigStore};
use near_primitives_core::hash::{hash, CryptoHash};
use near_primitives_core::types::AccountId;
use near_primitives_core::version::PROTOCOL_VERSION;
use near_vm_runner::{ContractCode, ContractRuntimeCache};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The gas price of every block, in yoctoNEAR per gas unit: nearcore's initial and minimum gas
/// price (`MIN_GAS_PRICE` in `near-chain-configs`, as in mainnet's genesis). It is genesis
/// configuration rather than a `near-parameters` value, and an idle chain stays at the minimum.
pub const BLOCK_GAS_PRICE: u128 = 100_000_000;
/// Accounts whose storage fits in this many bytes need no balance for it (NEP-448). nearcore keeps
/// it in its runtime (`verifier.rs`), outside the parameters `near-parameters` publishes.
const ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT: u64 = 770;
const GENESIS_HEIGHT: u64 = 100;
const GENESIS_TIMESTAMP_NS: u64 = 1_700_000_000_000_000_000;
const BLOCK_TIME_NS: u64 = 1_000_000_000;
/// Blocks per epoch, as mainnet's genesis has it (genesis configuration, like the gas price).
const EPOCH_LENGTH: u64 = 43_200;
/// The sender of refunds.
const SYSTEM: &str = "system";

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

pub struct Chain {
    /// The protocol's fees and limits, from `near-parameters` for the version the VM implements.
    pub config: Arc<RuntimeConfig>,
    cache: Box<dyn ContractRuntimeCache>,
    pub state: State,
    snapshots: HashMap<u64, State>,
    next_snapshot: u64,
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

    /// The gas a function call gets when its request names none: all that one transaction may
    /// attach (`max_total_prepaid_gas`).
    pub fn default_function_call_gas(&self) -> u64 {
        self.config
            .wasm_config
            .limit_config
            .max_total_prepaid_gas
            .as_gas()
    }

    /// The price a transaction pays for its gas up front (refunds are paid back at it).
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

    fn epoch_height(&self) -> u64 {
        self.state.height / EPOCH_LENGTH + 1
    }

    fn next_block(&mut self) {
        self.state.height += 1;
        self.state.timestamp += BLOCK_TIME_NS;
    }

    /// Creates an account from genesis funds (no transaction), with one full-access key like an
    /// account created by a wallet.
    pub fn create_account(&mut self, account_id: AccountId, balance: u128) -> Result<(), String> {
        if self.state.accounts.contains_key(&account_id) {
            return Err(format!("account {account_id} already exists"));
        }
        let usage = &self.config.fees.storage_usage_config;
        let key = placeholder_public_key();
        let key_bytes = actions::access_key_bytes(usage, &key, None);
        let mut account = Account {
            amount: balance,
            storage_usage: usage.num_bytes_account + key_bytes,
            ..Default::default()
        };
        account.keys.insert(key, key_bytes);
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

    /// How much balance the account lacks to pay for its storage, if any.
    fn storage_deficit(&self, account: &Account) -> Option<u128> {
        if account.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT {
            return None;
        }
        let required = u128::from(account.storage_usage) * self.per_byte();
        let available = account.amount + account.locked;
        (available < required).then(|| required - available)
    }
}

/// The public key the sandbox signs with, borsh-encoded (the all-zero ed25519 key): transactions
/// carry no signatures here, but contracts and storage accounting still see a key.
fn placeholder_public_key() -> Vec<u8> {
    borsh::to_vec(&PublicKey::empty(KeyType::ED25519))
        .expect("borsh encoding of a public key cannot fail")
}

fn system_account() -> AccountId {
    SYSTEM.parse().expect("`system` is a valid account id")
}
