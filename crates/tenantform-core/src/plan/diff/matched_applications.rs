//! Each declared application's live application, matched once per diff and kept both ways:
//! grants and connections ask for the live client of a declared key, and a connection's
//! enabled client ids are turned back into declared keys. Looking each up anew made a
//! connection's enablements cost a scan of every declared application.

use std::collections::HashMap;

use crate::live::LiveApplication;

#[derive(Default)]
pub(super) struct MatchedApplications<'a> {
    by_key: HashMap<&'a str, &'a LiveApplication>,
    key_by_client_id: HashMap<&'a str, &'a str>,
}

impl<'a> MatchedApplications<'a> {
    /// From the declared keys that have a live application.
    pub(super) fn new(matches: impl IntoIterator<Item = (&'a str, &'a LiveApplication)>) -> Self {
        let mut all = Self::default();
        for (key, app) in matches {
            all.by_key.insert(key, app);
            all.key_by_client_id.insert(app.client_id.as_str(), key);
        }
        all
    }

    /// The live application of the declared `key`.
    pub(super) fn live(&self, key: &str) -> Option<&'a LiveApplication> {
        self.by_key.get(key).copied()
    }

    /// The declared key whose live application has `client_id`.
    pub(super) fn key_of(&self, client_id: &str) -> Option<&'a str> {
        self.key_by_client_id.get(client_id).copied()
    }
}
