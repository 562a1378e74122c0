//! `GET /users?sort=field:order`: `order` is `1` (ascending) or `-1` (descending), `field` a
//! user attribute, dotted for a nested one (`app_metadata.role`). Users without the field come
//! last either way, as Auth0's search index orders missing values; ties keep their order.

use std::cmp::Ordering;

use serde_json::Value;

use crate::errors::ApiError;

/// A parsed `sort` parameter.
#[derive(Debug, PartialEq, Eq)]
pub struct Sort {
    path: Vec<String>,
    descending: bool,
}

impl Sort {
    /// `field:1` or `field:-1`; anything else is the query-validation 400.
    pub fn parse(text: &str) -> Result<Sort, ApiError> {
        let invalid = || {
            ApiError::invalid_query(format!(
                "Query validation error: 'String does not match pattern ^(([a-zA-Z0-9_\\.]+))\\:(1|-1)$: {text}' on property sort."
            ))
        };
        let (field, order) = text.rsplit_once(':').ok_or_else(invalid)?;
        let descending = match order {
            "1" => false,
            "-1" => true,
            _ => return Err(invalid()),
        };
        let valid_field = !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !valid_field {
            return Err(invalid());
        }
        Ok(Sort {
            path: field.split('.').map(str::to_owned).collect(),
            descending,
        })
    }

    /// Sorts rendered users in place.
    pub fn apply(&self, users: &mut [Value]) {
        users.sort_by(|a, b| match (self.value(a), self.value(b)) {
            (Some(a), Some(b)) => {
                let order = compare(a, b);
                if self.descending {
                    order.reverse()
                } else {
                    order
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
    }

    fn value<'a>(&self, user: &'a Value) -> Option<&'a Value> {
        self.path
            .iter()
            .try_fold(user, |value, key| value.get(key))
            .filter(|value| !value.is_null())
    }
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::String(a), Value::String(b)) => a.cmp(b),
        (a, b) => a.to_string().cmp(&b.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn emails(users: &[Value]) -> Vec<&str> {
        users.iter().map(|u| u["email"].as_str().unwrap()).collect()
    }

    #[test]
    fn sorts_by_a_field_either_way_with_missing_values_last() {
        let mut users = vec![
            json!({"email": "b@x", "logins_count": 2, "app_metadata": {"role": "viewer"}}),
            json!({"email": "a@x"}),
            json!({"email": "c@x", "logins_count": 10, "app_metadata": {"role": "admin"}}),
        ];
        Sort::parse("email:-1").unwrap().apply(&mut users);
        assert_eq!(emails(&users), ["c@x", "b@x", "a@x"]);
        Sort::parse("logins_count:1").unwrap().apply(&mut users);
        assert_eq!(emails(&users), ["b@x", "c@x", "a@x"]);
        Sort::parse("logins_count:-1").unwrap().apply(&mut users);
        assert_eq!(emails(&users), ["c@x", "b@x", "a@x"]);
        Sort::parse("app_metadata.role:1")
            .unwrap()
            .apply(&mut users);
        assert_eq!(emails(&users), ["c@x", "b@x", "a@x"]);
    }

    #[test]
    fn a_sort_without_a_field_and_an_order_of_1_or_minus_1_is_a_400() {
        for bad in ["email", "email:2", ":1", "em ail:1", "email:asc"] {
            let error = Sort::parse(bad).unwrap_err();
            assert_eq!(
                (error.status, error.error_code),
                (400, Some("invalid_query_string")),
                "{bad}"
            );
            assert!(
                error
                    .message
                    .ends_with(&format!("{bad}' on property sort.")),
                "{}",
                error.message
            );
        }
    }
}
