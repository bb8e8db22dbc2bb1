//! The system tray icon and its menu.
//!
//! Without an appindicator library on Linux the app runs without a tray and
//! says why (see `desk_core::tray_support`): the window is still fully usable.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

use crate::window;

/// Menu item ids; the labels are what a user (and the tray E2E test) sees.
const SHOW_ID: &str = "show";
const QUIT_ID: &str = "quit";

/// The tray icon, drawn for small sizes (see `icons/README.md`).
const TRAY_ICON_PNG: &[u8] = include_bytes!("../../icons/tray.png");

/// Creates the tray icon when the platform can show one; logs why not otherwise.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Err(reason) = desk_core::tray_support() {
        tracing::warn!("starting without a tray icon: {reason}");
        return Ok(());
    }
    let show = MenuItem::with_id(app, SHOW_ID, "Show Token Desk", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT_ID, "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &PredefinedMenuItem::separator(app)?, &quit])?;
    TrayIconBuilder::with_id("main")
        .icon(tauri::image::Image::from_bytes(TRAY_ICON_PNG)?)
        .tooltip("Token Desk")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            SHOW_ID => window::show_main(app),
            QUIT_ID => {
                tauri::async_runtime::spawn(crate::shutdown::quit(app.clone()));
            }
            _ => {}
        })
        .build(app)?;
    Ok(())
}
