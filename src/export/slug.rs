//! Stable file keys from display names: `Acme Reporting Dashboard` → `acme-reporting-dashboard`.

use std::collections::HashSet;

/// Lower-case ASCII letters and digits, every other run of characters a single `-`.
/// `fallback` is used when nothing is left (a name of only symbols).
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug
    }
}

/// Hands out keys unique within one section: the second `dashboard` becomes `dashboard-2`.
/// Callers feed names in a deterministic order, so the same tenant gets the same keys.
#[derive(Debug, Default)]
pub struct KeyAllocator {
    taken: HashSet<String>,
}

impl KeyAllocator {
    pub fn key_for(&mut self, name: &str, fallback: &str) -> String {
        let base = slugify(name, fallback);
        let mut key = base.clone();
        let mut n = 2;
        while !self.taken.insert(key.clone()) {
            key = format!("{base}-{n}");
            n += 1;
        }
        key
    }
}

/// An environment variable name part: `post-login verification` → `POST_LOGIN_VERIFICATION`.
pub fn variable_part(text: &str) -> String {
    slugify(text, "X").replace('-', "_").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_and_dashed() {
        assert_eq!(
            slugify("Acme Reporting Dashboard", "app"),
            "acme-reporting-dashboard"
        );
        assert_eq!(slugify("  M2M (admin) -- API ", "app"), "m2m-admin-api");
        assert_eq!(slugify("Ünïcode ✓", "app"), "n-code");
        assert_eq!(slugify("!!!", "app"), "app");
    }

    #[test]
    fn duplicates_get_a_numeric_suffix() {
        let mut keys = KeyAllocator::default();
        assert_eq!(keys.key_for("Dashboard", "app"), "dashboard");
        assert_eq!(keys.key_for("dashboard", "app"), "dashboard-2");
        assert_eq!(keys.key_for("Dashboard!", "app"), "dashboard-3");
        assert_eq!(keys.key_for("dashboard-2", "app"), "dashboard-2-2");
    }

    #[test]
    fn variable_parts() {
        assert_eq!(
            variable_part("Post-Login verification"),
            "POST_LOGIN_VERIFICATION"
        );
        assert_eq!(variable_part("apiKey"), "APIKEY");
    }
}
