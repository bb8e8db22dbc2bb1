//! The token list and the token page: General, Modules and Details tabs.

use desk_core::queries::TokenListQuery;
use desk_core::views::{ModuleView, TokenBatch, TokenPage, TokenView};
use desk_core::{CopyFormat, CopyReceipt, DeskError, NewToken, TokenChanges};
use tauri::ipc::Channel;

use super::DeskState;

/// One page of tokens, filtered, searched and sorted.
#[tauri::command]
#[specta::specta]
pub async fn list_tokens(
    desk: DeskState<'_>,
    connection_id: String,
    query: TokenListQuery,
) -> Result<TokenPage, DeskError> {
    desk.list_tokens(&connection_id, &query).await
}

/// Every matching token, streamed to `on_batch` batch by batch (the list's columns, pages joined); returns the count.
#[tauri::command]
#[specta::specta]
pub async fn list_all_tokens(
    desk: DeskState<'_>,
    connection_id: String,
    query: TokenListQuery,
    on_batch: Channel<TokenBatch>,
) -> Result<u32, DeskError> {
    desk.list_all_tokens(&connection_id, &query, |batch| {
        if let Err(error) = on_batch.send(batch) {
            tracing::warn!("a token batch could not reach the window: {error}");
        }
    })
    .await
}

/// One token (never its value).
#[tauri::command]
#[specta::specta]
pub async fn get_token(desk: DeskState<'_>, connection_id: String, token_id: String) -> Result<TokenView, DeskError> {
    desk.get_token(&connection_id, &token_id).await
}

/// Creates a token in the connection's account.
#[tauri::command]
#[specta::specta]
pub async fn create_token(desk: DeskState<'_>, connection_id: String, token: NewToken) -> Result<TokenView, DeskError> {
    desk.create_token(&connection_id, token).await
}

/// Changes a token's name, description or modules.
#[tauri::command]
#[specta::specta]
pub async fn update_token(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    changes: TokenChanges,
) -> Result<TokenView, DeskError> {
    desk.update_token(&connection_id, &token_id, changes).await
}

/// Enables a disabled token.
#[tauri::command]
#[specta::specta]
pub async fn enable_token(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
) -> Result<TokenView, DeskError> {
    desk.enable_token(&connection_id, &token_id).await
}

/// Disables an active token; the connection's own only with `sign_in_confirmed`,
/// set after the UI's warning.
#[tauri::command]
#[specta::specta]
pub async fn disable_token(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    sign_in_confirmed: bool,
) -> Result<TokenView, DeskError> {
    desk.disable_token(&connection_id, &token_id, sign_in_confirmed).await
}

/// Deletes a token; the connection's own only with `sign_in_confirmed`.
#[tauri::command]
#[specta::specta]
pub async fn delete_token(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    sign_in_confirmed: bool,
) -> Result<(), DeskError> {
    desk.delete_token(&connection_id, &token_id, sign_in_confirmed).await
}

/// The modules the connection's account may give its tokens.
#[tauri::command]
#[specta::specta]
pub async fn assignable_modules(desk: DeskState<'_>, connection_id: String) -> Result<Vec<ModuleView>, DeskError> {
    desk.assignable_modules(&connection_id).await
}

/// A token's value, for the explicit "show" on its page.
#[tauri::command]
#[specta::specta]
pub async fn reveal_token_value(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
) -> Result<String, DeskError> {
    desk.reveal_token_value(&connection_id, &token_id).await
}

/// Copies a token to the clipboard from Rust, in one of the "copy as" formats:
/// the webview never holds the value. Secrets are cleared after the settings'
/// delay if still there.
#[tauri::command]
#[specta::specta]
pub async fn copy_token_value(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    format: CopyFormat,
) -> Result<CopyReceipt, DeskError> {
    desk.copy_token(&connection_id, &token_id, format).await
}

/// Finds the token a pasted text names (a leaked value, an id, a log line)
/// in every saved connection. The text is not kept; only the id is looked up.
#[tauri::command]
#[specta::specta]
pub async fn find_pasted_token(desk: DeskState<'_>, text: String) -> Result<desk_core::LeakSearch, DeskError> {
    desk.find_pasted_token(text).await
}

/// Disables or enables several tokens at once (the list's selection), and
/// answers per token; the sign-in token only when `include_sign_in`.
#[tauri::command]
#[specta::specta]
pub async fn change_tokens(
    desk: DeskState<'_>,
    connection_id: String,
    action: desk_core::BulkAction,
    token_ids: Vec<String>,
    include_sign_in: bool,
) -> Result<Vec<desk_core::BulkOutcome>, DeskError> {
    desk.change_tokens(&connection_id, action, token_ids, include_sign_in).await
}

/// The list the connection showed last, kept on this device (when the settings
/// allow): the window paints it while the fresh one loads.
#[tauri::command]
#[specta::specta]
pub async fn remembered_tokens(
    desk: DeskState<'_>,
    connection_id: String,
) -> Result<Option<desk_core::RememberedList>, DeskError> {
    Ok(desk.remembered_tokens(&connection_id).await)
}

/// Every connection's tokens as cached for the command palette (names, never values).
#[tauri::command]
#[specta::specta]
pub fn token_directory(desk: DeskState<'_>) -> Vec<desk_core::DirectoryEntry> {
    desk.token_directory()
}

/// Refreshes the palette's cache of every connection older than `max_age_seconds`, then answers it.
#[tauri::command]
#[specta::specta]
pub async fn refresh_token_directory(
    desk: DeskState<'_>,
    max_age_seconds: u32,
) -> Result<Vec<desk_core::DirectoryEntry>, DeskError> {
    Ok(desk.refresh_token_directory(std::time::Duration::from_secs(u64::from(max_age_seconds))).await)
}
