//! `/public/v1/accounts/modules` (operations only) and `/public/v1/accounts/user-groups`
//! (each account's groups; the default group tells a vendor or client which modules it may
//! assign, docs/marketplace-api.md §7.2).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::{PathId, json_response, spec_lacks};
use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::query::{prepare_get, prepare_list};
use crate::resources::{GROUPS, MODULES};

/// GET modules list.
pub async fn list_modules(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    caller.require_operations("The module catalog")?;
    let query = prepare_list(&raw.unwrap_or_default(), &MODULES)?;
    let store = state.read();
    Ok(json_response(StatusCode::OK, &query.list(store.module_json.entries())))
}

/// GET one module.
pub async fn get_module(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    caller.require_operations("The module catalog")?;
    let query = prepare_get(&raw.unwrap_or_default(), &MODULES)?;
    let store = state.read();
    let module = store.module_json.get(&id).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(module)))
}

// Guess: reading user groups needs no particular module (docs/marketplace-api.md §7.2).
fn group_visible(caller: &Caller, group: &Value) -> bool {
    caller.can_see_account(group["account"]["id"].as_str().unwrap_or_default())
}

/// GET user groups of the caller's account (all accounts for operations).
pub async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_list(&raw.unwrap_or_default(), &GROUPS)?;
    let store = state.read();
    let account = GROUPS.field_index("account.id").ok_or_else(|| spec_lacks("account.id"))?;
    let groups =
        store.groups.entries().filter(|(_, row)| caller.can_see_account(row.text(account).unwrap_or_default()));
    Ok(json_response(StatusCode::OK, &query.list(groups)))
}

/// GET one user group.
pub async fn get_group(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_get(&raw.unwrap_or_default(), &GROUPS)?;
    let store = state.read();
    let group = store.groups.get(&id).filter(|g| group_visible(&caller, g)).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(group)))
}
