//! Whole runs against the emulator's rate limits: export, apply from an empty tenant and apply
//! of a tenant already in sync, for the example tenant and a large one (1,000 applications,
//! 500 grants, 50 database connections each enabled for 10 applications), with the `free` and
//! `enterprise` presets. Prints requests, 429s (counted by the emulator), wall time, the
//! rate-limit floor (the time the requests need at that limit: `(requests - burst) / rate`)
//! and the ratio. Then a back-to-back sequence (apply, plan, apply, export: four clients, as
//! four processes would be) and the cost of a 10,000-application file: peak RSS and CPU of
//! validate + plan, and the plan JSON's size.
//!
//! `cargo bench --bench runs`; `TENANTFORM_BENCH=quick` seeds the large tenant without limits
//! instead of measuring its apply from empty (thousands of writes: many minutes at `free`).
//! `TENANTFORM_BENCH_ONLY=large-Enterprise` (tenant-preset) measures one combination;
//! `TENANTFORM_BENCH_DIAG=1` prints every request (time, status, rate limit left) on stderr.
//! `TENANTFORM_BENCH_REPEAT=3` measures the in-sync apply, plan and export three times each
//! and prints the median (by wall time), the most 429s of any and the range of the ratios: a
//! short run's ratio depends on where in the second it starts (Auth0's reset header is whole
//! seconds) and on what else the machine runs.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use auth0_emulator::{Emulator, EmulatorOptions, RateLimit};
use tenantform::api::{ConnectionSettings, ManagementClient};
use tenantform::apply::ApplyOptions;
use tenantform::apply::lock::{self, LockOptions};
use tenantform::apply::workflow::{ApplyRequest, apply};
use tenantform::export::kind::KindSelection;
use tenantform::export::read::read_everything;
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform::printer::Printer;
use tenantform_core::live::{LiveTenant, ReadSet};
use tenantform_core::model::TenantFile;
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;
use tenantform_core::plan::{self, PlanContext};

