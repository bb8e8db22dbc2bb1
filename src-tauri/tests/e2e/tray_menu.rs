//! The tray menu, clicked for real over its D-Bus menu interface, with native
//! confirmations answered from the keyboard and notifications received by the
//! test's own notification service.

use std::time::Duration;

use marketplace_sim::{AccountKind, SimConfig, SimHandle};

use crate::support::AppUnderTest;
use crate::support::desktop::{Desktop, keys};
use crate::support::marketplace::{operations, status_of};
use crate::support::tray_host::{MenuEntry, TrayHost, TrayMenu};

const DISABLE: &str = "Disable token";
const PANIC: &str = "Disable all active tokens…";
/// The promise: the tray follows a change within a second.
const IN_STEP: Duration = Duration::from_secs(1);
const DIALOG_WAIT: Duration = Duration::from_secs(10);

async fn simulator(tokens: usize) -> SimHandle {
    marketplace_sim::start(SimConfig { tokens_per_account: tokens, ..Default::default() })
        .await
        .expect("the simulator starts")
}

/// `(id, name, status)` of every token of the vendor's account.
async fn vendor_tokens(sim: &SimHandle) -> Vec<(String, String, String)> {
    let account = sim.account_id(AccountKind::Vendor);
    let query =
        marketplace_api::rql::Query::new().filter(marketplace_api::rql::Filter::eq("account.id", account)).limit(100);
    let page = operations(sim).list_tokens(&query).await.expect("the vendor's tokens");
    page.items
        .into_iter()
        .map(|t| (t.id, t.name.unwrap_or_default(), t.status.map(|s| s.as_str().to_owned()).unwrap_or_default()))
        .collect()
}

