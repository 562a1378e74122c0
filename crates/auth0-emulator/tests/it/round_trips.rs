//! Property tests: for generated inputs, every resource kind survives create -> get -> patch
//! -> get -> delete -> get(404) with the fields it was given. Case counts are small and fixed
//! so the suite stays fast and deterministic.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use serde_json::{Value, json};

use super::support::{self, Api};

const CASES: u32 = 8;

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", UNIQUE.fetch_add(1, Ordering::Relaxed))
}

/// One runtime and one emulator per property; each case creates uniquely named resources.
struct Harness {
    runtime: tokio::runtime::Runtime,
    emulator: Option<auth0_emulator::Emulator>,
    api: Api,
}

impl Harness {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (emulator, api) = runtime.block_on(async {
            let emulator = support::start().await;
            let api = Api::new(&emulator).await;
            (emulator, api)
        });
        Self {
            runtime,
            emulator: Some(emulator),
            api,
        }
    }

    fn run<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            let _ = self.runtime.block_on(emulator.shutdown());
        }
    }
}

fn https_urls() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z]{1,10}", 0..4).prop_map(|hosts| {
        hosts
            .into_iter()
            .map(|h| format!("https://{h}.example/cb"))
            .collect()
    })
}

/// Asserts `actual` carries every key of `expected` with the same value; objects are compared
/// recursively as subsets (Auth0 fills in defaults next to what was sent).
fn assert_contains(actual: &Value, expected: &Value, what: &str) {
    for (key, value) in expected.as_object().expect("object") {
        match value {
            Value::Object(_) => assert_contains(&actual[key], value, &format!("{what}.{key}")),
            _ => assert_eq!(&actual[key], value, "{what}: {key} in {actual}"),
        }
    }
}

fn path_of(id: &str) -> String {
    id.replace('|', "%7C")
}

