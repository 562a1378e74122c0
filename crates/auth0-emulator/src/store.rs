//! The tenant's whole state, pure: no IO, no clock beyond timestamps, no HTTP. Routes turn
//! requests into calls on it; the state file serializes it.

use auth0_wire::shape::{overlay_object, to_object};
use indexmap::IndexMap;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub type Obj = Map<String, Value>;

/// The Management API's scope catalogue as a fresh tenant has it (132 scopes, taken from the
/// recorded system resource server).
pub use auth0_wire::scopes::MANAGEMENT_API_SCOPES_JSON;

pub const DEFAULT_CONNECTION: &str = "Username-Password-Authentication";

/// An Action with what Auth0 keeps but never returns (secret values) and its build in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredAction {
    pub body: Obj,
    pub secret_values: IndexMap<String, String>,
    #[serde(default)]
    pub build: Option<Build>,
    pub versions: Vec<Obj>,
}

/// A build Auth0 runs in the background after a write: its status follows the clock, not the
/// reads, so a client that only retries the deploy (as the Deploy CLI does) sees it finish.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Build {
    /// Milliseconds since the Unix epoch on the tenant's clock ([`Store::now_ms`]).
    pub started_ms: i64,
    /// An unresolvable dependency: the build ends `failed` instead of `built`.
    pub fails: bool,
}

impl Build {
    /// The status after `elapsed_ms` of a build that takes `build_ms`: `pending` for its first
    /// quarter, then `building` (`retrying` in the last quarter of a failing build), then
    /// `built` or `failed`. Recorded: `pending` in the create response, `building` on reads
    /// ~0.1 s and ~0.25 s later, `built` ~0.4 s after create (TestActionManager_Bindings).
    pub fn status(self, elapsed_ms: i64, build_ms: i64) -> &'static str {
        if elapsed_ms >= build_ms {
            if self.fails { "failed" } else { "built" }
        } else if elapsed_ms * 4 < build_ms {
            "pending"
        } else if self.fails && elapsed_ms * 4 >= build_ms * 3 {
            "retrying"
        } else {
            "building"
        }
    }
}

impl StoredAction {
    /// A change to code, dependencies, runtime or secrets starts a new build at `now_ms`; the
    /// write's own response says `pending`.
    pub fn start_build(&mut self, now_ms: i64) {
        let fails = self
            .body
            .get("dependencies")
            .and_then(Value::as_array)
            .is_some_and(|deps| {
                deps.iter().any(|dep| {
                    is_unresolvable_dependency(
                        dep.get("name").and_then(Value::as_str).unwrap_or(""),
                        dep.get("version").and_then(Value::as_str).unwrap_or(""),
                    )
                })
            });
        self.body.insert("status".into(), json!("pending"));
        self.build = Some(Build {
            started_ms: now_ms,
            fails,
        });
    }

    /// Brings `status` up to date with the clock. Once built, the dependencies are what was
    /// installed: Auth0 drops the `registry_url` it echoed while the build was pending
    /// (recorded in TestActionManager_Bindings).
    pub fn settle(&mut self, now_ms: i64, build_ms: i64) {
        let Some(build) = self.build else {
            return;
        };
        let status = build.status(now_ms - build.started_ms, build_ms);
        if status == "built"
            && let Some(Value::Array(dependencies)) = self.body.get_mut("dependencies")
        {
            for dependency in dependencies.iter_mut().filter_map(Value::as_object_mut) {
                dependency.shift_remove("registry_url");
            }
        }
        if matches!(status, "built" | "failed") {
            self.build = None;
        }
        self.body.insert("status".into(), json!(status));
    }

    pub fn status(&self) -> &str {
        self.body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("pending")
    }
}

