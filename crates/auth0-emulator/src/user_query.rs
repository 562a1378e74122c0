//! The subset of Auth0's user search query syntax (`GET /users?q=...&search_engine=v3`,
//! Lucene) the emulator understands: `field:value`, `field:"a phrase"`, `field:prefix*`,
//! `field:(a OR b)`, `_exists_:field`, ranges (`field:[low TO high]` inclusive,
//! `field:{low TO high}` exclusive, `*` unbounded: `created_at:[2026-01-01 TO *]`,
//! `logins_count:{0 TO *]`), `AND`, `OR`, `NOT`, parentheses, and bare terms.
//!
//! Source: Auth0's "User Search Query Syntax" (search v3) page: operators are upper case,
//! juxtaposed terms are OR'd (Lucene's default operator), the normalized fields (`email`,
//! `name`, `given_name`, `family_name`, `nickname`) match case-insensitively and every other
//! field (metadata included) case-sensitively, a term without a field name matches the
//! normalized fields only, and a dotted path reaches into objects and arrays
//! (`identities.connection`, `app_metadata.roles`).

use serde_json::Value;

/// Fields Auth0 normalizes and searches case-insensitively; a bare term searches these.
const NORMALIZED: [&str; 5] = ["email", "name", "given_name", "family_name", "nickname"];

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// `field:value` (`field` is `None` for a bare term).
    Term {
        field: Option<String>,
        value: Pattern,
    },
    Exists(String),
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Not(Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Exact(String),
    Prefix(String),
    Range(Range),
}

/// `[low TO high]`; a bound is `None` for `*`. Numbers compare as numbers, everything else
/// (ISO dates included) as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    low: Option<String>,
    high: Option<String>,
    inclusive_low: bool,
    inclusive_high: bool,
}

impl Range {
    fn contains(&self, text: &str) -> bool {
        let above = self
            .low
            .as_deref()
            .is_none_or(|low| match compare(text, low) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Equal => self.inclusive_low,
                std::cmp::Ordering::Less => false,
            });
        let below = self
            .high
            .as_deref()
            .is_none_or(|high| match compare(text, high) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal => self.inclusive_high,
                std::cmp::Ordering::Greater => false,
            });
        above && below
    }
}

fn compare(value: &str, bound: &str) -> std::cmp::Ordering {
    match (value.parse::<f64>(), bound.parse::<f64>()) {
        (Ok(value), Ok(bound)) => value
            .partial_cmp(&bound)
            .unwrap_or(std::cmp::Ordering::Equal),
        _ => value.cmp(bound),
    }
}

impl Query {
    /// Parses `q`; the error says what is wrong.
    pub fn parse(q: &str) -> Result<Self, String> {
        let tokens = tokenize(q)?;
        let mut parser = Parser { tokens, at: 0 };
        let query = parser.or()?;
        match parser.peek() {
            None => Ok(query),
            Some(token) => Err(format!("unexpected {token:?}")),
        }
    }

    /// Whether `user` (as the API renders it) matches.
    pub fn matches(&self, user: &Value) -> bool {
        match self {
            Query::Term { field: None, value } => NORMALIZED
                .iter()
                .any(|field| field_matches(user, field, value)),
            Query::Term {
                field: Some(field),
                value,
            } => field_matches(user, field, value),
            Query::Exists(field) => values_at(user, field).iter().any(|v| !v.is_null()),
            Query::And(a, b) => a.matches(user) && b.matches(user),
            Query::Or(a, b) => a.matches(user) || b.matches(user),
            Query::Not(a) => !a.matches(user),
        }
    }
}

fn field_matches(user: &Value, field: &str, pattern: &Pattern) -> bool {
    let insensitive = NORMALIZED.contains(&field);
    values_at(user, field).iter().any(|value| {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            _ => return false,
        };
        let (text, pattern) = if insensitive {
            (text.to_lowercase(), pattern.lowercase())
        } else {
            (text, pattern.clone())
        };
        match pattern {
            Pattern::Exact(want) => text == want,
            Pattern::Prefix(prefix) => text.starts_with(&prefix),
            Pattern::Range(range) => range.contains(&text),
        }
    })
}

impl Pattern {
    fn lowercase(&self) -> Self {
        match self {
            Pattern::Exact(text) => Pattern::Exact(text.to_lowercase()),
            Pattern::Prefix(text) => Pattern::Prefix(text.to_lowercase()),
            Pattern::Range(range) => Pattern::Range(Range {
                low: range.low.as_deref().map(str::to_lowercase),
                high: range.high.as_deref().map(str::to_lowercase),
                ..*range
            }),
        }
    }
}

