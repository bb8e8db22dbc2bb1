//! The typed events the UI listens to, and the task that forwards the desk's
//! events to every window.

use std::sync::Arc;

use desk_core::{Desk, DeskEvent};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// A token changed, whoever changed it (a window, the tray).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct TokenChangedEvent(pub desk_core::TokenChanged);

/// The connections list changed: reload it.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ConnectionsChangedEvent;

/// What Token Desk has on the clipboard changed: a copied secret went on, or came off.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ClipboardChangedEvent(pub desk_core::ClipboardStatus);

/// What Token Desk keeps on this device about a connection's tokens changed
/// (review dates, rotations): reload them.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct NotesChangedEvent {
    /// The connection.
    pub connection_id: String,
}

/// Token Desk locked or unlocked, or the presenting mode changed.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct LockChangedEvent(pub desk_core::LockStatus);

/// A reminder was clicked: show this token.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct OpenTokenEvent {
    /// The connection the token belongs to.
    pub connection_id: String,
    /// The token.
    pub token_id: String,
}

/// Forwards every desk event to the windows, for the app's lifetime.
pub fn forward<R: Runtime>(app: &AppHandle<R>, desk: Arc<Desk>) {
    let app = app.clone();
    let mut events = desk.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let sent = match events.recv().await {
                Ok(DeskEvent::TokenChanged(changed)) => TokenChangedEvent(changed).emit(&app),
                Ok(DeskEvent::ConnectionsChanged) => {
                    crate::window::title_after_connection(&app, &desk);
                    ConnectionsChangedEvent.emit(&app)
                }
                Ok(DeskEvent::ClipboardChanged(status)) => ClipboardChangedEvent(status).emit(&app),
                Ok(DeskEvent::NotesChanged { connection_id }) => NotesChangedEvent { connection_id }.emit(&app),
                Ok(DeskEvent::LockChanged(status)) => LockChangedEvent(status).emit(&app),
                // The window asked for that list itself; only the tray follows it.
                Ok(DeskEvent::TokensRefreshed { .. } | DeskEvent::PanicSnapshotChanged { .. }) => continue,
                Err(RecvError::Lagged(missed)) => {
                    // Windows reload what they show on the next event anyway.
                    tracing::warn!("{missed} desk events were dropped before reaching the windows");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            if let Err(error) = sent {
                tracing::warn!("a desk event could not reach the windows: {error}");
            }
        }
    });
}
