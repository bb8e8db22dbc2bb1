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

/// The PSS of each process of `pid`'s tree, by command name, in MB: where the memory is.
pub fn pss_by_process(pid: u32) -> Vec<(String, f64)> {
    process_tree(pid)
        .into_iter()
        .map(|pid| {
            // The program's own name (`comm` cuts it at 15 characters).
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let program = cmdline.split(|byte| *byte == 0).next().unwrap_or_default();
            let name = String::from_utf8_lossy(program).rsplit('/').next().unwrap_or_default().to_owned();
            (name, pss_kib(pid) as f64 / 1024.0)
        })
        .collect()
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
