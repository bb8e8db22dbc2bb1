//! The last token list, kept on this device for the next start: what it holds
//! (and never holds), and when it is gone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::Settings;
use desk_core::queries::{TokenListQuery, TokenState};
use marketplace_sim::AccountKind;

#[tokio::test]
async fn the_whole_list_is_kept_without_descriptions_and_read_back() {
    let world = World::new(40).await;
    let connection = world.connect(AccountKind::Vendor).await;
    assert!(world.desk.remembered_tokens(&connection.id).await.is_none(), "nothing before a first list");

    let mut batches = Vec::new();
    world
        .desk
        .list_all_tokens(&connection.id, &TokenListQuery::default(), |batch| batches.push(batch))
        .await
        .expect("the list");
    let shown: Vec<_> = batches.iter().flat_map(|batch| batch.rows.iter()).collect();
    let kept = world.desk.remembered_tokens(&connection.id).await.expect("kept after a whole list");
    assert_eq!(kept.rows.len(), shown.len());
    for (kept, shown) in kept.rows.iter().zip(&shown) {
        assert_eq!((kept.id, kept.name, kept.status), (shown.id, shown.name, shown.status));
        assert_eq!(
            (kept.last_access, kept.created, kept.created_by),
            (shown.last_access, shown.created, shown.created_by)
        );
        assert_eq!(kept.account, shown.account);
        assert_eq!(kept.description, None, "free text never leaves the Marketplace for a file");
    }
    assert!(shown.iter().any(|token| token.created.is_some() && token.last_access.is_some()), "the seed has dates");
    assert!(shown.iter().any(|token| token.description.is_some()), "the seed has descriptions to leave out");
    let file = world.config_dir.path().join("remembered-lists").join(format!("{}.json", connection.id));
    let text = std::fs::read_to_string(&file).expect("the file");
    assert!(!text.contains("idt:"), "no token value in the file");
    for token in shown.iter().filter_map(|token| token.description) {
        assert!(!text.contains(token), "a description was written: {token}");
    }

    // A filtered list is not the list the next start shows: it replaces nothing.
    let active = TokenListQuery { status: Some(TokenState::Active), ..TokenListQuery::default() };
    world.desk.list_all_tokens(&connection.id, &active, |_| {}).await.expect("active only");
    let still = world.desk.remembered_tokens(&connection.id).await.expect("still kept");
    assert_eq!(still.rows.len(), shown.len());
}

#[tokio::test]
async fn turning_the_setting_off_or_removing_the_connection_forgets_it() {
    let world = World::new(10).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let client = world.connect(AccountKind::Client).await;
    for connection in [&vendor, &client] {
        world.desk.list_all_tokens(&connection.id, &TokenListQuery::default(), |_| {}).await.expect("the list");
        assert!(world.desk.remembered_tokens(&connection.id).await.is_some());
    }

    world.desk.remove_connection(&client.id, false).await.expect("removed");
    assert!(world.desk.remembered_tokens(&client.id).await.is_none(), "gone with its connection");
    assert!(world.desk.remembered_tokens(&vendor.id).await.is_some(), "the other one stays");

    let off = Settings { remember_token_list: false, ..world.desk.settings() };
    world.desk.update_settings(off.clone()).await.expect("saved");
    assert!(world.desk.remembered_tokens(&vendor.id).await.is_none());
    world.desk.list_all_tokens(&vendor.id, &TokenListQuery::default(), |_| {}).await.expect("the list");
    let on = Settings { remember_token_list: true, ..off };
    world.desk.update_settings(on).await.expect("saved");
    assert!(
        world.desk.remembered_tokens(&vendor.id).await.is_none(),
        "the files were removed when it was turned off, and none written while off"
    );
}

#[tokio::test]
async fn a_damaged_file_is_no_list_and_is_removed() {
    let world = World::new(5).await;
    let connection = world.connect(AccountKind::Vendor).await;
    world.desk.list_all_tokens(&connection.id, &TokenListQuery::default(), |_| {}).await.expect("the list");
    let file = world.config_dir.path().join("remembered-lists").join(format!("{}.json", connection.id));
    assert!(file.is_file(), "kept in {}", file.display());
    std::fs::write(&file, b"{ not json").expect("damaged");
    assert!(world.desk.remembered_tokens(&connection.id).await.is_none());
    assert!(!file.exists(), "a damaged file is removed, not read again");
    // An id that is not a plain file name is never a path.
    assert!(world.desk.remembered_tokens("../settings").await.is_none());
}
