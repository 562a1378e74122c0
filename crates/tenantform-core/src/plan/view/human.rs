//! The terminal view, like `terraform plan`.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::text_diff::{is_text_field, one_line, unified};
use crate::plan::model::{ChangeAction, FieldChange, Plan};

/// How to show the plan on a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// ANSI colors (the command turns them on for a TTY only).
    pub color: bool,
}

/// The plan as `terraform plan` shows one: a summary, then each change with its fields.
pub fn human(plan: &Plan, options: HumanOptions) -> String {
    let paint = |style: Style, text: &str| {
        if options.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    if plan.has_changes() {
        out.push_str("tenantform will perform the following actions:\n\n");
    }
    for change in plan.pending() {
        let style = action_style(change.action);
        let destructive = if change.destructive {
            ", DESTRUCTIVE"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} {} ({}{destructive})",
            paint(style, change.action.symbol()),
            paint(Style::new().bold(), &change.address.to_string()),
            change.action.as_str()
        );
        let _ = writeln!(out, "      # {}", change.reason);
        for field in &change.fields {
            if is_text_field(change.address.kind, &field.path) {
                let _ = writeln!(
                    out,
                    "      {} {}:",
                    paint(field_style(field), field_symbol(field)),
                    field.path
                );
                for line in unified(field).lines() {
                    let line_style = match line.chars().next() {
                        Some('+') if !line.starts_with("+++") => AnsiColor::Green.on_default(),
                        Some('-') if !line.starts_with("---") => AnsiColor::Red.on_default(),
                        _ => Style::new(),
                    };
                    let _ = writeln!(out, "        {}", paint(line_style, line));
                }
            } else {
                let _ = writeln!(
                    out,
                    "      {} {}",
                    paint(field_style(field), field_symbol(field)),
                    field_text(field)
                );
            }
        }
        out.push('\n');
    }
    if !plan.unmanaged.is_empty() {
        out.push_str("Not managed by the file (left alone):\n");
        for address in &plan.unmanaged {
            let _ = writeln!(out, "  . {address}");
        }
        out.push('\n');
    }
    if !plan.notes.is_empty() {
        out.push_str("Notes:\n");
        for note in &plan.notes {
            let path = note
                .path
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {}{path}: {}",
                paint(AnsiColor::Cyan.on_default(), "!"),
                note.address,
                note.message
            );
        }
        out.push('\n');
    }
    if plan.is_refused() {
        out.push_str("Errors (nothing will be applied):\n");
        for error in &plan.errors {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint(AnsiColor::Red.on_default().bold(), "x"),
                error.address,
                error.message
            );
        }
        out.push('\n');
    }
    let summary = plan.summary().to_string();
    let _ = writeln!(out, "{}", paint(Style::new().bold(), &summary));
    out
}

pub(crate) fn field_symbol(field: &FieldChange) -> &'static str {
    if field.before.is_null() {
        "+"
    } else if field.after.is_null() {
        "-"
    } else {
        "~"
    }
}

/// `path: before -> after`, `path: after` for a new value; write-only values say so.
pub(crate) fn field_text(field: &FieldChange) -> String {
    if field.write_only {
        return format!(
            "{}: (write-only) -> {} (value read from the environment)",
            field.path,
            one_line(&field.after)
        );
    }
    match (field.before.is_null(), field.after.is_null()) {
        (true, _) => format!("{}: {}", field.path, one_line(&field.after)),
        (false, true) => format!("{}: {}", field.path, one_line(&field.before)),
        (false, false) => format!(
            "{}: {} -> {}",
            field.path,
            one_line(&field.before),
            one_line(&field.after)
        ),
    }
}

fn action_style(action: ChangeAction) -> Style {
    match action {
        ChangeAction::Create => AnsiColor::Green.on_default(),
        ChangeAction::Update => AnsiColor::Yellow.on_default(),
        ChangeAction::Replace => AnsiColor::Magenta.on_default().bold(),
        ChangeAction::Delete => AnsiColor::Red.on_default(),
        ChangeAction::NoOp => Style::new(),
    }
}

fn field_style(field: &FieldChange) -> Style {
    match field_symbol(field) {
        "+" => AnsiColor::Green.on_default(),
        "-" => AnsiColor::Red.on_default(),
        _ => AnsiColor::Yellow.on_default(),
    }
}
