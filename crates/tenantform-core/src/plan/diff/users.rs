//! Bootstrap users: created when missing; declared app_metadata keys kept set.

use serde_json::{Map, Value, json};

use super::Planner;
use crate::plan::desired::Desired;
use crate::plan::model::{Address, FieldChange, Kind};

impl Planner<'_> {
    pub(super) fn users(&mut self) {
        for user in &self.file.users {
            let connection = self
                .file
                .connections
                .get(&user.connection)
                .map_or(user.connection.as_str(), |c| c.auth0_name(&user.connection))
                .to_owned();
            let address = Address::new(Kind::User, &user.email);
            // The address keeps the file's spelling; the lookup is by the stored one.
            let Some(live) = self.live.user_by_email(&user.stored_email()) else {
                let mut fields = vec![FieldChange {
                    path: "connection".into(),
                    before: Value::Null,
                    after: json!(connection),
                    write_only: false,
                }];
                if let Some(verified) = user.email_verified {
                    fields.push(created("email_verified", json!(verified)));
                }
                for (key, value) in &user.app_metadata {
                    fields.push(created(&format!("app_metadata.{key}"), value.clone()));
                }
                let desired = Desired::User {
                    email: user.email.clone(),
                    connection,
                    name: user.name.clone(),
                    email_verified: user.email_verified,
                    app_metadata: user.app_metadata.clone(),
                };
                self.create(address, fields, desired);
                continue;
            };
            if live.connection != connection {
                self.note(
                    &address,
                    Some("connection"),
                    format!("the user exists in `{}`, not `{connection}`; tenantform does not move users", live.connection),
                );
            }
            let mut fields = Vec::new();
            let mut changed = Map::new();
            // Keys the file does not declare are left alone (never deleted).
            for (key, value) in &user.app_metadata {
                let before = live.app_metadata.get(key).cloned().unwrap_or(Value::Null);
                if &before != value {
                    fields.push(FieldChange {
                        path: format!("app_metadata.{key}"),
                        before,
                        after: value.clone(),
                        write_only: false,
                    });
                    changed.insert(key.clone(), value.clone());
                }
            }
            let desired = Desired::User {
                email: user.email.clone(),
                connection,
                name: None,
                email_verified: None,
                app_metadata: changed,
            };
            self.update_or_noop(address, Some(live.user_id.clone()), fields, desired);
        }
    }
}

fn created(path: &str, after: Value) -> FieldChange {
    FieldChange {
        path: path.into(),
        before: Value::Null,
        after,
        write_only: false,
    }
}
