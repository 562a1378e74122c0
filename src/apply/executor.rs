//! Runs a plan's changes in order against the Management API.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use rand::Rng as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};

use super::bodies;
use super::create::{Created, create_once, outcome_unknown};
use super::options::ApplyOptions;
use super::report::{ApplyError, ApplyEvent, ApplyReport, Failure, Ticket};
use super::safety::{Protected, refusals};
use super::secrets::missing_secrets;
use crate::api::{
    ActionFilter, ApiError, BindingRef, ConnectionFilter, FieldSelection, GrantFilter,
    ManagementClient,
};
use tenantform_core::live::merge_options;
use tenantform_core::model::{Action, DatabaseConnection, Trigger};
use tenantform_core::plan::{Change, ChangeAction, ClientEnablement, Desired, Kind, Plan};

/// How long an Action may take to build before apply gives up.
const BUILD_DEADLINE: Duration = Duration::from_secs(120);

/// Executes `plan` (already confirmed by the user). Refuses before any write when the plan
/// is unsafe or a secret is missing; otherwise runs every pending change in order and stops
/// at the first failure. `on_event` sees each change start and end.
pub async fn execute(
    client: &ManagementClient,
    plan: &Plan,
    options: ApplyOptions,
    on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync),
) -> Result<ApplyReport, ApplyError> {
    if !plan.has_changes() {
        // Nothing to send, so nothing to read: the plan's own refusals still count.
        let refused = refusals(plan, options, &Protected::default());
        return if refused.is_empty() {
            Ok(ApplyReport::default())
        } else {
            Err(ApplyError::Refused(refused))
        };
    }
    let missing = missing_secrets(plan);
    if !missing.is_empty() {
        return Err(ApplyError::MissingSecrets(missing));
    }
    // The tenant as it is now decides what is protected, not the (possibly old) plan.
    let clients = client
        .list_clients(&FieldSelection::include(["client_id", "name", "global"]))
        .await?;
    let grants = client.list_client_grants(&GrantFilter::default()).await?;
    let protected = Protected::from_live(client.own_client_id(), &clients, &grants);
    let refused = refusals(plan, options, &protected);
    if !refused.is_empty() {
        return Err(ApplyError::Refused(refused));
    }

    let mut run = Run {
        client,
        client_ids: HashMap::new(),
        tickets: Vec::new(),
    };
    for live in &clients {
        if let (Some(id), Some(name)) = (
            live.get("client_id").and_then(Value::as_str),
            live.get("name").and_then(Value::as_str),
        ) {
            run.client_ids
                .entry(name.to_owned())
                .or_insert_with(|| id.to_owned());
        }
    }

    let mut report = ApplyReport::default();
    let pending: Vec<&Change> = plan.pending().collect();
    for (index, change) in pending.iter().enumerate() {
        on_event(&ApplyEvent::Started(change));
        match run.apply(change).await {
            Ok(detail) => {
                report.applied.push(change.address.clone());
                on_event(&ApplyEvent::Applied(change, detail));
                for ticket in run.tickets.drain(..) {
                    on_event(&ApplyEvent::Ticket(&ticket));
                    report.tickets.push(ticket);
                }
            }
            Err(error) => {
                let message = format!("{error:#}");
                on_event(&ApplyEvent::Failed(change, &message));
                report.failed = Some(Failure {
                    address: change.address.clone(),
                    message,
                });
                report.pending = pending[index + 1..]
                    .iter()
                    .map(|c| c.address.clone())
                    .collect();
                break;
            }
        }
    }
    Ok(report)
}

/// The state of one run: ids learned on the way.
struct Run<'a> {
    client: &'a ManagementClient,
    /// Display name -> client_id, from the live list and from creates in this run.
    client_ids: HashMap<String, String>,
    tickets: Vec<Ticket>,
}

fn id_of(body: &Value, key: &str) -> anyhow::Result<String> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the answer has no `{key}`"))
}

fn adopted(created: &Created) -> Option<String> {
    created
        .adopted
        .then(|| "found it already created (an earlier answer was lost); adopted it".to_owned())
}

