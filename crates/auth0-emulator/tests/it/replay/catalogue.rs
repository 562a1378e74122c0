//! Which recordings the replay covers, how each is judged, and — with the reason written
//! down — which interactions a fresh emulator cannot reproduce.

use super::shape::{KeyRule, ShapeRules};

/// The repository a cassette came from decides which sanitisation artifacts it carries
/// (see tests/fixtures/auth0-recordings/INDEX.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    GoAuth0,
    Terraform,
}

pub struct CassetteEntry {
    /// Relative to tests/fixtures/auth0-recordings.
    pub path: &'static str,
    pub plan: Plan,
}

pub enum Plan {
    Replay {
        setup: &'static [Setup],
        known_unmatchable: &'static [KnownUnmatchable],
    },
    Skip {
        reason: &'static str,
    },
}

/// State the recording tenant already had, recreated before the replay starts.
pub enum Setup {
    /// A Management API request (path relative to `/api/v2/`) sent before the first
    /// interaction; it must succeed.
    Request {
        method: &'static str,
        path: &'static str,
        body: &'static str,
        why: &'static str,
    },
    /// The recording hand-sanitised the system API's id; map it to the emulator's.
    MapSystemApiId {
        recorded: &'static str,
        why: &'static str,
    },
}

pub struct KnownUnmatchable {
    pub ids: Ids,
    pub why: &'static str,
    /// Whether the entry excuses a different status code too, or only a different shape.
    pub status_may_differ: bool,
}

pub enum Ids {
    These(&'static [usize]),
    /// Every interaction with this method whose recorded path starts with the prefix.
    Matching {
        method: &'static str,
        path_prefix: &'static str,
    },
}

impl KnownUnmatchable {
    pub fn covers(&self, id: usize, method: &str, path: &str) -> bool {
        match self.ids {
            Ids::These(ids) => ids.contains(&id),
            Ids::Matching {
                method: m,
                path_prefix,
            } => m == method && path.starts_with(path_prefix),
        }
    }
}

impl CassetteEntry {
    pub fn source(&self) -> Source {
        if self.path.starts_with("go-auth0/") {
            Source::GoAuth0
        } else {
            Source::Terraform
        }
    }

    pub fn name(&self) -> &'static str {
        self.path
            .rsplit('/')
            .next()
            .unwrap_or(self.path)
            .trim_end_matches(".yaml")
    }
}

/// How a recorded response is compared, given the sanitisation its source applied.
pub fn rules_for(source: Source, method: &str, path: &str, query: Option<&str>) -> ShapeRules {
    const SUBSET: ShapeRules = ShapeRules {
        keys: KeyRule::RecordedSubset,
        fake_top_level_keys: &[],
    };
    let is_clients = path == "/api/v2/clients" || path.starts_with("/api/v2/clients/");
    let is_list = path == "/api/v2/clients" && method == "GET";
    match source {
        // go-auth0 re-encoded single-client bodies and resource servers through its structs;
        // its client *list* (TestClient_List) was left raw.
        Source::GoAuth0 if is_clients && !is_list => SUBSET,
        Source::GoAuth0 if path.starts_with("/api/v2/resource-servers") => SUBSET,
        // Terraform re-encoded clients, lists included, and lists gained `length`/`next`.
        Source::Terraform if is_list => ShapeRules {
            keys: KeyRule::RecordedSubset,
            fake_top_level_keys: if query.is_some_and(|q| q.contains("include_totals=true")) {
                &["length", "next"]
            } else {
                &[]
            },
        },
        Source::Terraform if is_clients => SUBSET,
        _ => ShapeRules::EXACT,
    }
}

/// Tenant settings are one object per tenant whose keys depend on what was ever configured on
/// it: the recording tenants had flags toggled and pages configured by years of other tests
/// (`guardian_mfa_page.html`, `default_redirection_uri`, `error_page`, legacy-grant flags),
/// and a fresh tenant does not. The status code must still match (a 400 is never excused).
const TENANT_SETTINGS_STATE: &[KnownUnmatchable] = &[
    KnownUnmatchable {
        ids: Ids::Matching {
            method: "GET",
            path_prefix: "/api/v2/tenants/settings",
        },
        why: "tenant settings keys reflect the recording tenant's accumulated configuration; a fresh tenant has fewer",
        status_may_differ: false,
    },
    KnownUnmatchable {
        ids: Ids::Matching {
            method: "PATCH",
            path_prefix: "/api/v2/tenants/settings",
        },
        why: "PATCH returns the full settings, whose keys reflect the recording tenant's accumulated configuration",
        status_may_differ: false,
    },
];

