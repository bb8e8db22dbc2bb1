//! Modules that can do harm in the wrong hands: a token that holds one is
//! worth more to whoever finds it. The wizard, the Modules tab and the Review
//! step mark them, with why. The list is Token Desk's reading of what each
//! module grants (docs/marketplace-api.md §7.4), matched by the module's
//! stable code, or by its name where an answer carries no code.

/// A module that can do harm, and why, in one sentence.
struct Powerful {
    code: &'static str,
    name: &'static str,
    why: &'static str,
}

const POWERFUL: &[Powerful] = &[
    Powerful {
        code: "access-management",
        name: "Access Management",
        why: "It can create users and API tokens: whoever holds this token can make themselves new ones, \
              and disabling this one would not lock them out.",
    },
    Powerful {
        code: "platform-account-management",
        name: "Platform Account Management",
        why: "It reaches every account on the platform, with their users and API tokens.",
    },
    Powerful {
        code: "account-management",
        name: "Account Management",
        why: "It can change the account's profile, buyers and licensees.",
    },
    Powerful {
        code: "extensions",
        name: "Extensions",
        why: "It can install and run extensions, which then act for the account.",
    },
];

/// Why a module can do harm, when it can; `None` for the others.
pub(crate) fn harm_of(code: Option<&str>, name: &str) -> Option<&'static str> {
    POWERFUL
        .iter()
        .find(|module| match code {
            Some(code) => module.code.eq_ignore_ascii_case(code),
            None => module.name.eq_ignore_ascii_case(name.trim()),
        })
        .map(|module| module.why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_that_can_do_harm_are_known_by_code_or_by_name() {
        assert!(harm_of(Some("access-management"), "whatever").is_some_and(|why| why.contains("new ones")));
        assert!(harm_of(None, "Platform Account Management").is_some());
        assert!(harm_of(None, " access management ").is_some(), "names match whatever their case and spaces");
        assert_eq!(harm_of(Some("billing"), "Billing"), None);
        assert_eq!(harm_of(Some("billing"), "Access Management"), None, "a code, when there is one, decides");
    }
}
