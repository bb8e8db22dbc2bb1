//! Everything `make bench` measures, each figure beside its floor measured in
//! the same run: start-up and memory against WebKitGTK's MiniBrowser and a
//! hello-world Tauri window, under each WebKit rendering setting; a search
//! keystroke over 10,000 tokens in the real webview; memory after 10,000
//! tokens and a token page; list-all against its latency floor; the tray's
//! click-to-request time; and the sizes of the binary and the packages.
//!
//! It measures what ships: the binary inside the `.deb` that `make bundle`
//! built, started by WebKitWebDriver inside the headless session. It prints a
//! Markdown table of medians with their spread and writes it to
//! `$CARGO_TARGET_DIR/bench/results.md`. It asserts nothing about time: a slow
//! machine gives slow figures, never a failure.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark states its expectations by panicking"
)]
#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

#[allow(dead_code)]
#[path = "../../tests/support/mod.rs"]
mod support;

mod list_all;
mod memory;
mod startup;
mod table;

use std::path::{Path, PathBuf};
use std::time::Duration;

use marketplace_sim::{SimConfig, SimHandle};
use startup::{Program, RENDERINGS, Rendering};
use support::screen::{field, role};
use support::{AppUnderTest, Launch};
use table::{Figure, Line};

/// Starts of each program under each rendering setting.
const STARTS: usize = 5;
/// Tokens disabled from the tray, one sample each.
const TRAY_CLICKS: usize = 15;
/// Search strings typed key by key; each key is one keystroke sample.
const SEARCHES: &[&str] = &["billing", "tkn-1", "export prod", "sync", "ci pipeline v2", "zzz"];
/// The ceilings the issue sets.
const BINARY_MAX_MB: f64 = 12.0;
const DEB_MAX_MB: f64 = 5.0;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let shipped = Shipped::unpack();
    let hello = target_dir().join("release/hello-floor");
    assert!(
        hello.is_file(),
        "no {}: build it with `cargo build --release -p hello-floor` (make bench does)",
        hello.display()
    );
    let minibrowser = startup::minibrowser();
    let page = format!(
        "file://{}",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/hello-floor/page/index.html").display()
    );

    // `TOKEN_DESK_BENCH_ONLY=startup` (or memory, tray, list-all, sizes) runs one part.
    let only = std::env::var("TOKEN_DESK_BENCH_ONLY").unwrap_or_default();
    let runs = |part: &str| only.is_empty() || only == part;
    let mut lines = Vec::new();
    if runs("startup") {
        lines.extend(startup_lines(&shipped.binary, &hello, &minibrowser, &page).await);
    }
    if runs("memory") {
        lines.extend(search_and_memory_lines(&shipped.binary).await);
    }
    if runs("tray") {
        lines.push(tray_line(&shipped.binary).await);
    }
    if runs("list-all") {
        lines.extend(list_all::lines().await);
    }
    if runs("sizes") {
        lines.extend(shipped.size_lines());
    }

    let table = table::markdown(&lines, &table::machine());
    println!("\n{table}");
    let out = target_dir().join("bench/results.md");
    std::fs::create_dir_all(out.parent().expect("a parent")).expect("the bench dir");
    std::fs::write(&out, &table).expect("the table is written");
    println!("Written to {}", out.display());
}

/// `$CARGO_TARGET_DIR`, from where cargo put this benchmark (`<target>/release/deps/`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    exe.ancestors().nth(3).expect("<target>/release/deps/<bench>").to_path_buf()
}

/// The `.deb` that `make bundle` built, unpacked: the binary users run.
struct Shipped {
    _root: tempfile::TempDir,
    binary: PathBuf,
    deb: PathBuf,
    rpm: Option<PathBuf>,
}

