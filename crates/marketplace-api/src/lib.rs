//! A typed, careful HTTPS client of the SoftwareOne Marketplace REST API: API tokens, modules,
//! user groups and the audit trail.
//!
//! - [`Client::new`] takes a [`ClientConfig`]: base URL (https only), the API secret, extra
//!   CA certificates, timeouts, the retry policy.
//! - Every operation returns one [`Error`] type with a [`ErrorKind`] a UI can branch on, the
//!   server's ProblemDetails, and a human sentence as `Display`. No error ever contains a
//!   secret.
//! - [`rql`] builds list queries; `list_all_*` stream every page, fetched concurrently and
//!   delivered in order.
//!
//! ```no_run
//! # async fn demo() -> Result<(), marketplace_api::Error> {
//! use marketplace_api::{ApiSecret, Client, ClientConfig, rql::{Filter, Query}};
//! let client = Client::new(ClientConfig::new(
//!     "https://api.platform.softwareone.com",
//!     ApiSecret::new("idt:TKN-1234-5678:…"),
//! ))?;
//! let me = client.whoami().await?;
//! let active = client
//!     .list_tokens(&Query::new().filter(Filter::eq("status", "Active")).limit(20))
//!     .await?;
//! # Ok(()) }
//! ```

mod audit;
mod base_url;
mod client;
mod error;
mod list_all;
pub mod models;
mod modules;
mod retry;
pub mod rql;
mod secret;
mod tokens;
mod transport;

pub use base_url::normalized_base_url;
pub use client::{Client, ClientConfig};
pub use error::{Error, ErrorKind, FieldError};
pub use list_all::{ListProgress, collect_all};
pub use models::*;
pub use retry::RetryPolicy;
pub use secret::{ApiSecret, REDACTED, is_token_id, scrub};
pub use tokens::Identity;
