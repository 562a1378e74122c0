//! Semantic checks on a loaded tenant: references, duplicates, URLs, scopes. All run before any
//! network call, and all problems are reported together.

use std::collections::HashMap;

use url::Url;

use super::application::{AppType, KNOWN_GRANT_TYPES};
use super::diagnostic::Diagnostic;
use super::email::EmailProviderName;
use super::grant::MANAGEMENT_API;
use super::load::LoadedTenant;
use super::secret::{SECRETS_DIGEST_PREFIX, is_secrets_digest};
use super::tenant_file::TenantFile;
use auth0_wire::scopes::{MANAGEMENT_API_SCOPES, is_management_api_scope};

/// Every semantic error in the tenant.
pub fn check(loaded: &LoadedTenant) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_applications(loaded, &mut found);
    check_apis(loaded, &mut found);
    check_grants(loaded, &mut found);
    check_connections(loaded, &mut found);
    check_email(loaded, &mut found);
    check_actions(loaded, &mut found);
    check_users(loaded, &mut found);
    check_streamlit(loaded, &mut found);
    check_tenant_settings(loaded, &mut found);
    check_removed(loaded, &mut found);
    check_manages_something(loaded, &mut found);
    found
}

/// A file that declares nothing plans no change and manages nothing: say so.
fn check_manages_something(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let declared = TenantFile {
        extends: Vec::new(),
        ..loaded.tenant.clone()
    };
    if declared == TenantFile::default() {
        found.push(Diagnostic {
            severity: super::diagnostic::Severity::Warning,
            ..Diagnostic::error(
                "manages-nothing",
                &loaded.path,
                "the file declares nothing, so it manages nothing: add sections such as \
             `applications:`, `connections:`, `grants:` or `actions:`",
            )
        });
    }
}

/// A resource listed under `removed:` must not also be declared: it would be created and
/// deleted by the same file.
fn check_removed(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let tenant = &loaded.tenant;
    let removed = &tenant.removed;
    let app_names: HashMap<&str, &str> = tenant
        .applications
        .iter()
        .filter_map(|(key, app)| Some((key.as_str(), app.name.as_deref()?)))
        .collect();
    let both = |kind: &str, name: &str, key: &str| {
        format!(
            "{kind} `{name}` is both declared (`{key}`) and listed under `removed`: a resource \
             cannot be both; delete its declaration to remove it, or drop it from `removed` to keep it"
        )
    };
    for (index, name) in removed.applications.iter().enumerate() {
        if let Some((key, _)) = app_names.iter().find(|(_, declared)| *declared == name) {
            found.push(loaded.error_at(
                "removed-but-declared",
                &format!("removed.applications[{index}]"),
                both("application", name, &format!("applications.{key}")),
            ));
        }
    }
    // Connections are checked with the connections (`removed-and-declared`).
    for (index, name) in removed.actions.iter().enumerate() {
        if let Some((key, _)) = tenant
            .actions
            .iter()
            .find(|(key, action)| action.auth0_name(key) == name)
        {
            found.push(loaded.error_at(
                "removed-but-declared",
                &format!("removed.actions[{index}]"),
                both("action", name, &format!("actions.{key}")),
            ));
        }
    }
    for (index, grant) in removed.grants.iter().enumerate() {
        if let Some(declared) = tenant.grants.iter().position(|declared| {
            app_names.get(declared.application.as_str()) == Some(&grant.application.as_str())
                && declared.audience == grant.audience
        }) {
            found.push(loaded.error_at(
                "removed-but-declared",
                &format!("removed.grants[{index}]"),
                both(
                    "grant",
                    &format!("{} -> {}", grant.application, grant.audience),
                    &format!("grants[{declared}]"),
                ),
            ));
        }
    }
}

