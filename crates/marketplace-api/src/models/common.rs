//! Shapes shared by every object: references to accounts and actors, the embedded `audit`
//! block, `$meta`, and the list envelope.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::open_enum::open_enum;

open_enum! {
    /// An account's type; it decides what its users and tokens may do.
    AccountType {
        /// A client (buyer) account.
        Client => "Client",
        /// A vendor account.
        Vendor => "Vendor",
        /// The platform operations account.
        Operations => "Operations",
    }
}

open_enum! {
    /// An account's status.
    AccountStatus {
        /// Active.
        Active => "Active",
        /// Enabled.
        Enabled => "Enabled",
        /// Disabled.
        Disabled => "Disabled",
    }
}

/// A reference to an account, as embedded in tokens and user groups.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// `ACC-NNNN-NNNN`.
    pub id: String,
    /// The account's name.
    pub name: Option<String>,
    /// Client, Vendor or Operations.
    #[serde(default, rename = "type")]
    pub account_type: Option<AccountType>,
    /// The account's status.
    pub status: Option<AccountStatus>,
    /// Relative URL of the account's icon.
    pub icon: Option<String>,
}

/// A reference to a user, token or other object: `{id, name, icon}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ObjectRef {
    /// The object's id (`USR-…`, `TKN-…`, …).
    pub id: String,
    /// Its display name.
    pub name: Option<String>,
    /// Relative URL of its icon.
    pub icon: Option<String>,
}

/// One entry of the `audit` block: when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AuditEvent {
    /// When (RFC 3339, UTC).
    pub at: Option<String>,
    /// Who: a user or a token.
    pub by: Option<ObjectRef>,
    /// The account acted for, when not the actor's own.
    pub of: Option<ObjectRef>,
}

/// The embedded `audit` block: the last occurrence of each event kind (not the history; that is
/// in the audit records). Omitted unless asked for with `select=audit`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct AuditBlock {
    /// Creation.
    pub created: Option<AuditEvent>,
    /// Last update.
    pub updated: Option<AuditEvent>,
    /// Other event kinds (`enabled`, `disabled`, …) as the platform adds them; entries of an
    /// unexpected shape are skipped.
    #[serde(flatten, deserialize_with = "lenient_events")]
    pub other: BTreeMap<String, AuditEvent>,
}

fn lenient_events<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, AuditEvent>, D::Error> {
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|(key, value)| serde_json::from_value(value).ok().map(|event| (key, event)))
        .collect())
}

/// An object's `$meta`: which default-omitted fields were left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ObjectMeta {
    /// Fields left out of this answer: those omitted by default and not selected (add them
    /// with `select=+field`), and those removed with `select=-field` (such as `-token`).
    #[serde(default)]
    pub omitted: Vec<String>,
}

/// `$meta` of a list answer.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ListMeta {
    #[serde(default)]
    pub pagination: Pagination,
    #[serde(default)]
    pub omitted: Vec<String>,
}

/// `$meta.pagination` of a list answer.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Pagination {
    #[serde(default)]
    pub offset: u64,
    #[serde(default)]
    pub limit: u64,
    pub total: Option<u64>,
}

/// The list envelope `{"$meta": {...}, "data": [...]}` as it arrives.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    #[serde(rename = "$meta", default)]
    pub meta: ListMeta,
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
}

/// An object a list answers. The envelope's `$meta.omitted` names fields the server left
/// out of every item; an item forgets any it still carries, so that "not returned" never
/// reads as "empty" (docs/marketplace-api.md §5.7).
pub trait ListItem: DeserializeOwned {
    /// Drops what this item holds of the `omitted` fields. Items with no optional
    /// collections have nothing to drop.
    fn forget_omitted(&mut self, _omitted: &[String]) {}
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items of this page, in the server's order.
    pub items: Vec<T>,
    /// Offset of the first item.
    pub offset: u64,
    /// The page size the server applied.
    pub limit: u64,
    /// How many items match in all, when the server says.
    pub total: Option<u64>,
    /// Fields the server left out of the items: omitted by default and not selected, or removed
    /// with `select=-field` (such as `-token`).
    pub omitted: Vec<String>,
}

impl<T: ListItem> From<ListEnvelope<T>> for Page<T> {
    fn from(mut envelope: ListEnvelope<T>) -> Self {
        if !envelope.meta.omitted.is_empty() {
            envelope.data.iter_mut().for_each(|item| item.forget_omitted(&envelope.meta.omitted));
        }
        Page {
            items: envelope.data,
            offset: envelope.meta.pagination.offset,
            limit: envelope.meta.pagination.limit,
            total: envelope.meta.pagination.total,
            omitted: envelope.meta.omitted,
        }
    }
}
