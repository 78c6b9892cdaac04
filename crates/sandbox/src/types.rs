//! The chain's data: accounts, receipts, actions and execution outcomes.

use near_primitives_core::hash::CryptoHash;
use near_primitives_core::types::AccountId;
use serde_json::{json, Value};

#[derive(Clone, Debug, Default)]
pub struct Account {
    pub amount: u128,
    pub locked: u128,
    pub storage_usage: u64,
    pub code_hash: Option<CryptoHash>,
    /// Access keys by their borsh-encoded public key, with the bytes each one adds to storage.
    pub keys: std::collections::BTreeMap<Vec<u8>, u64>,
}

/// A function call: the method, its raw argument bytes, the gas it may use and the yoctoNEAR
/// attached.
#[derive(Clone, Debug)]
pub struct FunctionCall {
    pub method: String,
    pub args: Vec<u8>,
    pub gas: u64,
    pub deposit: u128,
}

#[derive(Clone, Debug)]
pub enum Action {
    CreateAccount,
    DeployContract {
        code: Vec<u8>,
    },
    FunctionCall(FunctionCall),
    Transfer {
        deposit: u128,
    },
    Stake {
        stake: u128,
    },
    AddKey {
        public_key: Vec<u8>,
        method_names: Option<Vec<String>>,
    },
    DeleteKey {
        public_key: Vec<u8>,
    },
    DeleteAccount {
        beneficiary: AccountId,
    },
    /// An action the sandbox does not implement (global contracts, gas keys, ...): it fails.
    Unsupported {
        name: String,
    },
}

impl Action {
    pub fn to_json(&self) -> Value {
        match self {
            Action::CreateAccount => json!({"type": "CreateAccount"}),
            Action::DeployContract { code } => {
                json!({"type": "DeployContract", "code_len": code.len()})
            }
            Action::FunctionCall(FunctionCall {
                method,
                args,
                gas,
                deposit,
            }) => json!({
                "type": "FunctionCall", "method": method, "args_len": args.len(),
                "gas": gas.to_string(), "deposit": deposit.to_string(),
            }),
            Action::Transfer { deposit } => {
                json!({"type": "Transfer", "deposit": deposit.to_string()})
            }
            Action::Stake { stake } => json!({"type": "Stake", "stake": stake.to_string()}),
            Action::AddKey { .. } => json!({"type": "AddKey"}),
            Action::DeleteKey { .. } => json!({"type": "DeleteKey"}),
            Action::DeleteAccount { beneficiary } => {
                json!({"type": "DeleteAccount", "beneficiary": beneficiary.as_str()})
            }
            Action::Unsupported { name } => json!({"type": name}),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DataReceiver {
    pub data_id: CryptoHash,
    pub receiver_id: AccountId,
}

#[derive(Clone, Debug)]
pub struct ActionReceipt {
    pub signer_id: AccountId,
    /// The price at which the receipt's gas was purchased.
    pub gas_price: u128,
    pub output_data_receivers: Vec<DataReceiver>,
    pub input_data_ids: Vec<CryptoHash>,
    pub actions: Vec<Action>,
    /// Where deposit refunds go (`promise_set_refund_to`); the predecessor when unset.
    pub refund_to: Option<AccountId>,
}

#[derive(Clone, Debug)]
pub enum ReceiptKind {
    Action(ActionReceipt),
    Data {
        data_id: CryptoHash,
        data: Option<Vec<u8>>,
    },
}

#[derive(Clone, Debug)]
pub struct Receipt {
    pub id: CryptoHash,
    pub predecessor_id: AccountId,
    pub receiver_id: AccountId,
    pub kind: ReceiptKind,
}

/// A transaction as the sandbox takes it: no keys, nonces or signatures, only who signs, who
/// receives and what to do.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub signer_id: AccountId,
    pub receiver_id: AccountId,
    pub actions: Vec<Action>,
}

/// A failed transaction, receipt or action: nearcore's error as JSON (what clients match on) and
/// its message (what people read).
#[derive(Clone, Debug)]
pub struct Failure {
    pub kind: Value,
    pub message: String,
}

impl Failure {
    pub fn new(kind: Value, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

/// How a receipt or transaction ended, as nearcore's `ExecutionStatus`.
#[derive(Clone, Debug)]
pub enum Status {
    SuccessValue(Vec<u8>),
    SuccessReceiptId(CryptoHash),
    Failure(Failure),
}

/// One executed receipt (or a converted transaction) with its outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: CryptoHash,
    pub kind: &'static str, // "transaction" | "receipt" | "refund"
    pub predecessor_id: AccountId,
    pub executor_id: AccountId,
    pub signer_id: AccountId,
    /// The actions as they are reported (`Action::to_json`: code and arguments by length only).
    pub actions: Vec<Value>,
    pub status: Status,
    pub logs: Vec<String>,
    pub children: Vec<CryptoHash>,
    pub gas_burnt: u64,
    pub tokens_burnt: u128,
    pub block_height: u64,
}
