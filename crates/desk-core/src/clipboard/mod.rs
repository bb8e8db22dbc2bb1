//! Clipboard hygiene for copied token values.
//!
//! A copied value is written with the platform's "keep out of history" hint
//! (unless the user allows history), cleared after a delay only if the
//! clipboard still holds that exact value, and cleared when the app quits and
//! when the connection it came from is removed. A new copy replaces the old
//! timer. What is remembered of a value is a keyed digest (HMAC-SHA-256 under a
//! key made fresh each run), never the value itself.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ring::hmac;
use ring::rand::SystemRandom;
use serde::Serialize;
use tokio::sync::broadcast;
use zeroize::Zeroizing;

use crate::error::{DeskError, ErrorKind};
use crate::events::DeskEvent;

pub(crate) mod status;

pub use status::ClipboardStatus;

/// The system clipboard, as the desk needs it. Calls may block (X11, D-Bus):
/// the guard runs them on the blocking pool.
pub trait SystemClipboard: Send + Sync {
    /// Replaces the clipboard's content with `text`; `keep_out_of_history`
    /// asks clipboard managers and the OS history not to keep it.
    fn write(&self, text: &str, keep_out_of_history: bool) -> Result<(), String>;
    /// The clipboard's text now; `None` when it is empty or holds no text.
    fn read(&self) -> Result<Option<String>, String>;
    /// Empties the clipboard.
    fn clear(&self) -> Result<(), String>;
}

/// What a copy did, for the window's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyReceipt {
    /// What is on the clipboard now, in words ("the curl command for Billing export").
    pub copied: String,
    /// When Token Desk will clear it (milliseconds since the Unix epoch);
    /// `None` when it will not (not secret, or clearing is off).
    #[specta(type = Option<f64>)]
    pub clears_at_ms: Option<u64>,
}

/// A secret that was copied: enough to recognise it, nothing to reveal it.
struct Held {
    digest: Vec<u8>,
    connection_id: String,
    generation: u64,
}

/// Writes secrets to the clipboard and takes them back off in time.
pub struct ClipboardGuard {
    clipboard: Arc<dyn SystemClipboard>,
    key: hmac::Key,
    held: Mutex<Option<Held>>,
    generations: AtomicU64,
    events: broadcast::Sender<DeskEvent>,
    /// Where "now" comes from, for when a copy will be cleared.
    clock: Arc<dyn crate::clock::Clock>,
    /// Taken for every write, and for every read-compare-clear: two copies at
    /// once, or a timer firing during a copy, can never leave the clipboard
    /// holding one secret while `held` describes another.
    turn: tokio::sync::Mutex<()>,
    /// Whether the desktop's clipboard can be used: unknown until asked, then
    /// kept current by every write (`Some(why)` when it cannot).
    problem: Mutex<Option<Option<String>>>,
}

impl ClipboardGuard {
    /// A guard over `clipboard` that reports changes on `events`, its time from `clock`.
    pub fn new(
        clipboard: Arc<dyn SystemClipboard>,
        events: broadcast::Sender<DeskEvent>,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> Result<Self, DeskError> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            .map_err(|_| DeskError::internal("no randomness for the clipboard's digest key"))?;
        let turn = tokio::sync::Mutex::new(());
        Ok(Self {
            clipboard,
            key,
            held: Mutex::new(None),
            generations: AtomicU64::new(0),
            events,
            clock,
            turn,
            problem: Mutex::new(None),
        })
    }

    fn held(&self) -> MutexGuard<'_, Option<Held>> {
        // Every critical section leaves the state whole: a poisoned lock is still usable.
        self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn digest(&self, text: &str) -> Vec<u8> {
        hmac::sign(&self.key, text.as_bytes()).as_ref().to_vec()
    }

