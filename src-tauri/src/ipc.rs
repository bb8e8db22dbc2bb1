//! The one list of everything that crosses the IPC boundary.
//!
//! The app mounts this builder's handler, the IPC tests mount the same list on
//! Tauri's mock runtime, and the bindings test exports it and compares the
//! result with the committed `ui/src/lib/bindings.ts`, so the UI's types can
//! never silently drift from the Rust side.

use specta_typescript::Typescript;
use tauri_specta::Builder;

/// Where the generated TypeScript bindings live, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// Every command and event, for a given Tauri runtime.
///
/// A macro rather than a generic function because `collect_commands!` needs the
/// runtime spelled out at its call site: `app_ipc!(tauri::Wry)` for the app,
/// `app_ipc!(tauri::test::MockRuntime)` for the IPC tests.
#[macro_export]
macro_rules! app_ipc {
    ($runtime:path) => {
        ::tauri_specta::Builder::<$runtime>::new()
            .commands(::tauri_specta::collect_commands![
                $crate::commands::app::app_info::<$runtime>,
                $crate::commands::connections::list_connections::<$runtime>,
                $crate::commands::connections::add_connection,
                $crate::commands::connections::rename_connection,
                $crate::commands::connections::recolour_connection,
                $crate::commands::connections::set_active_connection,
                $crate::commands::connections::remove_connection,
                $crate::commands::connections::start_demo,
                $crate::commands::connections::orphaned_secrets,
                $crate::commands::connections::remove_orphaned_secrets,
                $crate::commands::connections::restore_connections_file,
                $crate::commands::connections::keep_connections_file_aside,
                $crate::commands::connections::cli_accounts,
                $crate::commands::connections::import_cli_accounts,
                $crate::commands::connections::strip_cli_secrets,
                $crate::commands::connections::choose_ca_file::<$runtime>,
                $crate::commands::tokens::list_tokens,
                $crate::commands::tokens::list_all_tokens,
                $crate::commands::tokens::get_token,
                $crate::commands::tokens::create_token,
                $crate::commands::tokens::update_token,
                $crate::commands::tokens::enable_token,
                $crate::commands::tokens::disable_token,
                $crate::commands::tokens::delete_token,
                $crate::commands::tokens::assignable_modules,
                $crate::commands::tokens::reveal_token_value,
                $crate::commands::tokens::copy_token_value,
                $crate::commands::tokens::find_pasted_token,
                $crate::commands::tokens::change_tokens,
                $crate::commands::tokens::remembered_tokens,
                $crate::commands::tokens::token_directory,
                $crate::commands::tokens::refresh_token_directory,
                $crate::commands::audit::token_audit,
                $crate::commands::audit::account_audit,
                $crate::commands::audit::audit_record,
                $crate::commands::audit::event_types,
                $crate::commands::audit::export_audit::<$runtime>,
                $crate::commands::audit::cancel_export,
                $crate::commands::audit::token_usage,
                $crate::commands::review::review_dates,
                $crate::commands::review::set_review_by,
                $crate::commands::rotation::rotations,
                $crate::commands::rotation::rotate_token,
                $crate::commands::rotation::finish_rotation,
                $crate::commands::rotation::cancel_rotation,
                $crate::commands::settings::get_settings::<$runtime>,
                $crate::commands::settings::update_settings,
                $crate::commands::settings::clear_clipboard,
                $crate::commands::settings::clipboard_problem,
                $crate::commands::panic::ask_panic,
                $crate::commands::panic::run_asked_panic,
                $crate::commands::panic::ask_restore,
                $crate::commands::panic::run_restore,
                $crate::commands::panic::restore_label,
                $crate::commands::lock::lock_status,
                $crate::commands::lock::lock,
                $crate::commands::lock::unlock,
                $crate::commands::lock::note_activity,
                $crate::commands::lock::set_presenting,
                $crate::commands::lock::protect_from_capture::<$runtime>,
            ])
            .events(::tauri_specta::collect_events![
                $crate::events::TokenChangedEvent,
                $crate::events::ConnectionsChangedEvent,
                $crate::events::ClipboardChangedEvent,
                $crate::events::NotesChangedEvent,
                $crate::events::OpenTokenEvent,
                $crate::events::LockChangedEvent,
            ])
            // One TypeScript type per Rust type: the IPC types are plain data
            // whose serialized and deserialized shapes agree.
            .disable_serde_phases()
    };
}

/// Every command and event the UI can use, with their types.
pub fn specta_builder() -> Builder<tauri::Wry> {
    app_ipc!(tauri::Wry)
}

/// The TypeScript exporter configured the way the committed bindings are written.
pub fn typescript() -> Typescript {
    Typescript::default().header(
        "// Generated by Token Desk from the Rust commands: do not edit.\n// Regenerate with `make bindings`.\n",
    )
}

/// Writes the bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(typescript(), path)
        .map_err(|error| format!("exporting TypeScript bindings to {}: {error}", path.display()))
}
