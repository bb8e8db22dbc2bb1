//! Everything the token screens and the tray do to tokens.

use futures::StreamExt;
use marketplace_api::{ApiTokenUpdate, NewApiToken};
use serde::Deserialize;

use crate::clipboard::CopyReceipt;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::events::{DeskEvent, TokenChange, TokenChanged};
use crate::tokens::batching::{OncePerId, deliver_joined};
use crate::tokens::copy_as::CopyFormat;
use crate::tokens::ids::{IdKind, checked};
use crate::tokens::queries::TokenListQuery;
use crate::tokens::remembered::ListRecorder;
use crate::tokens::rows::TokenRows;
use crate::tokens::validation::{check, description_problems, module_problems, name_problems};
use crate::tokens::views::{ModuleView, TokenBatch, TokenPage, TokenView, ViewBatch};

/// What the create form sends.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewToken {
    /// Display name.
    pub name: String,
    /// Free text; empty for none.
    #[serde(default)]
    pub description: String,
    /// Modules (`MOD-NNNN`) the token may use.
    #[serde(default)]
    pub module_ids: Vec<String>,
}

/// What the edit form changed; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenChanges {
    /// A new name.
    pub name: Option<String>,
    /// A new description; an empty one clears it.
    pub description: Option<String>,
    /// The new complete set of modules.
    pub module_ids: Option<Vec<String>>,
}

impl Desk {
    /// One page of tokens, filtered, searched and sorted.
    pub async fn list_tokens(&self, connection_id: &str, query: &TokenListQuery) -> Result<TokenPage, DeskError> {
        let client = self.client(connection_id).await?;
        let page = client.list_tokens(&query.to_page_query()).await?;
        Ok(TokenPage::from(&page))
    }

    /// Every token matching `query`, delivered batch by batch (in order) to
    /// `on_batch` as the pages arrive; returns how many there were.
    pub async fn list_all_tokens(
        &self,
        connection_id: &str,
        query: &TokenListQuery,
        mut on_batch: impl FnMut(TokenBatch) + Send,
    ) -> Result<u32, DeskError> {
        // The whole list, unfiltered, is what the next start shows first.
        let remembering = query.is_everything() && self.settings().remember_token_list;
        let mut recorder = ListRecorder::default();
        let delivered = self
            .fetch_all_tokens(connection_id, query, |batch| {
                if remembering {
                    recorder.add(&batch.items);
                }
                on_batch(TokenBatch { rows: TokenRows::of(&batch.items), fetched: batch.fetched, total: batch.total });
            })
            .await?;
        if remembering {
            self.remember_tokens(connection_id, recorder).await;
        }
        // The tray follows what the window just saw (another client's changes among it).
        self.emit(DeskEvent::TokensRefreshed { connection_id: connection_id.to_owned() });
        crate::platform::heap::give_back_freed_memory_soon();
        Ok(delivered)
    }

    /// The same, telling nobody: for lists fetched in the background (the
    /// palette's cache), which must not wake the tray.
    pub(crate) async fn fetch_all_tokens(
        &self,
        connection_id: &str,
        query: &TokenListQuery,
        on_batch: impl FnMut(ViewBatch) + Send,
    ) -> Result<u32, DeskError> {
        let client = self.client(connection_id).await?;
        let mut once = OncePerId::default();
        let pages = client.list_all_tokens(query.to_query()).map(move |progress| {
            progress.map(|progress| {
                once.pass(ViewBatch {
                    items: progress.items.iter().map(TokenView::from).collect(),
                    fetched: u32::try_from(progress.fetched).unwrap_or(u32::MAX),
                    total: progress.total.map(|total| u32::try_from(total).unwrap_or(u32::MAX)),
                })
            })
        });
        Ok(deliver_joined(pages, on_batch).await?)
    }

    /// One token, with its creation and last-change stamps.
    pub async fn get_token(&self, connection_id: &str, token_id: &str) -> Result<TokenView, DeskError> {
        checked(IdKind::Token, token_id)?;
        let client = self.client(connection_id).await?;
        // Without its value: only reveal and copy fetch that. With its modules:
        // the platform leaves them out unless asked.
        Ok(TokenView::from(&client.get_token(token_id, &["+modules", "audit", "-token"]).await?))
    }

