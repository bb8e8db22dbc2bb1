//! Setting review dates, and the schedule that reminds and disables on them.

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::tokens::ids::{IdKind, checked};

use super::*;

impl Desk {
    /// Every review date of a connection's tokens.
    pub async fn review_dates(&self, connection_id: &str) -> Result<Vec<TokenReview>, DeskError> {
        let today = today(self.now());
        Ok(self
            .reviews
            .store
            .get()
            .await?
            .get(connection_id)
            .map(|tokens| tokens.iter().map(|(id, entry)| view(id, entry, today)).collect())
            .unwrap_or_default())
    }

    /// Sets (or, with `None`, removes) a token's review date. A new date
    /// starts its reminders afresh.
    pub async fn set_review_by(
        &self,
        connection_id: &str,
        token_id: &str,
        review: Option<ReviewBy>,
    ) -> Result<Option<TokenReview>, DeskError> {
        self.require_unlocked("set a review date")?;
        checked(IdKind::Token, token_id)?;
        let connection = self.connection(connection_id)?;
        let today = today(self.now());
        let entry = match review {
            None => None,
            Some(review) => {
                let date = checked_date(&review.date, today)?;
                if review.disable_at_date
                    && let Some(label) = self.signed_in_elsewhere(&connection, token_id).await?
                {
                    return Err(DeskError::invalid_field(
                        "disableAtDate",
                        format!(
                            "\"{label}\" signs in with this token: disabling it on the date would cut that connection \
                             off. Rotate it instead."
                        ),
                    ));
                }
                let token = self.client(connection_id).await?.get_token(token_id, &["-token"]).await?;
                // The same date again (only the option changed): its reminders were given already.
                let kept = self.review_entry(connection_id, token_id).await?.filter(|kept| kept.date == date);
                Some(ReviewEntry {
                    date,
                    disable_at_date: review.disable_at_date,
                    reminded: kept.as_ref().and_then(|kept| kept.reminded),
                    disable_outcome: kept.and_then(|kept| kept.disable_outcome).filter(|_| review.disable_at_date),
                    token_name: token.name.unwrap_or_else(|| token_id.to_owned()),
                })
            }
        };
        let (connection_key, token_key) = (connection_id.to_owned(), token_id.to_owned());
        let saved = self
            .reviews
            .store
            .change(move |dates| {
                let tokens = dates.entry(connection_key.clone()).or_default();
                match entry {
                    Some(entry) => {
                        tokens.insert(token_key.clone(), entry.clone());
                        Some(entry)
                    }
                    None => {
                        tokens.remove(&token_key);
                        if tokens.is_empty() {
                            dates.remove(&connection_key);
                        }
                        None
                    }
                }
            })
            .await?;
        tracing::info!(connection = %connection_id, token = %token_id, set = saved.is_some(), "review date changed");
        self.notes_changed(connection_id);
        Ok(saved.map(|entry| view(token_id, &entry, today)))
    }

    /// Gives the reminders that are due and not given yet, and disables the
    /// tokens whose date came with "disable at the date". Each reminder is
    /// given once: it is recorded before it is returned.
    pub async fn check_review_dates(&self) -> Vec<Reminder> {
        let today = today(self.now());
        let known: Vec<String> = self.connections().connections.into_iter().map(|c| c.id).collect();
        let mut reminders = Vec::new();
        let all = match self.reviews.store.get().await {
            Ok(all) => all,
            Err(error) => {
                tracing::warn!("review dates not checked: {}", error.message);
                return reminders;
            }
        };
        for (connection_id, tokens) in all {
            if !known.contains(&connection_id) {
                continue;
            }
            for (token_id, snapshot) in tokens {
                // The user may have changed or removed it while earlier tokens were handled.
                let Ok(Some(entry)) = self
                    .review_entry(&connection_id, &token_id)
                    .await
                    .map(|entry| entry.filter(|entry| *entry == snapshot))
                else {
                    continue;
                };
                let stage = ReviewStage::of((entry.date - today).num_days());
                if entry.disable_at_date
                    && stage == ReviewStage::Due
                    && entry.disable_outcome.as_ref().is_none_or(|outcome| !outcome.disabled)
                    && let Some(told) = self.disable_on_review_date(&connection_id, &token_id, &entry).await
                {
                    // "Disabled on its review date" says it is due: one notification, not two.
                    let _ = self.change_review(&connection_id, &token_id, |kept| kept.reminded = Some(stage)).await;
                    reminders.push(told);
                    continue;
                }
                if stage == ReviewStage::Later || entry.reminded.is_some_and(|given| given >= stage) {
                    continue;
                }
                if !self.still_there(&connection_id, &token_id).await {
                    continue;
                }
                let reminder = reminder_for(&connection_id, &token_id, &entry, stage, today);
                let recorded = self
                    .change_review(&connection_id, &token_id, |kept| {
                        // The date may have changed meanwhile: only the date this was for.
                        if kept.date == entry.date {
                            kept.reminded = Some(stage);
                        }
                    })
                    .await;
                match recorded {
                    Ok(()) => {
                        reminders.push(reminder);
                        self.notes_changed(&connection_id);
                    }
                    // Not recorded means it would fire again: skip it until it can be recorded.
                    Err(error) => tracing::warn!("a review reminder was held back: {}", error.message),
                }
            }
        }
        reminders
    }