/// The emulator follows the 2026 recordings (TestAccConnection, TestAccConnectionClient):
/// connections carry `authentication` and `connected_accounts`, and a database connection's
/// default `password` method has `api_behavior`. go-auth0's connection cassettes were recorded
/// in 2024 and 2025, before Auth0 added those keys (the 2025 one already had the first two).
const CONNECTIONS_BEFORE_2026_WHY: &str = "recorded in 2024/2025, before Auth0 added `authentication`, `connected_accounts` and the password method's `api_behavior` (the 2026 recordings TestAccConnection and TestAccConnectionClient have them; the emulator follows those)";

const ROLES_NOT_EMULATED: &str =
    "roles are not emulated (the emulator covers the endpoints tenantform manages)";

const WELCOME_EMAIL_BEFORE: &str = r#"{"template":"welcome_email","body":"<html><body><h1>Welcome!</h1></body></html>","from":"welcome@example.com","resultUrl":"https://example.com/welcome","subject":"Welcome","syntax":"liquid","urlLifetimeInSeconds":3600,"includeEmailInRedirect":false,"enabled":false}"#;
const VERIFY_EMAIL_BEFORE: &str = r#"{"template":"verify_email","body":"<html><body><h1>Verify</h1></body></html>","from":"me@example.com","resultUrl":"https://www.example.com/verify-email","subject":"Verify","syntax":"liquid","enabled":true}"#;

