//! The shapes of the Marketplace's ids, checked before any id from the UI goes
//! into a request path: an id of `..` or `%2E%2E` must never reach another
//! resource (the URL parser turns both into a step up the path).

use crate::error::DeskError;

/// What kind of object an id names, and the shape its ids have
/// (docs/marketplace-api.md §4: ACC and MOD from the OpenAPI patterns, TKN and AUD from the docs' examples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// `TKN-dddd-dddd`.
    Token,
    /// `MOD-dddd`.
    Module,
    /// `ACC-dddd-dddd`.
    Account,
    /// `AUD-dddd-dddd-dddd-dddd`.
    AuditRecord,
}

impl IdKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Token => "TKN",
            Self::Module => "MOD",
            Self::Account => "ACC",
            Self::AuditRecord => "AUD",
        }
    }

    /// How many groups of four digits follow the prefix.
    fn groups(self) -> usize {
        match self {
            Self::Module => 1,
            Self::Token | Self::Account => 2,
            Self::AuditRecord => 4,
        }
    }

    fn example(self) -> &'static str {
        match self {
            Self::Token => "TKN-1234-5678",
            Self::Module => "MOD-1234",
            Self::Account => "ACC-1234-5678",
            Self::AuditRecord => "AUD-1234-5678-9012-3456",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Module => "module",
            Self::Account => "account",
            Self::AuditRecord => "audit record",
        }
    }

    /// True when `id` has this kind's shape exactly.
    pub fn matches(self, id: &str) -> bool {
        let Some(rest) = id.strip_prefix(self.prefix()) else { return false };
        let groups: Vec<&str> = rest.split('-').collect();
        // `rest` starts with the dash after the prefix, so the first piece is empty.
        groups.len() == self.groups() + 1
            && groups[0].is_empty()
            && groups[1..].iter().all(|group| group.len() == 4 && group.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// `id` when it has `kind`'s shape; otherwise a validation error that says
/// what an id of that kind looks like. Nothing is sent for a refused id.
pub fn checked(kind: IdKind, id: &str) -> Result<(), DeskError> {
    if kind.matches(id) {
        return Ok(());
    }
    let shown: String = id.chars().take(40).collect();
    Err(DeskError::invalid_field(
        "id",
        format!("\"{shown}\" is not a {} id: those look like {}.", kind.noun(), kind.example()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_exact_shape() {
        assert!(IdKind::Token.matches("TKN-1234-5678"));
        assert!(IdKind::Module.matches("MOD-0478"));
        assert!(IdKind::Account.matches("ACC-1234-5678"));
        assert!(IdKind::AuditRecord.matches("AUD-0391-8050-9033-9920"));
        for bad in [
            "",
            ".",
            "..",
            "%2E%2E",
            "TKN-1234-5678/..",
            "TKN-1234-567",
            "TKN-1234-56789",
            "tkn-1234-5678",
            "TKN-1234-5678-0001",
            "TKN-12a4-5678",
            "TKN--1234-5678",
            " TKN-1234-5678",
            "TKN-１２３４-5678",
        ] {
            assert!(!IdKind::Token.matches(bad), "{bad:?} is not a token id");
        }
        assert!(!IdKind::Module.matches("MOD-1234-5678"));
        assert!(!IdKind::Account.matches("TKN-1234-5678"), "another kind's prefix");
    }

    #[test]
    fn a_refused_id_says_what_the_shape_is() {
        let error = checked(IdKind::Token, "..").expect_err("refused");
        assert!(error.message.contains("TKN-1234-5678"), "{}", error.message);
        assert_eq!(error.kind, crate::ErrorKind::Validation);
    }
}
