//! What the desktop shell needs from the system, kept free of Tauri: the app's
//! identity, its log file, the process's hardening, the rendering settings and
//! what the tray can do on this desktop.

pub(crate) mod app_info;
pub mod log_file;
#[cfg(target_os = "linux")]
pub mod polkit;
pub mod process_guard;
pub mod rendering;
pub(crate) mod tray_support;
