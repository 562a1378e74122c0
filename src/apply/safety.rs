//! Refusals checked before any write. The plan's own `errors` already carry the diff's
//! refusals; these checks repeat the important ones against the tenant as it is now, so a
//! hand-edited or stale plan cannot lock tenantform out.

use serde_json::{Value, json};

use super::options::ApplyOptions;
use crate::api::{ApiError, FieldSelection, GrantFilter, ManagementClient};
use tenantform_core::live::LiveTenant;
use tenantform_core::plan::{ChangeAction, Desired, Kind, Plan};

/// The clients and grants the checks and the run's client-id lookups start from, as
/// `GET /clients` (`client_id`, `name`, `global`) and `GET /client-grants` bodies.
#[derive(Debug, Clone, Default)]
pub struct ClientsAndGrants {
    pub clients: Vec<Value>,
    pub grants: Vec<Value>,
}

/// The clients and grants a plan read, when it read them (`None` for a part it did not).
#[derive(Debug, Clone, Default)]
pub struct PlanRead {
    pub clients: Option<Vec<Value>>,
    pub grants: Option<Vec<Value>>,
}

impl ClientsAndGrants {
    /// What the plan read moments ago in this run (a fresh plan, or a saved plan's fingerprint
    /// check), so apply does not list them again. That is fresh enough: what is protected does
    /// not move (the own client's id, the global client, Auth0's system grants), and a change to
    /// the managed ones since the plan read them makes the writes fail or the verification plan
    /// differ.
    pub fn from_plan_read(plan: &Plan, live: &LiveTenant) -> PlanRead {
        let clients = plan.read_set.clients.then(|| {
            live.applications
                .iter()
                .map(|app| json!({"client_id": app.client_id, "name": app.name(), "global": app.is_global}))
                .collect()
        });
        let grants = plan.read_set.client_grants.then(|| {
            live.grants
                .iter()
                .map(|g| json!({"id": g.id, "client_id": g.client_id, "is_system": g.is_system}))
                .collect()
        });
        PlanRead { clients, grants }
    }

    /// Lists what `known` lacks: a plan that changes no grant needs no grants to protect.
    pub async fn complete(
        client: &ManagementClient,
        plan: &Plan,
        known: PlanRead,
    ) -> Result<Self, ApiError> {
        let clients = match known.clients {
            Some(clients) => clients,
            None => {
                client
                    .list_clients(&FieldSelection::include(["client_id", "name", "global"]))
                    .await?
            }
        };
        let changes_grants = plan.pending().any(|c| c.address.kind == Kind::Grant);
        let grants = match known.grants {
            Some(grants) => grants,
            None if changes_grants => client.list_client_grants(&GrantFilter::default()).await?,
            None => Vec::new(),
        };
        Ok(Self { clients, grants })
    }
}

/// What apply must never touch, read from the tenant just before executing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protected {
    /// (client_id, display name, why) of tenantform's own client and the global client.
    pub clients: Vec<(String, String, &'static str)>,
    /// Ids of system grants and of the grants of protected clients.
    pub grant_ids: Vec<String>,
}

impl Protected {
    /// From `GET /clients` (client_id, name, global) and `GET /client-grants`.
    pub fn from_live(own_client_id: &str, clients: &[Value], grants: &[Value]) -> Self {
        let text = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let mut protected = Self::default();
        for client in clients {
            let id = text(client, "client_id");
            let why = if id == own_client_id {
                "the client tenantform itself signs in with"
            } else if client.get("global").and_then(Value::as_bool) == Some(true) {
                "the tenant's global client"
            } else {
                continue;
            };
            protected.clients.push((id, text(client, "name"), why));
        }
        // The own client is protected even when the list did not show it.
        if !protected
            .clients
            .iter()
            .any(|(id, _, _)| id == own_client_id)
        {
            protected.clients.push((
                own_client_id.to_owned(),
                String::new(),
                "the client tenantform itself signs in with",
            ));
        }
        for grant in grants {
            let system = grant.get("is_system").and_then(Value::as_bool) == Some(true);
            let client_id = text(grant, "client_id");
            if system || protected.clients.iter().any(|(id, _, _)| *id == client_id) {
                protected.grant_ids.push(text(grant, "id"));
            }
        }
        protected
    }

    fn client(&self, id: Option<&str>, name: &str) -> Option<&'static str> {
        self.clients
            .iter()
            .find(|(cid, cname, _)| {
                Some(cid.as_str()) == id || (!cname.is_empty() && cname == name)
            })
            .map(|(_, _, why)| *why)
    }
}

