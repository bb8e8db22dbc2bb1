//! What a click on a tray menu entry does: one `desk-core` handler each, then
//! a native question or a notification with its answer.

use std::sync::Arc;

use desk_core::{BatchStart, Desk, TrayAction, TrayNotice, TrayOutcome};
use tauri::{AppHandle, Manager, Runtime};

use crate::native::{self, Answer};
use crate::window;

/// Runs `action` in the background; the menu stays responsive.
pub fn run<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    match action {
        TrayAction::Show | TrayAction::MoreInWindow => window::show_main(app),
        TrayAction::Quit => {
            tauri::async_runtime::spawn(crate::shutdown::quit(app.clone()));
        }
        other => {
            let Some(desk) = app.try_state::<Arc<Desk>>().map(|desk| desk.inner().clone()) else { return };
            let app = app.clone();
            tauri::async_runtime::spawn(async move { act(&app, &desk, other).await });
        }
    }
}

async fn act<R: Runtime>(app: &AppHandle<R>, desk: &Desk, action: TrayAction) {
    match action {
        TrayAction::Switch(connection_id) => {
            if let Err(error) = desk.set_active_connection(&connection_id).await {
                native::notify(app, &TrayNotice::failed("Could not switch connections", &error));
            }
        }
        TrayAction::Disable { connection_id, token_id } => {
            let outcome = match desk.tray_disable(&connection_id, &token_id, false).await {
                TrayOutcome::Confirm(question) => match native::confirm(app, &question, None).await {
                    Answer::Confirm => desk.tray_disable(&connection_id, &token_id, true).await,
                    Answer::Alternative | Answer::Cancel => return,
                },
                notify => notify,
            };
            if let TrayOutcome::Notify(notice) = outcome {
                native::notify(app, &notice);
            }
        }
        TrayAction::Copy { connection_id, token_id } => {
            native::notify(app, &desk.tray_copy(&connection_id, &token_id).await)
        }
        TrayAction::Panic(connection_id) => panic(app, desk, &connection_id).await,
        TrayAction::Restore(connection_id) => restore(app, desk, &connection_id).await,
        TrayAction::Lock => {
            desk.lock(desk_core::LockReason::Asked).await;
        }
        TrayAction::Presenting(on) => {
            desk.set_presenting(on);
        }
        TrayAction::Show | TrayAction::MoreInWindow | TrayAction::Quit => {}
    }
}

/// "Disable all active tokens…": desk-core plans it and words the question.
async fn panic<R: Runtime>(app: &AppHandle<R>, desk: &Desk, connection_id: &str) {
    let (plan, question) = match desk.start_panic(connection_id).await {
        BatchStart::Ask(plan, question) => (plan, question),
        BatchStart::Tell(notice) => return native::notify(app, &notice),
    };
    let include_sign_in = match native::confirm(app, &question, plan.alternative()).await {
        Answer::Confirm => false,
        Answer::Alternative => true,
        Answer::Cancel => return,
    };
    native::notify(app, &desk.run_panic(&plan, include_sign_in).await);
}

/// "Restore N tokens…": asks first, naming every token it would enable.
async fn restore<R: Runtime>(app: &AppHandle<R>, desk: &Desk, connection_id: &str) {
    let question = match desk.start_restore(connection_id).await {
        BatchStart::Ask((), question) => question,
        BatchStart::Tell(notice) => return native::notify(app, &notice),
    };
    if native::confirm(app, &question, None).await == Answer::Confirm {
        native::notify(app, &desk.run_restore(connection_id).await);
    }
}