fn check_applications(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (key, app) in &loaded.tenant.applications {
        let at = |field: &str| format!("applications.{key}.{field}");
        match &app.name {
            None => found.push(loaded.error_at(
                "missing-field",
                &format!("applications.{key}"),
                "missing field `name` (the display name that identifies it in Auth0)",
            )),
            Some(name) => {
                if app.renamed_from.as_deref() == Some(name.as_str()) {
                    found.push(loaded.error_at(
                        "invalid-value",
                        &at("renamed_from"),
                        "`renamed_from` is the same as the name",
                    ));
                }
                if let Some(other) = names.insert(name, key) {
                    found.push(loaded.error_at("duplicate-name", &at("name"), format!("display name `{name}` is also used by application `{other}`; names identify applications in Auth0")));
                }
            }
        }
        // `app_type` is optional, as in Auth0 (its "Default App" has none): left out, it is
        // not managed.
        for (field, urls) in [
            ("callbacks", &app.callbacks),
            ("allowed_logout_urls", &app.allowed_logout_urls),
            ("web_origins", &app.web_origins),
            ("allowed_origins", &app.allowed_origins),
        ] {
            // Native apps come back through their own URL scheme (`com.acme.app://callback`).
            let custom_scheme = app.app_type == Some(AppType::Native)
                && matches!(field, "callbacks" | "allowed_logout_urls");
            for (index, url) in urls.iter().flatten().enumerate() {
                let path = format!("applications.{key}.{field}[{index}]");
                if custom_scheme && is_custom_scheme_url(url) {
                    continue;
                }
                let rule = if matches!(field, "callbacks" | "allowed_logout_urls") {
                    UrlRule::Callback
                } else {
                    UrlRule::Origin
                };
                check_url_as(loaded, &path, url, rule, found);
            }
        }
        if let Some(uri) = app
            .initiate_login_uri
            .as_deref()
            .filter(|uri| !uri.is_empty())
        {
            check_url_as(
                loaded,
                &at("initiate_login_uri"),
                uri,
                UrlRule::LoginUri,
                found,
            );
        }
        for (index, grant_type) in app.grant_types.iter().flatten().enumerate() {
            if !KNOWN_GRANT_TYPES.contains(&grant_type.as_str()) {
                found.push(loaded.error_at(
                    "invalid-grant-type",
                    &format!("applications.{key}.grant_types[{index}]"),
                    format!(
                        "unknown grant type `{grant_type}`; expected one of {}",
                        KNOWN_GRANT_TYPES.join(", ")
                    ),
                ));
            }
        }
    }
}

fn check_grants(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, grant) in loaded.tenant.grants.iter().enumerate() {
        let at = format!("grants[{index}]");
        if !loaded.tenant.applications.contains_key(&grant.application) {
            found.push(loaded.error_at(
                "dangling-reference",
                &format!("{at}.application"),
                format!(
                    "application `{}` is not declared under `applications`",
                    grant.application
                ),
            ));
        }
        if let Some(first) = seen.insert((&grant.application, &grant.audience), index) {
            found.push(loaded.error_at("duplicate-name", &at, format!("grants[{first}] already grants `{}` access to `{}`; merge the scopes into one grant", grant.application, grant.audience)));
        }
        let declared_api = loaded.tenant.apis.get(&grant.audience).or_else(|| {
            loaded
                .tenant
                .apis
                .values()
                .find(|api| api.identifier() == grant.audience)
        });
        if grant.audience != MANAGEMENT_API
            && declared_api.is_none()
            && Url::parse(&grant.audience).is_err()
        {
            found.push(loaded.error_at(
                "invalid-url",
                &format!("{at}.audience"),
                format!(
                    "audience `{}` is neither `{MANAGEMENT_API}`, the key of an API under `apis`, nor an API identifier",
                    grant.audience
                ),
            ));
        }
        let api_scopes: Option<Vec<&str>> = declared_api
            .and_then(|api| api.scopes.as_ref())
            .map(|scopes| scopes.iter().map(|s| s.value.as_str()).collect());
        for (scope_index, scope) in grant.scopes.iter().enumerate() {
            let path = format!("{at}.scopes[{scope_index}]");
            if !is_scope_name(scope) {
                found.push(loaded.error_at(
                    "invalid-scope",
                    &path,
                    format!("`{scope}` is not a scope name (like `read:users`)"),
                ));
            } else if let Some(defined) =
                api_scopes.as_ref().filter(|d| !d.contains(&scope.as_str()))
            {
                found.push(loaded.error_at(
                    "invalid-scope",
                    &path,
                    format!(
                        "`{scope}` is not a scope of API `{}` (it defines {})",
                        grant.audience,
                        if defined.is_empty() {
                            "none".to_owned()
                        } else {
                            defined.join(", ")
                        }
                    ),
                ));
            } else if grant.audience == MANAGEMENT_API && !is_management_api_scope(scope) {
                found.push(loaded.error_at(
                    "invalid-scope",
                    &path,
                    format!(
                        "`{scope}` is not a Management API scope{}",
                        suggestion(scope)
                    ),
                ));
            }
        }
    }
}