    /// Copies a secret that came from `connection_id`, described as `what`,
    /// and clears it after `clear_after` if it is still there.
    pub async fn copy_secret(
        self: &Arc<Self>,
        text: Zeroizing<String>,
        what: String,
        connection_id: &str,
        clear_after: Option<Duration>,
        keep_out_of_history: bool,
    ) -> Result<ClipboardStatus, DeskError> {
        let digest = self.digest(&text);
        let _turn = self.turn.lock().await;
        self.write(text, keep_out_of_history).await?;
        let generation = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
        *self.held() = Some(Held { digest, connection_id: connection_id.to_owned(), generation });
        let now_ms = crate::clock::epoch_ms(self.clock.now());
        let clears_at_ms = clear_after.map(|delay| now_ms.saturating_add(delay.as_millis() as u64));
        // Still under the lock: a clear cannot announce "empty" before this
        // copy's "holding", which would leave the window showing a stale notice.
        if let Some(delay) = clear_after {
            let guard = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                if let Err(error) = guard.clear_generation(generation).await {
                    tracing::warn!("could not clear the clipboard after the delay: {error}");
                }
            });
        }
        let status = ClipboardStatus { holding: Some(what), clears_at_ms };
        let _ = self.events.send(DeskEvent::ClipboardChanged(status.clone()));
        Ok(status)
    }

    /// Copies text that is not secret (a token's id): no timer, and any copied
    /// secret it replaces is forgotten.
    pub async fn copy_plain(&self, text: String) -> Result<(), DeskError> {
        let _turn = self.turn.lock().await;
        self.write(Zeroizing::new(text), false).await?;
        if self.held().take().is_some() {
            let _ = self.events.send(DeskEvent::ClipboardChanged(ClipboardStatus::empty()));
        }
        Ok(())
    }

    /// Clears the clipboard if it still holds the last copied secret; true when it did.
    pub async fn clear_if_ours(&self) -> Result<bool, DeskError> {
        self.clear_matching(|_| true).await
    }

    /// Clears the clipboard if it still holds a secret copied from `connection_id`.
    pub async fn clear_if_from(&self, connection_id: &str) -> Result<bool, DeskError> {
        self.clear_matching(|held| held.connection_id == connection_id).await
    }

    async fn clear_generation(&self, generation: u64) -> Result<bool, DeskError> {
        self.clear_matching(|held| held.generation == generation).await
    }

    async fn clear_matching(&self, wanted: impl Fn(&Held) -> bool) -> Result<bool, DeskError> {
        let _turn = self.turn.lock().await;
        let digest = match self.held().as_ref() {
            Some(held) if wanted(held) => held.digest.clone(),
            _ => return Ok(false),
        };
        let clipboard = Arc::clone(&self.clipboard);
        let key = self.key.clone();
        let cleared = blocking(move || {
            // What the clipboard holds may be the secret itself: wiped once compared.
            let now = clipboard.read()?.map(Zeroizing::new);
            let still_ours = now.is_some_and(|now| hmac::verify(&key, now.as_bytes(), &digest).is_ok());
            if still_ours {
                clipboard.clear()?;
            }
            Ok(still_ours)
        })
        .await?;
        // Cleared, or replaced by someone else: either way it is no longer ours to clear.
        let forgotten = {
            let mut held = self.held();
            let current = held.as_ref().is_some_and(&wanted);
            if current {
                *held = None;
            }
            current
        };
        if forgotten {
            let _ = self.events.send(DeskEvent::ClipboardChanged(ClipboardStatus::empty()));
        }
        if cleared {
            tracing::info!("copied token value cleared from the clipboard");
        }
        Ok(cleared)
    }

    async fn write(&self, text: Zeroizing<String>, keep_out_of_history: bool) -> Result<(), DeskError> {
        let clipboard = Arc::clone(&self.clipboard);
        let written = blocking(move || clipboard.write(&text, keep_out_of_history)).await;
        let problem = written.as_ref().err().filter(|error| error.kind == ErrorKind::Clipboard);
        *self.problem_slot() = Some(problem.map(|error| error.message.clone()));
        written
    }

    fn problem_slot(&self) -> MutexGuard<'_, Option<Option<String>>> {
        self.problem.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Why the desktop's clipboard cannot be used, if it cannot: asked once
    /// with a read (whose text is wiped unseen), then known from every copy.
    /// Only a clipboard that cannot be reached at all counts: a read that
    /// failed once (an owner slow to answer) is no reason to warn.
    pub async fn problem(&self) -> Option<String> {
        if let Some(known) = self.problem_slot().clone() {
            return known;
        }
        let clipboard = Arc::clone(&self.clipboard);
        let probed = tokio::task::spawn_blocking(move || clipboard.read().map(|text| drop(text.map(Zeroizing::new))))
            .await
            .unwrap_or(Ok(()));
        let problem = match probed {
            Ok(()) => None,
            Err(error) => {
                tracing::info!("the clipboard could not be read at start: {error}");
                unreachable_clipboard(&error).then(|| clipboard_problem(&error))
            }
        };
        *self.problem_slot() = Some(problem.clone());
        problem
    }
}

/// Runs a clipboard call on the blocking pool.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, DeskError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            // The library's words stay in the log; the window gets a sentence a person can act on.
            tracing::warn!("the clipboard call failed: {error}");
            Err(DeskError::new(ErrorKind::Clipboard, clipboard_problem(&error)))
        }
        Err(join) => Err(DeskError::internal(format!("the clipboard call did not finish ({join})"))),
    }
}