pub const CASSETTES: &[CassetteEntry] = &[
    // --- go-auth0 (v1) ---
    CassetteEntry {
        path: "go-auth0/test/data/recordings/authentication/TestLoginWithClientCredentials/Should_return_tokens.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[KnownUnmatchable {
                ids: Ids::These(&[0]),
                why: "hand-sanitised cassette (audience `test-audience`, every value `test-*`): the token carries no scope there; the emulator's M2M grant has scopes, and Auth0 returns `scope` when the token has any (it omits it only when empty, as the emulator does)",
                status_may_differ: false,
            }],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestActionManager_Bindings.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestActionManager_Delete.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestClientGrantManager_Delete.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestClientGrantManager_Update.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestClientGrant_IsSystem.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestClient_List.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestConnectionManager_Delete.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[KnownUnmatchable {
                ids: Ids::These(&[0]),
                why: CONNECTIONS_BEFORE_2026_WHY,
                status_may_differ: false,
            }],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestConnectionManager_EnabledClients.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[KnownUnmatchable {
                ids: Ids::These(&[1]),
                why: CONNECTIONS_BEFORE_2026_WHY,
                status_may_differ: false,
            }],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestConnectionManager_ReadByName/It_can_successfully_find_a_Auth0_Connection_by_its_name.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[KnownUnmatchable {
                ids: Ids::These(&[0, 1]),
                why: CONNECTIONS_BEFORE_2026_WHY,
                status_may_differ: false,
            }],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestEmailTemplateManager_Replace.yaml",
        plan: Plan::Replay {
            setup: &[Setup::Request {
                method: "POST",
                path: "email-templates",
                body: VERIFY_EMAIL_BEFORE,
                why: "the recording tenant already had verify_email (the recorded POST is a 409)",
            }],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestResourceServer_List.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestRoleManager_Delete.yaml",
        plan: Plan::Skip {
            reason: ROLES_NOT_EMULATED,
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestRoleManager_List.yaml",
        plan: Plan::Skip {
            reason: ROLES_NOT_EMULATED,
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestRoleManager_Permissions.yaml",
        plan: Plan::Skip {
            reason: ROLES_NOT_EMULATED,
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestRoleManager_UsersCheckpointPagination.yaml",
        plan: Plan::Skip {
            reason: "roles are not emulated; the users it creates only exist to be assigned to a role",
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestTenantManager.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: TENANT_SETTINGS_STATE,
        },
    },
    CassetteEntry {
        path: "go-auth0/test/data/recordings/TestTicketManager_ChangePassword.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    // --- terraform-provider-auth0 (main) ---
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccAction.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccClientConfig.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccClientGrant.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccConnection.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccConnectionClient.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccConnectionOptionsAttrSetValidationNegative.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccDataClients.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccDataSourceClientGrants.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccDataSourceClientNonexistentID.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccEmail.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccEmailTemplate.yaml",
        plan: Plan::Replay {
            setup: &[Setup::Request {
                method: "POST",
                path: "email-templates",
                body: WELCOME_EMAIL_BEFORE,
                why: "the recording tenant already had welcome_email (the cassette never creates it; its first GET is a 200)",
            }],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccResourceServer.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccResourceServerAuth0APIManagementImport.yaml",
        plan: Plan::Replay {
            setup: &[Setup::MapSystemApiId {
                recorded: "xxxxxxxxxxxxxxxxxxxx",
                why: "the recording replaced the system API's id by hand; the emulator's system API stands for it",
            }],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccRole.yaml",
        plan: Plan::Skip {
            reason: ROLES_NOT_EMULATED,
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccTenant_Main.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: TENANT_SETTINGS_STATE,
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccUser.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[],
        },
    },
    CassetteEntry {
        path: "terraform-provider-auth0/test/data/recordings/TestAccUserCustomDomains.yaml",
        plan: Plan::Replay {
            setup: &[],
            known_unmatchable: &[
                KnownUnmatchable {
                    ids: Ids::These(&[0]),
                    why: "409 custom_domain_conflict: the recording tenant had several verified custom domains; the emulator has none",
                    status_may_differ: true,
                },
                KnownUnmatchable {
                    ids: Ids::These(&[1]),
                    why: "409 user exists: #0 succeeded on the emulator (no custom domains), so this retry collides with that user's email",
                    status_may_differ: true,
                },
                KnownUnmatchable {
                    ids: Ids::These(&[2, 3]),
                    why: "404: the user #1 should have created does not exist because #1 collided (see #1)",
                    status_may_differ: true,
                },
            ],
        },
    },
    // --- terraform-provider-auth0 history (before 429s were stripped) ---
    CassetteEntry {
        path: "terraform-provider-auth0@73e83588/test/data/recordings/TestAccRolePermissions.yaml",
        plan: Plan::Skip {
            reason: ROLES_NOT_EMULATED,
        },
    },
];

/// Every cassette the catalogue names, for tests that walk all recorded data.
pub fn all_cassette_paths() -> Vec<String> {
    CASSETTES
        .iter()
        .map(|entry| entry.path.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn files_under(dir: &std::path::Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "yaml") {
                let root = super::super::cassette::recordings_root();
                found.insert(
                    path.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }

    #[test]
    fn the_catalogue_names_every_vendored_cassette_exactly_once() {
        let mut on_disk = BTreeSet::new();
        files_under(&super::super::cassette::recordings_root(), &mut on_disk);
        let named: Vec<String> = all_cassette_paths();
        let named_set: BTreeSet<String> = named.iter().cloned().collect();
        assert_eq!(named.len(), named_set.len(), "a cassette is listed twice");
        assert_eq!(on_disk, named_set);
    }

    #[test]
    fn every_vendored_recording_has_its_license_beside_it() {
        let root = super::super::cassette::recordings_root();
        for dir in [
            "go-auth0",
            "terraform-provider-auth0",
            "terraform-provider-auth0@73e83588",
        ] {
            assert!(root.join(dir).join("LICENSE").is_file(), "{dir}/LICENSE");
        }
    }

    #[test]
    fn sanitisation_rules_follow_the_source() {
        let go = rules_for(Source::GoAuth0, "GET", "/api/v2/clients/abc", None);
        assert_eq!(go.keys, KeyRule::RecordedSubset);
        let go_list = rules_for(
            Source::GoAuth0,
            "GET",
            "/api/v2/clients",
            Some("include_totals=true"),
        );
        assert_eq!(go_list.keys, KeyRule::Exact);
        let tf_list = rules_for(
            Source::Terraform,
            "GET",
            "/api/v2/clients",
            Some("include_totals=true&page=0"),
        );
        assert_eq!(tf_list.fake_top_level_keys, &["length", "next"]);
        let grants = rules_for(Source::Terraform, "GET", "/api/v2/client-grants", None);
        assert_eq!(grants.keys, KeyRule::Exact);
    }
}
