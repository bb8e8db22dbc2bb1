//! The Settings screen and the clipboard it governs.

use desk_core::{DeskError, Settings};

use super::DeskState;

/// The user's settings.
#[tauri::command]
#[specta::specta]
pub fn get_settings(desk: DeskState<'_>) -> Settings {
    desk.settings()
}

/// Saves new settings and returns them as saved.
#[tauri::command]
#[specta::specta]
pub async fn update_settings(desk: DeskState<'_>, settings: Settings) -> Result<Settings, DeskError> {
    desk.update_settings(settings)
}

/// Clears the clipboard now if it still holds a value Token Desk copied; true when it did.
#[tauri::command]
#[specta::specta]
pub async fn clear_clipboard(desk: DeskState<'_>) -> Result<bool, DeskError> {
    desk.clear_clipboard().await
}
