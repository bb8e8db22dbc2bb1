//! `/public/v1/audit/records` (with `render()`) and `/public/v1/audit/event-types`
//! (docs/marketplace-api.md §8).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::{PathId, json_response, spec_lacks};
use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::query::{prepare_get, prepare_list};
use crate::resources::{EVENT_TYPES, RECORDS};

/// Private records are for operations; public ones also for the accounts among their
/// viewers (CANON AuditRecord BR-001, BR-009).
fn record_visible(caller: &Caller, record: &Value) -> bool {
    if caller.sees_all_accounts() {
        return true;
    }
    record["type"] == "Public"
        && record["viewers"]
            .as_array()
            .is_some_and(|viewers| viewers.iter().any(|v| v["id"] == caller.account_id.as_str()))
}

/// GET records list.
pub async fn list_records(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_list(&raw.unwrap_or_default(), &RECORDS)?;
    let store = state.read();
    let body = if caller.sees_all_accounts() {
        query.list(store.records.entries())
    } else {
        // The same rule as `record_visible`, read from the pre-extracted rows.
        let kind = RECORDS.field_index("type").ok_or_else(|| spec_lacks("type"))?;
        let viewers = RECORDS.field_index("viewers.id").ok_or_else(|| spec_lacks("viewers.id"))?;
        query.list(store.records.entries().filter(|(_, row)| {
            row.text(kind) == Some("Public")
                && row.field(viewers).any(|v| v.as_str() == Some(caller.account_id.as_str()))
        }))
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// GET one record; 404 when it is not visible to the caller.
pub async fn get_record(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_get(&raw.unwrap_or_default(), &RECORDS)?;
    let store = state.read();
    let record =
        store.records.get(&id).filter(|r| record_visible(&caller, r)).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(record)))
}

/// GET event types list (every caller).
pub async fn list_event_types(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_list(&raw.unwrap_or_default(), &EVENT_TYPES)?;
    let store = state.read();
    Ok(json_response(StatusCode::OK, &query.list(store.event_types.entries())))
}

/// GET one event type.
pub async fn get_event_type(
    State(state): State<AppState>,
    _caller: Caller,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let query = prepare_get(&raw.unwrap_or_default(), &EVENT_TYPES)?;
    let store = state.read();
    let event_type = store.event_types.get(&id).ok_or_else(|| Problem::not_found(&id))?;
    Ok(json_response(StatusCode::OK, &query.single(event_type)))
}
