//! What the tray menu shows and what its entries do, without the tray itself:
//! the shell turns a [`TrayMenuModel`] into native menu items and passes each
//! click to one handler here, then shows what the handler answers (a native
//! question, or a notification).
//!
//! The tray acts on the active connection, the one the window shows, so the
//! two never disagree; switching connections from the tray switches the
//! window too.

use std::sync::Arc;

use serde::Serialize;

use crate::connections::Connection;
use crate::copy_as::CopyFormat;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::events::DeskEvent;
use crate::panic_button::RestoreOffer;
use crate::queries::{TokenListQuery, TokenState};

/// Most tokens a tray submenu lists; the rest are a click away in the window.
pub const TRAY_TOKEN_LIMIT: u32 = 25;

/// One token in a tray submenu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TrayToken {
    /// `TKN-…`.
    pub id: String,
    /// Its display name (the id when it has none).
    pub name: String,
    /// True for the token the connection signs in with.
    pub signs_in: bool,
}

/// A connection in the tray's switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayConnection {
    /// Its id.
    pub id: String,
    /// The user's name for it.
    pub label: String,
    /// True for the one the tray (and the window) acts on.
    pub active: bool,
}

/// The active tokens of the connection the tray acts on, as last fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayTokens {
    /// There is no connection yet.
    NoConnection,
    /// Not fetched yet.
    Loading,
    /// The Marketplace could not be asked; the reason.
    Failed(String),
    /// The first active tokens by name, and how many are active in all.
    Loaded {
        /// At most [`TRAY_TOKEN_LIMIT`], by name.
        shown: Vec<TrayToken>,
        /// Every active token of the connection.
        total: u32,
    },
}

/// Everything the tray menu shows, rebuilt whenever any of it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenuModel {
    /// Every connection, for the switcher.
    pub connections: Vec<TrayConnection>,
    /// The connection the tray acts on.
    pub connection: Option<TrayConnection>,
    /// Its active tokens.
    pub tokens: TrayTokens,
    /// The last panic on that connection, when it can be undone.
    pub restore: Option<RestoreOffer>,
    /// Why the tokens shown may be out of date (the last refresh failed).
    pub warning: Option<String>,
}

impl TrayMenuModel {
    /// The tokens "Disable token" lists.
    pub fn disable_entries(&self) -> &[TrayToken] {
        match &self.tokens {
            TrayTokens::Loaded { shown, .. } => shown,
            _ => &[],
        }
    }

    /// The tokens "Copy value" lists: not the one the connection signs in
    /// with, whose value is the admin's own secret.
    pub fn copy_entries(&self) -> impl Iterator<Item = &TrayToken> {
        self.disable_entries().iter().filter(|token| !token.signs_in)
    }

    /// True when more tokens are active than the submenus list.
    pub fn has_more(&self) -> bool {
        matches!(&self.tokens, TrayTokens::Loaded { shown, total } if *total as usize > shown.len())
    }

    /// Whether "Disable all active tokens…" is offered: whenever there is a
    /// connection, even when the last refresh failed (the panic lists the
    /// tokens afresh, and an incident is when the platform is least steady).
    pub fn can_panic(&self) -> bool {
        self.connection.is_some()
            && !matches!(&self.tokens, TrayTokens::Loaded { total: 0, .. } | TrayTokens::NoConnection)
    }

    /// A line that says why the submenus are empty, when they are.
    pub fn status_line(&self) -> Option<String> {
        match &self.tokens {
            TrayTokens::NoConnection if self.connections.is_empty() => Some("No connection yet".to_owned()),
            TrayTokens::NoConnection => Some("No connection chosen".to_owned()),
            TrayTokens::Loading => Some("Loading tokens…".to_owned()),
            TrayTokens::Failed(reason) => Some(format!("Tokens unavailable: {reason}")),
            TrayTokens::Loaded { total: 0, .. } => Some("No active tokens".to_owned()),
            TrayTokens::Loaded { .. } => None,
        }
    }
}

/// What the tray should do after a click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayOutcome {
    /// Ask this first, natively; call the handler again with the answer.
    Confirm(TrayQuestion),
    /// Tell the user this, as a notification.
    Notify(TrayNotice),
}

/// A question for a native confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayQuestion {
    /// The dialog's title.
    pub title: String,
    /// What happens, in full sentences.
    pub message: String,
    /// The button that goes ahead.
    pub confirm_label: String,
}

/// A notification about what the tray did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayNotice {
    /// One line.
    pub title: String,
    /// The detail; the reason when it failed.
    pub body: String,
    /// True when it failed (shown as an error where the desktop can).
    pub failed: bool,
}

