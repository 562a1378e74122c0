//! Several tenants in one run: `tenantform plan` (no FILE) of a project with `tenants/dev.yaml`
//! and `tenants/prod.yaml`, each with its own emulated tenant (Auth0's `free` rate limit, 2
//! requests per second with a burst of 2) named in its `auth0:` block, against planning each
//! alone. Both at once should take about as long as the slower one, not the sum: each tenant
//! has its own client and rate limiter. Runs the real binary; prints a Markdown table (median
//! of `RUNS` runs). Run with `cargo bench --bench multi_tenant`.

use std::path::Path;
use std::time::{Duration, Instant};

use auth0_emulator::{Emulator, EmulatorOptions, RateLimit};
use secrecy::ExposeSecret as _;

const RUNS: usize = 3;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let project = tempfile::tempdir()?;
    copy_example(project.path())?;
    let dev = Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
    let prod = Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
    dev.set_rate_limit(RateLimit::Free);
    prod.set_rate_limit(RateLimit::Free);

    println!("| run | requests | wall (s), median of {RUNS} |");
    println!("|---|---|---|");
    let mut walls = Vec::new();
    for (label, files) in [
        ("dev alone", vec!["tenants/dev.yaml"]),
        ("prod alone", vec!["tenants/prod.yaml"]),
        ("both (`tenantform plan`)", vec![]),
    ] {
        let mut times = Vec::new();
        let before = dev.request_log().len() + prod.request_log().len();
        for _ in 0..RUNS {
            // Full buckets at the start of each run, as for a CI job started afresh.
            tokio::time::sleep(Duration::from_secs(2)).await;
            times.push(plan(project.path(), &files, &dev, &prod).await?);
        }
        times.sort_by(f64::total_cmp);
        let requests = (dev.request_log().len() + prod.request_log().len() - before) / RUNS;
        let median = times[RUNS / 2];
        walls.push(median);
        println!("| {label} | {requests} | {median:.2} |");
    }
    println!(
        "\nboth / slower alone = {:.2}; both / sum of alone = {:.2}",
        walls[2] / walls[0].max(walls[1]),
        walls[2] / (walls[0] + walls[1])
    );
    dev.shutdown().await?;
    prod.shutdown().await?;
    Ok(())
}

/// Runs `tenantform plan FILES...` in `project`; the wall time in seconds.
async fn plan(
    project: &Path,
    files: &[&str],
    dev: &Emulator,
    prod: &Emulator,
) -> anyhow::Result<f64> {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tenantform"));
    command
        .current_dir(project)
        .arg("plan")
        .args(files)
        .env("MAILGUN_API_KEY", "bench-key")
        // The rate-limit cache stays in the scratch project, never the user's home.
        .env("TENANTFORM_CACHE_DIR", project.join(".tenantform-cache"))
        .env_remove("AUTH0_DOMAIN")
        .env_remove("AUTH0_M2M_CLIENT_ID")
        .env_remove("AUTH0_M2M_CLIENT_SECRET");
    for (prefix, emulator) in [("DEV", dev), ("PROD", prod)] {
        command
            .env(format!("{prefix}_AUTH0_DOMAIN"), emulator.domain())
            .env(format!("{prefix}_AUTH0_CLIENT_ID"), emulator.client_id())
            .env(
                format!("{prefix}_AUTH0_CLIENT_SECRET"),
                emulator.client_secret().expose_secret(),
            );
    }
    let started = Instant::now();
    let output = command.output().await?;
    let wall = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        output.status.success(),
        "plan failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(wall)
}

/// The example project (tenant files, the Action, the email body), each tenant file with an
/// `auth0:` block naming its own variables.
fn copy_example(to: &Path) -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "tenants/dev.yaml",
        "tenants/prod.yaml",
        "tenants/shared/reporting-dashboard.yaml",
        "actions/post-login-verification.js",
        "emails/reset_email.html",
    ] {
        let target = to.join(file);
        std::fs::create_dir_all(target.parent().expect("a parent"))?;
        std::fs::copy(root.join(file), &target)?;
    }
    for (file, prefix) in [("tenants/dev.yaml", "DEV"), ("tenants/prod.yaml", "PROD")] {
        let path = to.join(file);
        let text = std::fs::read_to_string(&path)?;
        std::fs::write(
            &path,
            format!(
                "{text}\nauth0:\n  domain: ${{{prefix}_AUTH0_DOMAIN}}\n  client_id: ${{{prefix}_AUTH0_CLIENT_ID}}\n  client_secret: ${{{prefix}_AUTH0_CLIENT_SECRET}}\n"
            ),
        )?;
    }
    Ok(())
}
