//! The live tenant's applications by name and grants by application, indexed once per diff:
//! the diff looks them up for every declared application, grant and connection, and a scan
//! each time makes a large tenant's plan quadratic (declared x live).

use std::collections::HashMap;

use crate::live::{LiveApplication, LiveGrant, LiveTenant};

pub(super) struct LiveIndex<'a> {
    applications_by_name: HashMap<&'a str, Vec<&'a LiveApplication>>,
    grants_by_client: HashMap<&'a str, Vec<&'a LiveGrant>>,
}

impl<'a> LiveIndex<'a> {
    pub(super) fn new(live: &'a LiveTenant) -> Self {
        let mut applications_by_name: HashMap<&str, Vec<&LiveApplication>> = HashMap::new();
        for app in &live.applications {
            applications_by_name
                .entry(app.name())
                .or_default()
                .push(app);
        }
        let mut grants_by_client: HashMap<&str, Vec<&LiveGrant>> = HashMap::new();
        for grant in &live.grants {
            grants_by_client
                .entry(grant.client_id.as_str())
                .or_default()
                .push(grant);
        }
        Self {
            applications_by_name,
            grants_by_client,
        }
    }

    /// Every live application with this display name, in the order Auth0 listed them (more
    /// than one is ambiguous).
    pub(super) fn applications_named(&self, name: &str) -> &[&'a LiveApplication] {
        self.applications_by_name
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// The first live grant of `client_id` to `audience`.
    pub(super) fn grant(&self, client_id: &str, audience: &str) -> Option<&'a LiveGrant> {
        self.grants_by_client
            .get(client_id)?
            .iter()
            .copied()
            .find(|grant| grant.audience == audience)
    }
}
