//! Access tokens and scopes. Tokens are JWT-shaped (`header.payload.signature`) and signed
//! with a per-tenant key kept in the store, so they survive a restart with `--state`. Only
//! this emulator verifies them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::errors::ApiError;
use super::store::{Obj, Store};

pub const TOKEN_LIFETIME_SECONDS: i64 = 86_400;

/// What a verified token says.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenClaims {
    pub client_id: String,
    pub scopes: Vec<String>,
}

/// An error of the Authentication API (`/oauth/token`), OAuth-shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthError {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    pub fn body(&self) -> Value {
        json!({"error": self.error, "error_description": self.description})
    }
}

fn signature(key: &str, signing_input: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(key.as_bytes());
    hasher.update(b".");
    hasher.update(signing_input.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Signs a token for `client_id` with `scopes`.
pub fn issue_token(
    key: &str,
    issuer: &str,
    claims: &TokenClaims,
    audience: &str,
    now: i64,
) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT","kid":"emulator"}"#);
    let payload = json!({
        "iss": issuer,
        "sub": format!("{}@clients", claims.client_id),
        "aud": audience,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "scope": claims.scopes.join(" "),
        "gty": "client-credentials",
        "azp": claims.client_id,
    });
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = signature(key, &signing_input);
    format!("{signing_input}.{signature}")
}

/// Checks a bearer token for the Management API; errors are Auth0's 401 bodies.
pub fn verify_token(
    key: &str,
    token: &str,
    audience: &str,
    now: i64,
) -> Result<TokenClaims, ApiError> {
    let invalid = || ApiError::new(401, "Invalid token", None);
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if signature(key, &format!("{header}.{payload}")) != sig {
        return Err(ApiError::new(401, "Invalid token", None));
    }
    let payload: Value = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid)?;
    if payload.get("aud").and_then(Value::as_str) != Some(audience) {
        return Err(ApiError::new(401, "Bad audience", None));
    }
    if payload
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= now)
    {
        return Err(ApiError::new(
            401,
            "Expired token received for JSON Web Token validation",
            None,
        ));
    }
    Ok(TokenClaims {
        client_id: payload
            .get("azp")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        scopes: payload
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    })
}

/// `POST /oauth/token` with `grant_type=client_credentials`: checks the client, its secret,
/// the audience and the client grant; returns Auth0's token response.
pub fn client_credentials(
    store: &Store,
    issuer: &str,
    form: &Obj,
    now: i64,
) -> Result<Value, OAuthError> {
    let field = |name: &str| form.get(name).and_then(Value::as_str).unwrap_or_default();
    match field("grant_type") {
        "client_credentials" => {}
        "" => {
            return Err(OAuthError::new(
                400,
                "invalid_request",
                "Missing required parameter: grant_type",
            ));
        }
        other => {
            return Err(OAuthError::new(
                400,
                "unsupported_grant_type",
                format!("Unsupported grant type: {other}"),
            ));
        }
    }
    // Auth0 answers a missing or unknown client and a wrong secret alike, without saying which
    // (crates/auth0-emulator/ERRORS.md).
    let unauthorized = || OAuthError::new(401, "access_denied", "Unauthorized");
    let client_id = field("client_id");
    let client = store.clients.get(client_id).ok_or_else(unauthorized)?;
    let secret = client
        .get("client_secret")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if secret.is_empty() || secret != field("client_secret") {
        return Err(unauthorized());
    }
    let allows_grant = client
        .get("grant_types")
        .and_then(Value::as_array)
        .is_none_or(|types| types.iter().any(|t| t == "client_credentials"));
    if !allows_grant {
        return Err(OAuthError::new(
            403,
            "unauthorized_client",
            "Grant type 'client_credentials' not allowed for the client.",
        ));
    }
    let audience = match field("audience") {
        "" => store.management_audience(),
        audience => audience.to_owned(),
    };
    if store.resource_server_by_identifier(&audience).is_none() {
        return Err(OAuthError::new(
            403,
            "access_denied",
            format!("Service not enabled within domain: {audience}"),
        ));
    }
    let grant = store.client_grants.values().find(|g| {
        g.get("client_id").and_then(Value::as_str) == Some(client_id)
            && g.get("audience").and_then(Value::as_str) == Some(audience.as_str())
    });
    let Some(grant) = grant else {
        return Err(OAuthError::new(
            403,
            "access_denied",
            format!(
                "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
            ),
        ));
    };
    let granted: Vec<String> = grant
        .get("scope")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let scopes = match field("scope") {
        "" => granted,
        wanted => wanted
            .split_whitespace()
            .filter(|s| granted.iter().any(|g| g == s))
            .map(str::to_owned)
            .collect(),
    };
    let claims = TokenClaims {
        client_id: client_id.to_owned(),
        scopes,
    };
    let token = issue_token(&store.token_key, issuer, &claims, &audience, now);
    let mut response = json!({
        "access_token": token,
        "scope": claims.scopes.join(" "),
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "token_type": "Bearer",
    });
    // Auth0 leaves `scope` out when the token carries none.
    if claims.scopes.is_empty()
        && let Value::Object(object) = &mut response
    {
        object.shift_remove("scope");
    }
    Ok(response)
}

