//! "Disable all active tokens…" and its undo.
//!
//! The panic takes a snapshot of exactly which tokens are active, writes it to
//! disk (ids and names, never values), then disables them a few at a time and
//! records what happened to each. "Restore" re-enables exactly the tokens the
//! panic disabled, also after a restart, and skips those deleted or enabled
//! again since. A panic cut short (the app stopped mid-way) leaves tokens
//! whose outcome it never recorded: Restore offers those too, and leaves
//! alone the ones it finds still active.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::DeskError;
use crate::tray::messages::{TrayNotice, TrayQuestion, TrayToken};

mod actions;

/// How many disable (or enable) requests are in flight at once: quick for a
/// few hundred tokens, gentle on the platform's rate limits.
pub const PANIC_CONCURRENCY: usize = 8;

/// The file the snapshots live in (sealed: Restore enables what it lists).
pub(crate) const FILE_NAME: &str = "panic-snapshots.json";

/// What the panic would do, shown in its confirmation before anything happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicPlan {
    /// The connection it acts on.
    pub connection_id: String,
    /// Its name, for the question.
    pub connection_label: String,
    /// Every active token, when the plan was made; the sign-in token among them.
    pub tokens: Vec<TrayToken>,
}

impl PanicPlan {
    /// The token the connection signs in with, when it is active.
    pub fn sign_in_token(&self) -> Option<&TrayToken> {
        self.tokens.iter().find(|token| token.signs_in)
    }

    /// The second way to go ahead the confirmation offers, when the sign-in
    /// token is among the active ones.
    pub fn alternative(&self) -> Option<&'static str> {
        self.sign_in_token().map(|_| "Include it too")
    }

    /// The native confirmation: names the connection and the count, and what
    /// happens to the sign-in token.
    pub fn question(&self) -> TrayQuestion {
        self.question_where("in the tray menu", true)
    }

    /// The window's confirmation: the same, with Restore above the list and the
    /// sign-in token always kept (losing access is for the tray, which asks natively).
    pub fn window_question(&self) -> TrayQuestion {
        self.question_where("above the token list", false)
    }

    fn question_where(&self, restore_is: &str, offers_sign_in: bool) -> TrayQuestion {
        let others = self.tokens.iter().filter(|token| !token.signs_in).count();
        let mut message = format!(
            "This disables {others} active {} on \"{}\" at once. They stop authenticating immediately. \
             \"Restore\" {restore_is} enables exactly these again.",
            plural(others, "token", "tokens"),
            self.connection_label
        );
        if let Some(own) = self.sign_in_token() {
            message.push_str(&format!(
                "\n\nThe token Token Desk signs in with ({}) stays active, so you can restore.",
                own.id
            ));
            if offers_sign_in {
                message.push_str(
                    " Choose \"Include it too\" to disable it last; then Token Desk loses access and cannot restore.",
                );
            }
        }
        TrayQuestion {
            title: format!("Disable all active tokens on \"{}\"?", self.connection_label),
            message,
            confirm_label: format!("Disable {others} {}", plural(others, "token", "tokens")),
        }
    }
}

/// The first step of a panic or a restore from the tray: a question to ask
/// natively before anything happens, or only something to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStart<T> {
    /// Ask this, then run what was planned.
    Ask(T, TrayQuestion),
    /// Nothing to do; tell the user why.
    Tell(TrayNotice),
}

/// What happened to one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "reason")]
pub enum TokenOutcome {
    /// Not attempted yet (the app stopped before it was).
    Pending,
    /// Done.
    Done,
    /// Refused or failed, and why.
    Failed(String),
    /// Left alone, and why.
    Skipped(String),
}

/// A token of a snapshot and what the panic (or the restore) did to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotToken {
    /// `TKN-…`.
    pub id: String,
    /// Its name at the time.
    pub name: String,
    /// What the panic did to it.
    pub outcome: TokenOutcome,
}

/// The record of one panic, kept on disk until it is restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanicSnapshot {
    /// The connection it acted on.
    pub connection_id: String,
    /// When it was taken, in milliseconds since the Unix epoch.
    pub taken_at_ms: u64,
    /// Exactly the tokens that were active, and what happened to each.
    pub tokens: Vec<SnapshotToken>,
}

impl PanicSnapshot {
    /// The tokens the panic disabled, or may have (it stopped before it
    /// recorded their outcome): what "Restore" enables again.
    pub fn disabled(&self) -> impl Iterator<Item = &SnapshotToken> {
        self.tokens.iter().filter(|token| is_restorable(&token.outcome))
    }
}

fn is_restorable(outcome: &TokenOutcome) -> bool {
    matches!(outcome, TokenOutcome::Done | TokenOutcome::Pending)
}

/// "Restore N tokens disabled at HH:MM", for the tray.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOffer {
    /// How many tokens it would enable.
    pub count: usize,
    /// When they were disabled, in milliseconds since the Unix epoch.
    pub taken_at_ms: u64,
    /// Exactly the tokens it would enable: the confirmation names each.
    pub tokens: Vec<SnapshotToken>,
    /// The menu entry's label, in local time; the date too when it was not today.
    pub label: String,
}

/// Most tokens the Restore question names one by one.
const QUESTION_LINES: usize = 15;