/// The values at a dotted path; arrays along the way contribute each element.
fn values_at<'a>(value: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![value];
    for segment in path.split('.') {
        let mut next = Vec::new();
        for value in current {
            match value {
                Value::Object(object) => next.extend(object.get(segment)),
                Value::Array(items) => next.extend(
                    items
                        .iter()
                        .filter_map(|item| item.as_object()?.get(segment)),
                ),
                _ => {}
            }
        }
        current = next;
    }
    // A path ending at an array matches any of its elements.
    current
        .into_iter()
        .flat_map(|value| match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    /// `field:` (the name without the colon).
    Field(String),
    /// A word or a quoted phrase (`quoted` phrases are never prefixes).
    Word {
        text: String,
        quoted: bool,
    },
    /// `[low TO high]` and its exclusive forms.
    Range(Range),
}

fn tokenize(q: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '[' | '{' => {
                chars.next();
                let mut inside = String::new();
                let close = loop {
                    match chars.next() {
                        Some(end @ (']' | '}')) => break end,
                        Some(c) => inside.push(c),
                        None => return Err("a range is not closed".into()),
                    }
                };
                tokens.push(Token::Range(range(c, &inside, close)?));
            }
            '"' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => text.extend(chars.next()),
                        Some(c) => text.push(c),
                        None => return Err("unterminated quoted phrase".into()),
                    }
                }
                tokens.push(Token::Word { text, quoted: true });
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                    if c == ':' {
                        break;
                    }
                }
                tokens.push(match word.as_str() {
                    "AND" | "&&" => Token::And,
                    "OR" | "||" => Token::Or,
                    "NOT" => Token::Not,
                    _ => match word.strip_suffix(':') {
                        Some("") => return Err("a field name is missing before `:`".into()),
                        Some(field) => Token::Field(field.to_owned()),
                        None => Token::Word {
                            text: word,
                            quoted: false,
                        },
                    },
                });
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Terms joined by `OR` or juxtaposed (Lucene's default operator is OR).
    fn or(&mut self) -> Result<Query, String> {
        let mut query = self.and()?;
        loop {
            match self.peek() {
                Some(Token::Or) => {
                    self.next();
                }
                Some(Token::Close) | None => return Ok(query),
                Some(_) => {}
            }
            query = Query::Or(Box::new(query), Box::new(self.and()?));
        }
    }

    fn and(&mut self) -> Result<Query, String> {
        let mut query = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.next();
            query = Query::And(Box::new(query), Box::new(self.unary()?));
        }
        Ok(query)
    }

    fn unary(&mut self) -> Result<Query, String> {
        match self.next() {
            Some(Token::Not) => Ok(Query::Not(Box::new(self.unary()?))),
            Some(Token::Open) => {
                let query = self.or()?;
                self.close()?;
                Ok(query)
            }
            Some(Token::Field(field)) => self.field_value(&field),
            Some(Token::Word { text, quoted }) => Ok(Query::Term {
                field: None,
                value: pattern(text, quoted),
            }),
            Some(token) => Err(format!("unexpected {token:?}")),
            None => Err("the query ends where a term is expected".into()),
        }
    }

    fn close(&mut self) -> Result<(), String> {
        match self.next() {
            Some(Token::Close) => Ok(()),
            _ => Err("a `(` is not closed".into()),
        }
    }

    /// The value after `field:`: a word, a phrase, or a parenthesized group of them.
    fn field_value(&mut self, field: &str) -> Result<Query, String> {
        match self.next() {
            Some(Token::Word { text, quoted }) if field == "_exists_" && !quoted => {
                Ok(Query::Exists(text))
            }
            Some(Token::Word { text, quoted }) => Ok(Query::Term {
                field: Some(field.to_owned()),
                value: pattern(text, quoted),
            }),
            Some(Token::Range(range)) => Ok(Query::Term {
                field: Some(field.to_owned()),
                value: Pattern::Range(range),
            }),
            Some(Token::Open) => {
                let group = self.or()?;
                self.close()?;
                Ok(with_field(group, field))
            }
            _ => Err(format!("`{field}:` has no value")),
        }
    }
}

