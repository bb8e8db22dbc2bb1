//! The tray's model and every tray handler (disable, copy, panic, restore),
//! through the desk against the simulator over real TLS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::World;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{TokenOutcome, TrayOutcome, TrayTokens};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

const TOKENS: &str = "/public/v1/accounts/api-tokens";

/// The status the simulator holds for `token_id`, asked behind the desk's back
/// by the operations admin (who sees every account, and is never disabled here).
async fn status_of(world: &World, token_id: &str) -> String {
    let token = world.admin_client(AccountKind::Operations).get_token(token_id, &[]).await.expect("the token");
    token.status.map(|status| status.as_str().to_owned()).unwrap_or_default()
}

/// Ids of the connection's active tokens, asked through the desk.
async fn active_ids(world: &World, connection_id: &str) -> Vec<String> {
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let mut ids = Vec::new();
    world.desk.list_all_tokens(connection_id, &query, |batch| ids.extend(batch.rows.ids)).await.expect("list");
    ids
}

fn fail_disable_of(token_id: &str) -> FaultRule {
    FaultRule {
        method: Some("POST".into()),
        path: Some(format!("{TOKENS}/{token_id}/disable")),
        action: FaultAction::Status(403),
        when: FaultWhen::Always,
    }
}

#[tokio::test]
async fn the_menu_lists_the_first_active_tokens_by_name_and_marks_the_sign_in_token() {
    let world = World::new(60).await;
    let desk = &world.desk;
    assert_eq!(desk.tray_menu().tokens, TrayTokens::NoConnection, "nothing to act on before connecting");
    let connection = world.connect(AccountKind::Vendor).await;
    desk.refresh_tray().await;
    let menu = desk.tray_menu();

    assert_eq!(menu.connection.as_ref().map(|c| c.id.as_str()), Some(connection.id.as_str()));
    let active = active_ids(&world, &connection.id).await;
    assert!(active.len() > 25, "the seed has more active tokens than the menu lists: {}", active.len());
    let shown = menu.disable_entries();
    assert_eq!(shown.len(), 25, "at most 25 tokens, then \"More in window…\"");
    assert!(menu.has_more());
    assert!(
        matches!(menu.tokens, TrayTokens::Loaded { total, .. } if total as usize == active.len()),
        "the count covers every active token"
    );
    assert!(menu.can_panic());
    let names: Vec<String> = shown.iter().map(|t| t.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");
    assert!(shown.iter().all(|t| active.contains(&t.id)), "only active tokens");
    assert!(menu.copy_entries().all(|t| t.id != connection.token_id), "the sign-in token's value is never offered");
    for token in shown {
        assert_eq!(token.signs_in, token.id == connection.token_id);
    }
}

#[tokio::test]
async fn the_menu_follows_every_change_within_a_second_whoever_made_it() {
    let world = World::new(10).await;
    let connection = world.connect(AccountKind::Vendor).await;
    // Another client, acting behind the desk's back.
    let admin = world.admin_client(AccountKind::Vendor);
    let desk = Arc::new(world.desk);
    let (sender, mut models) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(desk.watch_tray(move |model| {
        let _ = sender.send(model);
    }));
    let shows = |model: &desk_core::TrayMenuModel, id: &str| model.disable_entries().iter().any(|t| t.id == id);
    async fn next_where(
        models: &mut tokio::sync::mpsc::UnboundedReceiver<desk_core::TrayMenuModel>,
        wanted: impl Fn(&desk_core::TrayMenuModel) -> bool,
    ) -> desk_core::TrayMenuModel {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let model = tokio::time::timeout(left, models.recv())
                .await
                .expect("the tray followed within a second")
                .expect("the watcher runs");
            if wanted(&model) {
                return model;
            }
        }
    }
    let first = next_where(&mut models, |m| matches!(m.tokens, TrayTokens::Loaded { .. })).await;
    let victim = first.disable_entries().iter().find(|t| !t.signs_in).expect("a token to disable").id.clone();

    // The window disables it.
    desk.disable_token(&connection.id, &victim, false).await.expect("disabled");
    next_where(&mut models, |m| !shows(m, &victim)).await;

    // Another client enables it again: seen on the window's next refresh.
    admin.enable_token(&victim).await.expect("enabled elsewhere");
    let query = TokenListQuery::default();
    desk.list_all_tokens(&connection.id, &query, |_| {}).await.expect("the window refreshes");
    next_where(&mut models, |m| shows(m, &victim)).await;
}