impl Shipped {
    fn unpack() -> Self {
        let bundle = target_dir().join("release/bundle");
        let only = |kind: &str| -> Option<PathBuf> {
            std::fs::read_dir(bundle.join(kind))
                .ok()?
                .flatten()
                .map(|entry| entry.path())
                .find(|path| path.extension().is_some_and(|ext| ext == kind))
        };
        let deb = only("deb")
            .unwrap_or_else(|| panic!("no .deb in {}: run `make bundle` (make bench does)", bundle.display()));
        let root = tempfile::Builder::new().prefix("token-desk-bench-").tempdir().expect("a temp dir");
        let unpacked = std::process::Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()).status();
        assert!(unpacked.is_ok_and(|status| status.success()), "dpkg-deb -x {} failed", deb.display());
        let binary = root.path().join("usr/bin/token-desk");
        Self { _root: root, binary, deb, rpm: only("rpm") }
    }

    fn size_lines(&self) -> Vec<Line> {
        let mb = |path: &Path| std::fs::metadata(path).map(|m| m.len() as f64 / 1_000_000.0).unwrap_or(0.0);
        let mut lines = vec![
            Line::info("Size: release binary", "stripped, LTO, opt-level z", Figure::exact(mb(&self.binary), "MB"))
                .at_most(BINARY_MAX_MB, format!("≤ {BINARY_MAX_MB} MB")),
            Line::info("Size: .deb", "", Figure::exact(mb(&self.deb), "MB"))
                .at_most(DEB_MAX_MB, format!("≤ {DEB_MAX_MB} MB")),
        ];
        if let Some(rpm) = &self.rpm {
            lines.push(Line::info("Size: .rpm", "", Figure::exact(mb(rpm), "MB")));
        }
        lines
    }
}

/// A simulator whose vendor account sees about `visible` tokens (the seed
/// soft-deletes about one in ten, which the vendor no longer lists; a little
/// more is seeded so the figure is not below `visible`).
async fn simulator(visible: usize) -> SimHandle {
    let per_account = visible * 100 / 89;
    marketplace_sim::start(SimConfig { tokens_per_account: per_account, seed: 11, ..Default::default() })
        .await
        .expect("the simulator starts")
}

/// The token count the list's header states.
async fn listed_count(app: &AppUnderTest) -> usize {
    app.page_text()
        .await
        .lines()
        .find_map(|line| line.strip_suffix(" tokens").and_then(|n| n.replace(',', "").parse().ok()))
        .expect("the list states its count")
}

