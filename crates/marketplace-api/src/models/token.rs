//! API tokens: the object as read, and the bodies for creating and updating one.

use serde::{Deserialize, Serialize};

use super::common::{AccountRef, AuditBlock, ObjectMeta, ObjectRef};
use super::module::Module;
use super::open_enum::open_enum;
use crate::secret::ApiSecret;

open_enum! {
    /// A token's lifecycle state: Active ⇄ Disabled → Deleted.
    TokenStatus {
        /// Authenticates.
        Active => "Active",
        /// Kept, but cannot authenticate until enabled.
        Disabled => "Disabled",
        /// Soft-deleted (visible to operations only).
        Deleted => "Deleted",
    }
}

/// An API token as the platform returns it.
///
/// `token` holds the secret value in an [`ApiSecret`], so printing a token with `{:?}` never
/// shows it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    /// `TKN-NNNN-NNNN`.
    pub id: String,
    /// Display name (absent only when left out with `select=-name`).
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Relative URL of an icon.
    pub icon: Option<String>,
    /// Active, Disabled, Deleted, or a status this client does not know yet.
    pub status: Option<TokenStatus>,
    /// The secret value (`idt:TKN-…:…`), returned on create and on reads.
    pub token: Option<ApiSecret>,
    /// Approximate last use (RFC 3339, UTC).
    pub last_access_at: Option<String>,
    /// The account the token belongs to.
    pub account: Option<AccountRef>,
    /// The modules the token may use: `None` when the answer did not carry them. The
    /// platform leaves collections out unless selected (docs/marketplace-api.md §5.7), so
    /// `None` means "not returned", never "none"; read them with [`ApiToken::read_modules`].
    pub modules: Option<Vec<Module>>,
    /// Extensions allowed: `None` = all, empty = none.
    pub extensions: Option<Vec<ObjectRef>>,
    /// Who created and last changed it (only with `select=audit`).
    pub audit: Option<AuditBlock>,
    /// Change counter.
    pub revision: Option<u64>,
    /// Which default-omitted fields were left out.
    #[serde(default, rename = "$meta")]
    pub meta: Option<ObjectMeta>,
}

impl ApiToken {
    /// The token's modules, when this answer carried them: `None` when the key was missing,
    /// `null`, or named in `$meta.omitted`. Only `Some` may be sent back in an update.
    pub fn read_modules(&self) -> Option<&[Module]> {
        if self.meta.as_ref().is_some_and(|meta| meta.omitted.iter().any(|field| field == "modules")) {
            return None;
        }
        self.modules.as_deref()
    }
}

impl super::ListItem for ApiToken {
    fn forget_omitted(&mut self, omitted: &[String]) {
        for field in omitted {
            match field.as_str() {
                "modules" => self.modules = None,
                "token" => self.token = None,
                "audit" => self.audit = None,
                _ => {}
            }
        }
    }
}

/// `null` decodes as an empty list, for arrays the platform may write as `null`.
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `{ "id": "…" }`, the reference form request bodies use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct IdOnly {
    id: String,
}

/// What to create: `POST /public/v1/accounts/api-tokens`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiToken {
    /// The account the token is for (`ACC-NNNN-NNNN`).
    pub account_id: String,
    /// Display name (required; up to 200 characters).
    pub name: String,
    /// Free text (up to 2000 characters).
    pub description: Option<String>,
    /// Relative URL of an icon.
    pub icon: Option<String>,
    /// Module ids (`MOD-NNNN`) the token may use.
    pub module_ids: Vec<String>,
}

impl Serialize for NewApiToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            account: IdOnly,
            name: &'a str,
            description: Option<&'a str>,
            icon: Option<&'a str>,
            modules: Vec<IdOnly>,
        }
        Body {
            account: IdOnly { id: self.account_id.clone() },
            name: &self.name,
            description: self.description.as_deref(),
            icon: self.icon.as_deref(),
            modules: ids(&self.module_ids),
        }
        .serialize(serializer)
    }
}

/// What to change: `PUT /public/v1/accounts/api-tokens/{id}`, every editable field (name,
/// description, icon, modules).
///
/// SoftwareOne's canon says the platform merges, which is not confirmed (docs/marketplace-api.md
/// §5.3): then a field left out is not changed. Each field has these states:
///
/// | field | `None` | `Some(None)` | `Some(Some(v))` / `Some(v)` |
/// |---|---|---|---|
/// | `name` | left out, unchanged | — | set |
/// | `description` | left out, unchanged | sent as `null`: no description | set |
/// | `icon` | left out, unchanged | sent as `null`: no icon | set |
/// | `module_ids` | left out, unchanged | — | the complete new set (`[]` = none) |
///
/// To write the whole token as the caller sees it, use [`ApiTokenUpdate::every_field`], where
/// a missing description or icon is sent as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiTokenUpdate {
    /// A new name; `None` leaves it out.
    pub name: Option<String>,
    /// A new description; `Some(None)` sends `null` and clears it; `None` leaves it out.
    pub description: Option<Option<String>>,
    /// A new icon (relative URL); `Some(None)` sends `null` and clears it; `None` leaves it out.
    pub icon: Option<Option<String>>,
    /// The new complete set of module ids; `None` leaves them out.
    pub module_ids: Option<Vec<String>>,
}

impl ApiTokenUpdate {
    /// Every editable field sent: the token becomes exactly this. A `None` description or icon
    /// is sent as `null` (none), not left out.
    pub fn every_field(
        name: impl Into<String>,
        description: Option<String>,
        icon: Option<String>,
        module_ids: Vec<String>,
    ) -> Self {
        Self { name: Some(name.into()), description: Some(description), icon: Some(icon), module_ids: Some(module_ids) }
    }
}

