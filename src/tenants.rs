//! Several tenants in one run (`plan`, `apply`): which tenant files by default, and running the
//! same work on each at once, each tenant's output kept together and printed in file order.
//! Each tenant has its own client (token, rate limiter, counters), so they do not wait for each
//! other, and a failure in one leaves the others alone.

use std::future::Future;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use futures::stream::{FuturesOrdered, StreamExt as _};
use serde::Deserialize;

use crate::cli::ConnectionArgs;
use crate::printer::Printer;

/// Where the default tenant files are, relative to the current directory.
pub const TENANTS_DIR: &str = "tenants";

/// `files`, or when none are given every `tenants/*.yaml` that no other of them `extends`
/// (a layer shared between tenants is not a tenant).
pub fn select(files: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if !files.is_empty() {
        return Ok(files.to_vec());
    }
    let dir = Path::new(TENANTS_DIR);
    let candidates = crate::yaml_files::yaml_files_in(dir).with_context(|| {
        format!(
            "cannot list {} (run in the project directory or name the tenant files)",
            dir.display()
        )
    })?;
    let layers: Vec<PathBuf> = candidates
        .iter()
        .flat_map(|file| extended_by(file))
        .collect();
    let tenants: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|file| !layers.iter().any(|layer| same_file(layer, file)))
        .collect();
    anyhow::ensure!(
        !tenants.is_empty(),
        "no tenant files in {} (every one is a layer another extends)",
        dir.display()
    );
    Ok(tenants)
}

/// The files `file` extends (unreadable or invalid files extend nothing here: loading them
/// reports why).
fn extended_by(file: &Path) -> Vec<PathBuf> {
    #[derive(Deserialize)]
    struct Extends {
        #[serde(default)]
        extends: Vec<String>,
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    serde_saphyr::from_str::<Extends>(&text)
        .map(|parsed| parsed.extends.iter().map(|base| dir.join(base)).collect())
        .unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The connection options name one tenant: with several files they would point every file at
/// it.
pub fn check_overrides(args: &ConnectionArgs, files: usize) -> anyhow::Result<()> {
    let given: Vec<&str> = [
        ("--domain", args.domain.is_some()),
        ("--client-id", args.client_id.is_some()),
        ("--client-secret", args.client_secret.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    anyhow::ensure!(
        files <= 1 || given.is_empty(),
        "{} names one tenant, but {files} tenant files were given: name one file, or declare \
         each file's tenant in its auth0: block (docs/ci.md); nothing was sent",
        given.join(", ")
    );
    Ok(())
}

/// Where a group's header goes: stdout beside a human plan, stderr when stdout carries one
/// machine-readable document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Stdout,
    Stderr,
}

/// Runs `work` for every file at once. With one file it prints as it goes; with several, each
/// file's lines are kept and printed as one group under a `== FILE ==` header, in file order,
/// as soon as the files before it are done. Returns the results in file order.
pub async fn run_each<'a, T, F, Fut>(
    files: &'a [PathBuf],
    printer: &Printer,
    headers: Headers,
    stdout_to_stderr: bool,
    work: F,
) -> Vec<T>
where
    F: Fn(&'a Path, Printer) -> Fut,
    Fut: Future<Output = T> + 'a,
{
    if let [file] = files {
        let (own, captured) = if stdout_to_stderr {
            let (own, captured) = printer.capturing();
            (own, Some(captured))
        } else {
            (printer.clone(), None)
        };
        let result = work(file, own).await;
        if let Some(captured) = captured {
            printer.replay(&captured, true);
        }
        return vec![result];
    }
    let mut running: FuturesOrdered<_> = files
        .iter()
        .map(|file| {
            let (own, captured) = printer.capturing();
            let future = work(file, own);
            async move { (file, captured, future.await) }
        })
        .collect();
    let mut results = Vec::with_capacity(files.len());
    while let Some((file, captured, result)) = running.next().await {
        let header = format!("== {} ==", file.display());
        match headers {
            Headers::Stdout if !stdout_to_stderr => printer.result(&header),
            _ => printer.status(&header),
        }
        printer.replay(&captured, stdout_to_stderr);
        results.push(result);
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_naming_one_tenant_are_refused_with_several_files() {
        let args = ConnectionArgs {
            domain: Some("acme.eu.auth0.com".into()),
            ..ConnectionArgs::default()
        };
        assert!(check_overrides(&args, 1).is_ok());
        let error = check_overrides(&args, 2).unwrap_err().to_string();
        assert!(error.contains("--domain names one tenant"), "{error}");
        assert!(check_overrides(&ConnectionArgs::default(), 3).is_ok());
    }

    #[test]
    fn a_file_another_extends_is_a_layer() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base.yaml"), "tenant: {}\n").unwrap();
        std::fs::write(dir.path().join("dev.yaml"), "extends: [base.yaml]\n").unwrap();
        let extended = extended_by(&dir.path().join("dev.yaml"));
        assert!(same_file(&extended[0], &dir.path().join("base.yaml")));
        assert!(extended_by(&dir.path().join("base.yaml")).is_empty());
    }
}
