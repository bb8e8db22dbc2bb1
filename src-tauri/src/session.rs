//! Locks Token Desk when its person walks away: the idle timer, and on Linux
//! the session locking (logind's `Lock`, the screensaver's `ActiveChanged`)
//! and the machine going to sleep (logind's `PrepareForSleep`). Where a
//! signal source is missing (no logind in a container, no screensaver), the
//! others still work; the log says which is not followed.

use std::sync::Arc;
use std::time::Duration;

use desk_core::Desk;

/// The longest the idle timer sleeps: a changed setting is seen within it.
/// Otherwise it wakes only when the idle time could have run out: an app
/// idle in the tray must not wake the machine for nothing.
const IDLE_CHECK_AT_MOST_EVERY: Duration = Duration::from_secs(60);
/// The shortest: activity seen just before the deadline moves it on.
const IDLE_CHECK_AT_LEAST_AFTER: Duration = Duration::from_secs(1);

/// Debug builds only: how long an unlock waits for the password prompt, in
/// seconds (the end-to-end tests cannot wait two minutes for "never").
#[cfg(debug_assertions)]
pub const UNLOCK_SECS_VARIABLE: &str = "TOKEN_DESK_UNLOCK_SECS";

/// The unlock's time limit the tests asked for, in debug builds.
pub fn unlock_timeout_override() -> Option<Duration> {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var(UNLOCK_SECS_VARIABLE).ok().and_then(|text| text.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs.clamp(1, 600)));
    }
    None
}

/// Starts watching for the person leaving, for the app's lifetime.
pub fn watch(desk: Arc<Desk>) {
    tauri::async_runtime::spawn({
        let desk = desk.clone();
        async move {
            loop {
                desk.check_idle().await;
                let wait = desk.until_idle_lock().unwrap_or(IDLE_CHECK_AT_MOST_EVERY);
                tokio::time::sleep(wait.clamp(IDLE_CHECK_AT_LEAST_AFTER, IDLE_CHECK_AT_MOST_EVERY)).await;
            }
        }
    });
    #[cfg(target_os = "linux")]
    linux::watch(desk);
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::Arc;

    use desk_core::{Desk, LockReason};
    use futures::StreamExt;
    use zbus::zvariant::OwnedObjectPath;

    #[zbus::proxy(
        interface = "org.freedesktop.login1.Manager",
        default_service = "org.freedesktop.login1",
        default_path = "/org/freedesktop/login1"
    )]
    trait Login1Manager {
        fn get_session_by_pid(&self, pid: u32) -> zbus::Result<OwnedObjectPath>;
        #[zbus(signal)]
        fn prepare_for_sleep(&self, start: bool) -> zbus::Result<()>;
    }

    #[zbus::proxy(interface = "org.freedesktop.login1.Session", default_service = "org.freedesktop.login1")]
    trait Login1Session {
        #[zbus(signal)]
        fn lock(&self) -> zbus::Result<()>;
    }

    #[zbus::proxy(
        interface = "org.freedesktop.ScreenSaver",
        default_service = "org.freedesktop.ScreenSaver",
        default_path = "/org/freedesktop/ScreenSaver"
    )]
    trait ScreenSaver {
        #[zbus(signal)]
        fn active_changed(&self, active: bool) -> zbus::Result<()>;
    }

    pub(super) fn watch(desk: Arc<Desk>) {
        tauri::async_runtime::spawn(follow("logind", follow_logind(desk.clone())));
        tauri::async_runtime::spawn(follow("the screensaver", follow_screensaver(desk)));
    }

    async fn follow(what: &str, watching: impl std::future::Future<Output = zbus::Result<()>>) {
        if let Err(error) = watching.await {
            tracing::info!("the lock does not follow {what}: {error}");
        }
    }

    async fn follow_logind(desk: Arc<Desk>) -> zbus::Result<()> {
        let bus = zbus::Connection::system().await?;
        let manager = Login1ManagerProxy::new(&bus).await?;
        let session_path = manager.get_session_by_pid(std::process::id()).await?;
        let session = Login1SessionProxy::builder(&bus).path(session_path)?.build().await?;
        let mut sleeps = manager.receive_prepare_for_sleep().await?;
        let mut locks = session.receive_lock().await?;
        tracing::info!("the lock follows logind's session lock and sleep");
        loop {
            tokio::select! {
                Some(sleep) = sleeps.next() => {
                    if sleep.args().is_ok_and(|args| args.start) {
                        desk.lock(LockReason::Suspended).await;
                    }
                }
                Some(_) = locks.next() => {
                    desk.lock(LockReason::SessionLocked).await;
                }
                else => return Ok(()),
            }
        }
    }

    async fn follow_screensaver(desk: Arc<Desk>) -> zbus::Result<()> {
        let bus = zbus::Connection::session().await?;
        let saver = ScreenSaverProxy::new(&bus).await?;
        let mut changes = saver.receive_active_changed().await?;
        while let Some(change) = changes.next().await {
            if change.args().is_ok_and(|args| args.active) {
                desk.lock(LockReason::SessionLocked).await;
            }
        }
        Ok(())
    }
}
