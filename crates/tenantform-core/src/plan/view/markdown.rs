//! The Markdown view, made for a pull-request comment: a hidden marker (so a pipeline updates
//! its one comment), a summary line per tenant, the destructive changes called out, then each
//! tenant's changes with every resource's diff in a collapsible section; kept under GitHub's
//! comment limit.

use std::fmt::Write as _;

use super::human::{field_symbol, field_text};
use super::text_diff::{is_text_field, unified};
use crate::plan::model::{ChangeAction, Note, Plan};

/// The first line of every Markdown plan: a pipeline finds its own comment by it.
pub const MARKER: &str = "<!-- tenantform-plan -->";

/// GitHub's limit on a comment body, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Room kept for the truncation note.
const NOTE_ROOM: usize = 1_024;

/// Destructive changes listed at the top, at most (the rest are counted).
const MAX_CALLOUTS: usize = 50;

/// One tenant of the run: its name (the tenant file, or the saved plan) and its plan, or why
/// it has none.
#[derive(Debug, Clone, Copy)]
pub struct TenantPlan<'a> {
    pub name: &'a str,
    pub result: Result<&'a Plan, &'a str>,
}

/// How big the document may be and where the whole plan is when it is cut.
#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    /// The most characters the document may have.
    pub limit: usize,
    /// Where the full plan can be read, for the truncation note, e.g. "the artifacts of
    /// https://github.com/o/r/actions/runs/1".
    pub full_plan_at: String,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        Self {
            limit: GITHUB_COMMENT_LIMIT,
            full_plan_at:
                "the output of `tenantform plan` (or `tenantform show` of the saved plans)"
                    .to_owned(),
        }
    }
}

/// One plan as a Markdown comment, named by its tenant's origin.
pub fn markdown(plan: &Plan) -> String {
    markdown_comment(
        &[TenantPlan {
            name: &plan.origin,
            result: Ok(plan),
        }],
        &MarkdownOptions::default(),
    )
}

