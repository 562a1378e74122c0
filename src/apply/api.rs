//! APIs (`/resource-servers`): created with every declared field (a replace deletes the old
//! one first), or PATCHed with the changed top-level fields; found by identifier.

use serde_json::Value;

use super::create::create_once;
use super::run::{Run, adopted, existing_id, id_of};
use tenantform_core::model::Api;
use tenantform_core::model::wire::only_fields;
use tenantform_core::plan::{Change, ChangeAction, FieldChange};

pub(super) async fn apply(
    run: &mut Run<'_>,
    change: &Change,
    api: &Api,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let identifier = change.address.name.as_str();
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        if change.action == ChangeAction::Replace
            && let Some(old) = &change.live_id
        {
            client.delete_resource_server(old).await?;
        }
        let body = create_body(api);
        let created = create_once(
            async || client.create_resource_server(&body).await,
            async || client.find_resource_server(identifier).await,
        )
        .await?;
        if created.adopted {
            // Found rather than created: make it match the file.
            let id = id_of(&created.body, "id")?;
            client
                .update_resource_server(&id, &patch_body(api, None))
                .await?;
        }
        Ok(adopted(&created))
    } else {
        let id = existing_id(
            change.live_id.as_ref(),
            async || client.find_resource_server(identifier).await,
            "id",
            "API",
        )
        .await?;
        client
            .update_resource_server(&id, &patch_body(api, Some(&change.fields)))
            .await?;
        Ok(None)
    }
}

/// `POST /resource-servers`: every declared field.
fn create_body(api: &Api) -> Value {
    serde_json::to_value(auth0_wire::ResourceServer::from(api)).expect("wire values serialize")
}

/// `PATCH /resource-servers/{id}`: the changed top-level fields (lists whole), or every
/// declared one; never the identifier, which Auth0 refuses there.
fn patch_body(api: &Api, fields: Option<&[FieldChange]>) -> Value {
    let mut api = match fields {
        Some(fields) => {
            let keys: Vec<&str> = fields
                .iter()
                .map(|f| f.path.split('.').next().unwrap_or(&f.path))
                .collect();
            only_fields(api, &keys)
        }
        None => api.clone(),
    };
    api.identifier = None;
    create_body(&api)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_sends_the_changed_fields_without_the_identifier() {
        let api = Api {
            identifier: Some("https://api.example.com/".into()),
            name: Some("Reports".into()),
            token_lifetime: Some(600),
            ..Api::default()
        };
        let fields = [FieldChange {
            path: "token_lifetime".into(),
            before: json!(86400),
            after: json!(600),
            write_only: false,
        }];
        assert_eq!(
            patch_body(&api, Some(&fields)),
            json!({"token_lifetime": 600})
        );
        assert_eq!(
            patch_body(&api, None),
            json!({"name": "Reports", "token_lifetime": 600})
        );
        assert_eq!(create_body(&api)["identifier"], "https://api.example.com/");
    }
}
