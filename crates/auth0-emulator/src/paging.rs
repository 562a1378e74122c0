//! Query parameters and Auth0's two list styles: offset (`page`/`per_page`, with the
//! `{total,start,limit,<key>}` envelope under `include_totals`, a bare array otherwise) and
//! checkpoint (`take`/`from` -> `{<key>, next}`; no `next` on the last page).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::errors::ApiError;

/// Decoded query string, keeping repeated keys.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Self {
        let pairs = query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        Params(pairs)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a key, comma lists split (`fields=a,b&fields=c`).
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect();
        (!values.is_empty()).then_some(values)
    }

    pub fn flag(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::invalid_query(format!(
                "Query validation error: 'Expected type boolean but found type string' on property {key} (value {other:?})."
            ))),
        }
    }

    pub fn number(&self, key: &str, max: Option<usize>) -> Result<Option<usize>, ApiError> {
        let Some(raw) = self.get(key) else {
            return Ok(None);
        };
        if raw.parse::<i64>().is_ok_and(i64::is_negative) {
            return Err(ApiError::invalid_query(format!(
                "Query validation error: 'Number must be greater or equal to 0' on property {key}."
            )));
        }
        let number: usize = raw.parse().map_err(|_| {
            ApiError::invalid_query(format!(
                "Query validation error: 'Expected type integer but found type string' on property {key}."
            ))
        })?;
        if let Some(max) = max.filter(|max| number > *max) {
            return Err(ApiError::invalid_query(format!(
                "Query validation error: 'Number must be lower or equal to {max}' on property {key}."
            )));
        }
        Ok(Some(number))
    }
}

pub const DEFAULT_PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 100;

/// How a list request wants its items.
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    Offset {
        page: usize,
        per_page: usize,
        include_totals: bool,
    },
    Checkpoint {
        from: usize,
        take: usize,
    },
}

impl Paging {
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        let take = params.number("take", Some(MAX_PER_PAGE))?;
        if take.is_some() || params.get("from").is_some() {
            let from = match params.get("from") {
                None | Some("") => 0,
                Some(cursor) => decode_cursor(cursor)?,
            };
            return Ok(Paging::Checkpoint {
                from,
                take: take.unwrap_or(DEFAULT_PER_PAGE),
            });
        }
        Ok(Paging::Offset {
            page: params.number("page", None)?.unwrap_or(0),
            per_page: params
                .number("per_page", Some(MAX_PER_PAGE))?
                .unwrap_or(DEFAULT_PER_PAGE),
            include_totals: params.flag("include_totals")?.unwrap_or(false),
        })
    }

    /// Slices `items` and wraps them the way Auth0 does for a list under `key`.
    pub fn apply(&self, items: Vec<Value>, key: &str) -> Value {
        self.apply_rendering(items, key, |item| item)
    }

    /// [`Paging::apply`] to stored items, rendering only those on the page: a tenant's
    /// thousands of clients are not all copied for each page of a hundred.
    pub fn apply_rendering<T>(
        &self,
        items: Vec<T>,
        key: &str,
        render: impl FnMut(T) -> Value,
    ) -> Value {
        match *self {
            Paging::Offset {
                page,
                per_page,
                include_totals,
            } => {
                let total = items.len();
                let start = page.saturating_mul(per_page);
                let slice: Vec<Value> = items
                    .into_iter()
                    .skip(start)
                    .take(per_page)
                    .map(render)
                    .collect();
                if include_totals {
                    let mut envelope = Map::new();
                    envelope.insert("total".into(), total.into());
                    envelope.insert("start".into(), start.into());
                    envelope.insert("limit".into(), per_page.into());
                    envelope.insert(key.into(), Value::Array(slice));
                    Value::Object(envelope)
                } else {
                    Value::Array(slice)
                }
            }
            Paging::Checkpoint { from, take } => {
                let total = items.len();
                let slice: Vec<Value> = items
                    .into_iter()
                    .skip(from)
                    .take(take)
                    .map(render)
                    .collect();
                let end = from + slice.len();
                let mut envelope = Map::new();
                envelope.insert(key.into(), Value::Array(slice));
                if end < total {
                    envelope.insert("next".into(), Value::String(encode_cursor(end)));
                }
                Value::Object(envelope)
            }
        }
    }
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("offset:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            ApiError::invalid_query("Query validation error: invalid value for property from.")
        })
}

