//! The user's settings, kept as JSON in the app's config dir (0600, written
//! atomically). Unknown or damaged files fall back to the defaults, with a
//! warning in the log: a setting is never worth refusing to start over.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::DeskError;

/// Shortest automatic clearing delay, in seconds.
pub const CLEAR_AFTER_MIN_SECS: u32 = 5;
/// Longest automatic clearing delay, in seconds.
pub const CLEAR_AFTER_MAX_SECS: u32 = 300;
/// The default delay before a copied value is cleared.
pub const CLEAR_AFTER_DEFAULT_SECS: u32 = 20;

const FILE_NAME: &str = "settings.json";

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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_after_secs: Some(CLEAR_AFTER_DEFAULT_SECS),
            clipboard_history: false,
            close_to_tray: true,
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
        Ok(self)
    }
}

/// Where the settings live.
#[derive(Clone)]
pub(crate) struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub(crate) fn new(config_dir: &Path) -> Self {
        Self { path: config_dir.join(FILE_NAME) }
    }

    /// The saved settings, or the defaults.
    pub(crate) fn load(&self) -> Settings {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice::<Settings>(&bytes)
                .ok()
                .and_then(|settings| settings.checked().ok())
                .unwrap_or_else(|| {
                    tracing::warn!("{} is damaged; using the default settings", self.path.display());
                    Settings::default()
                }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(error) => {
                tracing::warn!("cannot read {}: {error}; using the default settings", self.path.display());
                Settings::default()
            }
        }
    }

    /// Saves `settings`, readable by the user only.
    pub(crate) fn save(&self, settings: &Settings) -> Result<(), DeskError> {
        crate::storage::files::write_private_json(&self.path, settings, "settings")
    }
}

/// The settings as the desk keeps them: the file and what it holds now.
pub(crate) struct Preferences {
    pub(crate) store: SettingsStore,
    pub(crate) current: std::sync::Mutex<Settings>,
}