#[tokio::test]
async fn disabling_from_the_tray_asks_first_only_for_the_sign_in_token_and_reports_each_result() {
    let world = World::new(10).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let active = active_ids(&world, &connection.id).await;
    let victim = active.iter().find(|id| **id != connection.token_id).expect("a token").clone();

    desk.refresh_tray().await;
    let menu = desk.tray_menu();
    let own =
        menu.disable_entries().iter().find(|t| t.id == connection.token_id).expect("a short list shows every token");
    assert!(own.signs_in, "the sign-in token is marked");
    assert!(menu.copy_entries().all(|t| t.id != connection.token_id), "and never offered for copying");

    let TrayOutcome::Notify(notice) = desk.tray_disable(&connection.id, &victim, false).await else {
        panic!("an ordinary token is disabled without a question");
    };
    assert!(!notice.failed, "{notice:?}");
    assert!(notice.body.contains(&victim), "the notice names the token: {notice:?}");
    assert_eq!(status_of(&world, &victim).await, "Disabled");

    let refused = active.iter().find(|id| **id != connection.token_id && **id != victim).expect("another").clone();
    world.sim.faults().add(fail_disable_of(&refused));
    let TrayOutcome::Notify(notice) = desk.tray_disable(&connection.id, &refused, false).await else {
        panic!("a notice");
    };
    assert!(notice.failed && notice.title.contains(&refused), "a failure names the token: {notice:?}");
    assert!(!notice.body.is_empty(), "and says why: {notice:?}");
    assert_eq!(status_of(&world, &refused).await, "Active");

    let TrayOutcome::Confirm(question) = desk.tray_disable(&connection.id, &connection.token_id, false).await else {
        panic!("the sign-in token needs a confirmation");
    };
    assert!(question.message.contains(&connection.token_id) && question.message.contains(&connection.label));
    assert_eq!(status_of(&world, &connection.token_id).await, "Active", "nothing happened before the answer");
    let TrayOutcome::Notify(notice) = desk.tray_disable(&connection.id, &connection.token_id, true).await else {
        panic!("confirmed: done");
    };
    assert!(!notice.failed, "{notice:?}");
    assert_eq!(status_of(&world, &connection.token_id).await, "Disabled");
}

#[tokio::test]
async fn copying_from_the_tray_uses_the_clipboard_hygiene_and_never_copies_the_sign_in_token() {
    let world = World::new(5).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let token =
        active_ids(&world, &connection.id).await.into_iter().find(|id| *id != connection.token_id).expect("a token");

    let notice = world.desk.tray_copy(&connection.id, &token).await;
    assert!(!notice.failed, "{notice:?}");
    assert!(notice.body.contains("20 s"), "says when it leaves the clipboard: {notice:?}");
    let value =
        world.admin_client(AccountKind::Vendor).get_token(&token, &[]).await.expect("token").token.expect("value");
    let (text, secret) = world.clipboard.content().expect("something was copied");
    assert_eq!(text, value.expose(), "the value is on the clipboard");
    assert!(secret, "kept out of clipboard history");

    let notice = world.desk.tray_copy(&connection.id, &connection.token_id).await;
    assert!(notice.failed, "the admin's own secret is refused: {notice:?}");
    assert_eq!(
        world.clipboard.content().map(|(text, _)| text).as_deref(),
        Some(value.expose()),
        "and the clipboard is untouched"
    );
}