const APPLICATIONS: usize = 1_000;
const GRANTS: usize = 500;
const CONNECTIONS: usize = 50;
const ENABLED_PER_CONNECTION: usize = 10;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--large-file-child") {
        return large_file_child();
    }
    let quick = std::env::var("TENANTFORM_BENCH").is_ok_and(|v| v == "quick");
    let example = example_tenant();
    let large = large_tenant();
    println!(
        "| tenant | preset | run | requests | 429s | wall (s) | floor (s) | wall / floor | runs (wall / floor range) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let only = std::env::var("TENANTFORM_BENCH_ONLY").unwrap_or_default();
    let repeat: usize = std::env::var("TENANTFORM_BENCH_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1);
    for (label, tenant) in [("example", &example), ("large", &large)] {
        for preset in [RateLimit::Free, RateLimit::Enterprise] {
            if !only.is_empty() && only != format!("{label}-{preset:?}") {
                continue;
            }
            let emulator =
                Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
            if quick && label == "large" {
                // Thousands of writes: seeded without limits, not measured.
                apply_file(&connect(&emulator).await?, tenant).await?;
                emulator.set_rate_limit(preset);
            } else {
                emulator.set_rate_limit(preset);
                let from_empty = timed(&emulator, preset, async |client| {
                    apply_file(client, tenant).await
                })
                .await?;
                row(label, preset, "apply (from empty)", from_empty);
            }
            let mut in_sync = Vec::new();
            let mut plans = Vec::new();
            let mut exports = Vec::new();
            for _ in 0..repeat {
                in_sync.push(
                    timed(&emulator, preset, async |client| {
                        apply_file(client, tenant).await
                    })
                    .await?,
                );
                plans.push(
                    timed(&emulator, preset, async |client| {
                        plan_tenant(client, tenant, PlanOptions::default()).await?;
                        Ok(())
                    })
                    .await?,
                );
                exports.push(
                    timed(&emulator, preset, async |client| {
                        let every_kind = KindSelection::parse(&[], &[]).expect("every kind");
                        read_everything(client, &every_kind).await?;
                        Ok(())
                    })
                    .await?,
                );
            }
            rows(label, preset, "apply (in sync)", &in_sync);
            rows(label, preset, "plan (in sync)", &plans);
            rows(label, preset, "export", &exports);
            emulator.shutdown().await?;
        }
    }

    back_to_back(&example).await?;
    large_file()?;
    Ok(())
}

/// What one run cost.
#[derive(Clone, Copy)]
struct Run {
    requests: usize,
    rate_limited: usize,
    wall: Duration,
    floor: f64,
}

fn row(tenant: &str, preset: RateLimit, run: &str, measured: Run) {
    rows(tenant, preset, run, &[measured]);
}

/// One line for the repetitions of a run: the median one (by wall / floor), the most 429s any
/// of them got, and the range of their ratios.
fn rows(tenant: &str, preset: RateLimit, run: &str, measured: &[Run]) {
    let ratio = |run: &Run| (run.floor > 0.0).then(|| run.wall.as_secs_f64() / run.floor);
    let mut sorted = measured.to_vec();
    sorted.sort_by_key(|run| run.wall);
    let median = sorted[sorted.len() / 2];
    let rate_limited = measured
        .iter()
        .map(|run| run.rate_limited)
        .max()
        .unwrap_or(0);
    let format = |ratio: Option<f64>| ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"));
    let range = match (
        sorted.first().and_then(ratio),
        sorted.last().and_then(ratio),
    ) {
        (Some(low), Some(high)) => format!("{} ({low:.2}-{high:.2})", measured.len()),
        _ => format!("{} (-)", measured.len()),
    };
    println!(
        "| {tenant} | {preset:?} | {run} | {} | {rate_limited} | {:.1} | {:.1} | {} | {range} |",
        median.requests,
        median.wall.as_secs_f64(),
        median.floor,
        format(ratio(&median)),
    );
}

/// Runs `work` with a new client (a new process's), counting the Management API requests in
/// the emulator's log.
async fn timed(
    emulator: &Emulator,
    preset: RateLimit,
    work: impl AsyncFnOnce(&ManagementClient) -> anyhow::Result<()>,
) -> anyhow::Result<Run> {
    // Start from a full bucket, as the floor assumes (the previous run drained it).
    let bucket = preset.global_bucket().expect("a limited preset");
    tokio::time::sleep(Duration::from_secs_f64(
        f64::from(bucket.burst) / bucket.per_second + 0.1,
    ))
    .await;
    let before = emulator.request_log().len();
    let client = connect(emulator).await?;
    let started = Instant::now();
    work(&client).await?;
    let wall = started.elapsed();
    if std::env::var("TENANTFORM_BENCH_DIAG").is_ok() {
        eprintln!("work done after {:.3}", wall.as_secs_f64());
    }
    let log = emulator.request_log();
    let answered: Vec<_> = log[before..]
        .iter()
        .filter(|entry| entry.path.starts_with("/api/v2/"))
        .collect();
    let rate_limited = answered.iter().filter(|e| e.status == 429).count();
    let requests = answered.len();
    let necessary = requests - rate_limited;
    #[allow(clippy::cast_precision_loss)]
    let floor = necessary.saturating_sub(bucket.burst as usize) as f64 / bucket.per_second;
    Ok(Run {
        requests,
        rate_limited,
        wall,
        floor,
    })
}

/// An apply as `tenantform apply` runs it: holding the apply lock (its two writes counted),
/// which also spares the check for a same-named copy after each application create.
async fn apply_file(client: &ManagementClient, tenant: &TenantFile) -> anyhow::Result<()> {
    // Kept, not printed: the plans of thousands of changes would drown the table.
    let (printer, _kept) = Printer::plain().capturing();
    let request = ApplyRequest {
        tenant: Some(tenant),
        saved: None,
        variables: variables(),
        plan_options: PlanOptions::default(),
        options: ApplyOptions::default(),
        auto_approve: true,
    };
    let lease = lock::acquire(client, LockOptions::default(), &|_| {}).await?;
    let outcome = Box::pin(lease.scope(apply(client, request, &printer))).await;
    lease.release().await?;
    let outcome = outcome?;
    anyhow::ensure!(outcome.is_success(), "apply ended {outcome:?}");
    Ok(())
}

/// apply, plan, apply, export at `free`, each with its own client (as separate processes
/// would be, passing on the rate limiter's state in a cache file), without a pause between.
async fn back_to_back(tenant: &TenantFile) -> anyhow::Result<()> {
    let emulator = Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
    emulator.set_rate_limit(RateLimit::Free);
    let cache = tempfile::tempdir()?;
    let process = async || connect_caching(&emulator, Some(cache.path())).await;
    let started = Instant::now();
    apply_file(&process().await?, tenant).await?;
    plan_tenant(&process().await?, tenant, PlanOptions::default()).await?;
    apply_file(&process().await?, tenant).await?;
    read_everything(
        &process().await?,
        &KindSelection::parse(&[], &[]).expect("every kind"),
    )
    .await?;
    let log = emulator.request_log();
    let requests = log
        .iter()
        .filter(|e| e.path.starts_with("/api/v2/"))
        .count();
    let refused = log.iter().filter(|e| e.status == 429).count();
    println!(
        "\nback to back at Free (example: apply, plan, apply, export): {requests} requests, {refused} 429s, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    emulator.shutdown().await?;
    Ok(())
}

async fn connect(emulator: &Emulator) -> anyhow::Result<ManagementClient> {
    connect_caching(emulator, None).await
}

/// A client that keeps the rate limiter's state between runs in `cache`, as the CLI does.
async fn connect_caching(
    emulator: &Emulator,
    cache: Option<&Path>,
) -> anyhow::Result<ManagementClient> {
    let mut settings = ConnectionSettings::new(
        &emulator.domain(),
        emulator.client_id().to_owned(),
        emulator.client_secret().clone(),
    )?;
    settings.rate_limit_cache = cache.map(|dir| dir.join("rate-limits.json"));
    if std::env::var("TENANTFORM_BENCH_DIAG").is_ok() {
        let start = Instant::now();
        let observers = tenantform::api::Observers {
            request: Some(std::sync::Arc::new(
                move |e: &tenantform::api::RequestEvent| {
                    eprintln!(
                        "{:>7.3} {:?} {} {} rem={:?}",
                        start.elapsed().as_secs_f64(),
                        e.status,
                        e.method,
                        e.path,
                        e.ratelimit_remaining
                    );
                },
            )),
            ..Default::default()
        };
        return Ok(ManagementClient::connect_with_observers(settings, observers).await?);
    }
    Ok(ManagementClient::connect(settings).await?)
}

fn variables() -> Variables {
    Variables::from_map(HashMap::from([(
        "MAILGUN_API_KEY".to_owned(),
        "bench-key".to_owned(),
    )]))
}

fn example_tenant() -> TenantFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    load(&root.join("tenants/dev.yaml"))
}

fn load(path: &Path) -> TenantFile {
    let (loaded, diagnostics) = load_tenant_with(
        path,
        &variables(),
        LoadOptions {
            require_secrets: true,
        },
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    loaded.expect("the tenant file loads").tenant
}

/// A tenant file with `applications` M2M applications, the first `grants` granted the
/// Management API, and `connections` database connections each enabled for
/// `ENABLED_PER_CONNECTION` applications.
fn tenant_yaml(applications: usize, grants: usize, connections: usize) -> String {
    let mut yaml = String::from("applications:\n");
    for index in 0..applications {
        let _ = writeln!(
            yaml,
            "  app-{index:05}:\n    name: Benchmark App {index:05}\n    app_type: non_interactive\n    grant_types: [client_credentials]"
        );
    }
    yaml.push_str("grants:\n");
    for index in 0..grants {
        let _ = writeln!(
            yaml,
            "  - application: app-{index:05}\n    audience: management-api\n    scopes: [read:users]"
        );
    }
    yaml.push_str("connections:\n");
    for index in 0..connections {
        let enabled: Vec<String> = (0..ENABLED_PER_CONNECTION)
            .map(|offset| {
                format!(
                    "app-{:05}",
                    (index * ENABLED_PER_CONNECTION + offset) % applications
                )
            })
            .collect();
        let _ = writeln!(
            yaml,
            "  bench-users-{index:03}:\n    disable_signup: true\n    enabled_applications: [{}]",
            enabled.join(", ")
        );
    }
    yaml
}

fn large_tenant() -> TenantFile {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("large.yaml");
    std::fs::write(&path, tenant_yaml(APPLICATIONS, GRANTS, CONNECTIONS)).expect("written");
    load(&path)
}

/// Runs the 10,000-application measurement in a child process, so its peak RSS is its own.
fn large_file() -> anyhow::Result<()> {
    let output = std::process::Command::new(std::env::current_exe()?)
        .arg("--large-file-child")
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    print!("\n{}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

/// Validate (load) and plan a 10,000-application, 100-connection file against an empty
/// tenant, then report CPU time, peak RSS and the plan JSON's size.
fn large_file_child() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("huge.yaml");
    std::fs::write(&path, tenant_yaml(10_000, 1_000, 100))?;
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let tenant = load(&path);
    let loaded = cpu_seconds() - cpu_before;
    let context = PlanContext {
        origin: "https://bench.auth0.com".to_owned(),
        own_client_id: None,
        allow_delete: false,
        force_secrets: false,
        show_unmanaged: false,
    };
    let plan = plan::diff(
        &tenant,
        &LiveTenant::default(),
        ReadSet::for_tenant(&tenant),
        &context,
    );
    let cpu = cpu_seconds() - cpu_before;
    let wall = started.elapsed().as_secs_f64();
    let json = serde_json::to_vec_pretty(&plan)?;
    #[allow(clippy::cast_precision_loss)]
    let megabytes = json.len() as f64 / 1_000_000.0;
    println!(
        "10,000 applications x 100 connections, validate + plan: {cpu:.2} s CPU (validate {loaded:.2} s; {wall:.2} s wall), peak RSS {} MB, {} changes, plan JSON {megabytes:.1} MB",
        peak_rss_kb() / 1024,
        plan.summary().total()
    );
    Ok(())
}

/// User + system CPU of this process (Linux `/proc/self/stat`, in clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line; 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident set size (Linux `VmHWM`, kB).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