fn check_apis(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let tenant = &loaded.tenant;
    let mut identifiers: HashMap<&str, &str> = HashMap::new();
    for (key, api) in &tenant.apis {
        let at = |field: &str| format!("apis.{key}.{field}");
        if key == MANAGEMENT_API {
            found.push(loaded.error_at(
                "invalid-name",
                &format!("apis.{key}"),
                format!("`{MANAGEMENT_API}` is the grants' name for the tenant's Management API; choose another key"),
            ));
        }
        let Some(identifier) = api.identifier.as_deref() else {
            found.push(loaded.error_at(
                "missing-field",
                &format!("apis.{key}"),
                "missing field `identifier` (the API's audience, e.g. `https://api.example.com/`)",
            ));
            continue;
        };
        if identifier.trim().is_empty() || identifier.contains(char::is_whitespace) {
            found.push(loaded.error_at(
                "invalid-value",
                &at("identifier"),
                format!("identifier {identifier:?} must be non-empty text without whitespace"),
            ));
        }
        if identifier.ends_with("/api/v2/") {
            found.push(loaded.error_at(
                "invalid-value",
                &at("identifier"),
                format!("`{identifier}` looks like a tenant's Management API, which is Auth0's own: grant it as `{MANAGEMENT_API}` instead"),
            ));
        }
        if let Some(other) = identifiers.insert(identifier, key) {
            found.push(loaded.error_at(
                "duplicate-name",
                &at("identifier"),
                format!("identifier `{identifier}` is also used by `apis.{other}`"),
            ));
        }
        if api.renamed_from.as_deref() == Some(identifier) {
            found.push(loaded.error_at(
                "invalid-value",
                &at("renamed_from"),
                "`renamed_from` is the same as the identifier",
            ));
        }
        let mut scopes: HashMap<&str, usize> = HashMap::new();
        for (index, scope) in api.scopes.iter().flatten().enumerate() {
            let path = format!("apis.{key}.scopes[{index}].value");
            if !is_scope_name(&scope.value) {
                found.push(loaded.error_at(
                    "invalid-scope",
                    &path,
                    format!(
                        "`{}` is not a scope name (like `read:reports`)",
                        scope.value
                    ),
                ));
            }
            if let Some(first) = scopes.insert(&scope.value, index) {
                found.push(loaded.error_at(
                    "duplicate-name",
                    &path,
                    format!(
                        "scope `{}` is already defined at scopes[{first}]",
                        scope.value
                    ),
                ));
            }
        }
    }
    for (index, identifier) in tenant.removed.apis.iter().enumerate() {
        if let Some(key) = identifiers.get(identifier.as_str()) {
            found.push(loaded.error_at(
                "removed-but-declared",
                &format!("removed.apis[{index}]"),
                format!("API `{identifier}` is both declared (`apis.{key}`) and listed under `removed`: a resource cannot be both; delete its declaration to remove it, or drop it from `removed` to keep it"),
            ));
        }
    }
}

