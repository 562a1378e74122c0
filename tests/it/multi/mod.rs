//! Several tenants in one run: a project with `tenants/dev.yaml` and `tenants/prod.yaml`, each
//! naming its own emulated tenant and credential variables in its `auth0:` block, and a layer
//! both extend. `plan` and `apply` without FILE work on both at once, save and apply one plan
//! per tenant, keep each tenant's output together, and give one exit code; a failure or a stale
//! plan in one tenant leaves the other alone. Also `show`, the step summary, the precedence of
//! the connection options, and `--verbose`.

use std::time::Duration;

use auth0_emulator::{Emulator, RateLimit};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

use crate::support::emulator::{Api, start};
use crate::support::{Cli, Output};

const BASE: &str = "\
applications:
  dashboard:
    name: Reporting Dashboard
    app_type: regular_web
    callbacks: [http://localhost:8501/oauth2callback]
";

/// A tenant file extending the base, for the tenant whose variables start with `prefix`.
fn tenant_file(prefix: &str, friendly_name: &str) -> String {
    format!(
        "extends: [base.yaml]\n\
         auth0:\n  domain: ${{{prefix}_AUTH0_DOMAIN}}\n  client_id: ${{{prefix}_AUTH0_CLIENT_ID}}\n  \
         client_secret: ${{{prefix}_AUTH0_CLIENT_SECRET}}\n\
         tenant:\n  friendly_name: {friendly_name}\n"
    )
}

struct Project {
    dir: tempfile::TempDir,
    dev: Emulator,
    prod: Emulator,
}

impl Project {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let tenants = dir.path().join("tenants");
        std::fs::create_dir(&tenants).unwrap();
        std::fs::write(tenants.join("base.yaml"), BASE).unwrap();
        std::fs::write(tenants.join("dev.yaml"), tenant_file("DEV", "Acme (dev)")).unwrap();
        std::fs::write(tenants.join("prod.yaml"), tenant_file("PROD", "Acme")).unwrap();
        let (dev, prod) = tokio::join!(start(), start());
        Self { dir, dev, prod }
    }

    /// The CLI in the project, with each tenant's variables (and no `AUTH0_*`).
    fn cli(&self) -> Cli {
        let mut cli = Cli::new().current_dir(self.dir.path());
        for (prefix, emulator) in [("DEV", &self.dev), ("PROD", &self.prod)] {
            let secret = emulator.client_secret().expose_secret().to_owned();
            cli = cli
                .env(&format!("{prefix}_AUTH0_DOMAIN"), &emulator.domain())
                .env(&format!("{prefix}_AUTH0_CLIENT_ID"), emulator.client_id())
                .env(&format!("{prefix}_AUTH0_CLIENT_SECRET"), &secret)
                .secret(secret);
        }
        cli
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(relative))
            .unwrap_or_else(|error| panic!("{relative}: {error}"))
    }

    fn saved_plan(&self, stem: &str) -> Value {
        serde_json::from_str(&self.read(&format!("plans/{stem}.plan.json"))).unwrap()
    }
}

