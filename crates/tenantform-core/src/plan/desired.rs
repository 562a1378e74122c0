//! What apply sends for a change: the desired values with every file-local reference
//! resolved to Auth0 names, so a saved plan is executable without the tenant file. Tenant
//! settings have none: apply sends their changed fields' `after` values.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{
    Action, Api, Application, DatabaseConnection, EmailProvider, EmailTemplate, TemplateName,
    Trigger,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Desired {
    /// Only declared fields are set; on update apply PATCHes the fields listed in the change.
    Application { application: Application },
    /// Only declared fields are set, `identifier` always; on update apply PATCHes the fields
    /// listed in the change.
    Api { api: Api },
    /// `application` is the display name; `audience` is resolved (no `management-api`, no
    /// key of a declared API).
    Grant {
        application: String,
        audience: String,
        scopes: Vec<String>,
    },
    /// The declared options; apply merges them into the live options
    /// (`live::merge_options`) because PATCH replaces `options` whole.
    Connection {
        connection: DatabaseConnection,
        /// The enablements apply changes, by application display name: for a new connection
        /// the applications to enable, for an existing one those whose enablement differs
        /// from the live one (so the plan grows with its changes, not with applications x
        /// connections). `None` when the file does not manage enablement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enabled_clients: Option<Vec<ClientEnablement>>,
    },
    /// Secrets are `${VAR}` references.
    EmailProvider { provider: EmailProvider },
    /// `body` holds the body (read from `body_file` at load time).
    EmailTemplate {
        template: TemplateName,
        value: EmailTemplate,
    },
    /// `code` is the source to upload; secrets are `${VAR}` references. Apply builds and
    /// deploys after creating or updating.
    Action {
        action: Action,
        code: String,
        trigger: Trigger,
        runtime: String,
        /// Re-send secret values (on create, on `--force-secrets`, or when names changed).
        send_secrets: bool,
    },
    /// The whole ordered list of bound action names.
    Bindings {
        trigger: Trigger,
        actions: Vec<String>,
    },
    /// A user to create, or the app_metadata keys to merge into an existing one.
    User {
        email: String,
        /// The Auth0 connection name.
        connection: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email_verified: Option<bool>,
        app_metadata: Map<String, Value>,
    },
}

/// Whether a connection should be enabled for an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEnablement {
    /// The application's display name (apply looks up its client_id).
    pub application: String,
    pub enabled: bool,
}
