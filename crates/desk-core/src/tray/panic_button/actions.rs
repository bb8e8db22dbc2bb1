//! Planning and running a panic, and restoring what it disabled.

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::tokens::queries::{TokenListQuery, TokenState};
use crate::tray::messages::{TrayNotice, tray_token};
use futures::StreamExt;

use super::*;

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
            let rows = &batch.rows;
            tokens.extend(rows.ids.iter().zip(&rows.names).map(|(id, name)| tray_token(&connection, id, name)));
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
        let _turn = self.panic.turn.lock().await;
        let planned = PanicSnapshot {
            connection_id: plan.connection_id.clone(),
            taken_at_ms: crate::clock::epoch_ms(self.now()),
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

    /// "Disable all active tokens…" from the tray: the plan and its question,
    /// or what to tell when there is nothing to disable. The set of tokens is
    /// fixed when the question is asked.
    pub async fn start_panic(&self, connection_id: &str) -> BatchStart<PanicPlan> {
        let plan = match self.plan_panic(connection_id).await {
            Ok(plan) => plan,
            Err(error) => return BatchStart::Tell(TrayNotice::failed("No token was disabled", &error)),
        };
        if plan.tokens.is_empty() {
            let body = format!("\"{}\" has no active token.", plan.connection_label);
            return BatchStart::Tell(TrayNotice::done("Nothing to disable", body));
        }
        if plan.tokens.iter().all(|token| token.signs_in) {
            let body = format!(
                "\"{}\" has no active token but the one Token Desk signs in with, which is under \"Disable token\".",
                plan.connection_label
            );
            return BatchStart::Tell(TrayNotice::done("Nothing to disable", body));
        }
        let question = plan.question();
        BatchStart::Ask(plan, question)
    }

    /// "Disable all active tokens…" from the window: the question, whose plan
    /// is kept until `run_asked_panic`, so exactly the tokens asked about are
    /// disabled. The connection's own token stays (the window offers no
    /// "include it too": losing access is for the tray, which asks natively).
    pub async fn ask_panic(&self, connection_id: &str) -> BatchPrompt {
        match self.start_panic(connection_id).await {
            BatchStart::Ask(plan, _) => {
                let question = plan.window_question();
                self.panic
                    .asked
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(connection_id.to_owned(), plan);
                BatchPrompt::Ask { question }
            }
            BatchStart::Tell(notice) => BatchPrompt::Tell { notice },
        }
    }

    /// Runs the panic the window asked about and confirmed.
    pub async fn run_asked_panic(&self, connection_id: &str) -> Result<TrayNotice, DeskError> {
        let plan = self.panic.asked.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(connection_id);
        let plan = plan.ok_or_else(|| {
            DeskError::new(
                ErrorKind::NotFound,
                "Nothing was asked to be disabled: choose \"Disable all active…\" again.",
            )
        })?;
        Ok(self.run_panic(&plan, false).await)
    }

    /// "Restore N tokens…" from the window: its question, naming every token.
    pub async fn ask_restore(&self, connection_id: &str) -> BatchPrompt {
        match self.start_restore(connection_id).await {
            BatchStart::Ask((), question) => BatchPrompt::Ask { question },
            BatchStart::Tell(notice) => BatchPrompt::Tell { notice },
        }
    }

    /// Runs a confirmed panic and says how it went.
    pub async fn run_panic(&self, plan: &PanicPlan, include_sign_in: bool) -> TrayNotice {
        match self.panic_disable(plan, include_sign_in).await {
            Ok(report) => self.panic_notice(plan, &report),
            Err(error) => TrayNotice::failed("The panic could not start", &error),
        }
    }

    /// "Restore N tokens…" from the tray: its question, naming every token it
    /// would enable, or what to tell when there is nothing to restore.
    pub async fn start_restore(&self, connection_id: &str) -> BatchStart<()> {
        let offer = self.restore_offer(connection_id).await;
        let label = self.connection(connection_id).map(|connection| connection.label);
        match (offer, label) {
            (Ok(Some(offer)), Ok(label)) => BatchStart::Ask((), offer.question(&label)),
            (Ok(None), _) => {
                BatchStart::Tell(TrayNotice::done("Nothing to restore", "No panic left tokens to enable."))
            }
            (Err(error), _) | (_, Err(error)) => BatchStart::Tell(TrayNotice::failed("Nothing was restored", &error)),
        }
    }

    /// Runs a confirmed restore and says how it went.
    pub async fn run_restore(&self, connection_id: &str) -> TrayNotice {
        match self.restore_panic(connection_id).await {
            Ok((_, notice)) => notice,
            Err(error) => TrayNotice::failed("Nothing was restored", &error),
        }
    }

    /// What "Restore" would do for the connection, when a panic left something
    /// to undo (the snapshot file read and its seal checked first).
    pub async fn restore_offer(&self, connection_id: &str) -> Result<Option<RestoreOffer>, DeskError> {
        let all = self.panic.snapshots.get().await?;
        Ok(all.get(connection_id).and_then(|snapshot| RestoreOffer::of(snapshot, self.now())))
    }

    /// [`Desk::restore_offer`] as far as the snapshot file was read already:
    /// for the tray menu, which never waits.
    pub(crate) fn restore_offer_now(&self, connection_id: &str) -> Option<RestoreOffer> {
        self.panic.snapshots.peek()?.get(connection_id).and_then(|snapshot| RestoreOffer::of(snapshot, self.now()))
    }

    /// Starts a new panic's snapshot: its tokens, plus whatever an earlier
    /// panic disabled and is not restored yet (a second panic must not make
    /// the first one's tokens unrestorable). Returns the merged snapshot.
    async fn begin_snapshot(&self, snapshot: PanicSnapshot) -> Result<PanicSnapshot, DeskError> {
        self.panic
            .snapshots
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
        self.panic
            .snapshots
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
        if self.panic.snapshots.get().await?.contains_key(connection_id) {
            self.panic.snapshots.change(|all| all.remove(connection_id)).await?;
        }
        Ok(())
    }

    /// Enables again exactly the tokens the connection's panics disabled.
    /// Tokens deleted or enabled since are skipped and reported; those that
    /// fail stay in the snapshot, for another try.
    pub async fn restore_panic(&self, connection_id: &str) -> Result<(BatchReport, TrayNotice), DeskError> {
        let _turn = self.panic.turn.lock().await;
        let connection = self.connection(connection_id)?;
        let mut snapshot = self.panic.snapshots.get().await?.remove(connection_id).ok_or_else(|| {
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
        outcome_of(self.enable_token_even_locked(connection_id, token_id).await.map(|_| ()))
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
