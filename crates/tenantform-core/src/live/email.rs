//! The email provider (`GET /emails/provider`) and templates (`GET /email-templates/{name}`):
//! the wire values with Auth0's meaning of absent fields filled in, into the model.

use auth0_wire::email as wire;
use serde_json::Value;

use super::error::NormalizeError;
use super::json::wire as read;
use crate::model::{
    EmailCredentials, EmailProvider, EmailProviderName, EmailTemplate, TemplateName,
};

/// Normalizes the provider. Secret credentials are never returned by Auth0, so they stay
/// `None`: the plan reports them as write-only instead of comparing them.
pub fn normalize_email_provider(body: &Value) -> Result<EmailProvider, NormalizeError> {
    let provider: wire::EmailProvider = read(body, "email provider")?;
    if provider.name.is_none() {
        return Err(NormalizeError::new(
            "email provider",
            "missing or unsupported provider `name`",
        ));
    }
    Ok(email_provider(&provider.completed()))
}

/// A provider as Auth0 shows one configured with only its name: what export leaves out of a
/// file as Auth0's default.
pub fn created_email_provider(name: EmailProviderName) -> EmailProvider {
    let provider = wire::EmailProvider {
        name: Some(name),
        ..wire::EmailProvider::default()
    };
    email_provider(&provider.completed())
}

fn email_provider(provider: &wire::EmailProvider) -> EmailProvider {
    let credentials = provider.credentials.clone().unwrap_or_default();
    EmailProvider {
        name: provider.name,
        enabled: provider.enabled,
        default_from_address: provider.default_from_address.clone(),
        credentials: EmailCredentials {
            api_key: None,
            domain: credentials.domain,
            region: credentials.region,
            smtp_host: credentials.smtp_host,
            smtp_port: credentials.smtp_port,
            smtp_user: credentials.smtp_user,
            smtp_pass: None,
            access_key_id: credentials.access_key_id,
            secret_access_key: None,
        },
    }
}

/// Normalizes a configured template (Auth0's camelCase fields into the model's snake_case).
pub fn normalize_email_template(body: &Value) -> EmailTemplate {
    let template: wire::EmailTemplate = serde_json::from_value(body.clone()).unwrap_or_default();
    email_template(&template.completed())
}

/// A configured template with nothing set: what export leaves out of a file as Auth0's default.
pub fn created_email_template(name: TemplateName) -> EmailTemplate {
    let template = wire::EmailTemplate {
        template: Some(name),
        ..wire::EmailTemplate::default()
    };
    email_template(&template.completed())
}

/// The model's view of a wire template: the fields both name (`resultUrl` is `result_url`).
fn email_template(template: &wire::EmailTemplate) -> EmailTemplate {
    auth0_wire::shape::project(template).expect("every template field of the model is a wire field")
}

#[cfg(test)]
mod projection {
    use super::*;
    use auth0_wire::shape::field_names;

    /// A model field the wire template lacks would never be read (`body_file` is where the
    /// file read the body from, not an Auth0 field).
    #[test]
    fn every_template_field_is_a_wire_field() {
        let completed = created_email_template(TemplateName::ResetEmail);
        let value = serde_json::to_value(&completed).unwrap();
        for field in field_names::<EmailTemplate>() {
            if !matches!(*field, "body_file" | "url_lifetime_in_seconds") {
                assert!(
                    value.get(*field).is_some(),
                    "`{field}` is not read from the wire template"
                );
            }
        }
        let with_lifetime = wire::EmailTemplate {
            url_lifetime_in_seconds: Some(60),
            ..wire::EmailTemplate::default()
        };
        assert_eq!(
            email_template(&with_lifetime).url_lifetime_in_seconds,
            Some(60)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;
    use crate::model::email::TemplateSyntax;

    #[test]
    fn smtp_provider_keeps_public_credentials_only() {
        let provider = normalize_email_provider(&response("TestAccEmail.yaml", 18)).unwrap();
        assert_eq!(provider.name, Some(EmailProviderName::Smtp));
        assert_eq!(
            provider.credentials.smtp_host.as_deref(),
            Some("example.com")
        );
        assert_eq!(provider.credentials.smtp_port, Some(984));
        assert_eq!(provider.credentials.smtp_user.as_deref(), Some("bob"));
        assert!(provider.credentials.smtp_pass.is_none());
    }

    #[test]
    fn ses_provider_region() {
        let provider = normalize_email_provider(&response("TestAccEmail.yaml", 2)).unwrap();
        assert_eq!(provider.name, Some(EmailProviderName::Ses));
        assert_eq!(provider.credentials.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn template_fields_are_snake_cased() {
        let template = normalize_email_template(&response("TestAccEmailTemplate.yaml", 3));
        assert_eq!(template.enabled, Some(false));
        assert_eq!(template.subject.as_deref(), Some("Welcome"));
        assert_eq!(
            template.result_url.as_deref(),
            Some("https://example.com/welcome")
        );
        assert_eq!(template.url_lifetime_in_seconds, Some(3600));
        assert_eq!(template.include_email_in_redirect, Some(false));
        assert_eq!(template.syntax, Some(TemplateSyntax::Liquid));
    }

    #[test]
    fn template_without_syntax_is_liquid() {
        let template = normalize_email_template(&serde_json::json!({"template": "reset_email"}));
        assert_eq!(template.syntax, Some(TemplateSyntax::Liquid));
    }
}
