//! The Markdown view, for a pull-request comment.

use std::fmt::Write as _;

use super::human::{field_symbol, field_text};
use super::text_diff::{is_text_field, unified};
use crate::plan::model::Plan;

/// The plan as a Markdown comment: a summary and a table of changes.
pub fn markdown(plan: &Plan) -> String {
    let mut out = String::from("### tenantform plan\n\n");
    let _ = writeln!(out, "**{}**\n", plan.summary());
    if plan.has_changes() {
        out.push_str("| | Resource | Action | Fields |\n|---|---|---|---|\n");
        for change in plan.pending() {
            let fields: Vec<String> = change
                .fields
                .iter()
                .map(|f| format!("`{}`", f.path))
                .collect();
            let action = if change.destructive {
                format!("**{} (destructive)**", change.action.as_str())
            } else {
                change.action.as_str().to_owned()
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {action} | {} |",
                change.action.symbol(),
                cell(&change.address.to_string()),
                cell(&fields.join(", "))
            );
        }
        out.push('\n');
        for change in plan.pending() {
            let _ = writeln!(
                out,
                "#### `{}` ({})\n\n{}\n",
                cell(&change.address.to_string()),
                change.action.as_str(),
                change.reason
            );
            let value_fields: Vec<_> = change
                .fields
                .iter()
                .filter(|f| !is_text_field(change.address.kind, &f.path))
                .collect();
            if !value_fields.is_empty() {
                out.push_str("```diff\n");
                for field in value_fields {
                    let symbol = match field_symbol(field) {
                        "~" => "!",
                        other => other,
                    };
                    let _ = writeln!(out, "{symbol} {}", field_text(field));
                }
                out.push_str("```\n\n");
            }
            for field in change
                .fields
                .iter()
                .filter(|f| is_text_field(change.address.kind, &f.path))
            {
                let _ = writeln!(out, "`{}`:\n\n```diff\n{}```\n", field.path, unified(field));
            }
        }
    }
    if !plan.notes.is_empty() {
        out.push_str("**Notes**\n\n");
        for note in &plan.notes {
            let path = note
                .path
                .as_deref()
                .map(|p| format!(" `{p}`"))
                .unwrap_or_default();
            let _ = writeln!(out, "- `{}`{path}: {}", note.address, note.message);
        }
        out.push('\n');
    }
    if plan.is_refused() {
        out.push_str("**Errors (nothing will be applied)**\n\n");
        for error in &plan.errors {
            let _ = writeln!(out, "- `{}`: {}", error.address, error.message);
        }
        out.push('\n');
    }
    out
}

/// Table cells cannot hold `|` or newlines.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
