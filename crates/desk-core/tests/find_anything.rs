//! Finding things beyond the open list, against the simulator over TLS: the
//! command palette's cache of the other connections' tokens, and the
//! account's whole audit trail with its filters.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::time::Duration;

use common::World;
use desk_core::queries::TokenListQuery;
use desk_core::{AccountAuditQuery, AuditExportScope, DeskEvent, ExportFormat, NewToken};
use marketplace_sim::AccountKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_palette_knows_the_other_connections_tokens_and_how_fresh_they_are() {
    let world = World::new(5).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let client = world.connect(AccountKind::Client).await;
    world.desk.set_active_connection(&client.id).await.unwrap();

    let before = world.desk.token_directory();
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|entry| entry.tokens.is_empty() && entry.fetched_at.is_none()), "nothing asked yet");

    let mut events = world.desk.subscribe();
    let directory = world.desk.refresh_token_directory(Duration::from_secs(60)).await;
    while let Ok(event) = events.try_recv() {
        assert!(!matches!(event, DeskEvent::TokensRefreshed { .. }), "a background fetch must not wake the tray");
    }
    let vendor_entry = directory.iter().find(|entry| entry.connection_id == vendor.id).expect("vendor");
    let vendor_list = world.desk.list_tokens(&vendor.id, &TokenListQuery::default()).await.unwrap();
    let mut cached: Vec<&str> = vendor_entry.tokens.iter().map(|token| token.id.as_str()).collect();
    let mut listed: Vec<&str> = vendor_list.items.iter().map(|token| token.id.as_str()).collect();
    cached.sort();
    listed.sort();
    assert_eq!(cached, listed, "the other connection's whole list");
    assert!(vendor_entry.fetched_at.is_some());
    let client_entry = directory.iter().find(|entry| entry.connection_id == client.id).expect("client");
    assert!(client_entry.tokens.is_empty(), "the active connection is the window's own list");

    // Within its age, nothing is fetched again: a token created since is not there yet.
    world
        .desk
        .create_token(
            &vendor.id,
            NewToken { name: "Palette newcomer".into(), description: String::new(), module_ids: Vec::new() },
        )
        .await
        .expect("created");
    let again = world.desk.refresh_token_directory(Duration::from_secs(60)).await;
    let vendor_again = again.iter().find(|entry| entry.connection_id == vendor.id).expect("vendor");
    assert_eq!(vendor_again.fetched_at, vendor_entry.fetched_at, "fresh enough: not fetched");
    assert!(!vendor_again.tokens.iter().any(|token| token.name == "Palette newcomer"));
    let refetched = world.desk.refresh_token_directory(Duration::ZERO).await;
    let vendor_now = refetched.iter().find(|entry| entry.connection_id == vendor.id).expect("vendor");
    assert!(vendor_now.tokens.iter().any(|token| token.name == "Palette newcomer"), "a stale list is fetched");
    let shown = serde_json::to_string(&world.desk.token_directory()).unwrap();
    assert!(!shown.contains("idt:"), "names only, never a value");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_audit_lists_every_record_and_filters_by_actor_object_event_and_date() {
    let world = World::new(4).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let target = world
        .desk
        .list_tokens(&vendor.id, &TokenListQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|token| token.id != vendor.token_id && token.status == "Active")
        .expect("a token to disable");
    world.desk.disable_token(&vendor.id, &target.id, false).await.unwrap();

    let everything = world.desk.account_audit(&vendor.id, &AccountAuditQuery::default()).await.unwrap();
    assert!(everything.items.len() > 1, "the account's records, not one token's");
    let times: Vec<&str> = everything.items.iter().filter_map(|record| record.timestamp.as_deref()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "newest first: {times:?}");

    let by_admin = AccountAuditQuery { actor_id: Some(vendor.token_id.clone()), ..Default::default() };
    let made = world.desk.account_audit(&vendor.id, &by_admin).await.unwrap();
    assert!(!made.items.is_empty());
    assert!(made.items.iter().all(|record| record.actor_id.as_deref() == Some(vendor.token_id.as_str())));

    let about_target = AccountAuditQuery { object_id: Some(target.id.to_lowercase()), ..Default::default() };
    let about = world.desk.account_audit(&vendor.id, &about_target).await.unwrap();
    assert!(!about.items.is_empty());
    assert!(about.items.iter().all(|record| record.object_id.as_deref() == Some(target.id.as_str())));
    let disabled_event = about.items[0].event.clone();

    let of_event = AccountAuditQuery { event_types: vec![disabled_event.clone()], ..Default::default() };
    let events = world.desk.account_audit(&vendor.id, &of_event).await.unwrap();
    assert!(events.items.iter().all(|record| record.event == disabled_event));

    let future = AccountAuditQuery { from: Some("2999-01-01T00:00:00Z".into()), ..Default::default() };
    assert!(world.desk.account_audit(&vendor.id, &future).await.unwrap().items.is_empty());

    let paged = AccountAuditQuery { limit: 1, offset: 1, ..Default::default() };
    let second = world.desk.account_audit(&vendor.id, &paged).await.unwrap();
    assert_eq!(second.items.first().map(|record| &record.id), everything.items.get(1).map(|record| &record.id));

    // Export takes the screen's filters: every record the admin's token made, no more.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made.csv");
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scope = AuditExportScope::Account { query: by_admin.clone() };
    let summary =
        world.desk.export_audit_until(&vendor.id, &scope, ExportFormat::Csv, &path, &cancel, |_| {}).await.unwrap();
    let all_made = world.desk.account_audit(&vendor.id, &AccountAuditQuery { limit: 100, ..by_admin }).await.unwrap();
    assert_eq!(summary.records as usize, all_made.items.len());
    let lines = std::fs::read_to_string(&path).unwrap().lines().count();
    assert_eq!(lines, all_made.items.len() + 1, "a header and one line per record");
}