/// The generic lifecycle: create (201) -> get -> patch -> get -> delete -> get is 404.
fn lifecycle(
    harness: &Harness,
    collection: &str,
    id_key: &str,
    create: &Value,
    patch: &Value,
    delete_status: u16,
) {
    harness.run(async {
        let api = &harness.api;
        let created = api.post(collection, create).await;
        assert_eq!(
            created.status, 201,
            "create {collection}: {:?}",
            created.body
        );
        let mut expected = create.clone();
        for secret in ["password", "secrets", "credentials"] {
            expected.as_object_mut().expect("object").remove(secret);
        }
        assert_contains(created.json(), &expected, "created");
        let id = created.json()[id_key].as_str().expect("id").to_owned();
        let item = format!("{collection}/{}", path_of(&id));
        let fetched = api.get(&item).await;
        assert_eq!(fetched.status, 200);
        assert_contains(fetched.json(), &expected, "fetched");
        let patched = api.patch(&item, patch).await;
        assert_eq!(
            patched.status, 200,
            "patch {collection}: {:?}",
            patched.body
        );
        assert_contains(patched.json(), patch, "patched");
        assert_contains(api.get(&item).await.json(), patch, "fetched after patch");
        assert_eq!(
            api.delete(&item).await.status,
            delete_status,
            "delete {collection}"
        );
        assert_eq!(api.get(&item).await.status, 404, "{collection} gone");
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn clients_round_trip(
        app_type in prop::sample::select(vec!["spa", "regular_web", "non_interactive", "native"]),
        callbacks in https_urls(),
        new_callbacks in https_urls(),
        description in "[ -~]{0,40}",
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        HARNESS.with(|h| lifecycle(
            h,
            "clients",
            "client_id",
            &json!({"name": unique("client"), "app_type": app_type, "callbacks": callbacks, "description": description}),
            &json!({"callbacks": new_callbacks, "allowed_logout_urls": new_callbacks}),
            204,
        ));
    }

    #[test]
    fn connections_round_trip(
        disable_signup in any::<bool>(),
        requires_username in any::<bool>(),
        new_disable_signup in any::<bool>(),
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        HARNESS.with(|h| lifecycle(
            h,
            "connections",
            "id",
            &json!({"name": unique("conn"), "strategy": "auth0",
                    "options": {"disable_signup": disable_signup, "requires_username": requires_username}}),
            // PATCH replaces the whole options object.
            &json!({"options": {"disable_signup": new_disable_signup}}),
            202,
        ));
    }

    #[test]
    fn resource_servers_round_trip(
        scopes in prop::collection::btree_set("[a-z]{1,8}:[a-z]{1,8}", 0..5),
        lifetime in 60u32..86_400,
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        let scopes: Vec<Value> = scopes.into_iter().map(|s| json!({"value": s, "description": s})).collect();
        HARNESS.with(|h| lifecycle(
            h,
            "resource-servers",
            "id",
            &json!({"name": unique("api"), "identifier": format!("https://{}.example/", unique("api")), "scopes": scopes}),
            &json!({"token_lifetime": lifetime}),
            204,
        ));
    }

    #[test]
    fn client_grants_round_trip(
        scope in prop::sample::subsequence(vec!["read:users", "update:users", "read:clients", "create:clients", "read:connections"], 0..5),
        new_scope in prop::sample::subsequence(vec!["read:users", "delete:users", "read:actions"], 0..3),
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        HARNESS.with(|h| {
            let client = h.run(h.api.post("clients", &json!({"name": unique("grantee"), "app_type": "non_interactive"})));
            let client_id = client.json()["client_id"].as_str().expect("client_id").to_owned();
            let audience = format!("{}/api/v2/", h.api.domain);
            lifecycle(
                h,
                "client-grants",
                "id",
                &json!({"client_id": client_id, "audience": audience, "scope": scope}),
                &json!({"scope": new_scope}),
                204,
            );
        });
    }

    #[test]
    fn actions_round_trip(
        code_body in "[a-z ;]{0,30}",
        secret_names in prop::collection::btree_set("[A-Z]{1,8}", 0..3),
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        let secrets: Vec<Value> = secret_names.iter().map(|n| json!({"name": n, "value": "v"})).collect();
        HARNESS.with(|h| lifecycle(
            h,
            "actions/actions",
            "id",
            &json!({"name": unique("action"), "supported_triggers": [{"id": "post-login", "version": "v3"}],
                    "code": format!("exports.onExecutePostLogin = async () => {{ {code_body} }};"), "runtime": "node22",
                    "secrets": secrets}),
            &json!({"code": "exports.onExecutePostLogin = async () => {};"}),
            204,
        ));
    }

    #[test]
    fn users_round_trip(
        local in "[a-z]{1,12}",
        metadata in prop::collection::btree_map("[a-z]{1,6}", 0i64..1000, 0..4),
        extra in prop::collection::btree_map("[a-z]{1,6}", 0i64..1000, 0..3),
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        HARNESS.with(|h| {
            let email = format!("{local}.{}@example.com", unique("u"));
            let created = h.run(h.api.post("users", &json!({"connection": "Username-Password-Authentication", "email": email,
                "password": "Correct-Horse-9!", "email_verified": true, "app_metadata": metadata})));
            assert_eq!(created.status, 201, "{:?}", created.body);
            let user_id = created.json()["user_id"].as_str().expect("user_id").to_owned();
            let item = format!("users/{}", path_of(&user_id));
            let patched = h.run(h.api.patch(&item, &json!({"app_metadata": extra})));
            assert_eq!(patched.status, 200);
            // app_metadata merges key by key; an empty object clears it (TestAccUser #16).
            let actual = patched.json().get("app_metadata").cloned();
            if extra.is_empty() {
                assert_eq!(actual, None, "PATCH app_metadata {{}} removes it");
            } else {
                let mut merged = metadata.clone();
                merged.extend(extra.clone());
                assert_eq!(actual, Some(json!(merged)));
            }
            assert_eq!(h.run(h.api.delete(&item)).status, 204);
            assert_eq!(h.run(h.api.get(&item)).status, 404);
        });
    }

    #[test]
    fn email_templates_and_provider_round_trip(
        name in prop::sample::select(vec!["verify_email", "welcome_email", "reset_email", "change_password", "blocked_account"]),
        subject in "[A-Za-z ]{1,30}",
        enabled in any::<bool>(),
        port in 1u16..65_535,
    ) {
        // Templates and the provider are singletons: a fresh emulator per case.
        let h = Harness::new();
        h.run(async {
            let api = &h.api;
            let path = format!("email-templates/{name}");
            assert_eq!(api.get(&path).await.status, 404);
            let template = json!({"template": name, "body": "<p>x</p>", "from": "a@example.com", "subject": subject,
                                  "syntax": "liquid", "enabled": enabled});
            let created = api.post("email-templates", &template).await;
            assert!([200, 201].contains(&created.status), "{:?}", created.body);
            assert_contains(api.get(&path).await.json(), &template, "template");
            let patched = api.patch(&path, &json!({"enabled": !enabled})).await;
            assert_eq!(patched.json()["enabled"], !enabled);
            assert_eq!(patched.json()["subject"], subject.as_str());

            let provider = json!({"name": "smtp", "enabled": true, "default_from_address": "n@example.com",
                                  "credentials": {"smtp_host": "smtp.example.com", "smtp_port": port, "smtp_user": "u", "smtp_pass": "p"}});
            assert_eq!(api.post("emails/provider", &provider).await.status, 201);
            let read = api.get("emails/provider?fields=name,enabled,credentials&include_fields=true").await;
            assert_eq!(read.json()["credentials"]["smtp_port"], port);
            assert!(read.json()["credentials"].get("smtp_pass").is_none());
            let patched = api.patch("emails/provider", &json!({"enabled": false})).await;
            assert_eq!(patched.json()["enabled"], false);
            assert_eq!(api.delete("emails/provider").await.status, 204);
            assert_eq!(api.get("emails/provider").await.status, 404);
        });
    }

    #[test]
    fn tenant_settings_round_trip(
        friendly_name in "[A-Za-z ]{1,30}",
        enable_client_connections in any::<bool>(),
        session_lifetime in 1u32..720,
    ) {
        thread_local!(static HARNESS: Harness = Harness::new());
        HARNESS.with(|h| h.run(async {
            let patch = json!({"friendly_name": friendly_name, "session_lifetime": session_lifetime,
                               "flags": {"enable_client_connections": enable_client_connections}});
            let patched = h.api.patch("tenants/settings", &patch).await;
            assert_eq!(patched.status, 200, "{:?}", patched.body);
            let read = h.api.get("tenants/settings").await;
            assert_eq!(read.json()["friendly_name"], friendly_name.as_str());
            assert_eq!(read.json()["session_lifetime"], session_lifetime);
            assert_eq!(read.json()["flags"]["enable_client_connections"], enable_client_connections);
        }));
    }
}
