//! Send and execution fees of actions, from the protocol's fee schedule (nearcore's
//! `runtime/runtime/src/config.rs` computes the same sums for transactions and receipts).

use crate::types::{Action, FunctionCall};
use near_parameters::{transfer_exec_fee, transfer_send_fee, ActionCosts, RuntimeFeesConfig};
use near_primitives_core::types::AccountId;

fn fee_gas(fees: &RuntimeFeesConfig, cost: ActionCosts, send: Option<bool>) -> u64 {
    let fee = fees.fee(cost);
    match send {
        Some(sir) => fee.send_fee(sir).gas.as_gas(),
        None => fee.exec_fee().gas.as_gas(),
    }
}

/// One action's fee: the send part when `send` is `Some(sender_is_receiver)`, else the execution
/// part (paid by the receiver's shard).
pub fn action_fee(
    fees: &RuntimeFeesConfig,
    action: &Action,
    receiver: &AccountId,
    send: Option<bool>,
) -> u64 {
    let f = |cost| fee_gas(fees, cost, send);
    match action {
        Action::CreateAccount => f(ActionCosts::create_account),
        Action::DeployContract { code } => {
            f(ActionCosts::deploy_contract_base)
                + f(ActionCosts::deploy_contract_byte) * code.len() as u64
        }
        Action::FunctionCall(FunctionCall { method, args, .. }) => {
            let bytes = (method.len() + args.len()) as u64;
            f(ActionCosts::function_call_base) + f(ActionCosts::function_call_byte) * bytes
        }
        Action::Transfer { .. } => {
            let kind = receiver.get_account_type();
            let cost = match send {
                Some(sir) => transfer_send_fee(fees, sir, true, kind),
                None => transfer_exec_fee(fees, true, kind),
            };
            cost.gas.as_gas()
        }
        Action::Stake { .. } => f(ActionCosts::stake),
        Action::AddKey {
            method_names: None, ..
        } => f(ActionCosts::add_full_access_key),
        Action::AddKey {
            method_names: Some(names),
            ..
        } => {
            // nearcore counts each method name plus one separator byte.
            let bytes: u64 = names.iter().map(|n| n.len() as u64 + 1).sum();
            f(ActionCosts::add_function_call_key_base)
                + f(ActionCosts::add_function_call_key_byte) * bytes
        }
        Action::DeleteKey { .. } => f(ActionCosts::delete_key),
        Action::DeleteAccount { .. } => f(ActionCosts::delete_account),
        Action::Unsupported { .. } => 0,
    }
}

/// The fee of a new action receipt itself: send part or execution part, as in `action_fee`.
pub fn receipt_fee(fees: &RuntimeFeesConfig, send: Option<bool>) -> u64 {
    fee_gas(fees, ActionCosts::new_action_receipt, send)
}

/// Sum of the send fees of a new action receipt and its actions.
pub fn total_send_fees(
    fees: &RuntimeFeesConfig,
    sir: bool,
    actions: &[Action],
    receiver: &AccountId,
) -> u64 {
    receipt_fee(fees, Some(sir))
        + actions
            .iter()
            .map(|a| action_fee(fees, a, receiver, Some(sir)))
            .sum::<u64>()
}

/// Sum of the execution fees of a new action receipt and its actions.
pub fn total_exec_fees(fees: &RuntimeFeesConfig, actions: &[Action], receiver: &AccountId) -> u64 {
    receipt_fee(fees, None)
        + actions
            .iter()
            .map(|a| action_fee(fees, a, receiver, None))
            .sum::<u64>()
}

/// Gas attached to the function calls of a transaction or receipt.
pub fn total_prepaid_gas(actions: &[Action]) -> u64 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(call) => call.gas,
            _ => 0,
        })
        .sum()
}

/// yoctoNEAR the actions move to the receiver (refunded to the sender if the receipt fails).
pub fn total_deposit(actions: &[Action]) -> u128 {
    actions
        .iter()
        .map(|a| match a {
            Action::FunctionCall(FunctionCall { deposit, .. }) | Action::Transfer { deposit } => {
                *deposit
            }
            _ => 0,
        })
        .sum()
}
