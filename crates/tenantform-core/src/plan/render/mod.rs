//! Views of a plan. None of them can show a secret: the plan holds only `${VAR}` references.

mod human;
mod json;
mod markdown;
mod text_diff;

pub use human::{HumanOptions, render_human};
pub use json::render_json;
pub use markdown::render_markdown;
