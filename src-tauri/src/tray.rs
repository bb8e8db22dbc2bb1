//! The system tray icon and its menu, redrawn from `desk-core`'s tray model
//! whenever connections or tokens change; clicks go to [`crate::tray_actions`].
//!
//! Without an appindicator library on Linux the app runs without a tray and
//! says why (see `desk_core::tray_support`): the window is still fully usable.

use std::sync::Arc;

use desk_core::token_labels;
use desk_core::{Desk, TrayAction, TrayMenuModel, TrayToken};
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Runtime};

/// The tray icon's id.
const TRAY_ID: &str = "main";

/// The tray icon, drawn for small sizes (see `icons/README.md`).
const TRAY_ICON_PNG: &[u8] = include_bytes!("../../icons/tray.png");

/// Creates the tray icon when the platform can show one, and keeps its menu
/// current; logs why not otherwise. True when there is a tray.
pub fn install<R: Runtime>(app: &AppHandle<R>, desk: &Arc<Desk>) -> tauri::Result<bool> {
    if let Err(reason) = desk_core::tray_support() {
        tracing::warn!("starting without a tray icon: {reason}");
        return Ok(false);
    }
    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(tauri::image::Image::from_bytes(TRAY_ICON_PNG)?)
        .tooltip("Token Desk")
        .menu(&render(app, &desk.tray_menu())?)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_menu_id(event.id().as_ref()) {
                crate::tray_actions::run(app, action);
            }
        })
        .build(app)?;
    let app = app.clone();
    tauri::async_runtime::spawn(desk.watch_tray(move |model| redraw(&app, &tray, &model)));
    Ok(true)
}

fn redraw<R: Runtime>(app: &AppHandle<R>, tray: &TrayIcon<R>, model: &TrayMenuModel) {
    let result = render(app, model).and_then(|menu| tray.set_menu(Some(menu)));
    if let Err(error) = result {
        tracing::warn!("the tray menu could not be redrawn: {error}");
    }
}

/// The menu for `model`: Show; the connection; Disable token ›; Copy value ›;
/// the panic and its restore; Quit.
fn render<R: Runtime>(app: &AppHandle<R>, model: &TrayMenuModel) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    menu.append(&item(app, TrayAction::Show, "Show Token Desk", true)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;

    let title = match &model.connection {
        Some(connection) => format!("Connection: {}", connection.label),
        None => "No connection".to_owned(),
    };
    let connections = Submenu::with_id(app, "connections", text(&title), !model.connections.is_empty())?;
    for connection in &model.connections {
        let id = TrayAction::Switch(connection.id.clone()).menu_id();
        connections.append(&CheckMenuItem::with_id(
            app,
            id,
            text(&connection.label),
            true,
            connection.active,
            None::<&str>,
        )?)?;
    }
    menu.append(&connections)?;
    if let Some(warning) = &model.warning {
        menu.append(&MenuItem::with_id(app, "warning", text(warning), false, None::<&str>)?)?;
    }

    let connection_id = model.connection.as_ref().map(|connection| connection.id.clone()).unwrap_or_default();
    let disable =
        |token: &TrayToken| TrayAction::Disable { connection_id: connection_id.clone(), token_id: token.id.clone() };
    let copy =
        |token: &TrayToken| TrayAction::Copy { connection_id: connection_id.clone(), token_id: token.id.clone() };
    menu.append(&token_submenu(app, "disable-menu", "Disable token", model, model.disable_entries(), disable)?)?;
    menu.append(&token_submenu(app, "copy-menu", "Copy value", model, model.copy_entries(), copy)?)?;

    menu.append(&item(
        app,
        TrayAction::Panic(connection_id.clone()),
        "Disable all active tokens…",
        model.can_panic(),
    )?)?;
    if let Some(offer) = &model.restore {
        menu.append(&item(app, TrayAction::Restore(connection_id.clone()), &offer.label, true)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    let (lock_label, can_lock) =
        if model.lock.locked { ("Locked: unlock in the window", false) } else { ("Lock Token Desk", true) };
    menu.append(&item(app, TrayAction::Lock, lock_label, can_lock)?)?;
    menu.append(&CheckMenuItem::with_id(
        app,
        TrayAction::Presenting(!model.lock.presenting).menu_id(),
        "Presenting (hide values)",
        true,
        model.lock.presenting,
        None::<&str>,
    )?)?;
    menu.append(&item(app, TrayAction::Quit, "Quit", true)?)?;
    Ok(menu)
}

/// A submenu listing `tokens`, then "More in window…" when some are not
/// listed; a greyed-out line saying why when it is empty.
fn token_submenu<'a, R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
    title: &str,
    model: &TrayMenuModel,
    tokens: impl IntoIterator<Item = &'a TrayToken>,
    action: impl Fn(&TrayToken) -> TrayAction,
) -> tauri::Result<Submenu<R>> {
    let submenu = Submenu::with_id(app, id, title, true)?;
    let mut entries: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
    for (token, label) in token_labels(tokens) {
        entries.push(Box::new(item(app, action(token), &label, true)?));
    }
    if entries.is_empty() {
        let why = model.status_line().unwrap_or_else(|| "No tokens to list".to_owned());
        entries.push(Box::new(MenuItem::with_id(app, format!("{id}-status"), text(&why), false, None::<&str>)?));
    }
    if model.has_more() {
        entries.push(Box::new(PredefinedMenuItem::separator(app)?));
        entries.push(Box::new(item(app, TrayAction::MoreInWindow, "More in window…", true)?));
    }
    for entry in &entries {
        submenu.append(entry.as_ref())?;
    }
    Ok(submenu)
}

fn item<R: Runtime>(app: &AppHandle<R>, action: TrayAction, label: &str, enabled: bool) -> tauri::Result<MenuItem<R>> {
    MenuItem::with_id(app, action.menu_id(), text(label), enabled, None::<&str>)
}

/// A label shown as written: menus read `&` as an access-key marker.
fn text(label: &str) -> String {
    label.replace('&', "&&")
}

/// Whether a tray host (a panel's StatusNotifierWatcher) is there to show the
/// icon now: without one, hiding the window would leave no way back.
#[cfg(target_os = "linux")]
pub async fn host_is_showing() -> bool {
    const WATCHER: &str = "org.kde.StatusNotifierWatcher";
    let answer = async {
        let bus = zbus::Connection::session().await?;
        let name = zbus::names::BusName::try_from(WATCHER).map_err(zbus::Error::from)?;
        zbus::fdo::DBusProxy::new(&bus).await?.name_has_owner(name).await.map_err(zbus::Error::from)
    };
    match answer.await {
        Ok(present) => present,
        Err(error) => {
            tracing::warn!("cannot ask the session bus for a tray host: {error}");
            false
        }
    }
}

/// macOS and Windows always show tray icons.
#[cfg(not(target_os = "linux"))]
pub async fn host_is_showing() -> bool {
    true
}