#[tokio::test]
async fn a_panic_with_failures_reports_each_token_and_the_restore_touches_only_what_it_disabled() {
    let world = World::new(30).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let plan = desk.plan_panic(&connection.id).await.expect("plan");
    let active = active_ids(&world, &connection.id).await;
    let mut planned: Vec<String> = plan.tokens.iter().map(|t| t.id.clone()).collect();
    planned.sort();
    let mut expected = active.clone();
    expected.sort();
    assert_eq!(planned, expected, "the plan is exactly the active set");
    assert_eq!(plan.sign_in_token().map(|t| t.id.as_str()), Some(connection.token_id.as_str()));
    let question = plan.question();
    assert!(question.title.contains(&connection.label), "{question:?}");
    assert!(question.confirm_label.contains(&(active.len() - 1).to_string()), "names the count: {question:?}");

    let others: Vec<&String> = active.iter().filter(|id| **id != connection.token_id).collect();
    let refused = [others[0].clone(), others[1].clone()];
    for id in &refused {
        world.sim.faults().add(fail_disable_of(id));
    }
    let report = desk.panic_disable(&plan, false).await.expect("the panic runs");

    let outcome_of = |id: &str| report.tokens.iter().find(|t| t.id == id).map(|t| t.outcome.clone());
    for id in &refused {
        assert!(
            matches!(outcome_of(id), Some(TokenOutcome::Failed(reason)) if !reason.is_empty()),
            "{id} failed, with why"
        );
        assert_eq!(status_of(&world, id).await, "Active");
    }
    assert!(matches!(outcome_of(&connection.token_id), Some(TokenOutcome::Skipped(_))), "the sign-in token is kept");
    assert_eq!(status_of(&world, &connection.token_id).await, "Active");
    let disabled: Vec<String> = others.iter().filter(|id| !refused.contains(id)).map(|id| (*id).clone()).collect();
    for id in &disabled {
        assert_eq!(outcome_of(id), Some(TokenOutcome::Done));
        assert_eq!(status_of(&world, id).await, "Disabled", "{id}");
    }
    let notice = desk.panic_notice(&plan, &report);
    assert!(notice.failed && notice.title.contains(&disabled.len().to_string()), "{notice:?}");
    for id in &refused {
        let name = &plan.tokens.iter().find(|t| &t.id == id).expect("planned").name;
        assert!(notice.body.contains(&format!("{name} failed: ")), "each failure is listed with why: {notice:?}");
    }

    // The snapshot on disk names the tokens, never a value.
    let files = world.config_files_text();
    assert!(disabled.iter().all(|id| files.contains(id.as_str())), "the snapshot lists the tokens");
    assert!(!files.contains("idt:"), "no value is written");

    let offer = desk.restore_offer(&connection.id).await.expect("read").expect("a restore is offered");
    assert_eq!(offer.count, disabled.len());
    assert!(offer.label.starts_with(&format!("Restore {} tokens disabled at ", disabled.len())), "{}", offer.label);

    world.sim.faults().clear();
    let since = Instant::now();
    let (restored, notice) = desk.restore_panic(&connection.id).await.expect("restore");
    assert!(!notice.failed, "{notice:?}");
    assert!(restored.tokens.iter().all(|t| t.outcome == TokenOutcome::Done));
    let mut restored_ids: Vec<String> = restored.tokens.iter().map(|t| t.id.clone()).collect();
    restored_ids.sort();
    let mut disabled_sorted = disabled.clone();
    disabled_sorted.sort();
    assert_eq!(restored_ids, disabled_sorted, "exactly the tokens the panic disabled");
    for id in &disabled {
        assert_eq!(status_of(&world, id).await, "Active");
    }
    for id in refused.iter().chain([&connection.token_id]) {
        let path = format!("{TOKENS}/{id}/enable");
        assert!(
            world.sim.journal().first_since("POST", &path, since).is_none(),
            "{id} was never touched by the restore"
        );
    }
    assert!(desk.restore_offer(&connection.id).await.expect("read").is_none(), "nothing is left to restore");
}

