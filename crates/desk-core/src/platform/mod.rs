//! What the desktop shell needs from the system, kept free of Tauri: the app's
//! identity, its log file, the process's hardening, the rendering settings,
//! the heap's freed memory and what the tray can do on this desktop.

pub(crate) mod app_info;
pub mod heap;
#[cfg(target_os = "macos")]
pub mod local_authentication;
pub mod log_file;
#[cfg(target_os = "linux")]
pub mod polkit;
pub mod process_guard;
pub mod rendering;
pub(crate) mod tray_support;
#[cfg(windows)]
pub mod windows_hello;

/// The system's own check of who is at the keyboard, for unlocking: polkit on
/// Linux, LocalAuthentication on macOS, Windows Hello on Windows; none elsewhere.
#[allow(clippy::let_and_return)]
pub fn system_presence_check() -> Option<std::sync::Arc<dyn crate::lock::PresenceCheck>> {
    #[cfg(target_os = "linux")]
    let check: Option<std::sync::Arc<dyn crate::lock::PresenceCheck>> = Some(std::sync::Arc::new(polkit::Polkit));
    #[cfg(target_os = "macos")]
    let check: Option<std::sync::Arc<dyn crate::lock::PresenceCheck>> =
        Some(std::sync::Arc::new(local_authentication::LocalAuthentication));
    #[cfg(windows)]
    let check: Option<std::sync::Arc<dyn crate::lock::PresenceCheck>> =
        Some(std::sync::Arc::new(windows_hello::WindowsHello));
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    let check = None;
    check
}
