//! Custom APIs for export: every API of the tenant but Auth0's system API (the apply lock's
//! the normalizer already left out), keyed by a slug of its name, only the fields that differ
//! from what Auth0 gives a new API. Grants to them name them by key.

use indexmap::IndexMap;

use super::defaults;
use super::slug::KeyAllocator;
use tenantform_core::live::{LiveTenant, created_api};
use tenantform_core::model::Api;

/// The tenant's custom APIs, in identifier order so keys are the same for the same tenant.
pub fn apis(live: &LiveTenant) -> IndexMap<String, Api> {
    let mut custom: Vec<_> = live.apis.iter().filter(|api| !api.is_system).collect();
    custom.sort_by(|a, b| a.identifier.cmp(&b.identifier));
    let default = created_api();
    let mut keys = KeyAllocator::default();
    let mut out = IndexMap::new();
    for api in custom {
        let key = keys.key_for(api.model.name.as_deref().unwrap_or(&api.identifier), "api");
        let model = defaults::without_defaults(&api.model, &default, &["identifier", "name"]);
        out.insert(key, model);
    }
    out
}

/// What a grant to `identifier` names as its audience: the key of the exported API, else
/// the identifier itself.
pub fn audience(apis: &IndexMap<String, Api>, identifier: &str) -> String {
    apis.iter()
        .find(|(_, api)| api.identifier() == identifier)
        .map_or_else(|| identifier.to_owned(), |(key, _)| key.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantform_core::live::LiveApi;
    use tenantform_core::model::api::TokenDialect;

    fn live_api(identifier: &str, name: &str, is_system: bool) -> LiveApi {
        LiveApi {
            id: format!("id-{identifier}"),
            identifier: identifier.into(),
            is_system,
            model: Api {
                identifier: Some(identifier.into()),
                name: Some(name.into()),
                token_dialect: Some(TokenDialect::AccessTokenAuthz),
                ..created_api()
            },
        }
    }

    #[test]
    fn custom_apis_are_keyed_by_name_without_defaults_and_the_system_api_never() {
        let live = LiveTenant {
            apis: vec![
                live_api(
                    "https://acme.auth0.com/api/v2/",
                    "Auth0 Management API",
                    true,
                ),
                live_api("https://api.example.com/", "Reports API", false),
            ],
            ..LiveTenant::default()
        };
        let apis = apis(&live);
        assert_eq!(apis.keys().collect::<Vec<_>>(), ["reports-api"]);
        let api = &apis["reports-api"];
        assert_eq!(api.identifier(), "https://api.example.com/");
        assert_eq!(api.token_dialect, Some(TokenDialect::AccessTokenAuthz));
        assert_eq!(api.token_lifetime, None, "Auth0's default is left out");
        assert_eq!(audience(&apis, "https://api.example.com/"), "reports-api");
        assert_eq!(audience(&apis, "https://other/"), "https://other/");
    }
}