/// What a failed clipboard call means, in words. On Linux the clipboard is
/// X11's (Xwayland's, on a Wayland desktop) unless the compositor offers the
/// Wayland data-control protocol, which GNOME does not: a session with
/// neither has no clipboard any program outside the compositor can use.
pub(crate) fn clipboard_problem(library_text: &str) -> String {
    if unreachable_clipboard(library_text) {
        "Token Desk could not reach the desktop's clipboard. On Linux it needs X11 (Xwayland, which GNOME and KDE \
         start for you) or a Wayland desktop that offers clipboard access to apps; this session has neither. Log in \
         to a regular desktop session, or use Show and select the value by hand."
            .to_owned()
    } else {
        "The desktop's clipboard did not take the text. Try again; if it keeps failing, close any clipboard \
         manager that may be holding it."
            .to_owned()
    }
}

/// Whether a clipboard library's failure says the clipboard cannot be reached
/// at all (no display server to talk to), rather than that it was busy.
fn unreachable_clipboard(library_text: &str) -> bool {
    let text = library_text.to_ascii_lowercase();
    ["x11", "display", "connection", "timed out", "wayland", "not supported"].iter().any(|sign| text.contains(sign))
}

/// A clipboard in memory, for tests of the desk (the shell has the real one).
#[derive(Default)]
pub struct InMemoryClipboard {
    content: Mutex<Option<(String, bool)>>,
}

impl InMemoryClipboard {
    /// What it holds, and whether it was written with the secret hint.
    pub fn content(&self) -> Option<(String, bool)> {
        self.content.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Another program puts `text` on the clipboard.
    pub fn replace_from_elsewhere(&self, text: &str) {
        *self.content.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((text.to_owned(), false));
    }
}

impl SystemClipboard for InMemoryClipboard {
    fn write(&self, text: &str, keep_out_of_history: bool) -> Result<(), String> {
        *self.content.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((text.to_owned(), keep_out_of_history));
        Ok(())
    }

    fn read(&self) -> Result<Option<String>, String> {
        Ok(self.content().map(|(text, _)| text))
    }

