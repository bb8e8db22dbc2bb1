//! A hostile program running as the user, and a keychain that stalls: what
//! Token Desk trusts when `connections.json` or its sealed files are edited
//! behind its back, and how a rotation behaves when an unlock prompt is left
//! unanswered. Against the simulator over TLS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::World;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{DeskConfig, ErrorKind, GracePeriod, SecretStore};
use marketplace_sim::AccountKind;

/// Edits `connections.json` in `dir` with `edit`.
fn edit_connections(dir: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("connections.json");
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut file);
    std::fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
}

/// An active token of the vendor's account that no connection signs in with.
async fn a_vendor_token(world: &World, operations: &str, vendor_account: &str, not: &[&str]) -> String {
    let query = TokenListQuery {
        status: Some(TokenState::Active),
        account_id: Some(vendor_account.to_owned()),
        ..Default::default()
    };
    let tokens = world.desk.list_tokens(operations, &query).await.expect("tokens").items;
    tokens.into_iter().map(|token| token.id).find(|id| !not.contains(&id.as_str())).expect("a vendor token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_token_is_known_from_the_keychain_not_the_editable_file() {
    let mut world = World::new(4).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let operations = world.connect(AccountKind::Operations).await;
    let other = a_vendor_token(&world, &operations.id, &vendor.account.id, &[&vendor.token_id]).await;
    let value = world.desk.reveal_token_value(&operations.id, &other).await.expect("another token's value");
    assert!(value.starts_with(&format!("idt:{other}:")));

    // Another program renames the vendor connection's token in the file, then Token Desk restarts.
    edit_connections(world.config_dir.path(), |file| {
        for connection in file["connections"].as_array_mut().unwrap() {
            if connection["id"] == vendor.id.as_str() {
                connection["tokenId"] = serde_json::json!(other);
            }
        }
    });
    world.desk = common::desk_with(world.config_dir.path(), world.secrets.clone());
    let refused = world.desk.reveal_token_value(&operations.id, &vendor.token_id).await.expect_err("refused");
    assert_eq!(refused.kind, ErrorKind::Refused, "{refused:?}");
    assert!(refused.message.contains(&vendor.label), "names the connection: {}", refused.message);
    let copied = world.desk.copy_token(&operations.id, &vendor.token_id, desk_core::CopyFormat::Value).await;
    assert_eq!(copied.expect_err("no copy either").kind, ErrorKind::Refused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_sign_in_rotation_both_tokens_count_as_sign_in_tokens() {
    let world = World::new(4).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let operations = world.connect(AccountKind::Operations).await;
    let started = world.desk.rotate_token(&vendor.id, &vendor.token_id, GracePeriod::OneDay).await.expect("rotated");
    assert!(started.rotation.sign_in);
    let successor = started.new_token.id.clone();
    assert_eq!(world.desk.connection(&vendor.id).unwrap().token_id, successor, "the connection was repointed");

    for token in [&vendor.token_id, &successor] {
        let refused = world.desk.reveal_token_value(&operations.id, token).await.expect_err("refused");
        assert_eq!(refused.kind, ErrorKind::Refused, "{token}: {refused:?}");
    }
    // Once the grace period is over, the old token is just a disabled token.
    world.desk.finish_rotation(&vendor.id, &started.rotation.id).await.expect("finished");
    let old = world.desk.reveal_token_value(&operations.id, &vendor.token_id).await;
    assert!(old.is_ok(), "the old token is no sign-in token any more: {old:?}");
}

async fn count_tokens(world: &World, connection: &str) -> u32 {
    world.desk.list_tokens(connection, &TokenListQuery::default()).await.unwrap().paging.total.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_keychain_never_holds_the_rotation_lock_and_a_late_save_is_taken_back() {
    let mut world = World::new(4).await;
    let keychain = Arc::new(common::TroubledSaves::default());
    let mut config = DeskConfig::new(world.config_dir.path(), "0.0.0-test");
    config.retry = common::quick_retries();
    config.keychain_timeout = Duration::from_millis(400);
    world.desk = desk_core::Desk::open(config, keychain.clone());
    let vendor = world.connect(AccountKind::Vendor).await;
    // The rotations file's key is made before the prompt appears.
    assert!(world.desk.rotations(&vendor.id).await.expect("read").is_empty());
    let entry_before = keychain.load(&vendor.id).unwrap().unwrap().expose().to_owned();
    let before = count_tokens(&world, &vendor.id).await;
    let saves_before = keychain.saves.load(Ordering::SeqCst);

    keychain.stall.store(true, Ordering::SeqCst);
    let asked = std::time::Instant::now();
    let error = world.desk.rotate_token(&vendor.id, &vendor.token_id, GracePeriod::OneDay).await.expect_err("stalled");
    assert!(asked.elapsed() < Duration::from_secs(5), "answered within the keychain's limit");
    assert_eq!(error.kind, ErrorKind::Keychain, "{error:?}");
    assert!(error.message.contains("did not answer") && error.message.contains("stays"), "{}", error.message);
    // The schedule is not held up while the prompt waits.
    let checked = tokio::time::timeout(Duration::from_secs(2), world.desk.check_rotations()).await;
    assert!(checked.is_ok(), "the rotation lock was released");
    assert_eq!(world.desk.connection(&vendor.id).unwrap().token_id, vendor.token_id, "not repointed");
    assert_eq!(
        count_tokens(&world, &vendor.id).await,
        before + 1,
        "the successor is kept: its secret may yet be saved"
    );

    // The prompt is answered: the late save lands, and the old secret is put back.
    keychain.stall.store(false, Ordering::SeqCst);
    for _ in 0..200 {
        if keychain.saves.load(Ordering::SeqCst) >= saves_before + 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(keychain.saves.load(Ordering::SeqCst), saves_before + 2, "the late save, then the put-back");
    assert_eq!(keychain.load(&vendor.id).unwrap().unwrap().expose(), entry_before, "the old secret is back");
    world.desk.list_tokens(&vendor.id, &TokenListQuery::default()).await.expect("the connection still works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_snapshot_edited_outside_is_refused_and_restores_nothing() {
    let mut world = World::new(3).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let plan = world.desk.plan_panic(&vendor.id).await.expect("planned");
    world.desk.panic_disable(&plan, false).await.expect("disabled");
    let offer = world.desk.restore_offer(&vendor.id).await.expect("read").expect("an offer");
    let question = offer.question(&vendor.label);
    for token in plan.tokens.iter().filter(|token| !token.signs_in) {
        assert!(question.message.contains(&token.id), "the confirmation names {}: {}", token.id, question.message);
    }

    // Another program slips one more (leaked, disabled) token into the snapshot.
    let path = world.config_dir.path().join("panic-snapshots.json");
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let tokens = file["content"][vendor.id.as_str()]["tokens"].as_array_mut().expect("the snapshot's tokens");
    tokens.push(serde_json::json!({ "id": "TKN-9999-9999", "name": "leaked", "outcome": { "result": "done" } }));
    std::fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();

    world.desk = common::desk_with(world.config_dir.path(), world.secrets.clone());
    assert!(world.desk.restore_offer(&vendor.id).await.expect("read").is_none(), "nothing is offered");
    let refused = world.desk.restore_panic(&vendor.id).await.expect_err("nothing to restore");
    assert_eq!(refused.kind, ErrorKind::NotFound);
    let notices = world.desk.connections().file_notices;
    assert!(
        notices.iter().any(|notice| notice.message.contains("seal does not match")),
        "the user is told: {notices:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_connections_file_offers_no_orphan_removal_and_can_be_put_back() {
    let mut world = World::new(2).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let path = world.config_dir.path().join("connections.json");
    let good = std::fs::read(&path).unwrap();
    std::fs::write(&path, b"{ \"version\": 1, \"connections\": [ damaged").unwrap();

    world.desk = common::desk_with(world.config_dir.path(), world.secrets.clone());
    let list = world.desk.connections();
    assert!(list.connections.is_empty() && list.notice.is_some());
    let aside = std::path::PathBuf::from(list.set_aside.expect("the file set aside"));
    assert!(world.desk.orphaned_secrets().await.expect("asked").is_empty(), "no entry looks orphaned meanwhile");
    assert_eq!(world.desk.remove_orphaned_secrets().await.expect("asked"), 0);
    assert!(world.secrets.load(&vendor.id).unwrap().is_some(), "the secret stays in the keychain");

    // Still damaged: it stays aside, and the message says what to do.
    let still = world.desk.restore_connections_file().await.expect_err("still damaged");
    assert!(still.message.contains("still damaged"), "{}", still.message);
    assert!(aside.exists() && !path.exists());

    // Fixed by hand: it goes back, and the connection works again.
    std::fs::write(&aside, &good).unwrap();
    let list = world.desk.restore_connections_file().await.expect("put back");
    assert_eq!(list.connections.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![vendor.id.clone()]);
    assert!(list.notice.is_none() && list.set_aside.is_none());
    world.desk.list_tokens(&vendor.id, &TokenListQuery::default()).await.expect("works again");
}

#[tokio::test]
async fn damaged_settings_are_set_aside_like_every_other_file_and_told() {
    let world = World::new(1).await;
    let saved = desk_core::Settings { clipboard_history: true, ..Default::default() };
    world.desk.update_settings(saved.clone()).await.expect("saved");
    assert_eq!(common::desk_with(world.config_dir.path(), world.secrets.clone()).settings(), saved, "kept");

    std::fs::write(world.config_dir.path().join("settings.json"), b"{ \"clipboardHistory\": tru").expect("damaged");
    let reopened = common::desk_with(world.config_dir.path(), world.secrets.clone());
    assert_eq!(reopened.settings(), desk_core::Settings::default(), "the defaults apply");
    let notices = reopened.connections().file_notices;
    assert!(notices.iter().any(|notice| notice.message.contains("settings")), "told: {notices:?}");
    let aside: Vec<String> = std::fs::read_dir(world.config_dir.path())
        .expect("dir")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("settings.json.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "kept aside, not overwritten");
}