/// The emulator cannot ask npm, so a dependency fails to resolve only when it could never be
/// installed:
/// - an invalid package name (empty, spaces, a leading `.` or `_`, characters npm rejects) or
///   one that says it does not exist;
/// - a version that is neither a dist-tag like `latest` nor a semver version or caret/tilde
///   range (`1.2.3`, `^4.17.0`, `1.x`, `2.0.0-beta.1`);
/// - a Node core module name pinned to a Node-release-like major (>= 10), as in the recorded
///   `crypto@17.7.1`: the npm packages of those names (placeholders and browser shims such as
///   `crypto`, `buffer`, `events`, `util`) never published such majors, while ordinary
///   versions of them (`buffer@6.0.3`, `events@3.3.0`) do resolve.
pub fn is_unresolvable_dependency(name: &str, version: &str) -> bool {
    const CORE_MODULES: &[&str] = &[
        "assert",
        "buffer",
        "child_process",
        "cluster",
        "crypto",
        "dgram",
        "dns",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "net",
        "os",
        "path",
        "process",
        "querystring",
        "readline",
        "stream",
        "string_decoder",
        "timers",
        "tls",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "zlib",
    ];
    let major = version
        .trim_start_matches(['^', '~', '='])
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    !is_valid_package_name(name)
        || name.contains("does-not-exist")
        || name.contains("nonexistent")
        || !is_valid_version(version)
        || (CORE_MODULES.contains(&name) && major.is_some_and(|m| m >= 10))
}

/// npm's rules for a package name, `@scope/name` included (legacy upper case is allowed).
fn is_valid_package_name(name: &str) -> bool {
    let bare = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, rest)) if !scope.is_empty() => rest,
            _ => return false,
        },
        None => name,
    };
    !bare.is_empty()
        && name.len() <= 214
        && !bare.starts_with(['.', '_'])
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
}

/// A dist-tag (`latest`, `next`) or a semver version, optionally `^`/`~`-prefixed, with `x`
/// wildcards, a pre-release and build metadata.
fn is_valid_version(version: &str) -> bool {
    let version = version.trim();
    if version.is_empty() {
        return false;
    }
    if version.chars().all(|c| c.is_ascii_lowercase()) {
        return true;
    }
    let core = version.trim_start_matches(['^', '~', '=']);
    let (core, build) = core.split_once('+').unwrap_or((core, ""));
    let (core, pre) = core.split_once('-').unwrap_or((core, ""));
    let tag_ok = |s: &str| {
        s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            matches!(*p, "x" | "X" | "*")
                || (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        })
        && (pre.is_empty() || tag_ok(pre))
        && (build.is_empty() || tag_ok(build))
}

/// A binding of an Action to a trigger, in its ordered list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredBinding {
    pub id: String,
    pub action_id: String,
    pub display_name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A database user; the password is kept only as a salted hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredUser {
    pub profile: Obj,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Store {
    /// `http://HOST:PORT` the tenant was created under (ids that embed it are rebased on load).
    pub domain: String,
    pub tenant_name: String,
    /// Key the access tokens are signed with (kept so tokens survive a restart).
    pub token_key: String,
    pub m2m_client_id: String,
    pub clients: IndexMap<String, Obj>,
    pub client_grants: IndexMap<String, Obj>,
    pub connections: IndexMap<String, Obj>,
    pub resource_servers: IndexMap<String, Obj>,
    pub actions: IndexMap<String, StoredAction>,
    pub bindings: IndexMap<String, Vec<StoredBinding>>,
    pub users: IndexMap<String, StoredUser>,
    pub roles: IndexMap<String, Obj>,
    pub email_templates: IndexMap<String, Obj>,
    pub email_provider: Option<Obj>,
    pub tenant_settings: Obj,
    /// PKCS#8 PEM of the RSA key ID tokens are signed with; made on the first login.
    #[serde(default)]
    pub oidc_signing_key: Option<String>,
    /// Password-change tickets not used yet, by ticket id.
    #[serde(default)]
    pub password_tickets: IndexMap<String, PasswordTicket>,
    /// The tenant's clock: how long an Action build takes and how far tests moved time on.
    #[serde(skip)]
    pub clock: Clock,
}

/// What `POST /tickets/password-change` promised: the page at the ticket URL sets the
/// user's password once, before `expires_at` (epoch seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordTicket {
    pub user_id: String,
    pub expires_at: i64,
    pub result_url: Option<String>,
    pub mark_email_as_verified: bool,
}

/// Time as the tenant sees it: the system clock plus an offset that tests advance instead
/// of sleeping, and the build time of Actions.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub offset_ms: i64,
    pub action_build_ms: i64,
}

/// Auth0's builds finish in a few hundred milliseconds (see [`Build::status`]).
pub const DEFAULT_ACTION_BUILD_MS: i64 = 300;

impl Default for Clock {
    fn default() -> Self {
        Self {
            offset_ms: 0,
            action_build_ms: DEFAULT_ACTION_BUILD_MS,
        }
    }
}

