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

#[derive(Clone, Debug)]
pub enum Action {
    CreateAccount,
    DeployContract {
        code: Vec<u8>,
    },
    FunctionCall {
        method: String,
        args: Vec<u8>,
        gas: u64,
        deposit: u128,
    },
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
            Action::FunctionCall {
                method,
                args,
                gas,
                deposit,
            } => json!({
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

/// How a receipt or transaction ended, as nearcore's `ExecutionStatus`.
#[derive(Clone, Debug)]
pub enum Status {
    SuccessValue(Vec<u8>),
    SuccessReceiptId(CryptoHash),
    /// nearcore's error as JSON, and its message.
    Failure(Value, String),
}

/// One executed receipt (or a converted transaction) with its outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: CryptoHash,
    pub kind: &'static str, // "transaction" | "receipt" | "refund"
    pub predecessor_id: AccountId,
    pub executor_id: AccountId,
    pub signer_id: AccountId,
    pub actions: Vec<Value>,
    pub status: Status,
    pub logs: Vec<String>,
    pub children: Vec<CryptoHash>,
    pub gas_burnt: u64,
    pub tokens_burnt: u128,
    pub block_height: u64,
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        let (status, value, receipt, error, message) = match &self.status {
            Status::SuccessValue(v) => ("success", Some(b64(v)), None, None, None),
            Status::SuccessReceiptId(id) => ("success", None, Some(id.to_string()), None, None),
            Status::Failure(e, m) => ("failure", None, None, Some(e.clone()), Some(m.clone())),
        };
        json!({
            "id": self.id.to_string(),
            "kind": self.kind,
            "predecessor": self.predecessor_id.as_str(),
            "receiver": self.executor_id.as_str(),
            "signer": self.signer_id.as_str(),
            "actions": self.actions,
            "status": status,
            "value_b64": value,
            "return_receipt": receipt,
            "error": error,
            "message": message,
            "logs": self.logs,
            "children": self.children.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "gas_burnt": self.gas_burnt.to_string(),
            "tokens_burnt": self.tokens_burnt.to_string(),
            "block_height": self.block_height,
        })
    }
}
