//! A revealed value must never outlive its reveal. In each place a value can
//! be shown (the token page, the create wizard, the rotate dialog), a reveal
//! whose answer comes after the window lost focus is dropped: the value never
//! appears, even once the window has the focus again. The simulator answers
//! the value slowly; the focus really moves to another X window.

use std::time::Duration;

use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig, SimHandle};

use crate::support::AppUnderTest;
use crate::support::desktop::Desktop;
use crate::support::marketplace::operations;
use crate::support::screen::{TOKEN_ROWS, button};

/// How long the simulator takes to answer a value.
const SLOW: Duration = Duration::from_secs(3);

/// The value the Marketplace holds for `token_id`.
async fn value_of(sim: &SimHandle, token_id: &str) -> String {
    let token = operations(sim).get_token(token_id, &[]).await.expect("the token");
    token.token.expect("its value").expose().to_owned()
}

/// Makes every read of `token_id` slow from now on.
fn slow_reads_of(sim: &SimHandle, token_id: &str) {
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: Some(format!("/public/v1/accounts/api-tokens/{token_id}")),
        action: FaultAction::Latency(SLOW),
        when: FaultWhen::Always,
    });
}

/// Clicks `show`, moves the focus to another window while the answer is on its
/// way, waits it out, gives the focus back, and checks `value` never appeared.
async fn blur_during_reveal(app: &AppUnderTest, show: &str, value: &str, place: &str) {
    let desktop = Desktop::open();
    // The app's window has the focus first, as when the user clicks in it.
    let own = desktop.windows_titled("Token Desk").into_iter().last().expect("the app's window");
    desktop.focus(own);
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.click(show).await;
    let elsewhere = desktop.focus_elsewhere();
    let deadline = std::time::Instant::now() + SLOW + Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        assert!(!app.page_text().await.contains(value), "{place}: the value appeared after the window lost focus");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    desktop.focus(own);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!app.page_text().await.contains(value), "{place}: the late value appeared once the focus came back");
    let _ = elsewhere;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn a_reveal_answered_after_the_window_lost_focus_never_shows_the_value_anywhere() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 4, seed: 21, ..Default::default() })
        .await
        .expect("the simulator starts");
    let admin_id = sim.admin_secret(AccountKind::Vendor).split(':').nth(1).expect("an id").to_owned();
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;

    // The token page. First, a quick reveal does show the value: the test can see it.
    let rows = app.token_rows().await;
    let token = rows
        .iter()
        .filter(|row| row.contains("Active") && !row.contains(&admin_id))
        .find_map(|row| {
            row.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .find(|word| word.starts_with("TKN-"))
                .map(str::to_owned)
        })
        .expect("an active token that is not the sign-in token");
    app.fill("Search tokens", &token).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token}')]")).await;
    app.wait_for(&format!("//*[normalize-space()='{token}']")).await;
    let value = value_of(&sim, &token).await;
    app.click_button("Show").await;
    app.wait_for_text(&value).await;
    app.click_button("Hide").await;
    slow_reads_of(&sim, &token);
    blur_during_reveal(&app, &button("Show"), &value, "the token page").await;

    // The rotate dialog's new value.
    app.click_button("Rotate…").await;
    app.click_button("Rotate token").await;
    app.wait_for_text("is ready").await;
    let successor = app.wait_for("//p[contains(., 'has the same modules')]/span").await.text().await.expect("the id");
    let successor = successor.trim().to_owned();
    let value = value_of(&sim, &successor).await;
    slow_reads_of(&sim, &successor);
    let show_in_dialog = format!("//*[@role='dialog']{}", button("Show"));
    blur_during_reveal(&app, &show_in_dialog, &value, "the rotate dialog").await;
    app.screenshot("rotate-reveal-dropped").await;
    app.click_button("Close").await;

    // The create wizard's new value.
    app.click_button("API tokens").await;
    app.click_button("New token").await;
    app.wait_for("//h1[normalize-space()='New API token']").await;
    app.fill("Name", "Reveal hygiene").await;
    app.click_button("Next: modules").await;
    app.click_button("Next: review").await;
    app.click_button("Create token").await;
    app.wait_for_text("Token created").await;
    let created =
        app.wait_for("//p[contains(., 'is active.')]/span[contains(., 'TKN-')]").await.text().await.expect("id");
    let created = created.trim().to_owned();
    let value = value_of(&sim, &created).await;
    slow_reads_of(&sim, &created);
    blur_during_reveal(&app, &button("Show"), &value, "the create wizard").await;
    app.screenshot("create-reveal-dropped").await;
    app.quit_without_panic().await;
}
