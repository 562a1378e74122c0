//! Unified diffs for long text fields (Action code, template bodies).

use serde_json::Value;
use similar::TextDiff;

use crate::plan::model::{FieldChange, Kind};

/// Fields shown as a unified diff rather than `before -> after`.
pub(crate) fn is_text_field(kind: Kind, path: &str) -> bool {
    matches!(
        (kind, path),
        (Kind::Action, "code") | (Kind::EmailTemplate, "body")
    )
}

/// A unified diff from the live text to the file's text.
pub(crate) fn unified(field: &FieldChange) -> String {
    let before = field.before.as_str().unwrap_or_default();
    let after = field.after.as_str().unwrap_or_default();
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header("live", "file")
        .to_string()
}

/// A value on one line (compact JSON; strings quoted).
pub(crate) fn one_line(value: &Value) -> String {
    value.to_string()
}
