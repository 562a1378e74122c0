//! The subset of Auth0's user search query syntax (`GET /users?q=...&search_engine=v3`,
//! Lucene) the emulator understands: `field:value`, `field:"a phrase"`, `field:prefix*`,
//! `field:(a OR b)`, `_exists_:field`, `AND`, `OR`, `NOT`, parentheses, and bare terms.
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
        }
    })
}

impl Pattern {
    fn lowercase(&self) -> Self {
        match self {
            Pattern::Exact(text) => Pattern::Exact(text.to_lowercase()),
            Pattern::Prefix(text) => Pattern::Prefix(text.to_lowercase()),
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
            Some(Token::Open) => {
                let group = self.or()?;
                self.close()?;
                Ok(with_field(group, field))
            }
            _ => Err(format!("`{field}:` has no value")),
        }
    }
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
    fn malformed_queries_are_refused() {
        for q in ["(email:a", "email:", ":a", "\"open", "a AND", "a)"] {
            assert!(Query::parse(q).is_err(), "{q}");
        }
    }
}
