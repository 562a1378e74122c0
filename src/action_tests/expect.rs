//! A case's `expect:` checked against what the Actions did; every failed check is reported.

use auth0_emulator::login_actions::{Outcome, RunResult};
use serde_json::{Map, Value};

use super::file::{Expect, ExpectedOutcome};

fn show(value: &Value) -> String {
    value.to_string()
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Allow => "allow",
        Outcome::Deny => "deny",
        Outcome::Error => "error",
    }
}

/// The failed checks, each a line saying what was expected and what happened.
pub fn check(expect: &Expect, result: &RunResult, user: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let wanted = expect.outcome.unwrap_or(if expect.deny_reason.is_some() {
        ExpectedOutcome::Deny
    } else if expect.error.is_some() || expect.error_kind.is_some() {
        ExpectedOutcome::Error
    } else {
        ExpectedOutcome::Allow
    });
    let got = result.outcome;
    let same = matches!(
        (wanted, got),
        (ExpectedOutcome::Allow, Outcome::Allow)
            | (ExpectedOutcome::Deny, Outcome::Deny)
            | (ExpectedOutcome::Error, Outcome::Error)
    );
    if !same {
        let detail = match (&result.deny, &result.error) {
            (Some(deny), _) if got == Outcome::Deny => format!(" (reason {:?})", deny.reason),
            (_, Some(error)) if got == Outcome::Error => {
                format!(" ({}: {})", error.kind, error.message)
            }
            _ => String::new(),
        };
        failures.push(format!(
            "outcome: expected {}, got {}{detail}",
            wanted.name(),
            outcome_name(got)
        ));
    }
    if let Some(reason) = &expect.deny_reason {
        match &result.deny {
            Some(deny) if deny.reason == *reason => {}
            Some(deny) => failures.push(format!(
                "deny_reason: expected {reason:?}, got {:?}",
                deny.reason
            )),
            None => failures.push(format!("deny_reason: expected {reason:?}, got no denial")),
        }
    }
    if let Some(text) = &expect.error {
        let got = result.error.as_ref().map_or("", |e| e.message.as_str());
        if !got.contains(text.as_str()) {
            failures.push(format!(
                "error: expected a message containing {text:?}, got {got:?}"
            ));
        }
    }
    if let Some(kind) = &expect.error_kind {
        match &result.error {
            Some(error) if error.kind == *kind => {}
            Some(error) => failures.push(format!(
                "error_kind: expected {kind:?}, got {:?}",
                error.kind
            )),
            None => failures.push(format!("error_kind: expected {kind:?}, got no error")),
        }
    }
    for (field, wanted, claims) in [
        (
            "id_token_claims",
            &expect.id_token_claims,
            &result.id_token_claims,
        ),
        (
            "access_token_claims",
            &expect.access_token_claims,
            &result.access_token_claims,
        ),
    ] {
        for (name, value) in wanted.iter().flatten() {
            match claims.get(name) {
                None => failures.push(format!(
                    "{field}: {name} is not set (expected {})",
                    show(value)
                )),
                Some(got) if got != value => {
                    failures.push(format!(
                        "{field}: {name} is {}, expected {}",
                        show(got),
                        show(value)
                    ));
                }
                Some(_) => {}
            }
        }
    }
    for (field, wanted, written) in [
        ("app_metadata", &expect.app_metadata, &result.app_metadata),
        (
            "user_metadata",
            &expect.user_metadata,
            &result.user_metadata,
        ),
    ] {
        let Some(wanted) = wanted else { continue };
        // Unchanged metadata is what the user came with.
        let empty = Map::new();
        let final_value = written
            .as_ref()
            .or_else(|| user.get(field))
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (key, value) in wanted {
            let got = final_value.get(key).unwrap_or(&Value::Null);
            if value.is_null() {
                if !got.is_null() {
                    failures.push(format!("{field}: {key} should be absent, is {}", show(got)));
                }
            } else if got != value {
                failures.push(format!(
                    "{field}: {key} is {}, expected {}",
                    show(got),
                    show(value)
                ));
            }
        }
    }
    if let Some(logs) = &expect.logs {
        let messages: Vec<&str> = result.logs.iter().map(|l| l.message.as_str()).collect();
        for text in logs.items() {
            if !messages.iter().any(|m| m.contains(text)) {
                failures.push(format!(
                    "logs: no log line contains {text:?} (logs: {messages:?})"
                ));
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn result(value: Value) -> RunResult {
        serde_json::from_value(value).unwrap()
    }

    fn expect(value: Value) -> Expect {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_deny_reason_implies_a_denial_and_both_checks_report() {
        let allowed = result(json!({"outcome": "allow"}));
        assert_eq!(
            check(&expect(json!({"deny_reason": "x"})), &allowed, &json!({})),
            [
                "outcome: expected deny, got allow",
                "deny_reason: expected \"x\", got no denial",
            ]
        );
        assert!(check(&Expect::default(), &allowed, &json!({})).is_empty());
    }

    #[test]
    fn metadata_is_the_users_own_unless_the_action_wrote_it() {
        let allowed = result(json!({"outcome": "allow"}));
        let user = json!({"app_metadata": {"team": "a"}});
        let wanted = expect(json!({"app_metadata": {"team": "a", "gone": null}}));
        assert!(check(&wanted, &allowed, &user).is_empty());
        let written = result(json!({"outcome": "allow", "app_metadata": {"team": "b"}}));
        assert_eq!(
            check(&wanted, &written, &user),
            ["app_metadata: team is \"b\", expected \"a\""]
        );
    }

    #[test]
    fn claims_and_logs_are_subset_matches() {
        let run = result(
            json!({"outcome": "allow", "id_token_claims": {"a": [1], "b": true},
            "logs": [{"action": "X", "level": "log", "message": "hello world"}]}),
        );
        assert!(
            check(
                &expect(json!({"id_token_claims": {"a": [1]}, "logs": "hello"})),
                &run,
                &json!({})
            )
            .is_empty()
        );
        assert_eq!(
            check(
                &expect(json!({"id_token_claims": {"a": [2], "c": 1}, "logs": ["bye"]})),
                &run,
                &json!({})
            ),
            [
                "id_token_claims: a is [1], expected [2]",
                "id_token_claims: c is not set (expected 1)",
                "logs: no log line contains \"bye\" (logs: [\"hello world\"])",
            ]
        );
    }
}
