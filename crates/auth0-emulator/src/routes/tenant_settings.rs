//! `/api/v2/tenants/settings`: nested objects merge on PATCH, `null` resets a field. PATCH
//! responses carry read-only flags that GET omits, as recorded.

use serde_json::{Value, json};

use super::{Call, Outcome, Reply};
use crate::paging::FieldFilter;
use crate::store::{Obj, Store, deep_merge};

pub fn get(store: &Store, call: &Call) -> Outcome {
    let mut settings = store.tenant_settings.clone();
    settings.insert("sandbox_versions_available".into(), json!(["22", "18"]));
    Ok(Reply::ok(
        FieldFilter::from_params(call.params)?.apply(Value::Object(settings)),
    ))
}

pub fn update(store: &mut Store, call: &Call) -> Outcome {
    let body = lifetimes_in_hours(call.object()?);
    deep_merge(&mut store.tenant_settings, &body);
    let mut settings = store.tenant_settings.clone();
    if let Some(Value::Object(flags)) = settings.get_mut("flags") {
        flags.insert(
            "cannot_change_enforce_client_authentication_on_passwordless_start".into(),
            json!(true),
        );
        flags.insert(
            "enforce_client_authentication_on_passwordless_start".into(),
            json!(true),
        );
    }
    Ok(Reply::ok(Value::Object(settings)))
}

/// The session lifetimes a PATCH may give in minutes (`session_lifetime_in_minutes`, ...) are
/// stored and read back in hours, under the field without the suffix: Auth0 answered a PATCH of
/// `idle_ephemeral_session_lifetime_in_minutes: 15` with `idle_ephemeral_session_lifetime: 0.25`
/// (TestTenantManager). go-auth0 and the Deploy CLI send them.
fn lifetimes_in_hours(body: &Obj) -> Obj {
    const LIFETIMES: [&str; 4] = [
        "session_lifetime",
        "idle_session_lifetime",
        "ephemeral_session_lifetime",
        "idle_ephemeral_session_lifetime",
    ];
    let mut body = body.clone();
    for field in LIFETIMES {
        let key = format!("{field}_in_minutes");
        let hours = match body.get(&key) {
            Some(Value::Number(n)) => match n.as_i64() {
                Some(whole) if whole % 60 == 0 => json!(whole / 60),
                _ => json!(n.as_f64().unwrap_or_default() / 60.0),
            },
            _ => continue,
        };
        body.remove(&key);
        body.insert(field.to_owned(), hours);
    }
    body
}
