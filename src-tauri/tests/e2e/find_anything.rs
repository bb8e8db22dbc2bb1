//! Starting from something other than the list, in the real window: Ctrl+K
//! finds a token of another saved connection and opens it there; two rows
//! chosen with the keyboard are disabled with one question; the account's
//! Audit screen shows who did it and filters by actor and object; `?` lists
//! every shortcut. Light and dark screenshots of each new screen.

use fantoccini::key::Key;
use marketplace_sim::{AccountKind, SimConfig};

use crate::support::marketplace::{status_of, vendor};
use crate::support::screen::{TOKEN_ROWS, button, field};
use crate::support::{AppUnderTest, Launch};

/// Waits until the palette's field has the keyboard (the dialog moves it there
/// a moment after it shows), as a person would before typing.
async fn palette_has_the_focus(app: &AppUnderTest) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let focused = app
            .client()
            .execute("return document.activeElement?.getAttribute('placeholder') ?? '';", vec![])
            .await
            .expect("the focus can be read");
        if focused.as_str().is_some_and(|text| text.starts_with("Find a token in any connection")) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the palette's field never took the focus");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn the_palette_finds_a_token_in_another_connection_and_several_rows_are_disabled_and_audited() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 8, seed: 21, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = AppUnderTest::launch().await;
    let connection = app.connect_as_vendor(&sim, "Vendor desk").await;
    let admin_id = connection["tokenId"].as_str().expect("the sign-in token").to_owned();
    let targets: Vec<(String, String)> = vendor(&sim)
        .list_tokens(&marketplace_api::rql::Query::new().select("-token"))
        .await
        .expect("tokens")
        .items
        .into_iter()
        .filter(|t| t.id != admin_id && t.status == Some(marketplace_api::TokenStatus::Active))
        .map(|t| (t.id, t.name.unwrap_or_default()))
        .take(2)
        .collect();
    assert_eq!(targets.len(), 2, "two active vendor tokens");

    // A second connection becomes the active one: the vendor's tokens are now "another connection".
    app.invoke(
        "add_connection",
        serde_json::json!({ "connection": {
            "environment": { "kind": "custom", "url": sim.base_url() },
            "label": "Client desk",
            "secret": sim.admin_secret(AccountKind::Client),
            "caCertificatePem": sim.ca_pem(),
        }}),
    )
    .await
    .expect("the client's admin connects");
    app.wait_for_text("Client desk").await;
    // The window's title names the connection it acts on.
    let desktop = crate::support::desktop::Desktop::open();
    desktop.wait_until_shown("Client desk — Token Desk", true, std::time::Duration::from_secs(10)).await;

    // Ctrl+K, the id, Enter: the vendor's token opens in the vendor's connection.
    let (first_id, first_name) = &targets[0];
    app.press(&(Key::Control + "k")).await;
    app.wait_for("//*[@role='dialog']//input[contains(@placeholder, 'Find a token in any connection')]").await;
    palette_has_the_focus(&app).await;
    app.press(first_id).await;
    app.wait_for_text("Tokens in Vendor desk").await;
    app.wait_for_text("as of").await;
    app.screenshot("palette").await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_for(&format!("//h1[normalize-space()={}]", crate::support::screen::literal(first_name))).await;
    app.wait_for_text("Vendor desk").await;

    // Keys 1 to 5 switch the token's tabs.
    app.press("3").await;
    app.wait_for("//*[@role='tab'][@aria-selected='true'][normalize-space()='Details']").await;
    app.press(&Key::Escape.to_string()).await;

    // Two rows chosen with Space (each found through the search), then one question.
    for (id, _) in &targets {
        app.press(&(Key::Control + "f")).await;
        app.fill("Search tokens (Ctrl+F)", id).await;
        app.press(&Key::Down.to_string()).await;
        app.press(" ").await;
    }
    app.wait_for_text("2 tokens chosen").await;
    app.click_button("Disable…").await;
    app.wait_for_text("Disable 2 tokens in Vendor desk?").await;
    app.screenshot("bulk-disable").await;
    app.click("//*[@role='alertdialog']//button[normalize-space()='Disable 2 tokens']").await;
    app.wait_for_text("Disabled 2 of 2 tokens in Vendor desk.").await;
    for (id, _) in &targets {
        assert_eq!(status_of(&sim, id).await, "Disabled", "{id}");
    }
    assert_eq!(status_of(&sim, &admin_id).await, "Active", "the sign-in token was not chosen");

    // The account's Audit screen: who disabled them, then one of them only.
    app.fill("Search tokens (Ctrl+F)", "").await;
    app.click_button("Audit").await;
    app.wait_for("//h1[normalize-space()='Audit']").await;
    app.fill("Who acted", &admin_id).await;
    app.press(&Key::Enter.to_string()).await;
    for (id, _) in &targets {
        app.wait_for_text(id).await;
    }
    app.screenshot("audit-screen").await;
    app.fill("On what", first_id).await;
    app.press(&Key::Enter.to_string()).await;
    app.wait_until_hidden(&format!("//ol//*[contains(., '{}')]", targets[1].0)).await;
    app.wait_for_text(first_id).await;

    // ? lists every shortcut.
    app.press(&Key::Escape.to_string()).await;
    app.wait_for(&button("New token")).await;
    app.press("?").await;
    app.wait_for("//*[@role='dialog']//*[normalize-space()='Keyboard shortcuts']").await;
    app.wait_for_text("Shift+click").await;
    app.screenshot("shortcuts").await;
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn the_palette_and_the_audit_screen_follow_a_dark_desktop() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 22, ..Default::default() })
        .await
        .expect("the simulator starts");
    let app = Launch::app().env("GTK_THEME", "Adwaita:dark").start().await;
    app.connect_as_vendor(&sim, "Vendor desk").await;
    app.wait_for_text("without a review date").await;
    app.screenshot("token-list-dark").await;

    // A token's Usage tab (key 4), then Delete: the id, the last use, and Disable instead.
    app.click(&format!("{TOKEN_ROWS}[contains(., 'Active')][not(contains(., 'This connection'))]")).await;
    app.wait_for(&button("Delete")).await;
    app.press("4").await;
    app.wait_for("//*[@role='tab'][@aria-selected='true'][normalize-space()='Usage']").await;
    app.screenshot("usage-dark").await;
    app.click_button("Delete").await;
    app.wait_for("//*[@role='alertdialog']//button[normalize-space()='Disable instead']").await;
    app.wait_for_text("last used").await;
    app.screenshot("delete-dark").await;
    app.click("//*[@role='alertdialog']//button[normalize-space()='Cancel']").await;
    app.wait_until_hidden("//*[@role='alertdialog']").await;
    app.press(&Key::Escape.to_string()).await;
    app.wait_for(&button("New token")).await;
    app.press(&(Key::Control + "k")).await;
    app.wait_for("//*[@role='dialog']//input[contains(@placeholder, 'Find a token in any connection')]").await;
    palette_has_the_focus(&app).await;
    app.press("a").await;
    app.wait_for_text("Tokens in Vendor desk").await;
    app.screenshot("palette-dark").await;
    app.press(&Key::Escape.to_string()).await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.click_button("Audit").await;
    app.wait_for("//ol[@aria-label='Audit records, newest first']").await;
    app.screenshot("audit-screen-dark").await;
    assert!(app.is_shown(&field("Who acted")).await);
    app.quit_without_panic().await;
}
