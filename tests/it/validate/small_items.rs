//! Small things a user trips over (issue 13, item 12): `-q validate` is quiet about warnings,
//! and `demo` outside a project fails before it starts or seeds an emulated tenant.

use crate::support::Cli;

#[test]
fn quiet_validate_prints_no_warnings() {
    let dir = tempfile::tempdir().unwrap();
    // An empty file is valid with one warning: it manages nothing.
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let loud = Cli::new()
        .current_dir(dir.path())
        .args(["validate", "empty.yaml"])
        .run();
    loud.assert_success();
    assert!(
        loud.stderr.contains("warning"),
        "the file has a warning\n{loud}"
    );
    let quiet = Cli::new()
        .current_dir(dir.path())
        .args(["-q", "validate", "empty.yaml"])
        .run();
    quiet.assert_success();
    assert_eq!(quiet.all(), "", "-q prints nothing for a valid file");
}

#[test]
fn demo_outside_a_project_fails_before_seeding_anything() {
    let dir = tempfile::tempdir().unwrap();
    let run = Cli::new().current_dir(dir.path()).args(["demo"]).run();
    run.assert_code(1);
    assert!(run.stderr.contains("tenants/dev.yaml"), "{run}");
    for step in ["[1/7]", "[2/7]", "AUTH0_DOMAIN="] {
        assert!(
            !run.all().contains(step),
            "`{step}` ran before the file was found\n{run}"
        );
    }
}

/// The schema's description of `region` (what an editor shows) names only Mailgun regions
/// that validation, like Auth0, accepts.
#[test]
fn the_mailgun_regions_the_schema_documents_are_accepted() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::project_dir().join("tenants/schema.json"))
            .unwrap(),
    )
    .unwrap();
    let description =
        schema["definitions"]["EmailCredentials"]["properties"]["region"]["description"]
            .as_str()
            .or_else(|| {
                schema["$defs"]["EmailCredentials"]["properties"]["region"]["description"].as_str()
            })
            .expect("the schema describes `region`")
            .to_owned();
    let mailgun_part = description.split("SES").next().unwrap();
    let documented: Vec<&str> = mailgun_part.split('`').skip(1).step_by(2).collect();
    assert!(!documented.is_empty(), "{description}");
    for region in documented {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.yaml"),
            format!(
                "email_provider:\n  name: mailgun\n  credentials:\n    api_key: ${{MAILGUN_API_KEY}}\n    domain: mg.example.com\n    region: {region}\n"
            ),
        )
        .unwrap();
        let run = Cli::new()
            .current_dir(dir.path())
            .args(["validate", "t.yaml"])
            .run();
        assert_eq!(
            run.code, 0,
            "documented region `{region}` is refused\n{run}"
        );
    }
}

/// A tenant that cannot be reached: the error names each cause once (the request's own
/// message included its source, which `{:#}` then printed again).
#[test]
fn an_unreachable_tenant_names_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "applications:\n  app:\n    name: App\n",
    )
    .unwrap();
    // Nothing listens on port 9 (discard) here: the token request is refused at once.
    let run = Cli::new()
        .current_dir(dir.path())
        .env("AUTH0_DOMAIN", "http://127.0.0.1:9")
        .env("AUTH0_M2M_CLIENT_ID", "id")
        .env("AUTH0_M2M_CLIENT_SECRET", "secret-of-the-test")
        .args(["plan", "t.yaml"])
        .run();
    run.assert_code(1);
    assert_eq!(
        run.stderr.matches("error sending request").count(),
        1,
        "{run}"
    );
}
