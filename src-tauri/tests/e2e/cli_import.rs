//! Rescue from plaintext, in the real window: the SoftwareOne CLI's accounts
//! file in the user's home is offered for import, the accounts are checked
//! against the simulator, and the imported secret leaves the file only after
//! the user confirms.

use marketplace_sim::{AccountKind, SimConfig};

use crate::support::Launch;
use crate::support::screen::{button, field};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn cli_accounts_are_imported_and_their_secret_leaves_the_plain_text_file() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 4, ..SimConfig::default() }).await.expect("sim");
    let files = tempfile::tempdir().expect("the app's files");
    let cli_file = files.path().join("home/.swocli/accounts.json");
    std::fs::create_dir_all(cli_file.parent().expect("dir")).expect("the CLI's dir");
    let good = sim.admin_secret(AccountKind::Vendor).to_owned();
    let good_token = good.split(':').nth(1).expect("a token id").to_owned();
    let bad = format!("idt:TKN-0000-0009:{}", "y".repeat(40));
    let accounts = serde_json::json!([
        { "id": sim.account_id(AccountKind::Vendor), "name": "Vendor via CLI", "type": "Vendor", "token": good,
          "token_id": good_token, "environment": format!("{}/public", sim.base_url()), "is_active": true },
        { "id": "ACC-0000-0009", "name": "Old CI", "type": "Client", "token": bad,
          "token_id": "TKN-0000-0009", "environment": sim.base_url(), "is_active": false },
    ]);
    std::fs::write(&cli_file, serde_json::to_vec_pretty(&accounts).expect("json")).expect("the CLI's file");
    // Kept files keep the keychain too: start from one with no Token Desk entry.
    let app = Launch::app().in_kept_files(files.path()).with_fresh_keychain().start().await;

    let region = "//*[@role='region'][@aria-label='SoftwareOne CLI accounts']";
    app.wait_for(region).await;
    app.wait_for_text("2 API secrets of SoftwareOne's CLI are kept in plain text").await;
    app.screenshot("cli-import-offer").await;
    app.click(&format!("{region}{}", button("Import…"))).await;
    app.paste("Extra CA certificate", sim.ca_pem()).await;
    app.screenshot("cli-import-choose").await;
    app.click(&format!("{region}{}", button("Import 2"))).await;
    app.wait_for_text("Vendor via CLI: connected, its secret is in your keychain").await;
    app.wait_for_text("Old CI: not imported.").await;
    app.screenshot("cli-import-results").await;

    // The connection works: the window lists its tokens.
    let connections = app.invoke("list_connections", serde_json::json!({})).await.expect("connections");
    assert_eq!(connections["connections"][0]["tokenId"], good_token.as_str());
    let found = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", "token-desk"])
        .output()
        .expect("secret-tool");
    assert!(String::from_utf8_lossy(&found.stdout).contains(&good_token), "the secret is in the real keychain");

    // The plain-text copy goes only after the user says the CLI will need it again.
    assert!(std::fs::read_to_string(&cli_file).expect("the file").contains(&good));
    app.click(&format!("{region}//label[contains(., 'the CLI will need it again')]/input")).await;
    app.click(&format!("{region}{}", button("Remove it from the file"))).await;
    app.wait_for_text("One secret removed from SoftwareOne's CLI file").await;
    app.screenshot("cli-import-removed").await;
    let text = std::fs::read_to_string(&cli_file).expect("the file");
    assert!(!text.contains(&good), "the imported secret left the file");
    assert!(text.contains(&bad), "the account that was not imported keeps its secret");
    let beside: Vec<_> = std::fs::read_dir(cli_file.parent().expect("dir")).expect("dir").flatten().collect();
    assert_eq!(beside.len(), 1, "no second copy beside the file");
    assert!(app.wait_for(&field("Search tokens")).await.is_displayed().await.unwrap_or(false));
    app.quit_without_panic().await;
}