/// The client ids that asked `emulator` for a token.
fn token_clients(emulator: &Emulator) -> Vec<String> {
    emulator
        .request_log()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .filter_map(|r| {
            r.body
                .as_ref()?
                .get("client_id")?
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Management API writes (the apply lock, an API, aside).
fn writes(emulator: &Emulator) -> Vec<String> {
    emulator
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/") && r.method != "GET")
        .filter(|r| !r.path.starts_with("/api/v2/resource-servers"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn position(run: &Output, needle: &str) -> usize {
    run.stdout
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in stdout:\n{run}"))
}

async fn run(cli: Cli) -> Output {
    cli.run_async().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_without_files_plans_every_tenant_with_its_own_credentials_and_saves_each() {
    let project = Project::new().await;
    let planned = run(project
        .cli()
        .args(["plan", "--detailed-exitcode", "--out", "plans"]))
    .await;
    planned.assert_code(2);
    // Grouped per file, in file order; the layer is not a tenant.
    let dev = position(&planned, "== tenants/dev.yaml ==");
    let prod = position(&planned, "== tenants/prod.yaml ==");
    assert!(dev < prod, "{planned}");
    assert!(!planned.all().contains("base.yaml =="), "{planned}");
    assert_eq!(
        planned
            .stdout
            .matches("Plan: 1 to create, 1 to update")
            .count(),
        2
    );
    // Each tenant was read with its own credentials, from its own block.
    assert_eq!(token_clients(&project.dev), [project.dev.client_id()]);
    assert_eq!(token_clients(&project.prod), [project.prod.client_id()]);
    // One plan per tenant, each for its own tenant, none holding a secret.
    for (stem, emulator) in [("dev", &project.dev), ("prod", &project.prod)] {
        let plan = project.saved_plan(stem);
        assert_eq!(plan["origin"], json!(emulator.domain()), "{stem}");
        let text = project.read(&format!("plans/{stem}.plan.json"));
        assert!(!text.contains(project.dev.client_secret().expose_secret()));
        assert!(!text.contains(project.prod.client_secret().expose_secret()));
    }
    assert_eq!(
        writes(&project.dev),
        Vec::<String>::new(),
        "plan only reads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_that_fails_does_not_stop_the_other_and_the_run_exits_1() {
    let project = Project::new().await;
    let planned = run(project
        .cli()
        .env("PROD_AUTH0_CLIENT_SECRET", "not-the-secret")
        .args(["plan", "--detailed-exitcode", "--out", "plans"]))
    .await;
    planned.assert_code(1);
    assert!(
        planned.stderr.contains("cannot authenticate with"),
        "{planned}"
    );
    assert!(
        planned
            .stderr
            .contains("Auth0 refused the M2M application's client id and secret"),
        "{planned}"
    );
    assert!(!planned.stderr.contains("not-the-secret"), "{planned}");
    // dev was planned and saved all the same.
    assert!(planned.stdout.contains("Plan: 1 to create"), "{planned}");
    assert_eq!(
        project.saved_plan("dev")["origin"],
        json!(project.dev.domain())
    );
    assert!(!project.dir.path().join("plans/prod.plan.json").exists());

    // For machines: one document, each tenant with its status.
    let json = run(project
        .cli()
        .env("PROD_AUTH0_CLIENT_SECRET", "not-the-secret")
        .args(["plan", "--format", "json"]))
    .await;
    json.assert_code(1);
    let document: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|error| panic!("one JSON document ({error}):\n{json}"));
    assert_eq!(document["tenants"][0]["status"], json!("changes"));
    assert_eq!(
        document["tenants"][0]["plan"]["origin"],
        json!(project.dev.domain())
    );
    assert_eq!(document["tenants"][1]["status"], json!("failed"));
    assert!(
        document["tenants"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot authenticate")),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_of_a_plan_directory_applies_each_and_refuses_only_the_stale_one() {
    let project = Project::new().await;
    run(project.cli().args(["plan", "--out", "plans"]))
        .await
        .assert_success();
    let applied = run(project.cli().args([
        "apply",
        "--plan",
        "plans",
        "--auto-approve",
        "--format",
        "json",
    ]))
    .await;
    applied.assert_success();
    let report: Value = serde_json::from_str(&applied.stdout)
        .unwrap_or_else(|error| panic!("stdout is one JSON document ({error}):\n{applied}"));
    let tenants = report["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 2);
    for (entry, file) in tenants
        .iter()
        .zip(["tenants/dev.yaml", "tenants/prod.yaml"])
    {
        assert_eq!(entry["file"], json!(file));
        assert_eq!(entry["status"], json!("applied"), "{entry}");
        assert_eq!(entry["pending"], json!([]));
        assert_eq!(entry["failed"], json!([]));
        let applied: Vec<&str> = entry["applied"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            applied.contains(&"application[\"Reporting Dashboard\"]"),
            "{entry}"
        );
    }
    // Each tenant has the application now (read from the tenants, not from the report).
    for emulator in [&project.dev, &project.prod] {
        let clients = Api::new(emulator).await.get("clients").await;
        let names: Vec<&str> = clients
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert!(names.contains(&"Reporting Dashboard"), "{names:?}");
    }

    // New plans, then prod changes behind them: prod is refused, dev goes ahead.
    std::fs::write(
        project.dir.path().join("tenants/dev.yaml"),
        tenant_file("DEV", "Acme (development)"),
    )
    .unwrap();
    std::fs::write(
        project.dir.path().join("tenants/prod.yaml"),
        tenant_file("PROD", "Acme Reporting"),
    )
    .unwrap();
    run(project.cli().args(["plan", "--out", "plans"]))
        .await
        .assert_success();
    Api::new(&project.prod)
        .await
        .patch(
            "tenants/settings",
            &json!({"friendly_name": "Changed by hand"}),
        )
        .await;
    let prod_writes = writes(&project.prod).len();
    let stale = run(project.cli().args([
        "apply",
        "--plan",
        "plans",
        "--auto-approve",
        "--format",
        "json",
    ]))
    .await;
    stale.assert_code(1);
    let report: Value = serde_json::from_str(&stale.stdout).unwrap();
    assert_eq!(report["tenants"][0]["status"], json!("applied"), "{stale}");
    assert_eq!(report["tenants"][1]["status"], json!("failed"), "{stale}");
    let error = report["tenants"][1]["error"].as_str().unwrap();
    assert!(error.contains("changed since the plan was made"), "{error}");
    assert_eq!(
        writes(&project.prod).len(),
        prod_writes,
        "nothing written to the stale tenant: {:?}",
        &writes(&project.prod)[prod_writes..]
    );
    let settings = Api::new(&project.prod).await.get("tenants/settings").await;
    assert_eq!(settings.json()["friendly_name"], json!("Changed by hand"));
    let settings = Api::new(&project.dev).await.get("tenants/settings").await;
    assert_eq!(
        settings.json()["friendly_name"],
        json!("Acme (development)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_saved_plans_without_a_tenant_in_every_format() {
    let project = Project::new().await;
    run(project.cli().args(["plan", "--out", "plans"]))
        .await
        .assert_success();
    let requests = project.dev.request_log().len() + project.prod.request_log().len();
    // No credentials at all: show never connects.
    let show = |format: &str| {
        Cli::new()
            .current_dir(project.dir.path())
            .args(["show", "plans", "--format", format])
            .run()
    };
    let markdown = show("markdown");
    markdown.assert_success();
    assert_eq!(
        markdown.stdout.lines().next(),
        Some("<!-- tenantform-plan -->")
    );
    assert!(
        markdown.stdout.contains("- **plans/dev.plan.json**"),
        "{markdown}"
    );
    assert!(
        markdown.stdout.contains("- **plans/prod.plan.json**"),
        "{markdown}"
    );
    let human = show("human");
    human.assert_success();
    assert!(
        position(&human, "== plans/dev.plan.json ==")
            < position(&human, "== plans/prod.plan.json ==")
    );
    let document: Value = serde_json::from_str(&show("json").stdout).unwrap();
    assert_eq!(
        document["tenants"][1]["plan"]["origin"],
        json!(project.prod.domain())
    );
    let one = Cli::new()
        .current_dir(project.dir.path())
        .args(["show", "plans/dev.plan.json"])
        .run();
    one.assert_success();
    assert!(
        one.stdout
            .contains("Plan: 1 to create, 1 to update, 0 to delete."),
        "{one}"
    );
    assert_eq!(
        project.dev.request_log().len() + project.prod.request_log().len(),
        requests,
        "show sends no request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_markdown_plan_goes_to_stdout_and_to_the_step_summary() {
    let project = Project::new().await;
    let summary = project.dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let planned = run(project
        .cli()
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .args(["plan", "--format", "markdown", "--detailed-exitcode"]))
    .await;
    planned.assert_code(2);
    assert!(
        planned.stdout.starts_with("<!-- tenantform-plan -->\n"),
        "{planned}"
    );
    assert!(
        planned.stdout.contains("- **tenants/dev.yaml**"),
        "{planned}"
    );
    assert!(
        planned.stdout.contains("- **tenants/prod.yaml**"),
        "{planned}"
    );
    // The headers go to stderr: stdout is the document alone.
    assert!(!planned.stdout.contains("== tenants/"), "{planned}");
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n<!-- tenantform-plan -->"),
        "{written}"
    );
    assert_eq!(written.matches("Plan: 1 to create").count(), 2, "{written}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_override_the_file_for_one_tenant_and_are_refused_for_several() {
    let project = Project::new().await;
    let several = run(project
        .cli()
        .args(["plan", "--domain", &project.dev.domain()]))
    .await;
    several.assert_code(1);
    assert!(
        several.stderr.contains("--domain names one tenant"),
        "{several}"
    );
    assert!(
        token_clients(&project.dev).is_empty(),
        "refused before connecting"
    );

    // prod.yaml's block names the prod tenant; the options point this one run at dev, and
    // prod's variables need not be set.
    let secret = project.dev.client_secret().expose_secret().to_owned();
    let overridden = run(Cli::new()
        .current_dir(project.dir.path())
        .secret(secret.clone())
        .args([
            "plan",
            "tenants/prod.yaml",
            "--domain",
            &project.dev.domain(),
            "--client-id",
            project.dev.client_id(),
            // `=`: a generated secret may start with `-`.
            &format!("--client-secret={secret}"),
        ]))
    .await;
    overridden.assert_success();
    assert_eq!(token_clients(&project.dev), [project.dev.client_id()]);
    assert!(token_clients(&project.prod).is_empty());

    // Without the options and the block's variables, the error names the variable and file.
    let missing = run(Cli::new()
        .current_dir(project.dir.path())
        .args(["plan", "tenants/prod.yaml"]))
    .await;
    missing.assert_code(1);
    assert!(
        missing.stderr.contains("PROD_AUTH0_CLIENT_SECRET"),
        "{missing}"
    );
    assert!(missing.stderr.contains("tenants/prod.yaml:"), "{missing}");

    // validate does not need them.
    Cli::new()
        .current_dir(project.dir.path())
        .args(["validate"])
        .run()
        .assert_success();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_without_the_block_uses_the_auth0_variables() {
    let project = Project::new().await;
    std::fs::write(
        project.dir.path().join("tenants/prod.yaml"),
        "extends: [base.yaml]\n",
    )
    .unwrap();
    let planned = run(project
        .cli()
        .emulator(&project.prod)
        .args(["plan", "tenants/prod.yaml"]))
    .await;
    planned.assert_success();
    assert_eq!(token_clients(&project.prod), [project.prod.client_id()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_each_request_without_token_or_secret() {
    let project = Project::new().await;
    let planned = run(project.cli().args(["-v", "plan", "tenants/dev.yaml"])).await;
    planned.assert_success();
    let lines: Vec<&str> = planned
        .stderr
        .lines()
        .filter(|line| line.starts_with("GET /api/v2/"))
        .collect();
    let reads = project
        .dev
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/"))
        .count();
    assert_eq!(lines.len(), reads, "one line per request:\n{planned}");
    // The token request too: path and status, never its form (the client secret) nor its
    // answer (the token); the secret is a registered secret of `cli()`, checked on every run.
    let token_lines: Vec<&str> = planned
        .stderr
        .lines()
        .filter(|line| line.starts_with("POST /oauth/token "))
        .collect();
    let token_requests = project
        .dev
        .request_log()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(token_requests, 1, "{planned}");
    assert_eq!(token_lines.len(), token_requests, "{planned}");
    assert!(
        token_lines[0].starts_with("POST /oauth/token 200 "),
        "{planned}"
    );
    assert!(!token_lines[0].contains("client_"), "{planned}");
    let clients = lines
        .iter()
        .find(|line| line.starts_with("GET /api/v2/clients "))
        .unwrap_or_else(|| panic!("{planned}"));
    // method, path, status, duration, rate limit remaining
    let parts: Vec<&str> = clients.split(' ').collect();
    assert_eq!(parts[2], "200", "{clients}");
    assert!(parts[3].ends_with("ms"), "{clients}");
    assert!(parts[4].starts_with("ratelimit-remaining="), "{clients}");
    // Never the token (a JWT) nor a body.
    assert!(!planned.stderr.contains("eyJ"), "{planned}");
    assert!(
        !planned.stderr.to_lowercase().contains("bearer"),
        "{planned}"
    );

    // apply's writes too.
    let applied = run(project
        .cli()
        .args(["-v", "apply", "tenants/dev.yaml", "--auto-approve"]))
    .await;
    applied.assert_success();
    assert!(
        applied
            .stderr
            .lines()
            .any(|line| line.starts_with("POST /api/v2/clients 201 ")),
        "{applied}"
    );
    assert!(!applied.stderr.contains("eyJ"), "{applied}");
}

/// `plan tenants/dev.yaml` (after the global options `options`) with the slow-request notice
/// due after `ms` milliseconds.
async fn plan_noticing_after(project: &Project, ms: &str, options: &[&str]) -> Output {
    run(project
        .cli()
        .env("TENANTFORM_SLOW_NOTICE_MS", ms)
        .args(options)
        .args(["plan", "tenants/dev.yaml"]))
    .await
}

/// Notices of slow requests, on stderr.
fn still_waiting(run: &Output) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|line| line.starts_with("still waiting for "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_tenant_is_announced_once_per_request_with_what_it_waits_for() {
    let project = Project::new().await;
    // A fast tenant: no notice (the threshold is lowered but far above a local answer).
    let fast = plan_noticing_after(&project, "2000", &[]).await;
    fast.assert_success();
    assert_eq!(still_waiting(&fast), Vec::<&str>::new(), "{fast}");

    // Every answer 400 ms late, noticed after 200 ms: the token request and each read say so,
    // once each.
    project.dev.set_response_delay(Duration::from_millis(400));
    let from = project.dev.request_log().len();
    let slow = plan_noticing_after(&project, "200", &[]).await;
    slow.assert_success();
    let notices = still_waiting(&slow);
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("still waiting for Auth0 to answer POST /oauth/token (")),
        "{slow}"
    );
    let requests: Vec<String> = project.dev.request_log()[from..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let mut announced: Vec<String> = notices
        .iter()
        .map(|n| {
            let request = n
                .strip_prefix("still waiting for Auth0 to answer ")
                .unwrap_or_else(|| panic!("waiting on the server: {n}"));
            let (request, waited) = request.split_once(" (").unwrap();
            let (number, unit) = waited.strip_suffix(")…").unwrap().split_once(' ').unwrap();
            assert!(number.parse::<u64>().is_ok(), "{n}");
            assert!(["ms", "s"].contains(&unit), "{n}");
            request.to_owned()
        })
        .collect();
    let mut expected = requests.clone();
    announced.sort();
    expected.sort();
    assert_eq!(announced, expected, "one notice per request:\n{slow}");

    // --quiet silences it.
    let quiet = plan_noticing_after(&project, "200", &["--quiet"]).await;
    quiet.assert_success();
    assert_eq!(still_waiting(&quiet), Vec::<&str>::new(), "{quiet}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_on_the_rate_limit_is_told_apart_from_waiting_on_auth0() {
    let project = Project::new().await;
    // One request every 400 ms: past the first, each waits on the rate limit (the client's
    // limiter or a 429's wait), not on the server, which answers at once.
    project.dev.set_rate_limit(RateLimit::Custom {
        per_second: 2.5,
        burst: 1,
    });
    let planned = plan_noticing_after(&project, "200", &[]).await;
    planned.assert_success();
    let notices = still_waiting(&planned);
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("still waiting for the rate limit to let GET /api/v2/")),
        "{planned}"
    );
    assert!(
        !notices.iter().any(|n| n.contains("for Auth0 to answer")),
        "{planned}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_output_keeps_its_colors() {
    let project = Project::new().await;
    let planned = run(project.cli().args(["--color", "always", "plan"])).await;
    planned.assert_success();
    let dev = position(&planned, "== tenants/dev.yaml ==");
    assert!(planned.stdout[dev..].contains('\u{1b}'), "{planned}");
}

#[test]
fn completions_and_man_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = Cli::new().args(["completions", shell]).run();
        script.assert_success();
        for subcommand in ["plan", "apply", "show", "validate", "render"] {
            assert!(script.stdout.contains(subcommand), "{shell}: {subcommand}");
        }
    }
    let man = Cli::new().args(["man"]).run();
    man.assert_success();
    assert!(man.stdout.contains(".TH tenantform"), "{man}");
    for subcommand in [
        "tenantform\\-plan",
        "tenantform\\-apply",
        "tenantform\\-show",
    ] {
        assert!(man.stdout.contains(subcommand), "{subcommand}: {man}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_without_files_applies_every_tenant_and_needs_auto_approve() {
    let project = Project::new().await;
    let unapproved = run(project.cli().args(["apply"])).await;
    unapproved.assert_code(1);
    assert!(
        unapproved.stderr.contains("needs --auto-approve"),
        "{unapproved}"
    );
    assert!(
        token_clients(&project.dev).is_empty(),
        "refused before connecting"
    );

    let applied = run(project.cli().args(["apply", "--auto-approve"])).await;
    applied.assert_success();
    let dev = position(&applied, "== tenants/dev.yaml ==");
    let prod = position(&applied, "== tenants/prod.yaml ==");
    assert!(dev < prod, "{applied}");
    assert_eq!(
        applied.stdout.matches("Apply complete").count(),
        2,
        "{applied}"
    );
    for (emulator, name) in [(&project.dev, "Acme (dev)"), (&project.prod, "Acme")] {
        let settings = Api::new(emulator).await.get("tenants/settings").await;
        assert_eq!(settings.json()["friendly_name"], json!(name));
    }
}
