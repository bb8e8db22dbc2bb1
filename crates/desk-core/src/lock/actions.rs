//! Locking, unlocking through the system, the idle timer, and the checks
//! every guarded action makes.

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::events::DeskEvent;

use super::*;

impl Desk {
    /// Whether Token Desk is locked, and the presenting mode.
    pub fn lock_status(&self) -> LockStatus {
        self.lock.status()
    }

    /// Locks Token Desk: the window hides every value (it hears a
    /// `LockChanged`), a value Token Desk copied leaves the clipboard if it is
    /// still there, and the lock is kept for the next start.
    pub async fn lock(&self, reason: LockReason) -> LockStatus {
        let changed = {
            let mut now = self.lock.now();
            let changed = !now.locked;
            now.locked = true;
            now.reason = Some(reason);
            changed
        };
        if changed {
            tracing::info!(?reason, "Token Desk locked");
            if let Err(error) = self.clear_clipboard().await {
                tracing::warn!("the clipboard could not be cleared at the lock: {}", error.message);
            }
            self.keep_lock(true).await;
        }
        let status = self.lock.status();
        self.emit(DeskEvent::LockChanged(status.clone()));
        status
    }

    /// Unlocks once the system confirms who is at the keyboard. Where it
    /// cannot ask, a plain unlock works only if the settings allow it.
    pub async fn unlock(&self) -> Result<LockStatus, DeskError> {
        if !self.lock.status().locked {
            return Ok(self.lock.status());
        }
        let presence = match &self.lock.presence {
            Some(check) => {
                let asked = check.confirm("Unlock Token Desk to see, copy and change API tokens");
                match tokio::time::timeout(self.lock.unlock_timeout, asked).await {
                    Ok(answer) => answer,
                    Err(_) => {
                        return Err(DeskError::new(
                            ErrorKind::Locked,
                            format!(
                                "Nobody answered the system's password prompt within {} s, so Token Desk stays \
                                 locked. Try again, and look for the prompt (it may be behind other windows).",
                                self.lock.unlock_timeout.as_secs()
                            ),
                        ));
                    }
                }
            }
            None => Presence::Unavailable("this system offers no way to check who is at the keyboard".into()),
        };
        match presence {
            Presence::Confirmed => {}
            Presence::Refused => {
                return Err(DeskError::new(
                    ErrorKind::Locked,
                    "The system did not confirm it is you, so Token Desk stays locked.",
                ));
            }
            Presence::Unavailable(why) if !self.settings().plain_unlock => {
                return Err(DeskError::new(
                    ErrorKind::Locked,
                    format!(
                        "Token Desk cannot ask who you are: {why}. On Linux, install and run a polkit \
                         authentication agent (your desktop normally starts one). Or, in Settings, allow a \
                         plain Unlock: it then protects against a glance, not against someone at your keyboard."
                    ),
                ));
            }
            Presence::Unavailable(why) => {
                tracing::info!("unlocked without asking the system (the settings allow it): {why}");
            }
        }
        {
            let mut now = self.lock.now();
            now.locked = false;
            now.reason = None;
            now.last_activity = self.now();
        }
        tracing::info!("Token Desk unlocked");
        self.keep_lock(false).await;
        let status = self.lock.status();
        self.emit(DeskEvent::LockChanged(status.clone()));
        Ok(status)
    }

    /// The person did something (a key, a click): the idle timer starts again.
    pub fn note_activity(&self) {
        let now = self.now();
        self.lock.now().last_activity = now;
    }

    /// How long until nobody will have used Token Desk for the settings' idle
    /// time, from the last activity seen: the shell sleeps that long (a
    /// minute at most, the setting may change) instead of polling. `None`
    /// when locked, or when idle time never locks.
    pub fn until_idle_lock(&self) -> Option<std::time::Duration> {
        let minutes = self.settings().lock_after_idle_minutes?;
        let now = self.lock.now();
        if now.locked {
            return None;
        }
        let deadline = now.last_activity + chrono::Duration::minutes(i64::from(minutes));
        Some((deadline - self.now()).to_std().unwrap_or(std::time::Duration::ZERO))
    }

    /// Locks when nobody used Token Desk for the settings' idle time; true
    /// when it locked now. The shell asks again after [`Desk::until_idle_lock`].
    pub async fn check_idle(&self) -> bool {
        let Some(minutes) = self.settings().lock_after_idle_minutes else { return false };
        let idle = {
            let now = self.lock.now();
            !now.locked && self.now() - now.last_activity >= chrono::Duration::minutes(i64::from(minutes))
        };
        if idle {
            self.lock(LockReason::Idle).await;
        }
        idle
    }

    /// Turns the presenting mode on or off.
    pub fn set_presenting(&self, on: bool) -> LockStatus {
        self.lock.now().presenting = on;
        tracing::info!(on, "presenting mode");
        let status = self.lock.status();
        self.emit(DeskEvent::LockChanged(status.clone()));
        status
    }

    /// Refuses `doing` while locked, saying what still works.
    pub(crate) fn require_unlocked(&self, doing: &str) -> Result<(), DeskError> {
        if !self.lock.status().locked {
            return Ok(());
        }
        Err(DeskError::new(
            ErrorKind::Locked,
            format!(
                "Token Desk is locked: unlock it to {doing}. Disabling a token, and the panic with its restore, \
                 work while locked."
            ),
        ))
    }

    /// Refuses to show a value while presenting (copying still works).
    pub(crate) fn refuse_while_presenting(&self) -> Result<(), DeskError> {
        if !self.lock.status().presenting {
            return Ok(());
        }
        Err(DeskError::new(
            ErrorKind::Refused,
            "Presenting: values are not shown while your screen may be seen. Copy works; turn presenting off to \
             show a value.",
        ))
    }

    /// Whether notifications must leave token names out (presenting).
    pub(crate) fn presenting(&self) -> bool {
        self.lock.status().presenting
    }

    async fn keep_lock(&self, locked: bool) {
        if let Err(error) = self.lock.record.change(|record| record.locked = locked).await {
            tracing::warn!("the lock state could not be kept for the next start: {}", error.message);
        }
    }
}
