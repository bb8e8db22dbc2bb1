//! What the desk tells every listener (the UI's windows, the tray) when
//! something changed, whoever changed it.

use serde::Serialize;

/// How a token changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TokenChange {
    /// It was created.
    Created,
    /// Its name, description or modules changed.
    Updated,
    /// It was enabled.
    Enabled,
    /// It was disabled.
    Disabled,
    /// It was deleted.
    Deleted,
}

/// A token changed on a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenChanged {
    /// The connection it was changed through.
    pub connection_id: String,
    /// The token (`TKN-…`).
    pub token_id: String,
    /// What happened to it.
    pub change: TokenChange,
}

/// Everything listeners are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskEvent {
    /// A token changed.
    TokenChanged(TokenChanged),
    /// A connection was added, removed, renamed, recoloured or made active.
    ConnectionsChanged,
    /// The full token list of a connection was fetched again: others' changes may show.
    TokensRefreshed {
        /// The connection.
        connection_id: String,
    },
    /// What "Restore" offers for a connection changed (a panic or a restore ran).
    PanicSnapshotChanged {
        /// The connection.
        connection_id: String,
    },
    /// What Token Desk keeps on this device about a connection's tokens
    /// changed: review dates, rotations.
    NotesChanged {
        /// The connection.
        connection_id: String,
    },
    /// A copied secret went onto the clipboard or came off it.
    ClipboardChanged(crate::clipboard::status::ClipboardStatus),
    /// Token Desk locked or unlocked, or the presenting mode changed.
    LockChanged(crate::lock::status::LockStatus),
}
