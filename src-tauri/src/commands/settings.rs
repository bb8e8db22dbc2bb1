//! The Settings screen and the clipboard it governs.

use std::sync::Arc;

use desk_core::{Desk, DeskError, Settings};
use tauri::{AppHandle, Manager, Runtime};

use super::DeskState;

/// The user's settings (async, off the main thread, like every command).
#[tauri::command]
#[specta::specta]
pub async fn get_settings<R: Runtime>(app: AppHandle<R>) -> Settings {
    app.try_state::<Arc<Desk>>().map(|desk| desk.settings()).unwrap_or_default()
}

/// Saves new settings and returns them as saved.
#[tauri::command]
#[specta::specta]
pub async fn update_settings(desk: DeskState<'_>, settings: Settings) -> Result<Settings, DeskError> {
    desk.update_settings(settings).await
}

/// Clears the clipboard now if it still holds a value Token Desk copied; true when it did.
#[tauri::command]
#[specta::specta]
pub async fn clear_clipboard(desk: DeskState<'_>) -> Result<bool, DeskError> {
    desk.clear_clipboard().await
}

/// Why copying cannot work on this desktop, if it cannot (asked once, then known from every copy).
#[tauri::command]
#[specta::specta]
pub async fn clipboard_problem(desk: DeskState<'_>) -> Result<Option<String>, DeskError> {
    Ok(desk.clipboard_problem().await)
}
