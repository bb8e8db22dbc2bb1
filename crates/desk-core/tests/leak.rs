//! From a pasted leak to its token, in every connection, against the
//! simulator over TLS: a value inside a log line, an id alone, an id nobody
//! knows, and text that names no token.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{ErrorKind, LockReason};
use marketplace_sim::AccountKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_value_is_found_in_every_connection_that_knows_its_token() {
    let world = World::new(4).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let client = world.connect(AccountKind::Client).await;
    let operations = world.connect(AccountKind::Operations).await;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let leaked = world
        .desk
        .list_tokens(&vendor.id, &query)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|token| token.id != vendor.token_id)
        .expect("a vendor token");
    let value = world.desk.reveal_token_value(&vendor.id, &leaked.id).await.unwrap();

    // Found from a log line, even locked: a leak never waits for an unlock.
    world.desk.lock(LockReason::Asked).await;
    let log = format!("2026-12-02T10:00:00Z WARN request failed Authorization: Bearer {value} (retrying)");
    let search = world.desk.find_pasted_token(log).await.expect("searched");
    assert_eq!(search.token_id, leaked.id);
    assert!(search.value_pasted, "a whole value was pasted");
    let mut found: Vec<&str> = search.found.iter().map(|hit| hit.connection_id.as_str()).collect();
    found.sort();
    let mut expected = vec![vendor.id.as_str(), operations.id.as_str()];
    expected.sort();
    assert_eq!(found, expected, "the vendor's own connection and the operations admin, not the client");
    assert!(search.found.iter().all(|hit| hit.token.name == leaked.name));
    assert_eq!(search.searched.len(), 3);
    assert!(!search.found.iter().any(|hit| hit.connection_id == client.id));
    let shown = serde_json::to_string(&search).unwrap();
    assert!(!shown.contains(&value), "the value never comes back: {shown}");

    let by_id = world.desk.find_pasted_token(leaked.id.to_lowercase()).await.expect("searched");
    assert!(!by_id.value_pasted);
    assert_eq!(by_id.found.len(), 2);

    let nobody = world.desk.find_pasted_token("TKN-0000-0001".into()).await.expect("searched");
    assert!(nobody.found.is_empty());
    assert_eq!(nobody.searched.len(), 3, "says which connections were searched");

    let nothing = world.desk.find_pasted_token("hello".into()).await.expect_err("no token named");
    assert_eq!(nothing.kind, ErrorKind::Validation);
}
