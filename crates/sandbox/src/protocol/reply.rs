//! The JSON shapes of the answers: transaction results and their outcomes (see the README).

use crate::chain::TxResult;
use crate::types::{Outcome, Status};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// How many `SuccessReceiptId` hops a result may take before it counts as pending (a guard
/// against a cycle; real chains of returned promises are short).
const MAX_RESULT_HOPS: usize = 10_000;

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A transaction's result: the final status, found by following `SuccessReceiptId` from the
/// transaction to the receipt whose value or failure is the answer (as near-workspaces and
/// near-api-js do), the logs and burnt gas of all its receipts, and every outcome.
pub fn transaction(result: &TxResult) -> Value {
    let outcomes = &result.outcomes;
    let gas: u128 = outcomes.iter().map(|o| u128::from(o.gas_burnt)).sum();
    let tokens: u128 = outcomes.iter().map(|o| o.tokens_burnt).sum();
    let logs: Vec<&String> = outcomes.iter().flat_map(|o| o.logs.iter()).collect();
    let mut reply = json!({
        "logs": logs,
        "gas_burnt": gas.to_string(),
        "tokens_burnt": tokens.to_string(),
        "outcomes": outcome_list(result),
    });
    let mut status = status_fields(final_status(outcomes));
    // Never a receipt id: `final_status` follows those.
    status.remove("return_receipt");
    merge(&mut reply, status);
    reply
}

/// The outcomes alone, for blocks that ran receipts but no transaction (`advance`).
pub fn outcomes(result: &TxResult) -> Value {
    json!({ "outcomes": outcome_list(result) })
}

fn outcome_list(result: &TxResult) -> Value {
    result.outcomes.iter().map(outcome).collect()
}

fn outcome(o: &Outcome) -> Value {
    let children: Vec<String> = o.children.iter().map(|c| c.to_string()).collect();
    let mut reply = json!({
        "id": o.id.to_string(),
        "kind": o.kind,
        "predecessor": o.predecessor_id.as_str(),
        "receiver": o.executor_id.as_str(),
        "signer": o.signer_id.as_str(),
        "actions": o.actions,
        "logs": o.logs,
        "children": children,
        "gas_burnt": o.gas_burnt.to_string(),
        "tokens_burnt": o.tokens_burnt.to_string(),
        "block_height": o.block_height,
    });
    merge(&mut reply, status_fields(Some(&o.status)));
    reply
}

/// The first value or failure reached from the transaction; None (pending) while a receipt on
/// the way has not run yet, e.g. a callback waiting for a yield.
fn final_status(outcomes: &[Outcome]) -> Option<&Status> {
    let by_id: HashMap<_, _> = outcomes.iter().map(|o| (o.id, o)).collect();
    let mut current = outcomes.first()?;
    for _ in 0..=MAX_RESULT_HOPS {
        match &current.status {
            Status::SuccessReceiptId(id) => current = by_id.get(id)?,
            status => return Some(status),
        }
    }
    None
}

/// `status` (success, failure or pending), `value_b64`, `return_receipt`, `error` (nearcore's
/// error as JSON) and `message`.
fn status_fields(status: Option<&Status>) -> Map<String, Value> {
    let (name, value, receipt, error, message) = match status {
        None => ("pending", None, None, None, None),
        Some(Status::SuccessValue(v)) => ("success", Some(b64(v)), None, None, None),
        Some(Status::SuccessReceiptId(id)) => ("success", None, Some(id.to_string()), None, None),
        Some(Status::Failure(f)) => ("failure", None, None, Some(&f.kind), Some(&f.message)),
    };
    Map::from_iter([
        ("status".to_string(), json!(name)),
        ("value_b64".to_string(), json!(value)),
        ("return_receipt".to_string(), json!(receipt)),
        ("error".to_string(), json!(error)),
        ("message".to_string(), json!(message)),
    ])
}

fn merge(object: &mut Value, fields: Map<String, Value>) {
    if let Value::Object(map) = object {
        map.extend(fields);
    }
}
