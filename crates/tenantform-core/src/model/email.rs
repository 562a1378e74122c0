//! The email provider and email templates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::secret::SecretRef;

pub use auth0_wire::email::{EmailProviderName, TemplateName, TemplateSyntax};

/// The tenant's email provider (a singleton in Auth0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailProvider {
    /// The provider. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<EmailProviderName>,

    /// Whether Auth0 sends mail through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,

    /// The From address, e.g. `no-reply@mg.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_from_address: Option<String>,

    /// Credentials. Secret ones (`api_key`, `smtp_pass`, `secret_access_key`) must be
    /// `${VAR}` references; Auth0 never returns them, so a plan cannot see their drift.
    #[serde(default, skip_serializing_if = "EmailCredentials::is_empty")]
    pub credentials: EmailCredentials,
}

/// Provider credentials. Which fields apply depends on the provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailCredentials {
    /// Mailgun, SendGrid, Mandrill, SparkPost API key (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<SecretRef>,
    /// Mailgun sending domain, e.g. `mg.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Mailgun: `eu` for a domain in Mailgun's EU region, left out for the US region (Auth0
    /// accepts nothing else). SES and SparkPost: the provider's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// SMTP host, e.g. `smtp.gmail.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_host: Option<String>,
    /// SMTP port: 587 (STARTTLS) or 465 (SSL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_port: Option<u16>,
    /// SMTP user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_user: Option<String>,
    /// SMTP password (secret), e.g. a Gmail App Password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_pass: Option<SecretRef>,
    /// SES access key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// SES secret access key (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<SecretRef>,
}

impl EmailCredentials {
    pub fn is_empty(&self) -> bool {
        *self == EmailCredentials::default()
    }
}

/// An email template, keyed by its Auth0 name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailTemplate {
    /// Send this email at all. The runbook disables `verify_email` and `welcome_email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,

    /// Subject line (Liquid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,

    /// From address; empty uses the provider's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,

    /// The HTML body inline. Use `body_file` for anything longer than a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,

    /// Path of a file holding the HTML body, relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_file: Option<String>,

    /// "Redirect To" after the link is used, e.g. `{{ application.callback_domain }}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,

    /// How long the link in the email stays valid, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_lifetime_in_seconds: Option<u32>,

    /// Add the user's email to the redirect URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_email_in_redirect: Option<bool>,

    /// Template syntax; Auth0 supports only `liquid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syntax: Option<TemplateSyntax>,
}
