//! Runs what the desk has scheduled (review reminders, review-date disables,
//! rotation grace periods, new-origin checks) shortly after start and then every so
//! often, and turns what it finds into desktop notifications that open
//! their token when clicked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use desk_core::{Desk, Reminder};
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::events::OpenTokenEvent;

/// How often the schedules run. A reminder is a day-level thing and a grace
/// period at least an hour: a minute is prompt enough.
const EVERY: Duration = Duration::from_secs(60);

/// How old the command palette's list of another connection may grow before
/// the schedules fetch it again (opening the palette fetches one older than a minute).
const DIRECTORY_MAX_AGE: Duration = Duration::from_secs(15 * 60);

/// The first run, after start-up: late enough to stay out of the way of the
/// first token list, soon enough that what came due while closed is told at once.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(10);

/// Debug builds only: run the schedules every this many seconds instead (the
/// end-to-end tests cannot wait a minute per step).
#[cfg(debug_assertions)]
pub const EVERY_SECS_VARIABLE: &str = "TOKEN_DESK_SCHEDULE_SECS";

/// Debug builds only: every rotation grace period but "now" lasts this many
/// seconds.
#[cfg(debug_assertions)]
pub const GRACE_SECS_VARIABLE: &str = "TOKEN_DESK_GRACE_SECS";

/// How often the schedules run in this build.
fn period() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var(EVERY_SECS_VARIABLE).ok().and_then(|text| text.parse::<u64>().ok()) {
        return Duration::from_secs(secs.max(1));
    }
    EVERY
}

/// The rotation grace period the tests asked for, in debug builds.
pub fn grace_override() -> Option<chrono::Duration> {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var(GRACE_SECS_VARIABLE).ok().and_then(|text| text.parse::<i64>().ok()) {
        // At most the longest real grace period: a date arithmetic overflow must never be reachable.
        return chrono::Duration::try_seconds(secs.clamp(1, 7 * 24 * 3600));
    }
    None
}

/// How many shown reminders still open their token when clicked.
const KEPT_TARGETS: usize = 200;

/// Which reminder (by notification id) opens which token.
#[derive(Default)]
struct ReminderTargets {
    next_id: AtomicI32,
    targets: Mutex<HashMap<i32, Reminder>>,
}

/// Starts the schedules for the app's lifetime.
pub fn start<R: Runtime>(app: &AppHandle<R>, desk: Arc<Desk>) {
    let targets = Arc::new(ReminderTargets::default());
    listen_for_clicks(app, targets.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Not at once: the first seconds belong to the window's first token list.
        let every = period();
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every.min(FIRST_RUN_AFTER), every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            for reminder in desk.run_schedules().await {
                notify(&app, &targets, reminder);
            }
            // The command palette's view of the other connections, in a task of
            // its own: a connection that does not answer never delays a reminder.
            tauri::async_runtime::spawn({
                let desk = desk.clone();
                async move {
                    desk.refresh_token_directory(DIRECTORY_MAX_AGE).await;
                }
            });
        }
    });
}

/// Shows a reminder as a desktop notification; a click on it opens the token.
fn notify<R: Runtime>(app: &AppHandle<R>, targets: &ReminderTargets, reminder: Reminder) {
    tracing::info!(connection = %reminder.connection_id, token = %reminder.token_id, "reminder: {}", reminder.title);
    let id = targets.next_id.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    let shown = app.notification().builder().id(id).title(&reminder.title).body(&reminder.body).show();
    match shown {
        Ok(()) => {
            let mut kept = targets.targets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            kept.insert(id, reminder);
            // Reminders nobody clicked: the oldest stop opening their token after a while.
            if kept.len() > KEPT_TARGETS
                && let Some(oldest) = kept.keys().min().copied()
            {
                kept.remove(&oldest);
            }
        }
        Err(error) => tracing::warn!("the reminder could not be shown: {error}"),
    }
}

/// A click on a reminder brings the window forward on its token.
fn listen_for_clicks<R: Runtime>(app: &AppHandle<R>, targets: Arc<ReminderTargets>) {
    let handle = app.clone();
    let listening = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let Some(id) = performed.notification().map(|notification| notification.id()) else { return };
        let Some(reminder) = targets.targets.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&id) else {
            return;
        };
        crate::window::show_main(&handle);
        let event = OpenTokenEvent { connection_id: reminder.connection_id, token_id: reminder.token_id };
        if let Err(error) = event.emit(&handle) {
            tracing::warn!("the clicked reminder could not reach the window: {error}");
        }
    });
    if let Err(error) = listening {
        tracing::warn!("clicks on reminders will not open their token: {error}");
    }
}
