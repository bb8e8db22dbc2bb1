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
#[path = "../../../src-tauri/tests/support/mod.rs"]
mod support;

mod idle;
mod list;
mod list_all;
mod memory;
mod startup;
mod table;

use std::path::{Path, PathBuf};
use std::time::Duration;

use marketplace_sim::{SimConfig, SimHandle};
use startup::{Program, RENDERINGS, Rendering};
use support::{AppUnderTest, Launch};
use table::{Figure, Line};

/// Starts of each program under each rendering setting, interleaved
/// (`TOKEN_DESK_BENCH_STARTS` sets fewer, for a quick look).
const STARTS: usize = 11;
/// Start-up to the first rows, against the hello-world window's first paint,
/// on the ratio of medians and of p10s alike.
const STARTUP_MAX_RATIO: f64 = 1.3;
/// Tokens disabled from the tray, one sample each.
const TRAY_CLICKS: usize = 15;
/// The tokens of an operations admin who sees every account: ten times a large account.
const MANY_TOKENS: usize = 100_000;
/// The ceilings the issue sets.
const BINARY_MAX_MB: f64 = 12.0;
const DEB_MAX_MB: f64 = 5.0;
const INITIAL_SCRIPT_MAX_KB: f64 = 180.0;

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
    let page =
        format!("file://{}", Path::new(env!("CARGO_MANIFEST_DIR")).join("../hello-floor/page/index.html").display());

    // `TOKEN_DESK_BENCH_ONLY=startup` (or memory, many, tray, idle, list-all,
    // sizes; several with commas) runs only those parts.
    let only = std::env::var("TOKEN_DESK_BENCH_ONLY").unwrap_or_default();
    let runs = |part: &str| only.is_empty() || only.split(',').any(|chosen| chosen.trim() == part);
    let mut lines = Vec::new();
    if runs("startup") {
        lines.extend(startup_lines(&shipped.binary, &hello, &minibrowser, &page).await);
    }
    if runs("memory") {
        let at_10k = list::ListTargets {
            listed_over_floor: None,
            token_page_over_floor: Some(40.0),
            keystroke: (16.0, 33.0),
            fling_frame_p90: None,
        };
        lines.extend(list::lines(&shipped.binary, &hello, 10_000, at_10k).await);
    }
    if runs("many") {
        let at_100k = list::ListTargets {
            listed_over_floor: Some(100.0),
            token_page_over_floor: None,
            keystroke: (16.0, 33.0),
            fling_frame_p90: Some(33.0),
        };
        lines.extend(list::lines(&shipped.binary, &hello, MANY_TOKENS, at_100k).await);
    }
    if runs("tray") {
        lines.extend(tray_lines(&shipped.binary).await);
    }
    if runs("idle") {
        lines.extend(idle::lines(&shipped.binary, &hello).await);
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

/// `$CARGO_TARGET_DIR`, from where cargo put this benchmark (`<target>/release/`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    exe.ancestors().nth(2).expect("<target>/release/desk-bench").to_path_buf()
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
        let (initial, files) = initial_script_kb();
        lines.push(
            Line::info(
                "Size: initial script (what the page loads before it runs)",
                files,
                Figure::exact(initial, "kB"),
            )
            .at_most(INITIAL_SCRIPT_MAX_KB, format!("≤ {INITIAL_SCRIPT_MAX_KB} kB")),
        );
        lines
    }
}

