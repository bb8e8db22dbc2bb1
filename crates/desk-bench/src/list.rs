//! The token list at 10,000 and at 100,000 tokens, in the real webview: a
//! search keystroke to the repaint, a fling from the top to the bottom, and
//! the memory with the list loaded and then with a token page open, against
//! the hello-world window's memory under the same (the app's own) rendering.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::memory::{self, ProcessMemory};
use crate::startup::{self, Program, RENDERINGS};
use crate::support::screen::{field, role};
use crate::support::{AppUnderTest, Launch};
use crate::table::{Figure, Line};

/// Search strings typed key by key; each key is one keystroke sample.
const SEARCHES: &[&str] = &["billing", "tkn-1", "export prod", "sync", "ci pipeline v2", "zzz"];
/// Flings from the top of the list to its bottom; every frame of each is a sample.
const FLINGS: usize = 3;
/// How long after the flings the memory is read.
const AFTER_FLINGS: Duration = Duration::from_secs(10);

/// What a list of one size is held to.
pub struct ListTargets {
    /// PSS above the floor with the list loaded, MB.
    pub listed_over_floor: Option<f64>,
    /// PSS above the floor with a token page open too, MB.
    pub token_page_over_floor: Option<f64>,
    /// Search keystroke to repaint: median and p90, ms.
    pub keystroke: (f64, f64),
    /// A fling's frames: p90, ms.
    pub fling_frame_p90: Option<f64>,
}

/// The figures of a vendor account with about `visible` tokens.
pub async fn lines(app: &Path, hello: &Path, visible: usize, targets: ListTargets) -> Vec<Line> {
    let setting = RENDERINGS[2].label;
    let floor_starts = startup::measure(&Program::HelloWindow { binary: hello }, RENDERINGS[2], 1).await;
    let floor = Figure::of(&floor_starts.pss, "MB");

    let sim = crate::simulator(visible).await;
    let app = Launch::command(app.to_path_buf(), Vec::new()).rendering(&[]).start().await;
    app.wait_for(&crate::support::screen::button("Try the demo")).await;
    let pid = app.app_pid().expect("the app is running");
    let idle = memory::pss_samples(pid).await;
    let connecting = Instant::now();
    app.connect_as_vendor(&sim, "Bench").await;
    wait_until_loaded(&app).await;
    let loaded_in = connecting.elapsed().as_secs_f64() * 1000.0;
    let total = crate::listed_count(&app).await;
    let listed = Figure::of(&memory::pss_samples(pid).await, "MB");
    let listed_split = memory::pss_by_process(pid);

    let keystrokes = keystrokes(&app).await;

    app.fill("Search tokens", "").await;
    // As a person would: Ctrl+F, down into the rows, Enter opens the token.
    app.press(&(fantoccini::key::Key::Control + "f")).await;
    app.press(&fantoccini::key::Key::Down).await;
    app.press(&fantoccini::key::Key::Enter).await;
    app.wait_for(&role("tab", "General")).await;
    let with_page = Figure::of(&memory::pss_samples(pid).await, "MB");
    let with_page_split = memory::pss_by_process(pid);

    // Back on the list, flung through from top to bottom, as a person looks for a token.
    app.press(&fantoccini::key::Key::Escape).await;
    app.wait_for(&field("Search tokens")).await;
    let frames = flings(&app).await;
    // As a person reads what they found: the garbage of the flings is collected meanwhile.
    tokio::time::sleep(AFTER_FLINGS).await;
    let after_flings = Figure::of(&memory::pss_samples(pid).await, "MB");
    drop(app);
    sim.stop().await;

    let over = |figure: &Figure| format!("{:+.0} MB", figure.median - floor.median);
    let (listed_over, page_over) = (over(&listed), over(&with_page));
    let keystroke = Figure::of(&keystrokes, "ms");
    let keystroke_met = keystroke.median < targets.keystroke.0 && keystroke.p90 < targets.keystroke.1;
    let mut lines = vec![
        Line::info(
            format!("List: connected to the rows all in, {total} tokens"),
            setting,
            Figure::exact(loaded_in, "ms"),
        ),
        Line::info(format!("Search: keystroke to repaint, {total} tokens"), setting, keystroke)
            .held_to(keystroke_met, format!("median < {} ms, p90 < {} ms", targets.keystroke.0, targets.keystroke.1)),
    ];
    let fling = Line::info(
        format!("Scrolling: a fling top to bottom, frame time, {total} tokens"),
        setting,
        Figure::of(&frames, "ms"),
    );
    lines.push(match targets.fling_frame_p90 {
        Some(limit) => {
            let met = Figure::of(&frames, "ms").p90 <= limit;
            fling.held_to(met, format!("p90 ≤ {limit} ms"))
        }
        None => fling,
    });
    if visible <= 10_000 {
        lines.push(
            Line::info("Memory (PSS): Token Desk idle, welcome screen", setting, Figure::of(&idle, "MB"))
                .against_floor("hello window", &floor, over(&Figure::of(&idle, "MB"))),
        );
    }
    let listed_line = Line::info(format!("Memory (PSS): Token Desk, {total} tokens listed"), setting, listed.clone())
        .against_floor("hello window", &floor, listed_over);
    lines.push(match targets.listed_over_floor {
        Some(limit) => listed_line.at_most(floor.median + limit, format!("≤ floor + {limit} MB")),
        None => listed_line,
    });
    let page_line =
        Line::info(format!("Memory (PSS): Token Desk, {total} tokens and a token page"), setting, with_page)
            .against_floor("hello window", &floor, page_over);
    lines.push(match targets.token_page_over_floor {
        Some(limit) => page_line.at_most(floor.median + limit, format!("≤ floor + {limit} MB")),
        None => page_line,
    });
    let flung_over = over(&after_flings);
    lines.push(
        Line::info(
            format!(
                "Memory (PSS): Token Desk, {total} tokens, {} s after {FLINGS} flings through them",
                AFTER_FLINGS.as_secs()
            ),
            setting,
            after_flings,
        )
        .against_floor("hello window", &floor, flung_over),
    );
    lines.extend(by_process("hello-world window", &floor_starts.by_process));
    lines.extend(by_process(&format!("Token Desk, {total} tokens listed"), &listed_split));
    lines.extend(by_process(&format!("Token Desk, {total} tokens and a token page"), &with_page_split));
    lines
}