#[tokio::test]
async fn a_restore_after_a_restart_skips_tokens_deleted_or_enabled_since() {
    let world = World::new(12).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&connection.id).await.expect("plan");
    let report = world.desk.panic_disable(&plan, false).await.expect("panic");
    let disabled: Vec<String> =
        report.tokens.iter().filter(|t| t.outcome == TokenOutcome::Done).map(|t| t.id.clone()).collect();
    assert!(disabled.len() >= 3, "{disabled:?}");

    // Behind the app's back: one deleted, one enabled again.
    let admin = world.admin_client(AccountKind::Vendor);
    admin.delete_token(&disabled[0]).await.expect("deleted elsewhere");
    admin.enable_token(&disabled[1]).await.expect("enabled elsewhere");

    // A new desk over the same files and keychain: the app after a restart.
    let restarted = common::desk_with(world.config_dir.path(), world.secrets.clone());
    let offer = restarted.restore_offer(&connection.id).await.expect("read").expect("the offer survives a restart");
    assert_eq!(offer.count, disabled.len());
    let (report, notice) = restarted.restore_panic(&connection.id).await.expect("restore");
    let outcome_of = |id: &str| report.tokens.iter().find(|t| t.id == id).map(|t| t.outcome.clone());
    assert!(matches!(outcome_of(&disabled[0]), Some(TokenOutcome::Skipped(reason)) if reason.contains("deleted")));
    assert!(matches!(outcome_of(&disabled[1]), Some(TokenOutcome::Skipped(reason)) if reason.contains("enabled")));
    for id in &disabled[2..] {
        assert_eq!(outcome_of(id), Some(TokenOutcome::Done));
        assert_eq!(status_of(&world, id).await, "Active");
    }
    assert!(notice.body.contains("deleted since") && notice.body.contains("enabled again since"), "{notice:?}");
    assert!(restarted.restore_offer(&connection.id).await.expect("read").is_none());
}

#[tokio::test]
async fn a_failed_restore_stays_on_offer_for_another_try() {
    let world = World::new(6).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&connection.id).await.expect("plan");
    let report = world.desk.panic_disable(&plan, false).await.expect("panic");
    let disabled: Vec<String> =
        report.tokens.iter().filter(|t| t.outcome == TokenOutcome::Done).map(|t| t.id.clone()).collect();
    let stuck = disabled[0].clone();
    world.sim.faults().add(FaultRule {
        method: Some("POST".into()),
        path: Some(format!("{TOKENS}/{stuck}/enable")),
        action: FaultAction::Status(403),
        when: FaultWhen::NextN(1),
    });
    let (_, notice) = world.desk.restore_panic(&connection.id).await.expect("restore");
    assert!(notice.failed && notice.body.contains("failed"), "{notice:?}");
    assert_eq!(
        world.desk.restore_offer(&connection.id).await.expect("read").map(|offer| offer.count),
        Some(1),
        "only the failure is left"
    );
    let (report, _) = world.desk.restore_panic(&connection.id).await.expect("second try");
    assert_eq!(report.tokens.len(), 1);
    assert_eq!(report.tokens[0].outcome, TokenOutcome::Done);
    assert_eq!(status_of(&world, &stuck).await, "Active");
}

#[tokio::test]
async fn including_the_sign_in_token_disables_it_last() {
    let world = World::new(8).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&connection.id).await.expect("plan");
    let since = Instant::now();
    let report = world.desk.panic_disable(&plan, true).await.expect("panic");
    assert!(report.tokens.iter().all(|t| t.outcome == TokenOutcome::Done), "{report:?}");
    let journal = world.sim.journal();
    let own = journal
        .first_since("POST", &format!("{TOKENS}/{}/disable", connection.token_id), since)
        .expect("the sign-in token was disabled");
    for token in plan.tokens.iter().filter(|t| !t.signs_in) {
        let other = journal.first_since("POST", &format!("{TOKENS}/{}/disable", token.id), since).expect("disabled");
        assert!(other.at < own.at, "{} went before the sign-in token", token.id);
    }
}

