//! Bearer authentication and the caller's permissions.
//!
//! Missing, malformed, unknown, disabled or deleted tokens get 401 (docs/marketplace-api.md §5.5: the
//! status for disabled tokens is a guess there, 401 the likeliest). Vendor and client
//! callers are scoped to their own account; operations with Platform Account Management
//! see every account.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use serde_json::json;

use crate::AccountKind;
use crate::AppState;
use crate::clock::{format_millis, now_millis};
use crate::problem::Problem;
use crate::server::ConnectionControl;
use crate::store::{ACCESS_MANAGEMENT, Actor, PLATFORM_ACCOUNT_MANAGEMENT};

/// `lastAccessAt` is refreshed only when older than this: the platform updates it when the
/// token's internal session is renewed, not on every call (docs/marketplace-api.md §5.2).
// Guess: the session length is not documented; ten minutes is a plausible one.
const LAST_ACCESS_REFRESH_MILLIS: i64 = 10 * 60 * 1000;

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The calling token's id.
    pub token_id: String,
    /// Index of the caller's account in the store.
    pub account: usize,
    /// The caller's account id.
    pub account_id: String,
    /// The caller's account type.
    pub kind: AccountKind,
    /// Codes of the caller token's modules.
    pub modules: Vec<String>,
    /// The caller as the actor of audit records.
    pub actor: Actor,
}

impl Caller {
    fn has_module(&self, code: &str) -> bool {
        self.modules.iter().any(|m| m == code)
    }

    /// Operations with Platform Account Management reach every account.
    pub fn sees_all_accounts(&self) -> bool {
        self.kind == AccountKind::Operations && self.has_module(PLATFORM_ACCOUNT_MANAGEMENT)
    }

    /// Whether the caller may see objects of `account_id`.
    pub fn can_see_account(&self, account_id: &str) -> bool {
        self.sees_all_accounts() || self.account_id == account_id
    }

    /// Token management needs Access Management within the own account, or Platform
    /// Account Management for operations (docs/marketplace-api.md §6).
    pub fn require_token_management(&self) -> Result<(), Problem> {
        if self.has_module(ACCESS_MANAGEMENT) || self.sees_all_accounts() {
            Ok(())
        } else {
            Err(Problem::forbidden("The token has no Access Management module, which API token management requires"))
        }
    }

    /// The module catalog is for operations only; vendor and client get 403 (docs/marketplace-api.md §7.1).
    pub fn require_operations(&self, what: &str) -> Result<(), Problem> {
        if self.sees_all_accounts() {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "{what} is available to Operations accounts with Platform Account Management only; this token belongs to a {} account",
                self.kind.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let header_value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| Problem::unauthorized("The Authorization header is missing"))?;
        let secret = header_value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| Problem::unauthorized("The Authorization header must be 'Bearer <API token>'"))?;
        let ip = parts.extensions.get::<ConnectionControl>().map(|c| c.peer.ip().to_string());
        let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);

        let now = now_millis();
        let (caller, refresh) = {
            let store = state.read();
            let invalid = || Problem::unauthorized("The API token is not valid");
            let token_id = store.secrets.get(secret).ok_or_else(invalid)?;
            let token = store.tokens.get(token_id).ok_or_else(invalid)?;
            if token["status"] != "Active" {
                // Never say which part was wrong, and never echo the secret.
                return Err(invalid());
            }
            let account = store.token_account.get(token_id).copied().ok_or_else(invalid)?;
            let refresh = token
                .get("lastAccessAt")
                .and_then(|v| v.as_str())
                .is_none_or(|last| last < format_millis(now - LAST_ACCESS_REFRESH_MILLIS).as_str());
            let caller = Caller {
                token_id: token_id.clone(),
                account,
                account_id: store.accounts[account].id.clone(),
                kind: store.accounts[account].kind,
                modules: store.token_module_codes(token),
                actor: Actor {
                    id: token_id.clone(),
                    name: token["name"].as_str().unwrap_or_default().to_string(),
                    account,
                    ip,
                    user_agent,
                },
            };
            (caller, refresh)
        };
        if refresh {
            let mut store = state.write();
            store.tokens.update(&caller.token_id, |token| token["lastAccessAt"] = json!(format_millis(now)));
        }
        Ok(caller)
    }
}