impl Serialize for ApiTokenUpdate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<Option<&'a str>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            icon: Option<Option<&'a str>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            modules: Option<Vec<IdOnly>>,
        }
        Body {
            name: self.name.as_deref(),
            description: self.description.as_ref().map(Option::as_deref),
            icon: self.icon.as_ref().map(Option::as_deref),
            modules: self.module_ids.as_deref().map(ids),
        }
        .serialize(serializer)
    }
}

fn ids(values: &[String]) -> Vec<IdOnly> {
    values.iter().map(|id| IdOnly { id: id.clone() }).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::AccountType;

    #[test]
    fn decodes_the_reference_example_and_ignores_unknown_fields() {
        let token: ApiToken = serde_json::from_value(json!({
            "id": "TKN-4821-0937",
            "name": "ERP sync robot",
            "description": "Nightly export of orders to the ERP",
            "status": "Active",
            "token": "idt:TKN-4821-0937:EXAMPLEfakeSecretDoNotUse",
            "lastAccessAt": "2026-08-20T06:15:42.120Z",
            "account": {"id": "ACC-1234-5678", "name": "Stark Industries", "type": "Client",
                        "status": "Active", "icon": "/v1/accounts/accounts/ACC-1234-5678/icon"},
            "modules": [{"id": "MOD-0478", "name": "Marketplace"}, {"id": "MOD-1756"}],
            "audit": {"created": {"at": "2026-06-11T20:22:05.311Z",
                                  "by": {"id": "USR-1234-5678", "name": "Sarah Sanderson"}},
                      "disabled": {"at": "2026-06-12T00:00:00.000Z", "by": {"id": "TKN-1111-2222"}},
                      "weird": 5},
            "somethingNew": {"nested": true},
            "revision": 3
        }))
        .expect("example decodes");
        assert_eq!(token.status, Some(TokenStatus::Active));
        assert_eq!(token.token.as_ref().map(ApiSecret::expose), Some("idt:TKN-4821-0937:EXAMPLEfakeSecretDoNotUse"));
        let account = token.account.as_ref().expect("account");
        assert_eq!(account.account_type, Some(AccountType::Client));
        assert_eq!(token.read_modules().map(<[Module]>::len), Some(2));
        let audit = token.audit.as_ref().expect("audit");
        assert_eq!(audit.created.as_ref().and_then(|e| e.by.as_ref()).map(|b| b.id.as_str()), Some("USR-1234-5678"));
        assert!(audit.other.contains_key("disabled"));
        assert!(!audit.other.contains_key("weird"));
        assert!(!format!("{token:?}").contains("EXAMPLEfake"));
    }

    #[test]
    fn unknown_status_is_kept() {
        let token: ApiToken =
            serde_json::from_value(json!({"id": "TKN-1-2", "status": "Suspended", "modules": null})).expect("decodes");
        assert_eq!(token.status, Some(TokenStatus::Other("Suspended".into())));
        assert_eq!(token.status.as_ref().map(|s| s.to_string()).as_deref(), Some("Suspended"));
        assert!(token.read_modules().is_none(), "null says nothing about the modules");
    }

    #[test]
    fn modules_not_returned_are_none_never_empty() {
        let decode = |value| serde_json::from_value::<ApiToken>(value).expect("decodes");
        assert!(decode(json!({"id": "TKN-1-2"})).read_modules().is_none(), "a missing key");
        let listed = decode(json!({"id": "TKN-1-2", "modules": [], "$meta": {"omitted": ["modules", "audit"]}}));
        assert!(listed.read_modules().is_none(), "a key the answer says it omitted");
        assert_eq!(decode(json!({"id": "TKN-1-2", "modules": []})).read_modules(), Some(&[][..]), "truly none");

        let mut item = decode(json!({"id": "TKN-1-2", "modules": [{"id": "MOD-1"}], "token": "idt:TKN-1-2:x"}));
        super::super::ListItem::forget_omitted(&mut item, &["modules".into(), "token".into()]);
        assert!(item.read_modules().is_none() && item.token.is_none());
    }

    #[test]
    fn create_body_matches_the_documented_shape() {
        let body = NewApiToken {
            account_id: "ACC-1234-5678".into(),
            name: "ERP sync robot".into(),
            description: Some("Nightly export".into()),
            icon: None,
            module_ids: vec!["MOD-0478".into()],
        };
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            json!({"account": {"id": "ACC-1234-5678"}, "name": "ERP sync robot",
                   "description": "Nightly export", "icon": null, "modules": [{"id": "MOD-0478"}]})
        );
    }

    #[test]
    fn every_field_sends_every_key_with_null_for_none() {
        let update = ApiTokenUpdate::every_field("Robot", None, None, vec!["MOD-1756".into()]);
        assert_eq!(
            serde_json::to_value(&update).expect("serialises"),
            json!({"name": "Robot", "description": null, "icon": null, "modules": [{"id": "MOD-1756"}]})
        );
        let update = ApiTokenUpdate::every_field("Robot", Some("Nightly".into()), Some("/i.png".into()), vec![]);
        assert_eq!(
            serde_json::to_value(&update).expect("serialises"),
            json!({"name": "Robot", "description": "Nightly", "icon": "/i.png", "modules": []})
        );
    }

    #[test]
    fn update_body_sends_only_what_changes() {
        let update = ApiTokenUpdate { name: Some("New".into()), description: Some(None), ..Default::default() };
        assert_eq!(serde_json::to_value(&update).expect("serialises"), json!({"name": "New", "description": null}));
        let modules = ApiTokenUpdate { module_ids: Some(vec![]), ..Default::default() };
        assert_eq!(serde_json::to_value(&modules).expect("serialises"), json!({"modules": []}));
    }
}
