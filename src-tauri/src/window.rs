//! The main window: the one place that knows its label and how to bring it back.

use tauri::{AppHandle, Manager, Runtime};

/// The label of the main window in `tauri.conf.json` and in capabilities.
pub const MAIN_WINDOW: &str = "main";

/// Shows, unminimises and focuses the main window (tray "Show", a second launch).
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        tracing::warn!("the main window is gone; nothing to show");
        return;
    };
    for (what, result) in [("show", window.show()), ("unminimize", window.unminimize()), ("focus", window.set_focus())]
    {
        if let Err(error) = result {
            tracing::warn!("could not {what} the main window: {error}");
        }
    }
}