impl RestoreOffer {
    /// The offer a snapshot makes, when it has anything to restore.
    fn of(snapshot: &PanicSnapshot, now: chrono::DateTime<chrono::Utc>) -> Option<Self> {
        let tokens: Vec<SnapshotToken> = snapshot.disabled().cloned().collect();
        if tokens.is_empty() {
            return None;
        }
        let label = label_at(tokens.len(), snapshot.taken_at_ms, now);
        Some(RestoreOffer { count: tokens.len(), taken_at_ms: snapshot.taken_at_ms, tokens, label })
    }

    /// The native confirmation: every token it would enable, by name and id,
    /// so that a token the user did not disable is seen before it works again.
    pub fn question(&self, connection_label: &str) -> TrayQuestion {
        let mut lines: Vec<String> =
            self.tokens.iter().take(QUESTION_LINES).map(|token| format!("• {} ({})", token.name, token.id)).collect();
        if self.tokens.len() > QUESTION_LINES {
            lines.push(format!("…and {} more.", self.tokens.len() - QUESTION_LINES));
        }
        TrayQuestion {
            title: format!(
                "Enable {} {} on \"{connection_label}\" again?",
                self.count,
                plural(self.count, "token", "tokens")
            ),
            message: format!(
                "The panic disabled these; they start authenticating again at once:\n\n{}",
                lines.join("\n")
            ),
            confirm_label: format!("Enable {} {}", self.count, plural(self.count, "token", "tokens")),
        }
    }
}

/// "Restore N tokens disabled at HH:MM", in local time; the date too when it was not today.
fn label_at(count: usize, taken_at_ms: u64, now: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::TimeZone;
    let when = i64::try_from(taken_at_ms)
        .ok()
        .and_then(|ms| chrono::Local.timestamp_millis_opt(ms).single())
        .map(|at| {
            if at.date_naive() == now.with_timezone(&chrono::Local).date_naive() {
                at.format("%H:%M").to_string()
            } else {
                at.format("%H:%M on %-d %b").to_string()
            }
        })
        .unwrap_or_else(|| "earlier".to_owned());
    format!("Restore {} {} disabled at {when}", count, plural(count, "token", "tokens"))
}

/// What a panic or a restore did, token by token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    /// Each token and its outcome, in the snapshot's order.
    pub tokens: Vec<SnapshotToken>,
    /// Set when the requests were made but the snapshot could not be saved
    /// afterwards: what Restore offers may then be out of date.
    pub save_error: Option<String>,
}

/// Most failures and skips a notification lists one by one.
const NOTICE_LINES: usize = 10;

impl BatchReport {
    /// How many tokens ended with `outcome`'s kind.
    pub fn count(&self, wanted: fn(&TokenOutcome) -> bool) -> usize {
        self.tokens.iter().filter(|token| wanted(&token.outcome)).count()
    }

    /// The notification: how many were done, then each failure or skip with
    /// its reason (the first few), and a failed save.
    fn notice(&self, verb: &str, connection_label: &str) -> TrayNotice {
        let done = self.count(|outcome| *outcome == TokenOutcome::Done);
        let failed = self.count(|outcome| matches!(outcome, TokenOutcome::Failed(_)));
        let mut lines: Vec<String> = self
            .tokens
            .iter()
            .filter_map(|token| match &token.outcome {
                TokenOutcome::Failed(reason) => Some(format!("{} failed: {reason}", token.name)),
                TokenOutcome::Skipped(reason) => Some(format!("{} skipped: {reason}", token.name)),
                TokenOutcome::Pending | TokenOutcome::Done => None,
            })
            .collect();
        if lines.len() > NOTICE_LINES {
            let more = lines.len() - NOTICE_LINES;
            lines.truncate(NOTICE_LINES);
            lines.push(format!("…and {more} more (see the log)."));
        }
        if let Some(error) = &self.save_error {
            lines.push(format!("The record of what happened could not be saved: {error}"));
        }
        let title = match done {
            0 => format!("No token was {verb} on \"{connection_label}\""),
            1 => format!("1 token {verb} on \"{connection_label}\""),
            _ => format!("{done} tokens {verb} on \"{connection_label}\""),
        };
        let body = if lines.is_empty() { format!("All {done} as asked.") } else { lines.join("\n") };
        TrayNotice { title, body, failed: failed > 0 || self.save_error.is_some() }
    }
}

/// Every kept snapshot, by connection id.
pub(crate) type Snapshots = BTreeMap<String, PanicSnapshot>;

/// What the desk keeps for the panic button.
pub(crate) struct State {
    /// What the panics of each connection disabled and is not restored yet (sealed).
    pub(crate) snapshots: crate::storage::local_store::LocalStore<Snapshots>,
    /// Held by a panic or a restore while it runs: one at a time.
    pub(crate) turn: tokio::sync::Mutex<()>,
    /// The plan each connection's window asked about, run as asked once confirmed.
    pub(crate) asked: std::sync::Mutex<std::collections::HashMap<String, PanicPlan>>,
}

/// The window's first step of a panic or a restore: the question to ask, or
/// only something to tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum BatchPrompt {
    /// Ask this; on Confirm, run it.
    Ask {
        /// The question.
        question: TrayQuestion,
    },
    /// Nothing to do; tell the user this.
    Tell {
        /// What to tell.
        notice: TrayNotice,
    },
}

fn outcome_of(result: Result<(), DeskError>) -> TokenOutcome {
    match result {
        Ok(()) => TokenOutcome::Done,
        Err(error) => TokenOutcome::Failed(error.message),
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}
