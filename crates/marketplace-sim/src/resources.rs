//! The queryable shape of each collection: which dotted paths filters and `order` may
//! name, which fields `select` may name, and which are left out unless selected.

use crate::query::ResourceSpec;

/// API tokens.
pub const TOKENS: ResourceSpec = ResourceSpec {
    fields: &[
        "id",
        "name",
        "description",
        "icon",
        "status",
        "token",
        "lastAccessAt",
        "revision",
        "account.id",
        "account.name",
        "account.type",
        "account.status",
        "modules.id",
        "modules.name",
        "audit.created.at",
        "audit.created.by.id",
        "audit.created.by.name",
        "audit.updated.at",
        "audit.updated.by.id",
        "audit.updated.by.name",
    ],
    // Guess: `select=-token` leaves the secret value out like any field (docs/marketplace-api.md §5.4; §9.5 documents
    // `select=-field` generally; no source names `token`), and `$meta.omitted` then lists it.
    selectable: &[
        "id",
        "name",
        "description",
        "icon",
        "status",
        "token",
        "lastAccessAt",
        "revision",
        "account",
        "modules",
        "audit",
    ],
    // Collections are omitted unless selected: a captured token list says
    // `"omitted": ["modules", "audit"]` (docs/marketplace-api.md §5.7).
    // Guess: a single GET leaves them out too; no source says either way, and
    // the strict reading is the one that catches a client reading what it never got.
    list_omitted: &["modules", "audit"],
    get_omitted: &["modules", "audit"],
};

/// The module catalog.
pub const MODULES: ResourceSpec = ResourceSpec {
    fields: &[
        "id",
        "name",
        "code",
        "description",
        "accountTypes",
        "paid",
        "isConfigurable",
        "isEnabledByDefault",
        "settings.default",
        "settings.configurable",
        "settings.paid",
        "settings.type",
    ],
    selectable: &[
        "id",
        "name",
        "code",
        "description",
        "accountTypes",
        "paid",
        "isConfigurable",
        "isEnabledByDefault",
        "settings",
        "filters",
    ],
    list_omitted: &[],
    get_omitted: &[],
};

/// User groups.
pub const GROUPS: ResourceSpec = ResourceSpec {
    fields: &[
        "id",
        "name",
        "description",
        "isDefault",
        "logo",
        "account.id",
        "account.name",
        "account.type",
        "modules.id",
        "modules.name",
        "modules.code",
    ],
    selectable: &["id", "name", "description", "isDefault", "logo", "account", "modules"],
    list_omitted: &[],
    get_omitted: &[],
};

/// Audit records.
pub const RECORDS: ResourceSpec = ResourceSpec {
    fields: &[
        "id",
        "event",
        "summary",
        "details",
        "timestamp",
        "type",
        "object.id",
        "object.name",
        "object.objectType",
        "actor.id",
        "actor.name",
        "actor.account.id",
        "actor.account.name",
        "actor.account.accountType",
        "request.api.ip",
        "request.api.userAgent",
        "viewers.id",
    ],
    selectable: &["id", "event", "summary", "details", "timestamp", "type", "object", "actor", "request", "viewers"],
    // Guess: viewers are left out of list items by default, as CANON says of its
    // `accountLinks` (docs/marketplace-api.md §8.1); a single record carries them.
    list_omitted: &["viewers"],
    get_omitted: &[],
};

/// Audit event types.
pub const EVENT_TYPES: ResourceSpec = ResourceSpec {
    fields: &["id", "key", "name", "description"],
    selectable: &["id", "key", "name", "description"],
    list_omitted: &[],
    get_omitted: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_consistent() {
        for spec in [&TOKENS, &MODULES, &GROUPS, &RECORDS, &EVENT_TYPES] {
            let mut fields = spec.fields.to_vec();
            fields.sort_unstable();
            fields.dedup();
            assert_eq!(fields.len(), spec.fields.len(), "duplicate field in {:?}", spec.fields);
            for omitted in spec.list_omitted.iter().chain(spec.get_omitted) {
                assert!(spec.selectable.contains(omitted), "{omitted} can be omitted but not selected");
            }
        }
    }
}
