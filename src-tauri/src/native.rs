//! Native dialogs and notifications, for what the tray does: there is no
//! window to ask or answer in.

use desk_core::{TrayNotice, TrayQuestion};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind, MessageDialogResult};
use tauri_plugin_notification::NotificationExt;

/// What the user chose in a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The main button.
    Confirm,
    /// The second choice, when there was one.
    Alternative,
    /// Cancel, Escape or the window's close button.
    Cancel,
}

/// Asks `question` in a native dialog and waits for the answer, without
/// blocking the async workers. `alternative` adds a second way to go ahead.
pub async fn confirm<R: Runtime>(app: &AppHandle<R>, question: &TrayQuestion, alternative: Option<&str>) -> Answer {
    let confirm_label = mnemonic(&question.confirm_label);
    let buttons = match alternative {
        Some(other) => {
            MessageDialogButtons::YesNoCancelCustom(confirm_label.clone(), mnemonic(other), mnemonic("Cancel"))
        }
        None => MessageDialogButtons::OkCancelCustom(confirm_label.clone(), mnemonic("Cancel")),
    };
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .message(&question.message)
        .title(&question.title)
        .kind(MessageDialogKind::Warning)
        .buttons(buttons)
        .show_with_result(move |result| {
            let _ = sender.send(result);
        });
    match receiver.await {
        // A custom button answers with its label; Yes/Ok where the platform maps it.
        Ok(MessageDialogResult::Custom(label)) if label == confirm_label => Answer::Confirm,
        Ok(MessageDialogResult::Yes | MessageDialogResult::Ok) => Answer::Confirm,
        Ok(MessageDialogResult::Custom(label)) if alternative.is_some_and(|other| label == mnemonic(other)) => {
            Answer::Alternative
        }
        Ok(MessageDialogResult::No) if alternative.is_some() => Answer::Alternative,
        _ => Answer::Cancel,
    }
}

/// Shows `notice` as a desktop notification; a desktop without a
/// notification service only gets it in the log.
pub fn notify<R: Runtime>(app: &AppHandle<R>, notice: &TrayNotice) {
    // A shared screen shows no token name (the log keeps them).
    let presenting =
        app.try_state::<std::sync::Arc<desk_core::Desk>>().is_some_and(|desk| desk.lock_status().presenting);
    let shown = if presenting { notice.without_names() } else { notice.clone() };
    if notice.failed {
        tracing::warn!("{}: {}", notice.title, notice.body);
    } else {
        tracing::info!("{}: {}", notice.title, notice.body);
    }
    if let Err(error) = app.notification().builder().title(&shown.title).body(&shown.body).show() {
        tracing::warn!("the notification could not be shown: {error}");
    }
}

/// A button label with its access key: GTK underlines the letter after `_`
/// and Alt+letter presses the button. Other platforms show labels as given.
fn mnemonic(label: &str) -> String {
    if cfg!(target_os = "linux") { format!("_{}", label.replace('_', "__")) } else { label.to_owned() }
}

/// Asks where to save a file, in a native save dialog proposing `file_name`
/// in the Downloads folder (else the home folder); `None` when closed without one.
pub async fn save_path<R: Runtime>(app: &AppHandle<R>, file_name: &str, extension: &str) -> Option<std::path::PathBuf> {
    use tauri::Manager;
    let folder = [app.path().download_dir(), app.path().home_dir()].into_iter().flatten().find(|dir| dir.is_dir());
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Export the audit trail")
        .set_file_name(file_name)
        .add_filter(extension.to_uppercase(), &[extension]);
    if let Some(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    dialog.save_file(move |chosen| {
        let _ = sender.send(chosen);
    });
    receiver.await.ok().flatten().and_then(|chosen| chosen.into_path().ok())
}

/// Asks for a CA certificate file in a native dialog; `None` when closed without one.
pub async fn ca_file_path<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose the CA certificate")
        // No filter: proxies' certificates come as .pem, .crt, .cer or with no extension at all.
        .pick_file(move |chosen| {
            let _ = sender.send(chosen);
        });
    receiver.await.ok().flatten().and_then(|chosen| chosen.into_path().ok())
}
