//! The JSON view: the plan itself, pretty-printed (schema documented in `crate::plan`).

use crate::plan::model::Plan;

pub fn render_json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).expect("a plan serializes");
    text.push('\n');
    text
}
