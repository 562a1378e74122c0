//! Applications that share a display name (`apply --resolve-duplicates`).
//!
//! Names identify applications, so a tenant with two applications named like one the file
//! declares cannot be planned. Concurrent applies of older versions (without the apply lock)
//! left exactly that: two of each application, each with its grant, both enabled on the
//! connection. This module resolves such duplicates **safely**:
//!
//! - **The survivor is deterministic**: of the applications sharing a declared name, the one
//!   with the lowest `client_id` is kept, whichever run resolves, however often.
//! - **Only provable duplicates are deleted.** tenantform cannot tell who created a client (Auth0
//!   records no creator), so it proves the copy is redundant instead. Another application is
//!   deleted only when it has the survivor's name and is configured identically in every field
//!   a tenant file can hold (as planning reads them, Auth0's defaults filled in), and its grants
//!   either match the survivor's or can be moved to it. A copy that differs in anything (a
//!   callback added in the dashboard, a grant with other scopes) is not provably a copy: it is
//!   listed with the differences and nothing at all is changed.
//! - **Nothing is lost**: before a copy is deleted, each of its grants the survivor lacks is
//!   created for the survivor with the same scopes, and the survivor is enabled on every
//!   connection the copy was enabled on (every strategy, not only the file's connections).
//! - Never the tenant's global client nor the client tenantform signs in with.
//!
//! Deleting a copy revokes its client_id and secret. `render` refuses a tenant with duplicate
//! names, so tenantform never handed those credentials out; anything else that uses them must
//! switch to the survivor's (the resolution lists both ids).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::run::text;
use crate::api::{ApiError, ConnectionFilter, ManagementClient};
use crate::planning::{PlanningError, read_live};
use tenantform_core::live::{LiveApplication, LiveGrant, ReadSet};
use tenantform_core::model::TenantFile;

/// What resolving the duplicates will do (nothing is written to find it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    pub groups: Vec<Group>,
}

/// The applications sharing one declared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// The lowest client_id: kept.
    pub survivor: String,
    /// The copies to delete, each after its grants and connections are moved.
    pub copies: Vec<Duplicate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub client_id: String,
    /// Grants the survivor lacks: (audience, scopes), created for it.
    pub grants_to_move: Vec<(String, Vec<String>)>,
    /// Connections the copy is enabled on and the survivor is not: (id, name).
    pub connections_to_move: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DuplicatesError {
    #[error(
        "cannot resolve the duplicate applications safely, nothing was changed:\n{}",
        .0.iter().map(|l| format!("  - {l}")).collect::<Vec<_>>().join("\n")
    )]
    NotProvable(Vec<String>),
    #[error(transparent)]
    Planning(#[from] PlanningError),
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl Resolution {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// One line per action, for the user to read before it is done.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for group in &self.groups {
            lines.push(format!(
                "{} applications are named `{}`: keeping client_id {} (the lowest)",
                group.copies.len() + 1,
                group.name,
                group.survivor
            ));
            for copy in &group.copies {
                for (audience, scopes) in &copy.grants_to_move {
                    lines.push(format!(
                        "  grant {} access to {audience} ({} scopes), as {} has",
                        group.survivor,
                        scopes.len(),
                        copy.client_id
                    ));
                }
                for (_, connection) in &copy.connections_to_move {
                    lines.push(format!(
                        "  enable {} on connection {connection}, as {} is",
                        group.survivor, copy.client_id
                    ));
                }
                lines.push(format!(
                    "  delete {} (configured identically: a duplicate)",
                    copy.client_id
                ));
            }
        }
        lines
    }
}

/// Finds the duplicates among the applications `tenant` declares (or removes) and proves
/// each copy redundant; refuses (writing nothing) when one cannot be proven.
pub async fn find(
    client: &ManagementClient,
    tenant: &TenantFile,
) -> Result<Resolution, DuplicatesError> {
    let names = ReadSet::for_tenant(tenant).application_names;
    let reads = ReadSet {
        clients: true,
        client_grants: true,
        ..ReadSet::default()
    };
    let live = read_live(client, &reads).await?;
    let mut groups: BTreeMap<&str, Vec<&LiveApplication>> = BTreeMap::new();
    for app in &live.applications {
        if names.iter().any(|n| n == app.name()) {
            groups.entry(app.name()).or_default().push(app);
        }
    }
    groups.retain(|_, apps| apps.len() > 1);
    if groups.is_empty() {
        return Ok(Resolution::default());
    }
    // Every connection's enabled clients: a copy may be enabled on any of them.
    let mut enabled: Vec<(String, String, BTreeSet<String>)> = Vec::new();
    for connection in client
        .list_connections(&ConnectionFilter::default())
        .await?
    {
        let id = text(&connection, "id");
        let clients = client.enabled_clients(&id).await?;
        enabled.push((id, text(&connection, "name"), clients.into_iter().collect()));
    }

    let own = client.own_client_id();
    let mut refusals = Vec::new();
    let mut resolution = Resolution::default();
    for (name, mut apps) in groups {
        apps.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        if let Some(app) = apps.iter().find(|a| a.is_global || a.client_id == own) {
            let what = if app.is_global {
                "the tenant's global client"
            } else {
                "the client tenantform signs in with"
            };
            refusals.push(format!(
                "`{name}`: {} is {what}; rename the other applications named `{name}` in the dashboard",
                app.client_id
            ));
            continue;
        }
        let survivor = apps[0];
        let survivor_grants = grants_of(&live.grants, &survivor.client_id);
        let mut group = Group {
            name: name.to_owned(),
            survivor: survivor.client_id.clone(),
            copies: Vec::new(),
        };
        for copy in &apps[1..] {
            let differences = differences(survivor, copy);
            if !differences.is_empty() {
                refusals.push(format!(
                    "`{name}`: {} differs from {} (kept: the lowest client_id) in {}: it is not provably a duplicate; rename or delete one of them in the dashboard",
                    copy.client_id,
                    survivor.client_id,
                    differences.join(", ")
                ));
                continue;
            }
            let mut grants_to_move = Vec::new();
            for grant in grants_of(&live.grants, &copy.client_id) {
                match survivor_grants.iter().find(|g| g.audience == grant.audience) {
                    None => grants_to_move.push((grant.audience.clone(), grant.scopes.clone())),
                    Some(kept) if same_scopes(kept, grant) => {}
                    Some(_) => refusals.push(format!(
                        "`{name}`: the grants of {} and {} to {} have different scopes: it is not provably a duplicate; make them equal or delete one in the dashboard",
                        copy.client_id, survivor.client_id, grant.audience
                    )),
                }
            }
            let connections_to_move = enabled
                .iter()
                .filter(|(_, _, ids)| ids.contains(&copy.client_id))
                .filter(|(_, _, ids)| !ids.contains(&survivor.client_id))
                .map(|(id, name, _)| (id.clone(), name.clone()))
                .collect();
            group.copies.push(Duplicate {
                client_id: copy.client_id.clone(),
                grants_to_move,
                connections_to_move,
            });
        }
        resolution.groups.push(group);
    }
    if refusals.is_empty() {
        Ok(resolution)
    } else {
        Err(DuplicatesError::NotProvable(refusals))
    }
}

