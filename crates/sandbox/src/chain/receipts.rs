//! Receipts: scheduled one block per hop, postponed until their input data arrives, applied
//! all-or-nothing, and followed by the receipts they create, with nearcore's ids and order.

use super::actions::ReceiptRun;
use super::{system_account, Chain, TxResult, SYSTEM};
use crate::ext::NewReceipt;
use crate::types::{
    Action, ActionReceipt, DataReceiver, Failure, Outcome, Receipt, ReceiptKind, Status,
};
use near_primitives_core::hash::{hash, CryptoHash};
use near_primitives_core::types::AccountId;
use near_vm_runner::logic::ReturnData;

/// A data receipt's id and payload (None = the producing receipt failed).
type DataPayload = (CryptoHash, Option<Vec<u8>>);

impl Chain {
    /// Produces blocks until no receipt is in flight: receipts created in a block run in the next.
    pub(super) fn run_blocks(&mut self, mut incoming: Vec<Receipt>, outcomes: &mut Vec<Outcome>) {
        while !incoming.is_empty() {
            incoming = self.run_block(incoming, outcomes);
        }
    }

    /// Advances `blocks` empty blocks (yields may time out and run their callbacks).
    pub fn advance(&mut self, blocks: u64) -> TxResult {
        let mut outcomes = vec![];
        for _ in 0..blocks {
            let outgoing = self.run_block(vec![], &mut outcomes);
            self.run_blocks(outgoing, &mut outcomes);
        }
        TxResult { outcomes }
    }

    /// One block: the yields that time out in it, then the incoming receipts. Returns the
    /// receipts it creates, for the next block.
    fn run_block(&mut self, incoming: Vec<Receipt>, outcomes: &mut Vec<Outcome>) -> Vec<Receipt> {
        self.next_block();
        let mut batch = self.expired_yields();
        batch.extend(incoming);
        let mut outgoing = vec![];
        for receipt in batch {
            self.process_receipt(receipt, &mut outgoing, outcomes);
        }
        outgoing
    }

    /// Closes the yields that time out at the current height, each with a data receipt that
    /// carries no data: the callback then sees a failed promise.
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

