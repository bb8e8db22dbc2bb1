//! Token Desk without a window.
//!
//! Everything the desktop shell does lives here, free of Tauri and WebKit, so it
//! can be tested quickly and on its own: the saved connections and their
//! secrets in the OS keychain, every token and audit action, the built-in demo,
//! the error the UI shows, and the redaction that keeps secrets out of every
//! log line and message.

mod app_info;
mod audit_actions;
mod audit_export;
mod cli_import;
mod clipboard;
pub mod clock;
mod connection_actions;
pub mod connection_store;
mod connections;
mod copy_as;
mod desk;
mod environment;
mod error;
mod events;
mod file_seal;
mod files;
pub mod ids;
mod keychain;
mod keychain_calls;
mod local_store;
pub mod log_file;
mod panic_button;
pub mod process_guard;
pub mod queries;
mod redact;
pub mod rendering;
mod review_dates;
mod rotation;
mod secret_binding;
mod settings;
mod sign_ins;
mod token_actions;
mod tray;
mod tray_support;
mod usage;
pub mod validation;
pub mod views;

pub use app_info::AppInfo;
pub use audit_export::{AuditExportScope, CancelFlag, ExportFormat, ExportProgress, ExportSummary};
pub use cli_import::{CLI_ACCOUNTS_FILE, CliAccountView, CliAccounts, CliImportResult};
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
pub use redact::{RedactingWriter, redact_secrets};
pub use review_dates::{DisableOutcome, REMINDER_DAYS, Reminder, ReviewBy, ReviewStage, TokenReview};
pub use rotation::{GracePeriod, Rotation, RotationStarted, RotationState, rotated_name};
pub use settings::Settings;
pub use token_actions::{NewToken, TokenChanges};
pub use tray::{TrayAction, TrayMenuModel, TrayNotice, TrayOutcome, TrayQuestion, TrayToken, TrayTokens, token_labels};
pub use tray_support::tray_support;
pub use usage::{Seen, TokenUsage, USAGE_RECORDS_MAX};
