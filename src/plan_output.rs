//! Where plans go besides the terminal, for `plan` and `show`: saved plan files (one file, or
//! one per tenant in a directory), the pull-request Markdown, and the GitHub Actions step
//! summary.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::printer::Printer;
use tenantform_core::plan::Plan;
use tenantform_core::plan::view::{self, MarkdownOptions, TenantPlan};

/// Where `plan --out` saves: the one file named, or `DIR/<file stem>.plan.json` per tenant.
#[derive(Debug, Clone)]
pub enum SavedPlans {
    File(PathBuf),
    Dir(PathBuf),
}

/// The name of a tenant's saved plan in a directory.
pub const PLAN_SUFFIX: &str = ".plan.json";

impl SavedPlans {
    /// A directory for several tenant files, an existing directory or a path ending in `/`;
    /// else the file, as with one tenant. Refuses two tenant files of the same stem (their
    /// plans would overwrite each other).
    pub fn new(out: &Path, files: &[PathBuf]) -> anyhow::Result<Self> {
        let is_dir =
            files.len() > 1 || out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/');
        if !is_dir {
            return Ok(Self::File(out.to_path_buf()));
        }
        let mut stems: Vec<String> = files.iter().map(|file| stem(file)).collect();
        stems.sort();
        if let Some(twice) = stems
            .windows(2)
            .find(|pair| pair[0] == pair[1])
            .map(|pair| pair[0].clone())
        {
            anyhow::bail!(
                "two tenant files are named {twice}: their plans would both be {twice}{PLAN_SUFFIX} in {}; nothing was sent",
                out.display()
            );
        }
        Ok(Self::Dir(out.to_path_buf()))
    }

    /// Where the plan of `file` goes.
    pub fn path_for(&self, file: &Path) -> PathBuf {
        match self {
            Self::File(path) => path.clone(),
            Self::Dir(dir) => dir.join(format!("{}{PLAN_SUFFIX}", stem(file))),
        }
    }

    /// Creates the directory.
    pub fn prepare(&self) -> anyhow::Result<()> {
        if let Self::Dir(dir) = self {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Ok(())
    }
}

/// `tenants/dev.yaml` → `dev`; `plans/dev.plan.json` → `dev`.
pub fn stem(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(stem) = name.strip_suffix(PLAN_SUFFIX) {
        return stem.to_owned();
    }
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or(name)
}

/// The Markdown comment of the tenants of a run, named by their files.
pub fn markdown(named: &[(&Path, Result<&Plan, &str>)]) -> String {
    let labels: Vec<String> = named
        .iter()
        .map(|(file, _)| file.display().to_string())
        .collect();
    let tenants: Vec<TenantPlan<'_>> = named
        .iter()
        .zip(&labels)
        .map(|((_, result), label)| TenantPlan {
            name: label,
            result: *result,
        })
        .collect();
    view::markdown_comment(
        &tenants,
        &MarkdownOptions {
            full_plan_at: full_plan_at(),
            ..MarkdownOptions::default()
        },
    )
}

/// Where the whole plan can be read when the comment is cut: the GitHub Actions run (its step
/// summary and artifacts) when there is one.
fn full_plan_at() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_RUN_ID"),
    ) {
        (Some(server), Some(repository), Some(run)) => format!(
            "the step summary and artifacts of the workflow run {server}/{repository}/actions/runs/{run}"
        ),
        _ => MarkdownOptions::default().full_plan_at,
    }
}

/// On GitHub Actions (`GITHUB_STEP_SUMMARY` set), appends the Markdown plan to the step
/// summary; a failure to do so is a warning, not the run's failure.
pub fn append_step_summary(named: &[(&Path, Result<&Plan, &str>)], printer: &Printer) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let text = markdown(named);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "{text}"));
    if let Err(error) = written {
        printer.warning(&format!(
            "cannot append the plan to GITHUB_STEP_SUMMARY ({}): {error}",
            Path::new(&path).display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_name_tenant_files_and_saved_plans_alike() {
        assert_eq!(stem(Path::new("tenants/dev.yaml")), "dev");
        assert_eq!(stem(Path::new("plans/dev.plan.json")), "dev");
        assert_eq!(stem(Path::new("plan.json")), "plan");
    }

    #[test]
    fn one_file_saves_where_told_several_save_per_stem() {
        let one = SavedPlans::new(Path::new("p.json"), &["tenants/dev.yaml".into()]).unwrap();
        assert_eq!(
            one.path_for(Path::new("tenants/dev.yaml")),
            Path::new("p.json")
        );
        let files: Vec<PathBuf> = vec!["tenants/dev.yaml".into(), "tenants/prod.yaml".into()];
        let several = SavedPlans::new(Path::new("plans"), &files).unwrap();
        assert_eq!(
            several.path_for(Path::new("tenants/prod.yaml")),
            Path::new("plans/prod.plan.json")
        );
        let slash = SavedPlans::new(Path::new("plans/"), &files[..1]).unwrap();
        assert!(matches!(slash, SavedPlans::Dir(_)));
        let clash = vec!["a/dev.yaml".into(), "b/dev.yaml".into()];
        let error = SavedPlans::new(Path::new("plans"), &clash).unwrap_err();
        assert!(
            error.to_string().contains("two tenant files are named dev"),
            "{error}"
        );
    }
}
