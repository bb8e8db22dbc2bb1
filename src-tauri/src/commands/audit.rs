//! The token page's Audit trail tab.

use desk_core::DeskError;
use desk_core::queries::AuditQuery;
use desk_core::views::{AuditPage, AuditRecordView, EventTypeView};

use super::DeskState;

/// One page of a token's audit trail (what was done to it, or what it did).
#[tauri::command]
#[specta::specta]
pub async fn token_audit(
    desk: DeskState<'_>,
    connection_id: String,
    query: AuditQuery,
) -> Result<AuditPage, DeskError> {
    desk.token_audit(&connection_id, &query).await
}

/// One audit record in full.
#[tauri::command]
#[specta::specta]
pub async fn audit_record(
    desk: DeskState<'_>,
    connection_id: String,
    record_id: String,
) -> Result<AuditRecordView, DeskError> {
    desk.audit_record(&connection_id, &record_id).await
}

/// Every audit event type, for the event filter.
#[tauri::command]
#[specta::specta]
pub async fn event_types(desk: DeskState<'_>, connection_id: String) -> Result<Vec<EventTypeView>, DeskError> {
    desk.event_types(&connection_id).await
}
