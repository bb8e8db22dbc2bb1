//! The main window: the one place that knows its label and how to bring it back.

use std::sync::Arc;

use desk_core::Desk;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

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

/// Logs which windowing system the window opened on: on a Wayland desktop
/// the window is a Wayland client, while the clipboard and the tray go
/// through X11 (Xwayland) and D-Bus, so a report needs to say which it was.
#[cfg(target_os = "linux")]
pub fn log_windowing_system<R: Runtime>(app: &AppHandle<R>) {
    use gtk::prelude::{ObjectExt, WidgetExt};
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else { return };
    match window.gtk_window() {
        Ok(gtk_window) => {
            let kind = gtk_window.display().type_().name();
            let system = if kind.contains("Wayland") {
                "Wayland"
            } else if kind.contains("X11") {
                "X11"
            } else {
                kind
            };
            tracing::info!("the window opened on {system} ({kind})");
        }
        Err(error) => tracing::warn!("the window's windowing system is unknown: {error}"),
    }
}

/// Names the active connection in the window's title ("Acme production —
/// Token Desk"), so the task switcher and a shared screen say which
/// Marketplace the window acts on.
pub fn title_after_connection<R: Runtime>(app: &AppHandle<R>, desk: &Desk) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else { return };
    let list = desk.connections();
    let active = list.active_id.and_then(|id| list.connections.into_iter().find(|connection| connection.id == id));
    let title = match active {
        Some(connection) => format!("{} — Token Desk", connection.label),
        None => "Token Desk".to_owned(),
    };
    if let Err(error) = window.set_title(&title) {
        tracing::warn!("the window's title could not be set: {error}");
    }
}

/// Whether a tray icon was created at start-up (appindicator was there).
pub struct TrayInstalled(pub bool);

/// Closing the main window keeps Token Desk in the tray when the setting says
/// so and a tray host shows the icon; otherwise it quits, clearing the
/// clipboard on the way.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else { return };
    if window.label() != MAIN_WINDOW {
        return;
    }
    api.prevent_close();
    let window = window.clone();
    tauri::async_runtime::spawn(async move {
        let app = window.app_handle().clone();
        let wants_tray = app.try_state::<Arc<Desk>>().is_some_and(|desk| desk.settings().close_to_tray);
        let has_tray = app.try_state::<TrayInstalled>().is_some_and(|installed| installed.0);
        if wants_tray && has_tray && crate::tray::host_is_showing().await {
            if let Err(error) = window.hide() {
                tracing::warn!("could not hide the main window: {error}");
            }
        } else {
            crate::shutdown::quit(app).await;
        }
    });
}
