//! `/api/v2/tenants/settings`: nested objects merge on PATCH, `null` resets a field. PATCH
//! responses carry read-only flags that GET omits, as recorded.

use serde_json::{Value, json};

use super::{Call, Outcome, Reply};
use crate::paging::FieldFilter;
use crate::store::{Store, deep_merge};

pub fn get(store: &Store, call: &Call) -> Outcome {
    let mut settings = store.tenant_settings.clone();
    settings.insert("sandbox_versions_available".into(), json!(["22", "18"]));
    Ok(Reply::ok(
        FieldFilter::from_params(call.params)?.apply(Value::Object(settings)),
    ))
}

pub fn update(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    deep_merge(&mut store.tenant_settings, body);
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
