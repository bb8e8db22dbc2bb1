//! How the desk calls the keychain: on the blocking pool, within a time limit,
//! and never more than one call in flight per purpose.
//!
//! A keychain call may wait on an unlock prompt for as long as the user leaves
//! it. Past the time limit the caller is told to look for the prompt, but the
//! call itself cannot be cancelled: its thread stays parked until the prompt is
//! answered. Without a limit per purpose, a schedule that reads a secret every
//! minute would park one more thread a minute. Here the next call of the same
//! purpose waits (within its own limit) for the parked one instead of starting
//! another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::connections::keychain::KeychainError;
use crate::error::DeskError;

/// What a keychain call is for: calls of one purpose run one at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Purpose {
    /// Reading the entry under a key.
    Read(String),
    /// Saving or deleting the entry under a key (changes land in order).
    Change(String),
    /// Listing every entry.
    List,
}

/// A call that ran out of time and is still running: its answer, when it comes.
pub(crate) type LateCall<T> = tokio::task::JoinHandle<Result<T, KeychainError>>;

/// How a call ended within the time limit, or that it did not.
pub(crate) enum Finished<T> {
    /// It answered in time.
    InTime(Result<T, DeskError>),
    /// It is still running (an unlock prompt, usually); here is its handle,
    /// for a caller that must act on a late answer. `None` when it never
    /// started because the same purpose's earlier call is still parked.
    Late(Option<LateCall<T>>),
}

/// The keychain's time limit and its lanes, one per purpose.
pub(crate) struct KeychainCalls {
    limit: Duration,
    lanes: Mutex<HashMap<Purpose, Arc<tokio::sync::Mutex<()>>>>,
}

impl KeychainCalls {
    /// Calls that each get `limit` before the user is pointed to a prompt.
    pub(crate) fn new(limit: Duration) -> Self {
        Self { limit, lanes: Mutex::new(HashMap::new()) }
    }

    /// The error a call that ran out of time answers.
    pub(crate) fn stalled(&self) -> DeskError {
        DeskError::from(KeychainError::Stalled { seconds: self.limit.as_secs().max(1) })
    }

    /// Runs `call` for `purpose`, answering within the time limit.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        purpose: Purpose,
        call: impl FnOnce() -> Result<T, KeychainError> + Send + 'static,
    ) -> Result<T, DeskError> {
        match self.start(purpose, call).await {
            Finished::InTime(result) => result,
            Finished::Late(_) => Err(self.stalled()),
        }
    }

    /// Runs `call` for `purpose` and says whether it answered in time; a late
    /// call's handle comes back for the caller to act on its answer.
    pub(crate) async fn start<T: Send + 'static>(
        &self,
        purpose: Purpose,
        call: impl FnOnce() -> Result<T, KeychainError> + Send + 'static,
    ) -> Finished<T> {
        let deadline = tokio::time::Instant::now() + self.limit;
        let lane = self.lane(purpose);
        // The lane is held by the blocking thread itself, so it stays taken for
        // as long as a timed-out call is parked.
        let Ok(turn) = tokio::time::timeout_at(deadline, lane.lock_owned()).await else {
            return Finished::Late(None);
        };
        let mut handle = tokio::task::spawn_blocking(move || {
            let result = call();
            drop(turn);
            result
        });
        match tokio::time::timeout_at(deadline, &mut handle).await {
            Ok(Ok(result)) => Finished::InTime(result.map_err(DeskError::from)),
            Ok(Err(join_error)) => {
                Finished::InTime(Err(DeskError::internal(format!("the keychain call did not finish ({join_error})"))))
            }
            Err(_) => Finished::Late(Some(handle)),
        }
    }

    fn lane(&self, purpose: Purpose) -> Arc<tokio::sync::Mutex<()>> {
        let mut lanes = self.lanes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(lanes.entry(purpose).or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_parked_call_is_not_joined_by_another_of_its_purpose() {
        let calls = KeychainCalls::new(Duration::from_millis(100));
        let started = Arc::new(AtomicUsize::new(0));
        let (release, parked) = std::sync::mpsc::channel::<()>();
        let first = {
            let started = Arc::clone(&started);
            calls.run(Purpose::Read("c1".into()), move || {
                started.fetch_add(1, Ordering::SeqCst);
                let _ = parked.recv();
                Ok(1)
            })
        };
        let error = first.await.expect_err("the first call runs out of time");
        assert!(error.message.contains("did not answer"), "{}", error.message);

        // A minute later, the schedule asks again: no second thread is parked.
        for _ in 0..3 {
            let started = Arc::clone(&started);
            let again = calls
                .run(Purpose::Read("c1".into()), move || {
                    started.fetch_add(1, Ordering::SeqCst);
                    Ok(2)
                })
                .await;
            assert!(again.is_err(), "it waits for the parked call, then gives up");
        }
        assert_eq!(started.load(Ordering::SeqCst), 1, "only the first call ever started");

        // Another purpose is not held up.
        let other = calls.run(Purpose::Read("c2".into()), || Ok(3)).await.expect("another entry");
        assert_eq!(other, 3);

        // Once the prompt is answered, the purpose runs again.
        release.send(()).expect("released");
        let mut answered = None;
        for _ in 0..50 {
            if let Ok(value) = calls.run(Purpose::Read("c1".into()), || Ok(4)).await {
                answered = Some(value);
                break;
            }
        }
        assert_eq!(answered, Some(4));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_late_call_hands_over_its_answer() {
        let calls = KeychainCalls::new(Duration::from_millis(50));
        let (release, parked) = std::sync::mpsc::channel::<()>();
        let finished = calls
            .start(Purpose::Change("c1".into()), move || {
                let _ = parked.recv();
                Ok("saved")
            })
            .await;
        let handle = match finished {
            Finished::Late(handle) => handle,
            Finished::InTime(_) => None,
        }
        .expect("the call should be late, and started");
        release.send(()).expect("released");
        assert_eq!(handle.await.expect("joined").expect("saved"), "saved");
    }
}
