//! `tenantform emulate`: run the local Auth0 tenant until SIGINT/SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};

use crate::cli::EmulateArgs;
use crate::commands::ExitStatus;
use crate::node::{MINIMUM_MAJOR, NodeCheck, runtime_options};
use crate::printer::Printer;
use auth0_emulator::{Emulator, EmulatorOptions, MessageSink, RateLimit};

pub async fn run(args: EmulateArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let rate_limit: RateLimit = args
        .rate_limit
        .parse()
        .map_err(|message: String| anyhow::anyhow!(message))?;
    if !(0.0..=1.0).contains(&args.faults) {
        anyhow::bail!("--faults must be between 0 and 1, got {}", args.faults);
    }
    let actions = runtime_options(
        &args.node.node,
        args.node.actions_node_modules.as_deref(),
        Duration::from_secs(args.actions_timeout),
    )?;
    let node = args.node.node.display().to_string();
    let sink = printer.clone();
    let options = EmulatorOptions {
        rate_limit,
        faults: args.faults,
        seed: args.seed,
        request_log: args.request_log,
        state_file: args.state,
        client_id: args.client_id,
        client_secret: args.client_secret.map(SecretString::from),
        action_build_time: Duration::from_millis(args.action_build_ms),
        actions,
        messages: Some(MessageSink(Arc::new(move |message| {
            sink.emulator_message(message);
        }))),
        ..EmulatorOptions::default()
    };
    let signals = Signals::listen()?;
    let emulator = Emulator::start(args.listen, options).await?;
    let domain = emulator.domain();
    // Printing the M2M secret is the point of this command: it is a local, throwaway tenant
    // and these lines are what a developer pastes into `.env`.
    printer.result(&format!("listening on {domain}"));
    printer.result(&format!("AUTH0_DOMAIN={domain}"));
    printer.result(&format!("AUTH0_M2M_CLIENT_ID={}", emulator.client_id()));
    printer.result(&format!(
        "AUTH0_M2M_CLIENT_SECRET={}",
        emulator.client_secret().expose_secret()
    ));
    match NodeCheck::from_version(emulator.actions_node().await) {
        NodeCheck::Supported(version) => printer.status(&format!(
            "post-login Actions run at login in Node {version} (`{node}`); their logs appear here"
        )),
        NodeCheck::Unsupported(version) => printer.warning(&format!(
            "`{node}` is Node {version}, older than the {MINIMUM_MAJOR} the Actions runtime needs: post-login Actions may fail at login (install Node.js {MINIMUM_MAJOR}+ or pass --node PATH)"
        )),
        NodeCheck::Missing(reason) => printer.warning(&format!(
            "post-login Actions will be SKIPPED at every login, so every user is let in ({reason}): install Node.js {MINIMUM_MAJOR}+ or pass --node PATH to test invite-only logins"
        )),
    }
    signals.wait().await?;
    emulator.shutdown().await?;
    Ok(ExitStatus::Success)
}

/// SIGINT and SIGTERM, listened for from the start: a signal that arrives while the emulator
/// is still starting (or checking Node) stops it cleanly too, instead of killing it.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn listen() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn wait(mut self) -> anyhow::Result<()> {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        Ok(())
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn listen() -> anyhow::Result<Self> {
        Ok(Self)
    }

    async fn wait(self) -> anyhow::Result<()> {
        tokio::signal::ctrl_c().await?;
        Ok(())
    }
}
