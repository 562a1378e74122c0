//! The password policy of a database connection (`options.passwordPolicy`, and
//! `options.password_complexity_options.min_length`), checked where Auth0 checks it: when the
//! Management API creates a user or changes a password. Auth0 answers a password the policy
//! refuses with 400 `PasswordStrengthError: Password is too weak`, without saying which rule
//! failed (as public issues of Auth0's SDKs quote it).
//!
//! The rules are Auth0's documented strength levels: `none` at least 1 character, `low` 6,
//! `fair` 8 with lower case, upper case and a digit, `good` 8 with 3 of the 4 kinds (lower,
//! upper, digit, special), `excellent` 10 with 3 of the 4 and no character more than twice in
//! a row. A `min_length` in the options raises the minimum of the level.

use auth0_wire::{DatabaseOptions, PasswordPolicy};
use serde_json::Value;

use crate::errors::ApiError;
use crate::store::Obj;

/// Auth0's answer to a password the policy refuses.
pub fn too_weak() -> ApiError {
    ApiError::new(400, "PasswordStrengthError: Password is too weak", None)
}

/// Checks `password` against the policy in a database connection's `options` (absent: none).
pub fn check(options: Option<&Obj>, password: &str) -> Result<(), ApiError> {
    let options = DatabaseOptions::read(&options.cloned().unwrap_or_default());
    let policy = options.password_policy.unwrap_or(PasswordPolicy::None);
    let min_length = options
        .password_complexity_options
        .and_then(|c| c.min_length)
        .map_or(0, |n| n as usize);
    if accepts(policy, min_length, password) {
        Ok(())
    } else {
        Err(too_weak())
    }
}

fn accepts(policy: PasswordPolicy, min_length: usize, password: &str) -> bool {
    let (level_minimum, kinds_needed) = match policy {
        PasswordPolicy::None => (1, Kinds::Any),
        PasswordPolicy::Low => (6, Kinds::Any),
        PasswordPolicy::Fair => (8, Kinds::LowerUpperDigit),
        PasswordPolicy::Good | PasswordPolicy::Excellent => (8, Kinds::ThreeOfFour),
    };
    let level_minimum = if policy == PasswordPolicy::Excellent {
        10
    } else {
        level_minimum
    };
    let length = password.chars().count();
    if length < level_minimum.max(min_length) {
        return false;
    }
    let lower = password.chars().any(char::is_lowercase);
    let upper = password.chars().any(char::is_uppercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let special = password.chars().any(|c| !c.is_alphanumeric());
    let kinds_ok = match kinds_needed {
        Kinds::Any => true,
        Kinds::LowerUpperDigit => lower && upper && digit,
        Kinds::ThreeOfFour => {
            [lower, upper, digit, special]
                .iter()
                .filter(|k| **k)
                .count()
                >= 3
        }
    };
    kinds_ok && (policy != PasswordPolicy::Excellent || !three_in_a_row(password))
}

enum Kinds {
    Any,
    LowerUpperDigit,
    ThreeOfFour,
}

fn three_in_a_row(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// A connection's `options`, for [`check`].
pub fn options_of(connection: Option<&Obj>) -> Option<&Obj> {
    connection
        .and_then(|c| c.get("options"))
        .and_then(Value::as_object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn options(value: Value) -> Obj {
        match value {
            Value::Object(object) => object,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn each_level_accepts_what_auth0_documents_and_refuses_the_rest() {
        let cases = [
            (PasswordPolicy::None, "a", true),
            (PasswordPolicy::None, "", false),
            (PasswordPolicy::Low, "abcdef", true),
            (PasswordPolicy::Low, "abcde", false),
            (PasswordPolicy::Fair, "Abcdefg1", true),
            (PasswordPolicy::Fair, "abcdefg1", false),
            (PasswordPolicy::Fair, "Abcdef1", false),
            (PasswordPolicy::Good, "abcdef1!", true),
            (PasswordPolicy::Good, "Abcdefgh", false),
            (PasswordPolicy::Good, "password", false),
            (PasswordPolicy::Excellent, "Abcdefgh1!", true),
            (PasswordPolicy::Excellent, "Abcdefg1!", false),
            (PasswordPolicy::Excellent, "Abcdeee1!x", false),
        ];
        for (policy, password, accepted) in cases {
            assert_eq!(
                accepts(policy, 0, password),
                accepted,
                "{policy:?} {password:?}"
            );
        }
    }

    #[test]
    fn the_connection_options_choose_the_level_and_the_minimum_length() {
        let good = options(json!({"passwordPolicy": "good"}));
        assert_eq!(
            check(Some(&good), "a").unwrap_err().message,
            "PasswordStrengthError: Password is too weak"
        );
        assert!(check(Some(&good), "Passw0rd!").is_ok());
        // No policy in the options (a PATCH that left it out) is none.
        assert!(check(Some(&options(json!({}))), "a").is_ok());
        assert!(check(None, "a").is_ok());
        let longer = options(
            json!({"passwordPolicy": "low", "password_complexity_options": {"min_length": 12}}),
        );
        assert!(check(Some(&longer), "abcdefghijk").is_err());
        assert!(check(Some(&longer), "abcdefghijkl").is_ok());
        let refused = check(Some(&good), "short").unwrap_err();
        assert_eq!((refused.status, refused.error_code), (400, None));
    }
}
