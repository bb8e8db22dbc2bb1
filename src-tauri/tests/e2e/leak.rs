//! A leak answered from the window: a log line holding a token's value,
//! pasted from the real X clipboard into the list's search, finds its token
//! (never landing in the field), and Disable now takes it out of service.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use marketplace_sim::SimConfig;

use crate::support::AppUnderTest;
use crate::support::marketplace::{status_of, vendor};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn a_leaked_value_pasted_into_the_search_finds_its_token_and_disables_it_in_one_click() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 10, seed: 12, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = AppUnderTest::launch().await;
    let connection = app.connect_as_vendor(&sim, "Leak response").await;
    let admin_id = connection["tokenId"].as_str().expect("the sign-in token").to_owned();
    let api = vendor(&sim);
    let leaked = api
        .list_tokens(&marketplace_api::rql::Query::new().select("-token"))
        .await
        .expect("tokens")
        .items
        .into_iter()
        .find(|t| t.id != admin_id && t.status == Some(marketplace_api::TokenStatus::Active))
        .expect("an active token")
        .id;
    let value = api.get_token(&leaked, &[]).await.expect("the token").token.expect("its value").expose().to_owned();

    crate::clipboard_hygiene::another_program_copies(&format!(
        "2026-12-02T09:14:03Z ERROR upstream said 401 for Bearer {value}"
    ));
    app.press(&(Key::Control + "f")).await;
    app.press(&(Key::Control + "v")).await;
    app.wait_for_text(&format!("A value of {leaked} was pasted")).await;
    app.wait_for_text("Leak response").await;
    let typed = app
        .client()
        .execute("return document.querySelector('input[type=search]').value;", vec![])
        .await
        .expect("the field's text");
    assert_eq!(typed.as_str(), Some(""), "the pasted text never lands in the field");
    assert!(!app.page_text().await.contains(&value), "the value is never shown");
    app.screenshot("leak-pasted").await;

    // Rotate now: the token's page, with Rotate… open and the old token going at once.
    app.click_button("Rotate now").await;
    app.wait_for("//*[@role='dialog'][contains(., 'Rotate')]//input[@type='radio'][@value='now']").await;
    let now_chosen = app
        .client()
        .execute("return document.querySelector('[role=dialog] input[type=radio][value=now]').checked;", vec![])
        .await
        .expect("the grace period");
    assert_eq!(now_chosen.as_bool(), Some(true), "a leaked token's old value goes now");
    app.press(&Key::Escape.to_string()).await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.press(&Key::Escape.to_string()).await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;
    app.press(&(Key::Control + "f")).await;
    app.press(&(Key::Control + "v")).await;
    app.wait_for_text(&format!("A value of {leaked} was pasted")).await;

    app.click_button("Disable now").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_of(&sim, &leaked).await != "Disabled" {
        assert!(Instant::now() < deadline, "{leaked} was not disabled");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.quit_without_panic().await;
}

/// The statuses of the vendor's tokens, by id.
async fn statuses(sim: &marketplace_sim::SimHandle) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = vendor(sim)
        .list_tokens(&marketplace_api::rql::Query::new().select("-token"))
        .await
        .expect("tokens")
        .items
        .into_iter()
        .map(|t| (t.id, t.status.map(|s| s.as_str().to_owned()).unwrap_or_default()))
        .collect();
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn without_a_tray_the_window_disables_every_active_token_and_restores_them() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 10, seed: 12, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = AppUnderTest::launch().await;
    let connection = app.connect_as_vendor(&sim, "No tray").await;
    let admin_id = connection["tokenId"].as_str().expect("the sign-in token").to_owned();
    let before = statuses(&sim).await;
    let targets: Vec<&String> =
        before.iter().filter(|(id, status)| status == "Active" && *id != admin_id).map(|(id, _)| id).collect();
    assert!(targets.len() >= 2, "{before:?}");

    app.click_button("Disable all active…").await;
    let confirm = format!("Disable {} tokens", targets.len());
    app.wait_for(&format!("//*[@role='alertdialog']//button[normalize-space()='{confirm}']")).await;
    app.screenshot("panic-in-window").await;
    app.click(&format!("//*[@role='alertdialog']//button[normalize-space()='{confirm}']")).await;
    app.wait_for_text(&format!("{} tokens disabled on", targets.len())).await;
    let after = statuses(&sim).await;
    for (id, status) in &after {
        let expected = if targets.contains(&id) {
            "Disabled"
        } else {
            before.iter().find(|t| &t.0 == id).map(|t| t.1.as_str()).unwrap_or("")
        };
        assert_eq!(status, expected, "{id}: only the active tokens went, the sign-in token stayed");
    }

    let restore = format!("//button[starts-with(normalize-space(), 'Restore {} tokens disabled at')]", targets.len());
    app.click(&restore).await;
    let enable = format!("Enable {} tokens", targets.len());
    app.click(&format!("//*[@role='alertdialog']//button[normalize-space()='{enable}']")).await;
    app.wait_for_text(&format!("{} tokens enabled again on", targets.len())).await;
    assert_eq!(statuses(&sim).await, before, "exactly the state before the panic");
    app.wait_until_hidden(&restore).await;
    app.quit_without_panic().await;
}
