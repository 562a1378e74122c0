//! A trigger's bindings (`PATCH /actions/triggers/{trigger}/bindings`): the whole ordered list.

use super::run::Run;
use crate::api::BindingRef;
use tenantform_core::model::Trigger;

pub(super) async fn apply(
    run: &Run<'_>,
    trigger: Trigger,
    actions: &[String],
) -> anyhow::Result<Option<String>> {
    let refs: Vec<BindingRef> = actions
        .iter()
        .map(|name| BindingRef {
            action_name: name.clone(),
            display_name: name.clone(),
        })
        .collect();
    run.client.set_bindings(trigger.as_str(), &refs).await?;
    Ok(None)
}
