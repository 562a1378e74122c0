//! Where each field of a YAML file is, so that semantic errors can name a line and column.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use super::variables::{Reference, references};

/// Field paths (`applications.dashboard.callbacks[1]`) to 1-based (line, column), plus every
/// `${VAR}` reference in a scalar value.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    positions: HashMap<String, (usize, usize)>,
    pub variable_references: Vec<VariableReference>,
    /// What the document is at its top: `None` for an empty file (or one of comments only).
    pub root: Option<RootKind>,
}

/// The kind of a document's top node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    Mapping,
    Sequence,
    /// A scalar; `null` when it is `~`, `null` or empty.
    Scalar {
        null: bool,
    },
}

/// A `${VAR}` found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableReference {
    pub name: String,
    pub has_default: bool,
    pub path: String,
    pub position: (usize, usize),
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence { index: usize },
}

impl SourceMap {
    /// Builds the map; YAML syntax errors stop it early (the deserializer reports them).
    pub fn build(text: &str) -> Self {
        let mut map = SourceMap::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut path: Vec<String> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let position = (span.start.line(), span.start.col() + 1);
            if stack.is_empty() && map.root.is_none() {
                map.root = match &event {
                    Event::MappingStart(..) => Some(RootKind::Mapping),
                    Event::SequenceStart(..) => Some(RootKind::Sequence),
                    Event::Scalar(value, style, ..) => Some(RootKind::Scalar {
                        null: matches!(style, ScalarStyle::Plain)
                            && matches!(value.as_ref(), "~" | "null" | "Null" | "NULL" | ""),
                    }),
                    _ => None,
                };
            }
            match event {
                Event::Scalar(value, style, ..) => {
                    if let Some(Frame::Mapping { key }) = stack.last_mut()
                        && key.is_none()
                    {
                        *key = Some(value.to_string());
                        path.push(value.to_string());
                        map.positions.insert(render_path(&path), position);
                        continue;
                    }
                    enter_value(&stack, &mut path);
                    let here = render_path(&path);
                    map.positions.entry(here.clone()).or_insert(position);
                    let quote = usize::from(matches!(
                        style,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
                    ));
                    let single_line = !value.contains('\n');
                    for Reference {
                        name,
                        default,
                        offset,
                        ..
                    } in references(&value)
                    {
                        let column = if single_line {
                            position.1 + quote + value[..offset].chars().count()
                        } else {
                            position.1
                        };
                        map.variable_references.push(VariableReference {
                            name: name.to_owned(),
                            has_default: default.is_some(),
                            path: here.clone(),
                            position: (position.0, column),
                        });
                    }
                    leave_value(&mut stack, &mut path);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    if !stack.is_empty() {
                        enter_value(&stack, &mut path);
                        map.positions.entry(render_path(&path)).or_insert(position);
                    }
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { key: None }
                    } else {
                        Frame::Sequence { index: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if !stack.is_empty() {
                        leave_value(&mut stack, &mut path);
                    }
                }
                _ => {}
            }
        }
        map
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn position(&self, path: &str) -> Option<(usize, usize)> {
        let mut current = path;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            let cut = current.rfind(['.', '['])?;
            current = &current[..cut];
        }
    }

    /// Whether the file itself writes `path` (not an ancestor).
    pub fn defines(&self, path: &str) -> bool {
        self.positions.contains_key(path)
    }
}

/// A sequence item gets its `[i]` segment when its value starts; a mapping value already
/// has its key segment.
fn enter_value(stack: &[Frame], path: &mut Vec<String>) {
    if let Some(Frame::Sequence { index }) = stack.last() {
        path.push(format!("[{index}]"));
    }
}

fn leave_value(stack: &mut [Frame], path: &mut Vec<String>) {
    match stack.last_mut() {
        Some(Frame::Mapping { key }) => {
            *key = None;
            path.pop();
        }
        Some(Frame::Sequence { index }) => {
            *index += 1;
            path.pop();
        }
        None => {}
    }
}

/// Joins segments: keys with `.`, indices appended: `a.b[0].c`.
pub fn render_path(segments: &[String]) -> String {
    let mut out = String::new();
    for segment in segments {
        if !segment.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_to_positions() {
        let text = "applications:\n  dashboard:\n    callbacks:\n      - https://a\n      - \"http://${HOST}/cb\"\n";
        let map = SourceMap::build(text);
        assert_eq!(map.position("applications.dashboard"), Some((2, 3)));
        assert_eq!(
            map.position("applications.dashboard.callbacks[1]"),
            Some((5, 9))
        );
        assert_eq!(map.variable_references.len(), 1);
        let reference = &map.variable_references[0];
        assert_eq!(reference.name, "HOST");
        assert_eq!(reference.path, "applications.dashboard.callbacks[1]");
        assert_eq!(reference.position, (5, 17));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let map = SourceMap::build("tenant:\n  flags: {}\n");
        assert_eq!(
            map.position("tenant.flags.enable_client_connections"),
            Some((2, 3))
        );
    }
}