/// Start-up to first paint and idle memory, for the two floors and Token Desk
/// (on a saved connection to 1,000 tokens), under each rendering setting.
async fn startup_lines(app: &Path, hello: &Path, minibrowser: &Path, page: &str) -> Vec<Line> {
    let sim = simulator(1_000).await;
    let files = tempfile::Builder::new().prefix("token-desk-bench-files-").tempdir().expect("a temp dir");
    // Kept files keep the keychain too: start from one with no Token Desk entry.
    let _ = std::process::Command::new("secret-tool").args(["clear", "service", "token-desk"]).status();
    // One connection, saved as a user would, then every start opens on it.
    let first = Launch::command(app.to_path_buf(), Vec::new()).in_kept_files(files.path()).start().await;
    first.connect_as_vendor(&sim, "Bench").await;
    first.wait_until_hidden("//*[@role='progressbar']").await;
    let tokens = listed_count(&first).await;
    first.terminate_and_wait_for_exit().await;

    let mut lines = Vec::new();
    let mut memory = Vec::new();
    for rendering in RENDERINGS {
        let Rendering { label, .. } = rendering;
        let mini = startup::measure(&Program::MiniBrowser { binary: minibrowser, page }, rendering, STARTS).await;
        let floor = startup::measure(&Program::HelloWindow { binary: hello }, rendering, STARTS).await;
        let desk =
            startup::measure(&Program::TokenDesk { binary: app, files: files.path(), sim: &sim }, rendering, STARTS)
                .await;
        let (mini_paint, floor_paint) = (Figure::of(&mini.first_paint, "ms"), Figure::of(&floor.first_paint, "ms"));
        let desk_paint = Figure::of(&desk.first_paint, "ms");
        let ratio = desk_paint.median / floor_paint.median;
        lines.push(Line::info("Start-up: MiniBrowser, static page", label, mini_paint));
        lines.push(Line::info("Start-up: hello-world Tauri window", label, floor_paint.clone()));
        let late = if desk.too_early > 0 {
            format!(" ({} starts painted before the probe)", desk.too_early)
        } else {
            String::new()
        };
        lines.push(
            Line::info(format!("Start-up: Token Desk, first rows of {tokens} tokens{late}"), label, desk_paint)
                .against_floor("hello window", &floor_paint, format!("{ratio:.2}× floor"))
                .at_most(floor_paint.median * 1.1, "≤ 1.1× floor"),
        );
        // Where the time goes, for Token Desk and its floor under its own choice.
        if label == RENDERINGS[2].label {
            for (name, starts) in [("hello-world Tauri window", &floor), ("Token Desk", &desk)] {
                let phases = [
                    ("page starts loading", &starts.page_start),
                    ("page loaded", &starts.page_loaded),
                    ("first list request at the Marketplace (the tray's)", &starts.first_request),
                    ("last page of the window's list requested", &starts.last_request),
                ];
                for (phase, samples) in phases {
                    if !samples.is_empty() {
                        lines.push(Line::info(
                            format!("Start-up phase: {name}, {phase}"),
                            label,
                            Figure::of(samples, "ms"),
                        ));
                    }
                }
            }
        }
        memory.push(Line::info("Memory (PSS): MiniBrowser, static page", label, Figure::of(&mini.pss, "MB")));
        memory.push(Line::info("Memory (PSS): hello-world Tauri window", label, Figure::of(&floor.pss, "MB")));
        memory.push(
            Line::info(format!("Memory (PSS): Token Desk, {tokens} tokens listed"), label, Figure::of(&desk.pss, "MB"))
                .against_floor("hello window", &Figure::of(&floor.pss, "MB"), ""),
        );
    }
    sim.stop().await;
    lines.extend(memory);
    lines
}

