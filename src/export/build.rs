//! The live tenant turned into a hand-written-looking tenant file: stable keys, only the
//! fields that differ from Auth0's defaults, code and bodies in their own files, write-only
//! values as `${VAR}` references. Pure: no network, no file system.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::defaults;
use super::kind::{ExportKind, KindSelection};
use super::skipped::{NotExported, Reason};
use super::slug::{KeyAllocator, variable_part};
use auth0_wire::email::UNRETURNED_CREDENTIALS;
use tenantform_core::live::{APPLY_LOCK_IDENTIFIER, LiveApplication, LiveTenant};
use tenantform_core::model::grant::MANAGEMENT_API;
use tenantform_core::model::{
    Action, BootstrapUser, ClientGrant, DatabaseConnection, EmailProvider, EmailProviderName,
    SecretRef, Strategy, TenantFile, Trigger,
};

/// Auth0's default database connection: exported only when something uses it.
pub const DEFAULT_CONNECTION: &str = "Username-Password-Authentication";

/// What export needs to know besides the live tenant.
#[derive(Debug, Clone)]
pub struct ExportContext {
    /// `https://DOMAIN`: grants to `{origin}/api/v2/` become `management-api`.
    pub origin: String,
    /// The client tenantform signs in with: never exported, nor its grants.
    pub own_client_id: String,
    pub kinds: KindSelection,
}

/// A file export writes beside the tenant file, relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideFile {
    pub path: String,
    pub contents: String,
}

/// An environment variable the exported file references and the user must set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportVariable {
    pub name: String,
    /// Where it is used, e.g. `email_provider.credentials.api_key`.
    pub used_by: String,
}

/// The result of an export, before anything is written.
#[derive(Debug, Clone)]
pub struct Exported {
    pub file: TenantFile,
    pub side_files: Vec<SideFile>,
    pub variables: Vec<ExportVariable>,
    /// What is not in the file and why (never dropped silently).
    pub skipped: Vec<NotExported>,
    /// What the user should know about what is in the file.
    pub notes: Vec<String>,
}

/// Turns `live` into a tenant file. `raw_users` are the user objects the reader kept (for
/// `email_verified`, which the live model does not carry).
pub fn build(live: &LiveTenant, raw_users: &[Value], context: &ExportContext) -> Exported {
    let mut builder = Builder {
        live,
        context,
        out: Exported {
            file: TenantFile::default(),
            side_files: Vec::new(),
            variables: Vec::new(),
            skipped: Vec::new(),
            notes: Vec::new(),
        },
        app_keys: HashMap::new(),
        connection_keys: HashMap::new(),
        action_keys: HashMap::new(),
    };
    let kinds = &context.kinds;
    if kinds.has(ExportKind::Tenant) {
        builder.tenant();
    }
    if kinds.has(ExportKind::Apis) {
        builder.out.file.apis = super::apis::apis(live);
        // The normalizer leaves it out, so it is not listed by the reader's answer.
        builder.skip(
            format!("the API `{APPLY_LOCK_IDENTIFIER}` (when an apply holds it)"),
            Reason::ApplyLock,
        );
    }
    if kinds.has(ExportKind::Applications) {
        builder.applications();
        if kinds.has(ExportKind::Grants) {
            builder.grants();
        }
    }
    if kinds.has(ExportKind::Connections) {
        builder.connections();
    }
    if kinds.has(ExportKind::EmailProvider) {
        builder.email_provider();
    }
    if kinds.has(ExportKind::EmailTemplates) {
        builder.email_templates();
    }
    if kinds.has(ExportKind::Actions) {
        builder.actions();
        if kinds.has(ExportKind::Triggers) {
            builder.bindings();
        }
    }
    if kinds.has(ExportKind::Users) {
        if kinds.has(ExportKind::Connections) {
            builder.users(raw_users);
        } else {
            builder.skip("users", Reason::UsersWithoutConnections);
        }
    }
    builder.out.skipped.sort();
    builder.out
}

