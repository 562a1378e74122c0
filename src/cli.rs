//! Command-line surface: clap derive structs only. Commands turn these into validated settings.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Make an Auth0 tenant code: declare it in YAML, plan, apply, render Streamlit secrets.
#[derive(Debug, Parser)]
#[command(name = "tenantform", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options that shape what is printed, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Print only errors and the essential result.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Print more detail: each Management API request (method, path, status, duration,
    /// rate limit remaining) and timings, on stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Never draw progress bars, even on a terminal.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check tenant files without touching any tenant.
    ///
    /// Reports YAML errors, unknown fields, dangling references, invalid URLs and scopes with
    /// file:line:col, then the posture checks (risky settings for an invite-only app) as
    /// warnings, or as errors with --strict.
    ///
    /// Example: tenantform validate tenants/prod.yaml --strict
    #[command(verbatim_doc_comment)]
    Validate(ValidateArgs),

    /// Print the JSON Schema of the tenant file format.
    ///
    /// tenants/schema.json is this output; editors use it through the
    /// `# yaml-language-server: $schema=./schema.json` comment on top of each tenant file.
    ///
    /// Example: tenantform schema > tenants/schema.json
    #[command(verbatim_doc_comment)]
    Schema,

    /// Show what would change to make each live tenant match its file.
    ///
    /// Reads each tenant through the Management API (read-only) and prints every field that
    /// differs; several tenants are planned at once. With --detailed-exitcode: 0 no changes,
    /// 2 changes, 1 error (in any tenant).
    ///
    /// Example: tenantform plan tenants/prod.yaml --format markdown --detailed-exitcode
    ///          tenantform plan --out plans/        (every tenants/*.yaml)
    #[command(verbatim_doc_comment)]
    Plan(PlanArgs),

    /// Make each live tenant match its file, then verify by planning again.
    ///
    /// Shows the plan and asks for confirmation on a terminal; elsewhere needs --auto-approve.
    /// Several tenants are applied at once (with --auto-approve).
    ///
    /// Example: tenantform apply tenants/dev.yaml --auto-approve
    ///          tenantform apply --plan plan.json --auto-approve
    ///          tenantform apply --plan plans/ --auto-approve --format json
    #[command(verbatim_doc_comment)]
    Apply(ApplyArgs),

    /// Print saved plans (from `plan --out`), without any network access.
    ///
    /// Example: tenantform show plans/ --format markdown > comment.md
    #[command(verbatim_doc_comment)]
    Show(ShowArgs),

    /// Write .streamlit/secrets.toml and .env for one environment of the app.
    ///
    /// Example (local):   tenantform render tenants/dev.yaml --env local
    /// Example (Railway): tenantform render tenants/prod.yaml --env production --from env && streamlit run app.py
    #[command(verbatim_doc_comment)]
    Render(RenderArgs),

    /// Write a tenant file from an existing tenant, so that it plans with no changes.
    ///
    /// Example: tenantform export --out tenants/prod.yaml
    #[command(verbatim_doc_comment)]
    Export(ExportArgs),

    /// Run a local Auth0 tenant for offline work and tests.
    ///
    /// Serves the Management API, the token endpoint and the login pages, and prints the
    /// AUTH0_DOMAIN, AUTH0_M2M_CLIENT_ID and AUTH0_M2M_CLIENT_SECRET to use. The deployed
    /// post-login Actions run at every login in Node.js 20+; their console output and errors
    /// are printed on stderr as they happen.
    ///
    /// Example: tenantform emulate --listen 127.0.0.1:8787 --state tenant.json --rate-limit free
    #[command(verbatim_doc_comment)]
    Emulate(EmulateArgs),

    /// See the tool work in a minute against a built-in emulated tenant (no Auth0 account).
    ///
    /// Plans, applies and plans again, renders the app's files and signs in as an invited and an
    /// uninvited user.
    ///
    /// Example: cargo run --release -- demo
    #[command(verbatim_doc_comment)]
    Demo(DemoArgs),

    /// Work with post-login Actions without a tenant.
    ///
    /// Example: tenantform actions test
    #[command(verbatim_doc_comment)]
    Actions(ActionsArgs),

    /// Print a shell completion script.
    ///
    /// Example: tenantform completions bash > /etc/bash_completion.d/tenantform
    ///          tenantform completions zsh > "${fpath[1]}/_tenantform"
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),

    /// Print the man page (roff).
    ///
    /// Example: tenantform man > /usr/local/share/man/man1/tenantform.1
    #[command(verbatim_doc_comment)]
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A saved plan, or a directory of `*.plan.json`.
    #[arg(value_name = "PLAN.json|DIR")]
    pub plan: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    #[command(subcommand)]
    pub command: ActionsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// Run an Action against the test cases in YAML beside it, in Node.js 20+.
    ///
    /// Each case builds Auth0's post-login event (user, connection, request, logins_count...)
    /// and checks what the Action did (claims set, denied with a reason, metadata written,
    /// lines logged). Prints one line per case and, for a failure, what was expected and what
    /// happened, with the Action's log. Exit 1 when a case fails or a file is invalid.
    /// The format: crates/auth0-emulator/actions-runtime/README.md, "Test cases".
    ///
    /// Example: tenantform actions test
    ///          tenantform actions test actions/tests/post-login-verification.yaml --timeout 5
    #[command(verbatim_doc_comment)]
    Test(ActionsTestArgs),
}

