//! The lock through the desk, against the simulator over TLS: what is refused
//! while locked and what still works (disable, the panic and its restore),
//! each answer of the system's check of who is at the keyboard, the idle
//! timer on an injected clock, the lock kept across a restart, and the
//! presenting mode.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::World;
use desk_core::clock::ManualClock;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{
    CopyFormat, Desk, DeskConfig, ErrorKind, InMemoryClipboard, LockReason, NewToken, Presence, PresenceCheck,
    SecretStore, Settings,
};
use marketplace_sim::AccountKind;

/// The system's answers, in order; `None`: nobody ever answers.
struct ScriptedPresence(Mutex<Vec<Option<Presence>>>);

impl ScriptedPresence {
    fn answering(answers: Vec<Option<Presence>>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(answers)))
    }
}

impl PresenceCheck for ScriptedPresence {
    fn confirm<'a>(&'a self, _why: &'a str) -> futures::future::BoxFuture<'a, Presence> {
        let next = self.0.lock().unwrap().remove(0);
        Box::pin(async move {
            match next {
                Some(answer) => answer,
                None => futures::future::pending().await,
            }
        })
    }
}

/// A desk over `world`'s files and keychain, its time from `clock`, asking `presence`.
fn desk(world: &World, clock: Arc<ManualClock>, presence: Option<Arc<ScriptedPresence>>) -> Desk {
    let mut config = DeskConfig::new(world.config_dir.path(), "0.0.0-test");
    config.retry = common::quick_retries();
    config.clock = clock;
    config.unlock_timeout = Duration::from_millis(300);
    let secrets: Arc<dyn SecretStore> = world.secrets.clone();
    let desk = Desk::open(config, secrets).with_clipboard(world.clipboard.clone()).expect("a clipboard");
    match presence {
        Some(check) => desk.with_presence_check(check),
        None => desk,
    }
}

