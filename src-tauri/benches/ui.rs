//! What a person feels in the real window, measured in the real webview: the
//! first rows painted after connecting to 1,000 tokens, the time from a
//! keystroke in the search field to the repainted list over 10,000 tokens, and
//! the time from a click in the tray menu to the disable request reaching the
//! Marketplace (the simulator), and the memory (PSS, summed over the app and
//! its WebKit processes) idle and after 10,000 tokens and a token page.
//!
//! Run with `make bench-ui` (inside the headless session, optimised build). It
//! prints a table of medians with their spread; it asserts nothing about time.
//!
//! It measures what the app chooses by itself: on a machine without a GPU
//! (like this one), WebKit draws without compositing. Set
//! `TOKEN_DESK_BENCH_COMPOSITING=on` to measure WebKit's compositing instead,
//! as the end-to-end tests run it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark states its expectations by panicking"
)]
#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use marketplace_sim::{AccountKind, SimConfig, SimHandle};
use support::AppUnderTest;
use support::screen::{button, field};

/// Launches measured for the first paint.
const FIRST_PAINT_RUNS: usize = 5;
/// Tokens disabled from the tray, one sample each.
const TRAY_CLICKS: usize = 15;
/// Search strings typed key by key; each key is one keystroke sample.
const SEARCHES: &[&str] = &["billing", "tkn-1", "export prod", "sync", "ci pipeline v2", "zzz"];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let forced_on = std::env::var("TOKEN_DESK_BENCH_COMPOSITING").is_ok_and(|mode| mode == "on");
    support::leave_compositing_to_the_app(!forced_on);
    println!("WebKit compositing: {}", if forced_on { "on" } else { "the app's own choice" });
    let mut report = Vec::new();
    report.push(first_paint(1_000).await);
    let (keystrokes, memory) = search_keystrokes(10_000).await;
    report.push(keystrokes);
    report.extend(memory);
    report.push(tray_click_to_request(60).await);
    println!("\n| Measure | Tokens | Samples | Median | p10 | p90 | Max |");
    println!("|---|---|---|---|---|---|---|");
    for line in &report {
        println!("{line}");
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

/// From the Connect click to the first token row painted, per fresh app.
async fn first_paint(visible: usize) -> String {
    let sim = simulator(visible).await;
    let mut samples = Vec::new();
    let mut count = 0;
    for _ in 0..FIRST_PAINT_RUNS {
        let app = AppUnderTest::launch().await;
        app.wait_for(&button("Try the demo")).await;
        let environment = app.wait_for(&field("Environment")).await;
        environment.select_by_label("Another address (proxy, simulator)…").await.expect("custom address");
        app.fill("API address", sim.base_url()).await;
        app.fill("Your API token", sim.admin_secret(AccountKind::Vendor)).await;
        app.click("//summary[contains(., 'CA certificate')]").await;
        app.paste("CA certificate", sim.ca_pem()).await;
        // Click and watch from inside the page, so no WebDriver round trip is counted.
        const MEASURE: &str = "const done = arguments[0];
            const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Connect');
            const start = performance.now();
            const painted = () => requestAnimationFrame(() => setTimeout(() => done(performance.now() - start)));
            const observer = new MutationObserver(() => {
              if (document.querySelector('[role=grid] [role=row][aria-rowindex=\"2\"]')) { observer.disconnect(); painted(); }
            });
            observer.observe(document.body, { childList: true, subtree: true });
            button.click();";
        let elapsed = app.client().execute_async(MEASURE, vec![]).await.expect("the list paints");
        samples.push(elapsed.as_f64().expect("milliseconds"));
        app.wait_until_hidden("//*[@role='progressbar']").await;
        count = app.token_rows().await.len().max(count);
        let text = app.page_text().await;
        count = text
            .lines()
            .find_map(|line| line.strip_suffix(" tokens").and_then(|n| n.replace(',', "").parse().ok()))
            .unwrap_or(count);
        drop(app);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    row("First list paint after Connect", count, &samples)
}

/// From each keystroke's event to the frame after the list repainted; and
/// the memory, idle on the welcome screen and after the 10,000 tokens, the
/// searches and a token page.
async fn search_keystrokes(visible: usize) -> (String, Vec<String>) {
    let sim = simulator(visible).await;
    let app = AppUnderTest::launch().await;
    app.wait_for(&button("Try the demo")).await;
    let pid = app.app_pid().expect("the app is running");
    let idle = pss_samples(pid).await;
    app.connect_as_vendor(&sim, "Bench").await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    let total: usize = app
        .page_text()
        .await
        .lines()
        .find_map(|line| line.strip_suffix(" tokens").and_then(|n| n.replace(',', "").parse().ok()))
        .expect("the count");
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
    // The fill's own select-all and delete are keystrokes too: keep them, they repaint the list.
    let keystrokes = row("Search keystroke to repaint", total, &samples);

    app.fill("Search tokens", "").await;
    // As a person would: Ctrl+F, down into the rows, Enter opens the token.
    app.press(&(fantoccini::key::Key::Control + "f")).await;
    app.press(&fantoccini::key::Key::Down).await;
    app.press(&fantoccini::key::Key::Enter).await;
    app.wait_for(&support::screen::role("tab", "General")).await;
    let loaded = pss_samples(pid).await;
    let memory = vec![
        row_in("Memory (PSS), idle on the welcome screen", 0, &idle, "MB"),
        row_in("Memory (PSS), 10,000 tokens listed and a token page open", total, &loaded, "MB"),
    ];
    (keystrokes, memory)
}

/// Five readings, half a second apart, of the PSS of `pid` and every process
/// under it (WebKit's web and network processes), in MB.
async fn pss_samples(pid: u32) -> Vec<f64> {
    let mut samples = Vec::new();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let kib: u64 = process_tree(pid).into_iter().map(pss_kib).sum();
        samples.push(kib as f64 / 1024.0);
    }
    samples
}

/// `pid` and all its descendants.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut tree = vec![pid];
    let mut next = 0;
    while next < tree.len() {
        let tasks = std::path::Path::new("/proc").join(tree[next].to_string()).join("task");
        for task in std::fs::read_dir(tasks).into_iter().flatten().flatten() {
            let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            tree.extend(children.split_whitespace().filter_map(|child| child.parse::<u32>().ok()));
        }
        next += 1;
    }
    tree
}

