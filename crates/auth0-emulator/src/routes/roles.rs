//! `/api/v2/roles`: create 200 (not 201), delete 200 `{}`, missing role 404.

use serde_json::{Value, json};

use super::{Call, Outcome, Reply, overlay, str_field};
use crate::errors::ApiError;
use crate::paging::Paging;
use crate::store::{ALNUM, Store, into_obj, random_string};

fn not_found() -> ApiError {
    ApiError::not_found("The role does not exist.", None)
}

pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let filter = call.params.get("name_filter").map(str::to_lowercase);
    let items = store
        .roles
        .values()
        .filter(|r| {
            filter
                .as_deref()
                .is_none_or(|f| str_field(r, "name").is_some_and(|n| n.to_lowercase().contains(f)))
        })
        .map(|r| Value::Object(r.clone()))
        .collect();
    Ok(Reply::ok(paging.apply(items, "roles")))
}

pub fn get(store: &Store, id: &str) -> Outcome {
    Ok(Reply::ok(Value::Object(
        store.roles.get(id).ok_or_else(not_found)?.clone(),
    )))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let id = format!("rol_{}", random_string(16, ALNUM));
    let mut role = into_obj(
        json!({"id": id, "name": body.get("name").cloned().unwrap_or(Value::Null), "description": "", "type": "tenant"}),
    );
    overlay(&mut role, body, &["id"]);
    store.roles.insert(id, role.clone());
    // Stored with `description: ""`, which reads show; the create answer has only what was
    // sent (TestAccRole.yaml: POST {"name"} answers id, name, type).
    if !body.contains_key("description") {
        role.remove("description");
    }
    Ok(Reply::ok(Value::Object(role)))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    let role = store.roles.get_mut(id).ok_or_else(not_found)?;
    overlay(role, body, &["id"]);
    Ok(Reply::ok(Value::Object(role.clone())))
}

pub fn delete(store: &mut Store, id: &str) -> Outcome {
    store.roles.shift_remove(id).ok_or_else(not_found)?;
    Ok(Reply::ok(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_created_without_a_description_answers_none_and_reads_an_empty_one() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "admin"});
        let created = create(&mut store, &Call::test("POST", &body)).unwrap();
        assert_eq!(created.status, 200);
        let created = created.body.unwrap();
        assert!(created.get("description").is_none(), "{created}");
        assert_eq!(created["type"], "tenant");
        let id = created["id"].as_str().unwrap();
        let read = get(&store, id).unwrap().body.unwrap();
        assert_eq!(read["description"], "");

        let described = json!({"name": "viewer", "description": "Reads"});
        let created = create(&mut store, &Call::test("POST", &described))
            .unwrap()
            .body
            .unwrap();
        assert_eq!(created["description"], "Reads");
    }
}