impl Store {
    /// Milliseconds since the Unix epoch on the tenant's clock.
    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system + self.clock.offset_ms
    }

    /// Brings every Action's build status up to date with the clock.
    pub fn settle_builds(&mut self) {
        let (now, build_ms) = (self.now_ms(), self.clock.action_build_ms);
        for action in self.actions.values_mut() {
            action.settle(now, build_ms);
        }
    }

    /// A tenant as Auth0 creates it, plus the M2M client tenantform authenticates with,
    /// granted every Management API scope.
    pub fn fresh(domain: &str, m2m_client_id: &str, m2m_client_secret: &str) -> Store {
        let tenant_name = "emulated".to_owned();
        let mut store = Store {
            domain: domain.to_owned(),
            tenant_name: tenant_name.clone(),
            token_key: random_string(48, ALNUM),
            m2m_client_id: m2m_client_id.to_owned(),
            clients: IndexMap::new(),
            client_grants: IndexMap::new(),
            connections: IndexMap::new(),
            resource_servers: IndexMap::new(),
            actions: IndexMap::new(),
            bindings: IndexMap::new(),
            users: IndexMap::new(),
            roles: IndexMap::new(),
            email_templates: IndexMap::new(),
            email_provider: None,
            tenant_settings: default_tenant_settings(),
            oidc_signing_key: None,
            password_tickets: IndexMap::new(),
            clock: Clock::default(),
        };

        let global_id = random_string(32, ALNUM);
        let global = json!({
            "tenant": tenant_name,
            "global": true,
            "is_token_endpoint_ip_header_trusted": false,
            "name": "All Applications",
            "client_id": global_id,
            "client_secret": random_string(64, SECRET_CHARS),
            "is_first_party": true,
            "oidc_conformant": false,
            "callbacks": [],
            "sso_disabled": false,
            "cross_origin_authentication": false,
            "cross_origin_auth": false,
            "custom_login_page_on": true,
            "signing_keys": [signing_key()],
            "refresh_token": refresh_token_defaults(None),
        });
        store.clients.insert(global_id, into_obj(global));

        let scopes: Value =
            serde_json::from_str(MANAGEMENT_API_SCOPES_JSON).expect("embedded scope list is JSON");
        let api_id = random_string(24, HEX);
        let identifier = store.management_audience();
        let api = json!({
            "id": api_id,
            "name": "Auth0 Management API",
            "identifier": identifier,
            "allow_offline_access": false,
            "skip_consent_for_verifiable_first_party_clients": false,
            "token_lifetime": 86400,
            "token_lifetime_for_web": 7200,
            "signing_alg": "RS256",
            "scopes": scopes,
            "is_system": true,
        });
        store.resource_servers.insert(api_id, into_obj(api));

        store.ensure_m2m(m2m_client_id, m2m_client_secret);

        let connection_id = format!("con_{}", random_string(16, ALNUM));
        let mut options = Obj::new();
        fill_database_options(&mut options, true);
        let connection = json!({
            "id": connection_id,
            "options": options,
            "strategy": "auth0",
            "name": DEFAULT_CONNECTION,
            "is_domain_connection": false,
            "authentication": {"active": true},
            "connected_accounts": {"active": false},
            "enabled_clients": [],
            "realms": [DEFAULT_CONNECTION],
        });
        store
            .connections
            .insert(connection_id, into_obj(connection));
        store
    }

    /// Makes sure the M2M client exists with this secret and holds a grant for every
    /// Management API scope (used for fresh tenants and when a state file is loaded with
    /// explicit credentials).
    pub fn ensure_m2m(&mut self, m2m_client_id: &str, m2m_client_secret: &str) {
        let tenant_name = self.tenant_name.clone();
        m2m_client_id.clone_into(&mut self.m2m_client_id);
        if let Some(client) = self.clients.get_mut(m2m_client_id) {
            client.insert(
                "client_secret".into(),
                Value::String(m2m_client_secret.to_owned()),
            );
        } else {
            let mut m2m = crate::routes::clients::new_client(
                &tenant_name,
                Some("non_interactive"),
                &json!("tenantform"),
                m2m_client_id,
                m2m_client_secret,
            );
            overlay_object(
                &mut m2m,
                into_obj(json!({
                    "description": "Machine-to-machine application tenantform authenticates as",
                    "oidc_conformant": true,
                    "jwt_configuration": {"alg": "RS256"},
                    "grant_types": ["client_credentials"],
                    "token_endpoint_auth_method": "client_secret_post",
                })),
            );
            self.clients.insert(m2m_client_id.to_owned(), m2m);
        }
        let audience = self.management_audience();
        let has_grant = self.client_grants.values().any(|g| {
            g.get("client_id").and_then(Value::as_str) == Some(m2m_client_id)
                && g.get("audience").and_then(Value::as_str) == Some(audience.as_str())
        });
        if has_grant {
            return;
        }
        let all_scopes: Vec<Value> = self
            .management_scopes()
            .into_iter()
            .map(Value::String)
            .collect();
        let grant_id = format!("cgr_{}", random_string(16, ALNUM));
        let grant = json!({
            "id": grant_id,
            "client_id": m2m_client_id,
            "audience": self.management_audience(),
            "scope": all_scopes,
            "subject_type": "client",
        });
        self.client_grants.insert(grant_id, into_obj(grant));
    }

    /// The Management API identifier: `{domain}/api/v2/`.
    pub fn management_audience(&self) -> String {
        format!("{}/api/v2/", self.domain)
    }

    /// Every scope the system API defines.
    pub fn management_scopes(&self) -> Vec<String> {
        self.resource_servers
            .values()
            .find(|rs| rs.get("is_system") == Some(&Value::Bool(true)))
            .and_then(|rs| rs.get("scopes"))
            .and_then(Value::as_array)
            .map(|scopes| {
                scopes
                    .iter()
                    .filter_map(|s| s.get("value").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A state file saved under another address: move the system API and its grants along.
    pub fn rebase_domain(&mut self, domain: &str) {
        if self.domain == domain {
            return;
        }
        let old = self.management_audience();
        domain.clone_into(&mut self.domain);
        let new = self.management_audience();
        for rs in self.resource_servers.values_mut() {
            if rs.get("identifier").and_then(Value::as_str) == Some(old.as_str()) {
                rs.insert("identifier".into(), Value::String(new.clone()));
            }
        }
        for grant in self.client_grants.values_mut() {
            if grant.get("audience").and_then(Value::as_str) == Some(old.as_str()) {
                grant.insert("audience".into(), Value::String(new.clone()));
            }
        }
    }

    pub fn resource_server_by_identifier(&self, identifier: &str) -> Option<&Obj> {
        self.resource_servers
            .values()
            .find(|rs| rs.get("identifier").and_then(Value::as_str) == Some(identifier))
    }

    pub fn connection_by_name(&self, name: &str) -> Option<&Obj> {
        self.connections
            .values()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
    }

    pub fn action_by_name(&self, name: &str) -> Option<&StoredAction> {
        self.actions
            .values()
            .find(|a| a.body.get("name").and_then(Value::as_str) == Some(name))
    }
}

/// Auth0's default flags and settings of a new tenant: the ones tenantform manages from
/// `auth0_wire::TenantSettings::created`, the rest here.
pub fn default_tenant_settings() -> Obj {
    let mut settings = into_obj(json!({
        "change_password": {"enabled": false},
        "default_directory": "",
        "enabled_locales": ["en"],
        "flags": {
            "allow_changing_enable_sso": false,
            "disable_impersonation": true,
            "enable_sso": true,
            "universal_login": true,
            "new_universal_login_experience_enabled": true
        },
        "guardian_mfa_page": {"enabled": false},
        "sandbox_version": "22",
        "oidc_logout": {"rp_logout_end_session_endpoint_discovery": true},
        "sessions": {"oidc_logout_prompt_enabled": true},
        "session_cookie": {"mode": "persistent"},
        "resource_parameter_profile": "audience",
        "allowed_logout_urls": [],
        "acr_values_supported": []
    }));
    overlay_object(
        &mut settings,
        to_object(&auth0_wire::TenantSettings::created()),
    );
    settings
}

/// Options a database connection gets from Auth0 when they are not sent. On PATCH (which
/// replaces `options` whole) only the server-managed ones come back.
pub fn fill_database_options(options: &mut Obj, on_create: bool) {
    if on_create {
        options
            .entry("mfa")
            .or_insert(json!({"active": true, "return_enroll_settings": true}));
        options.entry("strategy_version").or_insert(json!(2));
        for (key, value) in to_object(&auth0_wire::DatabaseOptions::created()) {
            options.entry(key).or_insert(value);
        }
    }
    // As recorded in 2026: the default methods, or the sent ones completed with every
    // method Auth0 knows and the password's API and sign-up behaviour.
    match options.get_mut("authentication_methods") {
        Some(Value::Object(methods)) => {
            let password = methods
                .entry("password")
                .or_insert(json!({"enabled": true}));
            if let Value::Object(password) = password {
                password.entry("api_behavior").or_insert(json!("required"));
                password.entry("signup_behavior").or_insert(json!("allow"));
            }
            for method in ["passkey", "email_otp", "phone_otp"] {
                methods.entry(method).or_insert(json!({"enabled": false}));
            }
        }
        _ => {
            options.insert(
                "authentication_methods".into(),
                json!({
                    "password": {"enabled": true, "api_behavior": "required"},
                    "passkey": {"enabled": false}
                }),
            );
        }
    }
    options.entry("passkey_options").or_insert(json!({
        "challenge_ui": "both",
        "progressive_enrollment_enabled": true,
        "local_enrollment_enabled": true
    }));
}

/// Refresh-token defaults by application type, as recorded.
pub fn refresh_token_defaults(app_type: Option<&str>) -> Value {
    match app_type {
        Some("spa") => json!({
            "rotation_type": "rotating", "expiration_type": "expiring", "leeway": 0,
            "token_lifetime": 2_592_000, "infinite_token_lifetime": false,
            "infinite_idle_token_lifetime": false, "idle_token_lifetime": 1_296_000
        }),
        Some("non_interactive") => json!({
            "rotation_type": "non-rotating", "expiration_type": "non-expiring", "leeway": 0,
            "token_lifetime": 31_557_600, "infinite_token_lifetime": true,
            "infinite_idle_token_lifetime": true, "idle_token_lifetime": 2_592_000
        }),
        _ => json!({
            "rotation_type": "non-rotating", "expiration_type": "non-expiring", "leeway": 0,
            "token_lifetime": 2_592_000, "infinite_token_lifetime": true,
            "infinite_idle_token_lifetime": true, "idle_token_lifetime": 1_296_000
        }),
    }
}

/// A placeholder signing certificate (shape only; nothing verifies it).
pub fn signing_key() -> Value {
    let body = random_string(64, ALNUM);
    json!({
        "cert": format!("-----BEGIN CERTIFICATE-----\r\n{body}\r\n-----END CERTIFICATE-----\r\n"),
        "pkcs7": format!("-----BEGIN PKCS7-----\r\n{body}\r\n-----END PKCS7-----\r\n"),
        "subject": "deprecated"
    })
}

/// First-level merge used by `user_metadata`, `app_metadata` and `client_metadata`:
/// each key replaces the old one, `null` deletes it.
pub fn merge_top_level(target: &mut Obj, patch: &Obj) {
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// Recursive merge used by tenant settings: objects merge key by key, `null` deletes,
/// anything else (arrays included) replaces.
pub fn deep_merge(target: &mut Obj, patch: &Obj) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => {
                if let Some(Value::Object(existing)) = target.get_mut(key) {
                    deep_merge(existing, inner);
                } else {
                    let mut fresh = Obj::new();
                    deep_merge(&mut fresh, inner);
                    target.insert(key.clone(), Value::Object(fresh));
                }
            }
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

pub fn into_obj(value: Value) -> Obj {
    match value {
        Value::Object(object) => object,
        _ => Obj::new(),
    }
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const HEX: &[u8] = b"0123456789abcdef";
pub const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

pub fn uuid() -> String {
    let hex = random_string(32, HEX);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// RFC 3339 with milliseconds, as Auth0 writes `created_at`.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Store {
        Store::fresh("http://127.0.0.1:1", "m2m", "secret")
    }

    #[test]
    fn fresh_tenant_has_auth0_defaults() {
        let store = fresh();
        assert_eq!(store.management_scopes().len(), 132);
        assert!(store.clients.values().any(|c| c["global"] == json!(true)));
        let api = store
            .resource_server_by_identifier("http://127.0.0.1:1/api/v2/")
            .unwrap();
        assert_eq!(api["is_system"], json!(true));
        let grant = store.client_grants.values().next().unwrap();
        assert_eq!(grant["client_id"], json!("m2m"));
        assert_eq!(grant["scope"].as_array().unwrap().len(), 132);
        assert!(store.connection_by_name(DEFAULT_CONNECTION).is_some());
        assert_eq!(
            store.tenant_settings["flags"]["enable_client_connections"],
            json!(true)
        );
        assert!(store.email_provider.is_none());
        assert!(store.email_templates.is_empty());
    }

    #[test]
    fn rebase_moves_the_management_api() {
        let mut store = fresh();
        store.rebase_domain("http://127.0.0.1:2");
        assert!(
            store
                .resource_server_by_identifier("http://127.0.0.1:2/api/v2/")
                .is_some()
        );
        assert!(
            store
                .client_grants
                .values()
                .all(|g| g["audience"] == json!("http://127.0.0.1:2/api/v2/"))
        );
    }

    #[test]
    fn metadata_merge_deletes_nulls_and_keeps_the_rest() {
        let mut target = into_obj(json!({"foo": "bar", "baz": "qux"}));
        merge_top_level(
            &mut target,
            &into_obj(json!({"baz": null, "foo": "bars", "new": {"a": 1}})),
        );
        assert_eq!(
            Value::Object(target),
            json!({"foo": "bars", "new": {"a": 1}})
        );
    }

    #[test]
    fn deep_merge_merges_objects_and_replaces_arrays() {
        let mut target =
            into_obj(json!({"flags": {"a": true, "b": false}, "locales": ["en"], "x": 1}));
        deep_merge(
            &mut target,
            &into_obj(json!({"flags": {"b": true}, "locales": ["de"], "x": null})),
        );
        assert_eq!(
            Value::Object(target),
            json!({"flags": {"a": true, "b": true}, "locales": ["de"]})
        );
    }

    #[test]
    fn action_status_follows_the_clock_and_settles_once() {
        let mut action = StoredAction {
            body: into_obj(
                json!({"dependencies": [{"name": "lodash", "version": "4.0.0", "registry_url": "https://www.npmjs.com/package/lodash"}]}),
            ),
            secret_values: IndexMap::new(),
            build: None,
            versions: Vec::new(),
        };
        action.start_build(1_000);
        let seen: Vec<String> = [1_000, 1_100, 1_299, 1_300, 9_000]
            .iter()
            .map(|&now| {
                action.settle(now, 300);
                action.status().to_owned()
            })
            .collect();
        assert_eq!(seen, ["pending", "building", "building", "built", "built"]);
        assert!(action.build.is_none(), "a finished build is forgotten");
        assert!(
            action.body["dependencies"][0].get("registry_url").is_none(),
            "built dependencies lose the registry_url"
        );

        action.body.insert(
            "dependencies".into(),
            json!([{"name": "crypto", "version": "17.7.1"}]),
        );
        action.start_build(10_000);
        action.settle(10_300, 300);
        assert_eq!(action.status(), "failed");
    }

    #[test]
    fn dependency_resolution_rules() {
        assert!(!is_unresolvable_dependency("auth0", "2.41.0"));
        assert!(!is_unresolvable_dependency("lodash", "latest"));
        assert!(!is_unresolvable_dependency("@auth0/auth0-spa-js", "^2.1.3"));
        assert!(!is_unresolvable_dependency("buffer", "6.0.3"));
        assert!(!is_unresolvable_dependency("crypto", "latest"));
        assert!(!is_unresolvable_dependency(
            "date-fns",
            "2.30.0-beta.1+build.7"
        ));
        assert!(!is_unresolvable_dependency("lodash", "4.x"));
        assert!(is_unresolvable_dependency("crypto", "17.7.1"));
        assert!(is_unresolvable_dependency("left-pad", "not a version"));
        assert!(is_unresolvable_dependency("left-pad", ""));
        assert!(is_unresolvable_dependency("", "1.0.0"));
        assert!(is_unresolvable_dependency(".hidden", "1.0.0"));
        assert!(is_unresolvable_dependency("has space", "1.0.0"));
        assert!(is_unresolvable_dependency("left-pad", "1.2.3.4"));
    }

    #[test]
    fn ids_have_auth0_shapes() {
        assert_eq!(random_string(32, ALNUM).len(), 32);
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
    }
}