/// Moves each copy's grants and connections to its survivor, then deletes the copy. Safe to
/// run again after a failure: what was moved is found moved, what was deleted is gone.
pub async fn resolve(
    client: &ManagementClient,
    resolution: &Resolution,
    on_step: &(dyn Fn(&str) + Sync),
) -> Result<(), ApiError> {
    for group in &resolution.groups {
        for copy in &group.copies {
            for (audience, scopes) in &copy.grants_to_move {
                let body =
                    json!({"client_id": group.survivor, "audience": audience, "scope": scopes});
                match client.create_client_grant(&body).await {
                    // Already there (an earlier resolution got that far).
                    Err(error) if error.is_conflict() => {}
                    other => {
                        other?;
                    }
                }
                on_step(&format!("granted {} access to {audience}", group.survivor));
            }
            for (id, name) in &copy.connections_to_move {
                client
                    .set_enabled_clients(id, &[(group.survivor.clone(), true)])
                    .await?;
                on_step(&format!("enabled {} on {name}", group.survivor));
            }
            match client.delete_client(&copy.client_id).await {
                Err(error) if !error.is_not_found() => return Err(error),
                _ => {}
            }
            on_step(&format!(
                "deleted {} (a duplicate of `{}`, kept {})",
                copy.client_id, group.name, group.survivor
            ));
        }
    }
    Ok(())
}

fn grants_of<'a>(grants: &'a [LiveGrant], client_id: &str) -> Vec<&'a LiveGrant> {
    grants.iter().filter(|g| g.client_id == client_id).collect()
}

fn same_scopes(a: &LiveGrant, b: &LiveGrant) -> bool {
    a.scopes.iter().collect::<BTreeSet<_>>() == b.scopes.iter().collect::<BTreeSet<_>>()
}

/// The fields (as a tenant file names them) in which two applications differ.
fn differences(a: &LiveApplication, b: &LiveApplication) -> Vec<String> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) = (
        serde_json::to_value(&a.model),
        serde_json::to_value(&b.model),
    ) else {
        return vec!["(cannot compare)".to_owned()];
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|key| a.get(*key) != b.get(*key))
        .map(ToString::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(client_id: &str, value: Value) -> LiveApplication {
        LiveApplication {
            client_id: client_id.to_owned(),
            is_global: false,
            model: serde_json::from_value(value).unwrap(),
        }
    }

    #[test]
    fn copies_differ_in_the_fields_a_file_names() {
        let a = app("a", json!({"name": "Web", "callbacks": ["https://a/cb"]}));
        let b = app("b", json!({"name": "Web", "callbacks": ["https://a/cb"]}));
        let c = app(
            "c",
            json!({"name": "Web", "callbacks": ["https://c/cb"], "description": "x"}),
        );
        assert!(differences(&a, &b).is_empty());
        assert_eq!(differences(&a, &c), ["callbacks", "description"]);
    }

    #[test]
    fn the_description_says_what_is_kept_moved_and_deleted() {
        let resolution = Resolution {
            groups: vec![Group {
                name: "Web".into(),
                survivor: "aaa".into(),
                copies: vec![Duplicate {
                    client_id: "bbb".into(),
                    grants_to_move: vec![("https://api/".into(), vec!["read:users".into()])],
                    connections_to_move: vec![("con_1".into(), "users".into())],
                }],
            }],
        };
        let text = resolution.describe().join("\n");
        for part in [
            "2 applications are named `Web`: keeping client_id aaa (the lowest)",
            "grant aaa access to https://api/ (1 scopes), as bbb has",
            "enable aaa on connection users, as bbb is",
            "delete bbb (configured identically: a duplicate)",
        ] {
            assert!(text.contains(part), "{text}");
        }
    }
}
