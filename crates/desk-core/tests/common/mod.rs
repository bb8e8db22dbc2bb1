//! Shared setup: a simulator over real TLS, and a desk with an in-memory secret
//! store and a throwaway config dir.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::sync::Arc;
use std::time::Duration;

use desk_core::{
    Connection, Desk, DeskConfig, Environment, InMemoryClipboard, InMemoryStore, KeychainError, NewConnection,
    SecretStore,
};
use marketplace_api::{ApiSecret, Client};
use marketplace_sim::{AccountKind, SimConfig, SimHandle};

pub use test_support::quick_retries;

/// A simulator, a desk and everything the tests look at afterwards.
pub struct World {
    pub sim: SimHandle,
    pub desk: Desk,
    pub secrets: Arc<InMemoryStore>,
    pub clipboard: Arc<InMemoryClipboard>,
    pub config_dir: tempfile::TempDir,
}

impl World {
    /// A simulator with `tokens_per_account` tokens per account and a desk with no connections.
    pub async fn new(tokens_per_account: usize) -> Self {
        let sim = marketplace_sim::start(SimConfig { tokens_per_account, ..SimConfig::default() })
            .await
            .expect("the simulator starts");
        Self::with_sim(sim).await
    }

    /// A desk with no connections, over a simulator the test configured.
    pub async fn with_sim(sim: SimHandle) -> Self {
        let secrets = Arc::new(InMemoryStore::new());
        let clipboard = Arc::new(InMemoryClipboard::default());
        let config_dir = tempfile::tempdir().expect("temp dir");
        let desk = desk_with_clipboard(config_dir.path(), secrets.clone(), clipboard.clone());
        Self { sim, desk, secrets, clipboard, config_dir }
    }

    /// The form a user fills in to connect as `kind`'s admin.
    pub fn new_connection(&self, kind: AccountKind) -> NewConnection {
        NewConnection {
            environment: Environment::Custom { url: self.sim.base_url().to_owned() },
            label: format!("{} admin", kind.as_str()),
            secret: ApiSecret::new(self.sim.admin_secret(kind)),
            ca_certificate_pem: Some(self.sim.ca_pem().to_owned()),
        }
    }

    /// Connects as `kind`'s admin.
    pub async fn connect(&self, kind: AccountKind) -> Connection {
        self.desk.add_connection(self.new_connection(kind)).await.expect("the admin token connects")
    }

    /// A client of the simulator as `kind`'s admin, to look behind the desk's back.
    pub fn admin_client(&self, kind: AccountKind) -> Client {
        test_support::admin_client(&self.sim, kind)
    }

    /// The text of every file in the config dir.
    pub fn config_files_text(&self) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.config_dir.path()).expect("config dir").flatten() {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap_or_default()));
        }
        text
    }
}

/// A desk over `config_dir` and `secrets`, retrying quickly, with a clipboard of its own.
pub fn desk_with(config_dir: &std::path::Path, secrets: Arc<dyn SecretStore>) -> Desk {
    desk_with_clipboard(config_dir, secrets, Arc::new(InMemoryClipboard::default()))
}

/// A desk over `config_dir`, `secrets` and `clipboard`, retrying quickly.
pub fn desk_with_clipboard(
    config_dir: &std::path::Path,
    secrets: Arc<dyn SecretStore>,
    clipboard: Arc<InMemoryClipboard>,
) -> Desk {
    let mut config = DeskConfig::new(config_dir, "0.0.0-test");
    config.retry = quick_retries();
    Desk::open(config, secrets).with_clipboard(clipboard).expect("a clipboard")
}

/// A desk over `config_dir` and `secrets` whose time is `clock`'s.
pub fn desk_at(
    config_dir: &std::path::Path,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<desk_core::clock::ManualClock>,
) -> Desk {
    let mut config = DeskConfig::new(config_dir, "0.0.0-test");
    config.retry = quick_retries();
    config.clock = clock;
    Desk::open(config, secrets).with_clipboard(Arc::new(InMemoryClipboard::default())).expect("a clipboard")
}

/// Noon UTC on 2026-11-30: far from midnight in most time zones, so "today" is one day wherever the test runs.
pub fn noon() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").expect("a time").with_timezone(&chrono::Utc)
}

/// A keychain whose saves can be made to fail (a locked keychain) or to wait
/// (an unanswered unlock prompt); reads and deletes work as usual.
#[derive(Default)]
pub struct TroubledSaves {
    pub inner: InMemoryStore,
    /// Saves fail while set.
    pub fail: std::sync::atomic::AtomicBool,
    /// Saves wait while set.
    pub stall: std::sync::atomic::AtomicBool,
    /// How many saves landed.
    pub saves: std::sync::atomic::AtomicUsize,
    /// How many reads were made.
    pub reads: std::sync::atomic::AtomicUsize,
}

impl SecretStore for TroubledSaves {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        use std::sync::atomic::Ordering;
        while self.stall.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
        }
        if self.fail.load(Ordering::SeqCst) {
            return Err(KeychainError::Unavailable { detail: "the keychain is locked".into() });
        }
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.save(key, secret)
    }
    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.load(key)
    }
    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.inner.delete(key)
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        self.inner.keys()
    }
}
