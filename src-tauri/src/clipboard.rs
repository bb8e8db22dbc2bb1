//! The system clipboard as `desk-core` uses it, through the clipboard plugin.
//! Secrets are written with the plugin's `write_secret`, which sets the hints
//! clipboard managers and OS histories honour to keep them out.

use desk_core::SystemClipboard;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// The system clipboard, reached through the clipboard-manager plugin.
pub struct PluginClipboard<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SystemClipboard for PluginClipboard<R> {
    fn write(&self, text: &str, keep_out_of_history: bool) -> Result<(), String> {
        let clipboard = self.0.clipboard();
        let written = if keep_out_of_history { clipboard.write_secret(text) } else { clipboard.write_text(text) };
        written.map_err(|error| error.to_string())
    }

    fn read(&self) -> Result<Option<String>, String> {
        match self.0.clipboard().read_text() {
            Ok(text) => Ok(Some(text)),
            // Empty, or holding no text (an image): certainly not our value.
            Err(error) if error.to_string() == arboard::Error::ContentNotAvailable.to_string() => Ok(None),
            // Anything else (the clipboard busy or unreachable) is not a "no":
            // the desk keeps the value's digest and tries again later.
            Err(error) => Err(error.to_string()),
        }
    }

    fn clear(&self) -> Result<(), String> {
        self.0.clipboard().clear().map_err(|error| error.to_string())
    }
}
