//! Review-by dates: the expiry the platform does not have, kept on this
//! device. A token gets a date by which someone should look at it again;
//! reminders fire 30, 7 and 1 days ahead and when it is due, each once (a
//! run missed while the app was closed fires at the next start, as one
//! reminder of the most urgent stage). A token may also be disabled on its
//! date, which the app does while it runs.

use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::DeskError;
use crate::storage::local_store::PerToken;

mod actions;

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

impl Reminder {
    /// The same reminder for a shared screen (presenting): no token name; a
    /// click still opens the token.
    pub fn without_names(self) -> Self {
        Self {
            title: "Token Desk: a token needs attention".into(),
            body: "Details are hidden while presenting; open Token Desk to see them.".into(),
            ..self
        }
    }
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

/// What the desk keeps for review dates.
pub(crate) struct State {
    /// Every review date (`review-dates.json`, sealed).
    pub(crate) store: crate::storage::local_store::LocalStore<ReviewDates>,
}

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
