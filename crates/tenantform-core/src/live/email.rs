//! The email provider (`GET /emails/provider`) and templates (`GET /email-templates/{name}`).

use serde_json::Value;

use super::error::NormalizeError;
use super::json::{bool_or, opt_str, opt_u32, parse_enum, str_or};
use crate::model::email::TemplateSyntax;
use crate::model::{EmailCredentials, EmailProvider, EmailTemplate};

/// Normalizes the provider. Secret credentials are never returned by Auth0, so they stay
/// `None`: the plan reports them as write-only instead of comparing them.
pub fn normalize_email_provider(body: &Value) -> Result<EmailProvider, NormalizeError> {
    let name = parse_enum(body, "name").ok_or_else(|| {
        NormalizeError::new("email provider", "missing or unsupported provider `name`")
    })?;
    let credentials = body.get("credentials").unwrap_or(&Value::Null);
    Ok(EmailProvider {
        name: Some(name),
        enabled: Some(bool_or(body, "enabled", true)),
        default_from_address: Some(str_or(body, "default_from_address", "")),
        credentials: EmailCredentials {
            api_key: None,
            domain: opt_str(credentials, "domain"),
            region: opt_str(credentials, "region"),
            smtp_host: opt_str(credentials, "smtp_host"),
            smtp_port: credentials
                .get("smtp_port")
                .and_then(Value::as_u64)
                .and_then(|port| u16::try_from(port).ok()),
            smtp_user: opt_str(credentials, "smtp_user"),
            smtp_pass: None,
            access_key_id: opt_str(credentials, "accessKeyId")
                .or_else(|| opt_str(credentials, "access_key_id")),
            secret_access_key: None,
        },
    })
}

/// Normalizes a configured template (Auth0's camelCase fields into the model's snake_case).
pub fn normalize_email_template(body: &Value) -> EmailTemplate {
    EmailTemplate {
        enabled: Some(bool_or(body, "enabled", false)),
        subject: Some(str_or(body, "subject", "")),
        from: Some(str_or(body, "from", "")),
        body: Some(str_or(body, "body", "")),
        body_file: None,
        result_url: Some(str_or(body, "resultUrl", "")),
        url_lifetime_in_seconds: opt_u32(body, "urlLifetimeInSeconds"),
        include_email_in_redirect: Some(bool_or(body, "includeEmailInRedirect", false)),
        // A template without `syntax` is liquid, the only syntax Auth0 has.
        syntax: Some(parse_enum(body, "syntax").unwrap_or(TemplateSyntax::Liquid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;
    use crate::model::EmailProviderName;

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
