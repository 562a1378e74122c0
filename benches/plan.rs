//! Planning benchmark: requests made, 429s received and wall time against the rate-limit floor
//! (the time the minimum number of requests needs at that limit), for the example tenant and a
//! generated large tenant (1,000 applications, 1,000 grants, 50 connections), with the
//! emulator's `free` and `enterprise` presets. Run with `cargo bench --bench plan`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use auth0_emulator::{Emulator, EmulatorOptions, RateLimit};
use indexmap::IndexMap;
use serde_json::json;
use tenantform::api::{ConnectionSettings, ManagementClient};
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;
use tenantform_core::model::{AppType, Application, ClientGrant, DatabaseConnection, TenantFile};

const APPLICATIONS: usize = 1_000;
const CONNECTIONS: usize = 50;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let example = example_tenant();
    let large = large_tenant();
    println!(
        "| tenant | preset | requests | 429s | retries | wall (s) | floor (s) | wall / floor | changes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (label, tenant, seed) in [("example", &example, false), ("large", &large, true)] {
        for preset in [RateLimit::Free, RateLimit::Enterprise] {
            let emulator =
                Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
            if seed {
                seed_large(&emulator).await?;
            }
            emulator.set_rate_limit(preset);
            let client = connect(&emulator).await?;
            let started = Instant::now();
            let (plan, _) = plan_tenant(&client, tenant, PlanOptions::default()).await?;
            let wall = started.elapsed().as_secs_f64();
            let stats = client.stats();
            let bucket = preset.global_bucket().expect("a limited preset");
            let necessary = stats.requests - stats.retries;
            let floor = f64::from(
                u32::try_from(necessary.saturating_sub(u64::from(bucket.burst)))
                    .unwrap_or(u32::MAX),
            ) / bucket.per_second;
            let ratio = if floor > 0.0 {
                format!("{:.2}", wall / floor)
            } else {
                "-".to_owned()
            };
            println!(
                "| {label} | {preset:?} | {} | {} | {} | {wall:.1} | {floor:.1} | {ratio} | {} |",
                stats.requests,
                stats.rate_limited,
                stats.retries,
                plan.summary().total()
            );
            emulator.shutdown().await?;
        }
    }
    Ok(())
}

async fn connect(emulator: &Emulator) -> anyhow::Result<ManagementClient> {
    let settings = ConnectionSettings::new(
        &emulator.domain(),
        emulator.client_id().to_owned(),
        emulator.client_secret().clone(),
    )?;
    Ok(ManagementClient::connect(settings).await?)
}

fn example_tenant() -> TenantFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let variables = Variables::from_map(HashMap::from([(
        "MAILGUN_API_KEY".to_owned(),
        "bench-key".to_owned(),
    )]));
    let (loaded, diagnostics) = load_tenant_with(
        &root.join("tenants/dev.yaml"),
        &variables,
        LoadOptions {
            require_secrets: true,
        },
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    loaded.expect("the example loads").tenant
}

fn app_name(index: usize) -> String {
    format!("Benchmark App {index:04}")
}

fn connection_name(index: usize) -> String {
    format!("bench-users-{index:02}")
}

/// The tenant file for the large tenant: what `seed_large` creates.
fn large_tenant() -> TenantFile {
    let mut applications = IndexMap::new();
    let mut grants = Vec::new();
    for index in 0..APPLICATIONS {
        let key = format!("app-{index:04}");
        applications.insert(
            key.clone(),
            Application {
                name: Some(app_name(index)),
                app_type: Some(AppType::NonInteractive),
                grant_types: Some(vec!["client_credentials".to_owned()]),
                ..Application::default()
            },
        );
        grants.push(ClientGrant {
            application: key,
            audience: "management-api".to_owned(),
            scopes: vec!["read:users".to_owned()],
        });
    }
    let mut connections = IndexMap::new();
    for index in 0..CONNECTIONS {
        connections.insert(
            connection_name(index),
            DatabaseConnection {
                disable_signup: Some(true),
                enabled_applications: Some(vec![format!("app-{index:04}")]),
                ..DatabaseConnection::default()
            },
        );
    }
    TenantFile {
        applications,
        grants,
        connections,
        ..TenantFile::default()
    }
}

/// Creates the large tenant through the Management API with rate limiting off.
async fn seed_large(emulator: &Emulator) -> anyhow::Result<()> {
    let client = connect(emulator).await?;
    let audience = format!("{}/api/v2/", emulator.domain());
    let mut ids = Vec::with_capacity(APPLICATIONS);
    for index in 0..APPLICATIONS {
        let created = client
            .create_client(&json!({"name": app_name(index), "app_type": "non_interactive", "grant_types": ["client_credentials"]}))
            .await?;
        let id = created["client_id"].as_str().expect("client_id").to_owned();
        client
            .create_client_grant(
                &json!({"client_id": id, "audience": audience, "scope": ["read:users"]}),
            )
            .await?;
        ids.push(id);
    }
    for (index, id) in ids.iter().enumerate().take(CONNECTIONS) {
        let created = client
            .create_connection(&json!({"name": connection_name(index), "strategy": "auth0", "options": {"disable_signup": true}}))
            .await?;
        let connection_id = created["id"].as_str().expect("id").to_owned();
        client
            .set_enabled_clients(&connection_id, &[(id.clone(), true)])
            .await?;
    }
    Ok(())
}
