//! Log output for the desktop app: human-readable lines on stderr, with every
//! Marketplace secret redacted before it is written.

use desk_core::redact::RedactingWriter;
use tracing_subscriber::EnvFilter;

/// Installs the global log subscriber. `RUST_LOG` overrides the default level.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| RedactingWriter::new(std::io::stderr()))
        .try_init();
    if installed.is_err() {
        // Only possible when embedded in a host that already set one up.
        eprintln!("token-desk: a log subscriber was already installed; keeping it");
    }
}
