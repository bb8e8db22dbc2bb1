//! Log output for the desktop app: human-readable lines on stderr and in
//! `token-desk.log` in the app's log dir (private to the user, rotated by
//! size), with every Marketplace secret redacted before it is written anywhere.

use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use desk_core::RedactingWriter;
use desk_core::log_file::{LOG_LIMIT_BYTES, LogFile};
use tracing_subscriber::EnvFilter;

/// The log file's name inside the app's log dir.
pub const LOG_FILE_NAME: &str = "token-desk.log";

/// Installs the global log subscriber. `RUST_LOG` overrides the default level.
///
/// Without a usable log dir the app still logs to stderr and says why the file
/// is missing: losing the file must never stop the app.
#[allow(clippy::print_stderr, reason = "before the log exists, stderr is the only place to say why")]
pub fn init(log_dir: Option<&Path>) {
    let file = log_dir.and_then(|dir| match open_log_file(dir) {
        Ok(file) => Some(Arc::new(Mutex::new(file))),
        Err(error) => {
            eprintln!("token-desk: logging to stderr only, {}: {error}", dir.display());
            None
        }
    });
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(move || RedactingWriter::new(StderrAndFile { file: file.clone() }))
        .try_init();
    if installed.is_err() {
        // Only possible when embedded in a host that already set one up.
        eprintln!("token-desk: a log subscriber was already installed; keeping it");
    }
    // A panic message can quote whatever was being handled: send it through the
    // redacting log instead of straight to stderr.
    std::panic::set_hook(Box::new(|info| tracing::error!("Token Desk panicked: {info}")));
}

fn open_log_file(dir: &Path) -> io::Result<LogFile> {
    LogFile::open(dir.join(LOG_FILE_NAME), LOG_LIMIT_BYTES)
}

/// Writes each log line to stderr and, when there is one, to the log file.
struct StderrAndFile {
    file: Option<Arc<Mutex<LogFile>>>,
}

impl Write for StderrAndFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A closed stderr (a launcher that detached it) must not lose the file line.
        let _ = io::stderr().write_all(buf);
        if let Some(file) = &self.file {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            file.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(file) = &self.file {
            file.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).flush()?;
        }
        Ok(())
    }
}