    /// Creates a token in the connection's account. Its value is not returned:
    /// reveal or copy it like any other token's.
    pub async fn create_token(&self, connection_id: &str, new: NewToken) -> Result<TokenView, DeskError> {
        self.require_unlocked("create a token")?;
        check([
            ("name", name_problems(&new.name)),
            ("description", description_problems(&new.description)),
            ("modules", module_problems(&new.module_ids)),
        ])?;
        let connection = self.connection(connection_id)?;
        checked(IdKind::Account, &connection.account.id)?;
        let client = self.client(connection_id).await?;
        let description = Some(new.description.trim().to_owned()).filter(|text| !text.is_empty());
        let created = client
            .create_token(&NewApiToken {
                account_id: connection.account.id,
                name: new.name.trim().to_owned(),
                description,
                icon: None,
                module_ids: new.module_ids,
            })
            .await?;
        tracing::info!(connection = %connection_id, token = %created.id, "token created");
        self.token_changed(connection_id, &created.id, TokenChange::Created);
        Ok(TokenView::from(&created))
    }

    /// Changes a token's name, description or modules.
    pub async fn update_token(
        &self,
        connection_id: &str,
        token_id: &str,
        changes: TokenChanges,
    ) -> Result<TokenView, DeskError> {
        self.require_unlocked("edit a token")?;
        checked(IdKind::Token, token_id)?;
        check([
            ("name", changes.name.as_deref().and_then(name_problems)),
            ("description", changes.description.as_deref().and_then(description_problems)),
            ("modules", changes.module_ids.as_deref().and_then(module_problems)),
        ])?;
        let client = self.client(connection_id).await?;
        // Every editable field goes: whether the platform merges or replaces
        // on PUT is not documented, and this is right under both readings, as
        // long as nothing sent back stands for "not returned".
        let (current, current_modules) = read_with_modules(&client, token_id, "saves a change to").await?;
        let name = changes.name.map(|name| name.trim().to_owned()).or(current.name).unwrap_or_default();
        let description = match changes.description {
            Some(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
            None => current.description,
        };
        let module_ids = changes.module_ids.unwrap_or(current_modules);
        let update = ApiTokenUpdate::every_field(name, description, current.icon, module_ids);
        let mut updated = client.update_token(token_id, &update).await?;
        tracing::info!(connection = %connection_id, token = %token_id, "token updated");
        self.token_changed(connection_id, token_id, TokenChange::Updated);
        if updated.read_modules().is_none() {
            // The answer leaves the modules out: show what the platform now holds.
            updated = client.get_token(token_id, &["+modules", "audit", "-token"]).await?;
        }
        Ok(TokenView::from(&updated))
    }

    /// Enables a disabled token.
    pub async fn enable_token(&self, connection_id: &str, token_id: &str) -> Result<TokenView, DeskError> {
        self.require_unlocked("enable a token")?;
        self.enable_token_even_locked(connection_id, token_id).await
    }

    /// Enables a token whether or not Token Desk is locked: only for Restore,
    /// which puts back what a panic took away and so works while locked.
    pub(crate) async fn enable_token_even_locked(
        &self,
        connection_id: &str,
        token_id: &str,
    ) -> Result<TokenView, DeskError> {
        checked(IdKind::Token, token_id)?;
        let token = self.client(connection_id).await?.enable_token(token_id).await?;
        tracing::info!(connection = %connection_id, token = %token_id, "token enabled");
        self.token_changed(connection_id, token_id, TokenChange::Enabled);
        Ok(TokenView::from(&token))
    }

    /// Disables an active token: it stops authenticating at once. The token
    /// the connection signs in with only goes once `sign_in_confirmed`: the
    /// UI sets it after warning that Token Desk loses access.
    pub async fn disable_token(
        &self,
        connection_id: &str,
        token_id: &str,
        sign_in_confirmed: bool,
    ) -> Result<TokenView, DeskError> {
        checked(IdKind::Token, token_id)?;
        self.guard_sign_in_token(connection_id, token_id, sign_in_confirmed, "disables").await?;
        let token = self.client(connection_id).await?.disable_token(token_id).await?;
        tracing::info!(connection = %connection_id, token = %token_id, "token disabled");
        self.token_changed(connection_id, token_id, TokenChange::Disabled);
        Ok(TokenView::from(&token))
    }

    /// Deletes a token for good (vendors and clients no longer see it). The
    /// token the connection signs in with only goes once `sign_in_confirmed`.
    pub async fn delete_token(
        &self,
        connection_id: &str,
        token_id: &str,
        sign_in_confirmed: bool,
    ) -> Result<(), DeskError> {
        self.require_unlocked("delete a token")?;
        checked(IdKind::Token, token_id)?;
        self.guard_sign_in_token(connection_id, token_id, sign_in_confirmed, "deletes").await?;
        self.client(connection_id).await?.delete_token(token_id).await?;
        tracing::info!(connection = %connection_id, token = %token_id, "token deleted");
        self.token_changed(connection_id, token_id, TokenChange::Deleted);
        // A deleted token needs no more reminders.
        self.forget_review(connection_id, token_id).await;
        Ok(())
    }

    /// The modules the connection's account may give its tokens.
    pub async fn assignable_modules(&self, connection_id: &str) -> Result<Vec<ModuleView>, DeskError> {
        let account_id = self.connection(connection_id)?.account.id;
        checked(IdKind::Account, &account_id)?;
        let modules = self.client(connection_id).await?.assignable_modules(&account_id).await?;
        Ok(modules.iter().map(ModuleView::from).collect())
    }

    /// A token's value, for the explicit "show" on its page. The only way a
    /// value ever reaches the UI.
    pub async fn reveal_token_value(&self, connection_id: &str, token_id: &str) -> Result<String, DeskError> {
        self.require_unlocked("show a value")?;
        self.refuse_while_presenting()?;
        let (_, value) = self.token_with_value(connection_id, token_id).await?;
        tracing::info!(connection = %connection_id, token = %token_id, "token value revealed");
        Ok(value.expose().to_owned())
    }

    /// Copies a token to the clipboard in `format`, straight from the
    /// Marketplace: the value never passes through the UI. Secret formats are
    /// written with the "keep out of history" hint (unless the settings allow
    /// history) and cleared after the settings' delay if still there; the id
    /// is not secret and stays.
    pub async fn copy_token(
        &self,
        connection_id: &str,
        token_id: &str,
        format: CopyFormat,
    ) -> Result<CopyReceipt, DeskError> {
        self.require_unlocked("copy")?;
        checked(IdKind::Token, token_id)?;
        let guard = self.clipboard.clone().ok_or_else(|| {
            DeskError::new(crate::error::ErrorKind::Internal, "Token Desk has no clipboard to copy to here.")
        })?;
        let client = self.client(connection_id).await?;
        if !format.is_secret() {
            let text = format.render("", token_id, client.base_url());
            guard.copy_plain(text.to_string()).await?;
            return Ok(CopyReceipt { copied: format.describe(token_id), clears_at_ms: None });
        }
        let (token, value) = self.token_with_value(connection_id, token_id).await?;
        let text = format.render(value.expose(), &token.id, client.base_url());
        let what = format.describe(token.name.as_deref().unwrap_or(&token.id));
        let settings = self.settings();
        let status = guard
            .copy_secret(text, what.clone(), connection_id, settings.clear_after(), !settings.clipboard_history)
            .await?;
        tracing::info!(connection = %connection_id, token = %token.id, ?format, "token copied to the clipboard");
        Ok(CopyReceipt { copied: what, clears_at_ms: status.clears_at_ms })
    }

    /// A token and its value, the one way both reveal and copy read a value:
    /// refused for a token any connection signs in with, checked on the id
    /// asked for and again on the id the Marketplace answered for.
    async fn token_with_value(
        &self,
        connection_id: &str,
        token_id: &str,
    ) -> Result<(marketplace_api::ApiToken, marketplace_api::ApiSecret), DeskError> {
        checked(IdKind::Token, token_id)?;
        let connection = self.connection(connection_id)?;
        self.refuse_sign_in_value(&connection, token_id).await?;
        let mut token = self.client(connection_id).await?.get_token(token_id, &[]).await?;
        self.refuse_sign_in_value(&connection, &token.id).await?;
        let value = token.token.take().ok_or_else(|| missing_value(token_id))?;
        // A server's answer is untrusted: a value of any other shape could run as a
        // command where it is pasted, so it is neither shown nor copied.
        if !value.has_token_value_shape() || value.token_id() != Some(token.id.as_str()) {
            tracing::warn!(connection = %connection_id, token = %token_id, "refused a token value of the wrong shape");
            return Err(DeskError::new(
                crate::error::ErrorKind::Server,
                format!(
                    "The Marketplace sent a value for {token_id} that is not shaped like a token value \
                     (\"idt\", this token's id, then letters and digits only, separated by colons), so Token Desk \
                     neither shows nor copies it. \
                     A proxy or server may be tampering with answers: check the connection's address and \
                     certificate."
                ),
            ));
        }
        Ok((token, value))
    }

    /// Refuses to cut off the connection's own access unless the user was
    /// warned and confirmed.
    async fn guard_sign_in_token(
        &self,
        connection_id: &str,
        token_id: &str,
        confirmed: bool,
        verb: &str,
    ) -> Result<(), DeskError> {
        let connection = self.connection(connection_id)?;
        if confirmed || !self.is_own_sign_in(&connection, token_id).await? {
            return Ok(());
        }
        Err(DeskError::new(
            crate::error::ErrorKind::Refused,
            format!(
                "{token_id} is the token \"{}\" signs in with: Token Desk {verb} it only once you confirm that this \
                 connection then stops working.",
                connection.label
            ),
        ))
    }

    /// The label of a saved connection (or the demo) that signs in with
    /// `token_id` at `connection`'s Marketplace, if any: disabling it would cut
    /// that connection off. Fails when a keychain entry that could tell cannot be read.
    pub(crate) async fn signed_in_elsewhere(
        &self,
        connection: &crate::connections::types::Connection,
        token_id: &str,
    ) -> Result<Option<String>, DeskError> {
        self.sign_in_label(connection, token_id, crate::connections::sign_ins::Counting::Current).await
    }

    /// Tells every listener that a token changed.
    pub(crate) fn token_changed(&self, connection_id: &str, token_id: &str, change: TokenChange) {
        self.emit(DeskEvent::TokenChanged(TokenChanged {
            connection_id: connection_id.to_owned(),
            token_id: token_id.to_owned(),
            change,
        }));
    }
}

/// A token, without its value, with the ids of its modules as the platform holds them.
/// Collections are left out unless selected (docs/marketplace-api.md §5.7): this asks with
/// `+modules`, and if the answer still lacks them (or names them omitted), once more naming
/// the field. A token whose modules never came back is refused: sending an empty list for
/// "not returned" would strip every module. `doing` completes "Token Desk never … a token".
pub(crate) async fn read_with_modules(
    client: &marketplace_api::Client,
    token_id: &str,
    doing: &str,
) -> Result<(marketplace_api::ApiToken, Vec<String>), DeskError> {
    for select in [["+modules", "-token"], ["modules", "-token"]] {
        let token = client.get_token(token_id, &select).await?;
        if let Some(modules) = token.read_modules() {
            let ids = modules.iter().map(|module| module.id.clone()).collect();
            return Ok((token, ids));
        }
        tracing::warn!(token = %token_id, select = ?select, "the Marketplace left a token's modules out");
    }
    Err(DeskError::new(
        crate::error::ErrorKind::Server,
        format!(
            "The Marketplace did not send the modules of {token_id}, even when asked for them. Token Desk never {doing} \
             a token without knowing its modules, as that could remove them: nothing was changed. Try again later."
        ),
    ))
}

fn missing_value(token_id: &str) -> DeskError {
    DeskError::new(crate::error::ErrorKind::Server, format!("The Marketplace did not send the value of {token_id}."))
}
