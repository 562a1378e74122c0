//! The email provider (`/emails/provider`) and email templates (`/email-templates`), as the
//! Management API sends them. Template fields are camelCase on the wire; the Rust names are
//! the tenant model's.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient::wire_struct;
use crate::secrets::Secret;

wire_struct! {
    /// The email provider. Secret credentials are sent, never returned.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct EmailProvider {
        pub name: Option<EmailProviderName>,
        pub enabled: Option<bool>,
        pub default_from_address: Option<String>,
        pub credentials: Option<EmailCredentials>,
        /// Provider-specific settings (SES message tags, ...): not managed, but read, as Auth0
        /// returns them only when asked for.
        #[strict]
        pub settings: Option<Value>,
    }
}

/// Credentials Auth0 never returns although they are not secrets, by field name (recorded: a
/// `POST /emails/provider` with `accessKeyId` is answered without it). A plan cannot compare
/// them; export writes them as variables.
pub const UNRETURNED_CREDENTIALS: [&str; 1] = ["access_key_id"];

wire_struct! {
    /// `credentials`. Which fields apply depends on the provider; the secret ones are written
    /// only (Auth0 returns `domain`, `region`, `smtp_host`, `smtp_port`, `smtp_user`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct EmailCredentials {
        /// Mailgun, SendGrid, Mandrill, SparkPost.
        #[strict]
        pub api_key: Option<Secret>,
        /// Mailgun.
        pub domain: Option<String>,
        /// Mailgun (`eu`, or absent for the US) and SES.
        pub region: Option<String>,
        pub smtp_host: Option<String>,
        pub smtp_port: Option<u16>,
        pub smtp_user: Option<String>,
        #[strict]
        pub smtp_pass: Option<Secret>,
        /// SES.
        #[serde(rename = "accessKeyId", alias = "access_key_id")]
        pub access_key_id: Option<String>,
        /// SES.
        #[strict]
        #[serde(rename = "secretAccessKey")]
        pub secret_access_key: Option<Secret>,
    }
}

impl EmailProvider {
    /// The field names to ask `GET /emails/provider` for: Auth0 leaves out `credentials` and
    /// `settings` unless they are named.
    pub fn fields() -> &'static [&'static str] {
        crate::shape::field_names::<EmailProvider>()
    }

    /// What each managed field means when a response leaves it out.
    pub fn when_absent() -> EmailProvider {
        EmailProvider {
            enabled: Some(true),
            default_from_address: Some(String::new()),
            ..EmailProvider::default()
        }
    }

    /// This provider with every field it leaves out as Auth0 means it.
    #[must_use]
    pub fn completed(&self) -> EmailProvider {
        crate::shape::or_defaults(self, &EmailProvider::when_absent())
    }
}

// `name`: the providers tenantform configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailProviderName {
    Mailgun,
    Smtp,
    Sendgrid,
    Ses,
    Mandrill,
    Sparkpost,
}

impl EmailProviderName {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailProviderName::Mailgun => "mailgun",
            EmailProviderName::Smtp => "smtp",
            EmailProviderName::Sendgrid => "sendgrid",
            EmailProviderName::Ses => "ses",
            EmailProviderName::Mandrill => "mandrill",
            EmailProviderName::Sparkpost => "sparkpost",
        }
    }

    /// The secret credentials this provider requires, by their Rust (and tenant file) names.
    pub fn required_secrets(self) -> &'static [&'static str] {
        match self {
            EmailProviderName::Smtp => &["smtp_pass"],
            EmailProviderName::Ses => &["secret_access_key"],
            _ => &["api_key"],
        }
    }
}

impl fmt::Display for EmailProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

wire_struct! {
    /// An email template as `GET /email-templates/{name}` returns it (an unconfigured one is a
    /// 404) and as `POST`/`PATCH` take it.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct EmailTemplate {
        pub template: Option<TemplateName>,
        pub body: Option<String>,
        pub from: Option<String>,
        pub subject: Option<String>,
        pub syntax: Option<TemplateSyntax>,
        pub enabled: Option<bool>,
        #[serde(rename = "resultUrl")]
        pub result_url: Option<String>,
        #[serde(rename = "urlLifetimeInSeconds")]
        pub url_lifetime_in_seconds: Option<u32>,
        #[serde(rename = "includeEmailInRedirect")]
        pub include_email_in_redirect: Option<bool>,
    }
}

