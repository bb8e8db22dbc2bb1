//! The lock and the presenting mode: the header's buttons, Ctrl+L, the lock
//! screen, and the activity that keeps the idle timer from running out.

use desk_core::{DeskError, LockReason, LockStatus};
use tauri::{Runtime, WebviewWindow};

use super::DeskState;

/// Whether Token Desk is locked, and whether it is presenting.
#[tauri::command]
#[specta::specta]
pub fn lock_status(desk: DeskState<'_>) -> LockStatus {
    desk.lock_status()
}

/// Locks Token Desk now (Ctrl+L, the header's Lock).
#[tauri::command]
#[specta::specta]
pub async fn lock(desk: DeskState<'_>) -> Result<LockStatus, DeskError> {
    Ok(desk.lock(LockReason::Asked).await)
}

/// Unlocks once the system confirms who is at the keyboard.
#[tauri::command]
#[specta::specta]
pub async fn unlock(desk: DeskState<'_>) -> Result<LockStatus, DeskError> {
    desk.unlock().await
}

/// The person is here (a key, a click): the idle timer starts again.
#[tauri::command]
#[specta::specta]
pub fn note_activity(desk: DeskState<'_>) {
    desk.note_activity();
}

/// Turns the presenting mode on or off.
#[tauri::command]
#[specta::specta]
pub fn set_presenting(desk: DeskState<'_>, on: bool) -> LockStatus {
    desk.set_presenting(on)
}

/// A value is on screen (`true`) or no longer is: on macOS and Windows the
/// window is then kept out of screen capture and sharing (elsewhere this
/// does nothing, and says so in the log once).
#[tauri::command]
#[specta::specta]
pub fn protect_from_capture<R: Runtime>(window: WebviewWindow<R>, value_shown: bool) {
    if let Err(error) = window.set_content_protected(value_shown) {
        tracing::info!("the window could not be kept out of screen capture: {error}");
    }
}
