//! Which changes of a plan a change depends on, so that one failure stops only its
//! dependants (as in Terraform) while independent changes go ahead.
//!
//! A change depends on the changes (in the same plan) of the resources it needs to exist or
//! to be settled first:
//! - a grant on its application and its API (a change of the API, when the plan has one);
//! - a connection whose enabled applications it sets on those applications;
//! - a user on its connection;
//! - the bindings of a trigger on the Actions they bind;
//! - the delete of an Action on the bindings (a bound Action cannot be deleted).
//!
//! Everything else (tenant settings, the email provider, templates, Actions themselves,
//! applications) depends on nothing.

use tenantform_core::plan::{Address, Change, ChangeAction, Desired, Kind};

/// The addresses `change` depends on. Only addresses of changes in the same plan matter: the
/// executor skips a change when one of them failed or was skipped.
pub(super) fn prerequisites(change: &Change) -> Vec<Address> {
    if change.action == ChangeAction::Delete {
        return if change.address.kind == Kind::Action {
            // Every trigger's bindings: the Action may be bound to any of them.
            vec![Address::new(Kind::Bindings, "*")]
        } else {
            Vec::new()
        };
    }
    let Some(desired) = &change.desired else {
        return Vec::new();
    };
    match desired {
        Desired::Grant {
            application,
            audience,
            ..
        } => vec![
            Address::new(Kind::Application, application),
            Address::new(Kind::Api, audience),
        ],
        Desired::Connection {
            enabled_clients: Some(enabled),
            ..
        } => enabled
            .iter()
            // What the connection step sends: enabling on create, both ways on update.
            .filter(|entry| entry.enabled || change.action == ChangeAction::Update)
            .map(|entry| Address::new(Kind::Application, &entry.application))
            .collect(),
        Desired::User { connection, .. } => vec![Address::new(Kind::Connection, connection)],
        Desired::Bindings { actions, .. } => actions
            .iter()
            .map(|name| Address::new(Kind::Action, name))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `prerequisite` (from [`prerequisites`]) names the change at `address`.
pub(super) fn names(prerequisite: &Address, address: &Address) -> bool {
    prerequisite == address
        || (prerequisite.kind == Kind::Bindings
            && prerequisite.name == "*"
            && address.kind == Kind::Bindings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(kind: Kind, name: &str, action: ChangeAction, desired: serde_json::Value) -> Change {
        Change {
            address: Address::new(kind, name),
            action,
            live_id: None,
            fields: Vec::new(),
            reason: String::new(),
            destructive: false,
            desired: serde_json::from_value(desired).ok(),
        }
    }

    #[test]
    fn grants_users_connections_and_bindings_name_what_they_need() {
        let grant = change(
            Kind::Grant,
            "M2M -> api",
            ChangeAction::Create,
            json!({"kind": "grant", "application": "M2M", "audience": "api", "scopes": []}),
        );
        assert_eq!(
            prerequisites(&grant),
            [
                Address::new(Kind::Application, "M2M"),
                Address::new(Kind::Api, "api")
            ]
        );
        let user = change(
            Kind::User,
            "a@b.c",
            ChangeAction::Create,
            json!({"kind": "user", "email": "a@b.c", "connection": "users", "app_metadata": {}}),
        );
        assert_eq!(
            prerequisites(&user),
            [Address::new(Kind::Connection, "users")]
        );
        let bindings = change(
            Kind::Bindings,
            "post-login",
            ChangeAction::Update,
            json!({"kind": "bindings", "trigger": "post-login", "actions": ["One", "Two"]}),
        );
        assert_eq!(
            prerequisites(&bindings),
            [
                Address::new(Kind::Action, "One"),
                Address::new(Kind::Action, "Two")
            ]
        );
        let removed_action = change(Kind::Action, "Old", ChangeAction::Delete, json!(null));
        let needs = prerequisites(&removed_action);
        assert!(names(
            &needs[0],
            &Address::new(Kind::Bindings, "post-login")
        ));
        assert!(!names(&needs[0], &Address::new(Kind::Action, "post-login")));
    }

    #[test]
    fn a_new_connection_waits_only_for_the_applications_it_enables() {
        let desired = json!({
            "kind": "connection",
            "connection": {},
            "enabled_clients": [
                {"application": "Web", "enabled": true},
                {"application": "Other", "enabled": false},
            ],
        });
        let create = change(
            Kind::Connection,
            "users",
            ChangeAction::Create,
            desired.clone(),
        );
        assert_eq!(
            prerequisites(&create),
            [Address::new(Kind::Application, "Web")]
        );
        let update = change(Kind::Connection, "users", ChangeAction::Update, desired);
        assert_eq!(prerequisites(&update).len(), 2);
    }
}
