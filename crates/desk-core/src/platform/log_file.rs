//! The app's log file: readable by the user only, and rotated by size so it
//! never grows without bound (one previous file is kept, `<name>.1`).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Size after which the log starts afresh.
pub const LOG_LIMIT_BYTES: u64 = 5 * 1024 * 1024;

/// An append-only log file that rotates itself.
#[derive(Debug)]
pub struct LogFile {
    path: PathBuf,
    limit: u64,
    file: File,
    written: u64,
}

impl LogFile {
    /// Opens (or creates) the log at `path`, private to the user, rotating it
    /// first when it is already past `limit` bytes.
    pub fn open(path: impl Into<PathBuf>, limit: u64) -> io::Result<Self> {
        let path = path.into();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if std::fs::metadata(&path).is_ok_and(|meta| meta.len() >= limit) {
            // Tightened first: an older log readable by others must not stay so as `.1`.
            drop(open_private(&path)?);
            std::fs::rename(&path, rotated(&path))?;
        }
        let file = open_private(&path)?;
        let written = file.metadata()?.len();
        Ok(Self { path, limit, file, written })
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        std::fs::rename(&self.path, rotated(&self.path))?;
        self.file = open_private(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.limit {
            self.rotate()?;
        }
        let count = self.file.write(buf)?;
        self.written += count as u64;
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn rotated(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".1");
    path.with_file_name(name)
}

/// Opens `path` for appending, created 0600 and tightened to 0600 if it
/// already existed with wider permissions.
fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_private_and_rotates_past_its_limit() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("logs").join("token-desk.log");
        let mut log = LogFile::open(&path, 100).expect("opened");
        // The logger writes whole lines; rotation happens between them.
        for n in 0..5 {
            log.write_all(format!("line {n} {}\n", "x".repeat(30)).as_bytes()).expect("written");
        }
        log.flush().expect("flushed");
        let current = std::fs::read_to_string(&path).expect("current");
        let previous = std::fs::read_to_string(dir.path().join("logs").join("token-desk.log.1")).expect("previous");
        assert!(current.len() <= 100 && previous.len() <= 100, "neither grows past the limit");
        assert!(current.contains("line 4") && !current.contains("line 0"), "the newest lines are current: {current}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "only the user may read the log");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_log_readable_by_others_is_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("token-desk.log");
        std::fs::write(&path, b"old\n").expect("old log");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let _log = LogFile::open(&path, 1000).expect("opened");
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}
