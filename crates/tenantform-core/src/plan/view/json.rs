//! The JSON view: the plan itself, pretty-printed (schema documented in `crate::plan`).

use crate::plan::model::Plan;

/// The plan JSON document (also what `--out PLAN.json` saves).
pub fn json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).expect("a plan serializes");
    text.push('\n');
    text
}
