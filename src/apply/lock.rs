//! The apply lock: an advisory lock held in the tenant itself, so that two applies (two CI
//! runs after two merges, a retry) never plan and write at the same time.
//!
//! # What holds it
//!
//! Auth0 has no lock API and no conditional write (no ETag, no `If-Match`): every PATCH is
//! last-writer-wins. A lock kept in a field, e.g. a dedicated client's `client_metadata` or a
//! tenant setting, has the classic race: two runs read "free", both write their name, both
//! believe they hold it. What Auth0 does offer atomically is a *create of a unique key*: a
//! second `POST` with a taken key answers 409. So the lock is a resource whose key is unique:
//! an API (resource server) with the identifier [`LOCK_IDENTIFIER`]. `POST /resource-servers`
//! with that identifier is a test-and-set: exactly one run gets 201, the others 409.
//!
//! Why an API and not another uniquely named resource: a database connection is unique by
//! name but not inert (a new connection can be enabled for every application and offer
//! sign-up); an Action is unique by name but every create and renewal starts a Node build; a
//! client's name is not unique at all (which is how the duplicates of issue 13 happened).
//! An API that no client has a grant for does nothing: no login, token or Action uses it. It
//! shows under Applications > APIs while an apply runs, named after the run that holds it.
//!
//! The M2M application therefore needs `create:resource_servers`, `read:resource_servers`,
//! `update:resource_servers` and `delete:resource_servers`; without them apply says so
//! (`--lock=false` skips the lock, for a tenant only one run ever applies to).
//!
//! # Holding, renewing, expiry, fencing
//!
//! - **Take**: `POST` the API. 201: held. 409: someone holds it; read it and wait. An unknown
//!   outcome (timeout, 5xx, a dropped connection) is settled by reading it: the API's name
//!   carries a random run token, so a run recognises a lock it created whose answer was lost.
//! - **Renew**: while held, a background task renames the API every `ttl / 4` (the name
//!   carries a renewal counter), `PATCH /resource-servers/{id}` by the lock's own id.
//! - **Expiry** without trusting clocks across machines: a waiter takes over only a lock it
//!   has seen *unchanged* (same id, same name) for `ttl` on its own clock, i.e. whose holder
//!   missed about four renewals (a killed run, a lost machine). It deletes that lock *by its
//!   id* (never by identifier, which could delete a newer lock) and then creates its own with
//!   the same test-and-set, so two waiters taking over at once still end with one holder.
//! - **Fencing**: a holder whose renewal answers 404 has been taken over; a holder that could
//!   not renew for `ttl / 2` (measured from when it *sent* its last successful renewal, so
//!   before any waiter can have seen `ttl` without a change) must assume it will be. Either
//!   way the executor skips every remaining change, which the report lists, and the run
//!   exits 1.
//! - **Release**: stop renewing, `DELETE /resource-servers/{id}` by id. The `apply` command
//!   also releases it when interrupted (SIGINT, SIGTERM) before it exits.
//!
//! The lock is held around planning as well as executing (and the verifying plan): a run
//! that waited plans the tenant the other run left, so it never creates what the other
//! created. A plan saved earlier is checked against the tenant under the lock as usual.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng as _;
use serde_json::json;
use tokio::task::JoinHandle;

use super::create::outcome_unknown;
use super::run::text;
use crate::api::{ApiError, ManagementClient};

/// The identifier of the API that is the lock (planning and export never see it: the live
/// normalizer leaves it out).
pub use tenantform_core::live::APPLY_LOCK_IDENTIFIER as LOCK_IDENTIFIER;

/// How a run takes the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockOptions {
    /// How long to wait for a lock another run holds (zero: fail at once).
    pub timeout: Duration,
    /// A lock seen unchanged (not renewed) for this long is stale and taken over.
    pub ttl: Duration,
    /// How often a waiter looks again (with up to 50% random jitter added).
    pub poll: Duration,
}

impl Default for LockOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            ttl: Duration::from_secs(120),
            poll: Duration::from_secs(2),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another apply holds the tenant's apply lock ({holder}); gave up after waiting {waited:.0?} (--lock-timeout). \
         Run apply again when it is done. A lock whose run died is taken over once it has not been renewed for {ttl:?}"
    )]
    Held {
        holder: String,
        waited: Duration,
        ttl: Duration,
    },
    #[error(
        "cannot take the apply lock: {source}. apply keeps a lock in the tenant (the API `{LOCK_IDENTIFIER}`) so that two applies never run at once; \
         give the M2M application the create:resource_servers, read:resource_servers, update:resource_servers and delete:resource_servers scopes, \
         or pass --lock=false if no other apply can run against this tenant"
    )]
    Scopes { source: ApiError },
    #[error("cannot take the apply lock: {0}")]
    Api(#[from] ApiError),
}

