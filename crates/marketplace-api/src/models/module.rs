//! Modules: the permission bundles a token or a user group is given.

use serde::{Deserialize, Deserializer};

use super::common::{AccountType, AuditBlock};
use super::token::null_as_empty;

/// A module (`MOD-NNNN`). Inside a token or a group only `id` and perhaps `name` are present.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Module {
    /// `MOD-NNNN`.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Stable machine code (`access-management`).
    pub code: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Account types the module may be used in.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub account_types: Vec<AccountType>,
    /// How the module may be assigned.
    pub settings: Option<ModuleSettings>,
    /// Deprecated: use `settings.paid`.
    pub paid: Option<bool>,
    /// Who created and last changed it (only with `select=audit`).
    pub audit: Option<AuditBlock>,
}

/// A module's assignment rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleSettings {
    /// Whether an account may add or remove it.
    pub configurable: Option<bool>,
    /// Whether accounts get it by default.
    pub default: Option<bool>,
    /// Whether it is paid.
    pub paid: Option<bool>,
    /// `new`, `legacy`, …: a list in the OpenAPI document, a single string in live answers.
    #[serde(default, rename = "type", deserialize_with = "one_or_many")]
    pub kinds: Vec<String>,
}

/// Accepts `"x"`, `["x", "y"]` or `null`.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn settings_type_may_be_a_string_or_a_list() {
        let module: Module = serde_json::from_value(json!({
            "id": "MOD-1756", "name": "Access Management", "code": "access-management",
            "accountTypes": ["Client", "Vendor", "Operations", "Partner"],
            "settings": {"configurable": false, "default": true, "paid": false, "type": "new", "obsolete": false}
        }))
        .expect("decodes");
        assert_eq!(module.settings.as_ref().map(|s| s.kinds.clone()), Some(vec!["new".to_owned()]));
        assert_eq!(module.account_types[3], AccountType::Other("Partner".into()));

        let listed: ModuleSettings = serde_json::from_value(json!({"type": ["new", "legacy"]})).expect("decodes");
        assert_eq!(listed.kinds, vec!["new", "legacy"]);
    }
}
