//! The user's settings, kept as JSON in the app's config dir like every file
//! of Token Desk's (`LocalStore`: 0600, written atomically). A damaged file is
//! set aside with a notice and the defaults apply: a setting is never worth
//! refusing to start over.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::DeskError;

/// Shortest automatic clearing delay, in seconds.
pub const CLEAR_AFTER_MIN_SECS: u32 = 5;
/// Longest automatic clearing delay, in seconds.
pub const CLEAR_AFTER_MAX_SECS: u32 = 300;
/// The default delay before a copied value is cleared.
pub const CLEAR_AFTER_DEFAULT_SECS: u32 = 20;
/// Shortest idle time before the lock, in minutes.
pub const LOCK_AFTER_MIN_MINUTES: u32 = 1;
/// Longest idle time before the lock, in minutes.
pub const LOCK_AFTER_MAX_MINUTES: u32 = 60;
/// The default idle time before the lock, in minutes.
pub const LOCK_AFTER_DEFAULT_MINUTES: u32 = 5;

/// The file the settings live in.
pub(crate) const FILE_NAME: &str = "settings.json";

/// What the Settings screen changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Seconds after which a copied secret is cleared from the clipboard (5 to
    /// 300); `None` turns automatic clearing off.
    pub clipboard_clear_after_secs: Option<u32>,
    /// Let clipboard history and managers keep copied values (off: they are
    /// written with the platform's "secret" hint).
    pub clipboard_history: bool,
    /// Closing the window keeps Token Desk running in the tray (when the
    /// desktop shows one); off: closing the window quits.
    pub close_to_tray: bool,
    /// Minutes without activity after which Token Desk locks (1 to 60);
    /// `None`: only when asked, or when the session locks.
    pub lock_after_idle_minutes: Option<u32>,
    /// Start locked, whatever the state at quit.
    pub lock_at_start: bool,
    /// Where the system cannot check who is at the keyboard (no polkit agent),
    /// allow a plain "Unlock" click. Off by default: it then protects only
    /// against a glance, not against someone at the keyboard.
    pub plain_unlock: bool,
    /// Keep each connection's last token list on this device (ids, names,
    /// statuses, dates; never a value or a description), so that the next
    /// start shows it at once while the fresh one loads. Off removes them.
    pub remember_token_list: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_after_secs: Some(CLEAR_AFTER_DEFAULT_SECS),
            clipboard_history: false,
            close_to_tray: true,
            lock_after_idle_minutes: Some(LOCK_AFTER_DEFAULT_MINUTES),
            lock_at_start: false,
            plain_unlock: false,
            remember_token_list: true,
        }
    }
}

impl Settings {
    /// The clearing delay, when there is one.
    pub fn clear_after(&self) -> Option<Duration> {
        self.clipboard_clear_after_secs.map(|secs| Duration::from_secs(u64::from(secs)))
    }

    /// Refuses what the screen must not save.
    pub fn checked(self) -> Result<Self, DeskError> {
        if let Some(secs) = self.clipboard_clear_after_secs
            && !(CLEAR_AFTER_MIN_SECS..=CLEAR_AFTER_MAX_SECS).contains(&secs)
        {
            return Err(DeskError::invalid_field(
                "clipboardClearAfterSecs",
                format!(
                    "Choose {CLEAR_AFTER_MIN_SECS} seconds to {} minutes, or turn clearing off.",
                    CLEAR_AFTER_MAX_SECS / 60
                ),
            ));
        }
        if let Some(minutes) = self.lock_after_idle_minutes
            && !(LOCK_AFTER_MIN_MINUTES..=LOCK_AFTER_MAX_MINUTES).contains(&minutes)
        {
            return Err(DeskError::invalid_field(
                "lockAfterIdleMinutes",
                format!(
                    "Choose {LOCK_AFTER_MIN_MINUTES} to {LOCK_AFTER_MAX_MINUTES} minutes, or lock only when asked."
                ),
            ));
        }
        Ok(self)
    }
}

/// The settings as the desk keeps them: read at start, written through.
pub(crate) type Preferences = crate::storage::local_store::LocalStore<Settings>;
