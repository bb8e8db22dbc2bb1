//! Guided rotation through the desk, against the simulator, on an injected
//! clock: the happy path with its grace period, a grace period that ended
//! while the app was closed, a failure at each step, and the connection's
//! own token swapped without ever stranding the connection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::World;
use desk_core::clock::ManualClock;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{GracePeriod, RotationState, SecretStore};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

async fn world_at_noon(secrets: Option<Arc<dyn SecretStore>>) -> (World, Arc<ManualClock>, String) {
    let mut world = World::new(8).await;
    let clock = Arc::new(ManualClock::new(common::noon()));
    let secrets = secrets.unwrap_or_else(|| world.secrets.clone());
    world.desk = common::desk_at(world.config_dir.path(), secrets, clock.clone());
    let connection = world.connect(AccountKind::Vendor).await;
    (world, clock, connection.id)
}

/// An active token with modules and a description, not the connection's own.
async fn a_token(world: &World, connection: &str) -> desk_core::views::TokenView {
    let own = world.desk.connection(connection).unwrap().token_id;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let tokens = world.desk.list_tokens(connection, &query).await.expect("tokens").items;
    // Lists leave the modules out: each candidate is read on its own.
    for token in tokens.into_iter().filter(|token| token.id != own) {
        let read = world.desk.get_token(connection, &token.id).await.expect("a token");
        if read.modules.as_ref().is_some_and(|modules| !modules.is_empty()) {
            return read;
        }
    }
    panic!("no token with modules")
}

/// A token's status, read through the desk (the admin's old token may be the one disabled).
async fn status(world: &World, token: &str) -> String {
    let connection = world.desk.connections().active_id.unwrap();
    world.desk.get_token(&connection, token).await.unwrap().status
}

async fn count_tokens(world: &World, connection: &str) -> u32 {
    world.desk.list_tokens(connection, &TokenListQuery::default()).await.unwrap().paging.total.unwrap()
}

#[tokio::test]
async fn a_rotation_makes_a_twin_and_disables_the_old_token_after_its_grace_period() {
    let (world, clock, connection) = world_at_noon(None).await;
    let old = a_token(&world, &connection).await;
    let before = count_tokens(&world, &connection).await;

    let started = world.desk.rotate_token(&connection, &old.id, GracePeriod::OneDay).await.expect("rotated");
    let new = &started.new_token;
    assert_eq!(count_tokens(&world, &connection).await, before + 1, "two tokens side by side");
    assert_eq!(new.name, desk_core::rotated_name(&old.name, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()));
    assert_eq!(new.description, old.description);
    let ids = |token: &desk_core::views::TokenView| {
        token.modules.as_ref().expect("modules read").iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    let new_read = world.desk.get_token(&connection, &new.id).await.expect("the successor");
    assert_eq!(ids(&new_read), ids(&old), "the same modules");
    assert_eq!(started.rotation.state, RotationState::Waiting);
    assert_eq!(started.rotation.disable_at, "2026-12-01T12:00:00Z");
    assert_eq!(status(&world, &old.id).await, "Active");

    clock.advance(Duration::hours(23));
    assert!(world.desk.check_rotations().await.is_empty(), "not yet");
    assert_eq!(status(&world, &old.id).await, "Active");

    clock.advance(Duration::hours(2));
    let told = world.desk.check_rotations().await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].token_id, old.id);
    assert_eq!(status(&world, &old.id).await, "Disabled");
    assert_eq!(status(&world, &new.id).await, "Active");
    let rotation = world.desk.rotations(&connection).await.expect("read").pop().expect("kept");
    assert_eq!(rotation.state, RotationState::Done);
    assert!(world.desk.check_rotations().await.is_empty(), "done once");
}

