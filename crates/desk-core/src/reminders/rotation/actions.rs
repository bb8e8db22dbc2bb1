//! Rotating a token, finishing or cancelling a rotation, and the schedule that ends grace periods.

use crate::desk::{ConnectionSource, Desk};
use crate::error::{DeskError, ErrorKind};
use crate::events::{DeskEvent, TokenChange};
use crate::reminders::review_dates::Reminder;
use crate::tokens::ids::{IdKind, checked};
use crate::tokens::views::TokenView;
use chrono::Duration;
use marketplace_api::{ApiSecret, NewApiToken};

use super::*;

impl Desk {
    /// The rotations of a connection still under way, and those finished in the last week.
    pub async fn rotations(&self, connection_id: &str) -> Result<Vec<Rotation>, DeskError> {
        let cutoff = self.now() - Duration::days(KEEP_FINISHED_DAYS);
        Ok(self
            .rotations
            .store
            .get()
            .await?
            .remove(connection_id)
            .unwrap_or_default()
            .into_iter()
            .filter(|rotation| {
                rotation.finished_at.as_deref().and_then(crate::clock::parse_rfc3339).is_none_or(|at| at >= cutoff)
            })
            .collect())
    }

    /// Rotates a token: creates its successor with the same modules and
    /// description and plans the old one's disable after `grace`. For the
    /// connection's own token, the new secret is checked and swapped into
    /// the keychain before anything else happens to the old one.
    pub async fn rotate_token(
        &self,
        connection_id: &str,
        token_id: &str,
        grace: GracePeriod,
    ) -> Result<RotationStarted, DeskError> {
        self.require_unlocked("rotate a token")?;
        checked(IdKind::Token, token_id)?;
        let _turn = self.rotations.turn.lock().await;
        let source = self.source(connection_id)?;
        let connection = source.connection().clone();
        let sign_in = self.is_own_sign_in(&connection, token_id).await?;
        let client = self.client(connection_id).await?;
        let (old, old_modules) = crate::tokens::actions::read_with_modules(&client, token_id, "rotates").await?;
        if old.status.as_ref().is_some_and(|status| status.as_str() != "Active") {
            let status = old.status.as_ref().map(|status| status.as_str().to_owned()).unwrap_or_default();
            return Err(DeskError::new(
                ErrorKind::Refused,
                format!("{token_id} is {status}: only an active token is rotated. Create a new token instead."),
            ));
        }
        if self
            .rotations(connection_id)
            .await?
            .iter()
            .any(|r| r.old_token_id == old.id && matches!(r.state, RotationState::Waiting | RotationState::NeedsAnswer))
        {
            return Err(DeskError::new(
                ErrorKind::Refused,
                "This token is already being rotated: finish or cancel that rotation first.",
            ));
        }
        let now = self.now();
        let old_name = old.name.clone().unwrap_or_else(|| old.id.clone());
        let account_id =
            old.account.as_ref().map(|account| account.id.clone()).unwrap_or(connection.account.id.clone());
        let created = client
            .create_token(&NewApiToken {
                account_id,
                name: rotated_name(&old_name, now.with_timezone(&chrono::Local).date_naive()),
                description: old.description.clone(),
                icon: None,
                module_ids: old_modules,
            })
            .await?;
        tracing::info!(connection = %connection_id, old = %old.id, new = %created.id, "rotation: successor created");
        // The successor is a sign-in token from the moment the window can hear of it:
        // no reveal may race the swap.
        let successor = crate::connections::sign_ins::SignInToken::new(&connection.base_url, &created.id);
        if sign_in {
            self.keychain.sign_ins.add_pending(successor.clone());
        }
        self.token_changed(connection_id, &created.id, TokenChange::Created);
        if sign_in {
            let swapped = self.swap_sign_in_secret(&source, &created.id).await;
            if let Err(failure) = swapped {
                // Nothing may be left half-done: the successor goes again, unless
                // the keychain may now hold its secret.
                if !failure.keep_successor {
                    self.take_back_successor(connection_id, &created.id).await;
                    self.keychain.sign_ins.remove_pending(&successor);
                }
                return Err(failure.error);
            }
            self.keychain.sign_ins.remove_pending(&successor);
        }
        let mut rotation = Rotation {
            id: uuid::Uuid::new_v4().to_string(),
            old_token_id: old.id.clone(),
            old_name,
            new_token_id: created.id.clone(),
            new_name: created.name.clone().unwrap_or_else(|| created.id.clone()),
            started_at: crate::clock::rfc3339(now),
            disable_at: crate::clock::rfc3339(
                now.checked_add_signed(self.grace_length(grace)).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            ),
            state: RotationState::Waiting,
            finished_at: None,
            problem: None,
            sign_in,
        };
        if grace == GracePeriod::Now {
            rotation = self.disable_old_token(connection_id, rotation).await;
        }
        let kept = rotation.clone();
        let key = connection_id.to_owned();
        if let Err(error) = self.rotations.store.change(move |all| all.entry(key).or_default().push(kept)).await {
            // The rotation happened: say what is left to do rather than that it failed.
            tracing::warn!("a rotation's plan could not be saved: {}", error.message);
            rotation.problem = Some(format!(
                "Token Desk could not save this plan ({}), so it will not disable {} by itself: disable it when you \
                 are ready.",
                error.message, rotation.old_token_id
            ));
        }
        self.notes_changed(connection_id);
        Ok(RotationStarted { rotation, new_token: TokenView::from(&created) })
    }

