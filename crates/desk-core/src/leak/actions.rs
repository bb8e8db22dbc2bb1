//! Looking a pasted token up in every saved connection.

use zeroize::Zeroizing;

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};

use super::*;

impl Desk {
    /// Finds the token a pasted text names (a whole value, an id, or a log
    /// line holding either) in every connection. The text is wiped when this
    /// returns and never logged; only the id is looked up. Works while
    /// locked: answering a leak must never wait for an unlock.
    pub async fn find_pasted_token(&self, text: String) -> Result<LeakSearch, DeskError> {
        let text = Zeroizing::new(text);
        let Some((token_id, value_pasted)) = token_in(&text) else {
            return Err(DeskError::invalid_field(
                "search",
                "No token is named in what was pasted: a token's value starts with idt:TKN-, its id is TKN- and 8 digits.",
            ));
        };
        drop(text);
        let mut search =
            LeakSearch { token_id, value_pasted, found: Vec::new(), searched: Vec::new(), failed: Vec::new() };
        for connection in self.connections().connections {
            search.searched.push(connection.label.clone());
            match self.get_token(&connection.id, &search.token_id).await {
                Ok(token) => search.found.push(LeakHit {
                    connection_id: connection.id.clone(),
                    connection_label: connection.label.clone(),
                    token,
                }),
                Err(error) if matches!(error.kind, ErrorKind::NotFound | ErrorKind::Forbidden) => {}
                Err(error) => search.failed.push(format!("{}: {}", connection.label, error.message)),
            }
        }
        tracing::info!(
            token = %search.token_id, value_pasted = search.value_pasted, found = search.found.len(),
            "a pasted token was looked up"
        );
        Ok(search)
    }
}
