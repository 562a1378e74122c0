//! `tenantform emulate` as a user runs it: the four stdout lines, a working tenant, a clean
//! stop on SIGINT that saves `--state` (mode 0600), the state loaded on the next start, and
//! the post-login Actions' console output on stderr as users sign in.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::json;

use crate::support::Cli;
use crate::support::emulator::{self, Answer, auth0_429_body, rate_limit_headers};

struct Running {
    child: Child,
    domain: String,
    client_id: String,
    client_secret: SecretString,
    /// Lines of stderr as they are printed.
    stderr: mpsc::Receiver<String>,
}

impl Running {
    /// Waits (bounded) for a stderr line containing `text`; every line read so far on failure.
    fn stderr_line(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!(
            "no stderr line containing {text:?} within 30 s; stderr:\n{}",
            seen.join("\n")
        );
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Cli::new()
        .args(["emulate", "--listen", "127.0.0.1:0"])
        .args(args)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tenantform emulate");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let (stderr_sender, stderr_lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            // Nobody listening any more is fine: keep draining so the child never blocks.
            let _ = stderr_sender.send(line);
        }
    });
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().take(4) {
            if sender.send(line.expect("utf-8 line")).is_err() {
                break;
            }
        }
    });
    let mut read = Vec::new();
    for _ in 0..4 {
        read.push(
            lines
                .recv_timeout(Duration::from_secs(20))
                .expect("emulate prints four lines"),
        );
    }
    let listening = read[0]
        .strip_prefix("listening on ")
        .expect("first line: listening on URL")
        .to_owned();
    let value = |line: &str, key: &str| {
        line.strip_prefix(&format!("{key}="))
            .unwrap_or_else(|| panic!("{key}= line"))
            .to_owned()
    };
    let domain = value(&read[1], "AUTH0_DOMAIN");
    assert_eq!(domain, listening);
    assert!(
        domain.starts_with("http://127.0.0.1:") && !domain.ends_with(":0"),
        "the real port is printed: {domain}"
    );
    Running {
        child,
        domain,
        client_id: value(&read[2], "AUTH0_M2M_CLIENT_ID"),
        client_secret: SecretString::from(value(&read[3], "AUTH0_M2M_CLIENT_SECRET")),
        stderr: stderr_lines,
    }
}