    /// Disables a rotation's old token now (the answer to "the grace period
    /// ended while Token Desk was closed", or "Disable now" on a token page).
    pub async fn finish_rotation(&self, connection_id: &str, rotation_id: &str) -> Result<Rotation, DeskError> {
        let _turn = self.rotations.turn.lock().await;
        let rotation = self.find_rotation(connection_id, rotation_id).await?;
        if !matches!(rotation.state, RotationState::Waiting | RotationState::NeedsAnswer) {
            return Ok(rotation);
        }
        let done = self.disable_old_token(connection_id, rotation).await;
        self.save_rotation(connection_id, &done).await?;
        match &done.problem {
            Some(problem) if done.state != RotationState::Done => {
                Err(DeskError::new(ErrorKind::Server, format!("The old token is still active: {problem}")))
            }
            _ => Ok(done),
        }
    }

    /// Keeps both tokens: the old one is not disabled.
    pub async fn cancel_rotation(&self, connection_id: &str, rotation_id: &str) -> Result<Rotation, DeskError> {
        self.require_unlocked("keep both tokens")?;
        let _turn = self.rotations.turn.lock().await;
        let mut rotation = self.find_rotation(connection_id, rotation_id).await?;
        if matches!(rotation.state, RotationState::Waiting | RotationState::NeedsAnswer) {
            rotation.state = RotationState::Cancelled;
            rotation.finished_at = Some(crate::clock::rfc3339(self.now()));
            self.save_rotation(connection_id, &rotation).await?;
            tracing::info!(connection = %connection_id, old = %rotation.old_token_id, "rotation cancelled: both tokens stay");
        }
        Ok(rotation)
    }