/// What a waiting run hears about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockWait {
    /// Another run holds the lock (its description).
    Held(String),
    /// The lock was not renewed for the ttl: taking it over.
    Stale(String),
}

/// A held lock. Renewed in the background until [`Lease::release`]; dropping it stops the
/// renewals and leaves the lock to expire (as a killed run does).
pub struct Lease {
    client: ManagementClient,
    id: String,
    state: Arc<LeaseState>,
    renewals: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("id", &self.id)
            .field("lost", &self.state.lost())
            .finish_non_exhaustive()
    }
}

/// What the executor asks: is the lock still ours?
#[derive(Debug)]
struct LeaseState {
    ttl: Duration,
    /// A renewal answered 404: another run took the lock over.
    taken_over: AtomicBool,
    /// When the last successful renewal (or the create) was sent.
    renewed: Mutex<Instant>,
}

impl LeaseState {
    fn lost(&self) -> Option<String> {
        if self.taken_over.load(Ordering::SeqCst) {
            return Some(
                "the apply lock was taken over by another run (this run had not renewed it in time); nothing more is sent"
                    .to_owned(),
            );
        }
        let since = self.renewed.lock().expect("lease lock").elapsed();
        (since > self.ttl / 2).then(|| {
            format!(
                "the apply lock could not be renewed for {since:.0?}; another run may take it over, so nothing more is sent"
            )
        })
    }
}

tokio::task_local! {
    static HELD: Arc<LeaseState>;
}

/// Why the run must stop writing: the lock held around it ([`Lease::scope`]) is lost. `None`
/// when it is held, or when the run holds no lock (`--lock=false`, library callers).
pub(super) fn lost() -> Option<String> {
    HELD.try_with(|state| state.lost()).ok().flatten()
}

/// Whether the run holds the apply lock now (so no other run that takes it is writing).
pub(super) fn held() -> bool {
    HELD.try_with(|state| state.lost().is_none())
        .unwrap_or(false)
}

impl Lease {
    /// Runs `work` as the holder: the executor checks the lock before each change.
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        HELD.scope(Arc::clone(&self.state), work).await
    }

    /// The lock's id (the API's `id`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Stops renewing and deletes the lock (by its id: a lock another run took over is not
    /// touched).
    pub async fn release(mut self) -> Result<(), ApiError> {
        if let Some(renewals) = self.renewals.take() {
            renewals.abort();
            let _ = renewals.await;
        }
        let released = self.client.delete(&["resource-servers", &self.id]).await;
        // The release is the run's last request, after the verification plan recorded when
        // the bucket holds a token again: record it anew, or the next run spends the token
        // this release took.
        self.client.remember_rate_limits();
        match released {
            Err(error) if !error.is_not_found() => Err(error),
            _ => Ok(()),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(renewals) = self.renewals.take() {
            renewals.abort();
        }
    }
}

/// Who holds a lock, for the other runs: user, host, process.
fn holder() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned());
    let mut who = format!("{user}@{host} pid {}", std::process::id());
    who.retain(|c| c != '<' && c != '>' && !c.is_control());
    who.chars().take(80).collect()
}

/// The API's name (at most 200 characters, no `<` or `>`, as Auth0 requires).
fn label(holder: &str, since: &str, token: &str, renewal: u64) -> String {
    format!("tenantform apply lock: {holder} since {since}, run {token}, renewal {renewal}")
}

