//! What a connection is: the view the UI and the tray see ([`Connection`]),
//! and the record `connections.json` holds ([`StoredConnection`]). What the
//! file does not hold cannot be forged in it: the API address comes from the
//! environment, and the demo is never a saved connection.

use serde::{Deserialize, Serialize};

use crate::connections::environment::Environment;
use crate::error::{DeskError, ErrorKind};

/// The id of the built-in demo connection.
pub const DEMO_CONNECTION_ID: &str = "demo";

/// The account a connection's token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// `ACC-NNNN-NNNN`.
    pub id: String,
    /// The account's name.
    pub name: String,
    /// `Client`, `Vendor` or `Operations`.
    pub account_type: String,
}

impl From<&marketplace_api::AccountRef> for AccountSummary {
    fn from(account: &marketplace_api::AccountRef) -> Self {
        Self {
            id: account.id.clone(),
            // The id stands in for a name the platform left out, so lists never show a blank.
            name: account.name.clone().unwrap_or_else(|| account.id.clone()),
            account_type: account.account_type.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default(),
        }
    }
}

/// One connection to the Marketplace, as the UI and the tray see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Stable id the UI and the keychain entry use.
    pub id: String,
    /// The user's name for it.
    pub label: String,
    /// Which Marketplace it talks to.
    pub environment: Environment,
    /// The API base URL it talks to.
    pub base_url: String,
    /// The id (`TKN-…`) of the admin's API token; the secret is in the keychain.
    pub token_id: String,
    /// The account the token belongs to.
    pub account: AccountSummary,
    /// `#rrggbb`, to tell connections apart.
    pub colour: String,
    /// True for the built-in demo, whose secret is never stored.
    pub demo: bool,
    /// A PEM CA certificate trusted for this connection besides the system's
    /// (a corporate proxy). Public material, not a secret.
    pub ca_certificate_pem: Option<String>,
}

/// One saved connection, as `connections.json` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredConnection {
    /// Stable id; also the keychain entry's name.
    pub id: String,
    /// The user's name for it.
    pub label: String,
    /// Which Marketplace; the API address is derived from it.
    pub environment: Environment,
    /// The id (`TKN-…`) of the admin's API token.
    pub token_id: String,
    /// The account the token belongs to.
    pub account: AccountSummary,
    /// `#rrggbb`.
    pub colour: String,
    /// An extra CA certificate (PEM) to trust.
    #[serde(default)]
    pub ca_certificate_pem: Option<String>,
}

impl StoredConnection {
    /// The connection as the UI sees it; refused when its environment names
    /// no usable address.
    pub fn view(&self) -> Result<Connection, DeskError> {
        Ok(Connection {
            id: self.id.clone(),
            label: self.label.clone(),
            environment: self.environment.clone(),
            base_url: self.environment.base_url()?,
            token_id: self.token_id.clone(),
            account: self.account.clone(),
            colour: self.colour.clone(),
            demo: false,
            ca_certificate_pem: self.ca_certificate_pem.clone(),
        })
    }
}

impl From<&Connection> for StoredConnection {
    fn from(connection: &Connection) -> Self {
        Self {
            id: connection.id.clone(),
            label: connection.label.clone(),
            environment: connection.environment.clone(),
            token_id: connection.token_id.clone(),
            account: connection.account.clone(),
            colour: connection.colour.clone(),
            ca_certificate_pem: connection.ca_certificate_pem.clone(),
        }
    }
}

/// The error for an id that names no connection.
pub fn unknown_connection(id: &str) -> DeskError {
    DeskError::new(ErrorKind::NotFound, format!("There is no connection with id {id}; it may have been removed."))
}
