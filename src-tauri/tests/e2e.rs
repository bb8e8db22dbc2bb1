//! End to end: the real app binary, in a real window under Xvfb, driven through
//! WebKitWebDriver. Run with `make e2e`, or inside `scripts/desktop-session.sh`:
//! `cargo test --features custom-protocol --test e2e -- --include-ignored`.

mod support;

use std::time::Duration;

use support::AppUnderTest;
use support::tray_host::TrayHost;

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

    let log = app.terminate_and_wait_for_exit().await;
    assert!(log.contains("SIGTERM received: quitting"), "the app did not see the quit request:\n{log}");
    assert!(log.contains("Token Desk stopped cleanly"), "the app did not shut down through its exit path:\n{log}");
    assert!(!log.contains("panicked"), "the app panicked:\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn tray_menu_offers_show_and_quit_and_quit_ends_the_app_cleanly() {
    let host = TrayHost::start().await;
    let app = AppUnderTest::launch().await;
    app.text_of("[data-testid=app-name]").await;

    let pid = app.app_pid().expect("the app is running");
    let menu = host.wait_for_item_of(pid, Duration::from_secs(30)).await;
    let labels: Vec<String> = menu.entries().await.into_iter().map(|entry| entry.label).collect();
    assert_eq!(labels, ["Show Token Desk", "Quit"], "the tray menu's entries, in order");

    menu.click("Quit").await;
    let log = app.wait_for_exit().await;
    assert!(log.contains("Token Desk stopped cleanly"), "Quit did not go through the exit path:\n{log}");
    assert!(!log.contains("panicked"), "the app panicked:\n{log}");
}