/// SIGINT, then wait (bounded) for a clean exit.
fn interrupt(mut running: Running) {
    let status = Command::new("kill")
        .args(["-INT", &running.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(exit) = running.child.try_wait().expect("try_wait") {
            assert!(exit.success(), "emulate exits cleanly on SIGINT: {exit}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "emulate did not stop within 15 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulate_prints_credentials_serves_and_saves_state_on_sigint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("tenant.json");
    let state_arg = state.to_str().expect("utf-8 path");

    let first = start(&["--state", state_arg]);
    let http = emulator::http();
    let token = emulator::token(&http, &first.domain, &first.client_id, &first.client_secret).await;
    let created = Answer::read(
        http.post(format!("{}/api/v2/clients", first.domain))
            .bearer_auth(secrecy::ExposeSecret::expose_secret(&token))
            .json(&json!({"name": "kept across restarts", "app_type": "spa"}))
            .send()
            .await
            .expect("create client"),
    )
    .await;
    assert_eq!(created.status, 201);
    let kept_id = created.json()["client_id"]
        .as_str()
        .expect("client_id")
        .to_owned();
    let first_client_id = first.client_id.clone();
    interrupt(first);

    let metadata = std::fs::metadata(&state).expect("state saved on SIGINT");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            metadata.permissions().mode() & 0o777,
            0o600,
            "the state file holds secrets"
        );
    }
    assert!(metadata.len() > 0);

    let second = start(&["--state", state_arg]);
    assert_eq!(
        second.client_id, first_client_id,
        "the M2M client is part of the saved tenant"
    );
    let token = emulator::token(
        &http,
        &second.domain,
        &second.client_id,
        &second.client_secret,
    )
    .await;
    let fetched = Answer::read(
        http.get(format!("{}/api/v2/clients/{kept_id}", second.domain))
            .bearer_auth(secrecy::ExposeSecret::expose_secret(&token))
            .send()
            .await
            .expect("get client"),
    )
    .await;
    assert_eq!(
        fetched.status, 200,
        "the client created before the restart is still there"
    );
    assert_eq!(fetched.json()["name"], "kept across restarts");
    interrupt(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulate_rate_limit_free_measurably_limits() {
    let running = start(&["--rate-limit", "free"]);
    let http = emulator::http();
    let token = emulator::token(
        &http,
        &running.domain,
        &running.client_id,
        &running.client_secret,
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let answer = Answer::read(
            http.get(format!(
                "{}/api/v2/clients?fields=client_id&include_fields=true",
                running.domain
            ))
            .bearer_auth(secrecy::ExposeSecret::expose_secret(&token))
            .send()
            .await
            .expect("request"),
        )
        .await;
        let (limit, _, _) = rate_limit_headers(&answer);
        assert_eq!(limit, 2);
        if answer.status == 429 {
            assert_eq!(answer.json(), &auth0_429_body());
        }
        statuses.push(answer.status);
    }
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(limited >= 16, "{statuses:?}");
    interrupt(running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulate_faults_with_a_seed_write_the_same_request_log_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut logs = Vec::new();
    for run in 0..2 {
        let log_path = dir.path().join(format!("requests-{run}.jsonl"));
        let running = start(&[
            "--faults",
            "0.3",
            "--seed",
            "1",
            "--request-log",
            log_path.to_str().expect("path"),
        ]);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(300))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let token = emulator::token(
            &emulator::http(),
            &running.domain,
            &running.client_id,
            &running.client_secret,
        )
        .await;
        for _ in 0..30 {
            // Only fast faults are waited for; a slow response just times out here.
            let _ = http
                .get(format!(
                    "{}/api/v2/clients?fields=client_id&include_fields=true",
                    running.domain
                ))
                .bearer_auth(secrecy::ExposeSecret::expose_secret(&token))
                .send()
                .await;
        }
        interrupt(running);
        let text = std::fs::read_to_string(&log_path).expect("request log written");
        let faults: Vec<Option<String>> = text
            .lines()
            .map(|line| {
                serde_json::from_str::<auth0_emulator::RequestLogEntry>(line).expect("JSON line")
            })
            .filter(|entry| entry.path.starts_with("/api/v2/"))
            .map(|entry| entry.fault)
            .collect();
        logs.push(faults);
    }
    assert_eq!(
        logs[0], logs[1],
        "the same seed gives the same fault sequence"
    );
    assert!(
        logs[0].iter().filter(|f| f.is_some()).count() >= 3,
        "{:?}",
        logs[0]
    );
}

/// A Management API call of the login test; the answer's JSON.
async fn call(
    http: &reqwest::Client,
    running: &Running,
    token: &SecretString,
    method: reqwest::Method,
    path: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let answer = Answer::read(
        http.request(method, format!("{}/api/v2/{path}", running.domain))
            .bearer_auth(secrecy::ExposeSecret::expose_secret(token))
            .json(body)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(
        (200..300).contains(&answer.status),
        "{path}: {} {:?}",
        answer.status,
        answer.body
    );
    answer.body.unwrap_or_default()
}

/// A user signs in through the binary's login page with an Action bound: the Action's
/// `console.log` shows on the binary's stderr, attributed to it, and so does its denial's
/// reason reaching the callback. At startup it says which Node runs the Actions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulate_prints_the_console_output_of_actions_at_login() {
    use reqwest::Method;
    let running = start(&["--action-build-ms", "0", "--actions-timeout", "10"]);
    let node_line = running.stderr_line("post-login Actions run at login in Node v");
    assert!(node_line.contains("(`node`)"), "{node_line}");

    let http = emulator::http();
    let token = emulator::token(
        &http,
        &running.domain,
        &running.client_id,
        &running.client_secret,
    )
    .await;
    let callback = "http://localhost:8501/oauth2callback";
    let app = call(&http, &running, &token, Method::POST, "clients", &json!({
        "name": "Dashboard", "app_type": "regular_web", "callbacks": [callback],
        "grant_types": ["authorization_code"], "token_endpoint_auth_method": "client_secret_post",
    }))
    .await;
    let app_id = app["client_id"].as_str().expect("client_id");
    let connection = call(
        &http,
        &running,
        &token,
        Method::POST,
        "connections",
        &json!({
            "name": "users", "strategy": "auth0", "options": {"disable_signup": true},
        }),
    )
    .await;
    let connection_id = connection["id"].as_str().expect("connection id");
    call(
        &http,
        &running,
        &token,
        Method::PATCH,
        &format!("connections/{connection_id}/clients"),
        &json!([{"client_id": app_id, "status": true}]),
    )
    .await;
    let password = "Correct-Horse-9";
    for (email, app_metadata) in [
        ("ada@example.com", json!({"invited": true})),
        ("eve@example.com", json!({})),
    ] {
        call(
            &http,
            &running,
            &token,
            Method::POST,
            "users",
            &json!({
                "connection": "users", "email": email, "password": password,
                "email_verified": true, "app_metadata": app_metadata,
            }),
        )
        .await;
    }
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  console.log("hello from the Action:", event.user.email, "login", event.stats.logins_count);
  if (!event.user.app_metadata.invited) api.access.deny("Not invited.");
};"#;
    let action = call(
        &http,
        &running,
        &token,
        Method::POST,
        "actions/actions",
        &json!({
            "name": "Greeter", "code": code,
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
        }),
    )
    .await;
    let action_id = action["id"].as_str().expect("action id");
    call(
        &http,
        &running,
        &token,
        Method::POST,
        &format!("actions/actions/{action_id}/deploy"),
        &json!({}),
    )
    .await;
    call(
        &http,
        &running,
        &token,
        Method::PATCH,
        "actions/triggers/post-login/bindings",
        &json!({"bindings": [{"ref": {"type": "action_name", "value": "Greeter"}, "display_name": "Greeter"}]}),
    )
    .await;

    let app_secret = app["client_secret"].as_str().expect("client_secret");
    let login = tenantform::login::LoginClient::new(
        &running.domain,
        app_id,
        SecretString::from(app_secret.to_owned()),
        callback,
    )
    .expect("login client");
    let password = SecretString::from(password.to_owned());
    let ada = login
        .sign_in("ada@example.com", &password)
        .await
        .expect("ada signs in");
    assert!(
        matches!(ada, tenantform::login::LoginOutcome::SignedIn { .. }),
        "{ada:?}"
    );
    assert_eq!(
        running.stderr_line("hello from the Action: ada@example.com"),
        "[action Greeter] log: hello from the Action: ada@example.com login 1"
    );
    let eve = login
        .sign_in("eve@example.com", &password)
        .await
        .expect("eve's login ends at the callback");
    assert_eq!(
        eve,
        tenantform::login::LoginOutcome::Denied {
            error: "access_denied".into(),
            description: "Not invited.".into(),
        }
    );
    assert_eq!(
        running.stderr_line("hello from the Action: eve@example.com"),
        "[action Greeter] log: hello from the Action: eve@example.com login 1"
    );
    interrupt(running);
}

/// Without Node, `emulate` says at startup, loudly, that Actions will be skipped.
#[test]
fn emulate_without_node_warns_that_actions_are_skipped() {
    let running = start(&["--node", "/nonexistent/node"]);
    let line = running.stderr_line("SKIPPED");
    assert!(
        line.starts_with("warning: post-login Actions will be SKIPPED at every login"),
        "{line}"
    );
    assert!(line.contains("/nonexistent/node"), "{line}");
    interrupt(running);
}
