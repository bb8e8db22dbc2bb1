//! Start-up and idle memory beside their floors. Each program is started the
//! same way, by WebKitWebDriver, and timed from the session request (when the
//! driver starts it) to the frame after its content is in, as the page itself
//! records it (`performance.timeOrigin + now()`, wall-clock milliseconds):
//!
//! - WebKitGTK's own MiniBrowser opening a static page;
//! - a hello-world Tauri window showing the same page (`crates/hello-floor`);
//! - Token Desk, restarted on a saved connection, to its first token rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::memory::pss_samples;
use crate::support::{AppUnderTest, Launch};

/// A set of WebKitGTK rendering variables, measured for every program.
#[derive(Clone, Copy, Debug)]
pub struct Rendering {
    pub label: &'static str,
    pub variables: &'static [(&'static str, &'static str)],
}

/// WebKit's defaults, each switch that moves the floor, and Token Desk's own choice.
pub const RENDERINGS: [Rendering; 3] = [
    Rendering {
        label: "WebKit's default: compositing, DMA-BUF renderer",
        variables: &[("WEBKIT_DISABLE_COMPOSITING_MODE", "0")],
    },
    Rendering {
        label: "compositing, DMA-BUF renderer off",
        variables: &[("WEBKIT_DISABLE_COMPOSITING_MODE", "0"), ("WEBKIT_DISABLE_DMABUF_RENDERER", "1")],
    },
    Rendering {
        label: "compositing off (Token Desk's choice with no GPU)",
        variables: &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")],
    },
];

/// First paints (ms) of several starts, and the PSS (MB) of the first one once painted.
#[derive(Default)]
pub struct Starts {
    pub first_paint: Vec<f64>,
    /// From process start to the page beginning to load (`performance.timeOrigin`), ms.
    pub page_start: Vec<f64>,
    /// From process start to the page's `DOMContentLoaded` handlers done, ms.
    pub page_loaded: Vec<f64>,
    /// From process start to the first token list request reaching the simulator
    /// (the tray's first 25 active tokens), ms.
    pub first_request: Vec<f64>,
    /// From process start to the last page of the window's list reaching the simulator, ms.
    pub last_request: Vec<f64>,
    /// From process start to each of the page's own marks (`performance.mark('td:…')`,
    /// see `ui/src/lib/marks.ts`), by name, ms.
    pub marks: BTreeMap<String, Vec<f64>>,
    pub pss: Vec<f64>,
    /// The first start's PSS by process (MB), read with `pss`.
    pub by_process: Vec<crate::memory::ProcessMemory>,
    /// Starts whose first paint came before the probe could watch for it (not counted).
    pub too_early: usize,
}

