//! The email provider (the singleton `/emails/provider`): created, or updated with its complete
//! credentials (Auth0 replaces them).

use super::bodies;
use super::create::create_once;
use super::run::{Run, adopted};
use super::secrets;
use tenantform_core::model::EmailProvider;
use tenantform_core::plan::{Change, ChangeAction};

pub(super) async fn apply(
    run: &Run<'_>,
    change: &Change,
    provider: &EmailProvider,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    // Auth0 replaces the credentials whole: every secret goes with any write.
    secrets::require(provider.credentials.secrets().into_iter().map(|(_, s)| s))?;
    let body = bodies::email_provider(provider)?;
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        let created = create_once(
            async || client.create_email_provider(&body).await,
            async || client.get_email_provider().await,
        )
        .await?;
        if created.adopted {
            client.update_email_provider(&body).await?;
        }
        Ok(adopted(&created))
    } else {
        client.update_email_provider(&body).await?;
        Ok(None)
    }
}