/// `fields=a,b&include_fields=true|false`: keep (or drop) the named top-level fields.
#[derive(Debug, Clone, Default)]
pub struct FieldFilter {
    fields: Option<Vec<String>>,
    include: bool,
}

impl FieldFilter {
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        Ok(Self {
            fields: params.list("fields"),
            include: params.flag("include_fields")?.unwrap_or(true),
        })
    }

    pub fn apply(&self, value: Value) -> Value {
        self.apply_keeping(value, &[])
    }

    /// Like `apply`, but a `fields` list that includes keys also always returns `always`
    /// when the object has them (Auth0 adds a resource's identity keys: a client's `tenant`,
    /// a connection's `id`, `is_domain_connection`, ...).
    pub fn apply_keeping(&self, value: Value, always: &[&str]) -> Value {
        let (Some(fields), Value::Object(object)) = (&self.fields, &value) else {
            return value;
        };
        let kept = object
            .iter()
            .filter(|(key, _)| {
                let listed = fields.iter().any(|f| f == *key);
                if self.include {
                    listed || always.contains(&key.as_str())
                } else {
                    !listed
                }
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Value::Object(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({"id": i})).collect()
    }

    fn ids(value: &Value) -> Vec<u64> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn offset_without_totals_is_a_bare_array() {
        let params = Params::parse(Some("page=1&per_page=2"));
        let body = Paging::from_params(&params)
            .unwrap()
            .apply(items(5), "clients");
        assert_eq!(ids(&body), vec![2, 3]);
    }

    #[test]
    fn offset_with_totals_has_the_envelope() {
        let params = Params::parse(Some("include_totals=true&per_page=50"));
        let body = Paging::from_params(&params)
            .unwrap()
            .apply(items(3), "clients");
        assert_eq!(body["total"], 3);
        assert_eq!(body["start"], 0);
        assert_eq!(body["limit"], 50);
        assert_eq!(ids(&body["clients"]), vec![0, 1, 2]);
    }

    #[test]
    fn checkpoint_visits_every_item_once_and_omits_next_at_the_end() {
        for total in [0usize, 1, 50, 51, 1000, 1001] {
            let mut seen = Vec::new();
            let mut query = "take=50".to_owned();
            for _ in 0..100 {
                let paging = Paging::from_params(&Params::parse(Some(&query))).unwrap();
                let body = paging.apply(items(total), "connections");
                seen.extend(ids(&body["connections"]));
                match body.get("next") {
                    Some(next) => query = format!("take=50&from={}", next.as_str().unwrap()),
                    None => break,
                }
            }
            let expected: Vec<u64> = (0..total as u64).collect();
            assert_eq!(seen, expected, "total {total}");
        }
    }

    #[test]
    fn checkpoint_wins_over_include_totals() {
        let params = Params::parse(Some("include_totals=true&per_page=50&take=100"));
        let body = Paging::from_params(&params)
            .unwrap()
            .apply(items(2), "client_grants");
        assert_eq!(
            body.as_object().unwrap().keys().collect::<Vec<_>>(),
            vec!["client_grants"]
        );
    }

    #[test]
    fn per_page_above_100_is_rejected() {
        let error = Paging::from_params(&Params::parse(Some("per_page=101"))).unwrap_err();
        assert_eq!(error.status, 400);
        assert_eq!(error.error_code, Some("invalid_query_string"));
    }

    #[test]
    fn fields_keep_or_drop() {
        let value = json!({"client_id": "a", "name": "n", "tenant": "t"});
        let keep = FieldFilter::from_params(&Params::parse(Some(
            "fields=client_id,name&include_fields=true",
        )))
        .unwrap();
        assert_eq!(
            keep.apply(value.clone()),
            json!({"client_id": "a", "name": "n"})
        );
        let drop =
            FieldFilter::from_params(&Params::parse(Some("fields=name&include_fields=false")))
                .unwrap();
        assert_eq!(
            drop.apply_keeping(value.clone(), &["tenant"]),
            json!({"client_id": "a", "tenant": "t"})
        );
        assert_eq!(
            keep.apply_keeping(value, &["tenant"]),
            json!({"client_id": "a", "name": "n", "tenant": "t"})
        );
    }
}
