//! Views of a plan. None of them can show a secret: the plan holds only `${VAR}` references.

mod human;
mod json;
mod markdown;
mod text_diff;

pub use human::{HumanOptions, human};
pub use json::json;
pub use markdown::{
    GITHUB_COMMENT_LIMIT, MARKER, MarkdownOptions, TenantPlan, markdown, markdown_comment,
};
