//! `/api/v2/email-templates`: unconfigured templates are 404, POST of an existing one 409,
//! PUT creates or replaces, PATCH merges.

use serde_json::Value;

use super::{Call, Outcome, Reply, str_field};
use crate::errors::ApiError;
use crate::store::{Obj, Store};

fn check_name(name: &str) -> Result<(), ApiError> {
    if auth0_wire::TemplateName::ALL
        .iter()
        .any(|known| known.as_str() == name)
    {
        Ok(())
    } else {
        Err(ApiError::invalid_uri(format!(
            "Path validation error: 'String does not match enum: {name}' on property templateName."
        )))
    }
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "The template does not exist.",
        Some("inexistent_email_template"),
    )
}

pub fn get(store: &Store, name: &str) -> Outcome {
    check_name(name)?;
    let template = store.email_templates.get(name).ok_or_else(not_found)?;
    Ok(Reply::ok(Value::Object(template.clone())))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let name = str_field(body, "template").unwrap_or_default().to_owned();
    check_name(&name)?;
    if store.email_templates.contains_key(&name) {
        return Err(ApiError::conflict(
            format!("Template {name} already exists."),
            None,
        ));
    }
    store.email_templates.insert(name, body.clone());
    // The spec documents 200 "Template successfully created" (not 201).
    Ok(Reply::ok(Value::Object(body.clone())))
}

pub fn replace(store: &mut Store, call: &Call, name: &str) -> Outcome {
    check_name(name)?;
    let mut template: Obj = call.object()?.clone();
    template.insert("template".into(), Value::String(name.to_owned()));
    store
        .email_templates
        .insert(name.to_owned(), template.clone());
    Ok(Reply::ok(Value::Object(template)))
}

pub fn update(store: &mut Store, call: &Call, name: &str) -> Outcome {
    check_name(name)?;
    let body = call.object()?;
    let template = store.email_templates.get_mut(name).ok_or_else(not_found)?;
    for (key, value) in body {
        if value.is_null() {
            template.remove(key);
        } else {
            template.insert(key.clone(), value.clone());
        }
    }
    Ok(Reply::ok(Value::Object(template.clone())))
}
