//! The secret values tests plant, and the check that they never appear in any output.
//!
//! A test puts a sentinel where a real secret would be (an environment variable, a value
//! seeded into the tenant, a render input) and asserts it never reaches what a person or a log
//! can see: stdout, stderr, saved plans, exported files, error messages. [`Cli::run`] checks
//! the stdout and stderr of every run against all of them; tests check files and messages
//! with [`assert_absent`]. Each value is unmistakable, so a hit is a leak, never a coincidence.
//!
//! [`Cli::run`]: super::Cli::run

/// `MAILGUN_API_KEY` for tenantform runs against the example tenant ([`super::Cli::sentinels`]).
pub const MAILGUN_API_KEY: &str = "sentinel-mailgun-key-4f1e9c";

/// The M2M client secret the scripted Auth0 servers of `api::` expect at their token endpoint.
pub const M2M_CLIENT_SECRET: &str = "sentinel-client-secret-3f9a";

/// Write-only values seeded into the tenant that `export::` exports: the Mailgun key, an
/// Action secret and a user's password.
pub const SEEDED_MAILGUN_KEY: &str = "sentinel-seeded-mailgun-key-8d2b";
pub const SEEDED_ACTION_SECRET: &str = "sentinel-seeded-audit-token-61ce";
pub const SEEDED_PASSWORD: &str = "Sentinel-Seeded-Passw0rd!-0a7f";

/// The client secrets `render::` renders.
pub const DASHBOARD_CLIENT_SECRET: &str = "sentinel-dashboard-client-secret-5b90";
pub const RENDER_M2M_CLIENT_SECRET: &str = "sentinel-render-m2m-secret-c3e4";

/// A secret that looks like a `${VAR}` reference: render refuses it without showing any of
/// it, so its [`SECRET_WITH_PLACEHOLDER_STEM`] (the part before `${`) must not appear either.
pub const SECRET_WITH_PLACEHOLDER: &str = "sentinel-placeholder-secret-${PATH}";
pub const SECRET_WITH_PLACEHOLDER_STEM: &str = "sentinel-placeholder-secret";

/// The demo's own stand-in Mailgun key (`src/commands/demo.rs`): the demo never prints it.
pub const DEMO_MAILGUN_KEY: &str = "demo-mailgun-key-not-a-real-one";

/// Every sentinel, by name.
pub const ALL: &[(&str, &str)] = &[
    ("MAILGUN_API_KEY", MAILGUN_API_KEY),
    ("M2M_CLIENT_SECRET", M2M_CLIENT_SECRET),
    ("SEEDED_MAILGUN_KEY", SEEDED_MAILGUN_KEY),
    ("SEEDED_ACTION_SECRET", SEEDED_ACTION_SECRET),
    ("SEEDED_PASSWORD", SEEDED_PASSWORD),
    ("DASHBOARD_CLIENT_SECRET", DASHBOARD_CLIENT_SECRET),
    ("RENDER_M2M_CLIENT_SECRET", RENDER_M2M_CLIENT_SECRET),
    ("SECRET_WITH_PLACEHOLDER", SECRET_WITH_PLACEHOLDER_STEM),
    ("DEMO_MAILGUN_KEY", DEMO_MAILGUN_KEY),
];

/// The name of the first sentinel found in `text`.
pub fn find(text: &str) -> Option<&'static str> {
    ALL.iter()
        .find(|(_, value)| text.contains(value))
        .map(|(name, _)| *name)
}

/// Fails, naming the sentinel and `what` held it, if any sentinel is in `text`.
#[track_caller]
pub fn assert_absent(what: &str, text: &str) {
    if let Some(name) = find(text) {
        panic!(
            "the sentinel secret {name} leaked into {what}:\n{}",
            mark(text)
        );
    }
}

/// `text` with every sentinel replaced by a marker naming it (for failure messages).
pub fn mark(text: &str) -> String {
    ALL.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(value, &format!("<<LEAKED {name}>>"))
    })
}