    fn clear(&self) -> Result<(), String> {
        *self.content.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> (Arc<ClipboardGuard>, Arc<InMemoryClipboard>, broadcast::Receiver<DeskEvent>) {
        let clipboard = Arc::new(InMemoryClipboard::default());
        let (events, listener) = broadcast::channel(16);
        let guard =
            ClipboardGuard::new(clipboard.clone(), events, Arc::new(crate::clock::SystemClock)).expect("a guard");
        (Arc::new(guard), clipboard, listener)
    }

    const SECOND: Duration = Duration::from_secs(1);

    /// A clipboard whose every call fails with `0`.
    struct Failing(&'static str);

    impl SystemClipboard for Failing {
        fn write(&self, _: &str, _: bool) -> Result<(), String> {
            Err(self.0.to_owned())
        }
        fn read(&self) -> Result<Option<String>, String> {
            Err(self.0.to_owned())
        }
        fn clear(&self) -> Result<(), String> {
            Err(self.0.to_owned())
        }
    }

    fn guard_over(clipboard: Failing) -> ClipboardGuard {
        let (events, _) = broadcast::channel(4);
        ClipboardGuard::new(Arc::new(clipboard), events, Arc::new(crate::clock::SystemClock)).expect("a guard")
    }

    #[tokio::test]
    async fn only_a_clipboard_out_of_reach_is_told_up_front_not_a_busy_one() {
        let unreachable = guard_over(Failing("X11 server connection timed out because it was unreachable"));
        assert!(unreachable.problem().await.is_some_and(|why| why.contains("could not reach")));
        let busy = guard_over(Failing("The clipboard is occupied by another program"));
        assert_eq!(busy.problem().await, None, "a busy clipboard at start is no reason to warn");
        // A copy then tells the truth, whatever the probe said.
        let copied = busy.copy_plain("TKN-1111-1111".into()).await;
        assert_eq!(copied.expect_err("refused").kind, ErrorKind::Clipboard);
        assert!(busy.problem().await.is_some(), "known from the failed copy");
    }

    #[test]
    fn a_library_failure_becomes_a_sentence_that_says_what_the_desktop_lacks() {
        let x11 = "Unknown error while interacting with the clipboard: X11 server connection timed out because it was \
                   unreachable. Please report this";
        let said = clipboard_problem(x11);
        assert!(said.contains("needs X11 (Xwayland"), "{said}");
        assert!(!said.contains("Please report"), "{said}");
        assert!(clipboard_problem("The clipboard is occupied").contains("Try again"));
    }

    fn secret(text: &str) -> Zeroizing<String> {
        Zeroizing::new(text.to_owned())
    }

    #[tokio::test(start_paused = true)]
    async fn a_copied_value_is_cleared_after_the_delay_and_not_before() {
        let (guard, clipboard, _) = guard();
        let status = guard
            .copy_secret(secret("idt:TKN-1111-1111:first"), "the value of A".into(), "c1", Some(20 * SECOND), true)
            .await
            .expect("copied");
        assert_eq!(status.holding.as_deref(), Some("the value of A"));
        assert_eq!(clipboard.content(), Some(("idt:TKN-1111-1111:first".into(), true)), "written as a secret");
        tokio::time::sleep(19 * SECOND).await;
        assert!(clipboard.content().is_some(), "still there before the delay");
        tokio::time::sleep(2 * SECOND).await;
        assert_eq!(clipboard.content(), None, "cleared after the delay");
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_copy_replaces_the_old_timer() {
        let (guard, clipboard, _) = guard();
        guard
            .copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", Some(20 * SECOND), true)
            .await
            .expect("1");
        tokio::time::sleep(15 * SECOND).await;
        guard
            .copy_secret(secret("idt:TKN-2222-2222:second"), "B".into(), "c1", Some(20 * SECOND), true)
            .await
            .expect("2");
        tokio::time::sleep(10 * SECOND).await;
        assert_eq!(
            clipboard.content().map(|(text, _)| text).as_deref(),
            Some("idt:TKN-2222-2222:second"),
            "the first timer did not clear the second value"
        );
        tokio::time::sleep(11 * SECOND).await;
        assert_eq!(clipboard.content(), None, "the second timer cleared it");
    }

    #[tokio::test(start_paused = true)]
    async fn what_another_program_copied_survives_the_timer() {
        let (guard, clipboard, mut events) = guard();
        guard
            .copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", Some(5 * SECOND), true)
            .await
            .expect("copied");
        clipboard.replace_from_elsewhere("a shopping list");
        tokio::time::sleep(6 * SECOND).await;
        assert_eq!(clipboard.content().map(|(text, _)| text).as_deref(), Some("a shopping list"));
        let mut last = None;
        while let Ok(DeskEvent::ClipboardChanged(status)) = events.try_recv() {
            last = Some(status);
        }
        assert_eq!(last, Some(ClipboardStatus::empty()), "the UI hears it is no longer ours");
    }

    #[tokio::test(start_paused = true)]
    async fn no_delay_means_no_clearing_until_asked() {
        let (guard, clipboard, _) = guard();
        guard.copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", None, false).await.expect("copied");
        tokio::time::sleep(3600 * SECOND).await;
        assert_eq!(clipboard.content(), Some(("idt:TKN-1111-1111:first".into(), false)), "history allowed: no hint");
        assert!(guard.clear_if_ours().await.expect("cleared"));
        assert_eq!(clipboard.content(), None);
        assert!(!guard.clear_if_ours().await.expect("nothing left"), "a second clear finds nothing of ours");
    }

    #[tokio::test(start_paused = true)]
    async fn removing_a_connection_clears_only_its_value() {
        let (guard, clipboard, _) = guard();
        guard.copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", None, true).await.expect("copied");
        assert!(!guard.clear_if_from("c2").await.expect("other connection"));
        assert!(clipboard.content().is_some());
        assert!(guard.clear_if_from("c1").await.expect("its connection"));
        assert_eq!(clipboard.content(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn copies_at_the_same_moment_leave_what_is_on_the_clipboard_cleared_in_time() {
        let (guard, clipboard, _) = guard();
        for _ in 0..20 {
            let first = guard.copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", Some(5 * SECOND), true);
            let second =
                guard.copy_secret(secret("idt:TKN-2222-2222:second"), "B".into(), "c1", Some(5 * SECOND), true);
            let (first, second) = tokio::join!(first, second);
            first.expect("first copy");
            second.expect("second copy");
            assert!(clipboard.content().is_some());
            tokio::time::sleep(6 * SECOND).await;
            assert_eq!(clipboard.content(), None, "whichever copy won, its timer cleared it");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_plain_copy_has_no_timer_and_forgets_the_secret() {
        let (guard, clipboard, _) = guard();
        guard
            .copy_secret(secret("idt:TKN-1111-1111:first"), "A".into(), "c1", Some(5 * SECOND), true)
            .await
            .expect("copied");
        guard.copy_plain("TKN-1111-1111".into()).await.expect("copied the id");
        tokio::time::sleep(60 * SECOND).await;
        assert_eq!(clipboard.content(), Some(("TKN-1111-1111".into(), false)), "an id is not secret and stays");
    }
}
