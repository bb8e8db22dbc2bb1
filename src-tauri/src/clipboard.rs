//! The clipboard as `desk-core` writes token values to it: through the
//! clipboard plugin, marked secret so clipboard managers keep it out of history.

use desk_core::SecretClipboard;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// The system clipboard, reached through the clipboard-manager plugin.
pub struct PluginClipboard<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SecretClipboard for PluginClipboard<R> {
    fn write_secret(&self, value: &str) -> Result<(), String> {
        self.0.clipboard().write_secret(value).map_err(|error| error.to_string())
    }
}
