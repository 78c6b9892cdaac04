//! Settling a receipt's gas, as nearcore's `Runtime::generate_refund_receipts` and
//! `apply_action_receipt` do: what was burnt leaves the supply (less the contract's reward),
//! unused gas goes back to the signer (less the refund penalty), and a failed receipt's deposits
//! go back to whoever attached them.

use super::actions::ReceiptRun;
use super::{Chain, BLOCK_GAS_PRICE, SYSTEM};
use crate::ext::NewReceipt;
use crate::fees::{action_fee, total_deposit, total_exec_fees, total_prepaid_gas};
use crate::types::{Action, ActionReceipt, Receipt};
use near_primitives_core::gas::Gas;

impl Chain {
    /// Burns and refunds what the receipt's gas and deposits call for. Returns the tokens burnt
    /// (the outcome's `tokens_burnt`) and the refund receipts to send.
    pub(super) fn settle_gas(
        &mut self,
        receipt: &Receipt,
        ar: &ActionReceipt,
        run: &ReceiptRun,
    ) -> (u128, Vec<NewReceipt>) {
        let ok = run.result.is_ok();
        if receipt.predecessor_id.as_str() == SYSTEM {
            // A refund costs nothing; one that cannot be delivered is burnt.
            if !ok {
                self.state.burnt += total_deposit(&ar.actions);
            }
            return (0, vec![]);
        }
        let fees = &self.config.fees;
        let purchase = ar.gas_price;
        let burn_price = purchase.min(BLOCK_GAS_PRICE);
        let prepaid = total_prepaid_gas(&ar.actions)
            + total_exec_fees(fees, &ar.actions, &receipt.receiver_id);
        let spent = if ok { run.gas_used } else { run.gas_burnt };
        let unused = prepaid.saturating_sub(spent);
        let penalty = fees
            .gas_penalty_for_gas_refund(Gas::from_gas(unused))
            .as_gas();
        let penalty_amount = burn_price * u128::from(penalty);
        let unused_refund = (purchase * u128::from(unused)).saturating_sub(penalty_amount);
        // Gas bought above the burn price and burnt anyway is paid back, except the part of it
        // that pays for a newly created account.
        let mut surplus = (purchase - burn_price) * u128::from(run.gas_burnt);
        let account_charge = if run.created_account && ok {
            self.account_creation_charge(burn_price, surplus, receipt)
        } else {
            0
        };
        surplus -= account_charge;
        let tokens_burnt = burn_price * u128::from(run.gas_burnt) + penalty_amount + account_charge;

        let mut refunds = vec![];
        let deposit_refund = if ok { 0 } else { total_deposit(&ar.actions) };
        if deposit_refund > 0 {
            let to = ar
                .refund_to
                .clone()
                .unwrap_or(receipt.predecessor_id.clone());
            refunds.push(NewReceipt::refund(to, deposit_refund));
        }
        let gas_refund = unused_refund + surplus;
        if gas_refund > 0 {
            refunds.push(NewReceipt::refund(ar.signer_id.clone(), gas_refund));
        }
        let reward = self.reward_contract(receipt, run, burn_price);
        self.state.burnt += tokens_burnt - reward;
        (tokens_burnt, refunds)
    }

    /// The protocol's `account_creation_charge`, less what the create-account fee already
    /// burnt, taken from the surplus (never more than it).
    fn account_creation_charge(&self, burn_price: u128, surplus: u128, receipt: &Receipt) -> u128 {
        let fees = &self.config.fees;
        let create_gas = action_fee(fees, &Action::CreateAccount, &receipt.receiver_id, None);
        let desired = self
            .config
            .account_creation_charge
            .as_yoctonear()
            .saturating_sub(burn_price * u128::from(create_gas));
        desired.min(surplus)
    }

    /// Credits the contract its share of the gas its function calls burnt (`burnt_gas_reward`:
    /// 30% before protocol 87); returns the amount, which therefore does not leave the supply.
    fn reward_contract(&mut self, receipt: &Receipt, run: &ReceiptRun, burn_price: u128) -> u128 {
        let ratio = self.config.fees.burnt_gas_reward;
        let reward_gas = u128::from(run.gas_burnt_for_function_call) * (*ratio.numer() as u128)
            / (*ratio.denom() as u128);
        let reward = burn_price * reward_gas;
        match self.state.accounts.get_mut(&receipt.receiver_id) {
            Some(acc) if reward > 0 => {
                acc.amount += reward;
                reward
            }
            _ => 0,
        }
    }
}