impl TrayNotice {
    /// It worked.
    pub fn done(title: impl Into<String>, body: impl Into<String>) -> Self {
        Self { title: title.into(), body: body.into(), failed: false }
    }

    /// It failed, because of `error`.
    pub fn failed(title: impl Into<String>, error: &DeskError) -> Self {
        Self { title: title.into(), body: error.message.clone(), failed: true }
    }
}

/// The tray's cached view of the active tokens, and which connection it is of.
#[derive(Debug, Clone)]
pub(crate) struct TrayCache {
    connection_id: Option<String>,
    tokens: TrayTokens,
    warning: Option<String>,
}

impl Default for TrayCache {
    fn default() -> Self {
        Self { connection_id: None, tokens: TrayTokens::Loading, warning: None }
    }
}

impl Desk {
    /// What the tray menu shows now, from the last [`Desk::refresh_tray`].
    pub fn tray_menu(&self) -> TrayMenuModel {
        let list = self.connections();
        let active_id = list.active_id.clone();
        let connections: Vec<TrayConnection> = list
            .connections
            .iter()
            .map(|connection| TrayConnection {
                id: connection.id.clone(),
                label: connection.label.clone(),
                active: Some(&connection.id) == active_id.as_ref(),
            })
            .collect();
        let connection = connections.iter().find(|connection| connection.active).cloned();
        let cache = self.tray_cache();
        let tokens = match &connection {
            None => TrayTokens::NoConnection,
            Some(active) if cache.connection_id.as_deref() == Some(active.id.as_str()) => cache.tokens,
            Some(_) => TrayTokens::Loading,
        };
        let restore = connection.as_ref().and_then(|active| self.restore_offer_now(&active.id));
        let warning = connection.as_ref().and(cache.warning);
        TrayMenuModel { connections, connection, tokens, restore, warning }
    }

    /// Fetches the active tokens of the active connection again: the first
    /// [`TRAY_TOKEN_LIMIT`] by name, and how many there are.
    pub async fn refresh_tray(&self) {
        // One refresh at a time, so an older answer never overwrites a newer one.
        let _turn = self.tray_refresh_turn.lock().await;
        let Some(connection_id) = self.connections().active_id else {
            *self.tray_cache_mut() = TrayCache { connection_id: None, tokens: TrayTokens::NoConnection, warning: None };
            return;
        };
        // The menu never waits on a file or the keychain: what Restore offers is read here.
        if let Err(error) = self.snapshots.get().await {
            tracing::warn!("the panic snapshots could not be read: {}", error.message);
        }
        let fresh = self.first_active_tokens(&connection_id).await;
        let mut cache = self.tray_cache_mut();
        let same_connection = cache.connection_id.as_deref() == Some(connection_id.as_str());
        *cache = match fresh {
            Ok(tokens) => TrayCache { connection_id: Some(connection_id), tokens, warning: None },
            // Keep the last good list: a leaked token must stay a click away
            // while the platform is unsteady.
            Err(error) if same_connection && matches!(cache.tokens, TrayTokens::Loaded { .. }) => TrayCache {
                connection_id: Some(connection_id),
                tokens: cache.tokens.clone(),
                warning: Some(format!("May be out of date: {}", error.message)),
            },
            Err(error) => TrayCache {
                connection_id: Some(connection_id),
                tokens: TrayTokens::Failed(error.message),
                warning: None,
            },
        };
    }

    async fn first_active_tokens(&self, connection_id: &str) -> Result<TrayTokens, DeskError> {
        let connection = self.connection(connection_id)?;
        // The connection's own account, as the panic acts on.
        let query = TokenListQuery {
            status: Some(TokenState::Active),
            account_id: Some(connection.account.id.clone()),
            limit: TRAY_TOKEN_LIMIT,
            ..Default::default()
        };
        let page = self.list_tokens(connection_id, &query).await?;
        let shown = page.items.iter().map(|token| tray_token(&connection, &token.id, &token.name)).collect::<Vec<_>>();
        // Without a total, a full page may have more behind it.
        let full = shown.len() >= TRAY_TOKEN_LIMIT as usize;
        let guess = u32::try_from(shown.len()).unwrap_or(u32::MAX).saturating_add(u32::from(full));
        let total = page.paging.total.unwrap_or(guess);
        Ok(TrayTokens::Loaded { shown, total })
    }

