//! `diff`: the desired tenant file against the live tenant, into a [`Plan`]. Pure.

mod actions;
mod api;
mod application_renames;
mod applications;
mod connections;
mod email;
pub(crate) mod fields;
mod live_index;
mod matched_applications;
mod removed;
mod settings;
mod unmanaged;
mod users;

use crate::live::{LiveApplication, LiveTenant, ReadSet};
use crate::model::TenantFile;

use super::context::PlanContext;
use super::desired::Desired;
use super::fingerprint::live_fingerprint;
use super::model::{Address, Change, ChangeAction, FORMAT_VERSION, FieldChange, Note, Plan};
use live_index::LiveIndex;
use matched_applications::MatchedApplications;

/// Plans the changes that make `live` match `desired`. Changes come in apply order:
/// applications, APIs, grants, connections (+ enabled clients), tenant settings, email provider,
/// templates, actions, bindings, users, then deletes (actions, connections, grants, APIs,
/// applications).
///
/// `read_set` is what was read to get `live` ([`ReadSet::for_tenant`] of `desired`); the plan
/// keeps it, with the fingerprint of `live` over it, so `apply --plan` can re-read the same
/// parts without the tenant file.
pub fn diff(
    desired: &TenantFile,
    live: &LiveTenant,
    read_set: ReadSet,
    context: &PlanContext,
) -> Plan {
    let index = LiveIndex::new(live);
    let mut planner = Planner {
        file: desired,
        live,
        index: &index,
        matched: MatchedApplications::default(),
        context,
        changes: Vec::new(),
        notes: Vec::new(),
        errors: Vec::new(),
    };
    planner.matched = MatchedApplications::new(desired.applications.keys().filter_map(|key| {
        planner
            .find_live_application(key)
            .map(|app| (key.as_str(), app))
    }));
    planner.applications();
    planner.apis();
    planner.grants();
    planner.connections();
    planner.tenant_settings();
    planner.email_provider();
    planner.email_templates();
    planner.actions();
    planner.bindings();
    planner.users();
    planner.removals();
    let unmanaged = if context.show_unmanaged {
        planner.unmanaged()
    } else {
        Vec::new()
    };
    let live_fingerprint = live_fingerprint(live, &read_set, &context.origin);
    Plan {
        format_version: FORMAT_VERSION,
        origin: context.origin.clone(),
        changes: planner.changes,
        unmanaged,
        notes: planner.notes,
        errors: planner.errors,
        read_set,
        live_fingerprint,
    }
}

/// The state of one diff run.
struct Planner<'a> {
    file: &'a TenantFile,
    live: &'a LiveTenant,
    /// Lookups into `live` by name and by application.
    index: &'a LiveIndex<'a>,
    /// The live application of each declared key ([`Planner::find_live_application`]).
    matched: MatchedApplications<'a>,
    context: &'a PlanContext,
    changes: Vec<Change>,
    notes: Vec<Note>,
    errors: Vec<Note>,
}

impl<'a> Planner<'a> {
    /// The display name of the application declared under `key`.
    fn application_name(&self, key: &str) -> String {
        self.file
            .applications
            .get(key)
            .and_then(|app| app.name.clone())
            .unwrap_or_else(|| key.to_owned())
    }

    /// The live names the file's applications manage: each one's name and, for a renamed
    /// one, the old name it is being renamed from.
    fn managed_application_names(&self) -> Vec<String> {
        self.file
            .applications
            .iter()
            .flat_map(|(key, app)| {
                std::iter::once(self.application_name(key)).chain(app.renamed_from.clone())
            })
            .collect()
    }

    /// The live application of the file's `key`.
    fn live_application(&self, key: &str) -> Option<&'a LiveApplication> {
        self.matched.live(key)
    }

    /// The live application of the file's `key`, when exactly one has its name (or, not live
    /// under it yet, exactly one has the name it is renamed from).
    fn find_live_application(&self, key: &str) -> Option<&'a LiveApplication> {
        match self.index.applications_named(&self.application_name(key)) {
            [one] => Some(one),
            [] => self.renamed_application(key),
            _ => None,
        }
    }

    /// Why tenantform must never touch this client, if so.
    fn protected(&self, app: &LiveApplication) -> Option<&'static str> {
        if app.is_global {
            Some("the tenant's global client")
        } else if self.context.own_client_id.as_deref() == Some(app.client_id.as_str()) {
            Some("the client tenantform itself signs in with")
        } else {
            None
        }
    }

    fn note(&mut self, address: &Address, path: Option<&str>, message: impl Into<String>) {
        self.notes.push(Note {
            address: address.clone(),
            path: path.map(str::to_owned),
            message: message.into(),
        });
    }

    fn refuse(&mut self, address: &Address, message: impl Into<String>) {
        self.errors.push(Note {
            address: address.clone(),
            path: None,
            message: message.into(),
        });
    }

    /// Records a create, or an update / no-op depending on `fields`.
    fn create(&mut self, address: Address, fields: Vec<FieldChange>, desired: Desired) {
        self.changes.push(Change {
            address,
            action: ChangeAction::Create,
            live_id: None,
            fields,
            reason: "not in the live tenant".to_owned(),
            destructive: false,
            desired: Some(desired),
        });
    }

    fn update_or_noop(
        &mut self,
        address: Address,
        live_id: Option<String>,
        fields: Vec<FieldChange>,
        desired: Desired,
    ) {
        self.record_update_or_noop(address, live_id, fields, Some(desired));
    }

    /// An update carrying `desired` (when the kind has one), or a no-op when `fields` is empty.
    fn record_update_or_noop(
        &mut self,
        address: Address,
        live_id: Option<String>,
        fields: Vec<FieldChange>,
        desired: Option<Desired>,
    ) {
        let (action, reason, desired) = if fields.is_empty() {
            (ChangeAction::NoOp, "matches the file".to_owned(), None)
        } else {
            let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
            (
                ChangeAction::Update,
                format!("differs in {}", paths.join(", ")),
                desired,
            )
        };
        self.changes.push(Change {
            address,
            action,
            live_id,
            fields,
            reason,
            destructive: false,
            desired,
        });
    }
}

/// Secret-bearing fields as changes: write-only, no `before` (Auth0 never returns the value),
/// and as `after` their `${VAR}` reference, never the value.
fn write_only(fields: Vec<crate::model::secrets::SecretField<'_>>) -> Vec<FieldChange> {
    fields
        .into_iter()
        .map(|field| FieldChange {
            path: field.path,
            before: serde_json::Value::Null,
            after: serde_json::json!(field.secret),
            write_only: true,
        })
        .collect()
}
