//! `/api/v2/emails/provider`, a singleton. Secrets are accepted and stored but never
//! returned: only the non-secret credential fields come back.

use serde_json::Value;

use super::{Call, Outcome, Reply};
use crate::errors::ApiError;
use crate::paging::FieldFilter;
use crate::store::{Obj, Store};

/// Credential fields Auth0 returns; every other credential is a secret.
const PUBLIC_CREDENTIALS: &[&str] = &["smtp_host", "smtp_port", "smtp_user", "domain", "region"];

fn not_found() -> ApiError {
    ApiError::not_found(
        "There is not a configured email provider",
        Some("inexistent_email_provider"),
    )
}

fn render(provider: &Obj) -> Value {
    let mut provider = provider.clone();
    // Auth0 omits settings a provider does not have.
    if provider
        .get("settings")
        .is_some_and(|s| s.is_null() || s.as_object().is_some_and(Obj::is_empty))
    {
        provider.shift_remove("settings");
    }
    if let Some(Value::Object(credentials)) = provider.get_mut("credentials") {
        credentials.retain(|key, _| PUBLIC_CREDENTIALS.contains(&key.as_str()));
    }
    Value::Object(provider)
}

pub fn get(store: &Store, call: &Call) -> Outcome {
    let provider = store.email_provider.as_ref().ok_or_else(not_found)?;
    Ok(Reply::ok(
        FieldFilter::from_params(call.params)?.apply(render(provider)),
    ))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    if store.email_provider.is_some() {
        return Err(ApiError::conflict(
            "An email provider is already configured",
            Some("email_provider_conflict"),
        ));
    }
    let mut provider = body.clone();
    // The spec's `enabled` has `default: true`: a provider created without it is enabled.
    if !provider.contains_key("enabled") {
        let enabled = auth0_wire::EmailProvider::when_absent().enabled;
        provider.insert("enabled".into(), Value::from(enabled));
    }
    let reply = render(&provider);
    store.email_provider = Some(provider);
    Ok(Reply::created(reply))
}

pub fn update(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let provider = store.email_provider.as_mut().ok_or_else(not_found)?;
    // Switching to another provider starts from scratch: the old one's credentials and
    // settings do not carry over (recorded: ses with settings -> mandrill without).
    let switches = body
        .get("name")
        .is_some_and(|name| provider.get("name") != Some(name));
    if switches {
        provider.shift_remove("credentials");
        provider.shift_remove("settings");
    }
    for (key, value) in body {
        provider.insert(key.clone(), value.clone());
    }
    Ok(Reply::ok(render(provider)))
}

/// Idempotent, as recorded: a second DELETE is 204 too.
pub fn delete(store: &mut Store) -> Outcome {
    store.email_provider = None;
    Ok(Reply::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_never_returned() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        assert_eq!(
            get(&store, &Call::test("GET", &Value::Null))
                .unwrap_err()
                .error_code,
            Some("inexistent_email_provider")
        );
        let body = json!({"name": "smtp", "credentials": {"smtp_host": "h", "smtp_port": 587, "smtp_user": "u", "smtp_pass": "p"}});
        let created = create(&mut store, &Call::test("POST", &body)).unwrap();
        assert_eq!(created.status, 201);
        assert_eq!(
            created.body.unwrap()["credentials"],
            json!({"smtp_host": "h", "smtp_port": 587, "smtp_user": "u"})
        );
        assert_eq!(
            store.email_provider.as_ref().unwrap()["credentials"]["smtp_pass"],
            "p"
        );
    }

    #[test]
    fn a_provider_created_without_enabled_is_enabled() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "mailgun", "credentials": {"api_key": "k", "domain": "d"}});
        let created = create(&mut store, &Call::test("POST", &body)).unwrap();
        assert_eq!(created.body.unwrap()["enabled"], true);
        let read = get(&store, &Call::test("GET", &Value::Null)).unwrap();
        assert_eq!(read.body.unwrap()["enabled"], true);
        let off = json!({"name": "mailgun", "enabled": false});
        update(&mut store, &Call::test("PATCH", &off)).unwrap();
        let read = get(&store, &Call::test("GET", &Value::Null)).unwrap();
        assert_eq!(read.body.unwrap()["enabled"], false);
    }
}
