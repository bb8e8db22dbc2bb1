//! Guided rotation. The platform has no rotate call, so Token Desk makes one
//! with an overlap window: a new token with the old one's modules and
//! description, then the old one disabled after a grace period the user
//! chooses. The plan is kept on this device, so the disable survives a
//! restart; one that came due while the app was closed is not done behind
//! the user's back but asked about at the next start.
//!
//! Rotating the token a connection signs in with goes in an order that never
//! strands the connection: the new secret is checked with `whoami`, swapped
//! into the keychain, and only then is the old token disabled. A failure at
//! any step takes back what was done and leaves the connection as it was.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::error::DeskError;
use crate::tokens::validation::NAME_MAX_CHARS;
use crate::tokens::views::TokenView;

mod actions;

/// The file the rotations live in.
pub(crate) const FILE_NAME: &str = "rotations.json";

/// Finished rotations stay on show this long.
const KEEP_FINISHED_DAYS: i64 = 7;

/// How long both tokens work side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum GracePeriod {
    /// Disable the old token at once.
    Now,
    /// One hour.
    OneHour,
    /// One day.
    OneDay,
    /// Seven days.
    SevenDays,
}

impl GracePeriod {
    fn length(self) -> Duration {
        match self {
            Self::Now => Duration::zero(),
            Self::OneHour => Duration::hours(1),
            Self::OneDay => Duration::days(1),
            Self::SevenDays => Duration::days(7),
        }
    }
}

/// Where a rotation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RotationState {
    /// Both tokens work; the old one is disabled at `disableAt`.
    Waiting,
    /// The grace period ended while Token Desk was closed: the user decides.
    NeedsAnswer,
    /// The old token is disabled.
    Done,
    /// The user kept both tokens.
    Cancelled,
}

/// A rotation, as the token pages and the list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Rotation {
    /// Its id.
    pub id: String,
    /// The token being replaced.
    pub old_token_id: String,
    /// Its name.
    pub old_name: String,
    /// The token replacing it.
    pub new_token_id: String,
    /// Its name.
    pub new_name: String,
    /// When it began (RFC 3339).
    pub started_at: String,
    /// When the old token is (or was) to be disabled (RFC 3339).
    pub disable_at: String,
    /// Where it stands.
    pub state: RotationState,
    /// When it finished, if it did (RFC 3339).
    pub finished_at: Option<String>,
    /// The last failure to disable the old token, tried again until it works.
    pub problem: Option<String>,
    /// The connection's own token was rotated: its secret was swapped.
    pub sign_in: bool,
}

/// What Rotate… answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RotationStarted {
    /// The plan.
    pub rotation: Rotation,
    /// The new token. Its value is offered once, by copy or reveal, unless
    /// it is the connection's own (then it went straight to the keychain).
    pub new_token: TokenView,
}

/// How a sign-in swap failed.
struct SwapFailure {
    error: DeskError,
    /// The keychain may hold the successor's secret: the successor must stay.
    keep_successor: bool,
}

impl From<DeskError> for SwapFailure {
    fn from(error: DeskError) -> Self {
        Self { error, keep_successor: false }
    }
}

impl From<marketplace_api::Error> for SwapFailure {
    fn from(error: marketplace_api::Error) -> Self {
        DeskError::from(error).into()
    }
}

/// Every rotation, per connection id.
pub(crate) type Rotations = std::collections::BTreeMap<String, Vec<Rotation>>;

/// What the desk keeps for rotations.
pub(crate) struct State {
    /// Rotations under way and recently finished (`rotations.json`, sealed).
    pub(crate) store: crate::storage::local_store::LocalStore<Rotations>,
    /// Held while a rotation is started, finished, cancelled or checked: the
    /// schedule and the user never act on the same rotation at once.
    pub(crate) turn: tokio::sync::Mutex<()>,
    /// Replaces every grace period but "now" (end-to-end tests, which cannot wait an hour).
    pub(crate) grace_override: Option<chrono::Duration>,
}

/// The new token's name: the old one with today's date as a suffix (a date
/// suffix from an earlier rotation is replaced, not stacked), within the
/// platform's length and characters.
pub fn rotated_name(old_name: &str, today: chrono::NaiveDate) -> String {
    let suffix = format!(" {}", today.format("%Y-%m-%d"));
    let trimmed = old_name.trim();
    let base = match trimmed.rsplit_once(' ') {
        Some((head, tail)) if chrono::NaiveDate::parse_from_str(tail, "%Y-%m-%d").is_ok() => head.trim_end(),
        _ => trimmed,
    };
    // Characters the platform refuses in a name become spaces.
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\'' | '"') { c } else { ' ' })
        .collect();
    let room = NAME_MAX_CHARS - suffix.chars().count();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let base: String = cleaned.chars().take(room).collect();
    let base = if base.trim().is_empty() { "Rotated token".to_owned() } else { base.trim_end().to_owned() };
    format!("{base}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_date_suffix_replaces_an_earlier_one_and_fits_the_platform() {
        assert_eq!(rotated_name("CI deploy", day("2026-11-30")), "CI deploy 2026-11-30");
        assert_eq!(rotated_name("CI deploy 2026-01-02", day("2026-11-30")), "CI deploy 2026-11-30");
        assert_eq!(rotated_name("ERP: sync, nightly", day("2026-11-30")), "ERP sync nightly 2026-11-30");
        let long = "x".repeat(NAME_MAX_CHARS);
        let rotated = rotated_name(&long, day("2026-11-30"));
        assert_eq!(rotated.chars().count(), NAME_MAX_CHARS);
        assert!(rotated.ends_with(" 2026-11-30"));
        assert!(crate::tokens::validation::name_problems(&rotated).is_none());
        assert_eq!(rotated_name(":::", day("2026-11-30")), "Rotated token 2026-11-30");
    }
}
