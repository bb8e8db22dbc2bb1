//! Reliability against the simulator's injected faults: retries, Retry-After, dropped
//! connections, timeouts, malformed bodies, and TLS trust.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::time::{Duration, Instant};

use common::{client_for, config_for, new_token, start_sim};
use marketplace_api::rql::Query;
use marketplace_api::{ApiSecret, Client, ClientConfig, ErrorKind, RetryPolicy};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

const TOKENS: &str = "/public/v1/accounts/api-tokens";

fn rule(method: &str, action: FaultAction, when: FaultWhen) -> FaultRule {
    FaultRule { method: Some(method.to_owned()), path: Some(TOKENS.to_owned()), action, when }
}

async fn token_count(client: &Client) -> u64 {
    client.list_tokens(&Query::new().limit(0)).await.expect("count").total.expect("total")
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after_then_succeeds() {
    let sim = start_sim(1).await;
    let client = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(rule("GET", FaultAction::TooManyRequests { retry_after_secs: 1 }, FaultWhen::NextN(1)));
    let started = Instant::now();
    let page = client.list_tokens(&Query::new()).await.expect("succeeds after waiting");
    assert_eq!(page.items.len(), 2);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "Retry-After: 1 was honoured ({waited:?})");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn too_many_requests_that_persists_is_rate_limited_with_retry_after() {
    let sim = start_sim(0).await;
    let mut config = config_for(&sim, AccountKind::Vendor);
    // The announced wait does not fit the time budget: give up at once and say so.
    config.retry = RetryPolicy { max_elapsed: Duration::from_secs(5), ..common::quick_retries() };
    let client = Client::new(config).expect("builds");
    sim.faults().add(rule("GET", FaultAction::TooManyRequests { retry_after_secs: 30 }, FaultWhen::Always));
    let started = Instant::now();
    let error = client.list_tokens(&Query::new()).await.expect_err("rate limited");
    assert!(started.elapsed() < Duration::from_secs(2), "did not sleep past the budget");
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.is_transient());
}

#[tokio::test]
async fn service_unavailable_twice_then_success() {
    let sim = start_sim(1).await;
    let client = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(rule("GET", FaultAction::Status(503), FaultWhen::NextN(2)));
    let page = client.list_tokens(&Query::new()).await.expect("third attempt succeeds");
    assert_eq!(page.items.len(), 2);
}

#[tokio::test]
async fn retries_are_bounded_in_count() {
    let sim = start_sim(0).await;
    let client = client_for(&sim, AccountKind::Vendor);
    // 4 failures = the first attempt and the 3 retries of `quick_retries`; the 5th would succeed.
    sim.faults().add(rule("GET", FaultAction::Status(502), FaultWhen::NextN(4)));
    let error = client.list_tokens(&Query::new()).await.expect_err("gives up after 3 retries");
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.status(), Some(502));
    client.list_tokens(&Query::new()).await.expect("the rule is used up, so the next call works");
}

#[tokio::test]
async fn server_errors_are_not_retried_for_writes() {
    let sim = start_sim(0).await;
    let client = client_for(&sim, AccountKind::Vendor);
    let before = token_count(&client).await;
    sim.faults().add(rule("POST", FaultAction::Status(503), FaultWhen::NextN(1)));
    let token = new_token(sim.account_id(AccountKind::Vendor), "Not retried");
    let error = client.create_token(&token).await.expect_err("503 is returned, not retried");
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.status(), Some(503));
    assert_eq!(token_count(&client).await, before);
    // The rule fired once; had the client retried, the second attempt would have created it.
    client.create_token(&token).await.expect("works now");
    assert_eq!(token_count(&client).await, before + 1);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads_only() {
    let sim = start_sim(1).await;
    let client = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(rule("GET", FaultAction::DropConnection, FaultWhen::NextN(1)));
    let page = client.list_tokens(&Query::new()).await.expect("the read is retried");
    assert_eq!(page.items.len(), 2);

    let before = token_count(&client).await;
    sim.faults().add(rule("POST", FaultAction::DropConnection, FaultWhen::NextN(1)));
    let token = new_token(sim.account_id(AccountKind::Vendor), "Maybe created");
    let error = client.create_token(&token).await.expect_err("a write that may have arrived is not repeated");
    assert_eq!(error.kind(), ErrorKind::Network);
    assert_eq!(error.status(), None);
    assert_eq!(token_count(&client).await, before);
}