#[tokio::test]
async fn a_grace_period_that_ended_while_closed_is_asked_about_and_survives_the_restart() {
    let (world, clock, connection) = world_at_noon(None).await;
    let old = a_token(&world, &connection).await;
    let started = world.desk.rotate_token(&connection, &old.id, GracePeriod::OneHour).await.expect("rotated");

    // Token Desk was closed for two hours.
    clock.advance(Duration::hours(2));
    let reopened = common::desk_at(world.config_dir.path(), world.secrets.clone(), clock.clone());
    let asked = reopened.check_rotations().await;
    assert_eq!(asked.len(), 1);
    assert!(asked[0].title.starts_with("Disable "), "{asked:?}");
    assert_eq!(status(&world, &old.id).await, "Active", "not behind the user's back");
    let waiting = reopened.rotations(&connection).await.expect("read").pop().unwrap();
    assert_eq!(waiting.state, RotationState::NeedsAnswer);
    assert!(reopened.check_rotations().await.is_empty(), "asked once");

    let done = reopened.finish_rotation(&connection, &started.rotation.id).await.expect("disabled");
    assert_eq!(done.state, RotationState::Done);
    assert_eq!(status(&world, &old.id).await, "Disabled");
}

#[tokio::test]
async fn cancel_keeps_both_tokens() {
    let (world, clock, connection) = world_at_noon(None).await;
    let old = a_token(&world, &connection).await;
    let started = world.desk.rotate_token(&connection, &old.id, GracePeriod::OneHour).await.expect("rotated");
    let again = world.desk.rotate_token(&connection, &old.id, GracePeriod::OneHour).await.expect_err("once at a time");
    assert!(again.message.contains("already being rotated"), "{}", again.message);
    let cancelled = world.desk.cancel_rotation(&connection, &started.rotation.id).await.expect("cancelled");
    assert_eq!(cancelled.state, RotationState::Cancelled);
    clock.advance(Duration::hours(3));
    assert!(world.desk.check_rotations().await.is_empty());
    assert_eq!(status(&world, &old.id).await, "Active");
}

