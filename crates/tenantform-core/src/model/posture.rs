//! Posture checks: settings that are valid but risky for an invite-only app. Warnings by
//! default, errors with `--strict`; each explains the risk.

use url::Url;

use super::action::Trigger;
use super::application::JwtAlg;
use super::diagnostic::{Diagnostic, Severity};
use super::load::LoadedTenant;

/// Every posture finding, as warnings (or errors when `strict`).
pub fn check(loaded: &LoadedTenant, strict: bool) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Warnings that stay warnings under `--strict`: the risk they name is already handled.
    let mut advice = Vec::new();
    let tenant = &loaded.tenant;
    let invite_only = tenant.invite_only == Some(true);
    let post_login_bound = tenant
        .bindings
        .get(&Trigger::PostLogin)
        .is_some_and(|bound| !bound.is_empty());

    if invite_only {
        let flag = tenant
            .tenant
            .as_ref()
            .and_then(|settings| settings.flags.as_ref())
            .and_then(|flags| flags.enable_client_connections);
        if flag != Some(false) {
            found.push(loaded.warning_at("posture/client-connections", "tenant.flags.enable_client_connections", "\"Enable Application Connections\" is not declared false")
                .explained("every new application then gets every connection, which can open an invite-only app to social sign-up; set `tenant.flags.enable_client_connections: false`"));
        }
        for (key, connection) in &tenant.connections {
            if connection.is_social() {
                let enabled = connection
                    .enabled_applications
                    .as_ref()
                    .is_some_and(|apps| !apps.is_empty());
                if enabled {
                    let diagnostic = social_signup(loaded, key, connection, post_login_bound);
                    if post_login_bound {
                        advice.push(diagnostic);
                    } else {
                        found.push(diagnostic);
                    }
                }
            } else if connection.disable_signup != Some(true) {
                found.push(loaded.warning_at("posture/signup-enabled", &format!("connections.{key}"), format!("sign-ups are not disabled on connection `{}` in an invite-only tenant", connection.auth0_name(key)))
                    .explained("anyone who finds the login page can create an account; set `disable_signup: true`"));
            }
        }
        if !post_login_bound {
            found.push(loaded.warning_at("posture/no-post-login-action", "bindings", "no post-login Action is bound in an invite-only tenant")
                .explained("without an Action that denies uninvited users, a social connection enabled later lets anyone in; bind one under `bindings.post-login`"));
        }
    }
    for (key, connection) in &tenant.connections {
        if connection.is_social() && connection.client_id.is_none() {
            found.push(loaded.warning_at("posture/social-dev-keys", &format!("connections.{key}"), format!("social connection `{}` uses Auth0's development keys (no `client_id`)", connection.auth0_name(key)))
                .explained(format!("development keys are for testing only: Auth0 limits them, shows its own consent screen, and single sign-on and logout do not work as with your own keys; register an OAuth client with {} and set `client_id` and `client_secret: ${{VAR}}`", provider_name(connection.strategy()))));
        }
    }
    for (key, app) in &tenant.applications {
        for (field, urls) in [
            ("callbacks", &app.callbacks),
            ("allowed_logout_urls", &app.allowed_logout_urls),
            ("web_origins", &app.web_origins),
        ] {
            for (index, url) in urls.iter().flatten().enumerate() {
                let path = format!("applications.{key}.{field}[{index}]");
                if url.contains('*') {
                    found.push(loaded.warning_at("posture/wildcard-url", &path, format!("wildcard URL `{url}`"))
                        .explained("a wildcard lets any matching host receive authorization codes; list each URL"));
                } else if field == "callbacks" && is_plain_http_remote(url) {
                    found.push(loaded.warning_at("posture/http-callback", &path, format!("callback `{url}` uses http:// on a non-local host"))
                        .explained("authorization codes travel in clear text; use https:// (http:// is only fine for localhost)"));
                }
            }
        }
        // A non-https initiate_login_uri is an error (validate.rs): Auth0 refuses it.
    }

    if let Some(streamlit) = &tenant.streamlit
        && let Some(key) = &streamlit.application
        && let Some(app) = tenant.applications.get(key)
    {
        let alg = app.jwt_configuration.as_ref().and_then(|jwt| jwt.alg);
        if alg != Some(JwtAlg::RS256) {
            found.push(loaded.warning_at("posture/streamlit-needs-rs256", &format!("applications.{key}"), format!("the Streamlit application `{key}` does not declare `jwt_configuration.alg: RS256`"))
                .explained("Auth0 creates clients with HS256 ID tokens, which Streamlit's OIDC client cannot verify; login fails"));
        }
        for (name, environment) in &streamlit.environments {
            let Some(redirect) = environment.redirect_uri() else {
                continue;
            };
            for (field, urls) in [
                ("callbacks", &app.callbacks),
                ("allowed_logout_urls", &app.allowed_logout_urls),
            ] {
                if !urls.iter().flatten().any(|url| *url == redirect) {
                    found.push(loaded.warning_at("posture/redirect-uri-not-allowed", &format!("streamlit.environments.{name}"), format!("the `{name}` redirect_uri `{redirect}` is not in `applications.{key}.{field}`"))
                        .explained(if field == "callbacks" {
                            "Auth0 refuses the login with \"Callback URL mismatch\""
                        } else {
                            "Streamlit >= 1.53 sends the redirect_uri as the post-logout redirect; Auth0 refuses the logout"
                        }));
                }
            }
        }
    }

    if strict {
        for diagnostic in &mut found {
            diagnostic.severity = Severity::Error;
        }
    }
    found.extend(advice);
    found
}

/// An invite-only tenant with a social connection enabled for an application: sign-up cannot
/// be disabled there, so the post-login Action is all that keeps strangers out.
fn social_signup(
    loaded: &LoadedTenant,
    key: &str,
    connection: &super::DatabaseConnection,
    post_login_bound: bool,
) -> Diagnostic {
    let name = connection.auth0_name(key);
    let strategy = connection.strategy();
    let risk = format!(
        "Auth0 cannot disable sign-ups on a social connection: anyone with a {} account can sign in through `{name}`, gets a user on first login and reaches the post-login Action, which is then the only thing that keeps strangers out",
        provider_name(strategy)
    );
    let protection = if post_login_bound {
        "make sure the bound post-login Action denies a first login of anyone not invited (`api.access.deny` when `event.stats.logins_count` is 1 and the user was not invited), and test it with `tenantform actions test`"
    } else {
        "no post-login Action is bound: bind one under `bindings.post-login` that denies a first login of anyone not invited (`api.access.deny` when `event.stats.logins_count` is 1 and the user was not invited)"
    };
    loaded
        .warning_at(
            "posture/social-signup",
            &format!("connections.{key}.enabled_applications"),
            format!(
                "social connection `{name}` is enabled for applications of an invite-only tenant"
            ),
        )
        .explained(format!("{risk}; {protection}"))
}

/// The identity provider behind a social strategy, for messages.
fn provider_name(strategy: super::social::Strategy) -> &'static str {
    match strategy {
        super::social::Strategy::Google => "Google",
        super::social::Strategy::Microsoft => "Microsoft",
        super::social::Strategy::GitHub => "GitHub",
        super::social::Strategy::Database => "Auth0",
    }
}

fn is_plain_http_remote(url: &str) -> bool {
    Url::parse(url).is_ok_and(|url| {
        url.scheme() == "http"
            && !matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
    })
}
