//! What the app says about itself.

use desk_core::AppInfo;
use tauri::{AppHandle, Runtime};

/// The app's name and version, for the welcome screen and About box.
#[tauri::command]
#[specta::specta]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    let package = app.package_info();
    AppInfo::new(package.name.clone(), package.version.to_string())
}
