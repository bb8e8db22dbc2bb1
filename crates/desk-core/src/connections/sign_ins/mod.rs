//! Which tokens Token Desk signs in with. Their values are the admin's own
//! secrets: never shown or copied from here, and never disabled without a
//! warning. `connections.json` names each connection's token, but any program
//! running as the user can edit it, so the keychain entries (sealed with the
//! token and its address) are read too, once per connection and run. During a
//! rotation of a sign-in token, its successor counts from the moment it exists
//! and the old token until its grace period is over.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::connections::types::Connection;

mod actions;

/// A token some connection signs in with, and the Marketplace it signs in at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignInToken {
    place: String,
    token_id: String,
}

impl SignInToken {
    /// The token `token_id` at the API address `base_url` (both normalised).
    pub(crate) fn new(base_url: &str, token_id: &str) -> Self {
        Self { place: normalized_place(base_url), token_id: token_id.to_ascii_uppercase() }
    }

    /// Whether this is `token_id` at `base_url`.
    pub(crate) fn is(&self, base_url: &str, token_id: &str) -> bool {
        self.token_id.eq_ignore_ascii_case(token_id) && self.place == normalized_place(base_url)
    }
}

/// What is known of the sign-in tokens beyond the connections file.
#[derive(Default)]
pub(crate) struct SignIns {
    /// Per saved connection id, what its keychain entry says (`None`: no entry).
    sealed: Mutex<HashMap<String, Option<SignInToken>>>,
    /// Successors of a sign-in token, from creation until the swap settles.
    pending: Mutex<Vec<SignInToken>>,
}

impl SignIns {
    /// Notes what connection `key`'s keychain `entry` signs in with.
    /// (`token` comes from `secret_binding::signs_in_with`.)
    pub(crate) fn note_sealed(&self, key: &str, token: Option<SignInToken>) {
        lock(&self.sealed).insert(key.to_owned(), token);
    }

    /// Forgets connection `key`'s entry: it is read again when next needed.
    pub(crate) fn forget(&self, key: &str) {
        lock(&self.sealed).remove(key);
    }

    /// A successor now counts as a sign-in token.
    pub(crate) fn add_pending(&self, token: SignInToken) {
        lock(&self.pending).push(token);
    }

    /// A successor's swap settled: the keychain entry now speaks for it.
    pub(crate) fn remove_pending(&self, token: &SignInToken) {
        lock(&self.pending).retain(|pending| pending != token);
    }

    fn unknown<'a>(&self, saved: &'a [Connection]) -> Vec<&'a Connection> {
        let sealed = lock(&self.sealed);
        saved.iter().filter(|connection| !connection.demo && !sealed.contains_key(&connection.id)).collect()
    }

    /// The id of a connection whose keychain entry signs in with `token_id` at `base_url`.
    fn sealed_match(&self, base_url: &str, token_id: &str) -> Option<String> {
        lock(&self.sealed)
            .iter()
            .find(|(_, token)| token.as_ref().is_some_and(|token| token.is(base_url, token_id)))
            .map(|(id, _)| id.clone())
    }

    fn pending_match(&self, base_url: &str, token_id: &str) -> bool {
        lock(&self.pending).iter().any(|token| token.is(base_url, token_id))
    }

    /// The token connection `key`'s keychain entry signs in with, if read.
    fn sealed_token_of(&self, key: &str) -> Option<String> {
        lock(&self.sealed).get(key).cloned().flatten().map(|token| token.token_id)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Which sign-in tokens a check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counting {
    /// The tokens connections sign in with now.
    Current,
    /// Those, and a sign-in token's successor and predecessor while a rotation
    /// is under way: what a value check counts.
    WithRotations,
}

/// Whether `token_id` is the token a saved connection to the same Marketplace
/// signs in with (ids compared without regard to case).
pub(crate) fn signs_in(
    connections: &[crate::connections::types::Connection],
    base_url: &str,
    token_id: &str,
) -> Option<String> {
    connections
        .iter()
        .find(|c| same_marketplace(&c.base_url, base_url) && c.token_id.eq_ignore_ascii_case(token_id))
        .map(|c| c.label.clone())
}

/// Whether two API addresses name the same Marketplace, compared as the client
/// normalises them: `:443`, a trailing `/public/v1` or a capital letter must not
/// make the same Marketplace look like another one.
pub(crate) fn same_marketplace(a: &str, b: &str) -> bool {
    normalized_place(a) == normalized_place(b)
}

/// An API address as the client sends to it.
pub(crate) fn normalized_place(url: &str) -> String {
    marketplace_api::normalized_base_url(url).unwrap_or_else(|| url.trim().trim_end_matches('/').to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(base_url: &str, token_id: &str) -> Connection {
        Connection {
            id: "c1".into(),
            label: "Production".into(),
            environment: crate::connections::environment::Environment::Production,
            base_url: base_url.into(),
            token_id: token_id.into(),
            account: crate::connections::types::AccountSummary {
                id: "ACC-1234-5678".into(),
                name: "A".into(),
                account_type: "Vendor".into(),
            },
            colour: "#2563eb".into(),
            demo: false,
            ca_certificate_pem: None,
        }
    }

    #[test]
    fn the_same_marketplace_written_differently_is_the_same_place() {
        let saved = [connection("https://api.platform.softwareone.com", "TKN-1111-2222")];
        for other in [
            "https://api.platform.softwareone.com:443",
            "https://API.platform.softwareone.com/public/v1",
            "https://api.platform.softwareone.com/public/",
            " https://api.platform.softwareone.com/ ",
        ] {
            assert_eq!(signs_in(&saved, other, "tkn-1111-2222").as_deref(), Some("Production"), "{other}");
        }
        assert_eq!(signs_in(&saved, "https://api.s1.show", "TKN-1111-2222"), None, "another Marketplace");
        assert_eq!(signs_in(&saved, "https://api.platform.softwareone.com:8443", "TKN-1111-2222"), None);
        assert_eq!(signs_in(&saved, "https://api.platform.softwareone.com", "TKN-1111-3333"), None);
    }
}
