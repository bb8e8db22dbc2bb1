//! Token Desk without a window.
//!
//! Everything the desktop shell does lives here, free of Tauri and WebKit, so it
//! can be tested quickly and on its own: the saved connections and their
//! secrets in the OS keychain, every token and audit action, the built-in demo,
//! the error the UI shows, and the redaction that keeps secrets out of every
//! log line and message.

pub mod app_info;
mod audit_actions;
pub mod clipboard;
mod connection_actions;
pub mod connection_store;
pub mod connections;
pub mod copy_as;
pub mod desk;
pub mod environment;
pub mod error;
pub mod events;
mod files;
pub mod ids;
pub mod keychain;
pub mod log_file;
pub mod panic_button;
pub mod process_guard;
pub mod queries;
pub mod redact;
pub mod rendering;
mod secret_binding;
pub mod settings;
mod token_actions;
pub mod tray;
pub mod tray_support;
pub mod validation;
pub mod views;

pub use app_info::AppInfo;
pub use clipboard::{ClipboardStatus, CopyReceipt, InMemoryClipboard, SystemClipboard};
pub use connection_actions::{ConnectionList, NewConnection};
pub use connections::{AccountSummary, Connection};
pub use copy_as::CopyFormat;
pub use desk::{DEMO_CONNECTION_ID, Desk, DeskConfig};
pub use environment::Environment;
pub use error::{DeskError, ErrorKind, FieldError};
pub use events::{DeskEvent, TokenChange, TokenChanged};
pub use keychain::{InMemoryStore, KeychainError, OsKeychain, SecretStore};
pub use panic_button::{BatchReport, PanicPlan, RestoreOffer, TokenOutcome};
pub use redact::redact_secrets;
pub use settings::Settings;
pub use token_actions::{NewToken, TokenChanges};
pub use tray::{TrayAction, TrayMenuModel, TrayNotice, TrayOutcome, TrayQuestion, TrayToken, TrayTokens};
pub use tray_support::tray_support;
