//! The lock: Token Desk locks when its person walks away (idle, the session
//! locked, the machine suspended, or when asked), and unlocks only once the
//! system confirms who is at the keyboard (polkit on Linux). While locked,
//! what stops harm still works (disable, the panic and its restore, quit);
//! everything that shows, copies or changes a secret or a token answers a
//! `locked` error. desk-core enforces this, not the window.
//!
//! The presenting mode is the lock's lighter sibling for a shared screen:
//! Show is refused and notifications name no token, while copying works.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::storage::local_store::LocalStore;

mod actions;
pub(crate) mod status;

pub use status::{LockReason, LockStatus};

/// The file that says whether Token Desk was locked at quit.
pub(crate) const FILE_NAME: &str = "lock.json";

/// What the system answered when asked who is at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// The person proved it is them (their password, a fingerprint).
    Confirmed,
    /// They did not (a wrong password, or Cancel).
    Refused,
    /// The system cannot ask here, and why (no polkit authority or agent).
    Unavailable(String),
}

/// How Token Desk asks the system who is at the keyboard: polkit on Linux
/// (see `platform::polkit`), a fake in tests.
pub trait PresenceCheck: Send + Sync {
    /// Asks, saying `why`; may wait for the person as long as they take.
    fn confirm<'a>(&'a self, why: &'a str) -> futures::future::BoxFuture<'a, Presence>;
}

/// What is kept of the lock across a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct LockRecord {
    /// Locked at quit: the next start is locked too.
    pub(crate) locked: bool,
}

/// The lock as it stands.
#[derive(Debug, Clone)]
pub(crate) struct Now {
    pub(crate) locked: bool,
    pub(crate) reason: Option<LockReason>,
    pub(crate) presenting: bool,
    /// The last sign of the person: a key, a click, a command.
    pub(crate) last_activity: chrono::DateTime<chrono::Utc>,
}

/// What the desk keeps for the lock.
pub(crate) struct State {
    pub(crate) now: Mutex<Now>,
    /// `lock.json`: whether it was locked at quit.
    pub(crate) record: LocalStore<LockRecord>,
    /// How the system is asked who is at the keyboard; none: it cannot be.
    pub(crate) presence: Option<Arc<dyn PresenceCheck>>,
    /// How long an unlock waits for the person before it gives up.
    pub(crate) unlock_timeout: std::time::Duration,
}

impl State {
    /// The lock at start: locked when it was at quit, or when the settings say so.
    pub(crate) fn open(
        config_dir: &std::path::Path,
        lock_at_start: bool,
        now: chrono::DateTime<chrono::Utc>,
        unlock_timeout: std::time::Duration,
    ) -> Self {
        let record: LocalStore<LockRecord> = LocalStore::open_now(config_dir, FILE_NAME, "lock state");
        let was_locked = record.peek().unwrap_or_default().locked;
        let locked = was_locked || lock_at_start;
        Self {
            now: Mutex::new(Now {
                locked,
                reason: locked.then_some(LockReason::Started),
                presenting: false,
                last_activity: now,
            }),
            record,
            presence: None,
            unlock_timeout,
        }
    }

    pub(crate) fn now(&self) -> std::sync::MutexGuard<'_, Now> {
        self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn status(&self) -> LockStatus {
        let now = self.now();
        LockStatus { locked: now.locked, reason: now.reason, presenting: now.presenting }
    }
}