struct Builder<'a> {
    live: &'a LiveTenant,
    context: &'a ExportContext,
    out: Exported,
    /// client_id → key under `applications`.
    app_keys: HashMap<String, String>,
    /// Auth0 connection name → key under `connections`.
    connection_keys: HashMap<String, String>,
    /// Auth0 action name → key under `actions`.
    action_keys: HashMap<String, String>,
}

impl Builder<'_> {
    fn tenant(&mut self) {
        let Some(settings) = &self.live.tenant_settings else {
            return;
        };
        let settings = defaults::without_defaults(settings, &defaults::tenant_settings(), &[]);
        if settings != tenantform_core::model::TenantSettings::default() {
            self.out.file.tenant = Some(settings);
        }
    }

    /// Applications, in display-name order so keys are the same for the same tenant.
    fn applications(&mut self) {
        let live = self.live;
        let mut apps: Vec<&LiveApplication> = Vec::new();
        for app in &live.applications {
            if app.is_global {
                self.skip(
                    format!("application `{}`", app.name()),
                    Reason::GlobalClient,
                );
                continue;
            }
            if app.client_id == self.context.own_client_id {
                self.skip(format!("application `{}`", app.name()), Reason::OwnClient);
                continue;
            }
            apps.push(app);
        }
        apps.sort_by(|a, b| (a.name(), &a.client_id).cmp(&(b.name(), &b.client_id)));
        let mut keys = KeyAllocator::default();
        let mut seen_names: IndexMap<&str, usize> = IndexMap::new();
        for app in apps {
            *seen_names.entry(app.name()).or_default() += 1;
            let key = keys.key_for(app.name(), "application");
            let default = defaults::application(app.model.app_type);
            let model = defaults::without_defaults(&app.model, &default, &["name", "app_type"]);
            self.app_keys.insert(app.client_id.clone(), key.clone());
            self.out.file.applications.insert(key, model);
        }
        for (name, count) in seen_names {
            if count > 1 {
                let name = name.to_owned();
                self.note(format!("{count} applications are named `{name}`: names identify applications, so rename all but one before you plan"));
            }
        }
    }

    fn note(&mut self, note: String) {
        self.out.notes.push(note);
    }

    fn skip(&mut self, what: impl Into<String>, reason: Reason) {
        self.out.skipped.push(NotExported::new(what, reason));
    }

    /// The display name of the client `client_id`, for messages.
    fn client_name(&self, client_id: &str) -> String {
        self.live
            .applications
            .iter()
            .find(|app| app.client_id == client_id)
            .map_or_else(|| client_id.to_owned(), |app| app.name().to_owned())
    }

    fn grants(&mut self) {
        let management_api = format!("{}/api/v2/", self.context.origin.trim_end_matches('/'));
        let mut grants: Vec<ClientGrant> = Vec::new();
        for grant in &self.live.grants {
            let skipped = if grant.is_system {
                Some(Reason::SystemGrant)
            } else if grant.audience == APPLY_LOCK_IDENTIFIER {
                Some(Reason::ApplyLock)
            } else if !self.app_keys.contains_key(&grant.client_id) {
                Some(Reason::GrantOfUnexportedApplication)
            } else {
                None
            };
            if let Some(reason) = skipped {
                let what = format!(
                    "grant `{} -> {}`",
                    self.client_name(&grant.client_id),
                    grant.audience
                );
                self.skip(what, reason);
                continue;
            }
            let audience = if grant.audience == management_api {
                MANAGEMENT_API.to_owned()
            } else {
                super::apis::audience(&self.out.file.apis, &grant.audience)
            };
            let mut scopes = grant.scopes.clone();
            scopes.sort();
            grants.push(ClientGrant {
                application: self.app_keys[&grant.client_id].clone(),
                audience,
                scopes,
            });
        }
        grants.sort_by(|a, b| (&a.application, &a.audience).cmp(&(&b.application, &b.audience)));
        self.out.file.grants = grants;
    }

    fn connections(&mut self) {
        let mut connections: Vec<_> = self
            .live
            .connections
            .iter()
            .filter(|c| Strategy::from_auth0(&c.strategy).is_some())
            .collect();
        connections.sort_by(|a, b| a.name.cmp(&b.name));
        // Not read (the reader asks for the strategies a file declares), so not listed one by one.
        self.skip(
            "enterprise and passwordless connections",
            Reason::EnterpriseConnections,
        );
        let default = defaults::connection();
        let live = self.live;
        let exported_users_in = |name: &str| {
            live.users
                .iter()
                .any(|u| u.connection == name && !u.app_metadata.is_empty())
        };
        let mut keys = KeyAllocator::default();
        for connection in connections {
            let mut enabled: Vec<String> = connection
                .enabled_client_ids
                .iter()
                .filter_map(|id| self.app_keys.get(id).cloned())
                .collect();
            enabled.sort();
            let mut model = defaults::without_defaults(&connection.model, &default, &[]);
            // The name is the identity, not a setting: it is the key or written below.
            model.name = None;
            if connection.name == DEFAULT_CONNECTION
                && enabled.is_empty()
                && model == DatabaseConnection::default()
                && !exported_users_in(&connection.name)
            {
                self.skip(
                    format!("connection `{DEFAULT_CONNECTION}`"),
                    Reason::UnusedDefaultConnection,
                );
                continue;
            }
            let key = keys.key_for(&connection.name, "connection");
            model.name = (key != connection.name).then(|| connection.name.clone());
            // Only with applications in the file: the list is relative to the declared ones.
            if self.context.kinds.has(ExportKind::Applications) {
                model.enabled_applications = Some(enabled);
            }
            super::social::reference_secret(&key, &mut model, &mut self.out.variables);
            self.connection_keys
                .insert(connection.name.clone(), key.clone());
            self.out.file.connections.insert(key, model);
        }
        self.out.file.connections.sort_keys();
    }

    fn email_provider(&mut self) {
        let Some(provider) = &self.live.email_provider else {
            return;
        };
        let Some(name) = provider.name else {
            return;
        };
        let mut model: EmailProvider =
            defaults::without_defaults(provider, &defaults::email_provider(name), &["name"]);
        let mut credentials = model.credentials.clone();
        for field in name.required_secrets() {
            let var = provider_variable(name, field);
            if let Some(slot) = credentials.secret_mut(field) {
                *slot = Some(SecretRef::reference(var.clone()));
            }
            self.out.variables.push(ExportVariable {
                name: var,
                used_by: format!("email_provider.credentials.{field}"),
            });
        }
        // Auth0 never returns these though they are no secrets: variables the user sets.
        if name == EmailProviderName::Ses {
            for field in UNRETURNED_CREDENTIALS {
                let var = provider_variable(name, field);
                if field == "access_key_id" && credentials.access_key_id.is_none() {
                    credentials.access_key_id = Some(format!("${{{var}}}"));
                }
                self.out.variables.push(ExportVariable {
                    name: var,
                    used_by: format!("email_provider.credentials.{field}"),
                });
            }
        }
        model.credentials = credentials;
        self.out.file.email_provider = Some(model);
    }

    fn email_templates(&mut self) {
        for (name, template) in &self.live.email_templates {
            let mut template = template.clone();
            let body = template.body.take().unwrap_or_default();
            let mut model = defaults::without_defaults(
                &template,
                &defaults::email_template(*name),
                &["enabled"],
            );
            if !body.is_empty() {
                let path = format!("emails/{name}.html");
                model.body_file = Some(path.clone());
                self.out.side_files.push(SideFile {
                    path,
                    contents: body,
                });
            }
            self.out.file.email_templates.insert(*name, model);
        }
        self.out.file.email_templates.sort_keys();
    }

    fn actions(&mut self) {
        let mut actions: Vec<_> = self.live.actions.iter().collect();
        actions.sort_by(|a, b| a.name.cmp(&b.name));
        let mut keys = KeyAllocator::default();
        for action in actions {
            let trigger: Option<Trigger> =
                serde_json::from_value(Value::String(action.trigger.clone())).ok();
            let Some(trigger) = trigger else {
                self.skip(
                    format!("Action `{}` (trigger `{}`)", action.name, action.trigger),
                    Reason::UnmanagedTrigger,
                );
                continue;
            };
            let key = keys.key_for(&action.name, "action");
            let code_path = format!("actions/{key}.js");
            let mut secret_names = action.secret_names.clone();
            secret_names.sort();
            let mut secrets = IndexMap::new();
            for secret in secret_names {
                let var = format!("ACTION_{}_{}", variable_part(&key), variable_part(&secret));
                self.out.variables.push(ExportVariable {
                    name: var.clone(),
                    used_by: format!("actions.{key}.secrets.{secret}"),
                });
                secrets.insert(secret, SecretRef::reference(var));
            }
            let model = Action {
                name: Some(action.name.clone()),
                trigger: (trigger != defaults::ACTION_TRIGGER).then_some(trigger),
                code: Some(code_path.clone()),
                runtime: (action.runtime != defaults::ACTION_RUNTIME)
                    .then(|| action.runtime.clone()),
                dependencies: action.dependencies.clone(),
                secrets,
                source: None,
            };
            if !action.all_changes_deployed {
                self.note(format!("Action `{}`: the exported code is the live draft, which is not deployed (a plan will show the deployment)", action.name));
            }
            self.out.side_files.push(SideFile {
                path: code_path,
                contents: action.code.clone(),
            });
            self.action_keys.insert(action.name.clone(), key.clone());
            self.out.file.actions.insert(key, model);
        }
    }

    fn bindings(&mut self) {
        for (trigger, names) in &self.live.bindings {
            if names.is_empty() {
                continue;
            }
            let keys: Option<Vec<String>> = names
                .iter()
                .map(|name| self.action_keys.get(name).cloned())
                .collect();
            match keys {
                Some(keys) => {
                    self.out.file.bindings.insert(*trigger, keys);
                }
                None => self.skip(
                    format!("the `{trigger}` bindings"),
                    Reason::BindingOfUnexportedAction,
                ),
            }
        }
        self.out.file.bindings.sort_keys();
    }

    /// Users with app_metadata in an exported connection, by email.
    fn users(&mut self, raw_users: &[Value]) {
        // Not read, so not listed one by one.
        self.skip(
            "users without app_metadata",
            Reason::UsersWithoutAppMetadata,
        );
        let mut users: Vec<BootstrapUser> = Vec::new();
        for user in self
            .live
            .users
            .iter()
            .filter(|u| !u.app_metadata.is_empty())
        {
            let Some(connection) = self.connection_keys.get(&user.connection).cloned() else {
                self.skip(
                    format!("user `{}` (connection `{}`)", user.email, user.connection),
                    Reason::UserInUnexportedConnection,
                );
                continue;
            };
            let raw = raw_users
                .iter()
                .find(|raw| raw["user_id"] == user.user_id.as_str());
            let verified = raw
                .and_then(|raw| raw["email_verified"].as_bool())
                .unwrap_or(false);
            // Auth0 names a user by their email when created without a name.
            let name = raw
                .and_then(|raw| raw["name"].as_str())
                .filter(|name| *name != user.email);
            users.push(BootstrapUser {
                email: user.email.clone(),
                connection,
                name: name.map(str::to_owned),
                email_verified: verified.then_some(true),
                app_metadata: sorted(&user.app_metadata),
            });
        }
        users.sort_by_key(|user| user.email.to_lowercase());
        let mut kept: Vec<BootstrapUser> = Vec::new();
        for user in users {
            if kept
                .last()
                .is_some_and(|last| last.email.eq_ignore_ascii_case(&user.email))
            {
                self.skip(
                    format!("user `{}` in `{}`", user.email, user.connection),
                    Reason::DuplicateUserEmail,
                );
            } else {
                kept.push(user);
            }
        }
        self.out.file.users = kept;
    }
}

/// The generated variable for a provider's secret credential: `SMTP_PASS` for SMTP,
/// `<PROVIDER>_<FIELD>` otherwise (`MAILGUN_API_KEY`, `SES_SECRET_ACCESS_KEY`).
pub fn provider_variable(name: EmailProviderName, field: &str) -> String {
    if name == EmailProviderName::Smtp && field == "smtp_pass" {
        "SMTP_PASS".to_owned()
    } else {
        format!(
            "{}_{}",
            variable_part(name.as_str()),
            field.to_ascii_uppercase()
        )
    }
}

/// app_metadata with keys in order, so two exports of equal users are equal.
fn sorted(map: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
