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
use std::time::SystemTime;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::clipboard::epoch_ms;
use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::queries::{TokenListQuery, TokenState};
use crate::tray::{TrayNotice, TrayQuestion, TrayToken, tray_token};

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

    /// The native confirmation: names the connection and the count, and what
    /// happens to the sign-in token.
    pub fn question(&self) -> TrayQuestion {
        let others = self.tokens.iter().filter(|token| !token.signs_in).count();
        let mut message = format!(
            "This disables {others} active {} on \"{}\" at once. They stop authenticating immediately. \
             \"Restore\" in the tray menu enables exactly these again.",
            plural(others, "token", "tokens"),
            self.connection_label
        );
        if let Some(own) = self.sign_in_token() {
            message.push_str(&format!(
                "\n\nThe token Token Desk signs in with ({}) stays active, so you can restore. \
                 Choose \"Include it too\" to disable it last; then Token Desk loses access and cannot restore.",
                own.id
            ));
        }
        TrayQuestion {
            title: format!("Disable all active tokens on \"{}\"?", self.connection_label),
            message,
            confirm_label: format!("Disable {others} {}", plural(others, "token", "tokens")),
        }
    }
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
}

/// Most tokens the Restore question names one by one.
const QUESTION_LINES: usize = 15;

impl RestoreOffer {
    /// The offer a snapshot makes, when it has anything to restore.
    fn of(snapshot: &PanicSnapshot) -> Option<Self> {
        let tokens: Vec<SnapshotToken> = snapshot.disabled().cloned().collect();
        if tokens.is_empty() {
            return None;
        }
        Some(RestoreOffer { count: tokens.len(), taken_at_ms: snapshot.taken_at_ms, tokens })
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

    /// The menu entry's label, in local time; the date too when it was not today.
    pub fn label(&self) -> String {
        use chrono::TimeZone;
        let when = i64::try_from(self.taken_at_ms)
            .ok()
            .and_then(|ms| chrono::Local.timestamp_millis_opt(ms).single())
            .map(|at| {
                if at.date_naive() == chrono::Local::now().date_naive() {
                    at.format("%H:%M").to_string()
                } else {
                    at.format("%H:%M on %-d %b").to_string()
                }
            })
            .unwrap_or_else(|| "earlier".to_owned());
        format!("Restore {} {} disabled at {when}", self.count, plural(self.count, "token", "tokens"))
    }
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

impl Desk {
    /// Lists every active token of the connection's own account: the set a
    /// panic would disable. (An operations admin sees other accounts' tokens
    /// too; the panic leaves those alone.)
    pub async fn plan_panic(&self, connection_id: &str) -> Result<PanicPlan, DeskError> {
        let connection = self.connection(connection_id)?;
        let query = TokenListQuery {
            status: Some(TokenState::Active),
            account_id: Some(connection.account.id.clone()),
            ..Default::default()
        };
        let mut tokens = Vec::new();
        self.list_all_tokens(connection_id, &query, |batch| {
            tokens.extend(batch.items.iter().map(|token| tray_token(&connection, &token.id, &token.name)));
        })
        .await?;
        Ok(PanicPlan { connection_id: connection.id, connection_label: connection.label, tokens })
    }

    /// Disables every token of `plan` (the sign-in token only when
    /// `include_sign_in`, and then last, so it does not lock the rest out),
    /// [`PANIC_CONCURRENCY`] at a time. The snapshot is on disk before the
    /// first request and records each token's outcome. One panic or restore
    /// runs at a time.
    pub async fn panic_disable(&self, plan: &PanicPlan, include_sign_in: bool) -> Result<BatchReport, DeskError> {
        let _turn = self.panic_turn.lock().await;
        let planned = PanicSnapshot {
            connection_id: plan.connection_id.clone(),
            taken_at_ms: epoch_ms(SystemTime::now()),
            tokens: plan
                .tokens
                .iter()
                .map(|token| SnapshotToken {
                    id: token.id.clone(),
                    name: token.name.clone(),
                    outcome: if token.signs_in && !include_sign_in {
                        TokenOutcome::Skipped("it is the token Token Desk signs in with".to_owned())
                    } else {
                        TokenOutcome::Pending
                    },
                })
                .collect(),
        };
        // Written first with every token pending, so a crash mid-way still
        // leaves a record; kept only while something is restorable.
        let mut snapshot = self.begin_snapshot(planned).await?;
        self.snapshot_changed(&plan.connection_id);
        let sign_in = plan.sign_in_token().map(|token| token.id.clone());
        let is_planned = |id: &str| plan.tokens.iter().any(|token| token.id == id);
        let others: Vec<usize> = (0..snapshot.tokens.len())
            .filter(|&i| {
                let token = &snapshot.tokens[i];
                token.outcome == TokenOutcome::Pending && is_planned(&token.id) && Some(&token.id) != sign_in.as_ref()
            })
            .collect();
        let results = self.for_each_token(&snapshot, &others, |desk, id| async move {
            desk.disable_one(&plan.connection_id, &id, false).await
        });
        for (index, outcome) in results.await {
            snapshot.tokens[index].outcome = outcome;
        }
        let failures = (0..snapshot.tokens.len())
            .filter(|&i| {
                is_planned(&snapshot.tokens[i].id) && matches!(snapshot.tokens[i].outcome, TokenOutcome::Failed(_))
            })
            .count();
        if let Some(index) = snapshot.tokens.iter().position(|token| Some(&token.id) == sign_in.as_ref())
            && snapshot.tokens[index].outcome == TokenOutcome::Pending
        {
            // The sign-in token, last: after it, this connection is locked out,
            // so it stays while anything is left to retry.
            snapshot.tokens[index].outcome = if failures > 0 {
                TokenOutcome::Skipped(format!(
                    "kept active because {failures} other {} failed: Token Desk needs it to try again",
                    plural(failures, "token", "tokens")
                ))
            } else {
                let id = snapshot.tokens[index].id.clone();
                self.disable_one(&plan.connection_id, &id, true).await
            };
        }
        let save_error = self.put_snapshot(&snapshot).await.err().map(|error| error.message);
        self.snapshot_changed(&plan.connection_id);
        let tokens = snapshot.tokens.into_iter().filter(|token| is_planned(&token.id)).collect();
        let report = BatchReport { tokens, save_error };
        tracing::info!(
            connection = %plan.connection_id,
            disabled = report.count(|outcome| *outcome == TokenOutcome::Done),
            failed = report.count(|outcome| matches!(outcome, TokenOutcome::Failed(_))),
            "panic: active tokens disabled"
        );
        Ok(report)
    }

    /// Disables one token of a panic. A token disabled or deleted since the
    /// list was taken is skipped, not failed: it is where the user wants it.
    async fn disable_one(&self, connection_id: &str, token_id: &str, sign_in_confirmed: bool) -> TokenOutcome {
        let Err(error) = self.disable_token(connection_id, token_id, sign_in_confirmed).await else {
            return TokenOutcome::Done;
        };
        match self.get_token(connection_id, token_id).await {
            Ok(token) if token.status == "Disabled" => TokenOutcome::Skipped("it was already disabled".to_owned()),
            Ok(token) if token.status == "Deleted" => TokenOutcome::Skipped("it was deleted".to_owned()),
            Err(lookup) if lookup.kind == ErrorKind::NotFound => TokenOutcome::Skipped("it was deleted".to_owned()),
            _ => TokenOutcome::Failed(error.message),
        }
    }

    /// The notification for a finished panic.
    pub fn panic_notice(&self, plan: &PanicPlan, report: &BatchReport) -> TrayNotice {
        report.notice("disabled", &plan.connection_label)
    }

    /// What "Restore" would do for the connection, when a panic left something
    /// to undo (the snapshot file read and its seal checked first).
    pub async fn restore_offer(&self, connection_id: &str) -> Result<Option<RestoreOffer>, DeskError> {
        let all = self.snapshots.get().await?;
        Ok(all.get(connection_id).and_then(RestoreOffer::of))
    }

    /// [`Desk::restore_offer`] as far as the snapshot file was read already:
    /// for the tray menu, which never waits.
    pub(crate) fn restore_offer_now(&self, connection_id: &str) -> Option<RestoreOffer> {
        self.snapshots.peek()?.get(connection_id).and_then(RestoreOffer::of)
    }

    /// Starts a new panic's snapshot: its tokens, plus whatever an earlier
    /// panic disabled and is not restored yet (a second panic must not make
    /// the first one's tokens unrestorable). Returns the merged snapshot.
    async fn begin_snapshot(&self, snapshot: PanicSnapshot) -> Result<PanicSnapshot, DeskError> {
        self.snapshots
            .change(move |all| {
                let mut merged = snapshot;
                if let Some(earlier) = all.remove(&merged.connection_id) {
                    let carried: Vec<SnapshotToken> = earlier
                        .tokens
                        .into_iter()
                        .filter(|old| is_restorable(&old.outcome) && !merged.tokens.iter().any(|new| new.id == old.id))
                        .collect();
                    merged.tokens.extend(carried);
                }
                all.insert(merged.connection_id.clone(), merged.clone());
                merged
            })
            .await
    }

    /// Saves `snapshot` over the connection's previous one, or removes it when
    /// nothing in it is left to restore.
    async fn put_snapshot(&self, snapshot: &PanicSnapshot) -> Result<(), DeskError> {
        let snapshot = snapshot.clone();
        self.snapshots
            .change(move |all| {
                if snapshot.disabled().next().is_some() {
                    all.insert(snapshot.connection_id.clone(), snapshot);
                } else {
                    all.remove(&snapshot.connection_id);
                }
            })
            .await
    }

    /// Forgets the snapshot of a connection (removed, or the demo starting afresh).
    pub(crate) async fn forget_snapshot(&self, connection_id: &str) -> Result<(), DeskError> {
        if self.snapshots.get().await?.contains_key(connection_id) {
            self.snapshots.change(|all| all.remove(connection_id)).await?;
        }
        Ok(())
    }

    /// Enables again exactly the tokens the connection's panics disabled.
    /// Tokens deleted or enabled since are skipped and reported; those that
    /// fail stay in the snapshot, for another try.
    pub async fn restore_panic(&self, connection_id: &str) -> Result<(BatchReport, TrayNotice), DeskError> {
        let _turn = self.panic_turn.lock().await;
        let connection = self.connection(connection_id)?;
        let mut snapshot = self.snapshots.get().await?.remove(connection_id).ok_or_else(|| {
            DeskError::new(ErrorKind::NotFound, format!("There is nothing to restore on \"{}\".", connection.label))
        })?;
        let wanted: Vec<usize> =
            (0..snapshot.tokens.len()).filter(|&i| is_restorable(&snapshot.tokens[i].outcome)).collect();
        let unconfirmed: Vec<String> = wanted
            .iter()
            .filter(|&&i| snapshot.tokens[i].outcome == TokenOutcome::Pending)
            .map(|&i| snapshot.tokens[i].id.clone())
            .collect();
        let unconfirmed = &unconfirmed;
        let results = self.for_each_token(&snapshot, &wanted, |desk, id| async move {
            let confirmed = !unconfirmed.contains(&id);
            desk.restore_one(connection_id, &id, confirmed).await
        });
        let mut report = Vec::new();
        for (index, outcome) in results.await {
            let token = &mut snapshot.tokens[index];
            report.push(SnapshotToken { outcome: outcome.clone(), ..token.clone() });
            // Only a failure stays restorable.
            if !matches!(outcome, TokenOutcome::Failed(_)) {
                token.outcome = TokenOutcome::Skipped("restored or no longer restorable".to_owned());
            }
        }
        report.sort_by_key(|token| snapshot.tokens.iter().position(|kept| kept.id == token.id));
        let save_error = self.put_snapshot(&snapshot).await.err().map(|error| error.message);
        self.snapshot_changed(connection_id);
        let report = BatchReport { tokens: report, save_error };
        let notice = report.notice("enabled again", &connection.label);
        Ok((report, notice))
    }

    /// Tells the tray that what Restore offers changed.
    fn snapshot_changed(&self, connection_id: &str) {
        self.emit(crate::events::DeskEvent::PanicSnapshotChanged { connection_id: connection_id.to_owned() });
    }

    /// Enables one token of a snapshot, unless it was deleted or enabled
    /// since. `confirmed`: the panic recorded disabling it (otherwise it
    /// stopped before it knew).
    async fn restore_one(&self, connection_id: &str, token_id: &str, confirmed: bool) -> TokenOutcome {
        let skipped = |reason: &str| TokenOutcome::Skipped(reason.to_owned());
        match self.get_token(connection_id, token_id).await {
            Ok(token) if token.status == "Disabled" => {}
            Ok(token) if token.status == "Active" && !confirmed => {
                return skipped("it is active: the panic stopped before it was disabled");
            }
            Ok(token) if token.status == "Active" => return skipped("it was enabled again since"),
            Ok(token) if token.status == "Deleted" => return skipped("it was deleted since"),
            Ok(token) => return skipped(&format!("it is {} now", token.status)),
            Err(error) if error.kind == ErrorKind::NotFound => return skipped("it was deleted since"),
            Err(error) => return TokenOutcome::Failed(error.message),
        }
        outcome_of(self.enable_token(connection_id, token_id).await.map(|_| ()))
    }

    /// Runs `action` on the snapshot's tokens at `indices`,
    /// [`PANIC_CONCURRENCY`] at a time; answers each index with its outcome.
    async fn for_each_token<'a, F, Fut>(
        &'a self,
        snapshot: &PanicSnapshot,
        indices: &[usize],
        action: F,
    ) -> Vec<(usize, TokenOutcome)>
    where
        F: Fn(&'a Desk, String) -> Fut,
        Fut: std::future::Future<Output = TokenOutcome> + 'a,
    {
        // Owned ids: a closure over borrowed indices would make the future not `Send`.
        let ids: Vec<(usize, String)> =
            indices.iter().map(|&index| (index, snapshot.tokens[index].id.clone())).collect();
        let jobs = ids.into_iter().map(|(index, id)| {
            let run = action(self, id);
            async move { (index, run.await) }
        });
        futures::stream::iter(jobs).buffer_unordered(PANIC_CONCURRENCY).collect().await
    }
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
