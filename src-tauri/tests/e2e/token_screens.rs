//! End to end through the token screens, as a person uses them: the real app in
//! a real window, against the simulator over TLS, found by role and visible
//! text. Screenshots of each screen land in the screenshots folder
//! (`TOKEN_DESK_SCREENSHOTS`, or `e2e-screenshots` in the target dir).

use fantoccini::key::Key;
use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, TokenStatus, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig, SimHandle};

use crate::support::AppUnderTest;
use crate::support::screen::{TOKEN_ROWS, button, field, role};

const TOKENS: &str = "/public/v1/accounts/api-tokens";

async fn simulator() -> SimHandle {
    marketplace_sim::start(SimConfig { tokens_per_account: 24, seed: 7, ..Default::default() })
        .await
        .expect("the simulator starts")
}

/// The id of the connection in use, asked from inside the window.
async fn connection_id(app: &AppUnderTest) -> String {
    let list = app.invoke("list_connections", serde_json::json!({})).await.expect("connections");
    list["activeId"].as_str().expect("a connection in use").to_owned()
}

fn fault(method: &str, action: FaultAction, when: FaultWhen) -> FaultRule {
    FaultRule { method: Some(method.into()), path: Some(TOKENS.into()), action, when }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn connect_then_list_filter_search_sort_and_visit_every_tab_of_a_token() {
    let sim = simulator().await;
    let api = crate::support::marketplace::vendor(&sim);
    let all = collect_all(api.list_all_tokens(Query::new().select("+modules"))).await.expect("every token");
    let app = AppUnderTest::launch().await;

    // A wrong secret: the error shows on the secret's field, nothing is saved.
    app.wait_for(&button("Try the demo")).await;
    let environment = app.wait_for(&field("Environment")).await;
    environment.select_by_label("Another address (proxy, simulator)…").await.expect("custom address");
    app.fill("API address", sim.base_url()).await;
    app.fill("Connection name", "Local simulator").await;
    let secret = sim.admin_secret(AccountKind::Vendor);
    let wrong = format!("{}{}", &secret[..secret.len() - 4], "AAAA");
    app.fill("Your API token", &wrong).await;
    app.click("//summary[contains(., 'CA certificate')]").await;
    // Pasted as from a web page or an e-mail: every line break became a space.
    let flattened = sim.ca_pem().split_whitespace().collect::<Vec<_>>().join(" ");
    app.paste("CA certificate", &flattened).await;
    app.click_button("Connect").await;
    let refused = app.wait_for(&format!("{}[@aria-invalid='true']", field("Your API token"))).await;
    app.wait_for_text("did not accept the API token").await;
    let described_by = refused.attr("aria-describedby").await.expect("attribute").unwrap_or_default();
    assert!(described_by.contains("error"), "the message is tied to the field: {described_by}");
    app.screenshot("connect-wrong-secret").await;

    // The right one: the list of every token of the account.
    app.fill("Your API token", secret).await;
    app.click_button("Connect").await;
    app.wait_for(TOKEN_ROWS).await;
    app.wait_for_text(&format!("{} tokens", all.len())).await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    app.wait_for_text("Local simulator").await;
    app.screenshot("token-list").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "the token list has accessibility violations:\n{}", violations.join("\n"));

    // Search by id: exactly that token.
    let wanted = &all[5];
    app.fill("Search tokens", &wanted.id).await;
    app.wait_for_text(&format!("1 of {} tokens", all.len())).await;
    let rows = app.token_rows().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains(&wanted.id), "{rows:?}");

    // Search by name, case-insensitive, and by description.
    let name = wanted.name.clone().expect("a name");
    app.fill("Search tokens", &name.to_uppercase()).await;
    let named = all
        .iter()
        .filter(|t| {
            t.name.as_deref().is_some_and(|n| n.to_lowercase().contains(&name.to_lowercase()))
                || t.description.as_deref().is_some_and(|d| d.to_lowercase().contains(&name.to_lowercase()))
                || t.id.to_lowercase().contains(&name.to_lowercase())
        })
        .count();
    app.wait_for_text(&format!("{named} of {} tokens", all.len())).await;
    app.fill("Search tokens", "").await;

    // Status filter: only disabled tokens, as many as the Marketplace has.
    let disabled = all.iter().filter(|t| t.status == Some(TokenStatus::Disabled)).count();
    assert!(disabled > 0, "the seed has disabled tokens");
    app.click(&role("radio", "Disabled")).await;
    app.wait_for_text(&format!("{disabled} of {} tokens", all.len())).await;
    for row in app.token_rows().await {
        assert_eq!(row.split(" | ").nth(2), Some("Disabled"), "a filtered row: {row}");
    }
    app.click(&role("radio", "All")).await;

    // Sort by name, then the other way.
    let mut names: Vec<String> = all.iter().filter_map(|t| t.name.clone()).collect();
    names.sort_by_key(|n| n.to_lowercase());
    let header = "//*[@role='columnheader'][.//button[normalize-space()='Name']]";
    assert_eq!(app.wait_for(header).await.attr("aria-sort").await.expect("attr").as_deref(), Some("ascending"));
    app.click(&format!("{header}//button")).await;
    assert_eq!(app.wait_for(header).await.attr("aria-sort").await.expect("attr").as_deref(), Some("descending"));
    let first = app.token_rows().await.into_iter().next().expect("a row");
    let last_name = names.last().expect("names");
    assert!(first.starts_with(last_name.as_str()), "descending puts {last_name} first, not {first}");
    app.click(&format!("{header}//button")).await;

    // The keyboard: Ctrl+F to search, arrows into the rows, Ctrl+Shift+C copies
    // the selected token's value without showing it, Enter opens it, Esc returns.
    app.press(&(Key::Control + "f")).await;
    let focused = app.client().active_element().await.expect("focus");
    assert!(focused.attr("aria-label").await.expect("attr").is_some_and(|l| l.starts_with("Search tokens")));
    app.press(&Key::Down).await;
    app.press(&Key::Down).await;
    let selected = app.wait_for("//*[@role='row'][@aria-selected='true']").await;
    let row_index = selected.attr("aria-rowindex").await.expect("attr");
    assert_eq!(row_index.as_deref(), Some("3"), "the second row is selected");
    let second = app.token_rows().await.remove(1);
    let second_id = second.split(" | ").nth(1).expect("an id cell").to_owned();
    app.press(&format!("{}{}c", char::from(Key::Control), char::from(Key::Shift))).await;
    app.wait_for_text("is on the clipboard").await;
    assert!(crate::clipboard_text().starts_with(&format!("idt:{second_id}:")), "the selected token's value");
    assert!(!app.page_text().await.contains(&crate::clipboard_text()), "the value never reached the window");
    app.press(&Key::Enter).await;
    app.wait_for(&format!("//*[normalize-space()='{second_id}']")).await;
    app.press(&Key::Escape).await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;

    // A change made outside the list's own code (as the tray will) reaches the row by event.
    let target = all.iter().find(|t| t.status == Some(TokenStatus::Active) && t.id != all[0].id).expect("one");
    app.fill("Search tokens", &target.id).await;
    app.wait_for_text(&format!("1 of {} tokens", all.len())).await;
    app.invoke("disable_token", serde_json::json!({ "connectionId": connection_id(&app).await, "tokenId": target.id, "signInConfirmed": false }))
        .await
        .expect("disabled");
    app.wait_for(&format!("{TOKEN_ROWS}[.//*[normalize-space()='Disabled']][contains(., '{}')]", target.id)).await;

    // Open a token; every tab.
    let token = all
        .iter()
        .find(|t| t.read_modules().is_some_and(|m| !m.is_empty()) && t.status == Some(TokenStatus::Active))
        .expect("one");
    app.fill("Search tokens", &token.id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{}')]", token.id)).await;
    app.wait_for(&format!("//h1[normalize-space()='{}']", token.name.as_deref().unwrap_or_default())).await;
    app.wait_for_text(&format!("idt:{}:••••••••", token.id)).await;
    app.wait_for_text(sim.base_url()).await;
    app.screenshot("token-general").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "the token page has accessibility violations:\n{}", violations.join("\n"));

    app.click(&role("tab", "Modules")).await;
    for module in token.read_modules().unwrap_or_default() {
        app.wait_for_text(module.name.as_deref().unwrap_or(&module.id)).await;
    }
    app.screenshot("token-modules").await;

    app.click(&role("tab", "Details")).await;
    app.wait_for_text("Last access").await;
    app.wait_for_text(&token.account.as_ref().and_then(|a| a.name.clone()).expect("an account name")).await;
    app.screenshot("token-details").await;

    app.click(&role("tab", "Audit trail")).await;
    app.wait_for(&role("radio", "Done to this token")).await;
    app.click("//ol[@aria-label='Audit records, newest first']//button").await;
    app.wait_for("//*[@role='dialog']//*[normalize-space()='IP address']").await;
    app.wait_for("//*[@role='dialog']//*[normalize-space()='User agent']").await;
    app.screenshot("token-audit-record").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "the audit record has accessibility violations:\n{}", violations.join("\n"));
    app.press(&Key::Escape).await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.screenshot("token-audit").await;

    // Esc again: back to the list, focus on the rows.
    app.press(&Key::Escape).await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus, a keyring and the X clipboard: run under scripts/desktop-session.sh (make test does)"]
