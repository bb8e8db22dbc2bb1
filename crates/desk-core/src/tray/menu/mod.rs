//! What the tray menu shows and what its entries do, without the tray itself:
//! the shell turns a [`TrayMenuModel`] into native menu items and passes each
//! click to one handler here, then shows what the handler answers (a native
//! question, or a notification).
//!
//! The tray acts on the active connection, the one the window shows, so the
//! two never disagree; switching connections from the tray switches the
//! window too.

use crate::tray::messages::{TrayNotice, TrayQuestion, TrayToken};
use crate::tray::panic_button::RestoreOffer;

mod actions;

/// Most tokens a tray submenu lists; the rest are a click away in the window.
pub const TRAY_TOKEN_LIMIT: u32 = 25;

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
    /// Whether Token Desk is locked, and presenting.
    pub lock: crate::lock::status::LockStatus,
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

/// What the desk keeps for the tray.
#[derive(Default)]
pub(crate) struct State {
    /// The menu's view of the active connection's active tokens.
    pub(crate) cache: std::sync::Mutex<TrayCache>,
    /// Held while the tray refreshes, so answers land in order.
    pub(crate) refresh_turn: tokio::sync::Mutex<()>,
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
    /// Lock Token Desk now.
    Lock,
    /// Turn the presenting mode on (`true`) or off.
    Presenting(bool),
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
            Self::Lock => "lock".to_owned(),
            Self::Presenting(on) => format!("presenting:{}", if *on { "on" } else { "off" }),
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
            "lock" if rest.is_empty() => Some(Self::Lock),
            "presenting" if rest == "on" => Some(Self::Presenting(true)),
            "presenting" if rest == "off" => Some(Self::Presenting(false)),
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
