//! `secrets.toml` and `.env` rendering for one environment of a Streamlit app.
//!
//! [`render_environment`] is the entry point: it resolves the cookie secret, renders both
//! templates (built-in or the project's `templates/`), parses each result back and compares it
//! with the inputs, checks that git does not track the destinations, and only then writes both
//! files atomically with mode 0600. Inputs come from the live tenant (the command layer) or
//! from environment variables ([`inputs_from_env`]). Nothing here prints; nothing secret is
//! ever in an error, a warning or the report.

mod context;
mod cookie_secret;
mod error;
mod escape;
mod from_env;
mod from_live;
mod git;
mod inputs;
mod preview;
mod report;
mod target;
mod templates;
mod variables;
mod verify;
mod write;

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

pub use cookie_secret::{CookieSecretSource, generate_cookie_secret};
pub use error::{MismatchProblem, RenderError};
pub use escape::{dotenv_value, toml_basic_string};
pub use from_env::{
    EnvInputs, FALLBACK_PROVIDER_NAME, FileDefaults, inputs_from_env, process_environment,
};
pub use from_live::{EnvironmentPlan, inputs_from_live};
pub use git::{GitStatus, git_status};
pub use inputs::{DEFAULT_PROVIDER_NAME, ProviderLayout, RenderInputs};
pub use preview::{MASK, is_secret_key, masked_preview, masked_text};
pub use report::{RenderReport, RenderWarning, WrittenFile};
pub use target::TargetFile;
pub use templates::{PROJECT_TEMPLATES_DIR, TemplateOrigin, Templates};
pub use variables::*;

/// How and where to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Receives `.streamlit/secrets.toml` and `.env`; created when missing.
    pub out_dir: PathBuf,
    /// The project directory: `PROJECT_DIR/templates/secrets.toml.j2` and `.../env.j2`
    /// replace the built-in templates when present. `None` uses the built-in ones.
    pub project_dir: Option<PathBuf>,
    /// Replace the cookie secret (everyone is logged out).
    pub rotate_cookie_secret: bool,
    /// `STREAMLIT_AUTH_COOKIE_SECRET`, used when the output has no `secrets.toml` yet.
    pub env_cookie_secret: Option<SecretString>,
}

/// A render that has been checked but not written: both files' text and what they hold.
struct Rendered {
    target: TargetFile,
    path: PathBuf,
    text: String,
    keys: Vec<String>,
}

/// Renders and writes `secrets.toml` and `.env` for one environment. Either both files are
/// verified and written, or an error says why and nothing is written.
pub fn render_environment(
    inputs: &RenderInputs,
    options: &RenderOptions,
) -> Result<RenderReport, RenderError> {
    validate_inputs(inputs)?;
    let templates = Templates::load(options.project_dir.as_deref())?;
    // Like `helm template --output-dir`: a missing output directory is created (before git is
    // asked about the files in it).
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|err| RenderError::io("creating", &options.out_dir, err))?;
    let mut warnings = Vec::new();

    let secrets_path = TargetFile::SecretsToml.path_in(&options.out_dir);
    let cookie = cookie_secret::resolve_cookie_secret(
        &secrets_path,
        options.rotate_cookie_secret,
        options.env_cookie_secret.as_ref(),
    )?;
    warnings.extend(cookie.warning);

    let context = context::template_context(inputs, &cookie.value);
    let mut rendered = Vec::with_capacity(2);
    for target in TargetFile::ALL {
        let text = templates.render(target, &context)?;
        let keys = match target {
            TargetFile::SecretsToml => verify::verify_toml(
                &text,
                &context::expected_secrets_toml(inputs, &cookie.value),
            )?,
            TargetFile::Dotenv => verify::verify_dotenv(
                &text,
                &context::expected_dotenv(
                    inputs,
                    &cookie.value,
                    *templates.origin(target) == TemplateOrigin::BuiltIn,
                ),
            )?,
        };
        rendered.push(Rendered {
            target,
            path: target.path_in(&options.out_dir),
            text,
            keys,
        });
    }

    for file in &rendered {
        match git_status(&options.out_dir, file.target.relative_path()) {
            GitStatus::Tracked => {
                return Err(RenderError::GitTracked {
                    path: file.path.clone(),
                });
            }
            GitStatus::Exposed => warnings.push(RenderWarning::NotGitIgnored {
                path: file.path.clone(),
            }),
            GitStatus::Outside | GitStatus::Ignored => {}
        }
    }

    let mut files = Vec::with_capacity(rendered.len());
    for file in rendered {
        write::write_private_atomically(&file.path, &file.text)?;
        files.push(WrittenFile {
            target: file.target,
            path: file.path,
            keys: file.keys,
            template: templates.origin(file.target).clone(),
        });
    }
    Ok(RenderReport {
        environment: inputs.environment.clone(),
        files,
        cookie_secret: cookie.source,
        warnings,
    })
}

/// Environment names appear in comments of both files, so they stay simple.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Values Streamlit cannot use are refused before anything is rendered.
fn validate_inputs(inputs: &RenderInputs) -> Result<(), RenderError> {
    let invalid = |what: &str, reason: &str| RenderError::InvalidInput {
        what: what.to_owned(),
        reason: reason.to_owned(),
    };
    inputs
        .provider
        .validate()
        .map_err(|reason| invalid("provider", &reason))?;
    if !is_plain_name(&inputs.environment) {
        return Err(invalid(
            "environment",
            "the name may contain only letters, digits, '-', '_' and '.'",
        ));
    }
    let required = [
        ("domain", inputs.domain.as_str()),
        ("redirect_uri", inputs.redirect_uri.as_str()),
        ("client_id", inputs.client_id.as_str()),
        ("client_secret", inputs.client_secret.expose_secret()),
    ];
    for (what, value) in required {
        if value.is_empty() {
            return Err(invalid(what, "is empty"));
        }
    }
    if inputs.m2m_client_id.is_some() != inputs.m2m_client_secret.is_some() {
        return Err(invalid(
            "M2M credentials",
            "the client id and the client secret go together",
        ));
    }
    Ok(())
}