/// The plans of a run's tenants as one Markdown comment of at most `options.limit` characters.
pub fn markdown_comment(tenants: &[TenantPlan<'_>], options: &MarkdownOptions) -> String {
    let mut head = format!("{MARKER}\n### tenantform plan\n\n");
    for tenant in tenants {
        let _ = writeln!(head, "- {}", summary_line(tenant));
    }
    head.push('\n');
    head.push_str(&destructive_callout(tenants));

    let mut blocks = Vec::new();
    for tenant in tenants {
        tenant_blocks(tenant, tenants.len() > 1, &mut blocks);
    }

    let mut out = head;
    let budget = options.limit.saturating_sub(NOTE_ROOM);
    let mut used = out.chars().count();
    let mut shown = 0;
    for block in &blocks {
        let size = block.text.chars().count();
        if used + size > budget {
            break;
        }
        out.push_str(&block.text);
        used += size;
        shown += 1;
    }
    if shown < blocks.len() {
        let left_out = blocks[shown..].iter().filter(|b| b.is_resource).count();
        let _ = write!(
            out,
            "\n---\n**This plan is cut short** to stay under GitHub's {GITHUB_COMMENT_LIMIT}-character \
             comment limit: {left_out} resource change{} and the sections after {} are not shown \
             here. The full plan is in {}.\n",
            if left_out == 1 { "" } else { "s" },
            if left_out == 1 { "it" } else { "them" },
            one_line(&options.full_plan_at, 300)
        );
    }
    out
}

/// A piece of the document that is shown whole or not at all.
struct Block {
    text: String,
    /// One resource's details (counted in the truncation note).
    is_resource: bool,
}

fn summary_line(tenant: &TenantPlan<'_>) -> String {
    match tenant.result {
        Ok(plan) => {
            let origin = if plan.origin == tenant.name {
                String::new()
            } else {
                format!(" (`{}`)", code(&plan.origin))
            };
            let verdict = if plan.is_refused() {
                format!(
                    "refused: {} error(s), nothing will be applied",
                    plan.errors.len()
                )
            } else {
                plan.summary().to_string()
            };
            format!("**{}**{origin}: {verdict}", escape(tenant.name))
        }
        Err(error) => format!(
            "**{}**: :x: failed: {}",
            escape(tenant.name),
            escape(&one_line(error, 500))
        ),
    }
}

/// A warning listing every delete and replace of every tenant, or nothing.
fn destructive_callout(tenants: &[TenantPlan<'_>]) -> String {
    let mut lines = Vec::new();
    for tenant in tenants {
        let Ok(plan) = tenant.result else { continue };
        for change in plan.pending().filter(|c| {
            c.destructive || matches!(c.action, ChangeAction::Delete | ChangeAction::Replace)
        }) {
            let prefix = if tenants.len() > 1 {
                format!("**{}**: ", escape(tenant.name))
            } else {
                String::new()
            };
            lines.push(format!(
                "> - {prefix}{} `{}`: {}",
                change.action.as_str(),
                code(&change.address.to_string()),
                escape(&one_line(&change.reason, 200))
            ));
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    let total = lines.len();
    let mut out = format!(
        "> [!CAUTION]\n> **{total} destructive change{}** (data or settings are lost):\n",
        if total == 1 { "" } else { "s" }
    );
    for line in lines.iter().take(MAX_CALLOUTS) {
        out.push_str(line);
        out.push('\n');
    }
    if total > MAX_CALLOUTS {
        let _ = writeln!(out, "> - and {} more", total - MAX_CALLOUTS);
    }
    out.push('\n');
    out
}

/// A tenant's heading (with several tenants), table of changes, each resource's details, its
/// notes and its errors.
fn tenant_blocks(tenant: &TenantPlan<'_>, several: bool, blocks: &mut Vec<Block>) {
    let block = |text: String| Block {
        text,
        is_resource: false,
    };
    if several {
        blocks.push(block(format!("#### {}\n\n", escape(tenant.name))));
    }
    let plan = match tenant.result {
        Ok(plan) => plan,
        Err(error) => {
            blocks.push(block(format!(
                "```\n{}\n```\n\n",
                error.replace("```", "'''")
            )));
            return;
        }
    };
    if plan.has_changes() {
        blocks.push(block(
            "| | Resource | Action | Fields |\n|---|---|---|---|\n".to_owned(),
        ));
        for change in plan.pending() {
            let fields: Vec<String> = change
                .fields
                .iter()
                .map(|f| format!("`{}`", code(&f.path)))
                .collect();
            let action = if change.destructive {
                format!("**{} (destructive)**", change.action.as_str())
            } else {
                change.action.as_str().to_owned()
            };
            blocks.push(block(format!(
                "| `{}` | `{}` | {action} | {} |\n",
                change.action.symbol(),
                code(&change.address.to_string()),
                cell(&fields.join(", "))
            )));
        }
        blocks.push(block("\n".to_owned()));
        for change in plan.pending() {
            let mut text = format!(
                "<details><summary><code>{} {}</code> {}</summary>\n\n{}\n\n",
                html(change.action.symbol()),
                html(&change.address.to_string()),
                change.action.as_str(),
                escape(&change.reason)
            );
            let value_fields: Vec<_> = change
                .fields
                .iter()
                .filter(|f| !is_text_field(change.address.kind, &f.path))
                .collect();
            if !value_fields.is_empty() {
                text.push_str("```diff\n");
                for field in value_fields {
                    let symbol = match field_symbol(field) {
                        "~" => "!",
                        other => other,
                    };
                    let _ = writeln!(text, "{symbol} {}", field_text(field));
                }
                text.push_str("```\n\n");
            }
            for field in change
                .fields
                .iter()
                .filter(|f| is_text_field(change.address.kind, &f.path))
            {
                let _ = writeln!(
                    text,
                    "`{}`:\n\n```diff\n{}```\n",
                    code(&field.path),
                    unified(field)
                );
            }
            text.push_str("</details>\n\n");
            blocks.push(Block {
                text,
                is_resource: true,
            });
        }
    }
    if !plan.notes.is_empty() {
        blocks.push(block(note_list("**Notes**", &plan.notes)));
    }
    if plan.is_refused() {
        blocks.push(block(note_list(
            "**Errors (nothing will be applied)**",
            &plan.errors,
        )));
    }
}

/// A titled list of notes (or errors): address, field path when there is one, message.
fn note_list(title: &str, notes: &[Note]) -> String {
    let mut text = format!("{title}\n\n");
    for note in notes {
        let path = note
            .path
            .as_deref()
            .map(|p| format!(" `{}`", code(p)))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "- `{}`{path}: {}",
            code(&note.address.to_string()),
            escape(&note.message)
        );
    }
    text.push('\n');
    text
}

/// Table cells cannot hold `|` or newlines.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Inside a code span: a backtick would end it.
fn code(text: &str) -> String {
    text.replace('`', "'")
}

/// Text from the tenant (names, messages) cannot open HTML (`<details>`) or break the layout.
fn escape(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;")
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The first line of `text`, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(max).collect();
    if short.len() < line.len() || text.lines().nth(1).is_some() {
        short.push('…');
    }
    short
}
