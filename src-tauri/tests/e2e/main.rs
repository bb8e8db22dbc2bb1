//! End to end: the real app binary, in a real window under Xvfb, driven through
//! WebKitWebDriver, with the real Secret Service and the real X clipboard.
//! Run with `make e2e`, or inside `scripts/desktop-session.sh`:
//! `cargo test --features custom-protocol --test e2e -- --include-ignored`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod audit_export;
mod cli_import;
mod clipboard_hygiene;
mod find_anything;
mod hostile_server;
mod large_list;
mod leak;
mod lock;
mod reminders;
mod reveal_hygiene;
#[path = "../support/mod.rs"]
mod support;
mod token_screens;
mod tray_menu;
mod wayland;

use std::time::Duration;

use support::AppUnderTest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn welcome_screen_shows_name_and_version_from_the_backend_then_the_app_quits_cleanly() {
    let app = AppUnderTest::launch().await;

    // Both values are rendered from the `app_info` command's answer, so seeing
    // them proves the UI loaded from the bundle and IPC round-tripped.
    assert_eq!(app.text_of("[data-testid=app-name]").await, "Token Desk");
    assert_eq!(app.text_of("[data-testid=app-version]").await, env!("CARGO_PKG_VERSION"));
    let title = app.client().title().await.expect("window title");
    assert_eq!(title, "Token Desk");
    app.click("//summary[contains(., 'Which token should I use?')]").await;
    app.wait_for_text("Administration › Settings › API tokens").await;
    app.screenshot("welcome").await;

    // A crash writes no core file that could hold a secret.
    let pid = app.app_pid().expect("running");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("the app's limits");
    let core = limits.lines().find(|line| line.starts_with("Max core file size")).expect("the core line");
    assert_eq!(core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(), ["0", "0"], "{core}");

    // The window shows only the app's own pages: navigating away is refused.
    let before = app.client().current_url().await.expect("the page's URL");
    let _ = app.client().execute("window.location.href = 'https://example.com/'; return null;", vec![]).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = app.client().current_url().await.expect("the page's URL");
    // (A custom scheme's origin is opaque, never equal to itself: compare its parts.)
    assert_eq!(
        (after.scheme(), after.host_str()),
        (before.scheme(), before.host_str()),
        "still Token Desk, not {after}"
    );
    assert_eq!(app.text_of("[data-testid=app-name]").await, "Token Desk");
    // Offline, a failed load would leave the URL alone too: the guard must have said no.
    assert!(app.logs().contains("refused to navigate the window away from Token Desk"), "the guard refused it");

    let log = app.terminate_and_wait_for_exit().await;
    assert!(log.contains("SIGTERM received: quitting"), "the app did not see the quit request:\n{log}");
    assert!(log.contains("Token Desk stopped cleanly"), "the app did not shut down through its exit path:\n{log}");
    assert!(!log.contains("panicked"), "the app panicked:\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn tray_menu_offers_show_and_quit_and_quit_clears_a_copied_value_then_ends_the_app_cleanly() {
    let sim = marketplace_sim::start(marketplace_sim::SimConfig { tokens_per_account: 4, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = AppUnderTest::launch_with_tray().await;
    let host = app.tray_host();
    app.text_of("[data-testid=app-name]").await;
    let connection = app.connect_as_vendor(&sim, "Simulator").await;

    let pid = app.app_pid().expect("the app is running");
    let menu = host.wait_for_item_of(pid, Duration::from_secs(30)).await;
    let labels = menu.top_level().await;
    assert_eq!(labels.first().map(String::as_str), Some("Show Token Desk"), "{labels:?}");
    assert_eq!(labels.last().map(String::as_str), Some("Quit"), "{labels:?}");

    // A copied value on the clipboard: Quit from the tray takes it off first.
    let page = app
        .invoke("list_tokens", serde_json::json!({ "connectionId": connection["id"], "query": {} }))
        .await
        .expect("tokens");
    let other = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"] != connection["tokenId"])
        .expect("a token")["id"]
        .clone();
    app.invoke(
        "copy_token_value",
        serde_json::json!({ "connectionId": connection["id"], "tokenId": other, "format": "value" }),
    )
    .await
    .expect("copied");
    assert!(clipboard_text().starts_with("idt:"), "the value is on the clipboard");

    menu.click(&["Quit"]).await;
    let log = app.wait_for_exit().await;
    assert!(log.contains("copied token value cleared from the clipboard"), "Quit cleared it first:\n{log}");
    assert!(log.contains("Token Desk stopped cleanly"), "Quit did not go through the exit path:\n{log}");
    assert!(!log.contains("panicked"), "the app panicked:\n{log}");
}

/// Everything under `dir`, as bytes, with each file's path.
fn every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

/// What the X clipboard holds now, read from outside the app.
pub(crate) fn clipboard_text() -> String {
    let output = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip is installed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The secret the real keychain holds for a connection, read with `secret-tool`
/// (the entry also says where the secret may be sent; only the secret is returned).
pub(crate) fn secret_tool_lookup(connection_id: &str) -> Option<String> {
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "token-desk", "username", connection_id])
        .output()
        .expect("secret-tool is installed");
    if !output.status.success() {
        return None;
    }
    let entry: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the keychain entry is JSON");
    entry["secret"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn a_real_session_keeps_secrets_in_the_keychain_copies_through_the_x_clipboard_and_leaks_nothing() {
    let sim = marketplace_sim::start(marketplace_sim::SimConfig { tokens_per_account: 6, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = AppUnderTest::launch().await;
    app.text_of("[data-testid=app-name]").await;

    // Connect from the webview, as the add-connection form will.
    let admin_secret = sim.admin_secret(marketplace_sim::AccountKind::Vendor).to_owned();
    let connection = app
        .invoke(
            "add_connection",
            serde_json::json!({ "connection": {
                "environment": { "kind": "custom", "url": sim.base_url() },
                "label": "E2E vendor",
                "secret": admin_secret,
                "caCertificatePem": sim.ca_pem(),
            }}),
        )
        .await
        .expect("connected");
    let connection_id = connection["id"].as_str().expect("id").to_owned();
    assert_eq!(secret_tool_lookup(&connection_id).as_deref(), Some(admin_secret.as_str()), "in the real keychain");

    let page = app
        .invoke("list_tokens", serde_json::json!({ "connectionId": connection_id, "query": {} }))
        .await
        .expect("tokens");
    // The token the connection signs in with is never revealed or copied: pick two others.
    let own = connection["tokenId"].as_str().expect("its token id");
    let items: Vec<serde_json::Value> =
        page["items"].as_array().expect("items").iter().filter(|t| t["id"] != own).cloned().collect();
    let revealed_id = items[0]["id"].as_str().expect("id").to_owned();
    let copied_id = items[1]["id"].as_str().expect("id").to_owned();
    let revealed = app
        .invoke("reveal_token_value", serde_json::json!({ "connectionId": connection_id, "tokenId": revealed_id }))
        .await
        .expect("revealed");
    assert!(revealed.as_str().is_some_and(|value| value.starts_with(&format!("idt:{revealed_id}:"))));

    let answer = app
        .invoke(
            "copy_token_value",
            serde_json::json!({ "connectionId": connection_id, "tokenId": copied_id, "format": "value" }),
        )
        .await
        .expect("copied");
    assert!(answer["copied"].as_str().is_some_and(|what| what.starts_with("the value of")), "{answer}");
    assert!(!answer.to_string().contains("idt:"), "the value goes to the clipboard, not to the webview: {answer}");
    let copied = clipboard_text();
    assert!(copied.starts_with(&format!("idt:{copied_id}:")), "the X clipboard holds the value: {copied:.20}…");

    let created = app
        .invoke("create_token", serde_json::json!({ "connectionId": connection_id, "token": { "name": "E2E probe" } }))
        .await
        .expect("created");
    app.invoke(
        "delete_token",
        serde_json::json!({ "connectionId": connection_id, "tokenId": created["id"], "signInConfirmed": false }),
    )
    .await
    .expect("deleted");
    let refused = app
        .invoke("create_token", serde_json::json!({ "connectionId": connection_id, "token": { "name": "bad/name" } }))
        .await
        .expect_err("invalid name");
    assert_eq!(refused["fieldErrors"][0]["field"], "name", "typed errors cross IPC: {refused}");

    // Every secret the simulator knows (operations sees them all), but the one revealed.
    let operations = marketplace_api::Client::new(
        marketplace_api::ClientConfig::new(
            sim.base_url(),
            marketplace_api::ApiSecret::new(sim.admin_secret(marketplace_sim::AccountKind::Operations)),
        )
        .with_extra_ca_pem(sim.ca_pem()),
    )
    .expect("client");
    let everything = marketplace_api::collect_all(operations.list_all_tokens(marketplace_api::rql::Query::new()))
        .await
        .expect("all tokens");
    let (log, sandbox) = app.terminate_and_keep_files().await;
    assert!(log.contains("token value revealed"), "the app's log is among what is searched:\n{log}");

    let files = every_file(sandbox.path());
    assert!(files.iter().any(|(path, _)| path.ends_with("token-desk.log")), "the log file is searched");
    assert!(files.iter().any(|(path, _)| path.ends_with("connections.json")), "the config is searched");
    assert!(
        files.iter().any(|(path, _)| path.parent().is_some_and(|dir| dir.ends_with("remembered-lists"))),
        "the list kept for the next start is searched"
    );
    for token in &everything {
        let value = token.token.as_ref().expect("value").expose();
        let opaque = value.rsplit(':').next().expect("opaque part");
        for (path, bytes) in &files {
            assert!(!contains(bytes, opaque), "the value of {} reached {}", token.id, path.display());
        }
    }
}