/// The tray menu of the app once it lists the connection's active tokens.
async fn loaded_menu(host: &TrayHost, app: &AppUnderTest) -> (TrayMenu, Vec<MenuEntry>) {
    let pid = app.app_pid().expect("the app is running");
    let menu = host.wait_for_item_of(pid, Duration::from_secs(30)).await;
    let entries = menu
        .wait_until("the active tokens", Duration::from_secs(10), |entries| {
            entries.iter().any(|entry| entry.parents == [DISABLE] && entry.enabled)
        })
        .await;
    (menu, entries)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_token_is_disabled_from_the_tray_in_two_clicks_and_the_window_follows() {
    let sim = simulator(12).await;
    let app = AppUnderTest::launch_with_tray().await;
    let host = app.tray_host();
    let connection = app.connect_as_vendor(&sim, "Simulator").await;
    let (menu, entries) = loaded_menu(host, &app).await;

    let top: Vec<&str> = entries.iter().filter(|e| e.parents.is_empty()).map(|e| e.label.as_str()).collect();
    assert_eq!(
        top,
        [
            "Show Token Desk",
            "Connection: Simulator",
            DISABLE,
            "Copy value",
            PANIC,
            "Lock Token Desk",
            "Presenting (hide values)",
            "Quit"
        ]
    );
    let tokens = vendor_tokens(&sim).await;
    let listed: Vec<&MenuEntry> = entries.iter().filter(|e| e.parents == [DISABLE]).collect();
    let active = tokens.iter().filter(|(_, _, status)| status == "Active").count();
    assert_eq!(listed.len(), active, "every active token, no other: {listed:?}");

    let victim = listed.iter().find(|e| !e.label.contains("signs in")).expect("a token to disable").label.clone();
    let (victim_id, ..) = tokens.iter().find(|(_, name, _)| *name == victim).expect("the token by its name").clone();
    menu.click(&[DISABLE, &victim]).await;

    let notice = host.wait_for_notification("Disabled", Duration::from_secs(10)).await;
    assert!(notice.body.contains(&victim_id), "the notification names the token: {notice:?}");
    assert_eq!(status_of(&sim, &victim_id).await, "Disabled", "the simulator saw the disable");
    menu.wait_until("the token gone from the menu", IN_STEP, |entries| {
        !entries.iter().any(|e| e.parents == [DISABLE] && e.label == victim)
    })
    .await;
    let rows_deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = app.token_rows().await;
        if rows.iter().any(|row| row.contains(&victim) && row.contains("Disabled")) {
            break;
        }
        assert!(std::time::Instant::now() < rows_deadline, "the window did not show {victim} disabled: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // What the user does in the window is not announced.
    let announced = host.notifications().len();
    let other = listed
        .iter()
        .filter(|e| !e.label.contains("signs in") && e.label != victim)
        .find_map(|e| tokens.iter().find(|(_, name, _)| *name == e.label))
        .expect("another token")
        .0
        .clone();
    app.invoke(
        "disable_token",
        serde_json::json!({ "connectionId": connection["id"], "tokenId": other, "signInConfirmed": false }),
    )
    .await
    .expect("disabled from the window");
    menu.wait_until("the window's change", IN_STEP, |entries| {
        !entries
            .iter()
            .any(|e| e.parents == [DISABLE] && tokens.iter().any(|(id, name, _)| *id == other && e.label == *name))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(host.notifications().len(), announced, "no notification for the window's own action");

    // The token the connection signs in with asks first, natively; Escape keeps it.
    let own = listed.iter().find(|e| e.label.contains("signs in")).expect("the sign-in token is listed").label.clone();
    menu.click(&[DISABLE, &own]).await;
    let desktop = Desktop::open();
    let dialog = desktop.wait_for_window("Disable the token this connection signs in with?", DIALOG_WAIT).await;
    desktop.press_in(dialog, &[keys::ESCAPE]);
    desktop.wait_until_shown("Disable the token this connection signs in with?", false, DIALOG_WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status_of(&sim, connection["tokenId"].as_str().expect("id")).await, "Active", "cancelled: still active");
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn panic_disables_every_other_active_token_and_restore_brings_back_exactly_those() {
    let sim = simulator(10).await;
    let app = AppUnderTest::launch_with_tray().await;
    let host = app.tray_host();
    let connection = app.connect_as_vendor(&sim, "Simulator").await;
    let own_id = connection["tokenId"].as_str().expect("the sign-in token").to_owned();
    let (menu, _) = loaded_menu(host, &app).await;
    // Locked first, from the tray: the panic and its restore must not wait for an unlock.
    menu.click(&["Lock Token Desk"]).await;
    app.wait_for("//h1[normalize-space()='Token Desk is locked']").await;
    menu.wait_until("the lock shown in the menu", IN_STEP, |entries| {
        entries.iter().any(|e| e.label.starts_with("Locked"))
    })
    .await;
    let before = vendor_tokens(&sim).await;
    let targets: Vec<String> = before
        .iter()
        .filter(|(id, _, status)| status == "Active" && *id != own_id)
        .map(|(id, ..)| id.clone())
        .collect();
    assert!(targets.len() >= 3, "{before:?}");

    menu.click(&[PANIC]).await;
    let desktop = Desktop::open();
    let title = "Disable all active tokens on \"Simulator\"?";
    let dialog = desktop.wait_for_window(title, DIALOG_WAIT).await;
    // Alt+D: "Disable N tokens", the dialog's access key.
    desktop.press_in(dialog, &[keys::ALT, keys::letter('d')]);
    let notice = host.wait_for_notification("tokens disabled", Duration::from_secs(20)).await;
    assert!(notice.summary.starts_with(&format!("{} tokens disabled", targets.len())), "{notice:?}");

    let after = vendor_tokens(&sim).await;
    for (id, _, status) in &after {
        let expected = if targets.contains(id) {
            "Disabled"
        } else {
            before.iter().find(|t| &t.0 == id).map(|t| t.2.as_str()).unwrap_or("")
        };
        assert_eq!(status, expected, "{id}: only the active tokens were disabled, the sign-in token kept");
    }
    let restore = format!("Restore {} tokens disabled at ", targets.len());
    menu.wait_until("the restore entry", IN_STEP, |entries| entries.iter().any(|e| e.label.starts_with(&restore)))
        .await;
    let label = menu.top_level().await.into_iter().find(|label| label.starts_with(&restore)).expect("the entry");
    menu.click(&[&label]).await;
    // Restore asks first, naming every token it would enable.
    let title = format!("Enable {} tokens on \"Simulator\" again?", targets.len());
    let dialog = desktop.wait_for_window(&title, DIALOG_WAIT).await;
    // Alt+E: "Enable N tokens", the dialog's access key.
    desktop.press_in(dialog, &[keys::ALT, keys::letter('e')]);
    let notice = host.wait_for_notification("enabled again", Duration::from_secs(20)).await;
    assert!(notice.summary.starts_with(&format!("{} tokens enabled again", targets.len())), "{notice:?}");
    let restored = vendor_tokens(&sim).await;
    let statuses = |tokens: &[(String, String, String)]| {
        let mut pairs: Vec<(String, String)> =
            tokens.iter().map(|(id, _, status)| (id.clone(), status.clone())).collect();
        pairs.sort();
        pairs
    };
    assert_eq!(statuses(&restored), statuses(&before), "exactly the state before the panic");
    menu.wait_until("no restore entry", IN_STEP, |entries| !entries.iter().any(|e| e.label.starts_with("Restore ")))
        .await;
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn closing_keeps_the_app_in_the_tray_and_a_second_launch_brings_the_window_back() {
    let app = AppUnderTest::launch_with_tray().await;
    let host = app.tray_host();
    app.text_of("[data-testid=app-name]").await;
    host.wait_for_item_of(app.app_pid().expect("running"), Duration::from_secs(30)).await;
    let desktop = Desktop::open();
    desktop.wait_until_shown("Token Desk", true, Duration::from_secs(10)).await;

    desktop.request_close("Token Desk");
    desktop.wait_until_shown("Token Desk", false, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.app_pid().is_some(), "closing the window kept the app running in the tray");

    let status = app.launch_again().await;
    assert!(status.success(), "the second launch handed over and exited cleanly: {status}");
    desktop.wait_until_shown("Token Desk", true, Duration::from_secs(10)).await;
    let window = desktop.windows_titled("Token Desk").into_iter().next().expect("the window");
    assert_eq!(desktop.focused(), window, "the window has the keyboard focus");
    assert!(host.notifications().is_empty(), "nothing the user did in the window is announced");
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn without_a_tray_host_closing_the_window_quits() {
    let app = AppUnderTest::launch().await;
    app.text_of("[data-testid=app-name]").await;
    let desktop = Desktop::open();
    desktop.wait_until_shown("Token Desk", true, Duration::from_secs(10)).await;
    desktop.request_close("Token Desk");
    let log = app.wait_for_exit().await;
    assert!(log.contains("Token Desk stopped cleanly"), "closing quit through the exit path:\n{log}");
}
