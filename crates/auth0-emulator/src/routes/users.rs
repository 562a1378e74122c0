//! `/api/v2/users`, lookup by email, and password-change tickets. Metadata PATCH merges key
//! by key (`null` deletes, `{}` clears); passwords are kept only as salted hashes.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Call, Outcome, Reply, str_field};
use crate::errors::ApiError;
use crate::paging::{FieldFilter, Paging};
use crate::password_policy;
use crate::store::{
    ALNUM, HEX, Obj, PasswordTicket, Store, StoredUser, into_obj, merge_top_level, now,
    random_string,
};
use crate::user_query::Query;
use crate::user_sort::Sort;

fn not_found() -> ApiError {
    ApiError::not_found("The user does not exist.", Some("inexistent_user"))
}

pub fn hash_password(password: &str) -> String {
    let salt = random_string(16, ALNUM);
    let digest = Sha256::digest(format!("{salt}:{password}").as_bytes());
    format!("{salt}${}", hex::encode(digest))
}

pub fn password_matches(hash: &str, password: &str) -> bool {
    let Some((salt, digest)) = hash.split_once('$') else {
        return false;
    };
    hex::encode(Sha256::digest(format!("{salt}:{password}").as_bytes())) == digest
}

/// Auth0's picture for a user without one: the email's Gravatar, falling back to an avatar
/// of the nickname's first letters.
pub(crate) fn default_picture(email: &str, nickname: &str) -> String {
    format!(
        "https://s.gravatar.com/avatar/{}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F{}.png",
        hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes())),
        nickname.chars().take(2).collect::<String>().to_lowercase()
    )
}

/// The strategies `POST /users` creates users in: database and passwordless connections.
/// Social users are created by their first login.
const CREATABLE_STRATEGIES: &[&str] = &["auth0", "email", "sms"];

fn render(user: &StoredUser) -> Value {
    let mut profile = user.profile.clone();
    if profile
        .get("app_metadata")
        .and_then(Value::as_object)
        .is_some_and(Obj::is_empty)
    {
        profile.remove("app_metadata");
    }
    Value::Object(profile)
}

/// The email as Auth0 keeps it: in lower case when Auth0 is the identity provider (a database
/// connection), whatever case it was given in (documented with `GET /users-by-email`).
fn stored_email(strategy: &str, email: &str) -> String {
    if strategy == "auth0" {
        auth0_wire::user::stored_email(email)
    } else {
        email.to_owned()
    }
}

