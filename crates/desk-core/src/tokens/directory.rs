//! Every connection's tokens, for the command palette: a cache of each
//! connection's list (id, name, description, status), refreshed in the
//! background, so that a search reaches connections other than the active
//! one without waiting for them. Names only: never a value.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use crate::desk::Desk;
use crate::tokens::queries::TokenListQuery;

/// A token as the palette finds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryToken {
    /// `TKN-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text, when there is one.
    pub description: Option<String>,
    /// `Active`, `Disabled`, …
    pub status: String,
}

/// One connection's tokens as last fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryEntry {
    /// The connection.
    pub connection_id: String,
    /// Its name.
    pub connection_label: String,
    /// Its colour (`#rrggbb`).
    pub colour: String,
    /// Its tokens when last fetched; empty until the first fetch.
    pub tokens: Vec<DirectoryToken>,
    /// When they were fetched (RFC 3339); `None`: not yet.
    pub fetched_at: Option<String>,
    /// Why the last fetch failed, when it did (the tokens are then the ones before).
    pub problem: Option<String>,
}

/// What the desk keeps for the palette: per connection, its tokens and when.
#[derive(Default)]
pub(crate) struct State {
    lists: Mutex<HashMap<String, Cached>>,
}

#[derive(Clone, Default)]
struct Cached {
    tokens: Vec<DirectoryToken>,
    fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When a fetch was last begun, done or not: an unreachable connection is
    /// tried again only once its list is due, not on every tick.
    tried_at: Option<chrono::DateTime<chrono::Utc>>,
    problem: Option<String>,
}

impl State {
    fn lists(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.lists.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Desk {
    /// Every connection's tokens as cached, the active one's included, in the
    /// order of the connections list. Asks the Marketplace nothing.
    pub fn token_directory(&self) -> Vec<DirectoryEntry> {
        let lists = self.directory.lists();
        self.connections()
            .connections
            .into_iter()
            .map(|connection| {
                let cached = lists.get(&connection.id).cloned().unwrap_or_default();
                DirectoryEntry {
                    connection_id: connection.id,
                    connection_label: connection.label,
                    colour: connection.colour,
                    tokens: cached.tokens,
                    fetched_at: cached.fetched_at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                    problem: cached.problem,
                }
            })
            .collect()
    }

    /// Fetches, all at once, the list of every connection but the active one
    /// that was last tried more than `max_age` ago (or never), then answers
    /// the directory. The active connection's tokens are the
    /// window's own list, always fresher. A connection that cannot be
    /// reached keeps its older list, with why.
    pub async fn refresh_token_directory(&self, max_age: std::time::Duration) -> Vec<DirectoryEntry> {
        let max_age = chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX);
        let list = self.connections();
        // Lists of connections since removed are let go.
        self.directory.lists().retain(|id, _| list.connections.iter().any(|connection| &connection.id == id));
        let due: Vec<_> = {
            let now = self.now();
            let mut lists = self.directory.lists();
            list.connections
                .into_iter()
                .filter(|connection| list.active_id.as_deref() != Some(connection.id.as_str()))
                .filter(|connection| {
                    let cached = lists.entry(connection.id.clone()).or_default();
                    let due = cached.tried_at.is_none_or(|at| now.signed_duration_since(at) >= max_age);
                    if due {
                        cached.tried_at = Some(now);
                    }
                    due
                })
                .collect()
        };
        // Every due connection at once: one that times out holds up no other.
        futures::future::join_all(due.into_iter().map(|connection| async move {
            let mut tokens = Vec::new();
            let fetched = self
                .fetch_all_tokens(&connection.id, &TokenListQuery::default(), |batch| {
                    tokens.extend(batch.items.into_iter().map(|token| DirectoryToken {
                        id: token.id,
                        name: token.name,
                        description: token.description,
                        status: token.status,
                    }));
                })
                .await;
            let now = self.now();
            let mut lists = self.directory.lists();
            let cached = lists.entry(connection.id.clone()).or_default();
            match fetched {
                Ok(_) => {
                    cached.tokens = tokens;
                    cached.fetched_at = Some(now);
                    cached.problem = None;
                }
                Err(error) => {
                    tracing::info!(connection = %connection.id, "the palette's list could not be refreshed: {}", error.message);
                    cached.problem = Some(error.message);
                }
            }
        }))
        .await;
        self.token_directory()
    }
}
