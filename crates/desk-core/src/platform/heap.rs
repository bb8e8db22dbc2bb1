//! Handing freed heap memory back to the system after a large list.
//!
//! A list of 100,000 tokens passes through the process as pages, batches for
//! the window and the remembered list's file: tens of megabytes, all freed
//! once the list is in. glibc keeps freed memory in its arenas for reuse, and
//! between the allocations that live on it cannot give the holes back by
//! itself, so the process would stay that much larger for as long as it runs.

use std::time::Duration;

/// Makes every large block (a page of the Marketplace's answer, a batch on
/// its way to the window, a list's file) go back to the system the moment it
/// is freed, rather than into glibc's arenas until the next trim. glibc does
/// that by itself only from 128 kB at first, and raises the bar to the size
/// of each such block freed: after a few pages of a long list it was keeping
/// them all, which at 100,000 tokens held about 4 MB for seconds after the
/// list was in, until the later trim. Set once, at start.
pub fn return_large_blocks_when_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// Blocks of this size and over get pages of their own, given back when freed.
        const OWN_PAGES_FROM: libc::c_int = 64 * 1024;
        // SAFETY: mallopt only changes a setting of glibc's allocator, which
        // is thread-safe; blocks already allocated keep how they were made.
        let accepted = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM) };
        if accepted == 0 {
            tracing::debug!("glibc kept its own threshold for large blocks");
        }
    }
}

/// Gives the allocator's free pages back to the system, a moment after a list
/// has been answered, off the async workers: the walk of the arenas locks each
/// one. Twice: the window fetches a long list's last batches after the answer,
/// and each batch's channel message is held here until it does; at 100,000
/// tokens, those still held half a second after the answer kept about 4 MB
/// from going back. Needs a Tokio runtime.
pub fn give_back_freed_memory_soon() {
    tokio::spawn(async {
        for pause in [Duration::from_millis(500), Duration::from_secs(5)] {
            tokio::time::sleep(pause).await;
            if let Err(error) = tokio::task::spawn_blocking(give_back_freed_memory).await {
                tracing::debug!("freed memory was not given back: {error}");
            }
        }
    });
}

/// Gives the allocator's free pages back to the system now. A no-op where the
/// allocator is not glibc's.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks glibc's own arenas and madvises their
        // free pages; it touches no memory that is in use.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::{give_back_freed_memory, return_large_blocks_when_freed};

    /// Resident memory of this process, in bytes.
    #[allow(clippy::expect_used, reason = "a test's helper: Linux always has these")]
    fn resident() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
        let pages: u64 = statm.split_whitespace().nth(1).expect("resident field").parse().expect("a number");
        // SAFETY: sysconf only reads a system constant.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        pages * u64::try_from(page).expect("a page size")
    }

    /// Set in the process the test below starts to run it alone.
    const ALONE: &str = "DESK_CORE_HEAP_TEST_ALONE";

    #[test]
    fn large_blocks_go_back_to_the_system_when_freed_without_a_trim() {
        if std::env::var_os(ALONE).is_none() {
            // In a process of its own: the other tests' threads share glibc's
            // arenas, whose free space serves a block before the setting is
            // ever asked, and their allocations move the resident figure.
            let name = "platform::heap::tests::large_blocks_go_back_to_the_system_when_freed_without_a_trim";
            let run = std::process::Command::new(std::env::current_exe().expect("the test binary"))
                .args([name, "--exact", "--nocapture", "--test-threads=1"])
                .env(ALONE, "1")
                .output()
                .expect("the test binary runs");
            let said = String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success() && said.contains("1 passed"), "{said}");
            return;
        }
        return_large_blocks_when_freed();
        // 400 blocks of 100 kB, each followed by a small one that stays, as a
        // list's pages are followed by the strings that outlive them. Below
        // glibc's own first bar, so without the setting they would be holes
        // in the arena, kept until a trim.
        let mut large = Vec::new();
        let mut kept = Vec::new();
        for i in 0..400_u32 {
            large.push(vec![(i % 251) as u8; 100 * 1024]);
            kept.push(vec![(i % 7) as u8; 64]);
        }
        let before = resident();
        drop(large);
        let after = resident();
        assert!(kept.iter().all(|block| block.len() == 64));
        let returned = before.saturating_sub(after);
        assert!(
            returned >= 30 << 20,
            "only {} MB went back of 39 ({} MB resident before)",
            returned >> 20,
            before >> 20
        );
    }

    #[test]
    fn freed_holes_between_live_allocations_go_back_to_the_system() {
        // On a thread of its own, so its arena holds nothing of the other tests.
        std::thread::spawn(move || {
            // 80 MB in 4 KiB blocks, every tenth kept: the freed 90% is holes that
            // glibc cannot trim by itself, as after a list whose strings outlive it.
            let mut blocks: Vec<Vec<u8>> = (0..20_000).map(|i| vec![(i % 251) as u8; 4096]).collect();
            let kept: Vec<Vec<u8>> = blocks.iter_mut().step_by(10).map(std::mem::take).collect();
            drop(blocks);
            let before = resident();
            give_back_freed_memory();
            let after = resident();
            assert!(kept.iter().all(|block| block.len() == 4096));
            let returned = before.saturating_sub(after);
            assert!(returned >= 40 << 20, "only {} MB went back ({} MB resident before)", returned >> 20, before >> 20);
        })
        .join()
        .expect("the test thread");
    }
}
