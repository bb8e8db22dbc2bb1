//! Runs what the desk has scheduled (review reminders, review-date disables,
//! rotation grace periods, new-origin checks) at start and then every so
//! often, and turns what it finds into desktop notifications that open
//! their token when clicked.

use std::sync::Arc;
use std::time::Duration;

use desk_core::{Desk, Reminder};
use tauri::{AppHandle, Runtime};

/// How often the schedules run. A reminder is a day-level thing and a grace
/// period at least an hour: a minute is prompt enough.
const EVERY: Duration = Duration::from_secs(60);

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
        return Some(chrono::Duration::seconds(secs.max(1)));
    }
    None
}

/// Starts the schedules for the app's lifetime.
pub fn start<R: Runtime>(app: &AppHandle<R>, desk: Arc<Desk>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut ticks = tokio::time::interval(period());
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            for reminder in desk.run_schedules().await {
                notify(&app, reminder);
            }
        }
    });
}

/// Shows a reminder as a desktop notification; clicking it opens the token.
fn notify<R: Runtime>(app: &AppHandle<R>, reminder: Reminder) {
    tracing::info!(connection = %reminder.connection_id, token = %reminder.token_id, "reminder: {}", reminder.title);
    #[cfg(target_os = "linux")]
    {
        let app = app.clone();
        // The D-Bus call, and the wait for a click, block: off the async workers.
        tauri::async_runtime::spawn_blocking(move || {
            let shown = notify_rust::Notification::new()
                .appname("Token Desk")
                .summary(&reminder.title)
                .body(&reminder.body)
                .icon("token-desk")
                .action("default", "Open the token")
                .show();
            match shown {
                Ok(handle) => handle.wait_for_action(|action| {
                    if action == "default" {
                        open_token(&app, &reminder);
                    }
                }),
                Err(error) => tracing::warn!("the reminder could not be shown: {error}"),
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Elsewhere the notification plugin shows it; a click brings the app forward.
        use tauri_plugin_notification::NotificationExt;
        if let Err(error) = app.notification().builder().title(&reminder.title).body(&reminder.body).show() {
            tracing::warn!("the reminder could not be shown: {error}");
        }
    }
}

/// Brings the window forward on the reminder's token.
#[cfg(target_os = "linux")]
fn open_token<R: Runtime>(app: &AppHandle<R>, reminder: &Reminder) {
    use crate::events::OpenTokenEvent;
    use tauri_specta::Event;
    crate::window::show_main(app);
    let event = OpenTokenEvent { connection_id: reminder.connection_id.clone(), token_id: reminder.token_id.clone() };
    if let Err(error) = event.emit(app) {
        tracing::warn!("the clicked reminder could not reach the window: {error}");
    }
}