#[tokio::test]
async fn a_panic_cut_short_by_a_stop_can_still_be_restored() {
    let world = World::new(10).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&connection.id).await.expect("plan");
    let others: Vec<String> = plan.tokens.iter().filter(|t| !t.signs_in).map(|t| t.id.clone()).collect();
    // Two disables hang; the app stops (the panic's future is dropped) while they do.
    let slow = [others[0].clone(), others[1].clone()];
    for id in &slow {
        world.sim.faults().add(FaultRule {
            method: Some("POST".into()),
            path: Some(format!("{TOKENS}/{id}/disable")),
            action: FaultAction::Latency(Duration::from_secs(30)),
            when: FaultWhen::Always,
        });
    }
    let fast: Vec<&String> = others.iter().filter(|id| !slow.contains(id)).collect();
    let panic = world.desk.panic_disable(&plan, false);
    tokio::pin!(panic);
    let fast_done = async {
        loop {
            let mut done = true;
            for id in &fast {
                done &= status_of(&world, id).await == "Disabled";
            }
            if done {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::select! {
        _ = &mut panic => panic!("the panic finished although two disables hang"),
        () = fast_done => {}
    }
    // The app stops here: the panic's future is dropped mid-way.
    world.sim.faults().clear();

    let restarted = common::desk_with(world.config_dir.path(), world.secrets.clone());
    let offer = restarted
        .restore_offer(&connection.id)
        .await
        .expect("read")
        .expect("the snapshot written before the first request");
    assert_eq!(offer.count, others.len(), "every token the panic may have disabled");
    let (report, _) = restarted.restore_panic(&connection.id).await.expect("restore");
    for token in &report.tokens {
        if slow.contains(&token.id) {
            assert!(matches!(&token.outcome, TokenOutcome::Skipped(_)), "never disabled, so left alone: {token:?}");
        } else {
            assert_eq!(token.outcome, TokenOutcome::Done, "{token:?}");
        }
        assert_eq!(status_of(&world, &token.id).await, "Active");
    }
}

#[tokio::test]
async fn a_second_panic_keeps_what_the_first_one_disabled_restorable() {
    let world = World::new(10).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&connection.id).await.expect("plan");
    let others: Vec<String> = plan.tokens.iter().filter(|t| !t.signs_in).map(|t| t.id.clone()).collect();
    world.sim.faults().add(fail_disable_of(&others[0]));
    let first = world.desk.panic_disable(&plan, false).await.expect("first panic");
    assert_eq!(first.count(|o| *o == TokenOutcome::Done), others.len() - 1);

    // The failure is fixed; the admin presses the panic again for what is left.
    world.sim.faults().clear();
    let again = world.desk.plan_panic(&connection.id).await.expect("second plan");
    assert_eq!(again.tokens.iter().filter(|t| !t.signs_in).count(), 1, "only the token that failed is still active");
    let second = world.desk.panic_disable(&again, false).await.expect("second panic");
    assert_eq!(second.tokens.len(), again.tokens.len(), "the report covers the second panic's tokens");

    let offer = world.desk.restore_offer(&connection.id).await.expect("read").expect("restorable");
    assert_eq!(offer.count, others.len(), "both panics' tokens, not only the second's");
    let (report, _) = world.desk.restore_panic(&connection.id).await.expect("restore");
    assert_eq!(report.count(|o| *o == TokenOutcome::Done), others.len());
    for id in &others {
        assert_eq!(status_of(&world, id).await, "Active");
    }
}

#[tokio::test]
async fn the_restore_entry_goes_when_a_restore_finds_nothing_left_to_enable() {
    let world = World::new(6).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let admin = world.admin_client(AccountKind::Operations);
    let desk = Arc::new(world.desk);
    let (sender, mut models) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(desk.watch_tray(move |model| {
        let _ = sender.send(model);
    }));
    let plan = desk.plan_panic(&connection.id).await.expect("plan");
    let report = desk.panic_disable(&plan, false).await.expect("panic");
    for token in report.tokens.iter().filter(|t| t.outcome == TokenOutcome::Done) {
        admin.delete_token(&token.id).await.expect("deleted elsewhere");
    }
    async fn wait_for(models: &mut tokio::sync::mpsc::UnboundedReceiver<desk_core::TrayMenuModel>, offered: bool) {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let model = tokio::time::timeout(left, models.recv()).await.expect("within a second").expect("watching");
            if model.restore.is_some() == offered {
                return;
            }
        }
    }
    wait_for(&mut models, true).await;
    let (report, notice) = desk.restore_panic(&connection.id).await.expect("restore");
    assert_eq!(report.count(|o| *o == TokenOutcome::Done), 0, "every token was deleted since: {notice:?}");
    wait_for(&mut models, false).await;
}
