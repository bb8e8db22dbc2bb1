//! `marketplace-sim`: a faithful local SoftwareOne Marketplace REST API over TLS.
//!
//! It serves `/public/v1/accounts/api-tokens`, `accounts/modules`, `accounts/user-groups`,
//! `audit/records` and `audit/event-types` with RQL filtering, the list envelope,
//! ProblemDetails errors, account scoping, soft delete, an audit record for every change,
//! fault injection and deterministic seed data. See the crate README for the guesses it
//! makes where the platform's behaviour is not documented.
//!
//! ```no_run
//! # async fn demo() -> Result<(), marketplace_sim::SimError> {
//! use marketplace_sim::{AccountKind, SimConfig};
//! let sim = marketplace_sim::start(SimConfig::default()).await?;
//! let url = format!("{}/public/v1/accounts/api-tokens", sim.base_url());
//! let secret = sim.admin_secret(AccountKind::Vendor);
//! # let _ = (url, secret);
//! sim.stop().await;
//! # Ok(()) }
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod auth;
mod clock;
mod collection;
mod faults;
mod journal;
mod problem;
mod query;
mod resources;
mod routes;
pub mod rql;
mod seed;
mod server;
mod store;
mod tls;

pub use faults::{FaultAction, FaultParseError, FaultRule, FaultWhen, Faults};
pub use journal::{Arrival, Journal};
pub use store::CallOrigin;

use store::Store;

/// The three kinds of platform account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// The platform operator (SoftwareOne).
    Operations,
    /// A vendor (publisher).
    Vendor,
    /// A client (buyer).
    Client,
}

impl AccountKind {
    /// All three, in the order the seed creates them.
    pub const ALL: [AccountKind; 3] = [AccountKind::Operations, AccountKind::Vendor, AccountKind::Client];

    /// The account `type` as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Operations => "Operations",
            AccountKind::Vendor => "Vendor",
            AccountKind::Client => "Client",
        }
    }
}

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Seed of all generated data (ids, names, secrets, history).
    pub seed: u64,
    /// Tokens per account besides its admin token.
    pub tokens_per_account: usize,
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Fault rules active from the start (more can be added through [`SimHandle::faults`]).
    pub faults: Vec<FaultRule>,
    /// `PUT api-tokens/{id}` replaces the editable fields instead of merging
    /// the ones sent. Guess: the platform documents neither, so a client must
    /// be right under both; this lets tests hold it to that.
    pub put_replaces: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self { seed: 42, tokens_per_account: 5, port: 0, faults: Vec::new(), put_replaces: false }
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Certificate generation or TLS configuration failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// The port could not be bound.
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The requested port.
        port: u16,
        /// The socket error.
        source: std::io::Error,
    },
}

/// Shared state of the request handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    store: Arc<RwLock<Store>>,
    /// See [`SimConfig::put_replaces`].
    pub(crate) put_replaces: bool,
}

impl AppState {
    /// Read access to the data. Handlers never hold it across an `.await`, so a poisoned
    /// lock can only come from a panic between consistent states; keep serving.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Write access to the data.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running simulator. Dropping it (or [`SimHandle::stop`]) shuts the server down.
pub struct SimHandle {
    base_url: String,
    ca_pem: String,
    admin_secrets: Vec<String>,
    account_ids: Vec<String>,
    faults: Faults,
    journal: Journal,
    store: Arc<RwLock<Store>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The admin secrets stay out of debug output.
        f.debug_struct("SimHandle").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

fn kind_index(kind: AccountKind) -> usize {
    match kind {
        AccountKind::Operations => 0,
        AccountKind::Vendor => 1,
        AccountKind::Client => 2,
    }
}

impl SimHandle {
    /// Records that `token_id` called the API from `origin` just now, as the
    /// platform's audit trail would (a test's way to make a token act from
    /// somewhere other than 127.0.0.1). False when there is no such token.
    pub fn record_token_activity(&self, token_id: &str, origin: &CallOrigin) -> bool {
        let mut store = self.store.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if store.tokens.get(token_id).is_none() {
            return false;
        }
        store.record_token_activity(token_id, origin, clock::now_millis());
        true
    }

    /// `https://127.0.0.1:PORT`, without the `/public/v1` prefix.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// PEM of the CA that signed the server certificate (SANs 127.0.0.1, ::1, localhost).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The full `idt:TKN-dddd-dddd:<64>` secret of that account's admin token (Active,
    /// holding every module the account may assign).
    pub fn admin_secret(&self, kind: AccountKind) -> &str {
        &self.admin_secrets[kind_index(kind)]
    }

    /// The `ACC-dddd-dddd` id of that account.
    pub fn account_id(&self, kind: AccountKind) -> &str {
        &self.account_ids[kind_index(kind)]
    }

    /// The fault rules of this simulator.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The requests this simulator received, with their arrival times.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Shuts the server down and waits until it has stopped: the listener is closed and
    /// every open connection is dropped.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Generates TLS material and seed data, binds 127.0.0.1 and starts serving.
pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
    let tls = tls::generate()?;
    let mut store = Store::new(config.seed);
    seed::populate(&mut store, config.tokens_per_account);
    let admin_secrets = store
        .admin_tokens
        .iter()
        .map(|id| store.tokens.get(id).and_then(|t| t["token"].as_str()).unwrap_or_default().to_string())
        .collect();
    let account_ids = store.accounts.iter().map(|a| a.id.clone()).collect();

    let faults = Faults::new(config.seed);
    for rule in config.faults {
        faults.add(rule);
    }
    let store = Arc::new(RwLock::new(store));
    let state = AppState { store: store.clone(), put_replaces: config.put_replaces };
    let journal = Journal::default();
    let router = routes::router(state, faults.clone(), journal.clone());

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
    let listener = TcpListener::bind(address).await.map_err(|source| SimError::Bind { port: config.port, source })?;
    let port = listener.local_addr().map_err(|source| SimError::Bind { port: config.port, source })?.port();
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config);
    let server = tokio::spawn(server::serve(listener, acceptor, router));
    Ok(SimHandle {
        base_url: format!("https://127.0.0.1:{port}"),
        ca_pem: tls.ca_pem,
        admin_secrets,
        account_ids,
        faults,
        journal,
        store,
        server: Some(server),
    })
}
