//! Client grants (`GET /client-grants`).

use auth0_wire::ClientGrant;
use serde_json::Value;

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveGrant;

pub fn normalize_grant(body: &Value) -> Result<LiveGrant, NormalizeError> {
    const KIND: &str = "client grant";
    let grant: ClientGrant = wire(body, KIND)?;
    Ok(LiveGrant {
        id: required(grant.id, "id", KIND)?,
        client_id: required(grant.client_id, "client_id", KIND)?,
        audience: required(grant.audience, "audience", KIND)?,
        scopes: grant.scope.unwrap_or_default(),
        is_system: grant.is_system.unwrap_or(false),
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
