//! Tenant settings and Action bindings.

use serde_json::json;

use super::Planner;
use super::fields::diff_declared;
use crate::plan::desired::Desired;
use crate::plan::model::{Address, FieldChange, Kind};

impl Planner<'_> {
    pub(super) fn tenant_settings(&mut self) {
        let Some(settings) = &self.file.tenant else {
            return;
        };
        let live = self.live.tenant_settings.clone().unwrap_or_default();
        let fields = diff_declared("", settings, &live, &[]);
        // Apply sends the changed leaves (`fields[].after`): no desired value.
        self.record_update_or_noop(
            Address::new(Kind::TenantSettings, "tenant"),
            None,
            fields,
            None,
        );
    }

    pub(super) fn bindings(&mut self) {
        for (trigger, keys) in &self.file.bindings {
            let actions: Vec<String> = keys
                .iter()
                .map(|key| {
                    self.file
                        .actions
                        .get(key)
                        .map_or(key.as_str(), |action| action.auth0_name(key))
                        .to_owned()
                })
                .collect();
            let live = self.live.bindings.get(trigger).cloned().unwrap_or_default();
            let mut fields = Vec::new();
            // Bindings run in order: the list is compared as a list.
            if live != actions {
                fields.push(FieldChange {
                    path: "actions".into(),
                    before: json!(live),
                    after: json!(actions),
                    write_only: false,
                });
            }
            let desired = Desired::Bindings {
                trigger: *trigger,
                actions,
            };
            self.update_or_noop(
                Address::new(Kind::Bindings, trigger.as_str()),
                None,
                fields,
                desired,
            );
        }
    }
}