    async fn disable_on_review_date(
        &self,
        connection_id: &str,
        token_id: &str,
        entry: &ReviewEntry,
    ) -> Option<Reminder> {
        let name = &entry.token_name;
        let result = async {
            let connection = self.connection(connection_id)?;
            if let Some(label) = self.signed_in_elsewhere(&connection, token_id).await? {
                return Err(DeskError::new(
                    ErrorKind::Refused,
                    format!("\"{label}\" signs in with it, so Token Desk does not disable it; rotate it instead."),
                ));
            }
            let client = self.client(connection_id).await?;
            let current = client.get_token(token_id, &["-token"]).await?;
            if current.status.as_ref().is_some_and(|status| status.as_str() != "Active") {
                return Ok::<bool, DeskError>(false);
            }
            client.disable_token(token_id).await?;
            Ok(true)
        }
        .await;
        let at = crate::clock::rfc3339(self.now());
        let (outcome, reminder) = match result {
            Ok(acted) => {
                if acted {
                    tracing::info!(connection = %connection_id, token = %token_id, "token disabled on its review date");
                    self.token_changed(connection_id, token_id, crate::events::TokenChange::Disabled);
                }
                let message = if acted {
                    format!("Disabled on its review date, {}.", entry.date)
                } else {
                    "It was no longer active on its review date; nothing to disable.".to_owned()
                };
                let reminder = acted.then(|| Reminder {
                    title: format!("{name} was disabled"),
                    body: format!(
                        "Its review date, {}, came; Token Desk disabled {token_id} as you asked.",
                        entry.date
                    ),
                    connection_id: connection_id.to_owned(),
                    token_id: token_id.to_owned(),
                });
                (DisableOutcome { at, disabled: true, message }, reminder)
            }
            Err(error) if error.kind == ErrorKind::NotFound => {
                // The token is gone: so is its date.
                self.forget_review(connection_id, token_id).await;
                return None;
            }
            Err(error) => {
                tracing::warn!(connection = %connection_id, token = %token_id, "the review-date disable failed: {}", error.message);
                let first_failure = entry.disable_outcome.is_none();
                let message = format!("Token Desk could not disable it: {} It tries again.", error.message);
                let reminder = first_failure.then(|| Reminder {
                    title: format!("{name} could not be disabled"),
                    body: message.clone(),
                    connection_id: connection_id.to_owned(),
                    token_id: token_id.to_owned(),
                });
                (DisableOutcome { at, disabled: false, message }, reminder)
            }
        };
        let date = entry.date;
        if let Err(error) = self
            .change_review(connection_id, token_id, move |kept| {
                if kept.date == date {
                    kept.disable_outcome = Some(outcome);
                }
            })
            .await
        {
            tracing::warn!("what the review-date disable did could not be saved: {}", error.message);
        }
        self.notes_changed(connection_id);
        reminder
    }

    /// The entry kept for a token, as it is now.
    async fn review_entry(&self, connection_id: &str, token_id: &str) -> Result<Option<ReviewEntry>, DeskError> {
        Ok(self.reviews.store.get().await?.get(connection_id).and_then(|tokens| tokens.get(token_id).cloned()))
    }

    /// Whether the token still exists; a deleted one loses its date (and its
    /// reminders). Anything but "not found" counts as there: a network fault
    /// must not drop a date.
    async fn still_there(&self, connection_id: &str, token_id: &str) -> bool {
        let found = match self.client(connection_id).await {
            Ok(client) => client.get_token(token_id, &["-token"]).await.map_err(DeskError::from),
            Err(error) => Err(error),
        };
        match found {
            Err(error) if error.kind == ErrorKind::NotFound => {
                self.forget_review(connection_id, token_id).await;
                false
            }
            _ => true,
        }
    }

    /// Drops a token's date, if it has one (the token was deleted).
    pub(crate) async fn forget_review(&self, connection_id: &str, token_id: &str) {
        if self.review_entry(connection_id, token_id).await.is_ok_and(|entry| entry.is_none()) {
            return;
        }
        match self.set_review_by(connection_id, token_id, None).await {
            Ok(_) => {
                tracing::info!(connection = %connection_id, token = %token_id, "review date dropped: the token is gone")
            }
            Err(error) => tracing::warn!("the review date of a deleted token could not be dropped: {}", error.message),
        }
    }

    async fn change_review(
        &self,
        connection_id: &str,
        token_id: &str,
        change: impl FnOnce(&mut ReviewEntry),
    ) -> Result<(), DeskError> {
        self.reviews
            .store
            .change(|dates| {
                if let Some(entry) = dates.get_mut(connection_id).and_then(|tokens| tokens.get_mut(token_id)) {
                    change(entry);
                }
            })
            .await
    }
}