    /// Disables the old tokens whose grace period ended while the app ran;
    /// those that ended while it was closed become questions for the user.
    pub async fn check_rotations(&self) -> Vec<Reminder> {
        let _turn = self.rotations.turn.lock().await;
        let now = self.now();
        let mut reminders = Vec::new();
        let known: Vec<String> = self.connections().connections.into_iter().map(|c| c.id).collect();
        let all = match self.rotations.store.get().await {
            Ok(all) => all,
            Err(error) => {
                tracing::warn!("rotations not checked: {}", error.message);
                return reminders;
            }
        };
        for (connection_id, rotations) in all {
            if !known.contains(&connection_id) {
                continue;
            }
            for rotation in rotations {
                let due = crate::clock::parse_rfc3339(&rotation.disable_at).is_none_or(|at| at <= now);
                if rotation.state != RotationState::Waiting || !due {
                    continue;
                }
                let came_due_while_closed =
                    crate::clock::parse_rfc3339(&rotation.disable_at).is_none_or(|at| at < self.time.opened_at);
                let (next, reminder) = if came_due_while_closed {
                    let reminder = Reminder {
                        title: format!("Disable {}?", rotation.old_name),
                        body: format!(
                            "Its grace period after the rotation to {} ended while Token Desk was closed. Open it to decide.",
                            rotation.new_name
                        ),
                        connection_id: connection_id.clone(),
                        token_id: rotation.old_token_id.clone(),
                    };
                    (Rotation { state: RotationState::NeedsAnswer, ..rotation }, Some(reminder))
                } else {
                    let had_problem = rotation.problem.is_some();
                    let next = self.disable_old_token(&connection_id, rotation).await;
                    let reminder = match (&next.state, &next.problem) {
                        (RotationState::Done, _) => Some(Reminder {
                            title: format!("{} was disabled", next.old_name),
                            body: format!("Its grace period ended; {} replaces it.", next.new_name),
                            connection_id: connection_id.clone(),
                            token_id: next.old_token_id.clone(),
                        }),
                        (_, Some(problem)) if !had_problem => Some(Reminder {
                            title: format!("{} could not be disabled", next.old_name),
                            body: format!("{problem} Token Desk tries again."),
                            connection_id: connection_id.clone(),
                            token_id: next.old_token_id.clone(),
                        }),
                        _ => None,
                    };
                    (next, reminder)
                };
                match self.save_rotation(&connection_id, &next).await {
                    Ok(()) => reminders.extend(reminder),
                    Err(error) => tracing::warn!("a rotation could not be saved: {}", error.message),
                }
            }
        }
        reminders
    }

    fn grace_length(&self, grace: GracePeriod) -> Duration {
        match (grace, self.rotations.grace_override) {
            (GracePeriod::Now, _) => Duration::zero(),
            (_, Some(length)) => length,
            (grace, None) => grace.length(),
        }
    }

    async fn find_rotation(&self, connection_id: &str, rotation_id: &str) -> Result<Rotation, DeskError> {
        self.rotations
            .store
            .get()
            .await?
            .get(connection_id)
            .and_then(|all| all.iter().find(|rotation| rotation.id == rotation_id).cloned())
            .ok_or_else(|| DeskError::new(ErrorKind::NotFound, "This rotation is no longer on record."))
    }

    async fn save_rotation(&self, connection_id: &str, rotation: &Rotation) -> Result<(), DeskError> {
        let cutoff = self.now() - Duration::days(KEEP_FINISHED_DAYS * 4);
        let rotation = rotation.clone();
        self.rotations
            .store
            .change(|all| {
                let list = all.entry(connection_id.to_owned()).or_default();
                match list.iter_mut().find(|kept| kept.id == rotation.id) {
                    Some(kept) => *kept = rotation,
                    None => list.push(rotation),
                }
                // Old finished rotations are history nobody shows: let them go.
                list.retain(|kept| {
                    kept.finished_at.as_deref().and_then(crate::clock::parse_rfc3339).is_none_or(|at| at >= cutoff)
                });
            })
            .await?;
        self.notes_changed(connection_id);
        Ok(())
    }

