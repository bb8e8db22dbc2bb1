//! The only place the admin's API secrets are kept: the OS keychain.
//!
//! Secret Service on Linux, Keychain on macOS, Credential Manager on Windows,
//! all through the `keyring` crate. There is deliberately no plaintext fallback:
//! when no keychain can be reached the caller gets a [`KeychainError`] that says
//! what to start or unlock.
//!
//! Every call here blocks (D-Bus round trips, possibly an unlock prompt), so
//! async callers must run them on a blocking thread, never on a runtime worker
//! or the UI thread.

use std::collections::HashMap;
use std::sync::Mutex;

use marketplace_api::ApiSecret;

use crate::redact::redact_secrets;

/// The keychain "service" every Token Desk entry is filed under.
pub const KEYCHAIN_SERVICE: &str = "token-desk";

/// Why the keychain could not do what was asked.
///
/// Messages are written for the person at the keyboard: each says what is
/// wrong and what to do about it. None of them ever contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No credential store could be reached at all.
    #[error(
        "No OS keychain is available ({detail}). Token Desk keeps API secrets only in the \
         keychain: on Linux start a Secret Service provider such as GNOME Keyring or KWallet \
         in your desktop session, then restart Token Desk."
    )]
    Unavailable {
        /// What the platform reported, with any secret redacted.
        detail: String,
    },
    /// The store exists but is locked, or the user or system refused access.
    #[error(
        "The OS keychain is locked or refused access ({detail}). Unlock your login keychain \
         (or allow Token Desk to use it) and try again."
    )]
    Locked {
        /// What the platform reported, with any secret redacted.
        detail: String,
    },
    /// The store answered, but not in a way this app can use.
    #[error("The OS keychain failed: {detail}.")]
    Failed {
        /// What the platform reported, with any secret redacted.
        detail: String,
    },
    /// The store did not answer in time: usually an unlock prompt waiting
    /// for the user, perhaps behind other windows.
    #[error(
        "The OS keychain did not answer within {seconds} s. Look for a prompt asking to unlock your \
         keyring (it may be behind other windows), answer it, and try again."
    )]
    Stalled {
        /// How long Token Desk waited.
        seconds: u64,
    },
}

/// Somewhere secrets can be kept under a key (a connection id).
///
/// The OS keychain in the app; an in-memory store in tests. (The demo's
/// secret never goes through a store: the desk holds it beside its simulator.)
pub trait SecretStore: Send + Sync {
    /// Stores `secret` under `key`, replacing any previous value.
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError>;
    /// Reads the secret under `key`; `Ok(None)` when there is none.
    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError>;
    /// Removes the secret under `key`; `Ok(false)` when there was none.
    fn delete(&self, key: &str) -> Result<bool, KeychainError>;
    /// Every key that holds a secret; `Ok(None)` where the store cannot list
    /// its entries.
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError>;
}

/// The platform's credential store, reached through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct OsKeychain {
    service: String,
}

impl OsKeychain {
    /// A keychain whose entries are filed under [`KEYCHAIN_SERVICE`].
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// A keychain filed under another service name, so test runs never touch
    /// a real user's entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    /// The service name entries are filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, key).map_err(classify)
    }
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretStore for OsKeychain {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        self.entry(key)?.set_password(secret.expose()).map_err(classify)
    }

    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        match self.entry(key)?.get_password() {
            Ok(secret) => Ok(Some(ApiSecret::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(classify(other)),
        }
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(other) => Err(classify(other)),
        }
    }

    /// Lists through the Secret Service's attribute search, reading each
    /// entry's service and user only, never its secret.
    #[cfg(target_os = "linux")]
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        if let Err(error) = keyring::Entry::store_status() {
            return Err(KeychainError::Unavailable { detail: redact_secrets(&error.to_string()).into_owned() });
        }
        let spec = HashMap::from([("service", self.service.as_str())]);
        let entries = match keyring_core::Entry::search(&spec) {
            Ok(entries) => entries,
            Err(keyring::Error::NotSupportedByStore(_)) => return Ok(None),
            Err(other) => return Err(classify(other)),
        };
        Ok(Some(
            entries
                .iter()
                .filter_map(|entry| entry.get_specifiers())
                .filter(|(service, _)| *service == self.service)
                .map(|(_, user)| user)
                .collect(),
        ))
    }

    /// The macOS and Windows stores search differently (and, on macOS,
    /// reading an entry's attributes reads its secret): nothing is listed there.
    #[cfg(not(target_os = "linux"))]
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        Ok(None)
    }
}

/// Sorts the keyring crate's errors into what the user can act on.
fn classify(error: keyring::Error) -> KeychainError {
    let detail = redact_secrets(&error.to_string()).into_owned();
    match error {
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) => KeychainError::Unavailable { detail },
        keyring::Error::NoStorageAccess(_) => KeychainError::Locked { detail },
        _ => KeychainError::Failed { detail },
    }
}

/// A store that lives and dies with the process.
///
/// Used by tests that are not about the keychain itself.
#[derive(Default)]
pub struct InMemoryStore {
    secrets: Mutex<HashMap<String, ApiSecret>>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.secrets().len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.secrets().is_empty()
    }

    fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<String, ApiSecret>> {
        // A panic while holding this lock cannot leave the map half-written
        // (every operation is a single insert/remove), so a poisoned lock is
        // still safe to use.
        self.secrets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for InMemoryStore {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        self.secrets().insert(key.to_owned(), secret.clone());
        Ok(())
    }

    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        Ok(self.secrets().get(key).cloned())
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        Ok(self.secrets().remove(key).is_some())
    }

    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        Ok(Some(self.secrets().keys().cloned().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_round_trips_and_deletes() {
        let store = InMemoryStore::new();
        let secret = ApiSecret::new("idt:TKN-1111-2222:abc");
        assert!(store.load("conn-1").expect("load").is_none());
        store.save("conn-1", &secret).expect("save");
        let loaded = store.load("conn-1").expect("load").expect("present");
        assert_eq!(loaded.expose(), "idt:TKN-1111-2222:abc");
        assert!(store.delete("conn-1").expect("delete"));
        assert!(!store.delete("conn-1").expect("second delete"), "nothing left to delete");
        assert!(store.load("conn-1").expect("load").is_none());
    }

    #[test]
    fn no_store_is_reported_as_unavailable_with_a_fix() {
        let error = classify(keyring::Error::NoDefaultStore);
        assert!(matches!(error, KeychainError::Unavailable { .. }));
        let message = error.to_string();
        assert!(message.contains("GNOME Keyring"), "{message}");
        assert!(message.contains("never") || message.contains("only in the keychain"), "{message}");
    }

    #[test]
    fn refused_access_is_reported_as_locked() {
        let platform: Box<dyn std::error::Error + Send + Sync> = "collection is locked".into();
        let error = classify(keyring::Error::NoStorageAccess(platform));
        assert!(matches!(error, KeychainError::Locked { .. }));
        assert!(error.to_string().contains("Unlock"));
    }

    #[test]
    fn error_details_never_carry_a_secret() {
        let leaky: Box<dyn std::error::Error + Send + Sync> =
            format!("failed to store idt:TKN-1234-5678:{}", "SuperSecretValue".repeat(2)).into();
        let error = classify(keyring::Error::PlatformFailure(leaky));
        let message = error.to_string();
        assert!(!message.contains("SuperSecretValue"), "{message}");
        assert!(message.contains("TKN-1234-5678"), "{message}");
    }
}
