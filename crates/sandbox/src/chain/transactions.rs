//! Transactions: validated and charged like a node does (nearcore's `verifier.rs`), converted to
//! their action receipt, then run with every receipt they cause.

use super::{Chain, TxResult, BLOCK_GAS_PRICE};
use crate::fees::{total_deposit, total_exec_fees, total_prepaid_gas, total_send_fees};
use crate::types::{
    Account, Action, ActionReceipt, Failure, Outcome, Receipt, ReceiptKind, Status, Transaction,
};
use near_parameters::vm::LimitConfig;
use near_primitives_core::hash::{hash, CryptoHash};
use serde_json::json;
use std::collections::HashSet;

/// What a transaction costs its signer up front.
struct TxCost {
    /// Gas burnt to convert the transaction (the send fees).
    send_gas: u64,
    /// `send_gas` at the block's gas price.
    burnt_amount: u128,
    /// Everything taken from the signer: the burnt amount, the prepaid and execution gas at the
    /// purchase price, and the deposits.
    total: u128,
    /// The price the receipt's gas was bought at (refunds are paid back at it).
    gas_price: u128,
}

impl Chain {
    /// Converts a transaction into its receipt (charging the signer like a node does) and runs
    /// every receipt that follows until nothing is left in flight.
    pub fn submit(&mut self, tx: Transaction) -> TxResult {
        self.submit_all(vec![tx])
            .pop()
            .expect("one transaction in, one result out")
    }

