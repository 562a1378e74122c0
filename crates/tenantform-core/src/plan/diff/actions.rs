//! Actions: code, runtime, trigger, dependencies, secrets (write-only values), deployment.

use serde_json::{Value, json};

use super::{Planner, write_only};
use crate::plan::desired::Desired;
use crate::plan::model::{Address, Change, ChangeAction, FieldChange, Kind};

impl Planner<'_> {
    pub(super) fn actions(&mut self) {
        for (key, action) in &self.file.actions {
            let name = action.auth0_name(key).to_owned();
            let address = Address::new(Kind::Action, &name);
            let code = action.source.clone().unwrap_or_default();
            let trigger = action.trigger();
            let runtime = action.runtime().to_owned();
            let secret_names: Vec<&String> = action.secrets.keys().collect();
            let secret_fields = write_only(action.secret_fields());
            // The source travels as `code`; `source` is not serialized.
            let mut action_value = action.clone();
            action_value.source = None;
            let mut desired = Desired::Action {
                action: action_value,
                code: code.clone(),
                trigger,
                runtime: runtime.clone(),
                send_secrets: true,
            };
            let Some(live) = self.live.action_named(&name) else {
                let mut fields = vec![
                    field("code", Value::Null, json!(code)),
                    field("trigger", Value::Null, json!(trigger)),
                    field("runtime", Value::Null, json!(runtime)),
                ];
                if !action.dependencies.is_empty() {
                    fields.push(field(
                        "dependencies",
                        Value::Null,
                        json!(action.dependencies),
                    ));
                }
                fields.extend(secret_fields);
                self.create(address, fields, desired);
                continue;
            };
            let mut fields = Vec::new();
            if live.code != code {
                fields.push(field("code", json!(live.code), json!(code)));
            }
            if live.trigger != trigger.as_str() {
                fields.push(field("trigger", json!(live.trigger), json!(trigger)));
            }
            if live.runtime != runtime {
                fields.push(field("runtime", json!(live.runtime), json!(runtime)));
            }
            if !action.dependencies.is_empty() && live.dependencies != action.dependencies {
                fields.push(field(
                    "dependencies",
                    json!(live.dependencies),
                    json!(action.dependencies),
                ));
            }
            let mut live_names: Vec<&String> = live.secret_names.iter().collect();
            let mut wanted = secret_names.clone();
            live_names.sort();
            wanted.sort();
            let names_differ = !action.secrets.is_empty() && live_names != wanted;
            if names_differ {
                fields.push(field("secret_names", json!(live_names), json!(wanted)));
            }
            let send_secrets = names_differ || self.context.force_secrets;
            if send_secrets {
                fields.extend(secret_fields);
            } else {
                for secret in &secret_fields {
                    self.note(&address, Some(&secret.path), "cannot be compared (write-only): Auth0 never returns it; --force-secrets re-sends it");
                }
            }
            if let Desired::Action {
                send_secrets: send, ..
            } = &mut desired
            {
                *send = send_secrets;
            }
            if fields.is_empty() && !live.all_changes_deployed {
                fields.push(field("deployed", json!(false), json!(true)));
                self.changes.push(Change {
                    address,
                    action: ChangeAction::Update,
                    live_id: Some(live.id.clone()),
                    fields,
                    reason: "the live draft has changes that are not deployed".into(),
                    destructive: false,
                    desired: Some(desired),
                });
                continue;
            }
            self.update_or_noop(address, Some(live.id.clone()), fields, desired);
        }
    }
}

fn field(path: &str, before: Value, after: Value) -> FieldChange {
    FieldChange {
        path: path.into(),
        before,
        after,
        write_only: false,
    }
}
