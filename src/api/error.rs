//! Errors of the Management API client. They name the request (method and path) and carry
//! Auth0's own words, but never a token, a secret or a query string.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::settings::SettingsError;

/// The request that failed: method and path without the query string (it may hold an email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    pub method: reqwest::Method,
    pub path: String,
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Settings(#[from] SettingsError),

    /// The Management API answered with an error status.
    #[error("{request} failed with {status}{}", describe(.message.as_deref(), .error_code.as_deref()))]
    Status {
        request: RequestLine,
        status: u16,
        /// Auth0's `message`.
        message: Option<String>,
        /// Auth0's `errorCode` (sometimes absent).
        error_code: Option<String>,
    },

    /// The token endpoint refused the client credentials (OAuth-shaped error).
    #[error("getting a Management API token failed with {status}{}", describe(.description.as_deref(), .error.as_deref()))]
    Token {
        status: u16,
        /// OAuth `error`, e.g. `invalid_client`, `access_denied`.
        error: Option<String>,
        /// OAuth `error_description`.
        description: Option<String>,
    },

    /// The request could not be sent or its response could not be read.
    #[error("{request}: {source}")]
    Transport {
        request: RequestLine,
        #[source]
        source: reqwest::Error,
    },

    #[error("{request} timed out after {}s", .after.as_secs_f64())]
    Timeout {
        request: RequestLine,
        after: Duration,
    },

    /// The response was not the JSON it should have been.
    #[error("{request}: unexpected response: {detail}")]
    Unexpected {
        request: RequestLine,
        detail: String,
    },
}

fn describe(message: Option<&str>, code: Option<&str>) -> String {
    match (message, code) {
        (Some(m), Some(c)) => format!(": {m} ({c})"),
        (Some(m), None) => format!(": {m}"),
        (None, Some(c)) => format!(" ({c})"),
        (None, None) => String::new(),
    }
}

impl ApiError {
    /// A Management API error from its status and JSON body
    /// (`{"statusCode","error","message","errorCode"}`).
    pub(crate) fn from_status(request: RequestLine, status: u16, body: &Value) -> Self {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        Self::Status {
            request,
            status,
            message: text("message").or_else(|| text("error")),
            error_code: text("errorCode"),
        }
    }

    /// A token endpoint error from its status and OAuth body (`{"error","error_description"}`).
    pub(crate) fn from_token_response(status: u16, body: &Value) -> Self {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        Self::Token {
            status,
            error: text("error"),
            description: text("error_description").or_else(|| text("message")),
        }
    }

    /// The HTTP status the server answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } | Self::Token { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Auth0's `errorCode`, e.g. `inexistent_client`.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Status { error_code, .. } => error_code.as_deref(),
            Self::Token { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// The request that failed, when the error belongs to one.
    pub fn request(&self) -> Option<&RequestLine> {
        match self {
            Self::Status { request, .. }
            | Self::Transport { request, .. }
            | Self::Timeout { request, .. }
            | Self::Unexpected { request, .. } => Some(request),
            Self::Settings(_) | Self::Token { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn line() -> RequestLine {
        RequestLine {
            method: reqwest::Method::GET,
            path: "/api/v2/clients/abc".into(),
        }
    }

    #[test]
    fn a_status_error_names_the_request_and_auth0s_words() {
        let body = json!({"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"});
        let err = ApiError::from_status(line(), 404, &body);
        assert_eq!(
            err.to_string(),
            "GET /api/v2/clients/abc failed with 404: The client does not exist (inexistent_client)"
        );
        assert!(err.is_not_found());
        assert_eq!(err.error_code(), Some("inexistent_client"));
    }

    #[test]
    fn error_code_may_be_absent() {
        let body = json!({"statusCode":409,"error":"Conflict","message":"Template verify_email already exists."});
        let err = ApiError::from_status(line(), 409, &body);
        assert_eq!(
            err.to_string(),
            "GET /api/v2/clients/abc failed with 409: Template verify_email already exists."
        );
        assert!(err.is_conflict());
        assert_eq!(err.error_code(), None);
    }

    #[test]
    fn token_errors_are_oauth_shaped() {
        let body = json!({"error":"access_denied","error_description":"Unauthorized"});
        let err = ApiError::from_token_response(401, &body);
        assert_eq!(
            err.to_string(),
            "getting a Management API token failed with 401: Unauthorized (access_denied)"
        );
    }
}
