//! The scope catalogue of the "Auth0 Management API" system resource server, as recorded from a
//! real tenant (TestAccResourceServerAuth0APIManagementImport). Grants to the Management API
//! may only use these; the emulator serves the same list and grants all of it to its M2M client.

use std::sync::LazyLock;

/// The recorded `scopes` array: `[{"value": "read:users", "description": "..."}, ...]`.
pub const MANAGEMENT_API_SCOPES_JSON: &str = include_str!("management_api_scopes.json");

/// The scope names, in recorded order.
pub static MANAGEMENT_API_SCOPES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let scopes: Vec<serde_json::Value> =
        serde_json::from_str(MANAGEMENT_API_SCOPES_JSON).expect("the embedded scope list is JSON");
    scopes
        .iter()
        .filter_map(|scope| scope["value"].as_str().map(str::to_owned))
        .collect()
});

/// Whether `scope` is a Management API scope.
pub fn is_management_api_scope(scope: &str) -> bool {
    MANAGEMENT_API_SCOPES.iter().any(|known| known == scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_catalogue_has_132_scopes_including_the_runbooks() {
        assert_eq!(MANAGEMENT_API_SCOPES.len(), 132);
        for scope in [
            "create:users",
            "read:users",
            "update:users",
            "read:users_app_metadata",
            "update:users_app_metadata",
            "create:user_tickets",
        ] {
            assert!(is_management_api_scope(scope), "{scope}");
        }
    }
}
