//! `tenantform schema`: print the tenant file's JSON Schema.

use crate::commands::ExitStatus;
use crate::printer::Printer;

pub fn run(printer: &Printer) -> anyhow::Result<ExitStatus> {
    printer.result(tenantform_core::model::schema::tenant_file_schema_json().trim_end());
    Ok(ExitStatus::Success)
}
