//! Quitting cleanly when the session asks: a logout, `kill`, or Ctrl+C in a
//! terminal all go through the app's normal exit path, so whatever runs on
//! exit still runs (the exit log line today; clearing a copied token from the
//! clipboard once clipboard hygiene lands).

use tauri::{AppHandle, Runtime};

/// Turns SIGTERM, SIGINT and SIGHUP into a normal `app.exit(0)`.
#[cfg(unix)]
pub fn exit_on_termination_signals<R: Runtime>(app: &AppHandle<R>) {
    use tokio::signal::unix::{SignalKind, signal};

    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let (Ok(mut terminate), Ok(mut interrupt), Ok(mut hangup)) =
            (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
        else {
            tracing::warn!("cannot listen for termination signals; a logout will not quit cleanly");
            return;
        };
        let received = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
            _ = hangup.recv() => "SIGHUP",
        };
        tracing::info!("{received} received: quitting");
        app.exit(0);
    });
}

/// Windows and other platforms end the app through their own window messages.
#[cfg(not(unix))]
pub fn exit_on_termination_signals<R: Runtime>(_app: &AppHandle<R>) {}
