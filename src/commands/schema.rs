//! `tenantform schema`: print the tenant file's JSON Schema.

use std::io::Write;

use crate::commands::ExitStatus;

pub fn run() -> anyhow::Result<ExitStatus> {
    std::io::stdout()
        .write_all(tenantform_core::model::schema::tenant_file_schema_json().as_bytes())?;
    Ok(ExitStatus::Success)
}