fn is_scope_name(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.' | '/'))
}

/// A close Management API scope, to catch typos such as `read:user`.
fn suggestion(scope: &str) -> String {
    MANAGEMENT_API_SCOPES
        .iter()
        .find(|known| known.starts_with(scope) || scope.starts_with(*known))
        .map(|known| format!(" (did you mean `{known}`?)"))
        .unwrap_or_default()
}

fn check_connections(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (key, connection) in &loaded.tenant.connections {
        let name = connection.auth0_name(key);
        let name_path = if connection.name.is_some() {
            format!("connections.{key}.name")
        } else {
            format!("connections.{key}")
        };
        if !is_connection_name(name) {
            found.push(loaded.error_at("invalid-name", &name_path, format!("connection name `{name}` may only hold letters, digits and single dashes, start and end with a letter or digit, at most 128 characters")));
        }
        if let Some(other) = names.insert(name, key) {
            found.push(loaded.error_at(
                "duplicate-name",
                &name_path,
                format!("connection name `{name}` is also used by `connections.{other}`"),
            ));
        }
        if connection.renamed_from.as_deref() == Some(name) {
            found.push(loaded.error_at(
                "invalid-value",
                &format!("connections.{key}.renamed_from"),
                "`renamed_from` is the same as the name",
            ));
        }
        check_strategy_fields(loaded, key, connection, found);
        for (index, app) in connection.enabled_applications.iter().flatten().enumerate() {
            if !loaded.tenant.applications.contains_key(app) {
                found.push(loaded.error_at(
                    "dangling-reference",
                    &format!("connections.{key}.enabled_applications[{index}]"),
                    format!("application `{app}` is not declared under `applications`"),
                ));
            }
        }
    }
    for (index, name) in loaded.tenant.removed.connections.iter().enumerate() {
        if names.contains_key(name.as_str()) {
            found.push(loaded.error_at(
                "removed-and-declared",
                &format!("removed.connections[{index}]"),
                format!("connection `{name}` is both declared and listed as removed"),
            ));
        }
    }
}

/// A social connection takes no database options (Auth0 cannot disable sign-ups there) and a
/// database connection no OAuth client; a client id needs its secret and the other way round.
fn check_strategy_fields(
    loaded: &LoadedTenant,
    key: &str,
    connection: &super::DatabaseConnection,
    found: &mut Vec<Diagnostic>,
) {
    let strategy = connection.strategy();
    let declared = auth0_wire::shape::to_object(connection);
    let (wrong, why) = if strategy.is_social() {
        (
            super::social::DATABASE_ONLY,
            "a database connection option; Auth0 has no such option on a social connection (sign-ups cannot be disabled there: see the posture check on invite-only tenants)",
        )
    } else {
        (
            super::social::SOCIAL_ONLY,
            "a social connection option: set `strategy` (google-oauth2, windowslive, github) for a social connection",
        )
    };
    for field in wrong.iter().filter(|field| declared.contains_key(**field)) {
        found.push(loaded.error_at(
            "invalid-field",
            &format!("connections.{key}.{field}"),
            format!("`{field}` is {why}"),
        ));
    }
    if !strategy.is_social() {
        return;
    }
    match (&connection.client_id, &connection.client_secret) {
        (Some(_), None) => found.push(loaded.error_at(
            "missing-field",
            &format!("connections.{key}"),
            "`client_id` needs `client_secret` (a `${VAR}` reference to the OAuth client's secret)",
        )),
        (None, Some(_)) => found.push(loaded.error_at(
            "missing-field",
            &format!("connections.{key}"),
            "`client_secret` needs the `client_id` of the same OAuth client (without both, Auth0's development keys are used)",
        )),
        _ => {}
    }
}

