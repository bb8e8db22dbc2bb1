//! `/public/v1/accounts/api-tokens`: list, get, create, update (partial PUT), soft delete,
//! enable and disable (docs/marketplace-api.md §5).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{PathId, body_bytes, json_object_body, json_response, spec_lacks};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::now_millis;
use crate::problem::{FieldErrors, Problem};
use crate::query::{prepare_get, prepare_list};
use crate::resources::TOKENS;
use crate::store::{Store, TokenEvent, set_optional};

const NAME_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 2000;

/// Vendor and client callers never see deleted tokens; operations with Platform Account
/// Management see every token, deleted ones too (docs/marketplace-api.md §5.5).
fn visible(caller: &Caller, token: &Value) -> bool {
    let account = token["account"]["id"].as_str().unwrap_or_default();
    if caller.sees_all_accounts() {
        return true;
    }
    account == caller.account_id && token["status"] != "Deleted"
}

fn find_visible<'a>(store: &'a Store, caller: &Caller, id: &str) -> Result<&'a Value, Problem> {
    store.tokens.get(id).filter(|t| visible(caller, t)).ok_or_else(|| Problem::not_found(id))
}

/// GET list.
pub async fn list(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, Problem> {
    caller.require_token_management()?;
    let query = prepare_list(&raw.unwrap_or_default(), &TOKENS)?;
    let store = state.read();
    let body = if caller.sees_all_accounts() {
        query.list_in(&store.tokens, "all accounts", |_| true)
    } else {
        // The same rule as `visible`, read from the pre-extracted rows.
        let account = TOKENS.field_index("account.id").ok_or_else(|| spec_lacks("account.id"))?;
        let status = TOKENS.field_index("status").ok_or_else(|| spec_lacks("status"))?;
        query.list_in(&store.tokens, &format!("account {}", caller.account_id), |row| {
            row.text(account) == Some(caller.account_id.as_str()) && row.text(status) != Some("Deleted")
        })
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// GET one. A token may always read itself: the official CLI and MCP server connect that
/// way (docs/marketplace-api.md §3.2).
// Guess: self-read without Access Management is allowed (docs/marketplace-api.md §3.2).
pub async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    if id != caller.token_id {
        caller.require_token_management()?;
    }
    let query = prepare_get(&raw.unwrap_or_default(), &TOKENS)?;
    let store = state.read();
    let token = find_visible(&store, &caller, &id)?;
    Ok(json_response(StatusCode::OK, &query.single(token)))
}

/// Fields of a create or update body, each `None` when not sent.
struct TokenInput {
    name: Option<String>,
    description: Option<Option<String>>,
    icon: Option<Option<String>>,
    modules: Option<Vec<String>>,
    account_id: Option<String>,
}

/// Checks the shape of a body. Unknown fields are ignored: the official client's e2e
/// tests re-send `account` on update and succeed (docs/marketplace-api.md §5.3).
fn parse_input(body: &Map<String, Value>, creating: bool) -> Result<TokenInput, Problem> {
    let mut errors = FieldErrors::default();
    let name = match body.get("name") {
        None if !creating => None,
        None | Some(Value::Null) => {
            errors.add("name", "The name is required.");
            None
        }
        Some(Value::String(name)) => {
            check_name(name, &mut errors);
            Some(name.clone())
        }
        Some(_) => {
            errors.add("name", "The name must be a string.");
            None
        }
    };
    let description = optional_text(body, "description", DESCRIPTION_MAX, &mut errors);
    // Guess: an empty icon (official clients send "") means no icon.
    let icon = optional_text(body, "icon", usize::MAX, &mut errors).map(|icon| icon.filter(|text| !text.is_empty()));
    let modules = match body.get("modules") {
        None if !creating => None,
        // Guess: null modules (the DTO allows it) mean none.
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => Some(module_ids(items, &mut errors)),
        Some(_) => {
            errors.add("modules", "The modules must be a list of {\"id\": \"MOD-dddd\"}.");
            None
        }
    };
    let account_id = if creating {
        match body.get("account").and_then(|a| a.get("id")) {
            Some(Value::String(id)) if is_id(id, "ACC", 2) => Some(id.clone()),
            Some(Value::String(id)) => {
                errors.add("account.id", format!("'{id}' is not a valid account id (ACC-dddd-dddd)."));
                None
            }
            _ => {
                errors.add("account.id", "The account is required.");
                None
            }
        }
    } else {
        None
    };
    errors.into_result()?;
    Ok(TokenInput { name, description, icon, modules, account_id })
}

fn check_name(name: &str, errors: &mut FieldErrors) {
    if name.trim().is_empty() {
        errors.add("name", "The name is required.");
        return;
    }
    if name.chars().count() > NAME_MAX {
        errors.add("name", format!("The name must be at most {NAME_MAX} characters long."));
    }
    // Letters, digits, space, hyphen, period, apostrophe, double quote (docs/marketplace-api.md §5.6).
    let bad: String =
        name.chars().filter(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\'' | '"'))).collect();
    if !bad.is_empty() {
        errors.add(
            "name",
            format!(
                "The name contains characters that are not allowed ({bad}); use letters, digits, spaces, hyphens, periods, apostrophes and double quotes."
            ),
        );
    }
}