/// A process's proportional set size, from `smaps_rollup`, in KiB.
fn pss_kib(pid: u32) -> u64 {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_else(|error| {
        // The app is non-dumpable (no core files with secrets in them), which
        // also closes its memory map to other processes but root's.
        panic!("cannot read the memory of process {pid} ({error}): run the benchmark as root")
    });
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// From the tray's "Disable token" › a token click (dbusmenu's `Event`, as a
/// panel sends it) to the disable request arriving at the simulator.
async fn tray_click_to_request(visible: usize) -> String {
    const DISABLE: &str = "Disable token";
    let sim = simulator(visible).await;
    let app = AppUnderTest::launch_with_tray().await;
    let host = app.tray_host();
    app.connect_as_vendor(&sim, "Bench").await;
    let menu = host.wait_for_item_of(app.app_pid().expect("running"), Duration::from_secs(30)).await;
    let mut samples = Vec::new();
    for _ in 0..TRAY_CLICKS {
        let entries = menu
            .wait_until("a token to disable", Duration::from_secs(10), |entries| {
                entries.iter().any(|e| e.parents == [DISABLE] && e.enabled && !e.label.contains("signs in"))
            })
            .await;
        let entry = entries
            .iter()
            .find(|e| e.parents == [DISABLE] && e.enabled && !e.label.contains("signs in"))
            .expect("a token")
            .clone();
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
    row("Tray click to disable request", visible, &samples)
}

fn row(what: &str, tokens: usize, samples: &[f64]) -> String {
    row_in(what, tokens, samples, "ms")
}

fn row_in(what: &str, tokens: usize, samples: &[f64], unit: &str) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    format!(
        "| {what} | {tokens} | {} | {:.1} {unit} | {:.1} {unit} | {:.1} {unit} | {:.1} {unit} |",
        sorted.len(),
        at(0.5),
        at(0.1),
        at(0.9),
        sorted[sorted.len() - 1]
    )
}