/// Takes the apply lock, waiting up to `options.timeout` for another run's; `on_wait` hears
/// about each holder waited for and each stale lock taken over.
pub async fn acquire(
    client: &ManagementClient,
    options: LockOptions,
    on_wait: &(dyn Fn(&LockWait) + Sync),
) -> Result<Lease, LockError> {
    let token: String = {
        let mut rng = rand::rng();
        (0..12)
            .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
            .collect()
    };
    let who = holder();
    let since = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mine = format!("run {token},");
    let started = Instant::now();
    // The other run's lock as first seen unchanged: (id, name, since when).
    let mut seen: Option<(String, String, Instant)> = None;
    let mut announced: Option<String> = None;
    let mut unsettled = 0u32;
    loop {
        let body = json!({"identifier": LOCK_IDENTIFIER, "name": label(&who, &since, &token, 0)});
        let sent = Instant::now();
        let answer = client.post(&["resource-servers"], &body).await;
        let conflict = match answer {
            Ok(created) => {
                return Ok(start(
                    client,
                    text(&created, "id"),
                    sent,
                    &who,
                    &since,
                    &token,
                    options,
                ));
            }
            Err(error) if error.is_conflict() => true,
            Err(error) if outcome_unknown(&error) => false,
            Err(error) if error.status() == Some(403) => {
                return Err(LockError::Scopes { source: error });
            }
            Err(error) => return Err(error.into()),
        };
        let Some(current) = client
            .get_optional(&["resource-servers", LOCK_IDENTIFIER], &[])
            .await?
        else {
            if !conflict {
                // The create failed without creating: try again after a pause.
                unsettled += 1;
                tokio::time::sleep(
                    options.poll.min(Duration::from_millis(200)) * unsettled.min(10),
                )
                .await;
            }
            // Released in between: try again.
            continue;
        };
        let (id, name) = (text(&current, "id"), text(&current, "name"));
        if name.contains(&mine) {
            // Our own create, whose answer was lost.
            return Ok(start(client, id, sent, &who, &since, &token, options));
        }
        match &seen {
            Some((seen_id, seen_name, first)) if *seen_id == id && *seen_name == name => {
                if first.elapsed() >= options.ttl {
                    on_wait(&LockWait::Stale(name.clone()));
                    match client.delete(&["resource-servers", &id]).await {
                        Err(error) if !error.is_not_found() => return Err(error.into()),
                        _ => {}
                    }
                    seen = None;
                    continue;
                }
            }
            _ => seen = Some((id.clone(), name.clone(), Instant::now())),
        }
        if announced.as_deref() != Some(id.as_str()) {
            on_wait(&LockWait::Held(name.clone()));
            announced = Some(id);
        }
        let waited = started.elapsed();
        if waited >= options.timeout {
            return Err(LockError::Held {
                holder: name,
                waited,
                ttl: options.ttl,
            });
        }
        let jitter = rand::rng().random_range(0.0..0.5);
        let pause = options.poll.mul_f64(1.0 + jitter);
        tokio::time::sleep(pause.min(options.timeout.saturating_sub(waited))).await;
    }
}

/// The lease of a lock just created (or recognised as ours), renewing in the background.
fn start(
    client: &ManagementClient,
    id: String,
    sent: Instant,
    who: &str,
    since: &str,
    token: &str,
    options: LockOptions,
) -> Lease {
    let state = Arc::new(LeaseState {
        ttl: options.ttl,
        taken_over: AtomicBool::new(false),
        renewed: Mutex::new(sent),
    });
    let renewals = tokio::spawn(renew(
        client.clone(),
        id.clone(),
        Arc::clone(&state),
        (who.to_owned(), since.to_owned(), token.to_owned()),
        options.ttl / 4,
    ));
    Lease {
        client: client.clone(),
        id,
        state,
        renewals: Some(renewals),
    }
}

/// Renames the lock every `every` until aborted or taken over.
async fn renew(
    client: ManagementClient,
    id: String,
    state: Arc<LeaseState>,
    (who, since, token): (String, String, String),
    every: Duration,
) {
    let mut renewal = 0;
    loop {
        tokio::time::sleep(every).await;
        renewal += 1;
        let sent = Instant::now();
        let body = json!({"name": label(&who, &since, &token, renewal)});
        match client.patch(&["resource-servers", &id], &body).await {
            Ok(_) => *state.renewed.lock().expect("lease lock") = sent,
            Err(error) if error.is_not_found() => {
                state.taken_over.store(true, Ordering::SeqCst);
                return;
            }
            // Transient: the next renewal may get through; `lost` counts the time.
            Err(_) => {}
        }
    }
}

/// `--lock-timeout`: a whole number with a unit, `ms`, `s`, `m` or `h` (`90s`, `5m`, `0s`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30s, 5m or 1h"))?;
    let seconds = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(number)),
        "s" | "" if number == 0 => 0,
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        _ => return Err(format!("`{text}` is not a duration such as 30s, 5m or 1h")),
    };
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_timeouts_read_like_terraforms() {
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn the_label_fits_auth0s_rules_for_an_api_name() {
        let who = holder();
        let name = label(&who, "2026-01-01T00:00:00Z", "0123456789ab", 999_999);
        assert!(name.len() <= 200, "{name}");
        assert!(!name.contains('<') && !name.contains('>'));
    }

    #[test]
    fn a_lease_not_renewed_for_half_its_ttl_is_lost() {
        let state = LeaseState {
            ttl: Duration::from_millis(100),
            taken_over: AtomicBool::new(false),
            renewed: Mutex::new(Instant::now()),
        };
        assert_eq!(state.lost(), None);
        *state.renewed.lock().unwrap() = Instant::now()
            .checked_sub(Duration::from_millis(60))
            .unwrap();
        assert!(state.lost().unwrap().contains("could not be renewed"));
        state.taken_over.store(true, Ordering::SeqCst);
        assert!(state.lost().unwrap().contains("taken over"));
    }
}
