//! A local Auth0 tenant: the Management API (and its token endpoint) with Auth0's status
//! codes, bodies, defaults and quirks, plus rate limits, injected faults and a request log.
//! `tenantform emulate` runs it; tests start it in-process on `127.0.0.1:0`.

mod auth;
mod errors;
mod faults;
mod jitter;
pub mod login_actions;
mod messages;
mod oidc;
mod oidc_keys;
mod options;
mod paging;
mod password_policy;
mod password_ticket;
mod rate_limit;
mod request_log;
mod routes;
mod server;
mod state_file;
mod store;
mod user_query;
mod user_sort;
mod validation;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use hyper_util::rt::TokioIo;
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

pub use login_actions::RuntimeOptions;
pub use messages::{Message, MessageSink};
pub use options::{EmulatorOptions, RateLimit};
pub use request_log::RequestLogEntry;

use rate_limit::RateLimiter;
use server::{DropConnection, Shared};
use store::{ALNUM, SECRET_CHARS, Store, random_string};

/// A running emulator.
pub struct Emulator {
    domain: String,
    client_id: String,
    client_secret: SecretString,
    shared: Arc<Shared>,
    state_file: Option<PathBuf>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Returned by the connection service to make hyper close the connection unanswered.
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for ConnectionDropped {}

impl Emulator {
    /// Binds `listen` (port 0 = free port), seeds a fresh tenant (or loads
    /// `options.state_file`), serves in a tokio task.
    pub async fn start(listen: SocketAddr, options: EmulatorOptions) -> anyhow::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        let domain = format!("http://{address}");

        let loaded = match &options.state_file {
            Some(path) => state_file::load(path)?,
            None => None,
        };
        let (client_id, client_secret) = match (&options.client_id, &options.client_secret, &loaded)
        {
            (Some(id), Some(secret), _) => (id.clone(), secret.expose_secret().to_owned()),
            (_, _, Some(store)) => {
                let secret = store
                    .clients
                    .get(&store.m2m_client_id)
                    .and_then(|c| c.get("client_secret"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                (store.m2m_client_id.clone(), secret)
            }
            _ => (random_string(32, ALNUM), random_string(64, SECRET_CHARS)),
        };
        let store = match loaded {
            Some(mut store) => {
                store.rebase_domain(&domain);
                store.ensure_m2m(&client_id, &client_secret);
                store
            }
            None => Store::fresh(&domain, &client_id, &client_secret),
        };
        let mut store = store;
        store.clock.action_build_ms =
            i64::try_from(options.action_build_time.as_millis()).unwrap_or(i64::MAX);
        let messages = messages::Messages::new(options.messages.clone());
        let actions = match login_actions::ActionsRuntime::new(options.actions.clone()) {
            Ok(runtime) => Some(runtime),
            Err(error) => {
                messages.emulator(
                    "warn",
                    format!(
                        "post-login Actions will not run: cannot write the runtime script: {error}"
                    ),
                );
                None
            }
        };

        let shared = Arc::new(Shared {
            domain: domain.clone(),
            store: Mutex::new(store),
            log: request_log::RequestLog::open(options.request_log.as_deref())
                .context("cannot open the request log")?,
            limiter: Mutex::new(RateLimiter::new(
                options.rate_limit,
                server::epoch_seconds(),
            )),
            fault_probability: AtomicU64::new(options.faults.clamp(0.0, 1.0).to_bits()),
            seed: options.seed,
            request_index: AtomicU64::new(0),
            jitter: jitter::Jitter::default(),
            slow_response: options.slow_response,
            response_delay: AtomicU64::new(0),
            oidc: oidc::OidcState::default(),
            actions,
            messages,
        });
        let router = axum::Router::new()
            .fallback(server::handle)
            .with_state(shared.clone());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, router, stopped));
        Ok(Emulator {
            domain,
            client_id,
            client_secret: SecretString::from(client_secret),
            shared,
            state_file: options.state_file,
            stop,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`, what `AUTH0_DOMAIN` is set to.
    pub fn domain(&self) -> String {
        self.domain.clone()
    }

    /// The M2M client tenantform authenticates as.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// Every request so far (the same entries as `--request-log`).
    pub fn request_log(&self) -> Vec<RequestLogEntry> {
        self.shared.log.entries()
    }

    /// What the emulator said so far: Actions' console output and errors, warnings.
    pub fn messages(&self) -> Vec<Message> {
        self.shared.messages.all()
    }

    /// The email provider's credentials as the tenant stored them, secrets included (Auth0
    /// never returns those, and the request log masks them): for tests that check a
    /// write-only value reached the tenant. Not part of the emulator's API.
    #[doc(hidden)]
    pub fn stored_email_provider_credentials(&self) -> Option<serde_json::Value> {
        let store = self.shared.store.lock().expect("store lock");
        store.email_provider.as_ref()?.get("credentials").cloned()
    }

    /// The secret values of the Action named `name` as the tenant stored them, in order (Auth0
    /// returns names only): for tests, like [`Self::stored_email_provider_credentials`].
    #[doc(hidden)]
    pub fn stored_action_secrets(&self, name: &str) -> Option<Vec<(String, String)>> {
        let store = self.shared.store.lock().expect("store lock");
        let action = store.action_by_name(name)?;
        Some(
            action
                .secret_values
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        )
    }

    /// `node --version` of the Node that runs post-login Actions, or why there is none.
    pub async fn actions_node(&self) -> Result<String, login_actions::RuntimeError> {
        match &self.shared.actions {
            Some(runtime) => runtime.node_version().await,
            None => Err(login_actions::RuntimeError::Failed(
                "the Actions runtime could not be set up".into(),
            )),
        }
    }

    /// Moves the tenant's clock on (Action builds finish with time): tests advance it
    /// instead of sleeping.
    pub fn advance_clock(&self, by: Duration) {
        self.shared
            .store
            .lock()
            .expect("store lock")
            .clock
            .offset_ms += i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
    }

    /// Tests seed a tenant first, then turn faults on.
    pub fn set_faults(&self, probability: f64) {
        self.shared
            .fault_probability
            .store(probability.clamp(0.0, 1.0).to_bits(), Ordering::SeqCst);
    }

    /// Pauses each Management API request for a random time up to `max` (zero: off) before
    /// serving it, so concurrent clients interleave differently with each seed.
    pub fn set_jitter(&self, max: Duration) {
        self.shared.jitter.set(max);
    }

    /// Holds every Management API and token answer back by `delay` (zero: off), as a slow
    /// tenant would.
    pub fn set_response_delay(&self, delay: Duration) {
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        self.shared.response_delay.store(micros, Ordering::SeqCst);
    }

    pub fn set_rate_limit(&self, rate_limit: RateLimit) {
        *self.shared.limiter.lock().expect("limiter lock") =
            RateLimiter::new(rate_limit, server::epoch_seconds());
    }

    /// Stops accepting, lets open requests finish (up to 5 s), saves the state file.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("the emulator task failed")?;
        if let Some(path) = &self.state_file {
            let store = self.shared.store.lock().expect("store lock").clone();
            state_file::save(path, &store)?;
        }
        Ok(())
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    mut stopped: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let router = router.clone();
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    async move {
                        let response = router.oneshot(request.map(axum::body::Body::new)).await;
                        let Ok(response) = response;
                        if response.extensions().get::<DropConnection>().is_some() {
                            return Err(ConnectionDropped);
                        }
                        Ok(response)
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    // Errors here are dropped connections (injected or by the client).
                    let _ = connection.await;
                });
            }
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), graceful.shutdown()).await;
}