#[tokio::test]
async fn a_failed_create_changes_nothing_and_a_failed_disable_is_tried_again() {
    let (world, clock, connection) = world_at_noon(None).await;
    let old = a_token(&world, &connection).await;
    let before = count_tokens(&world, &connection).await;
    world.sim.faults().add(FaultRule {
        method: Some("POST".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action: FaultAction::FieldRejected { field: "name".into() },
        when: FaultWhen::NextN(1),
    });
    let refused = world.desk.rotate_token(&connection, &old.id, GracePeriod::Now).await.expect_err("create refused");
    assert!(refused.message.contains("refused"), "{}", refused.message);
    assert_eq!(count_tokens(&world, &connection).await, before);
    assert!(world.desk.rotations(&connection).await.expect("read").is_empty());

    world.sim.faults().add(FaultRule {
        method: Some("POST".into()),
        path: Some(format!("/public/v1/accounts/api-tokens/{}/disable", old.id)),
        action: FaultAction::Status(503),
        when: FaultWhen::Always,
    });
    let started = world.desk.rotate_token(&connection, &old.id, GracePeriod::Now).await.expect("the twin is made");
    assert_eq!(started.rotation.state, RotationState::Waiting, "the disable failed");
    assert!(started.rotation.problem.is_some());
    assert_eq!(status(&world, &old.id).await, "Active");
    clock.advance(Duration::minutes(1));
    assert!(world.desk.check_rotations().await.is_empty(), "a failure that goes on is told once");
    world.sim.faults().clear();
    clock.advance(Duration::minutes(1));
    let told = world.desk.check_rotations().await;
    assert_eq!(told.len(), 1, "{told:?} {:?}", world.desk.rotations(&connection).await.expect("read"));
    assert_eq!(status(&world, &old.id).await, "Disabled", "tried again");
}

#[tokio::test]
async fn the_sign_in_token_is_swapped_before_the_old_one_goes() {
    let keychain = Arc::new(common::TroubledSaves::default());
    let (world, _clock, connection) = world_at_noon(Some(keychain.clone())).await;
    let old_id = world.desk.connection(&connection).unwrap().token_id;
    let entry_before = keychain.load(&connection).unwrap().unwrap().expose().to_owned();

    let started = world.desk.rotate_token(&connection, &old_id, GracePeriod::Now).await.expect("rotated");
    let new_id = started.new_token.id.clone();
    assert!(started.rotation.sign_in);
    assert_eq!(
        world.desk.connection(&connection).unwrap().token_id,
        new_id,
        "the connection signs in with the new one"
    );
    let entry_after = keychain.load(&connection).unwrap().unwrap().expose().to_owned();
    assert_ne!(entry_after, entry_before);
    assert!(entry_after.contains(&format!("idt:{new_id}:")), "the keychain holds the new secret");
    assert_eq!(status(&world, &old_id).await, "Disabled");
    assert_eq!(started.rotation.state, RotationState::Done);
    world.desk.list_tokens(&connection, &TokenListQuery::default()).await.expect("the connection still works");

    // And after a restart, from the keychain.
    let reopened = common::desk_with(world.config_dir.path(), keychain.clone());
    reopened.list_tokens(&connection, &TokenListQuery::default()).await.expect("works after a restart");
}

#[tokio::test]
async fn a_sign_in_swap_that_fails_at_any_step_leaves_the_connection_as_it_was() {
    let keychain = Arc::new(common::TroubledSaves::default());
    let (world, _clock, connection) = world_at_noon(Some(keychain.clone())).await;
    let old_id = world.desk.connection(&connection).unwrap().token_id;
    let entry = keychain.load(&connection).unwrap().unwrap().expose().to_owned();
    let before = count_tokens(&world, &connection).await;
    let tokens_path = "/public/v1/accounts/api-tokens/";

    // GETs of a sign-in rotation: the old token, the new one's value, then `whoami` with it.
    for (step, skip) in [("reading the new value", 1), ("whoami with the new secret", 2)] {
        world.sim.faults().add(FaultRule {
            method: Some("GET".into()),
            path: Some(tokens_path.into()),
            action: FaultAction::Status(401),
            when: FaultWhen::AfterN { skip, then: 1 },
        });
        let failed = world.desk.rotate_token(&connection, &old_id, GracePeriod::Now).await;
        assert!(failed.is_err(), "{step}: fails");
        world.sim.faults().clear();
        assert_eq!(world.desk.connection(&connection).unwrap().token_id, old_id, "{step}");
        assert_eq!(keychain.load(&connection).unwrap().unwrap().expose(), entry, "{step}: keychain untouched");
        assert_eq!(status(&world, &old_id).await, "Active", "{step}");
        assert_eq!(count_tokens(&world, &connection).await, before, "{step}: the unused twin was deleted");
    }

    keychain.fail.store(true, std::sync::atomic::Ordering::SeqCst);
    let locked = world.desk.rotate_token(&connection, &old_id, GracePeriod::Now).await.expect_err("keychain locked");
    assert!(locked.message.contains("nothing was changed"), "{}", locked.message);
    keychain.fail.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(world.desk.connection(&connection).unwrap().token_id, old_id);
    assert_eq!(keychain.load(&connection).unwrap().unwrap().expose(), entry);
    assert_eq!(status(&world, &old_id).await, "Active");
    assert_eq!(count_tokens(&world, &connection).await, before);
    world.desk.list_tokens(&connection, &TokenListQuery::default()).await.expect("the connection still works");
}

#[tokio::test]
async fn the_demo_rotates_its_own_token_in_memory_and_keeps_working() {
    let world = World::new(2).await;
    let demo = world.desk.start_demo().await.expect("the demo starts");
    let old_id = demo.token_id.clone();
    let started = world.desk.rotate_token(&demo.id, &old_id, GracePeriod::Now).await.expect("rotated");
    assert!(started.rotation.sign_in);
    assert_eq!(started.rotation.state, RotationState::Done);
    assert_eq!(world.desk.connection(&demo.id).unwrap().token_id, started.new_token.id);
    let listed = world.desk.list_tokens(&demo.id, &TokenListQuery::default()).await.expect("still works").items;
    let old = listed.iter().find(|token| token.id == old_id).expect("the old token is listed");
    assert_eq!(old.status, "Disabled");
    let keys = world.secrets.keys().unwrap().unwrap_or_default();
    assert_eq!(
        keys,
        vec!["file-integrity-key".to_owned()],
        "the demo's secret never goes to the keychain (only the key sealing rotations.json does)"
    );
}
