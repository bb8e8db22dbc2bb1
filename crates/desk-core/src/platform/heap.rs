//! Handing freed heap memory back to the system after a large list.
//!
//! A list of 100,000 tokens passes through the process as pages, batches for
//! the window and the remembered list's file: tens of megabytes, all freed
//! once the list is in. glibc keeps freed memory in its arenas for reuse, and
//! between the allocations that live on it cannot give the holes back by
//! itself, so the process would stay that much larger for as long as it runs.

use std::time::Duration;

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
    use super::give_back_freed_memory;

    #[test]
    fn freed_holes_between_live_allocations_go_back_to_the_system() {
        // Resident memory of this process, in bytes.
        let resident = || -> u64 {
            let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
            let pages: u64 = statm.split_whitespace().nth(1).expect("resident field").parse().expect("a number");
            // SAFETY: sysconf only reads a system constant.
            let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            pages * u64::try_from(page).expect("a page size")
        };
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