/// The scopes an operation accepts (any one suffices) when the spec does not say: Auth0's
/// `<verb>:<resource>` names.
pub fn fallback_scopes(method: &str, path: &str) -> Vec<String> {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let resource = match first {
        "users-by-email" | "tickets" => "users",
        "emails" => "email_provider",
        "tenants" => "tenant_settings",
        other => other,
    }
    .replace('-', "_");
    let verb = match method {
        "GET" => "read",
        "POST" => "create",
        "DELETE" => "delete",
        _ => "update",
    };
    vec![format!("{verb}:{resource}")]
}

/// 403 unless the token holds one of `needed`.
pub fn require_scope(claims: &TokenClaims, needed: &[String]) -> Result<(), ApiError> {
    if needed.is_empty() || needed.iter().any(|scope| claims.scopes.contains(scope)) {
        return Ok(());
    }
    Err(ApiError::new(
        403,
        format!("Insufficient scope, expected any of: {}", needed.join(",")),
        Some("insufficient_scope"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::into_obj;

    fn store() -> Store {
        Store::fresh("http://127.0.0.1:9", "m2m-id", "m2m-secret")
    }

    fn form(value: Value) -> Obj {
        into_obj(value)
    }

    #[test]
    fn client_credentials_round_trip() {
        let store = store();
        let response = client_credentials(
            &store,
            "http://127.0.0.1:9/",
            &form(json!({"grant_type":"client_credentials","client_id":"m2m-id","client_secret":"m2m-secret","audience":"http://127.0.0.1:9/api/v2/"})),
            1_000,
        )
        .unwrap();
        assert_eq!(response["expires_in"], 86_400);
        assert_eq!(response["token_type"], "Bearer");
        let claims = verify_token(
            &store.token_key,
            response["access_token"].as_str().unwrap(),
            &store.management_audience(),
            1_001,
        )
        .unwrap();
        assert_eq!(claims.client_id, "m2m-id");
        assert_eq!(claims.scopes.len(), 132);
        assert!(
            verify_token(
                &store.token_key,
                response["access_token"].as_str().unwrap(),
                &store.management_audience(),
                1_000 + 86_400
            )
            .is_err()
        );
    }

    #[test]
    fn wrong_secret_and_unknown_audience_are_oauth_errors() {
        let store = store();
        let bad = client_credentials(
            &store,
            "x",
            &form(json!({"grant_type":"client_credentials","client_id":"m2m-id","client_secret":"nope"})),
            0,
        )
        .unwrap_err();
        assert_eq!(
            (bad.status, bad.error, bad.description.as_str()),
            (401, "access_denied", "Unauthorized")
        );
        let unknown = client_credentials(
            &store,
            "x",
            &form(json!({"grant_type":"client_credentials","client_id":"nobody","client_secret":"m2m-secret"})),
            0,
        )
        .unwrap_err();
        assert_eq!((unknown.status, unknown.error), (401, "access_denied"));
        let audience = client_credentials(
            &store,
            "x",
            &form(json!({"grant_type":"client_credentials","client_id":"m2m-id","client_secret":"m2m-secret","audience":"https://other/"})),
            0,
        )
        .unwrap_err();
        assert_eq!((audience.status, audience.error), (403, "access_denied"));
    }

    #[test]
    fn tampered_tokens_are_rejected() {
        let store = store();
        let claims = TokenClaims {
            client_id: "a".into(),
            scopes: vec!["read:clients".into()],
        };
        let token = issue_token(&store.token_key, "x", &claims, "aud", 0);
        assert!(verify_token(&store.token_key, &token, "aud", 1).is_ok());
        assert!(verify_token("other-key", &token, "aud", 1).is_err());
        assert!(verify_token(&store.token_key, &token, "other-aud", 1).is_err());
    }

    #[test]
    fn scope_check_and_fallback_names() {
        let claims = TokenClaims {
            client_id: "a".into(),
            scopes: vec!["read:users".into()],
        };
        assert!(require_scope(&claims, &fallback_scopes("GET", "/users-by-email")).is_ok());
        let denied = require_scope(&claims, &fallback_scopes("DELETE", "/roles/x")).unwrap_err();
        assert_eq!(
            (denied.status, denied.error_code),
            (403, Some("insufficient_scope"))
        );
    }
}
