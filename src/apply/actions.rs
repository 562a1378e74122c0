//! Actions (`/actions/actions`): created or PATCHed, then built and deployed (polling the
//! build); found by name the way planning finds them. Secrets go with a digest of their values
//! ([`ActionDigest`]): re-sending the values the deployed version already has (as
//! `--force-secrets` does at every run) sends nothing and deploys nothing.

use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::Value;

use super::bodies;
use super::create::{create_once, outcome_unknown};
use super::run::{Run, adopted, existing_id, id_of};
use super::secrets::{self, ActionDigest};
use crate::api::read_tenant::read_tenant;
use crate::api::{ApiError, ManagementClient};
use tenantform_core::live::ReadSet;
use tenantform_core::model::{Action, Trigger};
use tenantform_core::plan::{Change, ChangeAction};

/// How long an Action may take to build before apply gives up.
const BUILD_DEADLINE: Duration = Duration::from_secs(120);

/// What the plan says to send for one Action.
pub(super) struct Source<'a> {
    pub action: &'a Action,
    pub code: &'a str,
    pub trigger: Trigger,
    pub runtime: &'a str,
    pub send_secrets: bool,
}

pub(super) async fn apply(
    run: &Run<'_>,
    change: &Change,
    source: Source<'_>,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let name = change.address.name.as_str();
    let sends_secrets = source.send_secrets && !source.action.secrets.is_empty();
    if sends_secrets {
        secrets::require(source.action.secrets.values())?;
    }
    let key = &client.settings().client_secret;
    let digest = sends_secrets.then(|| ActionDigest::new(key, name, source.action));
    let mut detail = None;
    let id = if change.action == ChangeAction::Create {
        let mut body = bodies::action_create(
            name,
            source.action,
            source.code,
            source.trigger,
            source.runtime,
        )?;
        if let Some(digest) = &digest {
            // The first deploy is version 1.
            digest.add_to(&mut body, 1);
        }
        let created = create_once(
            async || client.create_action(&body).await,
            async || find(client, name).await,
        )
        .await?;
        detail = adopted(&created);
        id_of(&created.body, "id")?
    } else {
        let id = existing_id(
            change.live_id.as_ref(),
            async || find(client, name).await,
            "id",
            "action",
        )
        .await?;
        let others = bodies::action_patch(
            source.action,
            source.code,
            source.trigger,
            source.runtime,
            false,
            &change.fields,
        )?;
        let body = match &digest {
            None => others,
            Some(digest) => {
                let live = client.get_action(&id).await?;
                if others.is_none() && digest.is_deployed_in(&live) {
                    // Re-sending the values the deployed version has would only add a version.
                    return Ok(Some(format!(
                        "nothing sent: the deployed version {} has these secret values already",
                        secrets::deployed_version(&live).unwrap_or_default()
                    )));
                }
                let mut body = bodies::action_patch(
                    source.action,
                    source.code,
                    source.trigger,
                    source.runtime,
                    true,
                    &change.fields,
                )?;
                if let Some(body) = &mut body {
                    // This PATCH is deployed next, as the version after the deployed one.
                    let next = secrets::deployed_version(&live).unwrap_or_default() + 1;
                    digest.add_to(body, next);
                }
                body
            }
        };
        if let Some(body) = body {
            client.update_action(&id, &body).await?;
        }
        id
    };
    let version = build_and_deploy(client, &id).await?;
    let deployed = format!("built, deployed version {version}");
    Ok(Some(
        detail.map_or(deployed.clone(), |d| format!("{d}; {deployed}")),
    ))
}

/// Polls until the draft is `built` (backoff 100 ms doubling to 2 s), then deploys it.
async fn build_and_deploy(client: &ManagementClient, id: &str) -> anyhow::Result<String> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(100);
    loop {
        let body = client.get_action(id).await?;
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
        match client.deploy_action(id).await {
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

/// The Action named `name`: the reader's lookup, as planning makes it.
async fn find(client: &ManagementClient, name: &str) -> Result<Option<Value>, ApiError> {
    let reads = ReadSet {
        actions: vec![name.to_owned()],
        ..ReadSet::default()
    };
    Ok(read_tenant(client, &reads)
        .await?
        .actions
        .into_iter()
        .next())
}
