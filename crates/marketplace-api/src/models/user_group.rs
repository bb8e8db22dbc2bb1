//! User groups: the account's default group says which modules its tokens may be given.

use serde::Deserialize;

use super::common::{AccountRef, AuditBlock};
use super::module::Module;
use super::token::null_as_empty;

/// A user group (`UGR-…`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroup {
    /// `UGR-NNNN-NNNN`.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// The account the group belongs to.
    pub account: Option<AccountRef>,
    /// The group's modules.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub modules: Vec<Module>,
    /// Relative URL of the group's logo.
    pub logo: Option<String>,
    /// The account's default group ("Administrators"): its modules are the ones tokens may get.
    #[serde(default)]
    pub is_default: bool,
    /// Who created and last changed it (only with `select=audit`).
    pub audit: Option<AuditBlock>,
}
