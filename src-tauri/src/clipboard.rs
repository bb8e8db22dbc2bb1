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
        // An empty clipboard, or one holding an image, reads as an error: for
        // the desk both mean "not our text".
        Ok(self.0.clipboard().read_text().ok())
    }

    fn clear(&self) -> Result<(), String> {
        self.0.clipboard().clear().map_err(|error| error.to_string())
    }
}
