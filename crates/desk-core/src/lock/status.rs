//! What the window, the tray and the lock event carry of the lock.

use serde::{Deserialize, Serialize};

/// Why Token Desk locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum LockReason {
    /// Ctrl+L, the header's button or the tray's entry.
    Asked,
    /// Nobody used it for the idle time the settings allow.
    Idle,
    /// The desktop session locked.
    SessionLocked,
    /// The machine went to sleep.
    Suspended,
    /// It was locked at quit, or the settings lock it at start.
    Started,
}

/// What the window and the tray show of the lock and the presenting mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LockStatus {
    /// Whether Token Desk is locked.
    pub locked: bool,
    /// Why it locked, while it is.
    pub reason: Option<LockReason>,
    /// Whether the presenting mode is on.
    pub presenting: bool,
}
