//! The token page's Audit trail and Usage tabs.

use desk_core::queries::AuditQuery;
use desk_core::views::{AuditPage, AuditRecordView, EventTypeView};
use desk_core::{AuditExportScope, DeskError, ExportFormat, ExportProgress, ExportSummary, TokenUsage};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};

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

/// What a token's own audit records tell of its use (the Usage tab).
#[tauri::command]
#[specta::specta]
pub async fn token_usage(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
) -> Result<TokenUsage, DeskError> {
    desk.token_usage(&connection_id, &token_id).await
}

/// Exports audit records to a file the user picks in a native save dialog.
/// Rust opens the dialog and writes the file: the window itself has no file
/// system or dialog access. Progress arrives on `on_progress`; the answer is
/// `None` when the dialog was closed without a file.
#[tauri::command]
#[specta::specta]
pub async fn export_audit<R: Runtime>(
    app: AppHandle<R>,
    desk: DeskState<'_>,
    connection_id: String,
    scope: AuditExportScope,
    format: ExportFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<ExportSummary>, DeskError> {
    let proposed = scope.proposed_file_name(format);
    let Some(path) = crate::native::save_path(&app, &proposed, format.extension()).await else { return Ok(None) };
    desk.export_audit(&connection_id, &scope, format, &path, |progress| {
        let _ = on_progress.send(progress);
    })
    .await
    .map(Some)
}

/// Stops the running export between two pages; its file is not written.
#[tauri::command]
#[specta::specta]
pub fn cancel_export(desk: DeskState<'_>) {
    desk.cancel_export();
}

/// One page of the account's whole audit trail (the Audit screen).
#[tauri::command]
#[specta::specta]
pub async fn account_audit(
    desk: DeskState<'_>,
    connection_id: String,
    query: desk_core::AccountAuditQuery,
) -> Result<AuditPage, DeskError> {
    desk.account_audit(&connection_id, &query).await
}