fn email_taken(store: &Store, connection: &str, email: &str, except: Option<&str>) -> bool {
    store.users.iter().any(|(id, u)| {
        Some(id.as_str()) != except
            && u.profile
                .get("identities")
                .and_then(|i| i.pointer("/0/connection"))
                .and_then(Value::as_str)
                == Some(connection)
            && str_field(&u.profile, "email").is_some_and(|e| e.eq_ignore_ascii_case(email))
    })
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let connection = str_field(body, "connection").unwrap_or_default().to_owned();
    let strategy = store
        .connection_by_name(&connection)
        .and_then(|c| str_field(c, "strategy"))
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request("The connection does not exist.")
                .with_code("inexistent_connection")
        })?;
    if !CREATABLE_STRATEGIES.contains(&strategy.as_str()) {
        return Err(ApiError::bad_request(
            "Connection does not support user creation through the API. It must either be a database or passwordless connection.",
        ));
    }
    let email = str_field(body, "email").map(|email| stored_email(&strategy, email));
    let password = str_field(body, "password").map(str::to_owned);
    if strategy == "auth0" {
        let Some(email) = &email else {
            return Err(ApiError::bad_request(
                "Payload validation error: 'Missing required property: email'.",
            ));
        };
        let Some(password) = &password else {
            return Err(ApiError::bad_request(
                "Payload validation error: 'Missing required property: password'.",
            ));
        };
        password_policy::check(
            password_policy::options_of(store.connection_by_name(&connection)),
            password,
        )?;
        if email_taken(store, &connection, email, None) {
            return Err(ApiError::conflict(
                "The user already exists.",
                Some("auth0_idp_error"),
            ));
        }
    }
    let local_id = str_field(body, "user_id").map_or_else(|| random_string(24, HEX), str::to_owned);
    let user_id = format!("auth0|{local_id}");
    if store.users.contains_key(&user_id) {
        return Err(ApiError::conflict(
            "The user already exists.",
            Some("auth0_idp_error"),
        ));
    }
    let stamp = now();
    let email_text = email.clone().unwrap_or_default();
    let username = str_field(body, "username");
    let nickname = str_field(body, "nickname").or(username).map_or_else(
        || email_text.split('@').next().unwrap_or_default().to_owned(),
        str::to_owned,
    );
    let picture = default_picture(&email_text, &nickname);
    let mut profile = into_obj(json!({
        "created_at": stamp,
        "email": email_text,
        "email_verified": body.get("email_verified").cloned().unwrap_or(json!(false)),
        "identities": [{"connection": connection, "user_id": local_id, "provider": "auth0", "isSocial": false}],
        "name": str_field(body, "name").unwrap_or(&email_text),
        "nickname": nickname,
        "picture": str_field(body, "picture").map_or(picture, str::to_owned),
        "updated_at": stamp,
        "user_id": user_id,
    }));
    for (key, value) in body {
        if !matches!(
            key.as_str(),
            "connection"
                | "password"
                | "verify_email"
                | "user_id"
                | "email"
                | "email_verified"
                | "name"
                | "nickname"
                | "picture"
        ) {
            profile.insert(key.clone(), value.clone());
        }
    }
    let user = StoredUser {
        profile,
        password_hash: password.as_deref().map(hash_password),
    };
    let response = render(&user);
    store.users.insert(user_id, user);
    Ok(Reply::created(response))
}

