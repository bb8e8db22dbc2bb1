//! What the tests of every crate share, written once: retries quick enough
//! for fault tests, a client of the simulator as one of its admins, and a
//! capture of every log line a test makes. A dev-dependency only.

#![allow(clippy::expect_used, reason = "test support states its expectations by panicking")]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marketplace_api::{ApiSecret, Client, ClientConfig, RetryPolicy};
use marketplace_sim::{AccountKind, SimHandle};

/// Quick retries: fault tests stay fast while still exercising the policy.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        max_elapsed: Duration::from_secs(10),
    }
}

/// A client of `sim` as `kind`'s admin, trusting its CA, with quick retries:
/// for looking behind the back of what is under test.
pub fn admin_client(sim: &SimHandle, kind: AccountKind) -> Client {
    let mut config =
        ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(kind))).with_extra_ca_pem(sim.ca_pem());
    config.retry = quick_retries();
    Client::new(config).expect("a client of the simulator")
}

/// Every log line written while it is installed, as text.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Captures every event of the current thread (all levels, no colours)
    /// until the returned guard is dropped.
    pub fn for_this_thread() -> (Self, tracing::subscriber::DefaultGuard) {
        let capture = Self::default();
        let guard = tracing::subscriber::set_default(capture.subscriber());
        (capture, guard)
    }

    /// Captures every event of the process, for good (once per test binary).
    pub fn for_the_process() -> Self {
        let capture = Self::default();
        tracing::subscriber::set_global_default(capture.subscriber()).expect("no other global subscriber");
        capture
    }

    /// What was logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())).into_owned()
    }

    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + use<> {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
    }
}

impl Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
