//! What a command that talks to a tenant does first: load the tenant file with its secrets
//! (any error stops it before a single request is sent), work out which tenant and
//! credentials to use, and connect.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use secrecy::SecretString;

use crate::api::{
    ApiError, ConnectionSettings, ManagementClient, Observers, RequestEvent, RequestObserver,
    SLOW_AFTER, SlowObserver, SlowRequest, Waiting,
};
use crate::cli::ConnectionArgs;
use crate::printer::Printer;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;
use tenantform_core::model::variables::{Variables, references};
use tenantform_core::model::{Auth0Target, LoadedTenant};

/// The runbook's variables, the last source of each connection value.
const DOMAIN_VAR: &str = "AUTH0_DOMAIN";
const CLIENT_ID_VAR: &str = "AUTH0_M2M_CLIENT_ID";
const CLIENT_SECRET_VAR: &str = "AUTH0_M2M_CLIENT_SECRET";

/// Loads and checks `path`, printing its diagnostics. Secret variables may be unset: a plan
/// shows a secret as its `${VAR}`, and apply needs the value only of a secret its plan sends
/// (checked before the first write: `apply::missing_secrets`). The variables of the `auth0:`
/// block are checked when connecting ([`connection_settings`]): an option may replace them.
pub fn load_for_tenant(
    path: &Path,
    strict: bool,
    printer: &Printer,
) -> anyhow::Result<LoadedTenant> {
    let (loaded, diagnostics) = load_and_check(
        path,
        strict,
        LoadOptions {
            require_secrets: false,
        },
    );
    printer.diagnostics(&diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match loaded {
        Some(loaded) if errors == 0 => Ok(loaded),
        _ => anyhow::bail!(
            "{} has {errors} error{}; nothing was sent to the tenant",
            path.display(),
            if errors == 1 { "" } else { "s" }
        ),
    }
}

/// Where each connection value comes from: the option, else the tenant file's `auth0:` block
/// (all three values, when it is there), else the `AUTH0_*` environment variables. A block
/// value the options do not replace must have its variables set (each unset one is reported
/// at its place in the file).
pub fn connection_settings(
    args: &ConnectionArgs,
    tenant: Option<&LoadedTenant>,
    printer: &Printer,
) -> anyhow::Result<ConnectionSettings> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let block = tenant.and_then(|loaded| loaded.tenant.auth0.as_ref().map(|t| (loaded, t)));
    let (domain, client_id, client_secret, source) = match block {
        Some((loaded, target)) => {
            check_block_variables(loaded, target, args, printer)?;
            let secret = target.client_secret.expose().map(str::to_owned);
            (
                Some(target.domain.clone()),
                Some(target.client_id.clone()),
                secret,
                format!("the auth0: block of {}", loaded.path.display()),
            )
        }
        None => (
            from_env(DOMAIN_VAR),
            from_env(CLIENT_ID_VAR),
            from_env(CLIENT_SECRET_VAR),
            "the environment".to_owned(),
        ),
    };
    let pick = |option: &Option<String>, fallback: Option<String>, what: &str| {
        option.clone().or(fallback).ok_or_else(|| {
            anyhow::anyhow!(
                "missing {what}: pass the option, declare it in the tenant file's auth0: block or set the variable (docs/ci.md)"
            )
        })
    };
    let domain = pick(&args.domain, domain, "AUTH0_DOMAIN (--domain)")?;
    let client_id = pick(
        &args.client_id,
        client_id,
        "AUTH0_M2M_CLIENT_ID (--client-id)",
    )?;
    let client_secret = pick(
        &args.client_secret,
        client_secret,
        "AUTH0_M2M_CLIENT_SECRET (--client-secret)",
    )?;
    let described = if args.domain.is_some() {
        "--domain".to_owned()
    } else {
        source
    };
    ConnectionSettings::new(&domain, client_id, SecretString::from(client_secret))
        .with_context(|| format!("the domain from {described}"))
}

