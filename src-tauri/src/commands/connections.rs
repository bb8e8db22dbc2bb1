//! Connection picker and add-connection form.
//!
//! Every command is `async`, so Tauri runs it off the main thread: a slow disk
//! or keychain must never freeze the window.

use std::sync::Arc;

use desk_core::{CliAccounts, CliImportResult, Connection, ConnectionList, Desk, DeskError, NewConnection};
use tauri::{AppHandle, Manager, Runtime};

use super::DeskState;

/// Every connection and which one is active. (It takes the app handle, not a
/// borrowed state, so that it can be async and still answer without a Result.)
#[tauri::command]
#[specta::specta]
pub async fn list_connections<R: Runtime>(app: AppHandle<R>) -> ConnectionList {
    match app.try_state::<Arc<Desk>>() {
        Some(desk) => desk.connections(),
        // Only before setup finished: nothing is saved that the UI could show yet.
        None => ConnectionList::default(),
    }
}

/// Checks a new connection's token with the Marketplace and saves it (the
/// secret to the OS keychain). The secret never comes back.
#[tauri::command]
#[specta::specta]
pub async fn add_connection(desk: DeskState<'_>, connection: NewConnection) -> Result<Connection, DeskError> {
    desk.add_connection(connection).await
}

/// Renames a connection.
#[tauri::command]
#[specta::specta]
pub async fn rename_connection(
    desk: DeskState<'_>,
    connection_id: String,
    label: String,
) -> Result<Connection, DeskError> {
    desk.rename_connection(&connection_id, &label).await
}

/// Gives a connection another colour (`#rrggbb`).
#[tauri::command]
#[specta::specta]
pub async fn recolour_connection(
    desk: DeskState<'_>,
    connection_id: String,
    colour: String,
) -> Result<Connection, DeskError> {
    desk.recolour_connection(&connection_id, &colour).await
}

/// Makes a connection the one in use.
#[tauri::command]
#[specta::specta]
pub async fn set_active_connection(desk: DeskState<'_>, connection_id: String) -> Result<(), DeskError> {
    desk.set_active_connection(&connection_id).await
}

/// Removes a connection and its secret from the keychain; with
/// `even_without_keychain`, also when the keychain cannot be reached.
#[tauri::command]
#[specta::specta]
pub async fn remove_connection(
    desk: DeskState<'_>,
    connection_id: String,
    even_without_keychain: bool,
) -> Result<(), DeskError> {
    desk.remove_connection(&connection_id, even_without_keychain).await
}

/// Starts the built-in demo against an embedded Marketplace simulator.
#[tauri::command]
#[specta::specta]
pub async fn start_demo(desk: DeskState<'_>) -> Result<Connection, DeskError> {
    desk.start_demo().await
}

/// Keychain entries of Token Desk's that belong to no saved connection (left
/// by a crash); the UI offers their removal.
#[tauri::command]
#[specta::specta]
pub async fn orphaned_secrets(desk: DeskState<'_>) -> Result<Vec<String>, DeskError> {
    desk.orphaned_secrets().await
}

/// Deletes those entries; answers how many went.
#[tauri::command]
#[specta::specta]
pub async fn remove_orphaned_secrets(desk: DeskState<'_>) -> Result<u32, DeskError> {
    desk.remove_orphaned_secrets().await.map(|removed| u32::try_from(removed).unwrap_or(u32::MAX))
}

/// Puts back the connections file that was damaged at start and set aside,
/// once it reads; answers the connections then.
#[tauri::command]
#[specta::specta]
pub async fn restore_connections_file(desk: DeskState<'_>) -> Result<ConnectionList, DeskError> {
    desk.restore_connections_file().await
}

/// Goes on without the set-aside connections file (it stays where it is).
#[tauri::command]
#[specta::specta]
pub fn keep_connections_file_aside(desk: DeskState<'_>) -> ConnectionList {
    desk.keep_connections_file_aside()
}

/// SoftwareOne's CLI accounts (`~/.swocli/accounts.json`), when that file
/// exists, for the import offer: names, ids and environments, never a secret.
#[tauri::command]
#[specta::specta]
pub async fn cli_accounts(desk: DeskState<'_>) -> Result<Option<CliAccounts>, DeskError> {
    desk.cli_accounts()
}

/// Imports the CLI accounts signing in with `token_ids`, each checked with
/// the Marketplace, its secret moved to the keychain; answers each outcome.
#[tauri::command]
#[specta::specta]
pub async fn import_cli_accounts(
    desk: DeskState<'_>,
    token_ids: Vec<String>,
    ca_certificate_pem: Option<String>,
) -> Result<Vec<CliImportResult>, DeskError> {
    desk.import_cli_accounts(&token_ids, ca_certificate_pem).await
}

/// Takes the imported accounts' secrets out of the CLI's file, after the
/// user's explicit confirmation; answers how many went.
#[tauri::command]
#[specta::specta]
pub async fn strip_cli_secrets(desk: DeskState<'_>) -> Result<u32, DeskError> {
    desk.strip_cli_secrets().await
}

/// Reads a CA certificate from a file the user picks in a native dialog
/// (public material, for the Connect form); `None` when closed without one.
#[tauri::command]
#[specta::specta]
pub async fn choose_ca_file<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Result<Option<String>, DeskError> {
    let Some(path) = crate::native::ca_file_path(&app).await else { return Ok(None) };
    desk_core::read_ca_file(&path).map(Some)
}
