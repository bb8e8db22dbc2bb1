//! The tray menu's model from the desk's state, and what each entry does.

use crate::desk::Desk;
use crate::error::DeskError;
use crate::events::DeskEvent;
use crate::tokens::copy_as::CopyFormat;
use crate::tokens::queries::{TokenListQuery, TokenState};
use crate::tray::messages::{TrayNotice, TrayQuestion, display_name, tray_token};
use std::sync::Arc;

use super::*;

impl Desk {
    /// What the tray menu shows now, from the last [`Desk::refresh_tray`].
    pub fn tray_menu(&self) -> TrayMenuModel {
        let list = self.connections();
        let active_id = list.active_id.clone();
        let connections: Vec<TrayConnection> = list
            .connections
            .iter()
            .map(|connection| TrayConnection {
                id: connection.id.clone(),
                label: connection.label.clone(),
                active: Some(&connection.id) == active_id.as_ref(),
            })
            .collect();
        let connection = connections.iter().find(|connection| connection.active).cloned();
        let cache = self.tray_cache();
        let tokens = match &connection {
            None => TrayTokens::NoConnection,
            Some(active) if cache.connection_id.as_deref() == Some(active.id.as_str()) => cache.tokens,
            Some(_) => TrayTokens::Loading,
        };
        let restore = connection.as_ref().and_then(|active| self.restore_offer_now(&active.id));
        let warning = connection.as_ref().and(cache.warning);
        TrayMenuModel { connections, connection, tokens, restore, warning, lock: self.lock_status() }
    }

    /// Fetches the active tokens of the active connection again: the first
    /// [`TRAY_TOKEN_LIMIT`] by name, and how many there are.
    pub async fn refresh_tray(&self) {
        // One refresh at a time, so an older answer never overwrites a newer one.
        let _turn = self.tray.refresh_turn.lock().await;
        let Some(connection_id) = self.connections().active_id else {
            *self.tray_cache_mut() = TrayCache { connection_id: None, tokens: TrayTokens::NoConnection, warning: None };
            return;
        };
        // The menu never waits on a file or the keychain: what Restore offers is read here.
        if let Err(error) = self.panic.snapshots.get().await {
            tracing::warn!("the panic snapshots could not be read: {}", error.message);
        }
        let fresh = self.first_active_tokens(&connection_id).await;
        let mut cache = self.tray_cache_mut();
        let same_connection = cache.connection_id.as_deref() == Some(connection_id.as_str());
        *cache = match fresh {
            Ok(tokens) => TrayCache { connection_id: Some(connection_id), tokens, warning: None },
            // Keep the last good list: a leaked token must stay a click away
            // while the platform is unsteady.
            Err(error) if same_connection && matches!(cache.tokens, TrayTokens::Loaded { .. }) => TrayCache {
                connection_id: Some(connection_id),
                tokens: cache.tokens.clone(),
                warning: Some(format!("May be out of date: {}", error.message)),
            },
            Err(error) => TrayCache {
                connection_id: Some(connection_id),
                tokens: TrayTokens::Failed(error.message),
                warning: None,
            },
        };
    }

    async fn first_active_tokens(&self, connection_id: &str) -> Result<TrayTokens, DeskError> {
        let connection = self.connection(connection_id)?;
        // The connection's own account, as the panic acts on.
        let query = TokenListQuery {
            status: Some(TokenState::Active),
            account_id: Some(connection.account.id.clone()),
            limit: TRAY_TOKEN_LIMIT,
            ..Default::default()
        };
        let page = self.list_tokens(connection_id, &query).await?;
        let shown = page.items.iter().map(|token| tray_token(&connection, &token.id, &token.name)).collect::<Vec<_>>();
        // Without a total, a full page may have more behind it.
        let full = shown.len() >= TRAY_TOKEN_LIMIT as usize;
        let guess = u32::try_from(shown.len()).unwrap_or(u32::MAX).saturating_add(u32::from(full));
        let total = page.paging.total.unwrap_or(guess);
        Ok(TrayTokens::Loaded { shown, total })
    }

