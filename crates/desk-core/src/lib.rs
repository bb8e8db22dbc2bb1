//! Token Desk without a window.
//!
//! Everything the desktop shell does lives here, free of Tauri and WebKit, so it
//! can be tested quickly and on its own: the saved connections and their
//! secrets in the OS keychain, every token and audit action, the built-in demo,
//! the error the UI shows, and the redaction that keeps secrets out of every
//! log line and message.

mod audit;
mod clipboard;
pub mod clock;
mod connections;
mod desk;
mod error;
mod events;
mod leak;
mod lock;
mod platform;
mod redact;
mod reminders;
mod settings;
mod storage;
mod tokens;
mod tray;

// The modules the shell and the tests name by path.
pub use connections::ca_file::read_ca_file;
pub use connections::store as connection_store;
#[cfg(target_os = "linux")]
pub use platform::polkit;
pub use platform::{heap, log_file, process_guard, rendering, system_presence_check};
pub use tokens::{ids, queries, validation, views};

pub use audit::account::AccountAuditQuery;
pub use audit::export::{AuditExportScope, CancelFlag, ExportFormat, ExportProgress, ExportSummary};
pub use audit::usage::{Seen, TokenUsage, USAGE_RECORDS_MAX};
pub use clipboard::{ClipboardStatus, CopyReceipt, InMemoryClipboard, SystemClipboard};
pub use connections::CLI_ACCOUNTS_FILE;
pub use connections::actions::{ConnectionList, NewConnection};
pub use connections::cli_import::{CliAccountView, CliAccounts, CliImportResult};
pub use connections::environment::Environment;
pub use connections::keychain::{InMemoryStore, KeychainError, OsKeychain, SecretStore};
pub use connections::types::{AccountSummary, Connection};
pub use desk::{DEMO_CONNECTION_ID, Desk, DeskConfig};
pub use error::{DeskError, ErrorKind, FieldError};
pub use events::{DeskEvent, TokenChange, TokenChanged};
pub use leak::{LeakHit, LeakSearch};
pub use lock::{LockReason, LockStatus, Presence, PresenceCheck};
pub use platform::app_info::AppInfo;
pub use platform::tray_support::tray_support;
pub use redact::{RedactingWriter, redact_secrets};
pub use reminders::review_dates::{DisableOutcome, REMINDER_DAYS, Reminder, ReviewBy, ReviewStage, TokenReview};
pub use reminders::rotation::{GracePeriod, Rotation, RotationStarted, RotationState, rotated_name};
pub use settings::Settings;
pub use tokens::actions::{NewToken, TokenChanges};
pub use tokens::bulk::{BULK_MAX, BulkAction, BulkOutcome};
pub use tokens::copy_as::CopyFormat;
pub use tokens::directory::{DirectoryEntry, DirectoryToken};
pub use tokens::remembered::RememberedList;
pub use tray::menu::{TrayAction, TrayMenuModel, TrayOutcome, TrayTokens, token_labels};
pub use tray::messages::{TrayNotice, TrayQuestion, TrayToken};
pub use tray::panic_button::{BatchPrompt, BatchReport, BatchStart, PanicPlan, RestoreOffer, TokenOutcome};
