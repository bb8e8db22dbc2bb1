//! GNOME on Wayland, as Ubuntu and Fedora ship it: the real app under GNOME's
//! own compositor (mutter, headless, with a virtual monitor), as a Wayland
//! client. The clipboard goes through Xwayland, whose `XAUTHORITY` mutter
//! writes in the runtime dir and a GNOME session exports; without Xwayland
//! there is no clipboard Token Desk can use, and the window says so and
//! keeps working.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use fantoccini::key::Key;
use marketplace_sim::SimConfig;

use crate::clipboard_hygiene::{clear_after, some_token};
use crate::support::screen::TOKEN_ROWS;
use crate::support::{AppUnderTest, Launch};

/// A headless mutter for one test, stopped when dropped.
struct Mutter {
    child: Child,
    /// The Wayland socket's name in the runtime dir.
    wayland_display: String,
    /// Xwayland's display (`:1`) and the authority file mutter wrote for it.
    xwayland: Option<(String, PathBuf)>,
    log: tempfile::NamedTempFile,
}

impl Mutter {
    fn start(with_xwayland: bool) -> Self {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let runtime = PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR").expect("a runtime dir (desktop-session.sh)"));
        let wayland_display =
            format!("token-desk-wayland-{}-{}", std::process::id(), STARTED.fetch_add(1, Ordering::SeqCst));
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let started = SystemTime::now();
        let mut command = Command::new("mutter");
        command
            .args(["--headless", "--wayland", "--virtual-monitor", "1400x900", "--wayland-display"])
            .arg(&wayland_display)
            .stdin(Stdio::null())
            .stdout(log.reopen().expect("log"))
            .stderr(log.reopen().expect("log"));
        if !with_xwayland {
            command.arg("--no-x11");
        }
        let child = command.spawn().expect("mutter starts (package mutter)");
        let mut mutter = Self { child, wayland_display, xwayland: None, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !runtime.join(&mutter.wayland_display).exists() {
            assert!(Instant::now() < deadline, "mutter opened no Wayland socket:\n{}", mutter.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
        if with_xwayland {
            // As a GNOME session does: Xwayland's display from mutter, and the
            // authority file mutter wrote in the runtime dir (the newest one).
            let display = loop {
                let text = mutter.log_text();
                if let Some(display) = text
                    .lines()
                    .find_map(|line| line.split("Using public X11 display ").nth(1))
                    .and_then(|rest| rest.split([',', ' ']).next())
                {
                    break display.to_owned();
                }
                assert!(Instant::now() < deadline, "mutter started no Xwayland:\n{text}");
                std::thread::sleep(Duration::from_millis(50));
            };
            let authority = std::fs::read_dir(&runtime)
                .expect("the runtime dir")
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name().to_string_lossy().starts_with(".mutter-Xwaylandauth."))
                .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
                .filter(|(modified, _)| *modified >= started - Duration::from_secs(1))
                .max_by_key(|(modified, _)| *modified)
                .map(|(_, path)| path)
                .expect("mutter wrote Xwayland's authority file in the runtime dir");
            mutter.xwayland = Some((display, authority));
        }
        mutter
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// The app, started in this session: Wayland first, Xwayland's display and
    /// authority exported when there is one, and no X11 at all otherwise.
    fn launch(&self) -> Launch {
        let launch = Launch::app().with_tray().env("WAYLAND_DISPLAY", self.wayland_display.clone());
        match &self.xwayland {
            Some((display, authority)) => {
                launch.env("DISPLAY", display.clone()).env("XAUTHORITY", authority.display().to_string())
            }
            None => launch.without_env("DISPLAY").without_env("XAUTHORITY"),
        }
    }

    /// What Xwayland's clipboard holds, read from outside the app.
    fn clipboard(&self) -> String {
        let (display, authority) = self.xwayland.as_ref().expect("with Xwayland");
        let output = Command::new("xclip")
            .args(["-selection", "clipboard", "-o"])
            .env("DISPLAY", display)
            .env("XAUTHORITY", authority)
            .output()
            .expect("xclip is installed");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    async fn clipboard_becomes(&self, expected: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let now = self.clipboard();
            if now == expected {
                return;
            }
            assert!(Instant::now() < deadline, "Xwayland's clipboard holds {now:.40?}, not {expected:.40?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Mutter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_for_log(app: &AppUnderTest, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !app.logs().contains(text) {
        assert!(Instant::now() < deadline, "the app never logged {text:?}:\n{}", app.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs D-Bus, a keyring and mutter: run under scripts/desktop-session.sh (make test does)"]
async fn under_gnome_on_wayland_the_window_is_a_wayland_client_and_copy_clear_and_notifications_work() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 3, ..Default::default() })
        .await
        .expect("the simulator starts");
    let (token_id, name, value) = some_token(&sim).await;
    let mutter = Mutter::start(true);
    let app = mutter.launch().env("TOKEN_DESK_SCHEDULE_SECS", "1").start().await;
    app.connect_as_vendor(&sim, "On Wayland").await;
    wait_for_log(&app, "the window opened on Wayland").await;
    app.screenshot("wayland").await;

    // Copy reaches the session's clipboard (Xwayland's, bridged by mutter), and the auto-clear takes it off.
    clear_after(&app, "5 seconds").await;
    app.fill("Search tokens", &token_id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.press(&Key::Escape.to_string()).await;
    app.wait_for("//h1[normalize-space()='API tokens']").await;
    app.click_button("Copy selected").await;
    mutter.clipboard_becomes(&value, Duration::from_secs(5)).await;
    app.wait_for_text(&format!("The value of {name} is on the clipboard.")).await;
    mutter.clipboard_becomes("", Duration::from_secs(9)).await;

    // Notifications arrive: a review date 30 days out is told at once.
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.click_button("Set a review date…").await;
    app.click_button("In 30 days").await;
    app.click_button("Save review date").await;
    let reminder = app.tray_host().wait_for_notification(&format!("Review {name} soon"), Duration::from_secs(20)).await;
    assert!(reminder.body.contains(&token_id), "{}", reminder.body);
    app.quit_without_panic().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs D-Bus, a keyring and mutter: run under scripts/desktop-session.sh (make test does)"]
async fn a_wayland_session_without_xwayland_is_told_there_is_no_clipboard_and_keeps_working() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 3, ..Default::default() })
        .await
        .expect("the simulator starts");
    let (token_id, ..) = some_token(&sim).await;
    let mutter = Mutter::start(false);
    let app = mutter.launch().start().await;
    app.connect_as_vendor(&sim, "No X11").await;
    wait_for_log(&app, "the window opened on Wayland").await;
    app.wait_for_text("Copying does not work in this desktop session.").await;
    app.wait_for_text("this session has neither").await;
    app.screenshot("wayland-no-clipboard").await;

    // A copy says the same in words (never a library's text), and nothing else stops.
    app.click_button("Dismiss").await;
    app.fill("Search tokens", &token_id).await;
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.press(&Key::Escape.to_string()).await;
    app.click_button("Copy selected").await;
    app.wait_for_text("Token Desk could not reach the desktop's clipboard.").await;
    let shown = app.page_text().await;
    assert!(!shown.contains("Please report") && !shown.contains("Unknown error"), "{shown}");
    app.click(&format!("{TOKEN_ROWS}[contains(., '{token_id}')]")).await;
    app.wait_for(&format!("//*[normalize-space()='{token_id}']")).await;
    app.quit_without_panic().await;
}