    /// Keeps the tray current: calls `on_change` with a fresh model now and
    /// after every change to connections or tokens, whoever made it (a
    /// window, the tray, a list refresh). Bursts of changes are folded into
    /// one refresh. The caller spawns the returned task on its runtime; it
    /// ends when the desk is dropped.
    pub fn watch_tray(
        self: &Arc<Self>,
        on_change: impl Fn(TrayMenuModel) + Send + 'static,
    ) -> impl Future<Output = ()> + Send + 'static {
        let desk = Arc::downgrade(self);
        let mut events = self.subscribe();
        async move {
            let mut pending = true;
            let mut shown: Option<TrayMenuModel> = None;
            // Redraws only what differs: a list refresh that changed nothing
            // leaves the menu alone.
            fn show(shown: &mut Option<TrayMenuModel>, on_change: &impl Fn(TrayMenuModel), model: TrayMenuModel) {
                if shown.as_ref() != Some(&model) {
                    *shown = Some(model.clone());
                    on_change(model);
                }
            }
            loop {
                if pending {
                    let Some(desk) = desk.upgrade() else { return };
                    let before = desk.tray_menu();
                    if before.tokens == TrayTokens::Loading {
                        // Another connection: show the switch at once, its tokens when they arrive.
                        show(&mut shown, &on_change, before);
                    }
                    desk.refresh_tray().await;
                    show(&mut shown, &on_change, desk.tray_menu());
                    pending = false;
                }
                match events.recv().await {
                    // Neither changes what the menu lists.
                    Ok(DeskEvent::ClipboardChanged(_) | DeskEvent::NotesChanged { .. }) => {}
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => pending = true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
                // Fold a burst (a panic's dozens of changes) into one refresh.
                while let Ok(event) = events.try_recv() {
                    pending |= !matches!(event, DeskEvent::ClipboardChanged(_) | DeskEvent::NotesChanged { .. });
                }
            }
        }
    }

    /// "Disable token" › a token. The token the connection signs in with is
    /// only disabled once `confirmed`; until then the answer is the question.
    pub async fn tray_disable(&self, connection_id: &str, token_id: &str, confirmed: bool) -> TrayOutcome {
        let connection = match self.connection(connection_id) {
            Ok(connection) => connection,
            Err(error) => {
                return TrayOutcome::Notify(TrayNotice::failed(format!("{token_id} was not disabled"), &error));
            }
        };
        if connection.token_id.eq_ignore_ascii_case(token_id) && !confirmed {
            return TrayOutcome::Confirm(TrayQuestion {
                title: "Disable the token this connection signs in with?".to_owned(),
                message: format!(
                    "{token_id} is the token \"{}\" signs in with. Once it is disabled, Token Desk can no longer \
                     act on this connection, and it cannot enable the token again from here.",
                    connection.label
                ),
                confirm_label: "Disable it".to_owned(),
            });
        }
        let outcome = match self.disable_token(connection_id, token_id, confirmed).await {
            Ok(token) => TrayNotice::done(
                format!("Disabled {}", display_name(&token.name, &token.id)),
                format!("{} no longer authenticates on \"{}\".", token.id, connection.label),
            ),
            Err(error) => TrayNotice::failed(format!("{token_id} was not disabled"), &error),
        };
        TrayOutcome::Notify(outcome)
    }

    /// "Copy value" › a token: its value on the clipboard, with the same
    /// hygiene as a copy from the window.
    pub async fn tray_copy(&self, connection_id: &str, token_id: &str) -> TrayNotice {
        match self.copy_token(connection_id, token_id, CopyFormat::Value).await {
            Ok(receipt) => {
                let now_ms = crate::clock::epoch_ms(self.now());
                let clears = match receipt.clears_at_ms {
                    Some(at) => {
                        let secs = (at.saturating_sub(now_ms) + 500) / 1000;
                        format!("It leaves the clipboard in {secs} s.")
                    }
                    None => "Automatic clearing is off in Settings.".to_owned(),
                };
                TrayNotice::done(format!("Copied {}", receipt.copied), clears)
            }
            Err(error) => TrayNotice::failed(format!("{token_id} was not copied"), &error),
        }
    }

    fn tray_cache(&self) -> TrayCache {
        self.tray.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn tray_cache_mut(&self) -> std::sync::MutexGuard<'_, TrayCache> {
        // Each write replaces the whole value: a panic cannot leave it half-done.
        self.tray.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