/// Where the Node that runs Actions is, and the packages Actions may `require`.
#[derive(Debug, Args, Clone)]
pub struct NodeArgs {
    /// The Node.js (20+) executable that runs Actions.
    #[arg(long, value_name = "PATH", default_value = "node")]
    pub node: PathBuf,

    /// A node_modules directory (or the project directory holding one) with the npm packages
    /// the Actions declare as dependencies.
    #[arg(long, value_name = "DIR")]
    pub actions_node_modules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ActionsTestArgs {
    /// Test files (default: every actions/tests/*.yaml under the current directory).
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub node: NodeArgs,

    /// Stop a case's Actions after this many seconds (Auth0's limit is 20).
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Tenant files to check (default: every tenants/*.yaml).
    pub files: Vec<PathBuf>,

    /// Treat posture warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

/// How to reach the tenant's Management API. Each value is, in this order: the option, the
/// tenant file's `auth0:` block, the runbook's environment variable (docs/ci.md).
#[derive(Debug, Args, Clone, Default)]
pub struct ConnectionArgs {
    /// The tenant's domain, e.g. acme.eu.auth0.com (http:// only for loopback addresses).
    /// Default: the tenant file's auth0.domain, else AUTH0_DOMAIN.
    #[arg(long)]
    pub domain: Option<String>,

    /// Client id of the M2M application tenantform authenticates as.
    /// Default: the tenant file's auth0.client_id, else AUTH0_M2M_CLIENT_ID.
    #[arg(long)]
    pub client_id: Option<String>,

    /// Client secret of that M2M application (prefer the variable: options show in `ps`).
    /// Default: the tenant file's auth0.client_secret, else AUTH0_M2M_CLIENT_SECRET.
    #[arg(long)]
    pub client_secret: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Tenant files (default: every tenants/*.yaml that is not a layer another extends).
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,

    /// Exit 2 when the plan has changes, 0 when it has none, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Save the plan (with a fingerprint of the live state) for `apply --plan`: to this file
    /// with one tenant file, else (or for a directory, or a path ending in /) one
    /// DIR/<file stem>.plan.json per tenant.
    #[arg(long, value_name = "PLAN.json|DIR")]
    pub out: Option<PathBuf>,

    /// Also list live resources the file does not manage.
    #[arg(long)]
    pub show_unmanaged: bool,

    /// Propose deleting resources listed under `removed:` in the file.
    #[arg(long)]
    pub allow_delete: bool,

    /// Re-send write-only values (email provider credentials, action secrets).
    #[arg(long)]
    pub force_secrets: bool,

    /// Treat posture warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApplyFormat {
    Human,
    /// One JSON document on stdout: applied, failed and pending changes per tenant.
    Json,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Tenant files (default: every tenants/*.yaml that is not a layer another extends; with
    /// --plan, the plan's own file or none).
    pub files: Vec<PathBuf>,

    /// Execute this saved plan exactly, or each DIR/*.plan.json (with the tenant file of the
    /// same stem); a tenant that changed since its plan was made is refused.
    #[arg(long, value_name = "PLAN.json|DIR")]
    pub plan: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ApplyFormat::Human)]
    pub format: ApplyFormat,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,

    /// Allow deleting resources listed under `removed:`.
    #[arg(long)]
    pub allow_delete: bool,

    /// Allow destructive replacements (a database connection rename loses its users).
    #[arg(long)]
    pub allow_replace: bool,

    /// Re-send write-only values (email provider credentials, action secrets).
    #[arg(long)]
    pub force_secrets: bool,

    /// Treat posture warnings as errors.
    #[arg(long)]
    pub strict: bool,

    /// Hold the tenant's apply lock (the API `urn:tenantform:apply-lock`) while planning,
    /// applying and verifying, so that concurrent applies take turns. `--lock=false` skips it:
    /// only for a tenant no other apply can run against.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub lock: bool,

    /// How long to wait for the apply lock another run holds, e.g. 30s, 5m, 0s (fail at once).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub lock_timeout: String,

    /// Before planning, resolve applications that share a declared name (left by concurrent
    /// applies): keep the lowest client_id, move the others' grants and connections to it,
    /// delete them; refused, with nothing changed, for one that is not configured identically.
    #[arg(long, conflicts_with = "plan")]
    pub resolve_duplicates: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderSource {
    /// Read client credentials from the tenant (needs read:client_keys).
    Live,
    /// Take every value from STREAMLIT_AUTH_* / AUTH0_* environment variables; no network.
    Env,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The tenant file.
    pub file: PathBuf,

    /// The environment of the app to render (declared under `streamlit.environments`).
    #[arg(long = "env", value_name = "NAME")]
    pub environment: String,

    /// Where the values come from.
    #[arg(long, value_enum, default_value_t = RenderSource::Live)]
    pub from: RenderSource,

    /// Directory to write `.streamlit/secrets.toml` and `.env` into.
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,

    /// Provider name for st.login("NAME") (overrides the file's `streamlit.provider`).
    #[arg(long)]
    pub provider_name: Option<String>,

    /// Put the provider keys in [auth] itself, for a bare st.login().
    #[arg(long)]
    pub default_provider: bool,

    /// Replace the cookie secret (logs everyone out).
    #[arg(long)]
    pub rotate_cookie_secret: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the tenant file.
    #[arg(long, default_value = "tenants/exported.yaml")]
    pub out: PathBuf,

    /// Only these kinds (comma separated: tenant, applications, apis, grants, connections,
    /// email_provider, email_templates, actions, triggers, users).
    #[arg(long, value_delimiter = ',')]
    pub include: Vec<String>,

    /// Leave out these kinds.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,

    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct EmulateArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Load the tenant from this file at start and save it there on exit.
    #[arg(long)]
    pub state: Option<PathBuf>,

    /// Rate limit: off, free, essentials, enterprise, or RATE/BURST (requests per second).
    #[arg(long, default_value = "off")]
    pub rate_limit: String,

    /// Probability (0..1) that a request meets an injected fault.
    #[arg(long, default_value_t = 0.0)]
    pub faults: f64,

    /// Seed for the fault sequence.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Write one JSON line per request here (secret fields masked).
    #[arg(long)]
    pub request_log: Option<PathBuf>,

    /// Client id of the M2M application to create (generated when absent).
    #[arg(long, requires = "client_secret")]
    pub client_id: Option<String>,

    /// Client secret of that application (generated when absent).
    #[arg(long, requires = "client_id", hide_env_values = true)]
    pub client_secret: Option<String>,

    /// How long an Action build takes, in milliseconds (a deploy before it is built is
    /// refused, as on Auth0); 0 builds instantly.
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub action_build_ms: u64,

    /// Stop the post-login Actions of a login after this many seconds (Auth0's limit is 20).
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub actions_timeout: u64,

    #[command(flatten)]
    pub node: NodeArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The tenant file to demonstrate with.
    #[arg(long, default_value = "tenants/dev.yaml")]
    pub file: PathBuf,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    /// Every command, its path from the top (`tenantform actions test`).
    fn commands(command: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands() {
            let path = format!("{path} {}", sub.get_name());
            out.push((path.clone(), sub.clone()));
            commands(sub, &path, out);
        }
    }

    #[test]
    fn every_command_is_summed_up_in_one_line() {
        // Doc comments are verbatim: a summary wrapped in the source shows as a broken line in
        // `--help`'s list of commands.
        let mut all = Vec::new();
        commands(&super::Cli::command(), "tenantform", &mut all);
        assert!(all.len() > 10, "{} commands", all.len());
        let broken: Vec<&str> = all
            .iter()
            .filter(|(_, command)| {
                command
                    .get_about()
                    .is_some_and(|about| about.to_string().contains('\n'))
            })
            .map(|(path, _)| path.as_str())
            .collect();
        assert_eq!(broken, Vec::<&str>::new());
    }
}