/// What is started.
pub enum Program<'a> {
    /// MiniBrowser, told to open `page` once it is up.
    MiniBrowser { binary: &'a Path, page: &'a str },
    /// A Tauri app whose page marks its own first paint.
    HelloWindow { binary: &'a Path },
    /// Token Desk on `files` that hold a saved connection.
    TokenDesk { binary: &'a Path, files: &'a Path, sim: &'a marketplace_sim::SimHandle },
}

/// `runs` starts of each of `programs` under `rendering`, interleaved (one of
/// each, then again), so that a slow spell of the shared machine falls on
/// every program alike rather than on whichever ran then.
pub async fn measure_interleaved(programs: &[Program<'_>], rendering: Rendering, runs: usize) -> Vec<Starts> {
    let mut all: Vec<Starts> = programs.iter().map(|_| Starts::default()).collect();
    for run in 0..runs {
        for (program, starts) in programs.iter().zip(all.iter_mut()) {
            start_once(program, rendering, run == 0, starts).await;
        }
    }
    all
}

/// `runs` starts of `program` under `rendering`.
pub async fn measure(program: &Program<'_>, rendering: Rendering, runs: usize) -> Starts {
    let mut starts = Starts::default();
    for run in 0..runs {
        start_once(program, rendering, run == 0, &mut starts).await;
    }
    starts
}

/// One start of `program`, added to `starts`; with `read_memory`, its PSS too.
async fn start_once(program: &Program<'_>, rendering: Rendering, read_memory: bool, starts: &mut Starts) {
    let (app, _floor_files) = launch(program, rendering).await;
    let started = epoch_ms(app.session_requested_at());
    let painted = match program {
        Program::MiniBrowser { page, .. } => {
            app.client().goto(page).await.expect("MiniBrowser opens the page");
            wait_for_mark(&app, PAGE_MARK).await
        }
        Program::HelloWindow { .. } => wait_for_mark(&app, PAGE_MARK).await,
        Program::TokenDesk { .. } => wait_for_mark(&app, FIRST_ROWS_MARK).await,
    };
    match painted {
        Some(at) => starts.first_paint.push(at - started),
        None => starts.too_early += 1,
    }
    let phases = app.client().execute(PHASES, Vec::new()).await.expect("the page's timing");
    if let (Some(origin), Some(loaded)) = (phases[0].as_f64(), phases[1].as_f64()) {
        starts.page_start.push(origin - started);
        starts.page_loaded.push(origin + loaded - started);
        if let Some(marks) = phases[2].as_array() {
            for mark in marks {
                if let (Some(name), Some(at)) = (mark[0].as_str(), mark[1].as_f64()) {
                    starts.marks.entry(name.to_owned()).or_default().push(origin + at - started);
                }
            }
        }
    }
    if let Program::TokenDesk { sim, .. } = program {
        // The journal keeps monotonic instants: place the start among them.
        let since_start = SystemTime::now().duration_since(app.session_requested_at()).unwrap_or_default();
        let start = Instant::now().checked_sub(since_start).expect("a start in the past");
        let lists: Vec<f64> = sim
            .journal()
            .arrivals()
            .into_iter()
            .filter(|arrival| arrival.at >= start && arrival.method == "GET" && arrival.path.ends_with("/api-tokens"))
            .map(|arrival| arrival.at.duration_since(start).as_secs_f64() * 1000.0)
            .collect();
        if let (Some(first), Some(last)) = (lists.first(), lists.last()) {
            starts.first_request.push(*first);
            starts.last_request.push(*last);
        }
    }
    if read_memory {
        let pid = app.app_pid().expect("the program is running");
        starts.pss = pss_samples(pid).await;
        starts.by_process = crate::memory::pss_by_process(pid);
    }
    drop(app);
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The started program, and the files a floor runs on (removed once it is dropped).
async fn launch(program: &Program<'_>, rendering: Rendering) -> (AppUnderTest, tempfile::TempDir) {
    // Every program on kept files: a throwaway start would also empty the
    // keychain, and with it Token Desk's saved connection.
    let floor_files = tempfile::Builder::new().prefix("token-desk-bench-floor-").tempdir().expect("a temp dir");
    let launch = match program {
        // Under a driver, MiniBrowser opens only what the session navigates to.
        Program::MiniBrowser { binary, .. } => {
            Launch::command(binary.to_path_buf(), vec!["--automation".into()]).in_kept_files(floor_files.path())
        }
        Program::HelloWindow { binary } => {
            Launch::command(binary.to_path_buf(), Vec::new()).in_kept_files(floor_files.path())
        }
        Program::TokenDesk { binary, files, .. } => {
            Launch::command(binary.to_path_buf(), Vec::new()).in_kept_files(files)
        }
    };
    (launch.rendering(rendering.variables).start().await, floor_files)
}

/// When the page began to load (wall clock) and, from then, when its
/// `DOMContentLoaded` handlers were done and each of its own marks (ms).
const PHASES: &str = "const [navigation] = performance.getEntriesByType('navigation');
    const marks = performance.getEntriesByType('mark')
      .filter((mark) => mark.name.startsWith('td:'))
      .map((mark) => [mark.name.slice(3), mark.startTime]);
    return [performance.timeOrigin, navigation ? navigation.domContentLoadedEventEnd : null, marks];";

/// The static page's own mark (see `crates/hello-floor/page/index.html`).
const PAGE_MARK: &str = "return window.__firstPaint ?? null;";

/// Token Desk's own mark of the frame after its first token rows; for a build
/// without it, watches the page for them and marks the frame after; answers
/// `'late'` when the rows were there before it could watch.
const FIRST_ROWS_MARK: &str = "
    const rows = '[role=grid] [role=row][aria-rowindex=\"2\"]';
    const [drawn] = performance.getEntriesByName('td:first rows drawn');
    if (drawn) return performance.timeOrigin + drawn.startTime;
    if (window.__firstRows) return window.__firstRows;
    if (!window.__watching) {
      if (document.querySelector(rows)) return 'late';
      window.__watching = true;
      const mark = () => requestAnimationFrame(() => setTimeout(() => {
        window.__firstRows = performance.timeOrigin + performance.now();
      }));
      new MutationObserver((_, observer) => {
        if (document.querySelector(rows)) { observer.disconnect(); mark(); }
      }).observe(document.documentElement, { childList: true, subtree: true });
    }
    return null;";

/// Runs `script` until it answers a time (wall-clock ms), or `'late'` (`None`).
async fn wait_for_mark(app: &AppUnderTest, script: &str) -> Option<f64> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // A page still loading may refuse scripts for a moment: try again.
        if let Ok(answer) = app.client().execute(script, Vec::new()).await {
            if let Some(at) = answer.as_f64() {
                return Some(at);
            }
            if answer == "late" {
                return None;
            }
        }
        if Instant::now() >= deadline {
            let shown = app.client().execute("return document.body?.innerText ?? ''", Vec::new()).await;
            panic!("no first paint within a minute; the window shows {shown:?}\n{}", app.logs());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn epoch_ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}

/// MiniBrowser, where Debian and Ubuntu put it (`webkit2gtk-driver` depends on
/// the library that ships it).
pub fn minibrowser() -> PathBuf {
    let found = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|dir| dir.path().join("webkit2gtk-4.1/MiniBrowser"))
        .find(|path| path.is_file());
    found.expect("WebKitGTK's MiniBrowser (in libwebkit2gtk-4.1-0) is installed")
}
