//! Quitting cleanly, however it is asked for: the tray's Quit, closing the
//! last window, a logout, `kill`, or Ctrl+C in a terminal. Every way goes
//! through [`quit`], which first takes a copied token value back off the
//! clipboard, then ends the app through its normal exit path.

use std::sync::Arc;
use std::time::Duration;

use desk_core::Desk;
use tauri::{AppHandle, Manager, Runtime};

/// How long quitting waits for the clipboard before giving up on clearing it.
const CLIPBOARD_GRACE: Duration = Duration::from_secs(2);

/// Clears a copied token value from the clipboard (if it is still there),
/// then exits the app.
pub async fn quit<R: Runtime>(app: AppHandle<R>) {
    if let Some(desk) = app.try_state::<Arc<Desk>>() {
        match tokio::time::timeout(CLIPBOARD_GRACE, desk.clear_clipboard()).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!("could not clear the clipboard on quit: {error}"),
            Err(_) => tracing::warn!("the clipboard did not answer in time on quit"),
        }
    }
    app.exit(0);
}

/// Turns SIGTERM, SIGINT and SIGHUP into a normal [`quit`].
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
        quit(app).await;
    });
}

/// Windows and other platforms end the app through their own window messages.
#[cfg(not(unix))]
pub fn exit_on_termination_signals<R: Runtime>(_app: &AppHandle<R>) {}
