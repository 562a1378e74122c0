//! `tenantform schema`.

use crate::commands::ExitStatus;

pub fn run() -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("schema")
}
