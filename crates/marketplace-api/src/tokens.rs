//! API token operations, and `whoami`.

use futures::stream::BoxStream;
use reqwest::Method;

use crate::client::{Client, item_path};
use crate::error::{Error, ErrorKind};
use crate::list_all::ListProgress;
use crate::models::{AccountRef, ApiToken, ApiTokenUpdate, NewApiToken, Page, TokenStatus};
use crate::rql::Query;

const API_TOKENS: &str = "/public/v1/accounts/api-tokens";

/// Who the client's secret belongs to: its token, and that token's account.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The token the secret is the value of.
    pub token: ApiToken,
    /// The account the token belongs to.
    pub account: AccountRef,
}

/// `?select=a,b` for reading one object; empty when `select` is.
pub(crate) fn select_query(select: &[&str]) -> Result<String, Error> {
    Ok(select.iter().fold(Query::new(), |query, field| query.select(*field)).to_query_string()?)
}

impl Client {
    /// One page of tokens matching `query`.
    pub async fn list_tokens(&self, query: &Query) -> Result<Page<ApiToken>, Error> {
        self.get_page(API_TOKENS, query).await
    }

    /// Every token matching `query`, page by page in order (see [`ListProgress`]).
    pub fn list_all_tokens(&self, query: Query) -> BoxStream<'static, Result<ListProgress<ApiToken>, Error>> {
        self.list_all(API_TOKENS, query)
    }

    /// One token; `select` may add default-omitted fields (`+modules`, `audit`) or leave
    /// some out (`-token`). Where the server refuses `-field`, the token is read without it
    /// and those fields are dropped on arrival.
    pub async fn get_token(&self, id: &str, select: &[&str]) -> Result<ApiToken, Error> {
        let query = select.iter().fold(Query::new(), |query, field| query.select(*field));
        self.get_item(&item_path(API_TOKENS, id)?, &query).await
    }

    /// Creates a token; the answer carries its secret value.
    pub async fn create_token(&self, token: &NewApiToken) -> Result<ApiToken, Error> {
        self.send_json(Method::POST, API_TOKENS, Some(token)).await
    }

    /// Changes the fields set in `update`.
    pub async fn update_token(&self, id: &str, update: &ApiTokenUpdate) -> Result<ApiToken, Error> {
        self.send_json(Method::PUT, &item_path(API_TOKENS, id)?, Some(update)).await
    }

    /// Deletes a token (a soft delete: its status becomes Deleted).
    pub async fn delete_token(&self, id: &str) -> Result<(), Error> {
        self.send_without_answer(Method::DELETE, &item_path(API_TOKENS, id)?).await
    }

    /// Enables a disabled token.
    pub async fn enable_token(&self, id: &str) -> Result<ApiToken, Error> {
        self.token_action(id, "enable").await
    }

    /// Disables an active token: it stops authenticating at once.
    pub async fn disable_token(&self, id: &str) -> Result<ApiToken, Error> {
        self.token_action(id, "disable").await
    }

    async fn token_action(&self, id: &str, action: &str) -> Result<ApiToken, Error> {
        let path = format!("{}/{action}", item_path(API_TOKENS, id)?);
        self.send_json(Method::POST, &path, None::<&()>).await
    }

    /// Who this client's secret belongs to, as SoftwareOne's own CLI checks it: take the token
    /// id out of `idt:TKN-…:…`, read that token with the secret, and require it to be Active.
    pub async fn whoami(&self) -> Result<Identity, Error> {
        let Some(token_id) = self.secret().token_id() else {
            return Err(Error::new(
                ErrorKind::InvalidSecret,
                "The API token must look like idt:TKN-1234-5678:… (as shown on the token's page in the portal).",
            ));
        };
        let token = self.get_token(token_id, &[]).await?;
        identity_of(token_id, token)
    }
}

/// The identity behind a token read with its own secret: only an Active token with an
/// account will do.
fn identity_of(token_id: &str, token: ApiToken) -> Result<Identity, Error> {
    if token.status != Some(TokenStatus::Active) {
        let status = token.status.as_ref().map_or("without a status", TokenStatus::as_str);
        return Err(Error::new(
            ErrorKind::InactiveToken,
            format!("API token {token_id} is {status}; only an Active token can be used."),
        ));
    }
    let Some(account) = token.account.clone() else {
        return Err(Error::new(ErrorKind::Undecodable, format!("API token {token_id} came back without its account.")));
    };
    Ok(Identity { token, account })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn token(status: serde_json::Value, with_account: bool) -> ApiToken {
        let mut value = json!({"id": "TKN-1234-5678", "status": status,
                               "token": concat!("idt:TKN-1234-5678:", "SecretSecretSecretSecret")});
        if with_account {
            value["account"] = json!({"id": "ACC-1234-5678", "name": "Stark", "type": "Vendor"});
        }
        serde_json::from_value(value).expect("decodes")
    }

    #[test]
    fn only_an_active_token_with_an_account_is_an_identity() {
        let me = identity_of("TKN-1234-5678", token(json!("Active"), true)).expect("active");
        assert_eq!(me.account.id, "ACC-1234-5678");

        for status in [json!("Disabled"), json!("Deleted"), json!("Suspended"), json!(null)] {
            let error = identity_of("TKN-1234-5678", token(status.clone(), true)).expect_err("inactive");
            assert_eq!(error.kind(), ErrorKind::InactiveToken, "{status}");
            let text = error.to_string();
            assert!(text.starts_with("The API token is not active. API token TKN-1234-5678 is "), "{text}");
            assert!(!format!("{text} {error:?}").contains("SecretSecret"));
        }
        let error = identity_of("TKN-1234-5678", token(json!("Active"), false)).expect_err("no account");
        assert_eq!(error.kind(), ErrorKind::Undecodable);
    }
}
