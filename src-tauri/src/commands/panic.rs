//! "Disable all active tokens…" and its Restore, from the window: the same
//! plan, question, snapshot and restore as the tray, for desktops without one.

use desk_core::{BatchPrompt, DeskError, TrayNotice};

use super::DeskState;

/// The panic's question for the connection (its plan is kept until run), or
/// what to tell when there is nothing to disable.
#[tauri::command]
#[specta::specta]
pub async fn ask_panic(desk: DeskState<'_>, connection_id: String) -> Result<BatchPrompt, DeskError> {
    Ok(desk.ask_panic(&connection_id).await)
}

/// Disables exactly the tokens the question named; says how it went.
#[tauri::command]
#[specta::specta]
pub async fn run_asked_panic(desk: DeskState<'_>, connection_id: String) -> Result<TrayNotice, DeskError> {
    desk.run_asked_panic(&connection_id).await
}

/// Restore's question, naming every token it would enable, or what to tell.
#[tauri::command]
#[specta::specta]
pub async fn ask_restore(desk: DeskState<'_>, connection_id: String) -> Result<BatchPrompt, DeskError> {
    Ok(desk.ask_restore(&connection_id).await)
}

/// Enables again what the connection's panics disabled; says how it went.
#[tauri::command]
#[specta::specta]
pub async fn run_restore(desk: DeskState<'_>, connection_id: String) -> Result<TrayNotice, DeskError> {
    Ok(desk.run_restore(&connection_id).await)
}

/// "Restore N tokens disabled at HH:MM", when a panic left something to undo.
#[tauri::command]
#[specta::specta]
pub async fn restore_label(desk: DeskState<'_>, connection_id: String) -> Result<Option<String>, DeskError> {
    Ok(desk.restore_offer(&connection_id).await?.map(|offer| offer.label))
}
