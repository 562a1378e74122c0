//! The kinds of resource `export --include/--exclude` choose between.

use std::fmt;
use std::str::FromStr;

/// A section of the tenant file export can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExportKind {
    Tenant,
    Applications,
    /// Custom APIs (resource servers).
    Apis,
    Grants,
    Connections,
    EmailProvider,
    EmailTemplates,
    Actions,
    Triggers,
    Users,
}

impl ExportKind {
    pub const ALL: [ExportKind; 10] = [
        ExportKind::Tenant,
        ExportKind::Applications,
        ExportKind::Apis,
        ExportKind::Grants,
        ExportKind::Connections,
        ExportKind::EmailProvider,
        ExportKind::EmailTemplates,
        ExportKind::Actions,
        ExportKind::Triggers,
        ExportKind::Users,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Tenant => "tenant",
            ExportKind::Applications => "applications",
            ExportKind::Apis => "apis",
            ExportKind::Grants => "grants",
            ExportKind::Connections => "connections",
            ExportKind::EmailProvider => "email_provider",
            ExportKind::EmailTemplates => "email_templates",
            ExportKind::Actions => "actions",
            ExportKind::Triggers => "triggers",
            ExportKind::Users => "users",
        }
    }
}

impl fmt::Display for ExportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().replace('-', "_");
        // `bindings` is what the tenant file calls triggers' action lists.
        let wanted = if wanted == "bindings" {
            "triggers".to_owned()
        } else {
            wanted
        };
        ExportKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| {
                let known: Vec<&str> = ExportKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown kind `{text}` (known: {})", known.join(", "))
            })
    }
}

/// The kinds one export writes: `--include` (default: all) minus `--exclude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSelection {
    kinds: Vec<ExportKind>,
}

impl KindSelection {
    pub fn parse(include: &[String], exclude: &[String]) -> Result<Self, String> {
        let parse = |names: &[String]| -> Result<Vec<ExportKind>, String> {
            names
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| name.parse())
                .collect()
        };
        let included = parse(include)?;
        let excluded = parse(exclude)?;
        let kinds: Vec<ExportKind> = ExportKind::ALL
            .into_iter()
            .filter(|kind| included.is_empty() || included.contains(kind))
            .filter(|kind| !excluded.contains(kind))
            .collect();
        if kinds.is_empty() {
            let both: Vec<String> = included
                .iter()
                .filter(|kind| excluded.contains(kind))
                .map(ToString::to_string)
                .collect();
            return Err(if both.is_empty() {
                "--exclude leaves nothing to export".to_owned()
            } else {
                format!(
                    "--include and --exclude both name {}, which leaves nothing to export: name \
                     each kind in one of them",
                    both.join(", ")
                )
            });
        }
        Ok(Self { kinds })
    }

    pub fn has(&self, kind: ExportKind) -> bool {
        self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_then_exclude() {
        let selection =
            KindSelection::parse(&["applications".into(), "grants".into()], &["users".into()])
                .unwrap();
        assert!(selection.has(ExportKind::Applications) && selection.has(ExportKind::Grants));
        assert!(!selection.has(ExportKind::Users) && !selection.has(ExportKind::Tenant));
        assert!(
            KindSelection::parse(&[], &["bindings".into()])
                .unwrap()
                .has(ExportKind::Actions)
        );
        assert!(
            !KindSelection::parse(&[], &["bindings".into()])
                .unwrap()
                .has(ExportKind::Triggers)
        );
        assert!(KindSelection::parse(&["roles".into()], &[]).is_err());
    }

    #[test]
    fn a_kind_both_included_and_excluded_is_refused() {
        let error =
            KindSelection::parse(&["applications".into()], &["applications".into()]).unwrap_err();
        assert_eq!(
            error,
            "--include and --exclude both name applications, which leaves nothing to export: \
             name each kind in one of them"
        );
        let all: Vec<String> = ExportKind::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(
            KindSelection::parse(&[], &all).unwrap_err(),
            "--exclude leaves nothing to export"
        );
    }
}
