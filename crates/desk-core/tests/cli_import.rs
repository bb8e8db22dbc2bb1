//! Rescue from plaintext: importing SoftwareOne CLI accounts against the
//! simulator, then taking their secrets out of the CLI's file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;

use desk_core::{CliImportResult, Desk, DeskConfig, ErrorKind, InMemoryStore, SecretStore};
use marketplace_sim::{AccountKind, SimConfig};
use serde_json::json;

/// A desk whose CLI accounts file is `file`.
fn desk_reading(config_dir: &std::path::Path, file: &std::path::Path, secrets: Arc<InMemoryStore>) -> Desk {
    let mut config = DeskConfig::new(config_dir, "0.0.0-test");
    config.retry = common::quick_retries();
    config.cli_accounts_file = Some(file.to_path_buf());
    Desk::open(config, secrets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_accounts_are_imported_checked_and_their_secrets_then_leave_the_file() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 2, ..SimConfig::default() }).await.expect("sim");
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join(".swocli/accounts.json");
    std::fs::create_dir_all(file.parent().expect("dir")).expect("dir");
    let good = sim.admin_secret(AccountKind::Vendor).to_owned();
    let good_token = good.split(':').nth(1).expect("a token id").to_owned();
    // A secret of the right shape that the Marketplace refuses.
    let bad_token = "TKN-0000-0001";
    let bad = format!("idt:{bad_token}:{}", "x".repeat(40));
    let other_secret = format!("idt:{good_token}:{}", "y".repeat(40));
    let accounts = json!([
        { "id": sim.account_id(AccountKind::Vendor), "name": "Vendor via CLI", "type": "Vendor",
          "token": good, "token_id": good_token, "environment": format!("{}/public", sim.base_url()), "is_active": true },
        { "id": "ACC-0000-0001", "name": "Stale", "type": "Client",
          "token": bad, "token_id": bad_token, "environment": sim.base_url(), "is_active": false, "extra": [1, 2] },
        // The same token id elsewhere, and here with a secret Token Desk never saw: neither is its to strip.
        { "id": "ACC-0000-0002", "name": "Same id, test Marketplace", "type": "Vendor",
          "token": good, "token_id": good_token, "environment": "https://api.s1.show/public", "is_active": false },
        { "id": "ACC-0000-0003", "name": "Same id, other secret", "type": "Vendor",
          "token": other_secret, "token_id": good_token, "environment": sim.base_url(), "is_active": false },
    ]);
    std::fs::write(&file, serde_json::to_vec_pretty(&accounts).expect("json")).expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("mode");
    }
    let config_dir = tempfile::tempdir().expect("config");
    let secrets = Arc::new(InMemoryStore::new());
    let desk = desk_reading(config_dir.path(), &file, secrets.clone());

    // Listed without a secret anywhere in what the window gets.
    let found = desk.cli_accounts().expect("read").expect("the file exists");
    assert_eq!(found.accounts.len(), 4);
    assert_eq!(found.accounts[0].name, "Vendor via CLI");
    assert!(found.accounts[0].has_secret && found.accounts[0].is_active && !found.accounts[0].already_connected);
    assert!(found.accounts[0].custom_address, "the simulator's address is an address of its own");
    let shown = serde_json::to_string(&found).expect("json");
    assert!(!shown.contains("idt:"), "no secret crosses to the window: {shown}");

    // Each is checked with the Marketplace: the good one connects, the refused one says why.
    let asked = vec![good_token.clone(), bad_token.to_owned()];
    let results = desk.import_cli_accounts(&asked, Some(sim.ca_pem().to_owned())).await.expect("imported");
    let connection = match &results[0] {
        CliImportResult::Imported { connection, .. } => connection.clone(),
        other => panic!("the vendor's account was not imported: {other:?}"),
    };
    assert_eq!(connection.token_id, good_token);
    assert_eq!(connection.label, "Vendor via CLI");
    match &results[1] {
        CliImportResult::Failed { error, name, .. } => {
            assert_eq!(error.kind, ErrorKind::Unauthorized, "{error:?}");
            assert_eq!(name, "Stale");
        }
        other => panic!("a refused token was imported: {other:?}"),
    }
    assert_eq!(secrets.keys().expect("keys").map(|keys| keys.len()), Some(1), "one secret in the keychain");
    assert!(desk.cli_accounts().expect("read").expect("file").accounts[0].already_connected);
    // Importing changed nothing in the CLI's file.
    let text = std::fs::read_to_string(&file).expect("the file");
    assert!(text.contains(&good) && text.contains(&bad));

    // The secret of the imported account leaves the file; the other one, and
    // every other field, stay; no other copy is left beside it.
    assert_eq!(desk.strip_cli_secrets().await.expect("stripped"), 1);
    let text = std::fs::read_to_string(&file).expect("the file");
    assert!(text.contains(&bad), "the account that was not imported keeps its secret");
    let after: serde_json::Value = serde_json::from_str(&text).expect("still JSON the CLI reads");
    assert_eq!(after[0]["token"], "", "the imported secret is gone");
    assert_eq!(after[2]["token"], good.as_str(), "the same token id at another Marketplace is not ours to strip");
    assert_eq!(after[3]["token"], other_secret.as_str(), "a secret unlike the keychain's stays");
    assert_eq!(after[0]["token_id"], good_token);
    assert_eq!(after[1]["extra"], json!([1, 2]));
    let beside: Vec<_> =
        std::fs::read_dir(file.parent().expect("dir")).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("accounts.json")], "no second copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the rewritten file is private, whatever it was (0640 here)");
    }
    // Nothing more to strip the second time.
    assert_eq!(desk.strip_cli_secrets().await.expect("stripped"), 0);
    assert!(!desk.cli_accounts().expect("read").expect("file").accounts[0].has_secret);
}

#[tokio::test]
async fn a_missing_file_is_no_offer_and_a_file_that_is_not_a_list_says_so() {
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("accounts.json");
    let config_dir = tempfile::tempdir().expect("config");
    let desk = desk_reading(config_dir.path(), &file, Arc::new(InMemoryStore::new()));
    assert_eq!(desk.cli_accounts().expect("no file, no error"), None);

    std::fs::write(&file, r#"{"accounts": "idt:TKN-1234-5678:abcdefabcdefabcdefabcdef"}"#).expect("written");
    let error = desk.cli_accounts().expect_err("not a list");
    assert_eq!(error.kind, ErrorKind::Validation);
    assert!(error.message.contains("no list of accounts"), "{}", error.message);
    assert!(!error.message.contains("idt:"), "{}", error.message);

    std::fs::write(&file, "[{ not json").expect("written");
    let error = desk.cli_accounts().expect_err("not JSON");
    assert!(error.message.contains("line 1"), "says where: {}", error.message);
    let refused = desk.import_cli_accounts(&["TKN-1111-2222".to_owned()], None).await.expect_err("nothing to import");
    assert_eq!(refused.kind, ErrorKind::Validation);
}