async fn create_edit_disable_enable_and_delete_a_token_from_the_screens() {
    let sim = simulator().await;
    let api = crate::support::marketplace::vendor(&sim);
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;

    // Ctrl+N: the wizard. Next with nothing: the name's error, in place.
    app.press(&(Key::Control + "n")).await;
    app.wait_for("//h1[normalize-space()='New API token']").await;
    app.click_button("Next: modules").await;
    app.wait_for(&format!("{}[@aria-invalid='true']", field("Name"))).await;
    app.wait_for_text("Enter a name for the token.").await;

    // A name the server refuses: back on General, the server's message on Name.
    sim.faults().add(fault("POST", FaultAction::FieldRejected { field: "name".into() }, FaultWhen::NextN(1)));
    app.fill("Name", "E2E robot").await;
    app.fill("Description", "Made by the end-to-end test.").await;
    app.click_button("Next: modules").await;
    app.wait_for_text("Access Management").await;
    app.click("//label[.//*[normalize-space()='Access Management']]//input[@type='checkbox']").await;
    // A module that can do harm says so, and why.
    app.wait_for("//label[.//*[normalize-space()='Access Management']]//*[normalize-space()='Powerful']").await;
    app.screenshot("create-modules").await;
    app.click_button("Next: review").await;
    app.wait_for_text("Made by the end-to-end test.").await;
    app.wait_for_text("make themselves new ones").await;
    app.wait_for_text("(in 90 days)").await;
    app.screenshot("create-review").await;
    app.click_button("Create token").await;
    app.wait_for_text("the platform refused this name").await;
    app.wait_for(&format!("{}[@aria-invalid='true']", field("Name"))).await;
    app.screenshot("create-server-refused-name").await;

    // Try again: created; copy the value without ever showing it.
    app.click_button("Next: modules").await;
    app.click_button("Next: review").await;
    app.click_button("Create token").await;
    app.wait_for_text("Token created").await;
    app.screenshot("create-created").await;
    let created =
        collect_all(api.list_all_tokens(Query::new().select("+modules").filter(Filter::eq("name", "E2E robot"))))
            .await
            .expect("the list")
            .pop()
            .expect("the token exists on the Marketplace");
    assert_eq!(created.read_modules().map(<[_]>::len), Some(1), "one module was ticked");
    assert!(!app.page_text().await.contains(created.token.as_ref().map(ApiSecret::expose).unwrap_or("none")));
    app.click_button("Copy value").await;
    app.wait_for_text("is on the clipboard.").await;
    let clipboard = crate::clipboard_text();
    assert!(clipboard.starts_with(&format!("idt:{}:", created.id)), "the X clipboard holds the value");

    // Its page; edit the description.
    app.click_button("Open the token").await;
    app.wait_for("//h1[normalize-space()='E2E robot']").await;
    app.click_button("Edit").await;
    app.fill("Description", "Edited end to end.").await;
    app.click_button("Save changes").await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.wait_for_text("Edited end to end.").await;
    let token = api.get_token(&created.id, &[]).await.expect("the token");
    assert_eq!(token.description.as_deref(), Some("Edited end to end."));

    // Disable asks first; Cancel does nothing.
    app.click_button("Disable").await;
    app.wait_for("//*[@role='alertdialog']").await;
    app.screenshot("disable-confirm").await;
    app.click_button("Cancel").await;
    app.wait_until_hidden("//*[@role='alertdialog']").await;
    assert_eq!(api.get_token(&created.id, &[]).await.expect("token").status, Some(TokenStatus::Active));
    app.click_button("Disable").await;
    app.click_button("Disable token").await;
    app.wait_until_hidden("//*[@role='alertdialog']").await;
    app.wait_for(&button("Enable")).await;
    assert_eq!(api.get_token(&created.id, &[]).await.expect("token").status, Some(TokenStatus::Disabled));
    let focused = app.client().active_element().await.expect("focus").text().await.expect("text");
    assert_eq!(focused.trim(), "Enable", "the focus stays on the button that now enables");

    // Enable needs no question.
    app.click_button("Enable").await;
    app.wait_for(&button("Disable")).await;
    assert_eq!(api.get_token(&created.id, &[]).await.expect("token").status, Some(TokenStatus::Active));

    // Delete asks, then the list no longer has it.
    app.click_button("Delete").await;
    app.wait_for("//*[@role='alertdialog']").await;
    app.click_button("Delete token").await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;
    app.fill("Search tokens", &created.id).await;
    app.wait_for_text("No tokens match").await;
    let gone = api.get_token(&created.id, &[]).await;
    assert!(gone.is_err() || gone.is_ok_and(|t| t.status == Some(TokenStatus::Deleted)), "deleted on the Marketplace");
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn a_server_error_and_a_dropped_connection_say_what_happened_and_lose_nothing() {
    let sim = simulator().await;
    let app = AppUnderTest::launch().await;
    app.connect_as_vendor(&sim, "Simulator").await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    let before = app.token_rows().await;
    assert!(before.len() >= 10, "{before:?}");
    let count = app.wait_for("//h1[normalize-space()='API tokens']/following-sibling::p").await;
    let count = count.text().await.expect("the count");
    let still_there = || async {
        let rows = app.token_rows().await;
        assert_eq!(rows[..10], before[..10], "the rows shown before are all still there");
        app.wait_for_text(&count).await;
    };

    // A 500 on refresh (F5): a clear error, the rows stay.
    sim.faults().add(fault("GET", FaultAction::Status(500), FaultWhen::NextN(1)));
    app.press(&Key::F5).await;
    app.wait_for_text("The list could not be refreshed").await;
    app.wait_for_text("Injected fault: status 500").await;
    still_there().await;
    app.screenshot("list-refresh-failed").await;

    // A dropped connection on every try: a network error, the rows stay.
    sim.faults().add(fault("GET", FaultAction::DropConnection, FaultWhen::Always));
    app.click_button("Try again").await;
    app.wait_for_text("network").await;
    still_there().await;
    sim.faults().clear();
    app.click_button("Try again").await;
    app.wait_until_hidden(&button("Try again")).await;

    // A failed disable: the error shows in the dialog, which stays open; the token stays active.
    let active = before
        .iter()
        .find(|row| row.split(" | ").nth(2) == Some("Active") && !row.contains("This connection"))
        .expect("an active token")
        .clone();
    let id = active.split_whitespace().find(|word| word.starts_with("TKN-")).expect("an id").to_owned();
    app.fill("Search tokens", &id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{id}')]")).await;
    app.click_button("Disable").await;
    sim.faults().add(fault("POST", FaultAction::Status(500), FaultWhen::NextN(1)));
    app.click_button("Disable token").await;
    app.wait_for("//*[@role='alertdialog']//*[@role='alert']").await;
    app.wait_for_text("Injected fault: status 500").await;
    app.screenshot("disable-failed").await;
    app.click_button("Cancel").await;
    let status = crate::support::marketplace::vendor(&sim).get_token(&id, &[]).await.expect("token").status;
    assert_eq!(status, Some(TokenStatus::Active), "nothing changed on the Marketplace");
    app.wait_for(&button("Disable")).await;
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn the_demo_then_add_switch_rename_recolour_and_remove_connections() {
    let sim = simulator().await;
    let app = AppUnderTest::launch().await;
    let switcher = "//button[starts-with(normalize-space(), 'Connection:')]";

    // The demo needs no account.
    app.click_button("Try the demo").await;
    app.wait_for(TOKEN_ROWS).await;
    app.wait_for(&format!("{switcher}[contains(., 'Demo (simulated Marketplace)')]")).await;
    app.screenshot("demo-list").await;

    // Add a connection from the switcher's menu.
    app.click(switcher).await;
    app.click(&role("menuitem", "Add connection")).await;
    app.wait_for("//*[@role='dialog'][.//*[normalize-space()='Add a connection']]").await;
    let environment = app.wait_for(&field("Environment")).await;
    environment.select_by_label("Another address (proxy, simulator)…").await.expect("custom address");
    app.fill("API address", sim.base_url()).await;
    app.fill("Connection name", "Simulator").await;
    app.fill("Your API token", sim.admin_secret(AccountKind::Vendor)).await;
    app.click("//summary[contains(., 'CA certificate')]").await;
    app.paste("CA certificate", sim.ca_pem()).await;
    app.click_button("Connect").await;
    app.wait_until_hidden("//*[@role='dialog']").await;
    app.wait_for(&format!("{switcher}[contains(., 'Simulator')]")).await;
    let saved_id = connection_id(&app).await;
    assert_eq!(
        crate::secret_tool_lookup(&saved_id).as_deref(),
        Some(sim.admin_secret(AccountKind::Vendor)),
        "the secret is in the real keychain"
    );

    // Switch back to the demo, and again to the simulator.
    app.click(switcher).await;
    app.screenshot("connection-menu").await;
    app.click(&role("menuitem", "Demo (simulated Marketplace)")).await;
    app.wait_for(&format!("{switcher}[contains(., 'Demo (simulated Marketplace)')]")).await;
    app.click(switcher).await;
    app.click(&role("menuitem", "Simulator")).await;
    app.wait_for(&format!("{switcher}[contains(., 'Simulator')]")).await;

    // Rename and recolour it.
    app.click(switcher).await;
    app.click(&role("menuitem", "Manage connections")).await;
    app.fill("Name of Simulator", "Staging proxy").await;
    app.press(&Key::Enter).await;
    app.wait_for(&format!("{switcher}[contains(., 'Staging proxy')]")).await;
    let swatch = "//*[@role='radiogroup'][@aria-label='Colour of Staging proxy']/*[@aria-label='Colour #a21caf']";
    app.click(swatch).await;
    app.wait_for(&format!("{swatch}[@aria-checked='true']")).await;
    app.screenshot("manage-connections").await;

    // Remove it: the question says the secret leaves the keychain; afterwards it has.
    let token_id = sim.admin_secret(AccountKind::Vendor).split(':').nth(1).expect("an id").to_owned();
    app.click(&format!("//li[contains(., '{token_id}')]//button[normalize-space()='Remove']")).await;
    app.wait_for("//*[@role='alertdialog'][contains(., 'deleted from your OS keychain')]").await;
    app.screenshot("remove-connection").await;
    app.click_button("Remove connection").await;
    app.wait_until_hidden("//*[@role='alertdialog']").await;
    app.wait_until_hidden(&format!("//li[contains(., '{token_id}')]")).await;
    assert_eq!(crate::secret_tool_lookup(&saved_id), None, "the secret left the keychain");
    app.quit_without_panic().await;
}

/// A restart on a saved connection paints the list the last start showed at
/// once, says so, and replaces it with the fresh one; a token renamed in the
/// meantime shows its new name once the fresh list is in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_restart_shows_the_last_list_at_once_then_the_fresh_one() {
    let sim = simulator().await;
    let files = tempfile::tempdir().expect("the app's files");
    let launch = || crate::support::Launch::app().in_kept_files(files.path());
    let app = launch().with_fresh_keychain().start().await;
    app.connect_as_vendor(&sim, "Remembered").await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    let first = app.token_rows().await;
    let token_id = first
        .first()
        .and_then(|row| row.split_whitespace().find(|word| word.starts_with("TKN-")))
        .expect("the first row names its token")
        .to_owned();
    let client = crate::support::marketplace::vendor(&sim);
    let old_name = client.get_token(&token_id, &[]).await.expect("the token").name.expect("a name");

    // Meanwhile another client renames it, and the Marketplace answers slowly.
    let rename = marketplace_api::ApiTokenUpdate {
        name: Some("Renamed meanwhile".into()),
        description: None,
        icon: None,
        module_ids: None,
    };
    client.update_token(&token_id, &rename).await.expect("renamed");
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action: FaultAction::Latency(std::time::Duration::from_secs(4)),
        when: FaultWhen::Always,
    });
    let app = app.restart(launch(), std::time::Instant::now()).await;
    app.wait_for_text("Showing the list as it was on").await;
    let shown = app.token_rows().await;
    assert!(
        shown.iter().any(|row| row.contains(&old_name) && row.contains(&token_id)),
        "the remembered rows, old name and all: {shown:?}"
    );
    app.screenshot("list-remembered").await;

    app.wait_until_hidden(&role("status", "Showing the list as it was on")).await;
    // The fresh list is in: the token under its new name (found as a person would, by searching).
    app.fill("Search tokens", "Renamed").await;
    app.wait_for_text("Renamed meanwhile").await;
    assert!(app.token_rows().await.iter().all(|row| !row.contains(&old_name)), "the old name is gone");
    sim.faults().clear();
    drop(app);
}