/// Every `${VAR}` of the block's values that are used (not replaced by an option) and not
/// set, as errors at their place in the file.
fn check_block_variables(
    loaded: &LoadedTenant,
    target: &Auth0Target,
    args: &ConnectionArgs,
    printer: &Printer,
) -> anyhow::Result<()> {
    let variables = Variables::for_tenant_file(&loaded.path).map_err(anyhow::Error::msg)?;
    let mut unset: Vec<(&str, String)> = Vec::new();
    for (field, value, replaced) in [
        ("auth0.domain", &target.domain, args.domain.is_some()),
        (
            "auth0.client_id",
            &target.client_id,
            args.client_id.is_some(),
        ),
    ] {
        if !replaced {
            // Loading left a reference whose variable is unset as it was written.
            unset.extend(references(value).iter().map(|r| (field, r.name.to_owned())));
        }
    }
    if args.client_secret.is_none() && target.client_secret.expose().is_none() {
        unset.push(("auth0.client_secret", target.client_secret.var().to_owned()));
    }
    if unset.is_empty() {
        return Ok(());
    }
    let diagnostics: Vec<_> = unset
        .iter()
        .map(|(field, name)| {
            loaded.error_at(
                "undefined-variable",
                field,
                format!(
                    "undefined variable `{name}`: set it in {} (or pass the matching option)",
                    variables.where_to_set()
                ),
            )
        })
        .collect();
    printer.diagnostics(&diagnostics);
    anyhow::bail!(
        "{}: the auth0: block needs {}; nothing was sent to the tenant",
        loaded.path.display(),
        unset
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Connects with the settings of `args` and the environment (no tenant file), logging each
/// request with `--verbose`.
pub async fn connect(args: &ConnectionArgs, printer: &Printer) -> anyhow::Result<ManagementClient> {
    connect_to(connection_settings(args, None, printer)?, printer).await
}

/// Connects to the tenant of `loaded` ([`connection_settings`]).
pub async fn connect_tenant(
    args: &ConnectionArgs,
    loaded: Option<&LoadedTenant>,
    printer: &Printer,
) -> anyhow::Result<ManagementClient> {
    connect_to(connection_settings(args, loaded, printer)?, printer).await
}

async fn connect_to(
    mut settings: ConnectionSettings,
    printer: &Printer,
) -> anyhow::Result<ManagementClient> {
    settings.rate_limit_cache = crate::api::rate_limit_cache::default_path();
    let origin = settings.origin();
    let observers = Observers {
        request: printer
            .is_verbose()
            .then(|| request_logger(printer.clone())),
        slow: Some(slow_notice(printer.clone())),
        slow_after: slow_after(),
    };
    ManagementClient::connect_with_observers(settings, observers)
        .await
        .map_err(|error| {
            // Auth0 answers an unknown client and a wrong secret alike (401 `Unauthorized`).
            let refused = matches!(error, ApiError::Token { status: 401, .. });
            let hint = if refused {
                " (Auth0 refused the M2M application's client id and secret: check both, it does not say which is wrong)"
            } else {
                ""
            };
            anyhow::Error::new(error).context(format!("cannot authenticate with {origin}{hint}"))
        })
}

/// How long a request may go unanswered before the run says what it waits for: 5 s, or
/// `TENANTFORM_SLOW_NOTICE_MS` (hidden, for tests that cannot wait 5 s).
fn slow_after() -> Duration {
    std::env::var("TENANTFORM_SLOW_NOTICE_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(SLOW_AFTER, Duration::from_millis)
}

/// Once per slow request, what it waits for, e.g.
/// `still waiting for Auth0 to answer GET /api/v2/clients (5 s)…`.
fn slow_notice(printer: Printer) -> SlowObserver {
    Arc::new(move |slow: &SlowRequest| {
        let waited = if slow.waited >= Duration::from_secs(1) {
            format!("{} s", slow.waited.as_secs())
        } else {
            format!("{} ms", slow.waited.as_millis())
        };
        printer.waiting(&match slow.waiting {
            Waiting::Server => format!(
                "still waiting for Auth0 to answer {} {} ({waited})…",
                slow.method, slow.path
            ),
            Waiting::RateLimit => format!(
                "still waiting for the rate limit to let {} {} through ({waited})…",
                slow.method, slow.path
            ),
        });
    })
}

/// `--verbose`: one line per attempt, e.g. `GET /api/v2/clients 200 12ms ratelimit-remaining=49`.
/// The event holds no token, query or body, so none can be printed.
fn request_logger(printer: Printer) -> RequestObserver {
    Arc::new(move |event: &RequestEvent| {
        let status = event
            .status
            .map_or_else(|| "no answer".to_owned(), |status| status.to_string());
        let retry = if event.attempt > 0 {
            format!(" (retry {})", event.attempt)
        } else {
            String::new()
        };
        let remaining = event
            .ratelimit_remaining
            .as_deref()
            .map(|r| format!(" ratelimit-remaining={r}"))
            .unwrap_or_default();
        // The time answering is Auth0's; a wait before sending is this run's pacing.
        let waited = if event.waited >= Duration::from_millis(1) {
            format!(" (waited {}ms to be sent)", event.waited.as_millis())
        } else {
            String::new()
        };
        printer.detail(&format!(
            "{} {} {status} {}ms{remaining}{waited}{retry}",
            event.method,
            event.path,
            event.elapsed.as_millis()
        ));
    })
}