async fn active_tokens(world: &World, connection: &str, not: &str) -> Vec<String> {
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let tokens = world.desk.list_tokens(connection, &query).await.unwrap().items;
    tokens.into_iter().map(|token| token.id).filter(|id| id != not).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_locked_only_what_stops_harm_works() {
    let mut world = World::new(6).await;
    let clock = Arc::new(ManualClock::new(common::noon()));
    world.desk = desk(&world, clock, Some(ScriptedPresence::answering(vec![Some(Presence::Confirmed)])));
    let connection = world.connect(AccountKind::Vendor).await;
    let tokens = active_tokens(&world, &connection.id, &connection.token_id).await;
    world.desk.copy_token(&connection.id, &tokens[0], CopyFormat::Value).await.expect("copied");
    assert!(world.clipboard.content().is_some());

    let status = world.desk.lock(LockReason::Asked).await;
    assert!(status.locked);
    assert!(world.clipboard.content().is_none(), "the copied value left the clipboard at the lock");

    let id = &connection.id;
    let token = &tokens[0];
    let refused = [
        world.desk.reveal_token_value(id, token).await.map(|_| ()),
        world.desk.copy_token(id, token, CopyFormat::Value).await.map(|_| ()),
        world.desk.copy_token(id, token, CopyFormat::TokenId).await.map(|_| ()),
        world
            .desk
            .create_token(id, NewToken { name: "x".into(), description: String::new(), module_ids: Vec::new() })
            .await
            .map(|_| ()),
        world.desk.enable_token(id, token).await.map(|_| ()),
        world.desk.delete_token(id, token, false).await.map(|_| ()),
        world.desk.rotate_token(id, token, desk_core::GracePeriod::OneDay).await.map(|_| ()),
        world.desk.rename_connection(id, "Renamed").await.map(|_| ()),
        world.desk.update_settings(Settings { plain_unlock: true, ..Default::default() }).await.map(|_| ()),
        world.desk.add_connection(world.new_connection(AccountKind::Client)).await.map(|_| ()),
    ];
    for (at, result) in refused.into_iter().enumerate() {
        let error = result.expect_err("refused while locked");
        assert_eq!(error.kind, ErrorKind::Locked, "#{at}: {error:?}");
        assert!(error.message.contains("Disabling a token"), "#{at} says what still works: {}", error.message);
    }

    // What stops harm: a disable, the panic and its restore.
    world.desk.disable_token(id, &tokens[1], false).await.expect("disable works while locked");
    let plan = world.desk.plan_panic(id).await.expect("planned");
    let report = world.desk.panic_disable(&plan, false).await.expect("the panic works while locked");
    assert!(report.count(|outcome| *outcome == desk_core::TokenOutcome::Done) >= 1);
    let (restored, _) = world.desk.restore_panic(id).await.expect("the restore works while locked");
    assert!(restored.count(|outcome| *outcome == desk_core::TokenOutcome::Done) >= 1);

    let unlocked = world.desk.unlock().await.expect("confirmed");
    assert!(!unlocked.locked);
    world.desk.reveal_token_value(id, token).await.expect("shown once unlocked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_needs_the_system_to_confirm_who_is_at_the_keyboard() {
    let mut world = World::new(1).await;
    let clock = Arc::new(ManualClock::new(common::noon()));
    let answers = vec![Some(Presence::Refused), None, Some(Presence::Confirmed)];
    world.desk = desk(&world, clock.clone(), Some(ScriptedPresence::answering(answers)));
    world.desk.lock(LockReason::Asked).await;

    let refused = world.desk.unlock().await.expect_err("refused");
    assert_eq!(refused.kind, ErrorKind::Locked);
    assert!(refused.message.contains("did not confirm"), "{}", refused.message);
    let timed_out = world.desk.unlock().await.expect_err("nobody answered");
    assert!(timed_out.message.contains("Nobody answered"), "{}", timed_out.message);
    assert!(world.desk.lock_status().locked, "still locked");
    assert!(!world.desk.unlock().await.expect("confirmed").locked);

    // Nothing to ask: locked, unless the settings allow a plain unlock.
    world.desk = desk(&world, clock.clone(), None);
    world.desk.lock(LockReason::Asked).await;
    let unavailable = world.desk.unlock().await.expect_err("no way to ask");
    assert!(unavailable.message.contains("polkit"), "says what is missing: {}", unavailable.message);
    std::fs::write(world.config_dir.path().join("lock.json"), br#"{"locked": false}"#).unwrap();
    let allowing = desk(&world, clock.clone(), None);
    allowing.update_settings(Settings { plain_unlock: true, ..Default::default() }).await.expect("saved");
    allowing.lock(LockReason::Asked).await;
    assert!(!allowing.unlock().await.expect("a plain unlock, allowed").locked);
}

#[tokio::test]
async fn the_idle_time_locks_and_the_lock_survives_a_restart() {
    let mut world = World::new(1).await;
    let clock = Arc::new(ManualClock::new(common::noon()));
    world.desk = desk(&world, clock.clone(), Some(ScriptedPresence::answering(vec![Some(Presence::Confirmed)])));
    assert!(!world.desk.lock_status().locked, "a first start is unlocked");

    clock.advance(chrono::Duration::minutes(4));
    world.desk.note_activity();
    clock.advance(chrono::Duration::minutes(4));
    assert!(!world.desk.check_idle().await, "four minutes since the last activity");
    // The shell sleeps until the idle time could run out, instead of polling.
    assert_eq!(world.desk.until_idle_lock(), Some(std::time::Duration::from_secs(60)));
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(world.desk.until_idle_lock(), Some(std::time::Duration::ZERO));
    assert!(world.desk.check_idle().await, "five: the default idle time");
    assert_eq!(world.desk.lock_status().reason, Some(LockReason::Idle));
    assert_eq!(world.desk.until_idle_lock(), None, "locked: nothing to wait for");

    // Locked at quit: locked at the next start.
    let restarted = desk(&world, clock.clone(), Some(ScriptedPresence::answering(vec![Some(Presence::Confirmed)])));
    assert_eq!(restarted.lock_status().reason, Some(LockReason::Started));
    assert!(restarted.lock_status().locked);
    restarted.unlock().await.expect("confirmed");
    let again = desk(&world, clock.clone(), None);
    assert!(!again.lock_status().locked, "unlocked at quit: unlocked at start");

    // "Lock at start" locks every start; "never" never locks on idle.
    let confirmed = ScriptedPresence::answering(vec![Some(Presence::Confirmed)]);
    let settings = Settings { lock_at_start: true, lock_after_idle_minutes: None, ..Default::default() };
    again.update_settings(settings).await.expect("saved");
    let locked_at_start = desk(&world, clock.clone(), Some(confirmed));
    assert!(locked_at_start.lock_status().locked);
    locked_at_start.unlock().await.expect("confirmed");
    clock.advance(chrono::Duration::hours(3));
    assert!(!locked_at_start.check_idle().await, "no idle lock when the settings say never");
    assert_eq!(locked_at_start.until_idle_lock(), None, "never: nothing to wait for");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presenting_refuses_show_but_copies_and_names_no_token() {
    let world = World::new(4).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let tokens = active_tokens(&world, &connection.id, &connection.token_id).await;
    assert!(world.desk.set_presenting(true).presenting);
    let refused = world.desk.reveal_token_value(&connection.id, &tokens[0]).await.expect_err("not shown");
    assert_eq!(refused.kind, ErrorKind::Refused);
    assert!(refused.message.contains("Presenting"), "{}", refused.message);
    world.desk.copy_token(&connection.id, &tokens[0], CopyFormat::Value).await.expect("copy still works");
    let clipboard: &InMemoryClipboard = &world.clipboard;
    assert!(clipboard.content().is_some_and(|(text, _)| text.starts_with("idt:")));
    let notice = desk_core::TrayNotice::done("Disabled Billing export", "Billing export stops working.");
    let shared = notice.without_names();
    assert!(!shared.title.contains("Billing") && !shared.body.contains("Billing"), "{shared:?}");
    world.desk.set_presenting(false);
    world.desk.reveal_token_value(&connection.id, &tokens[0]).await.expect("shown again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_runs_exactly_the_panic_it_asked_about_and_restores_it_even_locked() {
    let world = World::new(6).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let id = &connection.id;
    let before = active_tokens(&world, id, &connection.token_id).await;
    assert!(before.len() >= 2, "{before:?}");
    let missing = world.desk.run_asked_panic(id).await.expect_err("nothing was asked");
    assert_eq!(missing.kind, ErrorKind::NotFound);

    let desk_core::BatchPrompt::Ask { question } = world.desk.ask_panic(id).await else { panic!("a question") };
    assert!(question.confirm_label.contains(&before.len().to_string()), "{question:?}");
    assert!(question.message.contains("above the token list") && !question.message.contains("tray"), "{question:?}");
    // A token created after the question is not in the plan.
    let late = world
        .desk
        .create_token(id, NewToken { name: "Late".into(), description: String::new(), module_ids: Vec::new() })
        .await
        .expect("created")
        .id;
    world.desk.lock(LockReason::Asked).await;
    let notice = world.desk.run_asked_panic(id).await.expect("run, locked");
    assert!(!notice.failed, "{notice:?}");
    let after = active_tokens(&world, id, &connection.token_id).await;
    assert_eq!(after, vec![late], "exactly the asked tokens went; the sign-in token stays");

    let desk_core::BatchPrompt::Ask { question } = world.desk.ask_restore(id).await else { panic!("a restore") };
    for token in &before {
        assert!(question.message.contains(token.as_str()), "names {token}: {}", question.message);
    }
    world.desk.run_restore(id).await;
    let mut restored = active_tokens(&world, id, &connection.token_id).await;
    restored.sort();
    let mut expected = before.clone();
    expected.push(after[0].clone());
    expected.sort();
    assert_eq!(restored, expected);
}
