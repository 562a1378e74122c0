//! Deletes: only what `removed:` lists, only with `--allow-delete`, never protected resources.

use super::Planner;
use crate::plan::model::{Address, Change, ChangeAction, Kind};

impl Planner<'_> {
    pub(super) fn removals(&mut self) {
        let removed = &self.file.removed;
        for name in &removed.actions {
            if let Some(live) = self.live.action_named(name) {
                let address = Address::new(Kind::Action, name);
                self.delete(
                    address,
                    live.id.clone(),
                    false,
                    "listed under removed.actions",
                );
            }
        }
        for name in &removed.connections {
            if let Some(live) = self.live.connection_named(name) {
                let address = Address::new(Kind::Connection, name);
                self.delete(
                    address,
                    live.id.clone(),
                    true,
                    "listed under removed.connections; deletes ALL its users",
                );
            }
        }
        for grant in &removed.grants {
            let audience = self
                .file
                .audience_identifier(&grant.audience, &self.context.origin);
            let address = Address::new(Kind::Grant, format!("{} -> {audience}", grant.application));
            for app in self.index.applications_named(&grant.application) {
                let Some(live) = self.index.grant(&app.client_id, &audience) else {
                    continue;
                };
                if live.is_system {
                    self.refuse(
                        &address,
                        "this is an Auth0 system grant (`is_system`); tenantform never deletes it",
                    );
                } else if let Some(why) = self.protected(app) {
                    self.refuse(
                        &address,
                        format!("the grant belongs to {why}; tenantform never deletes it"),
                    );
                } else {
                    self.delete(
                        address.clone(),
                        live.id.clone(),
                        false,
                        "listed under removed.grants",
                    );
                }
            }
        }
        for identifier in &removed.apis {
            let Some(live) = self.live.api(identifier) else {
                continue;
            };
            let address = Address::new(Kind::Api, identifier);
            if live.is_system {
                self.refuse(
                    &address,
                    "this is Auth0's system API; tenantform never deletes it",
                );
            } else {
                self.delete(
                    address,
                    live.id.clone(),
                    true,
                    "listed under removed.apis; its grants go with it and tokens for it stop working",
                );
            }
        }
        for name in &removed.applications {
            let address = Address::new(Kind::Application, name);
            for app in self.index.applications_named(name) {
                if let Some(why) = self.protected(app) {
                    self.refuse(
                        &address,
                        format!("`{name}` is {why}; tenantform never deletes it"),
                    );
                } else {
                    self.delete(
                        address.clone(),
                        app.client_id.clone(),
                        true,
                        "listed under removed.applications; its credentials stop working",
                    );
                }
            }
        }
    }

    fn delete(&mut self, address: Address, live_id: String, destructive: bool, reason: &str) {
        if !self.context.allow_delete {
            self.note(
                &address,
                None,
                "listed under `removed:` but not deleted: pass --allow-delete to delete it",
            );
            return;
        }
        self.changes.push(Change {
            address,
            action: ChangeAction::Delete,
            live_id: Some(live_id),
            fields: Vec::new(),
            reason: reason.to_owned(),
            destructive,
            desired: None,
        });
    }
}
