//! Usage insight and new-origin detection through the desk, over audit
//! records the simulator holds for calls from two places.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::queries::{TokenListQuery, TokenState};
use marketplace_sim::{AccountKind, CallOrigin};

fn from(ip: &str, country: &str, agent: &str) -> CallOrigin {
    CallOrigin {
        ip: ip.into(),
        user_agent: agent.into(),
        country_code: country[..2].to_uppercase(),
        country_name: country.into(),
        region: "Somewhere".into(),
    }
}

async fn a_token(world: &World, connection: &str) -> String {
    let own = world.desk.connection(connection).unwrap().token_id;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let tokens = world.desk.list_tokens(connection, &query).await.unwrap().items;
    tokens.into_iter().find(|token| token.id != own).unwrap().id
}

#[tokio::test]
async fn a_token_acting_from_a_new_place_is_told_once() {
    let world = World::new(6).await;
    let connection = world.connect(AccountKind::Client).await.id;
    let token = a_token(&world, &connection).await;
    assert!(world.sim.record_token_activity(&token, &from("192.0.2.10", "Spain", "python-requests/2.32")));

    // The first check learns what is already there: no news.
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty());
    // Again from the same place: still none.
    world.sim.record_token_activity(&token, &from("192.0.2.10", "Spain", "python-requests/2.32"));
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty());

    // From a second address, in another country: told, once.
    world.sim.record_token_activity(&token, &from("198.51.100.99", "Germany", "curl/8.5"));
    let told = world.desk.check_new_origins(&connection).await.unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].token_id, token);
    assert!(told[0].title.starts_with("New origin"), "{}", told[0].title);
    assert!(told[0].body.contains("198.51.100.99") && told[0].body.contains("Germany"), "{}", told[0].body);
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty(), "once");
    world.sim.record_token_activity(&token, &from("198.51.100.99", "Germany", "curl/8.5"));
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty(), "a known place again is no news");

    // The history is kept on this device: a restarted desk does not tell it again.
    let reopened = common::desk_with(world.config_dir.path(), world.secrets.clone());
    assert!(reopened.check_new_origins(&connection).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_token_page_shows_where_and_how_a_token_was_used() {
    let world = World::new(6).await;
    let connection = world.connect(AccountKind::Client).await.id;
    let token = a_token(&world, &connection).await;
    let quiet = world.desk.token_usage(&connection, &token).await.unwrap();
    let seeded = quiet.records_read;
    world.sim.record_token_activity(&token, &from("192.0.2.10", "Spain", "python-requests/2.32"));
    // Records are stamped to the millisecond: keep the two apart.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    world.sim.record_token_activity(&token, &from("198.51.100.99", "Germany", "curl/8.5"));

    let usage = world.desk.token_usage(&connection, &token).await.unwrap();
    assert_eq!(usage.records_read, seeded + 2);
    assert!(!usage.truncated);
    let newest = usage.last_activity.as_ref().expect("its last activity");
    assert_eq!(newest.actor_id.as_deref(), Some(token.as_str()));
    let summary = newest.summary.as_deref().expect("a summary");
    assert!(summary.starts_with("Order ORD-") && !summary.contains("{{"), "rendered: {summary}");
    assert_eq!(usage.ips[0].value, "198.51.100.99", "most recent first");
    assert_eq!(usage.ips[0].detail.as_deref(), Some("Germany, Somewhere"));
    assert!(usage.ips.iter().any(|seen| seen.value == "192.0.2.10"));
    assert_eq!(usage.countries[0].value, "Germany");
    assert_eq!(usage.user_agents[0].value, "curl/8.5");
    assert!(usage.ips[0].first_seen.is_some() && usage.ips[0].last_seen >= usage.ips[0].first_seen);

    let missing = world.desk.token_usage(&connection, "TKN-9999-9999").await.expect_err("no such token");
    assert_eq!(missing.kind, desk_core::ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_activity_of_a_dormant_token_is_told_but_not_a_new_ones() {
    let world = World::new(20).await;
    let connection = world.connect(AccountKind::Client).await.id;
    // A seeded token, months old, that never acted.
    let own = world.desk.connection(&connection).unwrap().token_id;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let mut dormant = None;
    for token in world.desk.list_tokens(&connection, &query).await.unwrap().items {
        if token.id != own && world.desk.token_usage(&connection, &token.id).await.unwrap().records_read == 0 {
            dormant = Some(token.id);
            break;
        }
    }
    let dormant = dormant.expect("a token that never acted");
    let new = world
        .desk
        .create_token(
            &connection,
            desk_core::NewToken { name: "Fresh".into(), description: String::new(), module_ids: Vec::new() },
        )
        .await
        .expect("created")
        .id;
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty(), "the first check learns");

    world.sim.record_token_activity(&new, &from("192.0.2.10", "Spain", "python-requests/2.32"));
    assert!(
        world.desk.check_new_origins(&connection).await.unwrap().is_empty(),
        "a new token's first call is expected"
    );

    world.sim.record_token_activity(&dormant, &from("198.51.100.99", "Germany", "curl/8.5"));
    let told = world.desk.check_new_origins(&connection).await.unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].token_id, dormant);
    assert!(told[0].title.starts_with("First activity"), "{}", told[0].title);
    assert!(
        told[0].body.contains("days after it was created") && told[0].body.contains("198.51.100.99"),
        "{}",
        told[0].body
    );
    world.sim.record_token_activity(&dormant, &from("198.51.100.99", "Germany", "curl/8.5"));
    assert!(world.desk.check_new_origins(&connection).await.unwrap().is_empty(), "told once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_is_watched_reading_each_keychain_entry_once_per_run() {
    let mut world = World::new(6).await;
    let keychain = std::sync::Arc::new(common::TroubledSaves::default());
    world.desk = common::desk_with(world.config_dir.path(), keychain.clone());
    let client = world.connect(AccountKind::Client).await.id;
    let vendor = world.connect(AccountKind::Vendor).await.id;
    world.desk.set_active_connection(&vendor).await.expect("the vendor is active");
    let token = a_token(&world, &client).await;
    // A fresh desk, as after a restart: no client is built yet.
    world.desk = common::desk_with(world.config_dir.path(), keychain.clone());
    let reads_before = keychain.reads.load(std::sync::atomic::Ordering::SeqCst);

    world.sim.record_token_activity(&token, &from("192.0.2.10", "Spain", "python-requests/2.32"));
    assert!(world.desk.run_schedules().await.is_empty(), "the first run learns");
    world.sim.record_token_activity(&token, &from("198.51.100.99", "Germany", "curl/8.5"));
    let told = world.desk.run_schedules().await;
    assert!(
        told.iter().any(|reminder| reminder.connection_id == client && reminder.token_id == token),
        "the connection not in use is watched too: {told:?}"
    );
    for _ in 0..3 {
        world.desk.run_schedules().await;
    }
    let reads = keychain.reads.load(std::sync::atomic::Ordering::SeqCst) - reads_before;
    // One read of each connection's entry, and one of the key that seals the schedules' files.
    assert!(reads <= 3, "{reads} keychain reads in five runs");
}
