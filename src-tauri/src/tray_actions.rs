//! What a click on a tray menu entry does: one `desk-core` handler each, then
//! a native question or a notification with its answer.

use std::sync::Arc;

use desk_core::{Desk, TrayAction, TrayNotice, TrayOutcome};
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
        TrayAction::Show | TrayAction::MoreInWindow | TrayAction::Quit => {}
    }
}

/// "Disable all active tokens…": the set is fixed when the question is asked.
async fn panic<R: Runtime>(app: &AppHandle<R>, desk: &Desk, connection_id: &str) {
    let plan = match desk.plan_panic(connection_id).await {
        Ok(plan) => plan,
        Err(error) => return native::notify(app, &TrayNotice::failed("No token was disabled", &error)),
    };
    if plan.tokens.is_empty() {
        let body = format!("\"{}\" has no active token.", plan.connection_label);
        return native::notify(app, &TrayNotice::done("Nothing to disable", body));
    }
    if plan.tokens.iter().all(|token| token.signs_in) {
        let body = format!(
            "\"{}\" has no active token but the one Token Desk signs in with, which is under \"Disable token\".",
            plan.connection_label
        );
        return native::notify(app, &TrayNotice::done("Nothing to disable", body));
    }
    let alternative = plan.sign_in_token().map(|_| "Include it too");
    let include_sign_in = match native::confirm(app, &plan.question(), alternative).await {
        Answer::Confirm => false,
        Answer::Alternative => true,
        Answer::Cancel => return,
    };
    match desk.panic_disable(&plan, include_sign_in).await {
        Ok(report) => native::notify(app, &desk.panic_notice(&plan, &report)),
        Err(error) => native::notify(app, &TrayNotice::failed("The panic could not start", &error)),
    }
}

/// "Restore N tokens…": asks first, naming every token it would enable.
async fn restore<R: Runtime>(app: &AppHandle<R>, desk: &Desk, connection_id: &str) {
    let offer = desk.restore_offer(connection_id).await;
    let label = desk.connection(connection_id).map(|connection| connection.label);
    let (offer, label) = match (offer, label) {
        (Ok(Some(offer)), Ok(label)) => (offer, label),
        (Ok(None), _) => {
            return native::notify(app, &TrayNotice::done("Nothing to restore", "No panic left tokens to enable."));
        }
        (Err(error), _) | (_, Err(error)) => {
            return native::notify(app, &TrayNotice::failed("Nothing was restored", &error));
        }
    };
    if native::confirm(app, &offer.question(&label), None).await != Answer::Confirm {
        return;
    }
    match desk.restore_panic(connection_id).await {
        Ok((_, notice)) => native::notify(app, &notice),
        Err(error) => native::notify(app, &TrayNotice::failed("Nothing was restored", &error)),
    }
}