fn optional_text(
    body: &Map<String, Value>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<Option<String>> {
    match body.get(field) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(text)) => {
            if text.chars().count() > max {
                errors.add(field, format!("The {field} must be at most {max} characters long."));
            }
            Some(Some(text.clone()))
        }
        Some(_) => {
            errors.add(field, format!("The {field} must be a string or null."));
            None
        }
    }
}

fn module_ids(items: &[Value], errors: &mut FieldErrors) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get("id") {
            Some(Value::String(id)) if is_id(id, "MOD", 1) => {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            Some(Value::String(id)) => {
                errors.add(format!("modules[{i}].id"), format!("'{id}' is not a valid module id (MOD-dddd)."))
            }
            _ => errors.add(format!("modules[{i}].id"), "The module id is required."),
        }
    }
    ids
}

/// `PREFIX` followed by `groups` groups of `-dddd`.
pub(crate) fn is_id(text: &str, prefix: &str, groups: usize) -> bool {
    let Some(rest) = text.strip_prefix(prefix) else { return false };
    let parts: Vec<&str> = rest.split('-').collect();
    parts.len() == groups + 1
        && parts[0].is_empty()
        && parts[1..].iter().all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Modules must exist and be in the default group of the token's account (docs/marketplace-api.md §5.6).
fn check_assignable(store: &Store, account: usize, modules: &[String]) -> Result<(), Problem> {
    let mut errors = FieldErrors::default();
    let account = &store.accounts[account];
    for (i, id) in modules.iter().enumerate() {
        match store.module(id) {
            None => errors.add(format!("modules[{i}].id"), format!("Module {id} does not exist.")),
            Some(module) if !module.in_default_group(account.kind) => errors.add(
                format!("modules[{i}].id"),
                format!(
                    "Module {id} ({}) is not assignable to {} account {}.",
                    module.name,
                    account.kind.as_str(),
                    account.id
                ),
            ),
            Some(_) => {}
        }
    }
    errors.into_result()
}

/// POST create: 201 with the new token, secret included.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    caller.require_token_management()?;
    let query = prepare_get(&raw.unwrap_or_default(), &TOKENS)?;
    let input = parse_input(&json_object_body(&headers, &body_bytes(body)?)?, true)?;
    let account_id = input.account_id.unwrap_or_default();
    let mut store = state.write();
    if !caller.can_see_account(&account_id) {
        return Err(Problem::forbidden(format!("This token may not manage API tokens of account {account_id}")));
    }
    let Some(account) = store.account_index(&account_id) else {
        let mut errors = FieldErrors::default();
        errors.add("account.id", format!("Account {account_id} does not exist."));
        return Err(Problem::validation(errors.0));
    };
    let modules = input.modules.unwrap_or_default();
    check_assignable(&store, account, &modules)?;
    let now = now_millis();
    let name = input.name.unwrap_or_default();
    let id = store.insert_token(
        account,
        &name,
        input.description.flatten().as_deref(),
        input.icon.flatten().as_deref(),
        &modules,
        "Active",
        &caller.actor,
        now,
    );
    store.record_token_event(TokenEvent::Created, &id, &caller.actor, now);
    let token = store.tokens.get(&id).map(|t| query.single(t)).unwrap_or_default();
    let mut response = json_response(StatusCode::CREATED, &token);
    if let Ok(location) = format!("/public/v1/accounts/api-tokens/{id}").parse() {
        response.headers_mut().insert(axum::http::header::LOCATION, location);
    }
    Ok(response)
}