/// Keystroke to repaint over 10,000 tokens, and the memory idle on the welcome
/// screen and after the 10,000 tokens and a token page, against the
/// hello-world window's memory under the same (the app's own) rendering.
async fn search_and_memory_lines(app: &Path) -> Vec<Line> {
    let hello = target_dir().join("release/hello-floor");
    let own_choice = RENDERINGS[2];
    let floor_starts = startup::measure(&Program::HelloWindow { binary: &hello }, own_choice, 1).await;
    let floor = Figure::of(&floor_starts.pss, "MB");

    let sim = simulator(10_000).await;
    let app = Launch::command(app.to_path_buf(), Vec::new()).rendering(&[]).start().await;
    app.wait_for(&support::screen::button("Try the demo")).await;
    let pid = app.app_pid().expect("the app is running");
    let idle = memory::pss_samples(pid).await;
    app.connect_as_vendor(&sim, "Bench").await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    let total = listed_count(&app).await;
    // Each input event's own timestamp is the keystroke; the sample ends once
    // the frame after Svelte's update has been produced.
    const LISTEN: &str = "window.__keystrokes = [];
        document.addEventListener('input', (event) => {
          const typed = event.timeStamp;
          requestAnimationFrame(() => setTimeout(() => window.__keystrokes.push(performance.now() - typed)));
        }, true);";
    app.client().execute(LISTEN, vec![]).await.expect("listening");
    for search in SEARCHES {
        app.fill("Search tokens", "").await;
        let input = app.wait_for(&field("Search tokens")).await;
        for key in search.chars() {
            input.send_keys(&key.to_string()).await.expect("typed");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let samples = app.client().execute("return window.__keystrokes", vec![]).await.expect("samples");
    let samples: Vec<f64> = serde_json::from_value(samples).expect("numbers");

    app.fill("Search tokens", "").await;
    // As a person would: Ctrl+F, down into the rows, Enter opens the token.
    app.press(&(fantoccini::key::Key::Control + "f")).await;
    app.press(&fantoccini::key::Key::Down).await;
    app.press(&fantoccini::key::Key::Enter).await;
    app.wait_for(&role("tab", "General")).await;
    let loaded = Figure::of(&memory::pss_samples(pid).await, "MB");
    let by_process = |name: &str, processes: &[(String, f64)]| -> Vec<Line> {
        processes
            .iter()
            .map(|(process, mb)| {
                Line::info(format!("Memory (PSS) of {process}: {name}"), RENDERINGS[2].label, Figure::exact(*mb, "MB"))
            })
            .collect()
    };
    let mut breakdown = by_process("hello-world window", &floor_starts.by_process);
    breakdown.extend(by_process(&format!("Token Desk, {total} tokens and a token page"), &memory::pss_by_process(pid)));
    let setting = RENDERINGS[2].label;
    let over = loaded.median - floor.median;
    let mut lines = vec![
        // The fill's own select-all and delete are keystrokes too: kept, they repaint the list.
        Line::info(format!("Search: keystroke to repaint, {total} tokens"), setting, Figure::of(&samples, "ms"))
            .at_most(16.0, "< 16 ms"),
        Line::info("Memory (PSS): Token Desk idle, welcome screen", setting, Figure::of(&idle, "MB")).against_floor(
            "hello window",
            &floor,
            format!("{:+.0} MB", Figure::of(&idle, "MB").median - floor.median),
        ),
        Line::info(format!("Memory (PSS): Token Desk, {total} tokens and a token page"), setting, loaded)
            .against_floor("hello window", &floor, format!("{over:+.0} MB"))
            .at_most(floor.median + 40.0, "≤ floor + 40 MB"),
    ];
    lines.extend(breakdown);
    lines
}

/// From the tray's "Disable token" › a token click (dbusmenu's `Event`, as a
/// panel sends it) to the disable request arriving at the simulator.
async fn tray_line(app: &Path) -> Line {
    const DISABLE: &str = "Disable token";
    let sim = simulator(60).await;
    let app = Launch::command(app.to_path_buf(), Vec::new()).rendering(&[]).with_tray().start().await;
    let host = app.tray_host();
    app.connect_as_vendor(&sim, "Bench").await;
    let menu = host.wait_for_item_of(app.app_pid().expect("running"), Duration::from_secs(30)).await;
    let mut samples = Vec::new();
    let disablable =
        |e: &&support::tray_host::MenuEntry| e.parents == [DISABLE] && e.enabled && !e.label.contains("signs in");
    for _ in 0..TRAY_CLICKS {
        let entries = menu
            .wait_until("a token to disable", Duration::from_secs(10), |entries| entries.iter().any(|e| disablable(&e)))
            .await;
        let entry = entries.iter().find(disablable).expect("a token").clone();
        let clicked = std::time::Instant::now();
        menu.click_entry(&entry).await;
        let arrival = loop {
            let arrived = sim
                .journal()
                .arrivals()
                .into_iter()
                .find(|a| a.at >= clicked && a.method == "POST" && a.path.ends_with("/disable"));
            if let Some(arrival) = arrived {
                break arrival;
            }
            assert!(clicked.elapsed() < Duration::from_secs(10), "no disable request reached the simulator");
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        samples.push(arrival.at.duration_since(clicked).as_secs_f64() * 1000.0);
        // Let the menu drop the token before the next click.
        menu.wait_until("the token gone", Duration::from_secs(5), |entries| {
            !entries.iter().any(|e| e.parents == [DISABLE] && e.label == entry.label)
        })
        .await;
    }
    drop(app);
    Line::info("Tray: click to disable request", RENDERINGS[2].label, Figure::of(&samples, "ms"))
        .at_most(50.0, "< 50 ms")
}