    /// Keeps the tray current: calls `on_change` with a fresh model now and
    /// after every change to connections or tokens, whoever made it (a
    /// window, the tray, a list refresh). Bursts of changes are folded into
    /// one refresh. The caller spawns the returned task on its runtime; it
    /// ends when the desk is dropped.
    pub fn watch_tray(
        self: &Arc<Self>,
        on_change: impl Fn(TrayMenuModel) + Send + 'static,
    ) -> impl Future<Output = ()> + Send + 'static {
        let desk = Arc::downgrade(self);
        let mut events = self.subscribe();
        async move {
            let mut pending = true;
            let mut shown: Option<TrayMenuModel> = None;
            // Redraws only what differs: a list refresh that changed nothing
            // leaves the menu alone.
            fn show(shown: &mut Option<TrayMenuModel>, on_change: &impl Fn(TrayMenuModel), model: TrayMenuModel) {
                if shown.as_ref() != Some(&model) {
                    *shown = Some(model.clone());
                    on_change(model);
                }
            }
            loop {
                if pending {
                    let Some(desk) = desk.upgrade() else { return };
                    let before = desk.tray_menu();
                    if before.tokens == TrayTokens::Loading {
                        // Another connection: show the switch at once, its tokens when they arrive.
                        show(&mut shown, &on_change, before);
                    }
                    desk.refresh_tray().await;
                    show(&mut shown, &on_change, desk.tray_menu());
                    pending = false;
                }
                match events.recv().await {
                    // Neither changes what the menu lists.
                    Ok(DeskEvent::ClipboardChanged(_) | DeskEvent::NotesChanged { .. }) => {}
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => pending = true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
                // Fold a burst (a panic's dozens of changes) into one refresh.
                while let Ok(event) = events.try_recv() {
                    pending |= !matches!(event, DeskEvent::ClipboardChanged(_) | DeskEvent::NotesChanged { .. });
                }
            }
        }
    }

    /// "Disable token" › a token. The token the connection signs in with is
    /// only disabled once `confirmed`; until then the answer is the question.
    pub async fn tray_disable(&self, connection_id: &str, token_id: &str, confirmed: bool) -> TrayOutcome {
        let connection = match self.connection(connection_id) {
            Ok(connection) => connection,
            Err(error) => {
                return TrayOutcome::Notify(TrayNotice::failed(format!("{token_id} was not disabled"), &error));
            }
        };
        if connection.token_id.eq_ignore_ascii_case(token_id) && !confirmed {
            return TrayOutcome::Confirm(TrayQuestion {
                title: "Disable the token this connection signs in with?".to_owned(),
                message: format!(
                    "{token_id} is the token \"{}\" signs in with. Once it is disabled, Token Desk can no longer \
                     act on this connection, and it cannot enable the token again from here.",
                    connection.label
                ),
                confirm_label: "Disable it".to_owned(),
            });
        }
        let outcome = match self.disable_token(connection_id, token_id, confirmed).await {
            Ok(token) => TrayNotice::done(
                format!("Disabled {}", display_name(&token.name, &token.id)),
                format!("{} no longer authenticates on \"{}\".", token.id, connection.label),
            ),
            Err(error) => TrayNotice::failed(format!("{token_id} was not disabled"), &error),
        };
        TrayOutcome::Notify(outcome)
    }

    /// "Copy value" › a token: its value on the clipboard, with the same
    /// hygiene as a copy from the window.
    pub async fn tray_copy(&self, connection_id: &str, token_id: &str) -> TrayNotice {
        match self.copy_token(connection_id, token_id, CopyFormat::Value).await {
            Ok(receipt) => {
                let now_ms = crate::clipboard::epoch_ms(std::time::SystemTime::now());
                let clears = match receipt.clears_at_ms {
                    Some(at) => {
                        let secs = (at.saturating_sub(now_ms) + 500) / 1000;
                        format!("It leaves the clipboard in {secs} s.")
                    }
                    None => "Automatic clearing is off in Settings.".to_owned(),
                };
                TrayNotice::done(format!("Copied {}", receipt.copied), clears)
            }
            Err(error) => TrayNotice::failed(format!("{token_id} was not copied"), &error),
        }
    }

