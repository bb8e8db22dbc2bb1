//! Review-by dates: the expiry the platform does not have, kept on this
//! device. A token gets a date by which someone should look at it again;
//! reminders fire 30, 7 and 1 days ahead and when it is due, each once (a
//! run missed while the app was closed fires at the next start, as one
//! reminder of the most urgent stage). A token may also be disabled on its
//! date, which the app does while it runs.

use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::ids::{IdKind, checked};
use crate::local_store::PerToken;

/// The file the dates live in.
pub(crate) const FILE_NAME: &str = "review-dates.json";

/// How far ahead reminders fire, most distant first.
pub const REMINDER_DAYS: [i64; 3] = [30, 7, 1];

/// What the token page sets.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewBy {
    /// The date (`YYYY-MM-DD`, the user's calendar).
    pub date: String,
    /// Disable the token on that date (while Token Desk runs, or at its next start).
    #[serde(default)]
    pub disable_at_date: bool,
}

/// How close a review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ReviewStage {
    /// More than 30 days away.
    Later,
    /// Within 30 days.
    Within30Days,
    /// Within 7 days.
    Within7Days,
    /// Tomorrow.
    Tomorrow,
    /// Today, or past.
    Due,
}

impl ReviewStage {
    fn of(days_left: i64) -> Self {
        match days_left {
            ..=0 => Self::Due,
            1 => Self::Tomorrow,
            2..=7 => Self::Within7Days,
            8..=30 => Self::Within30Days,
            _ => Self::Later,
        }
    }
}

/// What the "disable at the date" option did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DisableOutcome {
    /// When it acted (RFC 3339).
    pub at: String,
    /// True: the token is disabled. False: the disable failed; it is tried again.
    pub disabled: bool,
    /// What happened, in words.
    pub message: String,
}

/// A token's review date as the list and the token page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenReview {
    /// The token (`TKN-…`).
    pub token_id: String,
    /// The date (`YYYY-MM-DD`).
    pub date: String,
    /// Whole days from today to the date (negative: overdue).
    pub days_left: i32,
    /// How close it is.
    pub stage: ReviewStage,
    /// Disable the token on the date.
    pub disable_at_date: bool,
    /// What the disable did, once it acted.
    pub disable_outcome: Option<DisableOutcome>,
}

/// A reminder for the desktop's notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    /// The notification's title.
    pub title: String,
    /// Its text.
    pub body: String,
    /// The connection the token belongs to.
    pub connection_id: String,
    /// The token a click opens.
    pub token_id: String,
}

/// What is kept per token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReviewEntry {
    date: NaiveDate,
    #[serde(default)]
    disable_at_date: bool,
    /// The most urgent reminder already given for this date.
    #[serde(default)]
    reminded: Option<ReviewStage>,
    #[serde(default)]
    disable_outcome: Option<DisableOutcome>,
    /// The token's name when the date was set, for reminders.
    #[serde(default)]
    token_name: String,
}

/// Every review date, per connection and token.
pub(crate) type ReviewDates = PerToken<ReviewEntry>;

/// Today, on the user's calendar.
fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Local).date_naive()
}

fn view(token_id: &str, entry: &ReviewEntry, today: NaiveDate) -> TokenReview {
    let days_left = (entry.date - today).num_days();
    TokenReview {
        token_id: token_id.to_owned(),
        date: entry.date.to_string(),
        days_left: i32::try_from(days_left).unwrap_or(if days_left < 0 { i32::MIN } else { i32::MAX }),
        stage: ReviewStage::of(days_left),
        disable_at_date: entry.disable_at_date,
        disable_outcome: entry.disable_outcome.clone(),
    }
}

/// The date a form sent, refused when it is not a date or is already past.
fn checked_date(text: &str, today: NaiveDate) -> Result<NaiveDate, DeskError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        DeskError::invalid_field("reviewBy", format!("\"{}\" is not a date like 2027-03-31.", text.trim()))
    })?;
    if date < today {
        return Err(DeskError::invalid_field("reviewBy", "Choose today or a later date."));
    }
    Ok(date)
}

impl Desk {
    /// Every review date of a connection's tokens.
    pub async fn review_dates(&self, connection_id: &str) -> Result<Vec<TokenReview>, DeskError> {
        let today = today(self.now());
        Ok(self
            .review_dates
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
            .review_dates
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
        let all = match self.review_dates.get().await {
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
        Ok(self.review_dates.get().await?.get(connection_id).and_then(|tokens| tokens.get(token_id).cloned()))
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
        self.review_dates
            .change(|dates| {
                if let Some(entry) = dates.get_mut(connection_id).and_then(|tokens| tokens.get_mut(token_id)) {
                    change(entry);
                }
            })
            .await
    }
}

fn reminder_for(
    connection_id: &str,
    token_id: &str,
    entry: &ReviewEntry,
    stage: ReviewStage,
    today: NaiveDate,
) -> Reminder {
    let name = &entry.token_name;
    let days = (entry.date - today).num_days();
    let when = match days {
        ..=-1 => format!("was due on {} ({} days ago)", entry.date, -days),
        0 => "is due today".to_owned(),
        1 => "is due tomorrow".to_owned(),
        _ => format!("is due in {days} days, on {}", entry.date),
    };
    let then =
        if entry.disable_at_date && stage != ReviewStage::Due { " Token Desk disables it on that date." } else { "" };
    Reminder {
        title: if stage == ReviewStage::Due { format!("Review {name} now") } else { format!("Review {name} soon") },
        body: format!("The review of {name} ({token_id}) {when}.{then}"),
        connection_id: connection_id.to_owned(),
        token_id: token_id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_reminder_days() {
        assert_eq!(ReviewStage::of(31), ReviewStage::Later);
        assert_eq!(ReviewStage::of(30), ReviewStage::Within30Days);
        assert_eq!(ReviewStage::of(8), ReviewStage::Within30Days);
        assert_eq!(ReviewStage::of(7), ReviewStage::Within7Days);
        assert_eq!(ReviewStage::of(1), ReviewStage::Tomorrow);
        assert_eq!(ReviewStage::of(0), ReviewStage::Due);
        assert_eq!(ReviewStage::of(-3), ReviewStage::Due);
    }

    #[test]
    fn a_date_must_be_a_date_and_not_past() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert!(checked_date("2026-11-30", today).is_ok());
        let past = checked_date("2026-11-29", today).expect_err("past");
        assert!(past.message.contains("today or a later"), "{}", past.message);
        let garbage = checked_date("30/11/2026", today).expect_err("not ISO");
        assert_eq!(garbage.field_errors[0].field.as_deref(), Some("reviewBy"));
    }
}
