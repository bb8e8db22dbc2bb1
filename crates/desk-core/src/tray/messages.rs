//! What the tray says: its token entries, its native questions and its
//! notifications. Shared by the menu and the panic button.

use serde::Serialize;

use crate::connections::types::Connection;
use crate::error::DeskError;

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

/// A question for a native confirmation dialog (or the window's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TrayQuestion {
    /// The dialog's title.
    pub title: String,
    /// What happens, in full sentences.
    pub message: String,
    /// The button that goes ahead.
    pub confirm_label: String,
}

/// A notification about what the tray (or the window) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
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

    /// The same notice for a shared screen (presenting): whether it worked,
    /// and no token name.
    pub fn without_names(&self) -> Self {
        let title = if self.failed { "Token Desk: something did not work" } else { "Token Desk: done" };
        Self {
            title: title.into(),
            body: "Details are hidden while presenting; open Token Desk to see them.".into(),
            failed: self.failed,
        }
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