    fn tray_cache(&self) -> TrayCache {
        self.tray_cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn tray_cache_mut(&self) -> std::sync::MutexGuard<'_, TrayCache> {
        // Each write replaces the whole value: a panic cannot leave it half-done.
        self.tray_cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The tray's entry for a token of `connection`.
pub(crate) fn tray_token(connection: &Connection, id: &str, name: &str) -> TrayToken {
    TrayToken {
        id: id.to_owned(),
        name: display_name(name, id).to_owned(),
        signs_in: connection.token_id.eq_ignore_ascii_case(id),
    }
}

/// A token's name, or its id when it has none.
pub(crate) fn display_name<'a>(name: &'a str, id: &'a str) -> &'a str {
    if name.trim().is_empty() { id } else { name }
}

/// A tray menu entry's meaning, carried in its menu id (`disable:CONNECTION:TOKEN`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    /// Show and focus the window.
    Show,
    /// Quit Token Desk.
    Quit,
    /// Act on this connection from now on (the window follows).
    Switch(String),
    /// Disable a token of a connection.
    Disable {
        /// The connection.
        connection_id: String,
        /// The token.
        token_id: String,
    },
    /// Copy a token's value.
    Copy {
        /// The connection.
        connection_id: String,
        /// The token.
        token_id: String,
    },
    /// The tokens not listed: open the window's list.
    MoreInWindow,
    /// Disable every active token of the connection.
    Panic(String),
    /// Undo the connection's last panic.
    Restore(String),
}

impl TrayAction {
    /// The menu id that carries this action.
    pub fn menu_id(&self) -> String {
        match self {
            Self::Show => "show".to_owned(),
            Self::Quit => "quit".to_owned(),
            Self::Switch(connection) => format!("switch:{connection}"),
            Self::Disable { connection_id, token_id } => format!("disable:{connection_id}:{token_id}"),
            Self::Copy { connection_id, token_id } => format!("copy:{connection_id}:{token_id}"),
            Self::MoreInWindow => "more".to_owned(),
            Self::Panic(connection) => format!("panic:{connection}"),
            Self::Restore(connection) => format!("restore:{connection}"),
        }
    }

    /// The action a clicked menu id stands for; `None` for ids that are not
    /// actions (submenus, status lines).
    pub fn from_menu_id(id: &str) -> Option<Self> {
        let (kind, rest) = id.split_once(':').unwrap_or((id, ""));
        let pair = || rest.split_once(':').map(|(connection, token)| (connection.to_owned(), token.to_owned()));
        let one = || (!rest.is_empty() && !rest.contains(':')).then(|| rest.to_owned());
        match kind {
            "show" if rest.is_empty() => Some(Self::Show),
            "quit" if rest.is_empty() => Some(Self::Quit),
            "more" if rest.is_empty() => Some(Self::MoreInWindow),
            "switch" => one().map(Self::Switch),
            "panic" => one().map(Self::Panic),
            "restore" => one().map(Self::Restore),
            "disable" => pair().map(|(connection_id, token_id)| Self::Disable { connection_id, token_id }),
            "copy" => pair().map(|(connection_id, token_id)| Self::Copy { connection_id, token_id }),
            _ => None,
        }
    }
}

/// The labels of a token submenu's entries: the name, with the id when
/// another listed token has the same name, and a mark on the sign-in token.
pub fn token_labels<'a>(tokens: impl IntoIterator<Item = &'a TrayToken>) -> Vec<(&'a TrayToken, String)> {
    let tokens: Vec<&TrayToken> = tokens.into_iter().collect();
    tokens
        .iter()
        .map(|token| {
            let twins = tokens.iter().filter(|other| other.name.eq_ignore_ascii_case(&token.name)).count();
            let mut label = if twins > 1 { format!("{} ({})", token.name, token.id) } else { token.name.clone() };
            if token.signs_in {
                label.push_str(" — signs in here");
            }
            (*token, label)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_survives_its_menu_id() {
        let actions = [
            TrayAction::Show,
            TrayAction::Quit,
            TrayAction::MoreInWindow,
            TrayAction::Switch("demo".into()),
            TrayAction::Panic("5f0c".into()),
            TrayAction::Restore("5f0c".into()),
            TrayAction::Disable { connection_id: "5f0c".into(), token_id: "TKN-1234-5678".into() },
            TrayAction::Copy { connection_id: "demo".into(), token_id: "TKN-1234-5678".into() },
        ];
        for action in actions {
            assert_eq!(TrayAction::from_menu_id(&action.menu_id()), Some(action.clone()), "{action:?}");
        }
        for id in ["", "connections", "status", "disable:only-one", "panic:", "show:x", "switch:a:b"] {
            assert_eq!(TrayAction::from_menu_id(id), None, "{id:?} is not an action");
        }
    }

    #[test]
    fn twins_show_their_ids_and_the_sign_in_token_is_marked() {
        let token = |id: &str, name: &str, signs_in| TrayToken { id: id.into(), name: name.into(), signs_in };
        let tokens = [token("TKN-1", "CI", false), token("TKN-2", "ci", false), token("TKN-3", "Admin", true)];
        let labels: Vec<String> = token_labels(&tokens).into_iter().map(|(_, label)| label).collect();
        assert_eq!(labels, ["CI (TKN-1)", "ci (TKN-2)", "Admin — signs in here"]);
    }
}
