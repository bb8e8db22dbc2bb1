//! End to end: clipboard hygiene on the real X clipboard, read from outside
//! the app with `xclip` as another program would.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use marketplace_api::{ApiSecret, Client, ClientConfig};
use marketplace_sim::{AccountKind, SimConfig, SimHandle};

use crate::clipboard_text;
use crate::support::AppUnderTest;
use crate::support::screen::{TOKEN_ROWS, button, field, role};

async fn simulator() -> SimHandle {
    marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 3, ..Default::default() })
        .await
        .expect("the simulator starts")
}

/// Opens Settings and chooses how long a copied value stays.
pub(crate) async fn clear_after(app: &AppUnderTest, choice: &str) {
    app.click_button("Settings").await;
    let select = app.wait_for(&field("Clear a copied value after")).await;
    select.select_by_label(choice).await.expect("a delay");
    app.wait_for_text("Saved.").await;
    app.click_button("API tokens").await;
    app.wait_for(TOKEN_ROWS).await;
}

/// A token that is not the connection's own, as the Marketplace has it: its
/// id, name and value. Active and with Access Management, so the copied curl
/// command (which reads the token itself) is allowed.
pub(crate) async fn some_token(sim: &SimHandle) -> (String, String, String) {
    let api = Client::new(
        ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Vendor)))
            .with_extra_ca_pem(sim.ca_pem()),
    )
    .expect("a client");
    let admin_id = sim.admin_secret(AccountKind::Vendor).split(':').nth(1).expect("an id").to_owned();
    let page = api.list_tokens(&marketplace_api::rql::Query::new().select("+modules")).await.expect("tokens");
    let token = page
        .items
        .into_iter()
        .find(|t| {
            t.id != admin_id
                && t.status == Some(marketplace_api::TokenStatus::Active)
                && t.read_modules().unwrap_or_default().iter().any(|m| m.name.as_deref() == Some("Access Management"))
        })
        .expect("an active token with Access Management");
    let full = api.get_token(&token.id, &[]).await.expect("the token");
    let value = full.token.expect("a value").expose().to_owned();
    (token.id, full.name.unwrap_or_default(), value)
}

/// Opens the token's page.
async fn open(app: &AppUnderTest, token_id: &str) {
    app.fill("Search tokens", token_id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.wait_for(&format!("//*[normalize-space()='{token_id}']")).await;
}

/// Waits until the X clipboard holds `expected` (or, with `""`, nothing).
async fn clipboard_becomes(expected: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let now = clipboard_text();
        if now == expected {
            return;
        }
        assert!(Instant::now() < deadline, "the clipboard holds {now:.40?}, not {expected:.40?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Another program takes the clipboard (xclip serves it from the background).
pub(crate) fn another_program_copies(text: &str) {
    let mut xclip = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("xclip is installed");
    xclip.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("written");
    xclip.wait().expect("xclip hands the text to its server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn a_copied_value_goes_after_the_delay_but_what_another_program_copied_stays() {
    let sim = simulator().await;
    let (token_id, name, value) = some_token(&sim).await;
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    clear_after(&app, "5 seconds").await;

    // From the selected row, without opening it.
    app.fill("Search tokens", &token_id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.press(&fantoccini::key::Key::Escape).await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;
    app.click_button("Copy selected").await;
    clipboard_becomes(&value, Duration::from_secs(5)).await;
    app.wait_for_text(&format!("The value of {name} is on the clipboard.")).await;
    app.wait_for_text("Clears in").await;
    app.screenshot("clipboard-countdown").await;
    assert!(!app.page_text().await.contains(&value), "copying never shows the value");

    // After the delay: gone, and the window says so by dropping the notice.
    clipboard_becomes("", Duration::from_secs(8)).await;
    app.wait_until_hidden("//*[contains(., 'is on the clipboard.')][@role='status']/*").await;

    // Copied again, then another program copies: its text survives the timer.
    app.click_button("Copy selected").await;
    clipboard_becomes(&value, Duration::from_secs(5)).await;
    another_program_copies("a shopping list");
    clipboard_becomes("a shopping list", Duration::from_secs(2)).await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(clipboard_text(), "a shopping list", "the timer left the other program's text alone");

    // Clear now.
    app.click_button("Copy selected").await;
    clipboard_becomes(&value, Duration::from_secs(5)).await;
    app.click_button("Clear now").await;
    clipboard_becomes("", Duration::from_secs(3)).await;
    app.wait_for_text("Clipboard cleared.").await;
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn every_copy_as_format_byte_for_byte_and_the_curl_command_works_as_pasted() {
    let sim = simulator().await;
    let (token_id, _, value) = some_token(&sim).await;
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    open(&app, &token_id).await;
    let copy_as = |item: &'static str| {
        let app = &app;
        async move {
            app.click(&button("Copy as")).await;
            app.click(&role("menuitem", item)).await;
        }
    };
    let base = sim.base_url().trim_end_matches('/');
    let url = format!("{base}/public/v1/accounts/api-tokens/{token_id}");
    let expected = [
        ("Value", value.clone()),
        ("Authorization: Bearer", format!("Authorization: Bearer {value}")),
        ("export MPT_API_TOKEN=", format!(" export MPT_API_TOKEN='{value}'")),
        (
            "curl command",
            format!(" printf '%s\\n' 'Authorization: Bearer {value}' | curl --fail-with-body -sS -H @- '{url}'"),
        ),
        ("Token ID", token_id.clone()),
    ];
    for (item, text) in &expected {
        copy_as(item).await;
        clipboard_becomes(text, Duration::from_secs(5)).await;
    }
    app.wait_for_text(&format!("Copied the ID of {token_id}.")).await;

    // The curl command, pasted into a shell (plus the simulator's CA), reads the token.
    copy_as("curl command").await;
    clipboard_becomes(&expected[3].1, Duration::from_secs(5)).await;
    let ca = tempfile::NamedTempFile::new().expect("a CA file");
    std::fs::write(ca.path(), sim.ca_pem()).expect("CA written");
    let pasted = format!("{} --cacert '{}'", clipboard_text(), ca.path().display());
    let output = Command::new("sh").arg("-c").arg(&pasted).output().expect("sh runs curl");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the API");
    assert_eq!(answer["id"], token_id.as_str(), "the command reads the token itself");
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn quitting_and_removing_the_connection_each_empty_the_clipboard() {
    let sim = simulator().await;
    let (token_id, _, value) = some_token(&sim).await;

    // Copy, then quit the way a logout does.
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    open(&app, &token_id).await;
    app.click_button("Copy").await;
    clipboard_becomes(&value, Duration::from_secs(5)).await;
    let log = app.terminate_and_wait_for_exit().await;
    assert!(log.contains("copied token value cleared from the clipboard"), "cleared on the way out:\n{log}");
    assert_eq!(clipboard_text(), "", "nothing left after quitting");

    // Copy, then remove the connection it came from: cleared while the app runs on.
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    open(&app, &token_id).await;
    app.click_button("Copy").await;
    clipboard_becomes(&value, Duration::from_secs(5)).await;
    app.click("//button[starts-with(normalize-space(), 'Connection:')]").await;
    app.click(&role("menuitem", "Manage connections")).await;
    app.click_button("Remove").await;
    app.click_button("Remove connection").await;
    clipboard_becomes("", Duration::from_secs(5)).await;
    app.quit_without_panic().await;
}
