//! CPU at idle: the user and system time of Token Desk and its WebKit
//! processes over two minutes, first with the window on the token list, then
//! hidden in the tray, beside the hello-world window idle for two minutes
//! just before (the harness runs one program at a time).

use std::path::Path;
use std::time::Duration;

use crate::memory::process_tree;
use crate::startup::RENDERINGS;
use crate::support::Launch;
use crate::support::desktop::Desktop;
use crate::table::{Figure, Line};

/// How long each idle spell is measured.
const SPELL: Duration = Duration::from_secs(120);
/// The ceiling the issue sets: a percent of one core.
const MAX_PERCENT: f64 = 1.0;

/// Idle CPU of Token Desk (list shown, then hidden in the tray) and of the floor.
pub async fn lines(app: &Path, hello: &Path) -> Vec<Line> {
    let setting = RENDERINGS[2].label;
    let floor = Launch::command(hello.to_path_buf(), Vec::new()).rendering(RENDERINGS[2].variables).start().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let [floor_idle] = cpu_percent_over(SPELL, [floor.app_pid().expect("running")]).await;
    drop(floor);

    let sim = crate::simulator(1_000).await;
    let app = Launch::command(app.to_path_buf(), Vec::new()).rendering(&[]).with_tray().start().await;
    app.connect_as_vendor(&sim, "Bench").await;
    app.wait_until_hidden("//*[@role='progressbar']").await;
    let app_pid = app.app_pid().expect("running");
    // What start-up set going (the first tray fetch, the schedules' first run) settles first.
    tokio::time::sleep(Duration::from_secs(15)).await;
    let [shown] = cpu_percent_over(SPELL, [app_pid]).await;

    let desktop = Desktop::open();
    desktop.request_close("Bench — Token Desk");
    desktop.wait_until_shown("Bench — Token Desk", false, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let [hidden] = cpu_percent_over(SPELL, [app_pid]).await;
    drop(app);
    sim.stop().await;

    let floor = Figure::exact(floor_idle, "% of a core");
    let line = |what: &str, percent: f64| {
        Line::info(
            format!("CPU at idle, {} s: {what}", SPELL.as_secs()),
            setting,
            Figure::exact(percent, "% of a core"),
        )
        .against_floor("hello window", &floor, "")
        .at_most(MAX_PERCENT, format!("≤ {MAX_PERCENT}% of a core"))
    };
    vec![line("Token Desk, window on the list of 1,000 tokens", shown), line("Token Desk, hidden in the tray", hidden)]
}

/// The CPU each of `pids` (with every process under it) used over `spell`,
/// in percent of one core.
async fn cpu_percent_over<const N: usize>(spell: Duration, pids: [u32; N]) -> [f64; N] {
    let before = pids.map(tree_ticks);
    tokio::time::sleep(spell).await;
    let after = pids.map(tree_ticks);
    let per_second = clock_ticks_per_second();
    std::array::from_fn(|i| after[i].saturating_sub(before[i]) as f64 / per_second / spell.as_secs_f64() * 100.0)
}

/// `utime + stime` of `pid` and every process under it, in clock ticks.
fn tree_ticks(pid: u32) -> u64 {
    process_tree(pid)
        .into_iter()
        .map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // After the command name (which may hold spaces), fields 3 onwards.
            let fields: Vec<&str> =
                stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
            let field = |index: usize| fields.get(index).and_then(|value| value.parse::<u64>().ok()).unwrap_or(0);
            // utime and stime are fields 14 and 15, here 11 and 12.
            field(11) + field(12)
        })
        .sum()
}

/// `getconf CLK_TCK` (100 on Linux).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}