/// The inside of `[low TO high]` (`open` and `close` are its brackets).
fn range(open: char, inside: &str, close: char) -> Result<Range, String> {
    let parts: Vec<&str> = inside.split_whitespace().collect();
    let [low, "TO", high] = parts[..] else {
        return Err(format!(
            "a range is `[low TO high]`, not `{open}{inside}{close}`"
        ));
    };
    let bound = |b: &str| (b != "*").then(|| b.trim_matches('"').to_owned());
    Ok(Range {
        low: bound(low),
        high: bound(high),
        inclusive_low: open == '[',
        inclusive_high: close == ']',
    })
}

fn pattern(text: String, quoted: bool) -> Pattern {
    match text.strip_suffix('*') {
        Some(prefix) if !quoted => Pattern::Prefix(prefix.to_owned()),
        _ => Pattern::Exact(text),
    }
}

/// `field:(a OR b)`: the bare terms of the group search `field`.
fn with_field(query: Query, field: &str) -> Query {
    match query {
        Query::Term { field: None, value } => Query::Term {
            field: Some(field.to_owned()),
            value,
        },
        Query::And(a, b) => Query::And(
            Box::new(with_field(*a, field)),
            Box::new(with_field(*b, field)),
        ),
        Query::Or(a, b) => Query::Or(
            Box::new(with_field(*a, field)),
            Box::new(with_field(*b, field)),
        ),
        Query::Not(a) => Query::Not(Box::new(with_field(*a, field))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(email: &str, connection: &str, metadata: Option<Value>) -> Value {
        let mut user = json!({
            "email": email,
            "identities": [{"connection": connection, "provider": "auth0"}],
        });
        if let Some(metadata) = metadata {
            user["app_metadata"] = metadata;
        }
        user
    }

    fn matching(q: &str, users: &[Value]) -> Vec<usize> {
        let query = Query::parse(q).unwrap();
        (0..users.len())
            .filter(|&i| query.matches(&users[i]))
            .collect()
    }

    #[test]
    fn connections_or_d_and_metadata_that_exists() {
        let users = [
            user("a@x.io", "one", Some(json!({"roles": ["admin"]}))),
            user("b@x.io", "two", Some(json!({"roles": []}))),
            user("c@x.io", "three", Some(json!({"roles": ["admin"]}))),
            user("d@x.io", "one", None),
        ];
        let q = r#"(identities.connection:"one" OR identities.connection:"two") AND _exists_:app_metadata"#;
        assert_eq!(matching(q, &users), vec![0, 1]);
        assert_eq!(
            matching(r#"identities.connection:("one" OR "three")"#, &users),
            vec![0, 2, 3]
        );
        assert_eq!(
            matching("app_metadata.roles:admin AND NOT email:c*", &users),
            vec![0]
        );
    }

    #[test]
    fn normalized_fields_ignore_case_and_others_do_not() {
        let users = [user("Jane@X.io", "One", None)];
        assert_eq!(matching(r#"email:"jane@x.io""#, &users), vec![0]);
        assert_eq!(matching("jane@x.io", &users), vec![0]);
        assert!(matching("identities.connection:one", &users).is_empty());
        assert_eq!(matching("identities.connection:One", &users), vec![0]);
    }

    #[test]
    fn ranges_bound_numbers_and_dates_inclusively_or_not() {
        let users = [
            json!({"email": "a@x.io", "logins_count": 0, "created_at": "2025-06-01T10:00:00.000Z"}),
            json!({"email": "b@x.io", "logins_count": 9, "created_at": "2026-01-01T00:00:00.000Z"}),
            json!({"email": "c@x.io", "logins_count": 10, "created_at": "2026-11-30T09:30:00.000Z"}),
        ];
        assert_eq!(matching("logins_count:[9 TO 10]", &users), vec![1, 2]);
        assert_eq!(matching("logins_count:{9 TO 10]", &users), vec![2]);
        assert_eq!(matching("logins_count:{0 TO *]", &users), vec![1, 2]);
        assert_eq!(matching("created_at:[2026-01-01 TO *]", &users), vec![1, 2]);
        assert_eq!(matching("created_at:[* TO 2026-01-01}", &users), vec![0]);
        assert_eq!(matching("email:[b TO c]", &users), vec![1]);
        assert_eq!(matching("NOT logins_count:[1 TO *]", &users), vec![0]);
    }

    #[test]
    fn malformed_queries_are_refused() {
        for q in [
            "(email:a", "email:", ":a", "\"open", "a AND", "a)", "n:[1 TO", "n:[1 2]", "[1 TO 2]",
        ] {
            assert!(Query::parse(q).is_err(), "{q}");
        }
    }
}
