//! What the diff needs to know beyond the file and the live tenant.

/// Settings of one planning run.
#[derive(Debug, Clone, Default)]
pub struct PlanContext {
    /// The tenant's origin, e.g. `https://acme.auth0.com` or `http://127.0.0.1:PORT`;
    /// resolves the `management-api` audience.
    pub origin: String,
    /// The client_id tenantform authenticates with: never changed or deleted.
    pub own_client_id: Option<String>,
    /// Propose deletes for resources listed under `removed:`.
    pub allow_delete: bool,
    /// Re-send write-only values (email provider secrets, action secrets).
    pub force_secrets: bool,
    /// List live resources the file does not manage.
    pub show_unmanaged: bool,
}