/// Auth0's rule for connection names.
fn is_connection_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 128
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && !name.contains("--")
}

fn check_email(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    if let Some(provider) = &loaded.tenant.email_provider {
        let credentials = &provider.credentials;
        let Some(name) = provider.name else {
            found.push(loaded.error_at(
                "missing-field",
                "email_provider",
                "missing field `name` (mailgun, smtp, sendgrid, ses, ...)",
            ));
            return;
        };
        for secret in name.required_secrets() {
            if !credentials.secrets().iter().any(|(name, _)| name == secret) {
                found.push(loaded.error_at(
                    "missing-field",
                    "email_provider.credentials",
                    format!("{name} needs `credentials.{secret}` (a `${{VAR}}` reference)"),
                ));
            }
        }
        let needed: &[(&str, bool)] = match name {
            EmailProviderName::Mailgun => &[("domain", credentials.domain.is_some())],
            EmailProviderName::Smtp => &[
                ("smtp_host", credentials.smtp_host.is_some()),
                ("smtp_port", credentials.smtp_port.is_some()),
                ("smtp_user", credentials.smtp_user.is_some()),
            ],
            EmailProviderName::Ses => &[
                ("access_key_id", credentials.access_key_id.is_some()),
                ("region", credentials.region.is_some()),
            ],
            _ => &[],
        };
        for (field, present) in needed {
            if !present {
                found.push(loaded.error_at(
                    "missing-field",
                    "email_provider.credentials",
                    format!("{name} needs `credentials.{field}`"),
                ));
            }
        }
        if name == EmailProviderName::Mailgun
            && let Some(region) = credentials.region.as_deref()
            && region != "eu"
        {
            found.push(loaded.error_at(
                "invalid-value",
                "email_provider.credentials.region",
                format!("Mailgun's region is `eu` or left out (the US region), not `{region}`"),
            ));
        }
        if let Some(from) = &provider.default_from_address
            && !looks_like_email(from)
        {
            found.push(loaded.error_at(
                "invalid-email",
                "email_provider.default_from_address",
                format!("`{from}` is not an email address"),
            ));
        }
    }
    for (name, template) in &loaded.tenant.email_templates {
        if let Some(from) = template
            .from
            .as_deref()
            .filter(|from| !from.is_empty() && !from.contains("{{"))
            && !looks_like_email(from)
        {
            found.push(loaded.error_at(
                "invalid-email",
                &format!("email_templates.{name}.from"),
                format!("`{from}` is not an email address"),
            ));
        }
        if let Some(url) = template
            .result_url
            .as_deref()
            .filter(|url| !url.contains("{{"))
        {
            check_url(
                loaded,
                &format!("email_templates.{name}.result_url"),
                url,
                found,
            );
        }
    }
}

fn check_actions(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let tenant = &loaded.tenant;
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (key, action) in &tenant.actions {
        if let Some(other) = names.insert(action.auth0_name(key), key) {
            found.push(loaded.error_at(
                "duplicate-name",
                &format!("actions.{key}"),
                format!(
                    "action name `{}` is also used by `actions.{other}`",
                    action.auth0_name(key)
                ),
            ));
        }
        if action.code.is_none() {
            found.push(loaded.error_at(
                "missing-field",
                &format!("actions.{key}"),
                "missing field `code` (the path of the Action's JavaScript file)",
            ));
        }
        for name in action.secrets.keys().filter(|name| is_secrets_digest(name)) {
            found.push(loaded.error_at(
                "reserved-name",
                &format!("actions.{key}.secrets.{name}"),
                format!(
                    "secret name `{name}`: the prefix `{SECRETS_DIGEST_PREFIX}` is reserved for \
                     the secret tenantform adds to record which values it deployed; rename it"
                ),
            ));
        }
        if !action.runtime().starts_with("node") {
            found.push(loaded.error_at(
                "invalid-value",
                &format!("actions.{key}.runtime"),
                format!(
                    "unknown runtime `{}` (use {})",
                    action.runtime(),
                    super::action::DEFAULT_RUNTIME
                ),
            ));
        }
    }
    for (trigger, bound) in &tenant.bindings {
        let mut seen = HashMap::new();
        for (index, key) in bound.iter().enumerate() {
            let path = format!("bindings.{trigger}[{index}]");
            match tenant.actions.get(key) {
                None => found.push(loaded.error_at(
                    "dangling-reference",
                    &path,
                    format!("action `{key}` is not declared under `actions`"),
                )),
                Some(action) if action.trigger() != *trigger => found.push(loaded.error_at(
                    "wrong-trigger",
                    &path,
                    format!(
                        "action `{key}` is written for `{}`, not `{trigger}`",
                        action.trigger()
                    ),
                )),
                Some(_) => {}
            }
            if let Some(first) = seen.insert(key, index) {
                found.push(loaded.error_at(
                    "duplicate-name",
                    &path,
                    format!("action `{key}` is already bound at position {first}"),
                ));
            }
        }
    }
}

