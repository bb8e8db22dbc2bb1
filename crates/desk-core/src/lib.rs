//! Token Desk without a window.
//!
//! Everything the desktop shell does lives here, free of Tauri and WebKit, so it
//! can be tested quickly and on its own: what the app says about itself, the OS
//! keychain that holds the admin's secrets, and the redaction that keeps those
//! secrets out of every log line and error message, and what the platform can
//! offer (a tray icon or not).

pub mod app_info;
pub mod keychain;
pub mod redact;
pub mod tray_support;

pub use app_info::AppInfo;
pub use keychain::{InMemoryStore, KeychainError, OsKeychain, SecretStore};
pub use redact::redact_secrets;
pub use tray_support::tray_support;
