//! Auth0's error bodies: `{"statusCode","error","message","errorCode"?}`.

use serde_json::{Value, json};

/// A Management API error as Auth0 renders it. `error_code` is absent on some endpoints
/// (actions, email-template conflicts), exactly as in the recordings.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub error_code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        Self {
            status,
            message: message.into(),
            error_code,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message, Some("invalid_body"))
    }

    pub fn invalid_query(message: impl Into<String>) -> Self {
        Self::new(400, message, Some("invalid_query_string"))
    }

    /// A path parameter the spec does not allow ("Invalid request URI" in its 400s, as
    /// `invalid_body` is "Invalid request body" and `invalid_query_string` "Invalid request
    /// query string").
    pub fn invalid_uri(message: impl Into<String>) -> Self {
        Self::new(400, message, Some("invalid_uri"))
    }

    pub fn not_found(message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        Self::new(404, message, error_code)
    }

    pub fn conflict(message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        Self::new(409, message, error_code)
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "Global limit has been reached",
            Some("too_many_requests"),
        )
    }

    pub fn body(&self) -> Value {
        let mut body = json!({
            "statusCode": self.status,
            "error": reason_phrase(self.status),
            "message": self.message,
        });
        if let Some(code) = self.error_code {
            body["errorCode"] = Value::String(code.to_owned());
        }
        body
    }
}

/// The `error` field Auth0 puts beside `statusCode`.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_code_is_omitted_when_auth0_omits_it() {
        let body = ApiError::not_found("That action does not exist.", None).body();
        assert_eq!(
            body,
            json!({"statusCode":404,"error":"Not Found","message":"That action does not exist."})
        );
    }

    #[test]
    fn rate_limit_body_matches_auth0() {
        assert_eq!(
            ApiError::too_many_requests().body(),
            json!({"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"})
        );
    }
}
