//! Several tokens at once (the list's selection), against the simulator over
//! TLS: each token answered for, one failure never stopping the rest, the
//! sign-in token left out unless chosen, disable working while locked and
//! enable not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{BulkAction, ErrorKind, LockReason, Settings};
use marketplace_sim::AccountKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_is_disabled_and_enabled_token_by_token() {
    let world = World::new(6).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let active = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let mut chosen: Vec<String> = world
        .desk
        .list_tokens(&vendor.id, &active)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|token| token.id)
        .filter(|id| id != &vendor.token_id)
        .take(3)
        .collect();
    assert_eq!(chosen.len(), 3);
    // The sign-in token and an id nobody knows ride along.
    chosen.push(vendor.token_id.clone());
    chosen.push("TKN-0000-0009".into());

    // No system check in tests: a plain unlock, as Settings can allow.
    world.desk.update_settings(Settings { plain_unlock: true, ..Default::default() }).await.unwrap();
    // Disabling works while locked: a leak never waits for an unlock.
    world.desk.lock(LockReason::Asked).await;
    let outcomes = world.desk.change_tokens(&vendor.id, BulkAction::Disable, chosen.clone(), false).await.unwrap();
    assert_eq!(outcomes.iter().map(|outcome| outcome.token_id.as_str()).collect::<Vec<_>>(), chosen, "in order");
    for outcome in &outcomes[..3] {
        assert_eq!(outcome.token.as_ref().map(|token| token.status.as_str()), Some("Disabled"), "{outcome:?}");
        assert!(outcome.problem.is_none());
    }
    assert!(outcomes[3].skipped, "the sign-in token is left out: {:?}", outcomes[3]);
    assert!(outcomes[3].token.is_none());
    assert!(!outcomes[4].skipped, "an unknown token is a failure, not a skip");
    assert!(outcomes[4].problem.is_some());
    // Still signed in: the sign-in token was not touched.
    let listed = world.desk.list_tokens(&vendor.id, &TokenListQuery::default()).await.unwrap();
    assert!(listed.items.iter().any(|token| token.id == vendor.token_id && token.status == "Active"));

    // Enabling needs an unlock.
    let refused = world.desk.change_tokens(&vendor.id, BulkAction::Enable, chosen[..3].to_vec(), false).await;
    assert_eq!(refused.expect_err("locked").kind, ErrorKind::Locked);
    world.desk.unlock().await.unwrap();
    let enabled = world.desk.change_tokens(&vendor.id, BulkAction::Enable, chosen[..3].to_vec(), false).await.unwrap();
    assert!(enabled.iter().all(|outcome| outcome.token.as_ref().is_some_and(|token| token.status == "Active")));

    let none = world.desk.change_tokens(&vendor.id, BulkAction::Disable, Vec::new(), false).await;
    assert_eq!(none.expect_err("empty").kind, ErrorKind::Validation);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_token_chosen_with_others_goes_last_so_the_others_get_through() {
    let world = World::new(14).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let active = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let others: Vec<String> = world
        .desk
        .list_tokens(&vendor.id, &active)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|token| token.id)
        .filter(|id| id != &vendor.token_id)
        .take(8)
        .collect();
    assert!(others.len() > 4, "more than one round of requests after the sign-in token: {others:?}");
    let mut chosen = vec![vendor.token_id.clone()];
    chosen.extend(others.iter().cloned());

    let outcomes = world.desk.change_tokens(&vendor.id, BulkAction::Disable, chosen.clone(), true).await.unwrap();
    assert_eq!(outcomes.iter().map(|outcome| outcome.token_id.as_str()).collect::<Vec<_>>(), chosen, "in order");
    for outcome in &outcomes {
        assert_eq!(outcome.token.as_ref().map(|token| token.status.as_str()), Some("Disabled"), "{outcome:?}");
    }
}
