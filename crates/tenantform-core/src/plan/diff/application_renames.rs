//! Renamed applications. An Auth0 application's name is mutable, so `renamed_from` plans an
//! update of the same client (client_id, credentials, grants and connections kept), not a
//! replace as for connections. A new name without `renamed_from` while an unmanaged live
//! application has a similar name is most likely a rename the file forgot to say: the plan
//! warns, naming both, rather than quietly creating a second application.

use serde_json::json;

use super::Planner;
use super::fields::diff_declared;
use crate::live::LiveApplication;
use crate::model::Application;
use crate::plan::desired::Desired;
use crate::plan::model::{Address, Change, ChangeAction, FieldChange};

/// Fields of an application that are not compared with the live client.
pub(super) const NOT_COMPARED: &[&str] = &["name", "renamed_from"];

impl<'a> Planner<'a> {
    /// The live application `key` is renamed from: its new name is not live yet and exactly
    /// one live application has the old name.
    pub(super) fn renamed_application(&self, key: &str) -> Option<&'a LiveApplication> {
        let old = self.file.applications.get(key)?.renamed_from.as_deref()?;
        match self.index.applications_named(old) {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The update that renames `old` to the declared name and sets the declared fields.
    pub(super) fn rename_application(
        &mut self,
        address: Address,
        declared: &Application,
        old: &LiveApplication,
        desired: Desired,
    ) {
        if let Some(why) = self.protected(old) {
            self.refuse(
                &address,
                format!("`{}` is {why}; tenantform never renames it", old.name()),
            );
            return;
        }
        let mut fields = vec![FieldChange {
            path: "name".into(),
            before: json!(old.name()),
            after: json!(address.name),
            write_only: false,
        }];
        fields.extend(diff_declared("", declared, &old.model, NOT_COMPARED));
        self.changes.push(Change {
            reason: format!(
                "renamed from `{}`: the same application ({}) under a new name, its credentials, grants and connections kept",
                old.name(),
                old.client_id
            ),
            address,
            action: ChangeAction::Update,
            live_id: Some(old.client_id.clone()),
            fields,
            destructive: false,
            desired: Some(desired),
        });
    }

    /// Before creating `name`: a warning when an unmanaged live application has a similar
    /// name (a rename without `renamed_from` would leave the old one, still enabled on its
    /// connections).
    pub(super) fn warn_of_similar_application(&mut self, address: &Address, name: &str) {
        // The similar live names first: the list of managed names is built only when there is
        // one (building it for every create made a 10,000-application plan quadratic).
        let candidates: Vec<String> = self
            .live
            .applications
            .iter()
            .filter(|live| self.protected(live).is_none() && similar_names(live.name(), name))
            .map(|live| live.name().to_owned())
            .collect();
        if candidates.is_empty() {
            return;
        }
        let managed = self.managed_application_names();
        let similar: Vec<String> = candidates
            .into_iter()
            .filter(|live| !managed.contains(live))
            .collect();
        for old in similar {
            self.note(
                address,
                None,
                format!(
                    "`{name}` will be created while the live application `{old}`, which the file does \
                     not manage, has a similar name: if `{old}` was renamed, add `renamed_from: {old}` \
                     so it is renamed in place (otherwise it stays, with its grants and connections)"
                ),
            );
        }
    }
}

/// Whether two display names are close: equal ignoring case, spaces and punctuation, or at
/// most a quarter of the longer one apart in edits, or one containing the other.
pub(super) fn similar_names(a: &str, b: &str) -> bool {
    let simplify = |text: &str| -> Vec<char> {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (simplify(a), simplify(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let contains = |long: &[char], short: &[char]| {
        short.len() >= 4 && long.windows(short.len()).any(|w| w == short)
    };
    if contains(&a, &b) || contains(&b, &a) {
        return true;
    }
    edit_distance(&a, &b) * 4 <= a.len().max(b.len())
}

/// Levenshtein distance.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::similar_names;

    #[test]
    fn similar_names_are_renames_not_strangers() {
        assert!(similar_names(
            "Reporting Dashboard",
            "Reporting Dashboard (prod)"
        ));
        assert!(similar_names("Acme Dashbord", "Acme Dashboard"));
        assert!(similar_names("acme-dashboard", "Acme Dashboard"));
        assert!(!similar_names("Nightly Sync", "Partner Portal"));
        assert!(!similar_names("App", "Api"));
    }
}
