//! The benchmark's table: each figure as the median of its samples with their
//! spread, beside the floor it is compared with and the target it is held to.

use std::fmt::Write as _;

/// Samples of one measure, summarised.
#[derive(Clone, Debug)]
pub struct Figure {
    /// How many samples.
    pub samples: usize,
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    pub unit: &'static str,
}

impl Figure {
    /// Summarises `samples` (at least one) measured in `unit`.
    pub fn of(samples: &[f64], unit: &'static str) -> Self {
        assert!(!samples.is_empty(), "a figure needs samples");
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        Self { samples: sorted.len(), median: at(0.5), p10: at(0.1), p90: at(0.9), unit }
    }

    /// A figure that is one exact value (a file size).
    pub fn exact(value: f64, unit: &'static str) -> Self {
        Self { samples: 1, median: value, p10: value, p90: value, unit }
    }

    fn value(&self) -> String {
        let digits = if self.median >= 100.0 { 0 } else { 1 };
        format!("{:.digits$} {}", self.median, self.unit)
    }

    fn spread(&self) -> String {
        if self.samples == 1 {
            return "exact".into();
        }
        let digits = if self.median >= 100.0 { 0 } else { 1 };
        format!("{:.digits$}–{:.digits$} (n={})", self.p10, self.p90, self.samples)
    }
}

/// Whether a figure meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// Shown for comparison; no target applies.
    Info,
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Line {
    pub what: String,
    pub setting: String,
    pub figure: Figure,
    /// The floor, as text ("hello-world window 612 ms"), when there is one.
    pub floor: String,
    /// The figure against its floor or target ("1.04× floor").
    pub against: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Line {
    /// A line that only informs.
    pub fn info(what: impl Into<String>, setting: impl Into<String>, figure: Figure) -> Self {
        Self {
            what: what.into(),
            setting: setting.into(),
            figure,
            floor: String::new(),
            against: String::new(),
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    /// Held to `figure ≤ limit` (`limit` in the figure's unit, stated as `target`).
    pub fn at_most(mut self, limit: f64, target: impl Into<String>) -> Self {
        self.target = target.into();
        self.verdict = if self.figure.median <= limit { Verdict::Met } else { Verdict::Missed };
        self
    }

    /// Held to a target checked by the caller (`met`), stated as `target`.
    pub fn held_to(mut self, met: bool, target: impl Into<String>) -> Self {
        self.target = target.into();
        self.verdict = if met { Verdict::Met } else { Verdict::Missed };
        self
    }

    /// Held to at most `max_ratio` times `floor`, on the ratio of the medians
    /// and on the ratio of the p10s alike: a floor that ran slow half the
    /// time cannot flatter the figure.
    pub fn within_ratio_of(self, floor_name: &str, floor: &Figure, max_ratio: f64) -> Self {
        let (medians, p10s) = (self.figure.median / floor.median, self.figure.p10 / floor.p10);
        let met = medians <= max_ratio && p10s <= max_ratio;
        let mut line =
            self.against_floor(floor_name, floor, format!("{medians:.2}× floor (medians), {p10s:.2}× (p10s)"));
        line.target = format!("≤ {max_ratio}× floor, both");
        line.verdict = if met { Verdict::Met } else { Verdict::Missed };
        line
    }

    /// Compared with a floor measured in the same run.
    pub fn against_floor(mut self, floor_name: &str, floor: &Figure, against: impl Into<String>) -> Self {
        self.floor = format!("{floor_name} {}", floor.value());
        self.against = against.into();
        self
    }
}

/// The table in Markdown, with the machine it ran on.
pub fn markdown(lines: &[Line], machine: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{machine}\n");
    let _ = writeln!(out, "| What | Setting | Median | Spread (p10–p90) | Floor | Against | Target | |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for line in lines {
        let verdict = match line.verdict {
            Verdict::Met => "met",
            Verdict::Missed => "**missed**",
            Verdict::Info => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            line.what,
            line.setting,
            line.figure.value(),
            line.figure.spread(),
            line.floor,
            line.against,
            line.target,
            verdict
        );
    }
    out
}

/// The machine, as the table in docs/benchmarks.md states it: CPU, cores, memory, OS and WebKitGTK.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| l.strip_prefix("model name")?.split(':').nth(1).map(|m| m.trim().to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| l.strip_prefix("MemTotal:")?.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|release| {
            release.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|n| n.trim_matches('"').to_owned()))
        })
        .unwrap_or_else(|| "unknown OS".into());
    let webkit = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    format!(
        "Measured on {cpu}, {cores} cores, {memory_gib:.0} GiB, {os}, WebKitGTK {webkit}, under Xvfb (no GPU), \
         with the simulator in the benchmark's own process."
    )
}