/// PUT update: a partial write, only the fields sent change (docs/marketplace-api.md §5.3), unless `put_replaces`.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    caller.require_token_management()?;
    let query = prepare_get(&raw.unwrap_or_default(), &TOKENS)?;
    let mut store = state.write();
    let token = find_visible(&store, &caller, &id)?;
    if token["status"] == "Deleted" {
        return Err(Problem::bad_request(format!("API token {id} is deleted and cannot be changed")));
    }
    let mut input = parse_input(&json_object_body(&headers, &body_bytes(body)?)?, false)?;
    if state.put_replaces {
        // Replace semantics: what is not sent is cleared, and a name is required.
        if input.name.is_none() {
            let errors = [("name".to_owned(), vec!["The name field is required.".to_owned()])];
            return Err(Problem::validation(errors.into_iter().collect()));
        }
        input.description.get_or_insert(None);
        input.icon.get_or_insert(None);
        input.modules.get_or_insert_with(Vec::new);
    }
    let account = store.token_account.get(&id).copied().unwrap_or(caller.account);
    if let Some(modules) = &input.modules {
        check_assignable(&store, account, modules)?;
    }
    let module_summaries: Option<Vec<Value>> =
        input.modules.as_ref().map(|ids| ids.iter().filter_map(|m| store.module(m)).map(|m| m.summary()).collect());
    store.tokens.update(&id, |token| {
        if let Some(name) = &input.name {
            token["name"] = json!(name);
        }
        if let Some(description) = &input.description {
            set_optional(token, "description", description.as_deref());
        }
        if let Some(icon) = &input.icon {
            // Tokens without an icon carry `"icon": ""` (docs/marketplace-api.md §5.7).
            token["icon"] = json!(icon.as_deref().unwrap_or_default());
        }
        if let Some(modules) = module_summaries {
            token["modules"] = Value::Array(modules);
        }
    });
    finish_change(&mut store, &caller, &id, TokenEvent::Updated, &query)
}

/// Stamps the change, writes its audit record and answers 200 with the token.
fn finish_change(
    store: &mut Store,
    caller: &Caller,
    id: &str,
    event: TokenEvent,
    query: &crate::query::PreparedQuery,
) -> Result<Response, Problem> {
    let now = now_millis();
    store.touch_token(id, &caller.actor, now);
    store.record_token_event(event, id, &caller.actor, now);
    let token = store.tokens.get(id).ok_or_else(|| Problem::not_found(id))?;
    Ok(json_response(StatusCode::OK, &query.single(token)))
}

/// DELETE: soft delete, 204. The token stays, with status `Deleted`.
pub async fn delete(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Response, Problem> {
    caller.require_token_management()?;
    let mut store = state.write();
    let token = find_visible(&store, &caller, &id)?;
    if token["status"] == "Deleted" {
        // Guess: only operations still see a deleted token; deleting it again is refused.
        return Err(Problem::bad_request(format!("API token {id} is already deleted")));
    }
    set_status(&mut store, &id, "Deleted");
    let now = now_millis();
    store.touch_token(&id, &caller.actor, now);
    store.record_token_event(TokenEvent::Deleted, &id, &caller.actor, now);
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn set_status(store: &mut Store, id: &str, status: &str) {
    store.tokens.update(id, |token| token["status"] = json!(status));
}

/// POST enable: Disabled → Active. Enabling an Active or Deleted token is a 400.
pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    transition(state, caller, id, raw, TokenEvent::Enabled).await
}

/// POST disable: Active → Disabled. Disabling a Disabled or Deleted token is a 400.
pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    transition(state, caller, id, raw, TokenEvent::Disabled).await
}

// Guess: an invalid transition is a 400, the only non-404 error OpenAPI declares on these
// routes (docs/marketplace-api.md §5.5).
async fn transition(
    state: AppState,
    caller: Caller,
    id: String,
    raw: Option<String>,
    event: TokenEvent,
) -> Result<Response, Problem> {
    caller.require_token_management()?;
    let query = prepare_get(&raw.unwrap_or_default(), &TOKENS)?;
    let mut store = state.write();
    let token = find_visible(&store, &caller, &id)?;
    let (from, to, verb) = match event {
        TokenEvent::Enabled => ("Disabled", "Active", "enabled"),
        _ => ("Active", "Disabled", "disabled"),
    };
    let status = token["status"].as_str().unwrap_or_default();
    if status != from {
        let reason = if status == to { format!("it is already {status}") } else { format!("it is {status}") };
        return Err(Problem::bad_request(format!("API token {id} cannot be {verb}: {reason}")));
    }
    set_status(&mut store, &id, to);
    finish_change(&mut store, &caller, &id, event, &query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_patterns() {
        assert!(is_id("ACC-1234-5678", "ACC", 2));
        assert!(is_id("MOD-1756", "MOD", 1));
        assert!(!is_id("MOD-1756-1452", "MOD", 1));
        assert!(!is_id("ACC-123-5678", "ACC", 2));
        assert!(!is_id("ACC-1234-567a", "ACC", 2));
        assert!(!is_id("XACC-1234-5678", "ACC", 2));
    }
}
