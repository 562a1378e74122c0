//! Email templates (`/email-templates/{name}`): created with Auth0's required fields, or
//! PATCHed with the changed ones (templates cannot be deleted; they are disabled).

use super::bodies;
use super::create::create_once;
use super::run::{Run, adopted};
use tenantform_core::model::{EmailTemplate, TemplateName};
use tenantform_core::plan::{Change, ChangeAction};

pub(super) async fn apply(
    run: &Run<'_>,
    change: &Change,
    template: TemplateName,
    value: &EmailTemplate,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let name = template.as_str();
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        let body = bodies::template_create(template, value);
        let created = create_once(
            async || client.create_email_template(&body).await,
            async || client.get_email_template(name).await,
        )
        .await?;
        if created.adopted {
            let patch = bodies::template_patch(value, &[]);
            client.update_email_template(name, &patch).await?;
        }
        Ok(adopted(&created))
    } else {
        let body = bodies::template_patch(value, &change.fields);
        client.update_email_template(name, &body).await?;
        Ok(None)
    }
}
