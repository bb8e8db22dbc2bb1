//! The token page's Audit trail and Usage tabs.

use desk_core::queries::AuditQuery;
use desk_core::views::{AuditPage, AuditRecordView, EventTypeView};
use desk_core::{AuditExportScope, CancelFlag, DeskError, ExportFormat, ExportProgress, ExportSummary, TokenUsage};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

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

/// The export running now, if any, so that `cancel_export` can stop it.
#[derive(Default)]
pub struct RunningExport(std::sync::Mutex<Option<CancelFlag>>);

/// Exports audit records to a file the user picks in a native save dialog.
/// Rust opens the dialog and writes the file: the window itself has no file
/// system or dialog access. Progress arrives on `on_progress`; the answer is
/// `None` when the dialog was closed without a file.
#[tauri::command]
#[specta::specta]
pub async fn export_audit<R: Runtime>(
    app: AppHandle<R>,
    desk: DeskState<'_>,
    running: State<'_, RunningExport>,
    connection_id: String,
    scope: AuditExportScope,
    format: ExportFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<ExportSummary>, DeskError> {
    let Some(path) = crate::native::save_path(&app, &export_file_name(&scope, format), format.extension()).await else {
        return Ok(None);
    };
    let cancel = CancelFlag::default();
    *running.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(cancel.clone());
    let exported = desk
        .export_audit(&connection_id, &scope, format, &path, &cancel, |progress| {
            let _ = on_progress.send(progress);
        })
        .await;
    running.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    exported.map(Some)
}

/// Stops the running export between two pages; its file is not written.
#[tauri::command]
#[specta::specta]
pub async fn cancel_export(running: State<'_, RunningExport>) -> Result<(), DeskError> {
    if let Some(cancel) = running.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).as_ref() {
        cancel.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(())
}

/// `audit-TKN-1234-5678.csv`, or `audit-2026-06-01-to-2026-06-30.json`. Only
/// letters, digits and dashes of what the window sent reach the proposed name.
fn export_file_name(scope: &AuditExportScope, format: ExportFormat) -> String {
    let plain = |text: &str, most: usize| -> String {
        text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(most).collect()
    };
    let what = match scope {
        AuditExportScope::Token { token_id, .. } => plain(token_id, 20),
        AuditExportScope::Range { from, to } => format!("{}-to-{}", plain(from, 10), plain(to, 10)),
    };
    format!("audit-{what}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;
    use desk_core::queries::AuditRole;

    #[test]
    fn the_proposed_file_name_holds_no_path() {
        let token = AuditExportScope::Token { token_id: "TKN-1234-5678".into(), role: AuditRole::Object };
        assert_eq!(export_file_name(&token, ExportFormat::Csv), "audit-TKN-1234-5678.csv");
        let range = AuditExportScope::Range { from: "2026-06-01T00:00:00Z".into(), to: "../../etc/passwd".into() };
        assert_eq!(export_file_name(&range, ExportFormat::Json), "audit-2026-06-01-to-etcpasswd.json");
    }
}
