//! Creates that never duplicate: a POST whose answer was lost may have created the resource,
//! so before sending it again the resource is looked up by its stable name.

use std::time::Duration;

use serde_json::Value;

use crate::api::ApiError;

/// POST attempts per create (lookups in between).
const CREATE_ATTEMPTS: u32 = 4;

/// Whether a failed request may have taken effect (no answer, or a 5xx).
pub(crate) fn outcome_unknown(error: &ApiError) -> bool {
    match error {
        ApiError::Transport { .. } | ApiError::Timeout { .. } | ApiError::Unexpected { .. } => true,
        ApiError::Status { status, .. } => *status >= 500,
        ApiError::Settings(_) | ApiError::Token { .. } => false,
    }
}

/// The resource, and whether it was found rather than created by this call.
#[derive(Debug)]
pub(crate) struct Created {
    pub body: Value,
    pub adopted: bool,
}

/// Sends `post`; after an unknown outcome (or a 409) runs `lookup` and adopts what it finds,
/// else sends `post` again, at most [`CREATE_ATTEMPTS`] times.
pub(crate) async fn create_once(
    post: impl AsyncFn() -> Result<Value, ApiError>,
    lookup: impl AsyncFn() -> Result<Option<Value>, ApiError>,
) -> Result<Created, ApiError> {
    let mut attempt = 0;
    loop {
        if attempt > 0
            && let Some(body) = lookup().await?
        {
            return Ok(Created {
                body,
                adopted: true,
            });
        }
        attempt += 1;
        match post().await {
            Ok(body) => {
                return Ok(Created {
                    body,
                    adopted: false,
                });
            }
            Err(error) if error.is_conflict() => {
                return match lookup().await? {
                    Some(body) => Ok(Created {
                        body,
                        adopted: true,
                    }),
                    None => Err(error),
                };
            }
            Err(error) if outcome_unknown(&error) && attempt < CREATE_ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => return Err(error),
        }
    }
}