pub fn get(store: &Store, id: &str) -> Outcome {
    Ok(Reply::ok(render(
        store.users.get(id).ok_or_else(not_found)?,
    )))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    let connection = {
        let user = store.users.get(id).ok_or_else(not_found)?;
        user.profile
            .get("identities")
            .and_then(|i| i.pointer("/0/connection"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if let Some(email) = str_field(body, "email")
        && email_taken(store, &connection, email, Some(id))
    {
        // 400, not 409: the spec documents no 409 for PATCH /users/{id}, and clients match
        // this text on a 400.
        return Err(ApiError::new(
            400,
            "The specified new email already exists",
            Some("email_conflict"),
        ));
    }
    let strategy = store
        .connection_by_name(&connection)
        .and_then(|c| str_field(c, "strategy"))
        .unwrap_or_default()
        .to_owned();
    if let Some(password) = str_field(body, "password") {
        password_policy::check(
            password_policy::options_of(store.connection_by_name(&connection)),
            password,
        )?;
    }
    let user = store.users.get_mut(id).ok_or_else(not_found)?;
    for (key, value) in body {
        match (key.as_str(), value) {
            ("email", Value::String(email)) => {
                user.profile
                    .insert(key.clone(), json!(stored_email(&strategy, email)));
            }
            ("password", Value::String(password)) => {
                user.password_hash = Some(hash_password(password));
            }
            ("user_metadata" | "app_metadata", Value::Object(patch)) => {
                // `{}` clears the metadata; otherwise keys merge and null deletes.
                let mut merged = if patch.is_empty() {
                    Obj::new()
                } else {
                    user.profile
                        .get(key)
                        .cloned()
                        .map(into_obj)
                        .unwrap_or_default()
                };
                merge_top_level(&mut merged, patch);
                user.profile.insert(key.clone(), Value::Object(merged));
            }
            ("connection" | "verify_email" | "verify_password" | "client_id" | "user_id", _) => {}
            (_, Value::Null) => {
                user.profile.remove(key);
            }
            _ => {
                user.profile.insert(key.clone(), value.clone());
            }
        }
    }
    user.profile.insert("updated_at".into(), json!(now()));
    Ok(Reply::ok(render(user)))
}

pub fn delete(store: &mut Store, id: &str) -> Outcome {
    store.users.shift_remove(id);
    Ok(Reply::no_content())
}

/// `GET /users`, searched with `q` (the subset of Auth0's syntax in [`Query`]) and ordered by
/// `sort` ([`Sort`]) when given.
pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let fields = FieldFilter::from_params(call.params)?;
    let query = call
        .params
        .get("q")
        .map(|q| {
            Query::parse(q).map_err(|problem| {
                ApiError::invalid_query(format!("Query validation error: {problem}."))
            })
        })
        .transpose()?;
    let sort = call.params.get("sort").map(Sort::parse).transpose()?;
    let mut items: Vec<Value> = store
        .users
        .values()
        .map(render)
        .filter(|user| query.as_ref().is_none_or(|query| query.matches(user)))
        .collect();
    if let Some(sort) = &sort {
        sort.apply(&mut items);
    }
    let items: Vec<Value> = items.into_iter().map(|user| fields.apply(user)).collect();
    let mut body = paging.apply(items, "users");
    if let Value::Object(envelope) = &mut body
        && envelope.contains_key("total")
    {
        let length = envelope
            .get("users")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        envelope.insert("length".into(), json!(length));
    }
    Ok(Reply::ok(body))
}

pub fn by_email(store: &Store, call: &Call) -> Outcome {
    let email = call.params.get("email").ok_or_else(|| {
        ApiError::invalid_query("Query validation error: 'Missing required property: email'.")
    })?;
    let fields = FieldFilter::from_params(call.params)?;
    let users: Vec<Value> = store
        .users
        .values()
        // Case-sensitive, as Auth0 documents: the stored case must be asked for.
        .filter(|u| str_field(&u.profile, "email") == Some(&*email))
        .map(|u| fields.apply(render(u)))
        .collect();
    Ok(Reply::ok(Value::Array(users)))
}

/// Auth0's default lifetime of a password-change ticket (5 days).
const TICKET_TTL_SECONDS: i64 = 432_000;

pub fn password_change_ticket(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let user_id = if let Some(id) = str_field(body, "user_id") {
        store.users.contains_key(id).then(|| id.to_owned())
    } else {
        let email = str_field(body, "email").unwrap_or_default();
        store
            .users
            .iter()
            .find(|(_, u)| {
                str_field(&u.profile, "email").is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|(id, _)| id.clone())
    };
    let user_id = user_id.ok_or_else(not_found)?;
    let ttl = body
        .get("ttl_sec")
        .and_then(Value::as_i64)
        .filter(|ttl| *ttl > 0)
        .unwrap_or(TICKET_TTL_SECONDS);
    let id = random_string(32, ALNUM);
    store.password_tickets.insert(
        id.clone(),
        PasswordTicket {
            user_id,
            expires_at: store.now_ms() / 1000 + ttl,
            result_url: str_field(body, "result_url").map(str::to_owned),
            mark_email_as_verified: body
                .get("mark_email_as_verified")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
    );
    let ticket = format!("{}/u/reset-password?ticket={id}#", store.domain);
    Ok(Reply::created(json!({"ticket": ticket})))
}

impl ApiError {
    fn with_code(mut self, code: &'static str) -> Self {
        self.error_code = Some(code);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::Params;

    fn count(outcome: Outcome) -> usize {
        outcome.unwrap().body.unwrap().as_array().unwrap().len()
    }

    #[test]
    fn metadata_merge_semantics_match_the_recording() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"connection": "Username-Password-Authentication", "email": "a@b.c", "password": "pw-123456!", "app_metadata": {"role": "admin", "x": 1}});
        let call = Call::test("POST", &body);
        let created = create(&mut store, &call).unwrap().body.unwrap();
        assert!(created.get("password").is_none());
        assert_eq!(create(&mut store, &call).unwrap_err().status, 409);
        let id = created["user_id"].as_str().unwrap().to_owned();
        assert!(password_matches(
            store.users[&id].password_hash.as_ref().unwrap(),
            "pw-123456!"
        ));

        let patch = json!({"app_metadata": {"x": null, "y": 2}, "user_metadata": {"a": 1}});
        let updated = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(updated["app_metadata"], json!({"role": "admin", "y": 2}));
        let patch = json!({"app_metadata": {}, "user_metadata": {}});
        let cleared = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert!(cleared.get("app_metadata").is_none());
        assert_eq!(cleared["user_metadata"], json!({}));

        let params = Params::parse(Some("email=a@b.c"));
        let call = Call::test("GET", &Value::Null).with_params(&params);
        assert_eq!(count(by_email(&store, &call)), 1);
        let params = Params::parse(Some("q=email:\"a@b.c\"&search_engine=v3"));
        let call = Call::test("GET", &Value::Null).with_params(&params);
        assert_eq!(count(list(&store, &call)), 1);
    }

    /// The default connection's `good` policy: a weak password is refused on create and on
    /// update, and a refused update changes nothing.
    #[test]
    fn a_password_the_connection_policy_refuses_is_too_weak() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let weak = json!({"connection": "Username-Password-Authentication", "email": "w@b.c", "password": "password"});
        let refused = create(&mut store, &Call::test("POST", &weak)).unwrap_err();
        assert_eq!(
            (refused.status, refused.message.as_str()),
            (400, "PasswordStrengthError: Password is too weak")
        );
        assert!(store.users.is_empty());

        let strong = json!({"connection": "Username-Password-Authentication", "email": "w@b.c", "password": "Passw0rd!"});
        let created = create(&mut store, &Call::test("POST", &strong))
            .unwrap()
            .body
            .unwrap();
        let id = created["user_id"].as_str().unwrap().to_owned();
        let patch = json!({"password": "short", "name": "changed"});
        assert_eq!(
            update(&mut store, &Call::test("PATCH", &patch), &id)
                .unwrap_err()
                .status,
            400
        );
        let user = &store.users[&id];
        assert!(password_matches(
            user.password_hash.as_ref().unwrap(),
            "Passw0rd!"
        ));
        assert_eq!(user.profile["name"], "w@b.c");
    }

    /// Auth0 documents with `GET /users-by-email`: when it is the identity provider, the email
    /// is saved in lower case whatever case it was given in, and the lookup is made with the
    /// stored case (auth0-python's suite found both).
    #[test]
    fn a_database_users_email_is_kept_in_lower_case_and_looked_up_as_kept() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"connection": "Username-Password-Authentication", "email": "Ada.Lovelace@Example.COM", "password": "pw-123456!"});
        let created = create(&mut store, &Call::test("POST", &body))
            .unwrap()
            .body
            .unwrap();
        assert_eq!(created["email"], "ada.lovelace@example.com");
        // The same address in another case is the same user.
        let again = json!({"connection": "Username-Password-Authentication", "email": "ADA.LOVELACE@example.com", "password": "pw-123456!"});
        assert_eq!(
            create(&mut store, &Call::test("POST", &again))
                .unwrap_err()
                .status,
            409
        );
        let by = |store: &Store, email: &str| {
            let query = format!("email={email}");
            let params = Params::parse(Some(&query));
            count(by_email(
                store,
                &Call::test("GET", &Value::Null).with_params(&params),
            ))
        };
        assert_eq!(by(&store, "ada.lovelace@example.com"), 1);
        assert_eq!(by(&store, "Ada.Lovelace@Example.COM"), 0);

        let id = created["user_id"].as_str().unwrap().to_owned();
        let patch = json!({"email": "Countess@Example.COM"});
        let updated = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(updated["email"], "countess@example.com");
        assert_eq!(by(&store, "countess@example.com"), 1);
    }
}
