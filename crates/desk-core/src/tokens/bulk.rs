//! Several tokens at once (the list's selection): disable or enable each,
//! and say per token how it went. One failure never stops the rest.

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use crate::tokens::views::TokenView;

/// What to do to every selected token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum BulkAction {
    /// Stop them authenticating (works while locked).
    Disable,
    /// Let them authenticate again (needs an unlock).
    Enable,
}

/// How one token of the selection fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BulkOutcome {
    /// The token.
    pub token_id: String,
    /// The token as it now is, when the action went through.
    pub token: Option<TokenView>,
    /// Why it did not, in a sentence.
    pub problem: Option<String>,
    /// Left out on purpose: the token this connection signs in with, not chosen explicitly.
    pub skipped: bool,
}

/// Requests in flight at once: quick for a selection of dozens, gentle on the
/// Marketplace's rate limit.
const IN_FLIGHT: usize = 4;

/// Most tokens one bulk action takes: a selection is a handful or a page, not the account.
pub const BULK_MAX: usize = 500;

impl Desk {
    /// Disables or enables every token in `token_ids`, in that order, and
    /// answers per token. The token the connection signs in with is left out
    /// (`skipped`) unless `include_sign_in`: the UI sets it only when the
    /// user chose that token explicitly and confirmed losing access.
    pub async fn change_tokens(
        &self,
        connection_id: &str,
        action: BulkAction,
        token_ids: Vec<String>,
        include_sign_in: bool,
    ) -> Result<Vec<BulkOutcome>, DeskError> {
        if action == BulkAction::Enable {
            self.require_unlocked("enable tokens")?;
        }
        if token_ids.is_empty() {
            return Err(DeskError::invalid_field("tokens", "Select at least one token."));
        }
        if token_ids.len() > BULK_MAX {
            return Err(DeskError::invalid_field(
                "tokens",
                format!("{} tokens are selected; one action takes at most {BULK_MAX}.", token_ids.len()),
            ));
        }
        let mut unique = std::collections::HashSet::new();
        let token_ids: Vec<String> = token_ids.into_iter().filter(|id| unique.insert(id.clone())).collect();
        // The token this connection signs in with goes last and alone: disabled
        // any earlier, it would refuse the requests for the others still to come.
        let connection = self.connection(connection_id)?;
        let (sign_in, others): (Vec<String>, Vec<String>) =
            token_ids.iter().cloned().partition(|id| id.eq_ignore_ascii_case(&connection.token_id));
        let change = |token_id: String| async move {
            let result = match action {
                BulkAction::Disable => self.disable_token(connection_id, &token_id, include_sign_in).await,
                BulkAction::Enable => self.enable_token(connection_id, &token_id).await,
            };
            match result {
                Ok(token) => BulkOutcome { token_id, token: Some(token), problem: None, skipped: false },
                Err(error) => BulkOutcome {
                    skipped: error.kind == ErrorKind::Refused && action == BulkAction::Disable && !include_sign_in,
                    token_id,
                    token: None,
                    problem: Some(error.message),
                },
            }
        };
        let mut outcomes = futures::stream::iter(others).map(change).buffered(IN_FLIGHT).collect::<Vec<_>>().await;
        for token_id in sign_in {
            outcomes.push(change(token_id).await);
        }
        // Answered in the order asked.
        outcomes.sort_by_key(|outcome| token_ids.iter().position(|id| id == &outcome.token_id));
        let done = outcomes.iter().filter(|outcome| outcome.token.is_some()).count();
        tracing::info!(connection = %connection_id, ?action, done, of = outcomes.len(), "bulk action");
        Ok(outcomes)
    }
}