/// One line per process, with its split.
fn by_process(name: &str, processes: &[ProcessMemory]) -> Vec<Line> {
    processes
        .iter()
        .map(|process| {
            let mut line = Line::info(
                format!("Memory (PSS) of {}: {name}", process.name),
                RENDERINGS[2].label,
                Figure::exact(process.pss, "MB"),
            );
            line.against = process.split();
            line
        })
        .collect()
}

/// Until the list's progress bar is gone (100,000 tokens take longer than a test's wait).
pub async fn wait_until_loaded(app: &AppUnderTest) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while app.is_shown("//*[@role='progressbar']").await {
        assert!(Instant::now() < deadline, "the list is still loading after 5 minutes:\n{}", app.page_text().await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Each keystroke's own `input` event timestamp to the frame after the list
/// repainted, keys typed through WebDriver 30 ms apart.
async fn keystrokes(app: &AppUnderTest) -> Vec<f64> {
    const LISTEN: &str = "window.__keystrokes = [];
        document.addEventListener('input', (event) => {
          const typed = event.timeStamp;
          const value = event.target.value;
          requestAnimationFrame(() => setTimeout(() => window.__keystrokes.push([performance.now() - typed, value])));
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
    // The fill's own select-all and delete are keystrokes too: kept, they repaint the list.
    let samples: Vec<(f64, String)> = serde_json::from_value(samples).expect("numbers and texts");
    if std::env::var_os("TOKEN_DESK_BENCH_TRACE").is_some() {
        for (ms, text) in &samples {
            println!("keystroke {ms:6.1} ms, search now {text:?}");
        }
    }
    samples.into_iter().map(|(ms, _)| ms).collect()
}

/// Frame times (ms, from one animation frame to the next) of flings from the
/// top of the unfiltered list to its bottom in about two seconds, fast at
/// first and slowing down, as a flicked wheel or touchpad scrolls.
async fn flings(app: &AppUnderTest) -> Vec<f64> {
    const FLING: &str = "const done = arguments[arguments.length - 1];
        const grid = document.querySelector('[role=grid]');
        grid.scrollTop = 0;
        const frames = [];
        requestAnimationFrame((first) => {
          const end = grid.scrollHeight - grid.clientHeight;
          let last = first;
          const step = (now) => {
            frames.push(now - last);
            last = now;
            const t = Math.min(1, (now - first) / 2000);
            grid.scrollTop = end * (1 - Math.pow(1 - t, 3));
            if (t < 1) requestAnimationFrame(step); else done(frames);
          };
          requestAnimationFrame(step);
        });";
    app.fill("Search tokens", "").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut frames = Vec::new();
    for _ in 0..FLINGS {
        let answer = app.client().execute_async(FLING, vec![]).await.expect("a fling");
        let mut these: Vec<f64> = serde_json::from_value(answer).expect("frame times");
        frames.append(&mut these);
    }
    frames
}
