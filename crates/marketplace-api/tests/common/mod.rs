//! Shared setup of the tests: a simulator over real TLS and clients trusting its CA.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::time::Duration;

use marketplace_api::{ApiSecret, Client, ClientConfig, NewApiToken};
use marketplace_sim::{AccountKind, SimConfig, SimHandle};

/// Starts a simulator with `tokens_per_account` tokens per account.
pub async fn start_sim(tokens_per_account: usize) -> SimHandle {
    marketplace_sim::start(SimConfig { tokens_per_account, ..SimConfig::default() })
        .await
        .expect("the simulator starts")
}

pub use test_support::quick_retries;

/// A configuration for `kind`'s admin token, trusting the simulator's CA.
pub fn config_for(sim: &SimHandle, kind: AccountKind) -> ClientConfig {
    let mut config =
        ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(kind))).with_extra_ca_pem(sim.ca_pem());
    config.retry = quick_retries();
    config.request_timeout = Duration::from_secs(10);
    config
}

/// A client for `kind`'s admin token.
pub fn client_for(sim: &SimHandle, kind: AccountKind) -> Client {
    Client::new(config_for(sim, kind)).expect("the client builds")
}

/// A token to create in `account_id`, without modules.
pub fn new_token(account_id: &str, name: &str) -> NewApiToken {
    NewApiToken {
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        description: Some("Created by the marketplace-api tests".to_owned()),
        icon: None,
        module_ids: Vec::new(),
    }
}