fn check_users(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let mut emails: HashMap<String, usize> = HashMap::new();
    for (index, user) in loaded.tenant.users.iter().enumerate() {
        let at = format!("users[{index}]");
        if !looks_like_email(&user.email) {
            found.push(loaded.error_at(
                "invalid-email",
                &format!("{at}.email"),
                format!("`{}` is not an email address", user.email),
            ));
        }
        let stored = user.stored_email();
        if let Some(first) = emails.get(&stored) {
            found.push(loaded.error_at(
                "duplicate-name",
                &format!("{at}.email"),
                format!("`{}` is already declared at users[{first}]", user.email),
            ));
        } else if stored != user.email && looks_like_email(&user.email) {
            // Not an error: the user converges, but reads and the tenant show the stored case.
            found.push(loaded.warning_at(
                "email-case",
                &format!("{at}.email"),
                format!(
                    "Auth0 stores a database user's email in lower case: `{}` will be `{stored}`",
                    user.email
                ),
            ));
        }
        emails.entry(stored).or_insert(index);
        match loaded.tenant.connections.get(&user.connection) {
            None => found.push(loaded.error_at(
                "dangling-reference",
                &format!("{at}.connection"),
                format!(
                    "connection `{}` is not declared under `connections`",
                    user.connection
                ),
            )),
            Some(connection) if connection.is_social() => found.push(loaded.error_at(
                "invalid-value",
                &format!("{at}.connection"),
                format!(
                    "connection `{}` is a `{}` connection: its users are created by signing in, so bootstrap users need a database connection",
                    user.connection,
                    connection.strategy()
                ),
            )),
            Some(_) => {}
        }
    }
}

fn check_streamlit(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let Some(app) = &loaded.tenant.streamlit else {
        return;
    };
    let tenant = &loaded.tenant;
    if app.application.is_none() {
        found.push(loaded.error_at(
            "missing-field",
            "streamlit",
            "missing field `application` (the application st.login uses)",
        ));
    }
    for (field, key) in [
        ("application", app.application.as_ref()),
        ("admin_application", app.admin_application.as_ref()),
    ] {
        if let Some(key) = key
            && !tenant.applications.contains_key(key)
        {
            found.push(loaded.error_at(
                "dangling-reference",
                &format!("streamlit.{field}"),
                format!("application `{key}` is not declared under `applications`"),
            ));
        }
    }
    if let Some(connection) = &app.connection
        && !tenant.connections.contains_key(connection)
    {
        found.push(loaded.error_at(
            "dangling-reference",
            "streamlit.connection",
            format!("connection `{connection}` is not declared under `connections`"),
        ));
    }
    if app.provider().contains('_') || app.provider().is_empty() {
        found.push(loaded.error_at(
            "invalid-name",
            "streamlit.provider",
            format!(
                "Streamlit provider names may not contain `_` (got `{}`)",
                app.provider()
            ),
        ));
    }
    for (name, environment) in &app.environments {
        match &environment.url {
            Some(url) => check_url_as(
                loaded,
                &format!("streamlit.environments.{name}.url"),
                url,
                UrlRule::AppBase,
                found,
            ),
            None => found.push(loaded.error_at(
                "missing-field",
                &format!("streamlit.environments.{name}"),
                "missing field `url` (the app's base URL)",
            )),
        }
        if let Some(uri) = &environment.redirect_uri {
            check_url(
                loaded,
                &format!("streamlit.environments.{name}.redirect_uri"),
                uri,
                found,
            );
        }
    }
}