    /// Delivers a receipt: data is stored and may complete a postponed receipt; an action
    /// receipt runs now if all its input data is there, else waits for it.
    pub(super) fn process_receipt(
        &mut self,
        receipt: Receipt,
        outgoing: &mut Vec<Receipt>,
        outcomes: &mut Vec<Outcome>,
    ) {
        match &receipt.kind {
            ReceiptKind::Data { data_id, data } => {
                let key = (receipt.receiver_id.clone(), *data_id);
                if let Some(ready) = self.receive_data(key, data.clone()) {
                    self.apply_action_receipt(ready, outgoing, outcomes);
                }
            }
            ReceiptKind::Action(action_receipt) => {
                let receiver = &receipt.receiver_id;
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

    /// Stores data for `(account, data id)` (closing the yield it resumes, if any); returns the
    /// postponed receipt this was the last missing input of.
    fn receive_data(
        &mut self,
        key: (AccountId, CryptoHash),
        data: Option<Vec<u8>>,
    ) -> Option<Receipt> {
        self.state.yields.remove(&key);
        self.state.received_data.insert(key.clone(), data);
        let waiting_id = self.state.awaiting.remove(&key)?;
        let entry = self
            .state
            .postponed
            .get_mut(&waiting_id)
            .expect("an awaited receipt is postponed");
        entry.1 -= 1;
        if entry.1 > 0 {
            return None;
        }
        self.state.postponed.remove(&waiting_id).map(|(r, _)| r)
    }

    /// Runs an action receipt whose input data is all there, commits or rolls back what it did,
    /// settles its gas, and sends the receipts it creates.
    fn apply_action_receipt(
        &mut self,
        receipt: Receipt,
        outgoing: &mut Vec<Receipt>,
        outcomes: &mut Vec<Outcome>,
    ) {
        let ReceiptKind::Action(ar) = &receipt.kind else {
            unreachable!("data receipts are stored, not applied")
        };
        let mut run = self.begin_receipt(&receipt.receiver_id, ar);
        self.run_actions(&receipt, ar, &mut run);
        self.commit_or_roll_back(&receipt.receiver_id, &mut run);
        let is_refund = receipt.predecessor_id.as_str() == SYSTEM;
        let (tokens_burnt, refunds) = self.settle_gas(&receipt, ar, &run);
        let created = created_receipts(&receipt.receiver_id, ar, &mut run, refunds);
        let (children, status) = self.send_created(&receipt, ar, created, &run.result, outgoing);
        outcomes.push(Outcome {
            id: receipt.id,
            kind: if is_refund { "refund" } else { "receipt" },
            predecessor_id: receipt.predecessor_id.clone(),
            executor_id: receipt.receiver_id.clone(),
            signer_id: ar.signer_id.clone(),
            actions: ar.actions.iter().map(Action::to_json).collect(),
            status,
            logs: run.logs,
            children,
            gas_burnt: if is_refund { 0 } else { run.gas_burnt },
            tokens_burnt,
            block_height: self.state.height,
        });
    }

    /// Keeps everything the receipt did if it succeeded; else puts the receiver's storage back
    /// as it was and drops the receipts it created.
    fn commit_or_roll_back(&mut self, account_id: &AccountId, run: &mut ReceiptRun) {
        let mut storage = std::mem::take(&mut run.base);
        if run.result.is_err() {
            if !storage.is_empty() {
                self.state.storage.insert(account_id.clone(), storage);
            }
            run.new_receipts.clear();
            run.resumed.clear();
            return;
        }
        for (k, v) in std::mem::take(&mut run.overlay) {
            match v {
                Some(v) => storage.insert(k, v),
                None => storage.remove(&k),
            };
        }
        for code in run.new_codes.drain(..) {
            self.state.codes.insert(*code.hash(), code);
        }
        if run.deleted {
            self.state.accounts.remove(account_id);
            return;
        }
        if !storage.is_empty() {
            self.state.storage.insert(account_id.clone(), storage);
        }
        if let Some(acc) = run.account.take() {
            self.state.accounts.insert(account_id.clone(), acc);
        }
    }

    /// Gives each created receipt its id, as nearcore's
    /// `create_receipt_id_from_receipt_id(parent, height, index)`, and sends it; opens the yields
    /// among them. Returns the ids of the action receipts (the outcome's children) and the
    /// receipt's status, which names the returned promise's receipt if there is one.
    fn send_created(
        &mut self,
        receipt: &Receipt,
        ar: &ActionReceipt,
        created: Vec<(NewReceipt, Option<DataPayload>)>,
        result: &Result<ReturnData, Failure>,
        outgoing: &mut Vec<Receipt>,
    ) -> (Vec<CryptoHash>, Status) {
        let height = self.state.height;
        let account_id = &receipt.receiver_id;
        let mut status = match result {
            Ok(ReturnData::Value(v)) => Status::SuccessValue(v.clone()),
            Ok(_) => Status::SuccessValue(vec![]),
            Err(failure) => Status::Failure(failure.clone()),
        };
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
            if matches!(result, Ok(ReturnData::ReceiptIndex(i)) if *i as usize == index) {
                status = Status::SuccessReceiptId(id);
            }
            children.push(id);
            if nr.is_yield {
                let timeout = self
                    .config
                    .wasm_config
                    .limit_config
                    .yield_timeout_length_in_blocks;
                self.state.yields.insert(
                    (nr.receiver_id.clone(), nr.input_data_ids[0]),
                    height + timeout,
                );
            }
            outgoing.push(Receipt {
                id,
                predecessor_id: if nr.is_refund {
                    system_account()
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
        (children, status)
    }
}

/// The receipts a receipt creates, in nearcore's order: the contract's action receipts, data for
/// the yields it resumed, refunds, then data for whoever waits on this receipt's result (unless
/// it returned a promise: that promise's result goes to them instead).
fn created_receipts(
    account_id: &AccountId,
    ar: &ActionReceipt,
    run: &mut ReceiptRun,
    refunds: Vec<NewReceipt>,
) -> Vec<(NewReceipt, Option<DataPayload>)> {
    let mut created: Vec<(NewReceipt, Option<DataPayload>)> = vec![];
    created.extend(run.new_receipts.drain(..).map(|r| (r, None)));
    for (data_id, data) in run.resumed.drain(..) {
        created.push((
            NewReceipt::to(account_id.clone()),
            Some((data_id, Some(data))),
        ));
    }
    created.extend(refunds.into_iter().map(|r| (r, None)));
    if ar.output_data_receivers.is_empty() {
        return created;
    }
    if let Ok(ReturnData::ReceiptIndex(i)) = &run.result {
        created[*i as usize]
            .0
            .output_data_receivers
            .extend(ar.output_data_receivers.iter().cloned());
        return created;
    }
    let data = match &run.result {
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
            NewReceipt::to(receiver_id.clone()),
            Some((*data_id, data.clone())),
        ));
    }
    created
}
