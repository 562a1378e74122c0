//! The JSON Schema of the tenant file, published as `tenants/schema.json`.

use super::tenant_file::TenantFile;

/// The schema, pretty-printed with a trailing newline (exactly what `tenantform schema` prints).
pub fn tenant_file_schema_json() -> String {
    let schema = schemars::schema_for!(TenantFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}
