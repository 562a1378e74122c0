//! The pull-request Markdown of several tenants: marker first, a summary line per tenant,
//! destructive changes called out, every resource in its own section, cut under the limit.

use super::example::{context, desired, live_from, raw};
use super::plan_with;
use super::view::{several_changes, snapshot_context};
use crate::model::{AppType, Application};
use crate::plan::Plan;
use crate::plan::view::{
    GITHUB_COMMENT_LIMIT, MARKER, MarkdownOptions, TenantPlan, markdown_comment,
};

fn no_changes() -> Plan {
    plan_with(&desired(), &live_from(&raw()), &context())
}

fn comment(tenants: &[TenantPlan<'_>]) -> String {
    markdown_comment(tenants, &MarkdownOptions::default())
}

#[test]
fn several_tenants_snapshot() {
    let changed = several_changes(&snapshot_context());
    let unchanged = no_changes();
    let text = comment(&[
        TenantPlan {
            name: "tenants/dev.yaml",
            result: Ok(&changed),
        },
        TenantPlan {
            name: "tenants/prod.yaml",
            result: Ok(&unchanged),
        },
        TenantPlan {
            name: "tenants/qa.yaml",
            result: Err("cannot authenticate with https://qa.eu.auth0.com: 401"),
        },
    ]);
    insta::assert_snapshot!(text);
}

#[test]
fn marker_first_then_one_summary_line_per_tenant() {
    let changed = several_changes(&snapshot_context());
    let unchanged = no_changes();
    let text = comment(&[
        TenantPlan {
            name: "tenants/dev.yaml",
            result: Ok(&changed),
        },
        TenantPlan {
            name: "tenants/prod.yaml",
            result: Ok(&unchanged),
        },
        TenantPlan {
            name: "tenants/qa.yaml",
            result: Err("bad credentials\nsecond line"),
        },
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], MARKER);
    let summaries: Vec<&&str> = lines.iter().filter(|l| l.starts_with("- **")).collect();
    assert_eq!(summaries.len(), 3, "{text}");
    assert!(summaries[0].starts_with("- **tenants/dev.yaml**"));
    assert!(summaries[0].ends_with(&changed.summary().to_string()));
    assert!(summaries[1].ends_with("No changes. The tenant matches the file."));
    assert!(
        summaries[2].contains(":x: failed: bad credentials…"),
        "{text}"
    );
    // Every pending change has its own collapsible section.
    assert_eq!(
        text.matches("<details>").count(),
        changed.pending().count(),
        "{text}"
    );
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
}

#[test]
fn destructive_changes_are_called_out_before_the_details() {
    let changed = several_changes(&snapshot_context());
    let text = comment(&[TenantPlan {
        name: "tenants/dev.yaml",
        result: Ok(&changed),
    }]);
    let callout = text.find("> [!CAUTION]").expect("a callout");
    let first_details = text.find("<details>").expect("details");
    assert!(callout < first_details, "{text}");
    assert!(
        text.contains("> - delete `application[\"Legacy Reports\"]`"),
        "{text}"
    );
    // Nothing destructive, no callout.
    let unchanged = no_changes();
    let calm = comment(&[TenantPlan {
        name: "tenants/prod.yaml",
        result: Ok(&unchanged),
    }]);
    assert!(!calm.contains("CAUTION"), "{calm}");
}

/// A plan creating `count` applications, each with long callbacks.
fn huge_plan(count: usize) -> Plan {
    let mut file = desired();
    for index in 0..count {
        file.applications.insert(
            format!("app-{index}"),
            Application {
                name: Some(format!("Generated application {index}")),
                app_type: Some(AppType::RegularWeb),
                callbacks: Some(
                    (0..8)
                        .map(|n| format!("https://app-{index}-{n}.example.com/oauth2callback"))
                        .collect(),
                ),
                ..Application::default()
            },
        );
    }
    plan_with(&file, &live_from(&raw()), &context())
}

#[test]
fn a_huge_plan_is_cut_under_githubs_limit_with_a_note() {
    let plan = huge_plan(400);
    let full = markdown_comment(
        &[TenantPlan {
            name: "tenants/dev.yaml",
            result: Ok(&plan),
        }],
        &MarkdownOptions {
            limit: usize::MAX,
            ..MarkdownOptions::default()
        },
    );
    assert!(
        full.chars().count() > GITHUB_COMMENT_LIMIT,
        "the test plan must be too big"
    );
    let cut = markdown_comment(
        &[TenantPlan {
            name: "tenants/dev.yaml",
            result: Ok(&plan),
        }],
        &MarkdownOptions {
            full_plan_at: "the artifacts of run 42".to_owned(),
            ..MarkdownOptions::default()
        },
    );
    assert!(cut.chars().count() <= GITHUB_COMMENT_LIMIT, "{}", cut.len());
    assert!(cut.starts_with(MARKER));
    assert!(
        cut.contains("Plan: 400 to create"),
        "the summary is always kept"
    );
    assert!(
        cut.contains("The full plan is in the artifacts of run 42."),
        "{}",
        &cut[cut.len() - 600..]
    );
    let shown = cut.matches("<details>").count();
    assert!(shown > 0 && shown < 400, "{shown}");
    assert_eq!(
        shown,
        cut.matches("</details>").count(),
        "no section is cut in half"
    );
    assert!(
        cut.contains(&format!("{} resource changes", 400 - shown)),
        "the note counts what is left out"
    );
    // A plan that fits is not cut.
    assert!(!full.contains("cut short"));
}