/// Every reason not to execute `plan`; empty when it may run.
pub fn refusals(plan: &Plan, options: ApplyOptions, protected: &Protected) -> Vec<String> {
    let mut found: Vec<String> = plan
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.address, e.message))
        .collect();
    for change in plan.pending() {
        let address = &change.address;
        match change.action {
            ChangeAction::Replace if !options.allow_replace => found.push(format!(
                "{address}: {}; pass --allow-replace to do it",
                change.reason
            )),
            ChangeAction::Delete if !options.allow_delete => {
                found.push(format!("{address}: a delete; pass --allow-delete to do it"));
            }
            _ => {}
        }
        match address.kind {
            Kind::Application => {
                if let Some(why) = protected.client(change.live_id.as_deref(), &address.name) {
                    found.push(format!("{address} is {why}; tenantform never changes it"));
                }
            }
            Kind::Grant => {
                let owner = match &change.desired {
                    Some(Desired::Grant { application, .. }) => application.as_str(),
                    _ => address.name.split(" -> ").next().unwrap_or_default(),
                };
                let by_id = change
                    .live_id
                    .as_ref()
                    .is_some_and(|id| protected.grant_ids.contains(id));
                if let Some(why) = protected.client(None, owner) {
                    found.push(format!(
                        "{address} belongs to {why}; tenantform never changes it"
                    ));
                } else if by_id {
                    found.push(format!(
                        "{address} is a system grant or belongs to a protected client; tenantform never changes it"
                    ));
                }
            }
            Kind::User if change.action == ChangeAction::Delete => {
                found.push(format!(
                    "{address}: bootstrap users are never deleted by apply"
                ));
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use tenantform_core::live::ReadSet;
    use tenantform_core::plan::{Address, Change, FORMAT_VERSION};

    fn plan(changes: Vec<Change>) -> Plan {
        Plan {
            format_version: FORMAT_VERSION,
            origin: "http://127.0.0.1:1".into(),
            changes,
            unmanaged: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
            read_set: ReadSet::default(),
            live_fingerprint: String::new(),
        }
    }

    fn change(kind: Kind, name: &str, action: ChangeAction, live_id: Option<&str>) -> Change {
        Change {
            address: Address::new(kind, name),
            action,
            live_id: live_id.map(str::to_owned),
            fields: Vec::new(),
            reason: "test".into(),
            destructive: false,
            desired: None,
        }
    }

    fn protected() -> Protected {
        Protected::from_live(
            "own",
            &[
                json!({"client_id": "own", "name": "tenantform"}),
                json!({"client_id": "glob", "name": "All Applications", "global": true}),
                json!({"client_id": "app", "name": "Dashboard"}),
            ],
            &[
                json!({"id": "cgr_own", "client_id": "own", "audience": "x"}),
                json!({"id": "cgr_sys", "client_id": "other", "audience": "y", "is_system": true}),
                json!({"id": "cgr_app", "client_id": "app", "audience": "x"}),
            ],
        )
    }

    #[test]
    fn deleting_the_own_client_or_its_grant_is_refused_even_with_allow_delete() {
        let options = ApplyOptions {
            allow_delete: true,
            allow_replace: true,
        };
        let p = plan(vec![
            change(
                Kind::Application,
                "tenantform",
                ChangeAction::Delete,
                Some("own"),
            ),
            change(Kind::Grant, "x -> y", ChangeAction::Delete, Some("cgr_own")),
            change(
                Kind::Grant,
                "Other -> y",
                ChangeAction::Delete,
                Some("cgr_sys"),
            ),
            change(
                Kind::Application,
                "All Applications",
                ChangeAction::Update,
                Some("glob"),
            ),
        ]);
        let found = refusals(&p, options, &protected());
        assert_eq!(found.len(), 4, "{found:#?}");
        let allowed = plan(vec![change(
            Kind::Grant,
            "Dashboard -> x",
            ChangeAction::Delete,
            Some("cgr_app"),
        )]);
        assert!(refusals(&allowed, options, &protected()).is_empty());
    }

    #[test]
    fn deletes_and_replaces_need_their_flags() {
        let p = plan(vec![
            change(
                Kind::Connection,
                "users",
                ChangeAction::Replace,
                Some("con_1"),
            ),
            change(Kind::Action, "old", ChangeAction::Delete, Some("act_1")),
        ]);
        assert_eq!(refusals(&p, ApplyOptions::default(), &protected()).len(), 2);
        let all = ApplyOptions {
            allow_delete: true,
            allow_replace: true,
        };
        assert!(refusals(&p, all, &protected()).is_empty());
    }

    #[test]
    fn users_are_never_deleted() {
        let p = plan(vec![change(
            Kind::User,
            "a@b.c",
            ChangeAction::Delete,
            Some("auth0|1"),
        )]);
        let all = ApplyOptions {
            allow_delete: true,
            allow_replace: true,
        };
        assert_eq!(refusals(&p, all, &protected()).len(), 1);
    }
}
