//! Reading whole lists, in both of Auth0's paging styles, with the largest page Auth0 allows.
//!
//! - Offset: `page` (0-based), `per_page=100`, optionally `include_totals=true` giving
//!   `{"start","limit","total","<key>":[...]}`. Once the first page tells the total, the other
//!   pages are fetched concurrently (the rate limiter still paces them). Without a total, pages
//!   are read in order until a short or empty one.
//! - Checkpoint: `take=100`, then `from=<next>`, giving `{"<key>":[...],"next":"..."}`; the last
//!   page has no `next`.

use serde_json::Value;
use tokio::task::JoinSet;

use super::client::{ManagementClient, Query};
use super::error::{ApiError, RequestLine};

/// The largest page Auth0 serves.
pub const PAGE_SIZE: usize = 100;
/// A bound on pages read for one list (1,000,000 items), so a misbehaving server cannot loop us.
const MAX_PAGES: usize = 10_000;

/// How an offset-paged endpoint reports its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Totals {
    /// Send `include_totals=true`; the envelope has `total` (clients, grants, connections…).
    Requested,
    /// The endpoint always answers an envelope and rejects `include_totals` (actions, bindings);
    /// it may or may not carry `total`.
    Implicit,
}

impl ManagementClient {
    /// Every item of an offset-paged list. `key` names the array in the envelope.
    pub async fn list_offset(
        &self,
        segments: &[&str],
        key: &str,
        query: &Query<'_>,
        totals: Totals,
    ) -> Result<Vec<Value>, ApiError> {
        let owned_segments: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        let owned_query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let first = self
            .offset_page(&owned_segments, &owned_query, totals, 0)
            .await?;
        let (mut items, total) = split_envelope(first, key, &request_line(segments))?;
        let first_len = items.len();

        if let Some(total) = total {
            let pages = total.div_ceil(PAGE_SIZE).min(MAX_PAGES);
            if pages > 1 && first_len > 0 {
                let mut set = JoinSet::new();
                for page in 1..pages {
                    let client = self.clone();
                    let (segments, query) = (owned_segments.clone(), owned_query.clone());
                    set.spawn(async move {
                        (
                            page,
                            client.offset_page(&segments, &query, totals, page).await,
                        )
                    });
                }
                let mut rest: Vec<(usize, Value)> = Vec::with_capacity(pages - 1);
                while let Some(joined) = set.join_next().await {
                    let (page, body) = joined.expect("a page task does not panic");
                    rest.push((page, body?));
                }
                rest.sort_by_key(|(page, _)| *page);
                for (_, body) in rest {
                    let (page_items, _) = split_envelope(body, key, &request_line(segments))?;
                    items.extend(page_items);
                }
            }
            return Ok(items);
        }

        // No total: read on until a page comes back short.
        let mut last_len = first_len;
        let mut page = 1;
        while last_len >= PAGE_SIZE && page < MAX_PAGES {
            let body = self
                .offset_page(&owned_segments, &owned_query, totals, page)
                .await?;
            let (page_items, _) = split_envelope(body, key, &request_line(segments))?;
            last_len = page_items.len();
            items.extend(page_items);
            page += 1;
        }
        Ok(items)
    }

    /// Every item of a checkpoint-paged list. `key` names the array in the envelope.
    pub async fn list_checkpoint(
        &self,
        segments: &[&str],
        key: &str,
        query: &Query<'_>,
    ) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        let mut from: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut page_query: Vec<(&str, String)> = query.to_vec();
            page_query.push(("take", PAGE_SIZE.to_string()));
            if let Some(from) = &from {
                page_query.push(("from", from.clone()));
            }
            let body = self.get(segments, &page_query).await?;
            let next = body
                .get("next")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            let (page_items, _) = split_envelope(body, key, &request_line(segments))?;
            let empty = page_items.is_empty();
            items.extend(page_items);
            match next {
                // A server repeating its cursor would loop forever: stop instead.
                Some(next) if !empty && from.as_deref() != Some(next.as_str()) => from = Some(next),
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    async fn offset_page(
        &self,
        segments: &[String],
        query: &[(String, String)],
        totals: Totals,
        page: usize,
    ) -> Result<Value, ApiError> {
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let mut page_query: Vec<(&str, String)> =
            query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        page_query.push(("page", page.to_string()));
        page_query.push(("per_page", PAGE_SIZE.to_string()));
        if totals == Totals::Requested {
            page_query.push(("include_totals", "true".to_owned()));
        }
        self.get(&segments, &page_query).await
    }
}

fn request_line(segments: &[&str]) -> RequestLine {
    let path = format!("/api/v2/{}", segments.join("/"));
    RequestLine {
        method: reqwest::Method::GET,
        path,
    }
}

/// The items and the total of one page; a bare array (no envelope) is accepted too.
fn split_envelope(
    body: Value,
    key: &str,
    line: &RequestLine,
) -> Result<(Vec<Value>, Option<usize>), ApiError> {
    match body {
        Value::Array(items) => Ok((items, None)),
        Value::Object(mut envelope) => {
            let total = envelope
                .get("total")
                .and_then(Value::as_u64)
                .and_then(|t| usize::try_from(t).ok());
            match envelope.remove(key) {
                Some(Value::Array(items)) => Ok((items, total)),
                None | Some(Value::Null) => Ok((Vec::new(), total)),
                Some(_) => Err(ApiError::Unexpected {
                    request: line.clone(),
                    detail: format!("`{key}` is not an array"),
                }),
            }
        }
        _ => Err(ApiError::Unexpected {
            request: line.clone(),
            detail: format!("expected a list of `{key}`"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn line() -> RequestLine {
        RequestLine {
            method: reqwest::Method::GET,
            path: "/api/v2/clients".into(),
        }
    }

    #[test]
    fn envelopes_and_bare_arrays_split() {
        let (items, total) = split_envelope(
            json!({"total":3,"start":0,"limit":100,"clients":[{"a":1},{"a":2}]}),
            "clients",
            &line(),
        )
        .unwrap();
        assert_eq!((items.len(), total), (2, Some(3)));
        let (items, total) = split_envelope(json!([{"a":1}]), "clients", &line()).unwrap();
        assert_eq!((items.len(), total), (1, None));
        let (items, total) = split_envelope(
            json!({"bindings":[],"page":1,"per_page":100}),
            "bindings",
            &line(),
        )
        .unwrap();
        assert_eq!((items.len(), total), (0, None));
        assert!(split_envelope(json!({"clients":"x"}), "clients", &line()).is_err());
    }
}
