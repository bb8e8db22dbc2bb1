//! The checks that keep a sign-in token's value and access safe.

use crate::connections::types::Connection;
use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::reminders::rotation::RotationState;

use super::*;

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
        if let Some(id) = self.keychain.sign_ins.sealed_match(&connection.base_url, token_id) {
            return Ok(Some(label_of(&id).unwrap_or_else(|| "a saved connection".to_owned())));
        }
        if counting == Counting::Current {
            return Ok(None);
        }
        if self.keychain.sign_ins.pending_match(&connection.base_url, token_id) {
            return Ok(Some(format!("{} (being rotated)", connection.label)));
        }
        for (connection_id, rotations) in self.rotations.store.get().await? {
            let Some(rotated) = listed.iter().find(|c| c.id == connection_id) else { continue };
            let under_way = rotations.iter().any(|rotation| {
                rotation.sign_in
                    && matches!(rotation.state, RotationState::Waiting | RotationState::NeedsAnswer)
                    && (rotation.old_token_id.eq_ignore_ascii_case(token_id)
                        || rotation.new_token_id.eq_ignore_ascii_case(token_id))
            });
            if under_way && same_marketplace(&rotated.base_url, &connection.base_url) {
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
        Ok(self.keychain.sign_ins.sealed_token_of(&connection.id).is_some_and(|own| own.eq_ignore_ascii_case(token_id)))
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
        for connection in self.keychain.sign_ins.unknown(connections) {
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