impl EmailTemplate {
    /// The fields `POST /email-templates` requires, as tenantform fills them when a file
    /// leaves them out: empty texts (an empty `from` is the provider's default address),
    /// Liquid, enabled.
    pub fn required_on_create(name: TemplateName) -> EmailTemplate {
        EmailTemplate {
            template: Some(name),
            body: Some(String::new()),
            from: Some(String::new()),
            subject: Some(String::new()),
            syntax: Some(TemplateSyntax::Liquid),
            enabled: Some(true),
            ..EmailTemplate::default()
        }
    }

    /// What each field of a configured template means when a response leaves it out: empty
    /// texts, disabled, Liquid (the only syntax). A link lifetime has no default.
    pub fn when_absent() -> EmailTemplate {
        EmailTemplate {
            template: None,
            body: Some(String::new()),
            from: Some(String::new()),
            subject: Some(String::new()),
            syntax: Some(TemplateSyntax::Liquid),
            enabled: Some(false),
            result_url: Some(String::new()),
            url_lifetime_in_seconds: None,
            include_email_in_redirect: Some(false),
        }
    }

    /// This template with every field it leaves out as Auth0 means it.
    #[must_use]
    pub fn completed(&self) -> EmailTemplate {
        crate::shape::or_defaults(self, &EmailTemplate::when_absent())
    }
}

// `syntax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemplateSyntax {
    Liquid,
}

/// Auth0's email template names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemplateName {
    /// Verification Email (link).
    VerifyEmail,
    /// Verification Email (code).
    VerifyEmailByCode,
    /// Change Password (link): the invitation and reset email of the runbook.
    ResetEmail,
    /// Change Password (code).
    ResetEmailByCode,
    /// Welcome Email.
    WelcomeEmail,
    BlockedAccount,
    StolenCredentials,
    EnrollmentEmail,
    MfaOobCode,
    UserInvitation,
    /// Legacy change-password template.
    ChangePassword,
    /// Legacy password-reset template.
    PasswordReset,
    AsyncApproval,
}

impl TemplateName {
    pub const ALL: [TemplateName; 13] = [
        TemplateName::VerifyEmail,
        TemplateName::VerifyEmailByCode,
        TemplateName::ResetEmail,
        TemplateName::ResetEmailByCode,
        TemplateName::WelcomeEmail,
        TemplateName::BlockedAccount,
        TemplateName::StolenCredentials,
        TemplateName::EnrollmentEmail,
        TemplateName::MfaOobCode,
        TemplateName::UserInvitation,
        TemplateName::ChangePassword,
        TemplateName::PasswordReset,
        TemplateName::AsyncApproval,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateName::VerifyEmail => "verify_email",
            TemplateName::VerifyEmailByCode => "verify_email_by_code",
            TemplateName::ResetEmail => "reset_email",
            TemplateName::ResetEmailByCode => "reset_email_by_code",
            TemplateName::WelcomeEmail => "welcome_email",
            TemplateName::BlockedAccount => "blocked_account",
            TemplateName::StolenCredentials => "stolen_credentials",
            TemplateName::EnrollmentEmail => "enrollment_email",
            TemplateName::MfaOobCode => "mfa_oob_code",
            TemplateName::UserInvitation => "user_invitation",
            TemplateName::ChangePassword => "change_password",
            TemplateName::PasswordReset => "password_reset",
            TemplateName::AsyncApproval => "async_approval",
        }
    }
}

impl fmt::Display for TemplateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_fields_are_camel_case_on_the_wire() {
        let template = EmailTemplate {
            result_url: Some("https://x".into()),
            url_lifetime_in_seconds: Some(60),
            include_email_in_redirect: Some(true),
            ..EmailTemplate::default()
        };
        assert_eq!(
            serde_json::to_value(&template).unwrap(),
            json!({"resultUrl": "https://x", "urlLifetimeInSeconds": 60, "includeEmailInRedirect": true})
        );
    }

    #[test]
    fn provider_reads_ask_for_credentials_and_settings() {
        assert_eq!(
            EmailProvider::fields().join(","),
            "name,enabled,default_from_address,credentials,settings"
        );
    }

    #[test]
    fn returned_credentials_read_and_secrets_are_never_debug_printed() {
        let provider: EmailProvider = serde_json::from_value(json!({
            "name": "ses", "credentials": {"accessKeyId": "AKIA", "region": "eu-west-1", "secretAccessKey": "s3cr3t"}
        }))
        .unwrap();
        let credentials = provider.credentials.as_ref().unwrap();
        assert_eq!(credentials.access_key_id.as_deref(), Some("AKIA"));
        assert!(!format!("{provider:?}").contains("s3cr3t"));
    }
}
