//! The last token list each connection showed, kept on this device so that
//! the next start paints it at once, marked as not yet refreshed, while the
//! fresh list loads (on a real Marketplace, a thousand tokens take seconds).
//!
//! Only what the list's columns show: ids, names, statuses, dates and the
//! account. Never a value, and never a description (free text people fill
//! with anything). One file per connection, readable by the user only,
//! written after each complete list; Settings › "Remember the token list"
//! off removes them all, and removing a connection removes its file.
//! Nothing is decided from it: every action asks the Marketplace.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::connections::types::AccountSummary;
use crate::desk::Desk;
use crate::tokens::rows::TokenRows;
use crate::tokens::views::{Stamp, TokenView};

/// The folder, in the config dir, that holds one file per connection.
const FOLDER: &str = "remembered-lists";

/// A connection's list as it was last shown.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RememberedList {
    /// The tokens, without descriptions.
    pub rows: TokenRows,
    /// When that list was complete (RFC 3339).
    pub saved_at: String,
}

/// One token as the file keeps it.
#[derive(Serialize, Deserialize)]
struct Row {
    id: String,
    name: String,
    status: String,
    last_access_at: Option<String>,
    created_at: Option<String>,
    created_by: Option<String>,
    account_id: Option<String>,
    account_name: Option<String>,
    account_type: Option<String>,
}

impl From<&TokenView> for Row {
    fn from(token: &TokenView) -> Self {
        let created = token.created.as_ref();
        let account = token.account.as_ref();
        Self {
            id: token.id.clone(),
            name: token.name.clone(),
            status: token.status.clone(),
            last_access_at: token.last_access_at.clone(),
            created_at: created.and_then(|stamp| stamp.at.clone()),
            created_by: created.and_then(|stamp| stamp.by_name.clone()),
            account_id: account.map(|account| account.id.clone()),
            account_name: account.map(|account| account.name.clone()),
            account_type: account.map(|account| account.account_type.clone()),
        }
    }
}

impl From<Row> for TokenView {
    fn from(row: Row) -> Self {
        let account = row.account_id.map(|id| AccountSummary {
            name: row.account_name.unwrap_or_else(|| id.clone()),
            id,
            account_type: row.account_type.unwrap_or_default(),
        });
        let created = (row.created_at.is_some() || row.created_by.is_some()).then_some(Stamp {
            at: row.created_at,
            by_id: None,
            by_name: row.created_by,
        });
        Self {
            id: row.id,
            name: row.name,
            description: None,
            status: row.status,
            last_access_at: row.last_access_at,
            account,
            modules: None,
            created,
            updated: None,
        }
    }
}

/// A list as it streams in, kept as the file's rows only (a page's worth of
/// whole tokens at a time, never the whole list twice).
#[derive(Default)]
pub(crate) struct ListRecorder {
    rows: Vec<Row>,
}

impl ListRecorder {
    /// Adds a batch, in order.
    pub(crate) fn add(&mut self, tokens: &[TokenView]) {
        self.rows.extend(tokens.iter().map(Row::from));
    }
}

/// The file as written.
#[derive(Serialize, Deserialize)]
struct File {
    saved_at: String,
    tokens: Vec<Row>,
}

/// Where `connection_id`'s list is kept; `None` for an id that is not a plain
/// file name (never written, never read).
fn file_of(config_dir: &Path, connection_id: &str) -> Option<PathBuf> {
    let plain = !connection_id.is_empty()
        && connection_id.len() <= 100
        && connection_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then(|| config_dir.join(FOLDER).join(format!("{connection_id}.json")))
}

impl Desk {
    /// The list `connection_id` showed last, when the settings keep it and
    /// there is one. A damaged file is removed: it is only ever a head start.
    pub async fn remembered_tokens(&self, connection_id: &str) -> Option<RememberedList> {
        if !self.settings().remember_token_list {
            return None;
        }
        let path = file_of(&self.setup.config_dir, connection_id)?;
        let read = tokio::task::spawn_blocking(move || {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
                Err(error) => {
                    tracing::info!("the remembered list could not be read: {error}");
                    return None;
                }
            };
            match serde_json::from_slice::<File>(&bytes) {
                Ok(file) => {
                    let tokens: Vec<TokenView> = file.tokens.into_iter().map(TokenView::from).collect();
                    Some(RememberedList { rows: TokenRows::of(&tokens), saved_at: file.saved_at })
                }
                Err(error) => {
                    tracing::info!("the remembered list is damaged ({error}); it is removed");
                    let _ = std::fs::remove_file(&path);
                    None
                }
            }
        });
        read.await.ok().flatten()
    }

    /// Keeps `list`, a complete list of `connection_id`, for the next start.
    pub(crate) async fn remember_tokens(&self, connection_id: &str, list: ListRecorder) {
        // Checked again now, at the end of a list-all that may have taken a while:
        // a connection removed, or the setting turned off, meanwhile gets no file back.
        if !self.settings().remember_token_list || self.connection(connection_id).is_err() {
            return;
        }
        let Some(path) = file_of(&self.setup.config_dir, connection_id) else { return };
        let file = File { saved_at: self.now().to_rfc3339(), tokens: list.rows };
        let written = tokio::task::spawn_blocking(move || {
            crate::storage::files::write_private_json(&path, &file, "remembered token list")
        });
        match written.await {
            Ok(Ok(())) => {}
            Ok(Err(problem)) => tracing::info!("the token list could not be remembered: {}", problem.message),
            Err(error) => tracing::info!("the token list could not be remembered: {error}"),
        }
    }

    /// Forgets `connection_id`'s list (the connection is removed).
    pub(crate) fn forget_remembered_tokens(&self, connection_id: &str) {
        if let Some(path) = file_of(&self.setup.config_dir, connection_id) {
            remove(&path);
        }
    }

    /// Forgets every connection's list (the setting was turned off).
    pub(crate) fn forget_all_remembered_tokens(&self) {
        let folder = self.setup.config_dir.join(FOLDER);
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            remove(&entry.path());
        }
    }
}

fn remove(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!("a remembered token list could not be removed: {error}"),
    }
}
