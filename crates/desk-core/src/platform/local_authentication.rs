//! Who is at the keyboard, asked of macOS's LocalAuthentication: Touch ID or
//! the login password (`LAPolicy::DeviceOwnerAuthentication`), in the
//! system's own sheet.
//!
//! Built by the CI workflow's macOS job only; no test here can run it (see
//! docs/security.md for what that leaves unproven).

// Which of objc2's generated methods are `unsafe` changes between versions.
#![allow(unused_unsafe)]

use std::sync::Mutex;

use block2::RcBlock;
use objc2::runtime::Bool;
use objc2_foundation::{NSError, NSString};
use objc2_local_authentication::{LAContext, LAPolicy};

use crate::lock::{Presence, PresenceCheck};

/// `LAError` codes that mean the person said no or walked away, not that the
/// check cannot be made: authenticationFailed, userCancel, userFallback,
/// systemCancel, appCancel.
const REFUSALS: [isize; 5] = [-1, -2, -3, -4, -9];

/// LocalAuthentication, with its reply sent back from the framework's queue.
#[derive(Debug, Default, Clone)]
pub struct LocalAuthentication;

impl PresenceCheck for LocalAuthentication {
    fn confirm<'a>(&'a self, why: &'a str) -> futures::future::BoxFuture<'a, Presence> {
        let why = why.to_owned();
        // The context is not Send: it lives, and is waited for, on a blocking thread of its own.
        Box::pin(async move {
            tokio::task::spawn_blocking(move || ask(&why))
                .await
                .unwrap_or_else(|_| Presence::Unavailable("macOS gave no answer".into()))
        })
    }
}

/// Asks, and waits on this thread until the system's sheet is answered.
fn ask(why: &str) -> Presence {
    // SAFETY: a fresh context, owned here; `new` has no preconditions.
    let context = unsafe { LAContext::new() };
    let policy = LAPolicy::DeviceOwnerAuthentication;
    // SAFETY: a valid context and policy; called outside any reply block, as the docs require.
    if let Err(error) = unsafe { context.canEvaluatePolicy_error(policy) } {
        // SAFETY: a valid NSError the framework returned.
        let reason = unsafe { error.localizedDescription() }.to_string();
        return Presence::Unavailable(format!("macOS cannot check who you are here ({reason})"));
    }
    let (sender, receiver) = std::sync::mpsc::channel::<Presence>();
    // The reply runs once, on a queue of the framework's; Fn, so the sender is taken out.
    let sender = Mutex::new(Some(sender));
    let reply = RcBlock::new(move |success: Bool, error: *mut NSError| {
        let presence = if success.as_bool() {
            Presence::Confirmed
        } else {
            // SAFETY: the framework passes a valid NSError or null, alive while the block runs.
            let error = unsafe { error.as_ref() };
            // SAFETY: `error` is a valid NSError (above).
            let code = error.map(|error| unsafe { error.code() });
            // SAFETY: `error` is a valid NSError (above).
            let said = error.map(|error| unsafe { error.localizedDescription() }.to_string());
            match (code, said) {
                (Some(code), _) if REFUSALS.contains(&code) => Presence::Refused,
                (_, Some(said)) => Presence::Unavailable(format!("macOS could not check who you are ({said})")),
                _ => Presence::Refused,
            }
        };
        if let Some(sender) = sender.lock().ok().and_then(|mut slot| slot.take()) {
            let _ = sender.send(presence);
        }
    });
    // SAFETY: a valid context, policy, reason and block; the framework copies the block.
    unsafe { context.evaluatePolicy_localizedReason_reply(policy, &NSString::from_str(why), &reply) };
    // The context stays alive (held here) until the answer comes.
    let answer = receiver.recv().unwrap_or_else(|_| Presence::Unavailable("macOS gave no answer".into()));
    drop(context);
    answer
}
