//! One method per shape of type that a near-sdk-rs ABI can describe. `xccgen import-abi` must
//! map each to a spec type or report why it cannot, from the ABI `cargo near abi` writes.
use near_sdk::json_types::{Base64VecU8, U128, U64};
use near_sdk::serde_json::Value;
use near_sdk::{near, AccountId, Gas, NearToken, PublicKey, Timestamp};
use std::collections::HashMap;

#[near(serializers = [json])]
pub enum Color {
    Red,
    Green,
}

#[near(serializers = [json])]
pub enum Shape {
    Circle { radius: u32 },
    Square(u32),
}

#[near(serializers = [json])]
#[serde(rename_all = "camelCase")]
pub struct Camel {
    pub some_field: u32,
}

#[near(serializers = [json])]
pub struct Tree {
    pub value: u8,
    pub children: Vec<Tree>,
    pub parent: Option<Box<Tree>>,
}

/// JSON keys a spec author does not choose: a keyword, a name generated code likes to use, and
/// camelCase.
#[near(serializers = [json])]
#[serde(rename_all = "camelCase")]
pub struct Keyed {
    pub r#type: String,
    pub value: U128,
    pub from_index: u64,
    pub some_field: Option<bool>,
}

#[near(serializers = [json])]
pub struct Wallet {
    pub owner: AccountId,
    pub balance: U128,
    pub nonce: U64,
    pub token: NearToken,
    pub gas: Gas,
    pub key: PublicKey,
    pub at: Timestamp,
    pub blob: Base64VecU8,
}

#[near(contract_state)]
#[derive(Default)]
pub struct Contract {
    last: u8,
}

#[near]
impl Contract {
    #[init]
    pub fn new() -> Self {
        Self { last: 0 }
    }

    /// Echoes a wallet, which holds every near-sdk JSON type.
    pub fn wallet(&self, wallet: Wallet) -> Option<Wallet> {
        Some(wallet)
    }

    /// Returns the entry with its index moved on by one.
    pub fn next_keyed(&self, keyed: Keyed) -> Keyed {
        Keyed {
            from_index: keyed.from_index + 1,
            ..keyed
        }
    }

    pub fn tree(&self, tree: Tree) -> Tree {
        tree
    }

    pub fn is_owner(&self, who: AccountId) -> bool {
        who.as_str().ends_with(".near")
    }

    /// How many of `pools` are on `.near`: a list of accounts, as a run-time fan-out takes.
    pub fn count_near(&self, pools: Vec<AccountId>) -> u32 {
        pools.iter().filter(|pool| pool.as_str().ends_with(".near")).count() as u32
    }

    pub fn bytes(&self) -> Vec<u8> {
        vec![self.last]
    }

    pub fn maybe_maybe(&self) -> Option<Option<u8>> {
        None
    }

    #[handle_result]
    pub fn checked(&self) -> Result<u8, String> {
        Ok(self.last)
    }

    #[payable]
    pub fn store(&mut self, value: u8) {
        self.last = value;
    }

    pub fn color(&self, color: Color) -> Color {
        color
    }

    pub fn shape(&self, shape: Shape) -> Shape {
        shape
    }

    pub fn camel(&self) -> Camel {
        Camel { some_field: 1 }
    }

    pub fn map(&self) -> HashMap<String, u32> {
        HashMap::new()
    }

    pub fn pair(&self) -> (u8, String) {
        (self.last, String::new())
    }

    pub fn native_u128(&self) -> u128 {
        u128::from(self.last)
    }

    pub fn anything(&self) -> Value {
        Value::Null
    }

    #[result_serializer(borsh)]
    pub fn borsh_result(&self) -> u8 {
        self.last
    }

    #[private]
    pub fn on_stored(&mut self, #[callback_unwrap] value: u8) {
        self.last = value;
    }
}
