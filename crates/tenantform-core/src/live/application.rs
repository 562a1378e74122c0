//! Clients (`GET /clients`) into [`Application`]: the wire client with Auth0's meaning of
//! absent fields filled in, projected onto the model by field name.

use auth0_wire::Client;
use auth0_wire::shape::project;
use serde_json::Value;

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveApplication;
use crate::model::{AppType, Application};

/// Normalizes one client. Server-managed fields (`client_id` aside, kept as metadata;
/// `client_secret`, `signing_keys`, `tenant`, `global`, ...) are dropped; absent values take
/// Auth0's defaults ([`Client::when_absent`]).
pub fn normalize_application(body: &Value) -> Result<LiveApplication, NormalizeError> {
    let client: Client = wire(body, "client")?;
    let client_id = required(client.client_id.clone(), "client_id", "client")?;
    required(client.name.clone(), "name", "client")?;
    Ok(LiveApplication {
        client_id,
        is_global: client.global.unwrap_or(false),
        model: application(&client.completed()),
    })
}

/// An application as `POST /clients` creates it with only `name` and `app_type` (the name
/// left out): what export leaves out of a file as Auth0's default.
pub fn created_application(app_type: Option<AppType>) -> Application {
    application(&Client::created(app_type).completed())
}

/// The model's view of a wire client: the fields both name.
fn application(client: &Client) -> Application {
    project(client).expect("every model field of an application is a client field")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;
    use crate::model::JwtAlg;

    #[test]
    fn a_fresh_client_gets_auth0_defaults() {
        let body = response("TestAccClientConfig.yaml", 1);
        let live = normalize_application(&body).unwrap();
        assert_eq!(live.client_id, "ruNZ5B03Y2gAitE0pF7ljxh49zTaCb3i");
        assert!(!live.is_global);
        let app = live.model;
        assert_eq!(app.oidc_conformant, Some(false));
        assert_eq!(app.callbacks, Some(vec![]));
        assert_eq!(app.initiate_login_uri.as_deref(), Some(""));
        assert_eq!(
            app.jwt_configuration.unwrap().alg,
            Some(JwtAlg::HS256),
            "no alg means HS256"
        );
        assert_eq!(
            app.grant_types.unwrap(),
            [
                "authorization_code",
                "implicit",
                "refresh_token",
                "client_credentials"
            ]
        );
    }

    #[test]
    fn configured_client_keeps_its_values_and_drops_server_fields() {
        let body = response("TestAccClientConfig.yaml", 5);
        let live = normalize_application(&body).unwrap();
        let app = &live.model;
        assert_eq!(app.app_type, Some(AppType::NonInteractive));
        assert_eq!(
            app.callbacks.as_deref(),
            Some(&["https://example.com/callback".to_owned()][..])
        );
        assert_eq!(
            app.initiate_login_uri.as_deref(),
            Some("https://example.com/login")
        );
        let json = serde_json::to_string(&live.model).unwrap();
        for dropped in ["\"client_secret\"", "signing_keys", "REDACTED", "client_id"] {
            assert!(!json.contains(dropped), "{dropped} leaked into the model");
        }
    }

    #[test]
    fn cleared_initiate_login_uri_is_the_empty_string() {
        // The second PATCH sets `initiate_login_uri: ""`, which Auth0 then omits.
        let body = response("TestAccClientConfig.yaml", 9);
        assert!(body.get("initiate_login_uri").is_none());
        let live = normalize_application(&body).unwrap();
        assert_eq!(live.model.initiate_login_uri.as_deref(), Some(""));
        assert_eq!(live.model.description.as_deref(), Some(""));
    }

    #[test]
    fn cross_origin_authentication_is_read_and_absent_means_off() {
        let recorded = normalize_application(&response("TestAccClientConfig.yaml", 1)).unwrap();
        assert_eq!(recorded.model.cross_origin_authentication, Some(false));
        let absent = serde_json::json!({"name": "x", "client_id": "c"});
        let absent = normalize_application(&absent).unwrap();
        assert_eq!(absent.model.cross_origin_authentication, Some(false));
        let on =
            serde_json::json!({"name": "x", "client_id": "c", "cross_origin_authentication": true});
        let on = normalize_application(&on).unwrap();
        assert_eq!(on.model.cross_origin_authentication, Some(true));
        assert_eq!(
            created_application(Some(AppType::RegularWeb)).cross_origin_authentication,
            Some(false)
        );
    }

    #[test]
    fn global_client_is_flagged() {
        let body =
            serde_json::json!({"name": "All Applications", "client_id": "g1", "global": true});
        assert!(normalize_application(&body).unwrap().is_global);
    }
}

#[cfg(test)]
mod projection {
    use super::*;
    use auth0_wire::shape::field_names;

    /// A model field the wire client lacks would never be read, so it would diff forever.
    #[test]
    fn every_application_field_is_a_client_field() {
        let client = field_names::<Client>();
        let auth0_fields = field_names::<Application>()
            .iter()
            .filter(|field| !crate::model::application::NOT_AUTH0_FIELDS.contains(field));
        for field in auth0_fields {
            assert!(
                client.contains(field),
                "`{field}` is not a field of auth0_wire::Client"
            );
        }
    }

    #[test]
    fn a_fully_set_client_projects_onto_a_fully_set_application() {
        let completed = Client::created(Some(AppType::RegularWeb)).completed();
        let value = serde_json::to_value(application(&completed)).unwrap();
        for field in field_names::<Application>() {
            if *field != "name" && !crate::model::application::NOT_AUTH0_FIELDS.contains(field) {
                assert!(
                    value.get(*field).is_some(),
                    "`{field}` has no value in a normalized application"
                );
            }
        }
    }
}
