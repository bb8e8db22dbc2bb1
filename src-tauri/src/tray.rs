//! The system tray icon and its menu.
//!
//! On Linux the tray goes through libayatana-appindicator, which Tauri loads at
//! run time and panics without. We probe for it first and run without a tray,
//! saying why, when the system lacks it: the window is still fully usable.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

use crate::window;

/// Menu item ids, also what the tray E2E test clicks by label.
const SHOW_ID: &str = "show";
const QUIT_ID: &str = "quit";

/// The tray icon, drawn for small sizes (see `icons/README.md`).
const TRAY_ICON_PNG: &[u8] = include_bytes!("../../icons/tray.png");

/// Creates the tray icon when the platform can show one; logs why not otherwise.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Err(reason) = tray_support() {
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
            QUIT_ID => app.exit(0),
            _ => {}
        })
        .build(app)?;
    Ok(())
}

/// Whether this system can show a tray icon, and if not, why.
#[cfg(target_os = "linux")]
fn tray_support() -> Result<(), String> {
    // The names libappindicator-sys tries, in its order.
    const LIBRARIES: &[&str] = &[
        "libayatana-appindicator3.so.1",
        "libappindicator3.so.1",
        "libayatana-appindicator3.so",
        "libappindicator3.so",
    ];
    for name in LIBRARIES {
        // SAFETY: loading a system library runs its initialisers; these are the
        // same libraries Tauri itself would load a moment later.
        if unsafe { libloading::Library::new(name) }.is_ok() {
            return Ok(());
        }
    }
    Err("no appindicator library was found (install libayatana-appindicator3-1)".to_owned())
}

/// Whether this system can show a tray icon, and if not, why.
#[cfg(not(target_os = "linux"))]
fn tray_support() -> Result<(), String> {
    Ok(())
}
