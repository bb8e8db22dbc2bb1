//! Looking behind the app's back: the simulator through the operations admin,
//! who sees every account's tokens and is never the one a test disables.

#![allow(dead_code, reason = "each test crate uses its own part of the harness")]

use marketplace_api::Client;
use marketplace_sim::{AccountKind, SimHandle};

/// A client of the simulator as the operations admin.
pub fn operations(sim: &SimHandle) -> Client {
    test_support::admin_client(sim, AccountKind::Operations)
}

/// A client of the simulator as the vendor's admin (the account the tests
/// connect as), to check what the screens did.
pub fn vendor(sim: &SimHandle) -> Client {
    test_support::admin_client(sim, AccountKind::Vendor)
}

/// A token's status as the Marketplace has it.
pub async fn status_of(sim: &SimHandle, token_id: &str) -> String {
    let token = operations(sim).get_token(token_id, &[]).await.expect("the token");
    token.status.map(|status| status.as_str().to_owned()).unwrap_or_default()
}
