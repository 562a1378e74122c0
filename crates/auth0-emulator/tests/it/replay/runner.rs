//! Sends one cassette's interactions, in recorded order, to a fresh emulator and judges each
//! response against the recorded one.

use auth0_emulator::Emulator;
use secrecy::ExposeSecret as _;
use serde_json::Value;

use super::cassette::{self, Interaction};
use super::catalogue::{CassetteEntry, KnownUnmatchable, Plan, Setup, rules_for};
use super::id_map::IdMap;
use super::shape;
use crate::support::{self, Answer};

#[derive(Debug)]
pub enum Verdict {
    Matched,
    /// Did not match, and the catalogue says why it cannot.
    KnownUnmatchable(&'static str),
    /// Did not match and nothing explains it: an emulator bug (or a missing allow-list entry).
    Mismatch(Vec<String>),
    /// Listed as unmatchable but matched: the allow-list is stale.
    UnexpectedMatch(&'static str),
}

#[derive(Debug)]
pub struct Outcome {
    pub id: usize,
    pub method: String,
    pub path: String,
    pub verdict: Verdict,
}

#[derive(Debug)]
pub struct CassetteReport {
    pub name: &'static str,
    pub path: &'static str,
    pub skipped: Option<&'static str>,
    pub setup: Vec<&'static str>,
    pub outcomes: Vec<Outcome>,
}

impl CassetteReport {
    pub fn count(&self, predicate: impl Fn(&Verdict) -> bool) -> usize {
        self.outcomes
            .iter()
            .filter(|outcome| predicate(&outcome.verdict))
            .count()
    }
}

pub async fn replay(entry: &'static CassetteEntry) -> CassetteReport {
    let mut report = CassetteReport {
        name: entry.name(),
        path: entry.path,
        skipped: None,
        setup: Vec::new(),
        outcomes: Vec::new(),
    };
    let (setup, known_unmatchable) = match &entry.plan {
        Plan::Skip { reason } => {
            report.skipped = Some(reason);
            return report;
        }
        Plan::Replay {
            setup,
            known_unmatchable,
        } => (*setup, *known_unmatchable),
    };
    let recorded = cassette::load(entry.path);
    let emulator = support::start().await;
    let api = support::Api::new(&emulator).await;
    let recorded_host = recorded
        .interactions
        .first()
        .and_then(|first| url::Url::parse(&first.request.url).ok())
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    let mut ids = IdMap::new(&recorded_host, &emulator.domain());

    for step in setup {
        report.setup.push(run_setup(step, &api, &mut ids).await);
    }
    for interaction in &recorded.interactions {
        let (path, _) = interaction.request.path_and_query();
        let actual = send(interaction, &emulator, &api, &ids).await;
        if let Some(elapsed) = interaction.response.elapsed() {
            emulator.advance_clock(elapsed);
        }
        let differences = judge(entry, interaction, &actual);
        // Ids are learned even when the shape differs, so one wrong key does not cascade.
        if actual.status == interaction.response.code
            && (200..300).contains(&actual.status)
            && let (Some(recorded_body), Some(actual_body)) =
                (interaction.response.json_body(), &actual.body)
        {
            ids.learn(&recorded_body, actual_body);
        }
        let allowed = known_unmatchable.iter().find(|known: &&KnownUnmatchable| {
            known.covers(interaction.id, &interaction.request.method, &path)
        });
        let status_differs = actual.status != interaction.response.code;
        let allowed = allowed.filter(|known| known.status_may_differ || !status_differs);
        let verdict = match (differences.is_empty(), allowed) {
            (true, None) => Verdict::Matched,
            (true, Some(known)) => Verdict::UnexpectedMatch(known.why),
            (false, Some(known)) => Verdict::KnownUnmatchable(known.why),
            (false, None) => Verdict::Mismatch(differences),
        };
        report.outcomes.push(Outcome {
            id: interaction.id,
            method: interaction.request.method.clone(),
            path,
            verdict,
        });
    }
    emulator.shutdown().await.expect("emulator shuts down");
    report
}

async fn run_setup(step: &Setup, api: &support::Api, ids: &mut IdMap) -> &'static str {
    match step {
        Setup::Request {
            method,
            path,
            body,
            why,
        } => {
            let body: Value = serde_json::from_str(body).expect("setup body is JSON");
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let answer = api.send(method, path, Some(&body)).await;
            assert!(
                (200..300).contains(&answer.status),
                "setup {path} failed: {} {:?}",
                answer.status,
                answer.body
            );
            why
        }
        Setup::MapSystemApiId { recorded, why } => {
            let answer = api.get("resource-servers?per_page=100").await;
            let list = answer.json().as_array().cloned().unwrap_or_default();
            let system = list
                .iter()
                .find(|server| server["is_system"] == Value::Bool(true))
                .expect("a fresh tenant has the system API");
            ids.insert(recorded, system["id"].as_str().expect("system API id"));
            why
        }
    }
}

/// Sends the recorded request with ids, domain and credentials mapped to the emulator's.
async fn send(
    interaction: &Interaction,
    emulator: &Emulator,
    api: &support::Api,
    ids: &IdMap,
) -> Answer {
    let request = &interaction.request;
    let (path, query) = request.path_and_query();
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("recorded method");
    if request.is_form() {
        // The token endpoint: the recorded credentials are placeholders (`test-client_id`).
        let mut form: Vec<(String, String)> = Vec::new();
        for (key, values) in &request.form {
            let value = match key.as_str() {
                "client_id" => emulator.client_id().to_owned(),
                "client_secret" => emulator.client_secret().expose_secret().to_owned(),
                "audience" => format!("{}/api/v2/", emulator.domain()),
                _ => values.first().cloned().unwrap_or_default(),
            };
            form.push((key.clone(), value));
        }
        let url = format!("{}{}", emulator.domain(), path);
        return Answer::read(
            api.http
                .request(method, url)
                .form(&form)
                .send()
                .await
                .expect("token request"),
        )
        .await;
    }
    let mapped_path = ids.map_path(&path);
    let mut url = format!("{}{}", emulator.domain(), mapped_path);
    if let Some(query) = query {
        url.push('?');
        url.push_str(&ids.map_query(&query));
    }
    let path_and_query = url
        .trim_start_matches(&format!("{}/api/v2/", emulator.domain()))
        .to_owned();
    api.send(
        method,
        &path_and_query,
        request.json_body().map(|body| ids.map_body(&body)).as_ref(),
    )
    .await
}

/// Every way the emulator's answer differs from the recording (empty when it matches).
pub fn judge(entry: &CassetteEntry, interaction: &Interaction, actual: &Answer) -> Vec<String> {
    let recorded = &interaction.response;
    let mut differences = Vec::new();
    if recorded.code != actual.status {
        let detail = actual.body.as_ref().map(abbreviate).unwrap_or_default();
        differences.push(format!(
            "status: recorded {}, emulator {} {detail}",
            recorded.code, actual.status
        ));
    }
    match (recorded.json_body(), &actual.body) {
        (None, None) => {}
        (Some(_), None) => {
            differences.push("body: recorded has one, emulator sent none".to_owned());
        }
        (None, Some(body)) => differences.push(format!(
            "body: recorded none, emulator sent {}",
            abbreviate(body)
        )),
        (Some(recorded_body), Some(actual_body)) => {
            let (path, query) = interaction.request.path_and_query();
            let rules = rules_for(
                entry.source(),
                &interaction.request.method,
                &path,
                query.as_deref(),
            );
            differences.extend(
                shape::compare(&recorded_body, actual_body, rules)
                    .iter()
                    .map(ToString::to_string),
            );
        }
    }
    differences
}

fn abbreviate(body: &Value) -> String {
    let text = body.to_string();
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}
