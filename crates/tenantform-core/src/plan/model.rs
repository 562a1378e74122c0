//! The plan: pure data, serialized as the versioned JSON schema documented in `crate::plan`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::desired::{ClientEnablement, Desired};
use crate::live::ReadSet;

/// The version of the plan JSON format. Bumped on any incompatible change (the history is in
/// `crate::plan`).
pub const FORMAT_VERSION: u32 = 3;

/// Everything `apply` needs to make the tenant match the file, and nothing secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    /// The tenant the plan was computed against (`https://acme.auth0.com`).
    pub origin: String,
    /// Changes in apply order; no-ops included so apply and reviewers see what was compared.
    pub changes: Vec<Change>,
    /// Live resources the file does not manage (only with `--show-unmanaged`).
    pub unmanaged: Vec<Address>,
    /// Things the plan cannot see or will not do, e.g. write-only values.
    pub notes: Vec<Note>,
    /// Changes the file asks for that tenantform refuses: a plan with errors must not be applied.
    pub errors: Vec<Note>,
    /// What was read: apply re-reads exactly this to recompute the fingerprint.
    pub read_set: ReadSet,
    /// sha256 of the canonical JSON of the live state the plan depends on.
    pub live_fingerprint: String,
}

/// One resource's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: ChangeAction,
    /// The live Auth0 id (client_id, connection id, ...) when the resource exists. For a
    /// replace, the id of the resource that is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_id: Option<String>,
    /// Field-level differences (for a create, every declared field with `before: null`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Why, in words.
    pub reason: String,
    /// Loses data (users of a connection, a deleted client's credentials).
    #[serde(default)]
    pub destructive: bool,
    /// The desired state apply sends (absent for deletes, no-ops and tenant settings, whose
    /// `fields` say it all). Secrets appear only as `${VAR}` references and are read from the
    /// environment at apply time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<Desired>,
}

impl Change {
    pub fn is_noop(&self) -> bool {
        self.action == ChangeAction::NoOp
    }

    /// A connection change's enablements to send (every view may list them): empty for other
    /// kinds and when the file does not manage enablement.
    pub fn enablement_changes(&self) -> &[ClientEnablement] {
        match &self.desired {
            Some(Desired::Connection {
                enabled_clients: Some(changes),
                ..
            }) => changes,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    /// Delete and create (a connection rename): destructive.
    Replace,
    Delete,
    NoOp,
}

impl ChangeAction {
    /// The `terraform plan` symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            ChangeAction::Create => "+",
            ChangeAction::Update => "~",
            ChangeAction::Replace => "-/+",
            ChangeAction::Delete => "-",
            ChangeAction::NoOp => " ",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Replace => "replace",
            ChangeAction::Delete => "delete",
            ChangeAction::NoOp => "no-op",
        }
    }
}

/// A resource by kind and stable name (never an Auth0 id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Address {
    pub kind: Kind,
    /// Application display name, API identifier, connection name, action name, template name, user email,
    /// `<application name> -> <audience>` for a grant, the trigger for bindings, `tenant` for
    /// settings, `provider` for the email provider.
    pub name: String,
}

impl Address {
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for Address {
    /// One form for every name (`application["dashboard"]`, `application["My Web App"]`), so an
    /// address reads the same in every output and can be searched for.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{:?}]", self.kind.as_str(), self.name)
    }
}

/// Resource kinds, in apply order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Application,
    /// Before grants: a grant to a custom API needs the API.
    Api,
    Grant,
    Connection,
    TenantSettings,
    EmailProvider,
    EmailTemplate,
    Action,
    Bindings,
    User,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Api => "api",
            Kind::Grant => "grant",
            Kind::Connection => "connection",
            Kind::TenantSettings => "tenant_settings",
            Kind::EmailProvider => "email_provider",
            Kind::EmailTemplate => "email_template",
            Kind::Action => "action",
            Kind::Bindings => "bindings",
            Kind::User => "user",
        }
    }
}

/// One field's difference. Paths are dotted (`callbacks`, `flags.enable_client_connections`,
/// `options.disable_signup`, `app_metadata.roles`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub path: String,
    /// `null` when absent (or on create).
    pub before: Value,
    pub after: Value,
    /// A write-only value: `before` is unknown (`null`), `after` is a `${VAR}` reference.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
}

/// A remark about a resource (a note or a refusal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

/// How many changes of each action a plan has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
}

impl Summary {
    pub fn total(self) -> usize {
        self.create + self.update + self.replace + self.delete
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total() == 0 {
            return f.write_str("No changes. The tenant matches the file.");
        }
        // A replace both creates and deletes, as in `terraform plan`.
        write!(
            f,
            "Plan: {} to create, {} to update, {} to delete.",
            self.create + self.replace,
            self.update,
            self.delete + self.replace
        )
    }
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                ChangeAction::Create => summary.create += 1,
                ChangeAction::Update => summary.update += 1,
                ChangeAction::Replace => summary.replace += 1,
                ChangeAction::Delete => summary.delete += 1,
                ChangeAction::NoOp => {}
            }
        }
        summary
    }

    /// Whether applying would change anything (for `--detailed-exitcode`).
    pub fn has_changes(&self) -> bool {
        self.summary().total() > 0
    }

    /// Whether the plan carries refusals (the command exits 1 before any write).
    pub fn is_refused(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn pending(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.is_noop())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_is_written_in_one_form() {
        assert_eq!(
            Address::new(Kind::Application, "dashboard").to_string(),
            r#"application["dashboard"]"#
        );
        assert_eq!(
            Address::new(Kind::Application, "My Web App").to_string(),
            r#"application["My Web App"]"#
        );
    }
}
