//! Custom APIs (resource servers), matched by identifier; an identifier change declared with
//! `renamed_from` is a replace. Auth0's system API is never changed.

use serde_json::json;

use super::Planner;
use super::fields::{all_declared, diff_declared};
use crate::plan::desired::Desired;
use crate::plan::model::{Address, Change, ChangeAction, FieldChange, Kind};

/// Fields that identify the API rather than configure it.
const NOT_SETTINGS: &[&str] = &["identifier", "renamed_from"];

impl Planner<'_> {
    pub(super) fn apis(&mut self) {
        for declared in self.file.apis.values() {
            let identifier = declared.identifier().to_owned();
            let address = Address::new(Kind::Api, &identifier);
            let mut api = declared.clone();
            api.renamed_from = None;
            let desired = Desired::Api { api };
            let live = self.live.api(&identifier);
            let old = declared
                .renamed_from
                .as_deref()
                .and_then(|old| self.live.api(old));
            if let Some(system) = live.or(old).filter(|api| api.is_system) {
                self.refuse(
                    &address,
                    format!(
                        "`{}` is Auth0's system API; tenantform never changes or replaces it",
                        system.identifier
                    ),
                );
                continue;
            }
            match (live, old) {
                (None, Some(old)) => {
                    let mut fields = vec![FieldChange {
                        path: "identifier".into(),
                        before: json!(old.identifier),
                        after: json!(identifier),
                        write_only: false,
                    }];
                    fields.extend(all_declared("", declared, NOT_SETTINGS));
                    self.changes.push(Change {
                        address,
                        action: ChangeAction::Replace,
                        live_id: Some(old.id.clone()),
                        fields,
                        reason: format!(
                            "renamed from `{}`: API identifiers are immutable, so the old API is deleted with its grants (tokens for the old audience stop working) and a new one is created",
                            old.identifier
                        ),
                        destructive: true,
                        desired: Some(desired),
                    });
                }
                (None, None) => {
                    self.create(address, all_declared("", declared, NOT_SETTINGS), desired);
                }
                (Some(live), old) => {
                    if let Some(old) = old {
                        self.note(&address, None, format!("`{}` (renamed_from) still exists and is left alone; list it under `removed.apis` to delete it", old.identifier));
                    }
                    let fields = diff_declared("", declared, &live.model, NOT_SETTINGS);
                    self.update_or_noop(address, Some(live.id.clone()), fields, desired);
                }
            }
        }
    }

    /// Whether a grant's resolved `audience` names an API that exists or will: the tenant's
    /// Management API, a declared API, or a live one.
    pub(super) fn audience_exists(&self, audience: &str) -> bool {
        let management_api = format!("{}/api/v2/", self.context.origin.trim_end_matches('/'));
        audience == management_api
            || self
                .file
                .apis
                .values()
                .any(|api| api.identifier() == audience)
            || self.live.api(audience).is_some()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::live::{RawTenant, ReadSet, normalize};
    use crate::model::TenantFile;
    use crate::plan::{ChangeAction, Kind, Plan, PlanContext, diff};

    const ORIGIN: &str = "https://acme.auth0.com";

    fn plan(file: serde_json::Value, resource_servers: Vec<serde_json::Value>) -> Plan {
        let file: TenantFile = serde_json::from_value(file).unwrap();
        let raw = RawTenant {
            resource_servers,
            clients: vec![
                json!({"client_id": "sync-id", "name": "Sync", "app_type": "non_interactive"}),
            ],
            ..RawTenant::default()
        };
        let context = PlanContext {
            origin: ORIGIN.into(),
            ..PlanContext::default()
        };
        diff(
            &file,
            &normalize(&raw).unwrap(),
            ReadSet::for_tenant(&file),
            &context,
        )
    }

    fn system_api() -> serde_json::Value {
        json!({"id": "sys", "identifier": format!("{ORIGIN}/api/v2/"), "name": "Auth0 Management API", "is_system": true})
    }

    #[test]
    fn a_new_api_is_created_before_the_grant_that_names_it_by_key() {
        let plan = plan(
            json!({
                "applications": {"sync": {"name": "Sync"}},
                "apis": {"reports": {"identifier": "https://reports/", "scopes": [{"value": "read:reports"}]}},
                "grants": [{"application": "sync", "audience": "reports", "scopes": ["read:reports"]}],
            }),
            vec![system_api()],
        );
        assert!(plan.errors.is_empty(), "{:#?}", plan.errors);
        let kinds: Vec<(Kind, &str, ChangeAction)> = plan
            .pending()
            .map(|c| (c.address.kind, c.address.name.as_str(), c.action))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::Api, "https://reports/", ChangeAction::Create),
                (
                    Kind::Grant,
                    "Sync -> https://reports/",
                    ChangeAction::Create
                ),
            ]
        );
    }

    #[test]
    fn a_live_api_is_compared_field_by_field_and_the_lock_is_invisible() {
        let live = json!({"id": "rs1", "identifier": "https://reports/", "name": "Reports",
            "token_lifetime": 86400, "token_lifetime_for_web": 7200, "signing_alg": "RS256",
            "allow_offline_access": false, "skip_consent_for_verifiable_first_party_clients": false});
        let lock =
            json!({"id": "lock", "identifier": crate::live::APPLY_LOCK_IDENTIFIER, "name": "lock"});
        let plan = plan(
            json!({"apis": {"reports": {"identifier": "https://reports/", "name": "Reports", "token_lifetime": 600, "signing_alg": "RS256"}}}),
            vec![system_api(), live, lock],
        );
        let changes: Vec<_> = plan.pending().collect();
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert_eq!(changes[0].action, ChangeAction::Update);
        assert_eq!(changes[0].live_id.as_deref(), Some("rs1"));
        let paths: Vec<&str> = changes[0].fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["token_lifetime"]);
        assert!(!serde_json::to_string(&plan).unwrap().contains("apply-lock"));
    }

    #[test]
    fn an_identifier_change_is_a_destructive_replace_only_when_declared() {
        let old = json!({"id": "rs-old", "identifier": "https://old/"});
        let plan = plan(
            json!({"apis": {"reports": {"identifier": "https://new/", "renamed_from": "https://old/"}}}),
            vec![old],
        );
        let change = plan.pending().next().unwrap();
        assert_eq!(change.action, ChangeAction::Replace);
        assert!(change.destructive);
        assert_eq!(change.live_id.as_deref(), Some("rs-old"));
    }

    #[test]
    fn a_grant_to_an_unknown_api_and_changes_to_the_system_api_are_refused() {
        let plan = plan(
            json!({
                "applications": {"sync": {"name": "Sync"}},
                "apis": {"mgmt": {"identifier": format!("{ORIGIN}/api/v2/"), "name": "Mine"}},
                "grants": [{"application": "sync", "audience": "https://api.example.com/", "scopes": ["read:things"]}],
            }),
            vec![system_api()],
        );
        let refused: Vec<&str> = plan.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(refused.len(), 2, "{refused:#?}");
        assert!(refused.iter().any(|m| m.contains("Auth0's system API")));
        assert!(
            refused
                .iter()
                .any(|m| m.contains("no API `https://api.example.com/`"))
        );
    }
}
