//! The email provider (with write-only credentials) and email templates.

use auth0_wire::email::UNRETURNED_CREDENTIALS;

use super::fields::{all_declared, diff_declared};
use super::{Planner, write_only};
use crate::plan::desired::Desired;
use crate::plan::model::{Address, Kind};

/// Not Auth0 fields: `body_file` is where the file read `body` from.
const TEMPLATE_SKIP: &[&str] = &["body_file"];

impl Planner<'_> {
    pub(super) fn email_provider(&mut self) {
        let Some(provider) = &self.file.email_provider else {
            return;
        };
        let address = Address::new(Kind::EmailProvider, "provider");
        let public = provider.without_secrets();
        let desired = Desired::EmailProvider {
            provider: provider.clone(),
        };
        let Some(live) = &self.live.email_provider else {
            let mut fields = all_declared("", &public, &["credentials"]);
            fields.extend(all_declared("credentials", &public.credentials, &[]));
            fields.extend(write_only(provider.secret_fields()));
            self.create(address, fields, desired);
            return;
        };
        let mut fields = diff_declared("", &public, live, &["credentials"]);
        fields.extend(diff_declared(
            "credentials",
            &public.credentials,
            &live.credentials,
            &UNRETURNED_CREDENTIALS,
        ));
        for field in UNRETURNED_CREDENTIALS {
            let declared = serde_json::to_value(&public.credentials)
                .ok()
                .is_some_and(|c| c.get(field).is_some());
            if declared {
                self.note(
                    &address,
                    Some(&format!("credentials.{field}")),
                    "cannot be compared: Auth0 never returns it; it is sent with any provider update",
                );
            }
        }
        let secrets = write_only(provider.secret_fields());
        // Any update sends the complete credentials, so the secrets go with it.
        if self.context.force_secrets || !fields.is_empty() {
            fields.extend(secrets);
        } else {
            for secret in &secrets {
                self.note(
                    &address,
                    Some(&secret.path),
                    "cannot be compared (write-only): Auth0 never returns it; --force-secrets re-sends it",
                );
            }
        }
        self.update_or_noop(address, None, fields, desired);
    }

    pub(super) fn email_templates(&mut self) {
        for (name, template) in &self.file.email_templates {
            let address = Address::new(Kind::EmailTemplate, name.as_str());
            let desired = Desired::EmailTemplate {
                template: *name,
                value: template.clone(),
            };
            match self.live.email_templates.get(name) {
                None => self.create(address, all_declared("", template, TEMPLATE_SKIP), desired),
                Some(live) => {
                    let fields = diff_declared("", template, live, TEMPLATE_SKIP);
                    self.update_or_noop(address, None, fields, desired);
                }
            }
        }
    }
}