fn check_tenant_settings(loaded: &LoadedTenant, found: &mut Vec<Diagnostic>) {
    let Some(settings) = &loaded.tenant.tenant else {
        return;
    };
    for (field, value) in [
        ("support_url", &settings.support_url),
        ("default_redirection_uri", &settings.default_redirection_uri),
    ] {
        if let Some(url) = value.as_deref().filter(|url| !url.is_empty()) {
            check_url(loaded, &format!("tenant.{field}"), url, found);
        }
    }
    if let Some(email) = &settings.support_email
        && !looks_like_email(email)
    {
        found.push(loaded.error_at(
            "invalid-email",
            "tenant.support_email",
            format!("`{email}` is not an email address"),
        ));
    }
}

/// What a URL field accepts, as Auth0 checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlRule {
    /// `callbacks`, `allowed_logout_urls`: absolute http(s) URLs; a `*` only as the leftmost
    /// label of the host (`https://*.example.com/callback`).
    Callback,
    /// `web_origins`, `allowed_origins`: `scheme://host[:port]`, nothing after it.
    Origin,
    /// `initiate_login_uri`: https only (Auth0 refuses http, even for localhost).
    LoginUri,
    /// A Streamlit environment's base URL: an origin and an optional path, no query or fragment.
    AppBase,
    /// Any other absolute http(s) URL.
    Any,
}

/// An absolute http(s) URL. Auth0 allows a `*` wildcard in the host (the posture check warns).
fn check_url(loaded: &LoadedTenant, path: &str, text: &str, found: &mut Vec<Diagnostic>) {
    check_url_as(loaded, path, text, UrlRule::Any, found);
}

/// Why `text` is not whitespace-free, in words.
fn whitespace_problem(text: &str) -> Option<&'static str> {
    if text.contains(['\n', '\r']) {
        Some("contains a line break")
    } else if text.starts_with(char::is_whitespace) {
        Some("starts with whitespace")
    } else if text.ends_with(char::is_whitespace) {
        Some("ends with whitespace")
    } else if text.contains(char::is_whitespace) {
        Some("contains a space")
    } else if text.contains(char::is_control) {
        Some("contains a control character")
    } else {
        None
    }
}

/// The problem with `url` (parsed from `text`) under `rule`, if any.
fn rule_problem(rule: UrlRule, text: &str, url: &Url) -> Option<String> {
    let after_host = text.split_once("://").map_or("", |(_, rest)| {
        rest.find(['/', '?', '#']).map_or("", |at| &rest[at..])
    });
    if matches!(rule, UrlRule::Callback | UrlRule::Origin) && text.contains('*') {
        let host = text.split_once("://").map_or("", |(_, rest)| rest);
        if text.matches('*').count() != 1 || !host.starts_with("*.") {
            return Some(
                "has a `*` where Auth0 allows none: a wildcard may only be the leftmost label \
                 of the host (`https://*.example.com`)"
                    .to_owned(),
            );
        }
    }
    match rule {
        UrlRule::Origin
            if !matches!(after_host, "" | "/")
                || url.query().is_some()
                || url.fragment().is_some() =>
        {
            Some(format!(
                "is not an origin: an origin is `scheme://host[:port]` only, without a path, \
                 query or fragment (remove `{after_host}`)"
            ))
        }
        UrlRule::LoginUri if url.scheme() != "https" => Some(
            "must be an https URL: Auth0 refuses any other scheme for initiate_login_uri, \
             localhost included (leave it out for a local app)"
                .to_owned(),
        ),
        UrlRule::AppBase if url.query().is_some() || url.fragment().is_some() => Some(
            "must be the app's base URL (an origin and an optional path), without a query or \
             fragment"
                .to_owned(),
        ),
        _ => None,
    }
}

