//! Which tokens Token Desk signs in with. Their values are the admin's own
//! secrets: never shown or copied from here, and never disabled without a
//! warning. `connections.json` names each connection's token, but any program
//! running as the user can edit it, so the keychain entries (sealed with the
//! token and its address) are read too, once per connection and run. During a
//! rotation of a sign-in token, its successor counts from the moment it exists
//! and the old token until its grace period is over.

use std::collections::HashMap;
use std::sync::Mutex;

use marketplace_api::ApiSecret;

use crate::connections::Connection;
use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::rotation::RotationState;
use crate::token_actions::{normalized_place, signs_in};

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
    pub(crate) fn note_sealed(&self, key: &str, entry: Option<&ApiSecret>) {
        let token = entry.and_then(crate::secret_binding::signs_in_with);
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

impl Desk {
    /// The label of a connection (or of the rotation) that signs in with
    /// `token_id` at `connection`'s Marketplace, if any. Fails only when a
    /// keychain entry that could say so cannot be read.
    pub(crate) async fn sign_in_label(
        &self,
        connection: &Connection,
        token_id: &str,
        counting: Counting,
    ) -> Result<Option<String>, DeskError> {
        let listed = self.connections().connections;
        if let Some(label) = signs_in(&listed, &connection.base_url, token_id) {
            return Ok(Some(label));
        }
        self.learn_sealed_sign_ins(&listed).await?;
        let label_of = |id: &str| listed.iter().find(|c| c.id == id).map(|c| c.label.clone());
        if let Some(id) = self.sign_ins.sealed_match(&connection.base_url, token_id) {
            return Ok(Some(label_of(&id).unwrap_or_else(|| "a saved connection".to_owned())));
        }
        if counting == Counting::Current {
            return Ok(None);
        }
        if self.sign_ins.pending_match(&connection.base_url, token_id) {
            return Ok(Some(format!("{} (being rotated)", connection.label)));
        }
        for (connection_id, rotations) in self.rotations_store.get().await? {
            let Some(rotated) = listed.iter().find(|c| c.id == connection_id) else { continue };
            let under_way = rotations.iter().any(|rotation| {
                rotation.sign_in
                    && matches!(rotation.state, RotationState::Waiting | RotationState::NeedsAnswer)
                    && (rotation.old_token_id.eq_ignore_ascii_case(token_id)
                        || rotation.new_token_id.eq_ignore_ascii_case(token_id))
            });
            if under_way && crate::token_actions::same_marketplace(&rotated.base_url, &connection.base_url) {
                return Ok(Some(format!("{} (during its rotation's grace period)", rotated.label)));
            }
        }
        Ok(None)
    }

    /// Whether `token_id` is the token `connection` itself signs in with, by
    /// the file or by its keychain entry.
    pub(crate) async fn is_own_sign_in(&self, connection: &Connection, token_id: &str) -> Result<bool, DeskError> {
        if connection.token_id.eq_ignore_ascii_case(token_id) {
            return Ok(true);
        }
        if connection.demo {
            return Ok(false);
        }
        self.learn_sealed_sign_ins(std::slice::from_ref(connection)).await?;
        Ok(self.sign_ins.sealed_token_of(&connection.id).is_some_and(|own| own.eq_ignore_ascii_case(token_id)))
    }

    /// Refuses a value of a token some connection signs in with, or may as a
    /// rotation settles.
    pub(crate) async fn refuse_sign_in_value(&self, connection: &Connection, token_id: &str) -> Result<(), DeskError> {
        let Some(label) = self.sign_in_label(connection, token_id, Counting::WithRotations).await? else {
            return Ok(());
        };
        Err(DeskError::new(
            ErrorKind::Refused,
            format!(
                "{token_id} is the token \"{label}\" signs in with: its value is your own secret, so Token Desk neither shows nor copies it."
            ),
        ))
    }

    /// Reads, once per run, the keychain entry of each saved connection in
    /// `connections` not read yet.
    async fn learn_sealed_sign_ins(&self, connections: &[Connection]) -> Result<(), DeskError> {
        for connection in self.sign_ins.unknown(connections) {
            self.read_entry(&connection.id).await.map_err(|error| {
                DeskError::new(
                    error.kind,
                    format!(
                        "Token Desk could not check which token \"{}\" signs in with, so it does not go on: {}",
                        connection.label, error.message
                    ),
                )
            })?;
        }
        Ok(())
    }
}