#[tokio::test]
async fn a_write_that_never_reached_the_server_is_retried() {
    // Nothing listens on the port of a stopped simulator: connecting fails, so the request
    // surely never arrived and even a POST may be tried again.
    let sim = start_sim(0).await;
    let config = config_for(&sim, AccountKind::Vendor);
    sim.stop().await;
    let client = Client::new(config).expect("builds");
    let started = Instant::now();
    let error = client.disable_token("TKN-0000-0000").await.expect_err("nothing listens");
    assert_eq!(error.kind(), ErrorKind::Network);
    // Three retries with backoff from 20 ms took some time; no retry would have taken ~0.
    assert!(started.elapsed() >= Duration::from_millis(30), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_slow_answer_times_out_and_a_read_is_retried() {
    let sim = start_sim(0).await;
    let mut config = config_for(&sim, AccountKind::Vendor);
    config.request_timeout = Duration::from_millis(300);
    let client = Client::new(config).expect("builds");
    sim.faults().add(rule("GET", FaultAction::Latency(Duration::from_secs(2)), FaultWhen::NextN(1)));
    client.list_tokens(&Query::new()).await.expect("the second attempt is fast");

    sim.faults().add(rule("GET", FaultAction::Latency(Duration::from_secs(2)), FaultWhen::Always));
    let started = Instant::now();
    let error = client.list_tokens(&Query::new()).await.expect_err("always slow");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3), "each attempt was cut at 300 ms");
    assert!(error.to_string().contains("did not answer in time"), "{error}");
}

#[tokio::test]
async fn a_malformed_body_is_undecodable_with_an_excerpt() {
    let sim = start_sim(0).await;
    let client = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(rule("GET", FaultAction::MalformedBody, FaultWhen::NextN(1)));
    let error = client.list_tokens(&Query::new()).await.expect_err("malformed");
    assert_eq!(error.kind(), ErrorKind::Undecodable);
    let excerpt = error.body_excerpt().expect("an excerpt");
    assert!(!excerpt.is_empty() && excerpt.chars().count() <= 201, "{excerpt}");
}