    /// Disables the old token; the rotation comes back Done, or still
    /// Waiting with the problem noted.
    async fn disable_old_token(&self, connection_id: &str, mut rotation: Rotation) -> Rotation {
        let result = async {
            let client = self.client(connection_id).await?;
            // The connection's own token is only ever the new one by now: the
            // swap happened before. Never cut the connection off from here.
            let connection = self.connection(connection_id)?;
            if let Some(label) = self.signed_in_elsewhere(&connection, &rotation.old_token_id).await? {
                return Err(DeskError::new(
                    ErrorKind::Refused,
                    format!("\"{label}\" still signs in with the old token, so Token Desk does not disable it."),
                ));
            }
            match client.disable_token(&rotation.old_token_id).await {
                Ok(_) => Ok(()),
                // Disabled or deleted meanwhile: what the rotation wanted is done.
                Err(error) if matches!(error.kind(), marketplace_api::ErrorKind::NotFound) => Ok(()),
                Err(error) => {
                    let still_active = client
                        .get_token(&rotation.old_token_id, &["-token"])
                        .await
                        .map(|token| token.status.as_ref().is_none_or(|status| status.as_str() == "Active"))
                        .unwrap_or(true);
                    if still_active { Err(DeskError::from(error)) } else { Ok(()) }
                }
            }
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!(connection = %connection_id, old = %rotation.old_token_id, "rotation: old token disabled");
                self.token_changed(connection_id, &rotation.old_token_id, TokenChange::Disabled);
                rotation.state = RotationState::Done;
                rotation.finished_at = Some(crate::clock::rfc3339(self.now()));
                rotation.problem = None;
            }
            Err(error) => {
                tracing::warn!(connection = %connection_id, old = %rotation.old_token_id, "rotation: the old token could not be disabled: {}", error.message);
                rotation.problem = Some(error.message);
            }
        }
        rotation
    }

    /// The sign-in swap: read the successor's value, check it with
    /// `whoami`, put it in the keychain (or the demo's memory), and point
    /// the connection at it. Each step is undone if a later one fails.
    async fn swap_sign_in_secret(&self, source: &ConnectionSource, new_token_id: &str) -> Result<(), SwapFailure> {
        let connection = source.connection();
        let client = self.client(&connection.id).await?;
        let mut successor = client.get_token(new_token_id, &[]).await?;
        let secret: ApiSecret = successor.token.take().ok_or_else(|| {
            DeskError::new(ErrorKind::Server, format!("The Marketplace did not send the value of {new_token_id}."))
        })?;
        let demo_ca = match source {
            ConnectionSource::Demo(_) => self.state().demo.as_ref().map(|demo| demo.ca_pem.clone()),
            ConnectionSource::Saved(_) => None,
        };
        let ca = demo_ca.or_else(|| connection.ca_certificate_pem.clone());
        let fresh = self.build_client(&connection.base_url, secret.clone(), ca.as_deref())?;
        let identity = fresh.whoami().await.map_err(|error| {
            let error = DeskError::from(error);
            DeskError::new(
                error.kind,
                format!("The new token could not sign in ({}); nothing was changed.", error.message),
            )
        })?;
        if !identity.token.id.eq_ignore_ascii_case(new_token_id) {
            return Err(DeskError::new(
                ErrorKind::Server,
                format!("The new secret signed in as {}, not {new_token_id}; nothing was changed.", identity.token.id),
            )
            .into());
        }
        match source {
            ConnectionSource::Demo(_) => {
                let mut state = self.state();
                let demo =
                    state.demo.as_mut().ok_or_else(|| crate::connections::types::unknown_connection(&connection.id))?;
                demo.secret = secret;
                demo.connection.token_id = new_token_id.to_owned();
                state.clients.insert(connection.id.clone(), fresh);
            }
            ConnectionSource::Saved(_) => {
                let previous = self.load_secret(connection).await?;
                self.replace_secret(connection, &secret, previous.as_ref(), new_token_id).await?;
                let new_id = new_token_id.to_owned();
                let pointed = self
                    .change_store(|store| store.plan_update(&connection.id, move |saved| saved.token_id = new_id))
                    .await;
                if let Err(error) = pointed {
                    let put_back = match &previous {
                        Some(previous) => self.replace_secret(connection, previous, None, new_token_id).await.is_ok(),
                        None => false,
                    };
                    if !put_back {
                        // The keychain holds the new secret: the connection signs in with the
                        // new token, which must stay.
                        self.state().clients.insert(connection.id.clone(), fresh);
                        return Err(SwapFailure {
                            error: DeskError::new(
                                error.kind,
                                format!(
                                    "The connection could not be updated ({}), and its old secret could not be put \
                                     back: it now signs in with {new_token_id}. Both tokens stay active.",
                                    error.message
                                ),
                            ),
                            keep_successor: true,
                        });
                    }
                    return Err(DeskError::new(
                        error.kind,
                        format!("The connection could not be updated ({}); nothing was changed.", error.message),
                    )
                    .into());
                }
                self.state().clients.insert(connection.id.clone(), fresh);
            }
        }
        tracing::info!(connection = %connection.id, new = %new_token_id, "rotation: the connection signs in with its new token");
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(())
    }

    /// Puts a connection's secret in the keychain, within the keychain's time
    /// limit: an unanswered unlock prompt must not hold the rotation lock (and
    /// with it every scheduled disable). A save that answers late may still
    /// land; then the keychain would hold the successor's secret while the
    /// connection names the old token, so `previous` is put back once it does,
    /// and the successor is kept (its secret may be the one in the keychain).
    async fn replace_secret(
        &self,
        connection: &crate::connections::types::Connection,
        secret: &ApiSecret,
        previous: Option<&ApiSecret>,
        new_token_id: &str,
    ) -> Result<(), SwapFailure> {
        use crate::connections::keychain_calls::{Finished, Purpose};
        let destination = crate::connections::secret_binding::Destination::of(connection);
        let entry = crate::connections::secret_binding::seal(secret, &destination)?;
        let previous_entry =
            previous.map(|previous| crate::connections::secret_binding::seal(previous, &destination)).transpose()?;
        let secrets = std::sync::Arc::clone(&self.keychain.entries);
        let key = connection.id.clone();
        let saved = entry.clone();
        let save = {
            let (secrets, key) = (std::sync::Arc::clone(&secrets), key.clone());
            move || secrets.save(&key, &saved)
        };
        let not_saved = |error: DeskError| {
            DeskError::new(
                error.kind,
                format!(
                    "The new secret could not be saved in the OS keychain ({}); nothing was changed.",
                    error.message
                ),
            )
        };
        match self.keychain.calls.start(Purpose::Change(key.clone()), save).await {
            Finished::InTime(result) => {
                result.map_err(not_saved)?;
                self.keychain.sign_ins.note_sealed(&key, crate::connections::secret_binding::signs_in_with(&entry));
                Ok(())
            }
            Finished::Late(None) => Err(not_saved(self.keychain.calls.stalled()).into()),
            Finished::Late(Some(late)) => {
                let (keychain, sign_ins) =
                    (std::sync::Arc::clone(&self.keychain.calls), std::sync::Arc::clone(&self.keychain.sign_ins));
                tokio::spawn(async move {
                    if !matches!(late.await, Ok(Ok(()))) {
                        return;
                    }
                    // Read again when next needed, whatever the keychain now holds.
                    sign_ins.forget(&key);
                    let put_back = match previous_entry {
                        Some(previous) => {
                            let owned = key.clone();
                            keychain.run(Purpose::Change(key), move || secrets.save(&owned, &previous)).await.is_ok()
                        }
                        None => false,
                    };
                    if !put_back {
                        tracing::warn!("a late keychain save of a rotated secret could not be taken back");
                    }
                });
                Err(SwapFailure {
                    error: DeskError::new(
                        ErrorKind::Keychain,
                        format!(
                            "{} The connection still signs in with its old token. The new token {new_token_id} stays                              active, since the keychain may still save its secret (Token Desk then puts the old one                              back): delete it, or rotate again, once the keychain answers.",
                            self.keychain.calls.stalled().message
                        ),
                    ),
                    keep_successor: true,
                })
            }
        }
    }

    /// Deletes a successor whose rotation failed, so no stray token stays behind.
    async fn take_back_successor(&self, connection_id: &str, new_token_id: &str) {
        let deleted = match self.client(connection_id).await {
            Ok(client) => client.delete_token(new_token_id).await.map_err(DeskError::from),
            Err(error) => Err(error),
        };
        match deleted {
            Ok(()) => self.token_changed(connection_id, new_token_id, TokenChange::Deleted),
            Err(error) => tracing::warn!(
                connection = %connection_id, token = %new_token_id,
                "the unused successor of a failed rotation could not be deleted: {}", error.message
            ),
        }
    }
}
