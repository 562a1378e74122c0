//! Live resources the file does not manage (listed with `--show-unmanaged`, never changed).

use super::Planner;
use crate::plan::model::{Address, Kind};

impl Planner<'_> {
    pub(super) fn unmanaged(&self) -> Vec<Address> {
        let managed_apps = self.managed_application_names();
        let mut found = Vec::new();
        for app in &self.live.applications {
            if !managed_apps.iter().any(|name| name == app.name()) {
                found.push(Address::new(Kind::Application, app.name()));
            }
        }
        for grant in &self.live.grants {
            let owner = self
                .live
                .application_by_id(&grant.client_id)
                .map_or(grant.client_id.as_str(), |app| app.name());
            let managed = self.file.grants.iter().any(|g| {
                self.application_name(&g.application) == owner
                    && self
                        .file
                        .audience_identifier(&g.audience, &self.context.origin)
                        == grant.audience
            });
            if !managed {
                found.push(Address::new(
                    Kind::Grant,
                    format!("{owner} -> {}", grant.audience),
                ));
            }
        }
        for connection in &self.live.connections {
            let managed = self
                .file
                .connections
                .iter()
                .any(|(key, c)| c.auth0_name(key) == connection.name);
            if !managed {
                found.push(Address::new(Kind::Connection, &connection.name));
            }
        }
        for action in &self.live.actions {
            let managed = self
                .file
                .actions
                .iter()
                .any(|(key, a)| a.auth0_name(key) == action.name);
            if !managed {
                found.push(Address::new(Kind::Action, &action.name));
            }
        }
        found.sort();
        found
    }
}
