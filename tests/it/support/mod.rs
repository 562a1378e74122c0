//! What every area of the integration binary shares: the CLI builder ([`Cli`]), the sentinel
//! secrets ([`sentinel`]), the project's directory, and the emulator's own test client
//! ([`emulator`]).

mod cli;
pub mod sentinel;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use auth0_emulator::Emulator;
use tenantform::api::{ConnectionSettings, ManagementClient, RequestObserver};

pub use cli::{Cli, Output};

/// The emulator's test client (start an emulator, get a token, call the Management API with
/// plain `reqwest`, read Auth0's rate-limit answers): the file the auth0-emulator crate's own
/// tests use, included rather than copied. tenantform's tests use part of it.
#[path = "../../../crates/auth0-emulator/tests/it/support.rs"]
#[allow(dead_code)]
pub mod emulator;

/// The workspace root: the example project and the fixtures are found from here.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// tenantform's own Management API client, authenticated as `emulator`'s M2M client.
pub async fn management_client(emulator: &Emulator) -> ManagementClient {
    ManagementClient::connect(connection_settings(emulator))
        .await
        .expect("token")
}

/// The same, with a request timeout of `timeout` (fault tests).
pub async fn management_client_with_timeout(
    emulator: &Emulator,
    timeout: Duration,
) -> ManagementClient {
    let mut settings = connection_settings(emulator);
    settings.timeout = timeout;
    ManagementClient::connect(settings).await.expect("token")
}

/// A client as a CLI process gets it: it keeps the rate limiter's state between runs in the
/// directory `cache` (a temporary one, never the real home).
pub async fn process_client(emulator: &Emulator, cache: &Path) -> ManagementClient {
    let mut settings = connection_settings(emulator);
    settings.rate_limit_cache = Some(cache.join("rate-limits.json"));
    ManagementClient::connect(settings).await.expect("token")
}

/// A client that tells `observer` of every request it sends.
pub async fn observed_client(emulator: &Emulator, observer: RequestObserver) -> ManagementClient {
    ManagementClient::connect_with_observer(connection_settings(emulator), Some(observer))
        .await
        .expect("token")
}

/// A client whose requests time out after `timeout`, and which turns `emulator`'s faults off
/// as soon as it sends a POST: with faults turned on (1.0) before a write, exactly that write
/// meets one.
pub async fn client_faulting_first_post(
    emulator: &Arc<Emulator>,
    timeout: Duration,
) -> ManagementClient {
    let after_post = Arc::clone(emulator);
    let observer: RequestObserver = Arc::new(move |event| {
        if event.method == reqwest::Method::POST {
            after_post.set_faults(0.0);
        }
    });
    let mut settings = connection_settings(emulator);
    settings.timeout = timeout;
    ManagementClient::connect_with_observer(settings, Some(observer))
        .await
        .expect("token")
}

fn connection_settings(emulator: &Emulator) -> ConnectionSettings {
    ConnectionSettings::new(
        &emulator.domain(),
        emulator.client_id(),
        emulator.client_secret().clone(),
    )
    .expect("settings")
}