impl Run<'_> {
    async fn apply(&mut self, change: &Change) -> anyhow::Result<Option<String>> {
        if change.action == ChangeAction::Delete {
            return self.delete(change).await;
        }
        let desired = change
            .desired
            .as_ref()
            .ok_or_else(|| anyhow!("the plan has no desired value for this change"))?;
        let create = matches!(change.action, ChangeAction::Create | ChangeAction::Replace);
        match desired {
            Desired::Application { application } => {
                if create {
                    let body = bodies::application_create(application);
                    let created = create_once(
                        async || self.client.create_client(&body).await,
                        async || self.find_client(&change.address.name).await,
                    )
                    .await?;
                    let id = id_of(&created.body, "client_id")?;
                    if created.adopted {
                        let mut patch = body.clone();
                        if let Some(fields) = patch.as_object_mut() {
                            fields.remove("name");
                        }
                        self.client.update_client(&id, &patch).await?;
                    }
                    self.client_ids.insert(change.address.name.clone(), id);
                    Ok(adopted(&created))
                } else {
                    let id = self
                        .client_id(change.live_id.as_deref(), &change.address.name)
                        .await?;
                    let body = bodies::application_patch(application, &change.fields);
                    self.client.update_client(&id, &body).await?;
                    Ok(None)
                }
            }
            Desired::Grant {
                application,
                audience,
                scopes,
            } => {
                let client_id = self.client_id(None, application).await?;
                if create {
                    let body =
                        json!({"client_id": client_id, "audience": audience, "scope": scopes});
                    let created = create_once(
                        async || self.client.create_client_grant(&body).await,
                        async || self.find_grant(&client_id, audience).await,
                    )
                    .await?;
                    if created.adopted {
                        let id = id_of(&created.body, "id")?;
                        self.client.update_client_grant_scope(&id, scopes).await?;
                    }
                    Ok(adopted(&created))
                } else {
                    let id = if let Some(id) = &change.live_id {
                        id.clone()
                    } else {
                        let found = self.find_grant(&client_id, audience).await?;
                        id_of(&found.context("the grant no longer exists")?, "id")?
                    };
                    self.client.update_client_grant_scope(&id, scopes).await?;
                    Ok(None)
                }
            }
            Desired::Connection {
                connection,
                enabled_clients,
            } => {
                self.connection(change, connection, enabled_clients.as_deref())
                    .await
            }
            Desired::TenantSettings { .. } => {
                let body = bodies::nested_patch(&change.fields);
                self.client.update_tenant_settings(&body).await?;
                Ok(None)
            }
            Desired::EmailProvider { provider } => {
                let body = bodies::email_provider(provider);
                if create {
                    let created = create_once(
                        async || self.client.create_email_provider(&body).await,
                        async || self.client.get_email_provider().await,
                    )
                    .await?;
                    if created.adopted {
                        self.client.update_email_provider(&body).await?;
                    }
                    Ok(adopted(&created))
                } else {
                    self.client.update_email_provider(&body).await?;
                    Ok(None)
                }
            }
            Desired::EmailTemplate { template, value } => {
                let name = template.as_str();
                if create {
                    let body = bodies::template_create(*template, value);
                    let created = create_once(
                        async || self.client.create_email_template(&body).await,
                        async || self.client.get_email_template(name).await,
                    )
                    .await?;
                    if created.adopted {
                        let patch = bodies::template_patch(value, &[]);
                        self.client.update_email_template(name, &patch).await?;
                    }
                    Ok(adopted(&created))
                } else {
                    let body = bodies::template_patch(value, &change.fields);
                    self.client.update_email_template(name, &body).await?;
                    Ok(None)
                }
            }
            Desired::Action {
                action,
                code,
                trigger,
                runtime,
                send_secrets,
            } => {
                self.action(change, action, code, *trigger, runtime, *send_secrets)
                    .await
            }
            Desired::Bindings { trigger, actions } => {
                let refs: Vec<BindingRef> = actions
                    .iter()
                    .map(|name| BindingRef {
                        action_name: name.clone(),
                        display_name: name.clone(),
                    })
                    .collect();
                self.client.set_bindings(trigger.as_str(), &refs).await?;
                Ok(None)
            }
            Desired::User {
                email,
                connection,
                name,
                email_verified,
                app_metadata,
            } => {
                if create {
                    self.create_user(
                        email,
                        connection,
                        name.as_deref(),
                        *email_verified,
                        app_metadata,
                    )
                    .await
                } else {
                    let id = match &change.live_id {
                        Some(id) => id.clone(),
                        None => id_of(
                            &self
                                .find_user(email)
                                .await?
                                .context("the user no longer exists")?,
                            "user_id",
                        )?,
                    };
                    self.client
                        .update_user(&id, &json!({ "app_metadata": app_metadata }))
                        .await?;
                    Ok(None)
                }
            }
        }
    }

    async fn delete(&mut self, change: &Change) -> anyhow::Result<Option<String>> {
        let id = change
            .live_id
            .as_deref()
            .ok_or_else(|| anyhow!("the plan has no id to delete"))?;
        let result = match change.address.kind {
            Kind::Application => self.client.delete_client(id).await,
            Kind::Grant => self.client.delete_client_grant(id).await,
            Kind::Connection => self.client.delete_connection(id).await,
            Kind::Action => self.client.delete_action(id).await,
            other => bail!("tenantform does not delete {}", other.as_str()),
        };
        match result {
            // Already gone (a retried delete whose first answer was lost).
            Err(error) if error.is_not_found() => Ok(Some("was already gone".into())),
            other => other.map(|()| None).map_err(Into::into),
        }
    }

    async fn connection(
        &mut self,
        change: &Change,
        connection: &DatabaseConnection,
        enabled: Option<&[ClientEnablement]>,
    ) -> anyhow::Result<Option<String>> {
        let name = connection
            .name
            .clone()
            .unwrap_or_else(|| change.address.name.clone());
        let mut detail = None;
        let id = match change.action {
            ChangeAction::Create | ChangeAction::Replace => {
                if change.action == ChangeAction::Replace
                    && let Some(old) = &change.live_id
                {
                    self.client.delete_connection(old).await?;
                }
                let body = bodies::connection_create(connection, &name);
                let created = create_once(
                    async || self.client.create_connection(&body).await,
                    async || self.find_connection(&name).await,
                )
                .await?;
                detail = adopted(&created);
                id_of(&created.body, "id")?
            }
            _ => {
                let id = match &change.live_id {
                    Some(id) => id.clone(),
                    None => id_of(
                        &self
                            .find_connection(&name)
                            .await?
                            .context("the connection no longer exists")?,
                        "id",
                    )?,
                };
                if change.fields.iter().any(|f| f.path.starts_with("options.")) {
                    // PATCH replaces `options` whole: merge into what is live right now.
                    let live = self.client.get_connection(&id).await?;
                    let options =
                        merge_options(live.get("options").unwrap_or(&Value::Null), connection);
                    self.client
                        .update_connection(&id, &json!({ "options": options }))
                        .await?;
                }
                id
            }
        };
        let enablement_changed = change.action != ChangeAction::Update
            || change
                .fields
                .iter()
                .any(|f| f.path == "enabled_applications");
        if let Some(enabled) = enabled
            && enablement_changed
        {
            let mut changes = Vec::new();
            for entry in enabled {
                // A new connection starts enabled for nobody: only enabling is a change.
                if entry.enabled || change.action == ChangeAction::Update {
                    changes.push((
                        self.client_id(None, &entry.application).await?,
                        entry.enabled,
                    ));
                }
            }
            if !changes.is_empty() {
                self.client.set_enabled_clients(&id, &changes).await?;
            }
        }
        Ok(detail)
    }

    async fn action(
        &mut self,
        change: &Change,
        action: &Action,
        code: &str,
        trigger: Trigger,
        runtime: &str,
        send_secrets: bool,
    ) -> anyhow::Result<Option<String>> {
        let name = change.address.name.as_str();
        let mut detail = None;
        let id = if change.action == ChangeAction::Create {
            let body = bodies::action_create(name, action, code, trigger, runtime);
            let created = create_once(
                async || self.client.create_action(&body).await,
                async || self.find_action(name).await,
            )
            .await?;
            detail = adopted(&created);
            id_of(&created.body, "id")?
        } else {
            let id = match &change.live_id {
                Some(id) => id.clone(),
                None => id_of(
                    &self
                        .find_action(name)
                        .await?
                        .context("the action no longer exists")?,
                    "id",
                )?,
            };
            if let Some(body) =
                bodies::action_patch(action, code, trigger, runtime, send_secrets, &change.fields)
            {
                self.client.update_action(&id, &body).await?;
            }
            id
        };
        let version = self.build_and_deploy(&id).await?;
        let deployed = format!("built, deployed version {version}");
        Ok(Some(
            detail.map_or(deployed.clone(), |d| format!("{d}; {deployed}")),
        ))
    }

    /// Polls until the draft is `built` (backoff 100 ms doubling to 2 s), then deploys it.
    async fn build_and_deploy(&self, id: &str) -> anyhow::Result<String> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(100);
        loop {
            let body = self.client.get_action(id).await?;
            match body
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
            {
                "built" => break,
                "failed" => bail!("the action failed to build: {}", build_error(&body)),
                status => {
                    if started.elapsed() > BUILD_DEADLINE {
                        bail!(
                            "the action is still `{status}` after {}s; run apply again later",
                            BUILD_DEADLINE.as_secs()
                        );
                    }
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(2));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.client.deploy_action(id).await {
                Ok(version) => {
                    return Ok(version
                        .get("number")
                        .map_or_else(|| "?".to_owned(), ToString::to_string));
                }
                // Deploying twice only adds a version: retrying a lost answer is safe.
                Err(error) if outcome_unknown(&error) && attempt < 4 => {
                    tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    async fn create_user(
        &mut self,
        email: &str,
        connection: &str,
        name: Option<&str>,
        email_verified: Option<bool>,
        app_metadata: &serde_json::Map<String, Value>,
    ) -> anyhow::Result<Option<String>> {
        // Auth0 requires a password for database users. Nobody ever sees this one: the admin
        // sets their own through the password-change ticket below.
        let password = random_password();
        let mut body = json!({
            "connection": connection,
            "email": email,
            "password": password.expose_secret(),
            "verify_email": false,
            "app_metadata": app_metadata,
        });
        if let Some(verified) = email_verified {
            body["email_verified"] = json!(verified);
        }
        if let Some(name) = name {
            body["name"] = json!(name);
        }
        let created = create_once(
            async || self.client.create_user(&body).await,
            async || self.find_user(email).await,
        )
        .await?;
        drop(body);
        let user_id = id_of(&created.body, "user_id")?;
        let ticket_body =
            json!({"user_id": user_id, "mark_email_as_verified": email_verified.unwrap_or(false)});
        let mut attempt = 0;
        let ticket = loop {
            attempt += 1;
            match self
                .client
                .create_password_change_ticket(&ticket_body)
                .await
            {
                Ok(answer) => break answer,
                // Another ticket is harmless; a lost answer is retried.
                Err(error) if outcome_unknown(&error) && attempt < 4 => {}
                Err(error) => {
                    return Err(anyhow::Error::new(error).context(
                        "created the user, but could not create a password-change ticket",
                    ));
                }
            }
        };
        self.tickets.push(Ticket {
            email: email.to_owned(),
            url: id_of(&ticket, "ticket")?,
        });
        Ok(adopted(&created))
    }

    /// The client_id of the application with this display name.
    async fn client_id(&mut self, live_id: Option<&str>, name: &str) -> anyhow::Result<String> {
        if let Some(id) = live_id {
            return Ok(id.to_owned());
        }
        if let Some(id) = self.client_ids.get(name) {
            return Ok(id.clone());
        }
        let found = self
            .find_client(name)
            .await?
            .with_context(|| format!("no application named `{name}` exists in the tenant"))?;
        let id = id_of(&found, "client_id")?;
        self.client_ids.insert(name.to_owned(), id.clone());
        Ok(id)
    }

    async fn find_client(&self, name: &str) -> Result<Option<Value>, ApiError> {
        let clients = self
            .client
            .list_clients(&FieldSelection::include(["client_id", "name"]))
            .await?;
        Ok(clients
            .into_iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name)))
    }

    async fn find_grant(&self, client_id: &str, audience: &str) -> Result<Option<Value>, ApiError> {
        let filter = GrantFilter {
            client_id: Some(client_id.to_owned()),
            audience: Some(audience.to_owned()),
        };
        Ok(self
            .client
            .list_client_grants(&filter)
            .await?
            .into_iter()
            .find(|g| {
                g.get("client_id").and_then(Value::as_str) == Some(client_id)
                    && g.get("audience").and_then(Value::as_str) == Some(audience)
            }))
    }

    async fn find_connection(&self, name: &str) -> Result<Option<Value>, ApiError> {
        let filter = ConnectionFilter {
            strategy: None,
            name: Some(name.to_owned()),
        };
        Ok(self
            .client
            .list_connections(&filter)
            .await?
            .into_iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name)))
    }

    async fn find_action(&self, name: &str) -> Result<Option<Value>, ApiError> {
        let filter = ActionFilter {
            action_name: Some(name.to_owned()),
            trigger_id: None,
        };
        Ok(self
            .client
            .list_actions(&filter)
            .await?
            .into_iter()
            .find(|a| a.get("name").and_then(Value::as_str) == Some(name)))
    }

    async fn find_user(&self, email: &str) -> Result<Option<Value>, ApiError> {
        Ok(self.client.users_by_email(email).await?.into_iter().next())
    }
}

/// Auth0's words about a failed build (`errors[].msg` or `message`), else the status.
fn build_error(body: &Value) -> String {
    let messages: Vec<&str> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    e.get("msg")
                        .or_else(|| e.get("message"))
                        .and_then(Value::as_str)
                })
                .collect()
        })
        .unwrap_or_default();
    if messages.is_empty() {
        body.get("message")
            .and_then(Value::as_str)
            .unwrap_or("status `failed` with no message")
            .to_owned()
    } else {
        messages.join("; ")
    }
}

/// 48 random characters from every class Auth0's password policies ask for.
fn random_password() -> SecretString {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*-_=+";
    let mut rng = rand::rng();
    let mut password: String = (0..44)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect();
    password.push_str("aZ7!");
    SecretString::from(password)
}