/// An absolute http(s) URL with no whitespace, and what `rule` adds.
fn check_url_as(
    loaded: &LoadedTenant,
    path: &str,
    text: &str,
    rule: UrlRule,
    found: &mut Vec<Diagnostic>,
) {
    // Text that is not a URL at all is said to be so; a URL with whitespace in it, precisely.
    if let Some(problem) = whitespace_problem(text).filter(|_| text.contains("://")) {
        found.push(loaded.error_at(
            "invalid-url",
            path,
            format!("{text:?} {problem}: a URL has no whitespace"),
        ));
        return;
    }
    let candidate = text.replacen("://*.", "://wildcard.", 1);
    match Url::parse(&candidate) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            if let Some(problem) = rule_problem(rule, text, &url) {
                found.push(loaded.error_at("invalid-url", path, format!("`{text}` {problem}")));
            }
        }
        Ok(url) => found.push(loaded.error_at(
            "invalid-url",
            path,
            format!("`{text}` must be an http(s) URL, not `{}:`", url.scheme()),
        )),
        Err(error) => found.push(loaded.error_at(
            "invalid-url",
            path,
            format!("`{text}` is not a valid URL ({error})"),
        )),
    }
}

/// `scheme://rest` with a scheme other than http(s), as mobile apps register.
fn is_custom_scheme_url(text: &str) -> bool {
    Url::parse(text).is_ok_and(|url| !matches!(url.scheme(), "http" | "https"))
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
}

/// Loads `path` and runs every check: the tenant (when it could be built) and all diagnostics,
/// errors and posture warnings together. Posture findings are errors when `strict`.
pub fn load_and_check(
    path: &std::path::Path,
    strict: bool,
    options: super::load::LoadOptions,
) -> (Option<LoadedTenant>, Vec<Diagnostic>) {
    // A file with errors in some entries is still checked without them, so one run reports
    // every problem. Findings about the entries left out, or about the file as a whole (it
    // manages nothing), may only be consequences of the errors: they are not reported.
    let (loaded, mut diagnostics) = super::load::load_tenant_partially(path, options);
    let complete = !diagnostics.iter().any(Diagnostic::is_error);
    if let Some(loaded) = &loaded {
        let findings = check(loaded)
            .into_iter()
            .chain(super::posture::check(loaded, strict));
        diagnostics.extend(
            findings.filter(|d| complete || (d.position.is_some() && !loaded.about_left_out(d))),
        );
    }
    let loaded = loaded.filter(|_| complete);
    diagnostics
        .sort_by(|a, b| (a.severity, &a.file, a.position).cmp(&(b.severity, &b.file, b.position)));
    (loaded, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_names_follow_auth0_rules() {
        assert!(is_connection_name("reporting-dashboard-users"));
        assert!(is_connection_name("Username-Password-Authentication"));
        assert!(!is_connection_name("-users"));
        assert!(!is_connection_name("my_users"));
        assert!(!is_connection_name("a--b"));
    }

    #[test]
    fn native_apps_may_use_their_own_url_scheme() {
        assert!(is_custom_scheme_url("com.acme.field://callback"));
        assert!(!is_custom_scheme_url("https://acme.example/callback"));
        assert!(!is_custom_scheme_url("not a url"));
    }

    #[test]
    fn suggests_close_scopes() {
        assert_eq!(suggestion("read:user"), " (did you mean `read:users`?)");
    }
}
