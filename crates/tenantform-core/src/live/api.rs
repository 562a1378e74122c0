//! APIs (`GET /resource-servers`) into [`Api`]: the wire API with Auth0's meaning of absent
//! fields filled in, projected onto the model by field name. The apply lock's API is not a
//! resource of the tenant: it is dropped here, so neither plan nor export ever sees it.

use auth0_wire::ResourceServer;
use auth0_wire::shape::project;
use serde_json::Value;

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveApi;
use crate::model::Api;

/// The identifier of the API that holds tenantform's apply lock (`apply/lock.rs`).
pub const APPLY_LOCK_IDENTIFIER: &str = "urn:tenantform:apply-lock";

/// Normalizes one API; `None` for the apply lock's.
pub fn normalize_api(body: &Value) -> Result<Option<LiveApi>, NormalizeError> {
    const KIND: &str = "resource server";
    let api: ResourceServer = wire(body, KIND)?;
    let id = required(api.id.clone(), "id", KIND)?;
    let identifier = required(api.identifier.clone(), "identifier", KIND)?;
    if identifier == APPLY_LOCK_IDENTIFIER {
        return Ok(None);
    }
    Ok(Some(LiveApi {
        id,
        identifier,
        is_system: api.is_system.unwrap_or(false),
        model: model(&api.completed()),
    }))
}

/// An API as `POST /resource-servers` creates it from its identifier alone: what export
/// leaves out of a file as Auth0's default.
pub fn created_api() -> Api {
    model(&ResourceServer::created().completed())
}

fn model(api: &ResourceServer) -> Api {
    project(api).expect("every model field of an API is a resource server field")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;
    use crate::model::api::{SigningAlg, TokenDialect};
    use serde_json::json;

    #[test]
    fn a_recorded_api_becomes_the_model_with_defaults_filled_in() {
        let page = response("TestResourceServer_List.yaml", 0);
        let body = if page.get("resource_servers").is_some() {
            page["resource_servers"][0].clone()
        } else {
            page
        };
        let live = normalize_api(&body).unwrap().unwrap();
        assert_eq!(live.identifier, "https://api.example.com/");
        assert!(!live.is_system);
        assert_eq!(live.model.signing_alg, Some(SigningAlg::HS256));
        assert_eq!(live.model.token_dialect, Some(TokenDialect::AccessToken));
        let scopes = live.model.scopes.unwrap();
        assert_eq!(scopes[0].value, "create:resource");
        assert_eq!(scopes[0].description.as_deref(), Some("Create Resource"));
    }

    #[test]
    fn the_apply_lock_is_not_an_api_of_the_tenant() {
        let lock = json!({"id": "1", "identifier": APPLY_LOCK_IDENTIFIER, "name": "lock"});
        assert_eq!(normalize_api(&lock).unwrap(), None);
    }

    #[test]
    fn a_created_api_has_auth0s_defaults() {
        let created = created_api();
        assert_eq!(created.token_lifetime, Some(86_400));
        assert_eq!(created.enforce_policies, Some(false));
        assert_eq!(created.scopes, Some(Vec::new()));
    }
}
