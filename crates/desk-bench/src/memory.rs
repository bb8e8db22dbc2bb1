//! Memory as the system accounts it: the proportional set size (PSS) of a
//! program and every process under it (WebKit's web and network processes).

use std::time::Duration;

/// Five readings, half a second apart, of the PSS of `pid`'s process tree, in MB.
pub async fn pss_samples(pid: u32) -> Vec<f64> {
    let mut samples = Vec::new();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let kib: u64 = process_tree(pid).into_iter().map(pss_kib).sum();
        samples.push(kib as f64 / 1024.0);
    }
    samples
}

/// One process's PSS, and how it splits (MB).
#[derive(Clone, Debug)]
pub struct ProcessMemory {
    /// The program's name.
    pub name: String,
    pub pss: f64,
    /// Private data: heaps, the JavaScript heap, stacks.
    pub anon: f64,
    /// Mapped files: the program and its libraries, shared with other processes.
    pub file: f64,
    /// Shared memory (WebKit's buffers between its processes).
    pub shmem: f64,
}

impl ProcessMemory {
    /// The split, as the table states it.
    pub fn split(&self) -> String {
        format!("anonymous {:.1}, files {:.1}, shared {:.1} MB", self.anon, self.file, self.shmem)
    }
}

/// The PSS of each process of `pid`'s tree, by command name: where the memory is.
pub fn pss_by_process(pid: u32) -> Vec<ProcessMemory> {
    process_tree(pid)
        .into_iter()
        .map(|pid| {
            // The program's own name (`comm` cuts it at 15 characters).
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let program = cmdline.split(|byte| *byte == 0).next().unwrap_or_default();
            let name = String::from_utf8_lossy(program).rsplit('/').next().unwrap_or_default().to_owned();
            let rollup = smaps_rollup(pid);
            let mb = |field: &str| rollup_kib(&rollup, field) as f64 / 1024.0;
            ProcessMemory {
                name,
                pss: mb("Pss:"),
                anon: mb("Pss_Anon:"),
                file: mb("Pss_File:"),
                shmem: mb("Pss_Shmem:"),
            }
        })
        .collect()
}

/// `pid` and all its descendants.
pub fn process_tree(pid: u32) -> Vec<u32> {
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
    rollup_kib(&smaps_rollup(pid), "Pss:")
}

/// `/proc/PID/smaps_rollup`; empty once the process is gone.
fn smaps_rollup(pid: u32) -> String {
    match std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
        Ok(rollup) => rollup,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        // The app is non-dumpable (no core files with secrets in them), which
        // also closes its memory map to other processes but root's.
        Err(error) => panic!("cannot read the memory of process {pid} ({error}): run the benchmark as root"),
    }
}

/// One `field` (`Pss:`, `Pss_Anon:`…) of a rollup, in KiB.
fn rollup_kib(rollup: &str, field: &str) -> u64 {
    rollup
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
