//! `/public/v1/accounts/modules` (operations only) and `/public/v1/accounts/user-groups`
//! (each account's groups; the default group tells a vendor or client which modules it may
//! assign, reference §3).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use super::{json_response, raw_query};
use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::query::{ResourceSpec, prepare_get, prepare_list};

const MODULE_SPEC: ResourceSpec = ResourceSpec {
    fields: &[
        "id", "name", "code", "description", "accountTypes", "paid", "isConfigurable",
        "isEnabledByDefault", "settings.default", "settings.configurable", "settings.paid",
        "settings.type",
    ],
    selectable: &["id", "name", "code", "description", "accountTypes", "paid", "isConfigurable", "isEnabledByDefault", "settings", "filters"],
    list_omitted: &[],
    get_omitted: &[],
};

const GROUP_SPEC: ResourceSpec = ResourceSpec {
    fields: &[
        "id", "name", "description", "isDefault", "logo", "account.id", "account.name",
        "account.type", "modules.id", "modules.name", "modules.code",
    ],
    selectable: &["id", "name", "description", "isDefault", "logo", "account", "modules"],
    list_omitted: &[],
    get_omitted: &[],
};

/// GET modules list.
pub async fn list_modules(State(state): State<AppState>, caller: Caller, uri: Uri) -> Result<Response, Problem> {
    caller.require_operations("The module catalog")?;
    let query = prepare_list(raw_query(&uri), &MODULE_SPEC)?;
    let store = state.read();
    Ok(json_response(StatusCode::OK, &query.list(store.module_json.items.iter())))
}

/// GET one module.
pub async fn get_module(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    caller.require_operations("The module catalog")?;
    let query = prepare_get(raw_query(&uri), &MODULE_SPEC)?;
    let store = state.read();
    let module = store.module_json.get(&id).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(module)))
}

// Guess: reading user groups needs no particular module (reference §3, §11.4).
fn group_visible(caller: &Caller, group: &Value) -> bool {
    caller.can_see_account(group["account"]["id"].as_str().unwrap_or_default())
}

/// GET user groups of the caller's account (all accounts for operations).
pub async fn list_groups(State(state): State<AppState>, caller: Caller, uri: Uri) -> Result<Response, Problem> {
    let query = prepare_list(raw_query(&uri), &GROUP_SPEC)?;
    let store = state.read();
    Ok(json_response(StatusCode::OK, &query.list(store.groups.items.iter().filter(|g| group_visible(&caller, g)))))
}

/// GET one user group.
pub async fn get_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let query = prepare_get(raw_query(&uri), &GROUP_SPEC)?;
    let store = state.read();
    let group = store.groups.get(&id).filter(|g| group_visible(&caller, g)).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(group)))
}