    /// Includes several transactions in the same block, then runs every receipt they cause:
    /// their receipts interleave block by block, as concurrent transactions do on chain. Each
    /// result holds its own transaction's outcome tree.
    pub fn submit_all(&mut self, txs: Vec<Transaction>) -> Vec<TxResult> {
        self.next_block();
        let mut outcomes = vec![];
        let mut outgoing = vec![];
        let mut roots = vec![];
        for tx in txs {
            let (tx_outcome, receipt) = self.convert_tx(tx);
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
    fn convert_tx(&mut self, tx: Transaction) -> (Outcome, Option<(Receipt, bool)>) {
        let tx_hash = self.next_tx_hash(&tx);
        let local = tx.signer_id == tx.receiver_id;
        let cost = self.tx_cost(&tx);
        let mut outcome = Outcome {
            id: tx_hash,
            kind: "transaction",
            predecessor_id: tx.signer_id.clone(),
            executor_id: tx.signer_id.clone(),
            signer_id: tx.signer_id.clone(),
            actions: tx.actions.iter().map(Action::to_json).collect(),
            status: Status::SuccessValue(vec![]),
            logs: vec![],
            children: vec![],
            gas_burnt: 0,
            tokens_burnt: 0,
            block_height: self.state.height,
        };
        if let Err(failure) = self.verify_tx(&tx, cost.total) {
            outcome.status = Status::Failure(Failure {
                kind: json!({"InvalidTxError": failure.kind}),
                ..failure
            });
            return (outcome, None);
        }
        let signer = self
            .state
            .accounts
            .get_mut(&tx.signer_id)
            .expect("verified");
        signer.amount -= cost.total;
        self.state.burnt += cost.burnt_amount;
        let receipt_id = hash(&[tx_hash.as_ref(), b"receipt"].concat());
        outcome.status = Status::SuccessReceiptId(receipt_id);
        outcome.children = vec![receipt_id];
        outcome.gas_burnt = cost.send_gas;
        outcome.tokens_burnt = cost.burnt_amount;
        let receipt = Receipt {
            id: receipt_id,
            predecessor_id: tx.signer_id.clone(),
            receiver_id: tx.receiver_id,
            kind: ReceiptKind::Action(ActionReceipt {
                signer_id: tx.signer_id,
                gas_price: cost.gas_price,
                output_data_receivers: vec![],
                input_data_ids: vec![],
                actions: tx.actions,
                refund_to: None,
            }),
        };
        (outcome, Some((receipt, local)))
    }

    /// A deterministic, unique hash for the next transaction (there are no signatures to hash).
    fn next_tx_hash(&mut self, tx: &Transaction) -> CryptoHash {
        self.state.tx_count += 1;
        let seed = format!(
            "xccgen-sandbox tx {} {} {}",
            self.state.tx_count, tx.signer_id, tx.receiver_id
        );
        hash(seed.as_bytes())
    }

    fn tx_cost(&self, tx: &Transaction) -> TxCost {
        let fees = &self.config.fees;
        let local = tx.signer_id == tx.receiver_id;
        let send_gas = total_send_fees(fees, local, &tx.actions, &tx.receiver_id);
        let exec_gas = total_exec_fees(fees, &tx.actions, &tx.receiver_id);
        let prepaid = total_prepaid_gas(&tx.actions);
        let gas_price = self.purchase_gas_price();
        let burnt_amount = u128::from(send_gas) * BLOCK_GAS_PRICE;
        let total =
            burnt_amount + u128::from(prepaid + exec_gas) * gas_price + total_deposit(&tx.actions);
        TxCost {
            send_gas,
            burnt_amount,
            total,
            gas_price,
        }
    }

    /// nearcore's transaction checks, in its order: the signer exists, the actions are within
    /// the protocol's limits, and the signer can pay for them and still for its storage.
    fn verify_tx(&self, tx: &Transaction, total_cost: u128) -> Result<(), Failure> {
        let signer_id = &tx.signer_id;
        let Some(signer) = self.state.accounts.get(signer_id) else {
            return Err(Failure::new(
                json!({"SignerDoesNotExist": {"signer_id": signer_id.as_str()}}),
                format!("Signer {signer_id} does not exist"),
            ));
        };
        validate_actions(&self.config.wasm_config.limit_config, &tx.actions)?;
        if signer.amount < total_cost {
            return Err(Failure::new(
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
            return Err(Failure::new(
                json!({"LackBalanceForState": {"signer_id": signer_id.as_str(),
                    "amount": amount.to_string()}}),
                format!("Signer {signer_id} does not have enough balance left for its storage: needs {amount} more"),
            ));
        }
        Ok(())
    }
}

/// The limits on a transaction's actions as a whole, then on each action (nearcore's
/// `validate_actions`); the error is an `ActionsValidation` one.
fn validate_actions(limits: &LimitConfig, actions: &[Action]) -> Result<(), Failure> {
    let invalid =
        |kind, message: &str| Err(Failure::new(json!({ "ActionsValidation": kind }), message));
    let prepaid = total_prepaid_gas(actions);
    let max_prepaid = limits.max_total_prepaid_gas.as_gas();
    if prepaid > max_prepaid {
        return invalid(
            json!({"TotalPrepaidGasExceeded": {"total_prepaid_gas": prepaid, "limit": max_prepaid}}),
            &format!("The total prepaid gas {prepaid} exceeds the limit {max_prepaid}"),
        );
    }
    if actions.len() as u64 > limits.max_actions_per_receipt {
        return invalid(
            json!({"TotalNumberOfActionsExceeded": {
                "total_number_of_actions": actions.len(), "limit": limits.max_actions_per_receipt}}),
            "Too many actions in the transaction",
        );
    }
    for action in actions {
        match action {
            Action::FunctionCall(call) if call.gas == 0 => {
                return invalid(
                    json!("FunctionCallZeroAttachedGas"),
                    "The attached amount of gas in a FunctionCall action has to be a positive number",
                );
            }
            Action::FunctionCall(call)
                if call.method.len() as u64 > limits.max_length_method_name =>
            {
                return invalid(
                    json!({"FunctionCallMethodNameLengthExceeded": {
                        "length": call.method.len(), "limit": limits.max_length_method_name}}),
                    "The length of the method name exceeds the limit",
                );
            }
            Action::FunctionCall(call) if call.args.len() as u64 > limits.max_arguments_length => {
                return invalid(
                    json!({"FunctionCallArgumentsLengthExceeded": {
                        "length": call.args.len(), "limit": limits.max_arguments_length}}),
                    "The length of the arguments exceeds the limit",
                );
            }
            Action::DeployContract { code } if code.len() as u64 > limits.max_contract_size => {
                return invalid(
                    json!({"ContractSizeExceeded": {
                        "size": code.len(), "limit": limits.max_contract_size}}),
                    "The size of the contract code exceeds the limit",
                );
            }
            _ => {}
        }
    }
    Ok(())
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
