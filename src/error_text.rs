//! An error as the user reads it: the chain of causes on one line, each cause once. Errors
//! that put their source in their own message (`ApiError::Transport` does, as do reqwest's)
//! would otherwise show it twice under `{:#}`: `error sending request: error sending request`.

/// `error` and its causes joined by `: `, leaving out a cause whose message is already said.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if message.is_empty() || text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused")]
    struct Refused;

    #[derive(Debug, thiserror::Error)]
    #[error("error sending request")]
    struct Sending(#[source] Refused);

    /// Like `ApiError::Transport`: its message includes its source's.
    #[derive(Debug, thiserror::Error)]
    #[error("GET /api/v2/clients: {0}")]
    struct Transport(#[source] Sending);

    #[test]
    fn each_cause_is_said_once() {
        let error =
            anyhow::Error::new(Transport(Sending(Refused))).context("cannot read the tenant");
        assert_eq!(
            format!("{error:#}"),
            "cannot read the tenant: GET /api/v2/clients: error sending request: error sending request: connection refused",
            "what `{{:#}}` says"
        );
        assert_eq!(
            one_line(&error),
            "cannot read the tenant: GET /api/v2/clients: error sending request: connection refused"
        );
    }
}