/// The page's entry script and the modules it preloads, in `ui/dist` (which
/// `make bundle` built into the binary measured): their size in kB (1,000
/// bytes), and how many files.
fn initial_script_kb() -> (f64, String) {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    let page = std::fs::read_to_string(dist.join("index.html")).expect("ui/dist/index.html: make bundle builds it");
    let scripts: Vec<&str> =
        page.split('"').filter(|part| part.starts_with("/assets/") && part.ends_with(".js")).collect();
    let bytes: u64 = scripts
        .iter()
        .map(|script| std::fs::metadata(dist.join(script.trim_start_matches('/'))).map(|m| m.len()).unwrap_or(0))
        .sum();
    (bytes as f64 / 1000.0, format!("{} files, minified, not compressed", scripts.len()))
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

/// How many starts of each program: [`STARTS`] unless the environment says.
fn starts() -> usize {
    std::env::var("TOKEN_DESK_BENCH_STARTS").ok().and_then(|n| n.parse().ok()).filter(|n| *n > 0).unwrap_or(STARTS)
}

/// The median of `samples`, for ordering (empty: last).
fn median(samples: &[f64]) -> f64 {
    if samples.is_empty() { f64::INFINITY } else { Figure::of(samples, "").median }
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
        let programs = [
            Program::MiniBrowser { binary: minibrowser, page },
            Program::HelloWindow { binary: hello },
            Program::TokenDesk { binary: app, files: files.path(), sim: &sim },
        ];
        let [mini, floor, desk] =
            <[_; 3]>::try_from(startup::measure_interleaved(&programs, rendering, starts()).await)
                .unwrap_or_else(|_| unreachable!("one set of starts per program"));
        let (mini_paint, floor_paint) = (Figure::of(&mini.first_paint, "ms"), Figure::of(&floor.first_paint, "ms"));
        let desk_paint = Figure::of(&desk.first_paint, "ms");
        lines.push(Line::info("Start-up: MiniBrowser, static page", label, mini_paint));
        lines.push(Line::info("Start-up: hello-world Tauri window", label, floor_paint.clone()));
        let late = if desk.too_early > 0 {
            format!(" ({} starts painted before the probe)", desk.too_early)
        } else {
            String::new()
        };
        lines.push(
            Line::info(format!("Start-up: Token Desk, first rows of {tokens} tokens{late}"), label, desk_paint)
                .within_ratio_of("hello window", &floor_paint, STARTUP_MAX_RATIO),
        );
        // Where the time goes, for Token Desk and its floor under its own choice.
        if label == RENDERINGS[2].label {
            for (name, starts) in [("hello-world Tauri window", &floor), ("Token Desk", &desk)] {
                let mut phases = vec![
                    ("page starts loading".to_owned(), &starts.page_start),
                    ("page loaded".to_owned(), &starts.page_loaded),
                    ("first list request at the Marketplace (the tray's)".to_owned(), &starts.first_request),
                    ("last page of the window's list requested".to_owned(), &starts.last_request),
                ];
                phases.extend(starts.marks.iter().map(|(mark, samples)| (format!("page mark `{mark}`"), samples)));
                phases.sort_by(|a, b| median(a.1).total_cmp(&median(b.1)));
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

/// With the window on 100,000 tokens: from the tray's "Disable token" › a
/// token click (dbusmenu's `Event`, as a panel sends it) to the disable
/// request arriving at the simulator, and to the menu rebuilt without it.
async fn tray_lines(app: &Path) -> Vec<Line> {
    const DISABLE: &str = "Disable token";
    let sim = simulator(MANY_TOKENS).await;
    let app = Launch::command(app.to_path_buf(), Vec::new()).rendering(&[]).with_tray().start().await;
    let host = app.tray_host();
    app.connect_as_vendor(&sim, "Bench").await;
    // With the list all in, as the target says (a change in the middle of a
    // list-all makes the simulator order all 100,000 again for the next page).
    list::wait_until_loaded(&app).await;
    let menu = host.wait_for_item_of(app.app_pid().expect("running"), Duration::from_secs(30)).await;
    let (mut requests, mut rebuilds) = (Vec::new(), Vec::new());
    let disablable =
        |e: &&support::tray_host::MenuEntry| e.parents == [DISABLE] && e.enabled && !e.label.contains("signs in");
    for _ in 0..TRAY_CLICKS {
        let entries = menu
            .wait_until("a token to disable", Duration::from_secs(10), |entries| entries.iter().any(|e| disablable(&e)))
            .await;
        let entry = entries.iter().find(disablable).expect("a token").clone();
        let mut updates = menu.layout_updates().await;
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
        requests.push(arrival.at.duration_since(clicked).as_secs_f64() * 1000.0);
        // The menu is rebuilt without the token: from the request's arrival to its announcement.
        let rebuilt = menu
            .until_announced(&mut updates, "the token gone", Duration::from_secs(5), |entries| {
                !entries.iter().any(|e| e.parents == [DISABLE] && e.label == entry.label)
            })
            .await;
        rebuilds.push(rebuilt.saturating_duration_since(arrival.at).as_secs_f64() * 1000.0);
        if std::env::var_os("TOKEN_DESK_BENCH_TRACE").is_some() {
            for later in sim.journal().arrivals().into_iter().filter(|a| a.at >= arrival.at) {
                let query = later.query.unwrap_or_default();
                println!(
                    "  +{:.1} ms {} {}?{query}",
                    later.at.duration_since(arrival.at).as_secs_f64() * 1000.0,
                    later.method,
                    later.path
                );
            }
            println!("  rebuilt +{:.1} ms", rebuilt.saturating_duration_since(arrival.at).as_secs_f64() * 1000.0);
        }
    }
    drop(app);
    sim.stop().await;
    let setting = RENDERINGS[2].label;
    vec![
        Line::info(
            format!("Tray: click to disable request, {MANY_TOKENS} tokens"),
            setting,
            Figure::of(&requests, "ms"),
        )
        .at_most(50.0, "< 50 ms"),
        Line::info(
            format!("Tray: disable request to the menu rebuilt without the token, {MANY_TOKENS} tokens"),
            setting,
            Figure::of(&rebuilds, "ms"),
        )
        .at_most(50.0, "< 50 ms"),
    ]
}
