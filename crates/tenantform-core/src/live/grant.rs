//! Client grants (`GET /client-grants`).

use serde_json::Value;

use super::error::NormalizeError;
use super::json::{bool_or, required_str, strings};
use super::snapshot::LiveGrant;

pub fn normalize_grant(body: &Value) -> Result<LiveGrant, NormalizeError> {
    Ok(LiveGrant {
        id: required_str(body, "id", "client grant")?,
        client_id: required_str(body, "client_id", "client grant")?,
        audience: required_str(body, "audience", "client grant")?,
        scopes: strings(body, "scope"),
        is_system: bool_or(body, "is_system", false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn system_grants_are_flagged() {
        let page = response("TestClientGrant_IsSystem.yaml", 10);
        let grants: Vec<LiveGrant> = page["client_grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| normalize_grant(g).unwrap())
            .collect();
        assert_eq!(grants.len(), 50);
        let system = grants
            .iter()
            .find(|g| g.id == "cgr_2wOmlzWi4jfgkVOl")
            .unwrap();
        assert!(system.is_system);
        assert!(system.scopes.contains(&"read:clients".to_owned()));
        let plain = grants
            .iter()
            .find(|g| g.id == "cgr_1ORzN1E7D067WSC2")
            .unwrap();
        assert!(!plain.is_system);
        assert_eq!(plain.audience, "go-jwt-middleware");
    }
}