#[tokio::test]
async fn other_statuses_map_to_their_kinds() {
    let sim = start_sim(0).await;
    let client = client_for(&sim, AccountKind::Vendor);
    for (status, kind) in [(409, ErrorKind::Conflict), (500, ErrorKind::Server), (415, ErrorKind::UnexpectedStatus)] {
        sim.faults().add(rule("GET", FaultAction::Status(status), FaultWhen::NextN(1)));
        let error = client.list_tokens(&Query::new()).await.expect_err("injected");
        assert_eq!((error.kind(), error.status()), (kind, Some(status)), "{error}");
        assert!(error.title().is_some(), "the simulator answers ProblemDetails: {error:?}");
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let sim = start_sim(0).await;
    // The platform's roots only: the simulator's own CA is not among them.
    let config = ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Vendor)));
    let client = Client::new(config).expect("builds");
    let error = client.whoami().await.expect_err("untrusted");
    assert_eq!(error.kind(), ErrorKind::Tls, "{error:?}");
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_broken_extra_ca_is_refused_when_building() {
    let config = ClientConfig::new("https://127.0.0.1:9", ApiSecret::new("idt:TKN-1234-5678:x"))
        .with_extra_ca_pem("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    let error = Client::new(config).expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidCaCertificate);
}

/// How many requests reached `path` on `sim`.
fn arrivals_at(sim: &marketplace_sim::SimHandle, path: &str) -> usize {
    sim.journal().arrivals().iter().filter(|arrival| arrival.path == path).count()
}

#[tokio::test]
async fn redirects_are_not_followed_and_say_where_they_lead() {
    const EVENT_TYPES: &str = "/public/v1/audit/event-types";
    let sim = start_sim(0).await;
    let elsewhere = start_sim(0).await;
    let client = client_for(&sim, AccountKind::Vendor);
    let redirect = |location: String| FaultRule {
        method: Some("GET".into()),
        path: Some(EVENT_TYPES.into()),
        action: FaultAction::Redirect { status: 302, location },
        when: FaultWhen::NextN(1),
    };

    // To the same address: followed, the second request would succeed (the rule is used up).
    sim.faults().add(redirect(EVENT_TYPES.to_owned()));
    let error = client.list_event_types(&Query::new()).await.expect_err("not followed");
    assert_eq!((error.kind(), error.status()), (ErrorKind::UnexpectedStatus, Some(302)));
    let text = error.to_string();
    assert!(text.contains(&format!("It redirected the request to {}.", sim.base_url())), "{text}");
    assert!(text.contains("This client follows no redirects"), "{text}");
    assert_eq!(arrivals_at(&sim, EVENT_TYPES), 1, "neither followed nor retried");

    // To another server: nothing reaches it.
    sim.faults().add(redirect(format!("{}{EVENT_TYPES}?limit=1", elsewhere.base_url())));
    let error = client.list_event_types(&Query::new()).await.expect_err("not followed");
    assert_eq!(error.status(), Some(302));
    let text = error.to_string();
    assert!(text.contains(&format!("It redirected the request to {}.", elsewhere.base_url())), "{text}");
    assert!(!text.contains("limit=1"), "only the origin is told: {text}");
    assert!(elsewhere.journal().arrivals().is_empty(), "{:?}", elsewhere.journal().arrivals());
    assert_eq!(arrivals_at(&sim, EVENT_TYPES), 2);
}

fn oversized(bytes: u64, declare_length: bool) -> FaultRule {
    rule("GET", FaultAction::OversizedBody { bytes, declare_length }, FaultWhen::NextN(1))
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_refused_with_or_without_a_length() {
    const CAP: usize = 1024 * 1024;
    let sim = start_sim(0).await;
    let mut config = config_for(&sim, AccountKind::Vendor);
    config.max_body_bytes = CAP;
    let client = Client::new(config).expect("builds");
    for declare_length in [false, true] {
        // Exactly the cap is read whole (a valid, empty list padded to size).
        sim.faults().add(oversized(CAP as u64, declare_length));
        let page = client.list_tokens(&Query::new()).await.expect("at the cap");
        assert!(page.items.is_empty());

        // One byte more is refused, and not retried.
        let before = arrivals_at(&sim, TOKENS);
        sim.faults().add(oversized(CAP as u64 + 1, declare_length));
        let error = client.list_tokens(&Query::new()).await.expect_err("over the cap");
        assert_eq!((error.kind(), error.status()), (ErrorKind::Undecodable, Some(200)), "{error}");
        assert!(error.to_string().contains("larger than the 1 MiB this client reads"), "{error}");
        assert_eq!(arrivals_at(&sim, TOKENS), before + 1, "declared length {declare_length}");
    }
}

#[tokio::test]
async fn the_default_cap_is_16_mib_even_without_a_declared_length() {
    const MIB: u64 = 1024 * 1024;
    let sim = start_sim(0).await;
    let config = config_for(&sim, AccountKind::Vendor);
    assert_eq!(config.max_body_bytes, 16 * MIB as usize);
    let client = Client::new(config).expect("builds");
    sim.faults().add(oversized(16 * MIB, false));
    client.list_tokens(&Query::new()).await.expect("16 MiB is read");
    sim.faults().add(oversized(16 * MIB + 1, false));
    let error = client.list_tokens(&Query::new()).await.expect_err("over 16 MiB");
    assert!(error.to_string().contains("larger than the 16 MiB this client reads"), "{error}");
}
