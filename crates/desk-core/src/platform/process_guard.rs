//! Keeping secrets out of crash dumps: the release build aborts on panic, and
//! an abort would write a core file holding whatever secrets were in memory.
//! At start-up the process makes itself non-dumpable (no core file, and no
//! ptrace attach by other same-user processes that lack the capability) and
//! sets its core size limit to zero.

/// Makes the process non-dumpable and sets its core limit to zero; returns
/// what could not be done, for the log. Call once, first thing in `main`.
#[cfg(target_os = "linux")]
pub fn forbid_core_dumps() -> Result<(), String> {
    let mut problems = Vec::new();
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes this process's flag.
    if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
        problems.push(format!("PR_SET_DUMPABLE: {}", std::io::Error::last_os_error()));
    }
    let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit reads the struct we pass and changes this process's limit.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
        problems.push(format!("RLIMIT_CORE: {}", std::io::Error::last_os_error()));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// Other Unix systems: the core limit only.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn forbid_core_dumps() -> Result<(), String> {
    let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit reads the struct we pass and changes this process's limit.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
        return Err(format!("RLIMIT_CORE: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Windows writes no core files. Its crash dumps go through Windows Error
/// Reporting, which Token Desk does not configure (a known gap).
#[cfg(not(unix))]
pub fn forbid_core_dumps() -> Result<(), String> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn after_it_the_process_writes_no_core_and_cannot_be_dumped() {
        forbid_core_dumps().expect("allowed for an unprivileged process too");
        // SAFETY: a read-only query of this process's flag.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0, "not dumpable");
        let limits = std::fs::read_to_string("/proc/self/limits").expect("limits");
        let core = limits.lines().find(|line| line.starts_with("Max core file size")).expect("the core line");
        let numbers: Vec<&str> = core.split_whitespace().skip(4).take(2).collect();
        assert_eq!(numbers, ["0", "0"], "soft and hard core limits are zero: {core}");
    }
}
