//! The lock in the real window, unlocked through polkit as the app asks it: a
//! polkit authority of the test's own, on a private system bus the app is
//! pointed at, answers yes, then no, then never. While locked, nothing that
//! shows or copies a value works, and disabling a token does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use marketplace_sim::SimConfig;
use zbus::zvariant::OwnedValue;

use crate::support::Launch;
use crate::support::marketplace::vendor;

/// What the authority answers, in order: `Some(authorized)`, or `None` for never.
#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<Vec<Option<bool>>>>,
    asked: Arc<Mutex<Vec<(String, u32)>>>,
}

/// The part of `org.freedesktop.PolicyKit1.Authority` the app uses.
struct FakeAuthority(Script);

#[zbus::interface(name = "org.freedesktop.PolicyKit1.Authority")]
impl FakeAuthority {
    async fn check_authorization(
        &self,
        subject: (String, HashMap<String, OwnedValue>),
        action_id: String,
        _details: HashMap<String, String>,
        flags: u32,
        _cancellation_id: String,
    ) -> (bool, bool, HashMap<String, String>) {
        assert_eq!(subject.0, "unix-process", "the app names itself by process");
        self.0.asked.lock().expect("asked").push((action_id, flags));
        let next = self.0.answers.lock().expect("answers").remove(0);
        match next {
            Some(authorized) => (authorized, false, HashMap::new()),
            None => std::future::pending().await,
        }
    }
}

/// A private bus for the app to take as its system bus; stops with the test.
struct PrivateBus {
    daemon: std::process::Child,
    address: String,
}

impl PrivateBus {
    fn start() -> Self {
        use std::io::BufRead;
        let mut daemon = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon");
        let stdout = daemon.stdout.take().expect("its address");
        let mut address = String::new();
        std::io::BufReader::new(stdout).read_line(&mut address).expect("the address line");
        Self { daemon, address: address.trim().to_owned() }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

const LOCKED: &str = "//h1[normalize-space()='Token Desk is locked']";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn locked_nothing_shows_a_value_disable_works_and_polkit_unlocks() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 10, seed: 12, ..Default::default() })
        .await
        .expect("the simulator starts");
    let bus = PrivateBus::start();
    let script = Script::default();
    *script.answers.lock().expect("answers") = vec![Some(true), Some(false), None];
    let _authority = zbus::connection::Builder::address(bus.address.as_str())
        .expect("the bus address")
        .name("org.freedesktop.PolicyKit1")
        .expect("the name")
        .serve_at("/org/freedesktop/PolicyKit1/Authority", FakeAuthority(script.clone()))
        .expect("served")
        .build()
        .await
        .expect("the authority is on the bus");

    let app = Launch::app()
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus.address.clone())
        .env("TOKEN_DESK_UNLOCK_SECS", "3")
        .start()
        .await;
    let connection = app.connect_as_vendor(&sim, "Locked desk").await;
    let admin_id = connection["tokenId"].as_str().expect("the sign-in token").to_owned();
    let listed = vendor(&sim).list_tokens(&marketplace_api::rql::Query::new().select("-token")).await.expect("tokens");
    let others: Vec<String> = listed
        .items
        .iter()
        .filter(|t| t.id != admin_id && t.status == Some(marketplace_api::TokenStatus::Active))
        .map(|t| t.id.clone())
        .collect();
    assert!(others.len() >= 2, "two active tokens besides the sign-in one: {:?}", listed.items);

    app.click_button("Lock").await;
    app.wait_for(LOCKED).await;
    app.wait_for_text("Locked desk").await;
    app.screenshot("lock-screen").await;

    // Nothing that shows, copies or changes a value works; a disable does.
    let args = |token: &str| serde_json::json!({ "connectionId": connection["id"], "tokenId": token });
    for (command, extra) in [("reveal_token_value", None), ("copy_token_value", Some(("format", "value")))] {
        let mut call = args(&others[0]);
        if let Some((key, value)) = extra {
            call[key] = serde_json::json!(value);
        }
        let refused = app.invoke(command, call).await.expect_err("refused while locked");
        assert_eq!(refused["kind"], "locked", "{command}: {refused}");
    }
    let mut disable = args(&others[1]);
    disable["signInConfirmed"] = serde_json::json!(false);
    app.invoke("disable_token", disable).await.expect("disable works while locked");
    assert_eq!(crate::support::marketplace::status_of(&sim, &others[1]).await, "Disabled");

    // Yes: unlocked, and a value can be shown again.
    app.click_button("Unlock").await;
    app.wait_until_hidden(LOCKED).await;
    app.invoke("reveal_token_value", args(&others[0])).await.expect("shown once unlocked");
    let asked = script.asked.lock().expect("asked").clone();
    assert_eq!(asked, [("dev.tokendesk.TokenDesk.unlock".to_owned(), 1)], "the app's action, with interaction");

    // No: still locked, and told why.
    app.click_button("Lock").await;
    app.wait_for(LOCKED).await;
    app.click_button("Unlock").await;
    app.wait_for_text("did not confirm it is you").await;
    assert!(app.is_shown(LOCKED).await);

    // Never: the prompt goes unanswered; after the limit the screen says so.
    app.click_button("Unlock").await;
    app.wait_for_text("Nobody answered the system's password prompt").await;
    app.screenshot("lock-unanswered").await;
    assert!(app.is_shown(LOCKED).await);
    app.quit_without_panic().await;
}

/// The brightness (0 to 255) of a CSS `rgb(…)` colour.
fn brightness(css: &str) -> u32 {
    let channels: Vec<u32> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    channels.iter().sum::<u32>() / channels.len().max(1) as u32
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn presenting_frames_the_window_and_the_lock_screen_follows_a_dark_desktop() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 4, seed: 12, ..Default::default() })
        .await
        .expect("the simulator starts");
    for dark in [false, true] {
        let mut launch = Launch::app();
        if dark {
            launch = launch.env("GTK_THEME", "Adwaita:dark");
        }
        let app = launch.start().await;
        app.connect_as_vendor(&sim, "Shared screen").await;
        let suffix = if dark { "-dark" } else { "" };

        app.click_button("Presenting").await;
        app.wait_for("//*[contains(@class, 'presenting-frame')]").await;
        let pressed = app.wait_for("//button[@aria-pressed='true'][contains(., 'Presenting')]").await;
        assert!(pressed.text().await.expect("its text").contains("Presenting"));
        app.screenshot(&format!("presenting{suffix}")).await;
        app.click_button("Presenting").await;
        app.wait_until_hidden("//*[contains(@class, 'presenting-frame')]").await;

        app.press(&(fantoccini::key::Key::Control + "l")).await;
        app.wait_for(LOCKED).await;
        app.screenshot(&format!("lock-screen{suffix}")).await;
        let background = app
            .client()
            .execute("return getComputedStyle(document.querySelector('.lock-screen')).backgroundColor;", vec![])
            .await
            .expect("the lock screen's colour");
        let shade = brightness(background.as_str().unwrap_or_default());
        assert_eq!(shade < 100, dark, "the lock screen follows the desktop's theme: {background}");
        app.quit_without_panic().await;
    }
}
