//! No error, log line or panic message ever contains a secret: every error kind is produced
//! against the simulator with the secret inside the request URL too (a filter on `token`),
//! and its Display, Debug and source chain are searched for it, as is everything logged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::time::Duration;

use common::{client_for, config_for, new_token, start_sim};
use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, Client, ClientConfig, Error, ErrorKind, REDACTED, RetryPolicy};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

/// Everything an error can show: Display, Debug, and each source's Display and Debug.
fn everything_shown(error: &Error) -> String {
    let mut shown = format!("{error}\n{error:?}\n{error:#?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    shown
}

fn assert_hidden(secret: &str, shown: &str, what: &str) {
    let opaque = secret.rsplit(':').next().expect("a secret has parts");
    assert!(!shown.contains(opaque), "{what} shows the secret:\n{shown}");
    let encoded = opaque.get(..16).expect("long secret");
    assert!(!shown.contains(encoded), "{what} shows part of the secret:\n{shown}");
}

fn fault(action: FaultAction) -> FaultRule {
    FaultRule { method: None, path: Some("/public/v1/".into()), action, when: FaultWhen::NextN(1) }
}

#[tokio::test]
async fn no_error_kind_and_no_log_line_shows_a_secret() {
    let captured = test_support::LogCapture::for_the_process();

    let sim = start_sim(1).await;
    let secret = sim.admin_secret(AccountKind::Vendor).to_owned();
    let client = client_for(&sim, AccountKind::Vendor);
    // The caller's own secret in the URL, as a filter on `token` puts it there.
    let by_secret = Query::new().filter(Filter::eq("token", secret.as_str()));
    let mut seen = Vec::new();

    let mut check = |error: Error, kind: ErrorKind| {
        assert_eq!(error.kind(), kind, "{error:?}");
        assert_hidden(&secret, &everything_shown(&error), &format!("{kind:?}"));
        seen.push(kind);
    };

    let http = ClientConfig::new(format!("http://127.0.0.1:9/{secret}"), ApiSecret::new(secret.as_str()));
    check(Client::new(http).expect_err("http"), ErrorKind::InvalidConfiguration);

    let mut legacy = config_for(&sim, AccountKind::Vendor);
    let legacy_secret = "LegacyOpaqueSecretWithoutAnyPrefix0123456789";
    legacy.secret = ApiSecret::new(legacy_secret);
    let error = Client::new(legacy).expect("builds").whoami().await.expect_err("legacy");
    assert_hidden(legacy_secret, &everything_shown(&error), "InvalidSecret");
    check(error, ErrorKind::InvalidSecret);

    let mut wrong = config_for(&sim, AccountKind::Vendor);
    let wrong_secret = "idt:TKN-1234-5678:WrongSecretWrongSecretWrongSecretWrongSecret";
    wrong.secret = ApiSecret::new(wrong_secret);
    let error = Client::new(wrong).expect("builds").list_tokens(&by_secret).await.expect_err("401");
    assert_hidden(wrong_secret, &everything_shown(&error), "Unauthorized");
    check(error, ErrorKind::Unauthorized);

    check(client.list_modules(&by_secret).await.expect_err("403"), ErrorKind::Forbidden);
    check(client.get_token("TKN-0000-0000", &[]).await.expect_err("404"), ErrorKind::NotFound);
    let mut invalid = new_token(sim.account_id(AccountKind::Vendor), "");
    invalid.description = Some(secret.clone());
    check(client.create_token(&invalid).await.expect_err("400"), ErrorKind::Validation);

    let statuses = [(409, ErrorKind::Conflict), (503, ErrorKind::Server), (415, ErrorKind::UnexpectedStatus)];
    let mut no_retry = config_for(&sim, AccountKind::Vendor);
    no_retry.retry = RetryPolicy::none();
    no_retry.request_timeout = Duration::from_millis(300);
    let no_retry = Client::new(no_retry).expect("builds");
    for (status, kind) in statuses {
        sim.faults().add(fault(FaultAction::Status(status)));
        check(no_retry.list_tokens(&by_secret).await.expect_err("injected"), kind);
    }
    sim.faults().add(fault(FaultAction::TooManyRequests { retry_after_secs: 60 }));
    check(no_retry.list_tokens(&by_secret).await.expect_err("429"), ErrorKind::RateLimited);
    sim.faults().add(fault(FaultAction::DropConnection));
    check(no_retry.list_tokens(&by_secret).await.expect_err("dropped"), ErrorKind::Network);
    sim.faults().add(fault(FaultAction::Latency(Duration::from_secs(2))));
    check(no_retry.list_tokens(&by_secret).await.expect_err("slow"), ErrorKind::Timeout);
    sim.faults().add(fault(FaultAction::MalformedBody));
    check(no_retry.list_tokens(&by_secret).await.expect_err("malformed"), ErrorKind::Undecodable);

    let untrusted = ClientConfig::new(sim.base_url(), ApiSecret::new(secret.as_str()));
    let error = Client::new(untrusted).expect("builds").list_tokens(&by_secret).await.expect_err("tls");
    check(error, ErrorKind::Tls);

    // A successful call with the secret in the URL, and retries, are logged too; one retry
    // follows an answer that repeats the Authorization header.
    sim.faults().add(fault(FaultAction::Status(503)));
    client.list_tokens(&by_secret).await.expect("retried");
    sim.faults().add(fault(FaultAction::EchoAuthorization { status: 503 }));
    client.list_tokens(&by_secret).await.expect("retried after an echo");

    assert_eq!(seen.len(), 14, "{seen:?}");
    let logs = captured.text();
    assert!(logs.contains("retrying Marketplace request"), "the retry was logged:\n{logs}");
    assert_hidden(&secret, &logs, "the logs");
}

/// Every part of an error a caller could show or store.
fn every_part(error: &Error) -> String {
    let mut parts = everything_shown(error);
    for text in [error.title(), error.detail(), error.body_excerpt(), error.trace_id()].into_iter().flatten() {
        parts.push('\n');
        parts.push_str(text);
    }
    for field_error in error.field_errors() {
        parts.push_str(&format!("\n{:?}: {}", field_error.field, field_error.message));
    }
    parts
}

#[tokio::test]
async fn a_server_that_echoes_the_authorization_header_never_gets_it_shown() {
    let sim = start_sim(1).await;
    let own_secret = sim.admin_secret(AccountKind::Vendor).to_owned();
    // The older format has no `idt:TKN-…:` shape to recognise: only the known secret can be.
    let legacy_secret = "LegacyOpaqueSecretWithoutAnyPrefix0123456789".to_owned();
    let token_id = ApiSecret::new(own_secret.as_str()).token_id().expect("an id").to_owned();
    let echoes = [
        FaultAction::EchoAuthorization { status: 400 },
        FaultAction::EchoAuthorization { status: 401 },
        FaultAction::EchoAuthorization { status: 500 },
        FaultAction::EchoAuthorization { status: 200 },
        FaultAction::EchoAuthorizationHtml { status: 502 },
        FaultAction::EchoAuthorizationHtml { status: 403 },
        FaultAction::EchoAuthorizationHtml { status: 200 },
    ];
    for secret in [own_secret, legacy_secret] {
        let mut config = config_for(&sim, AccountKind::Vendor);
        config.secret = ApiSecret::new(secret.as_str());
        config.retry = RetryPolicy::none();
        let client = Client::new(config).expect("builds");
        for echo in &echoes {
            for call in ["get", "list", "create"] {
                sim.faults().add(fault(echo.clone()));
                let result = match call {
                    "get" => client.get_token(&token_id, &["audit"]).await.map(drop),
                    // A ProblemDetails at 200 reads as an empty list envelope: not an error.
                    "list" if *echo == (FaultAction::EchoAuthorization { status: 200 }) => {
                        sim.faults().clear();
                        continue;
                    }
                    "list" => client.list_tokens(&Query::new()).await.map(drop),
                    _ => client.create_token(&new_token(sim.account_id(AccountKind::Vendor), "x")).await.map(drop),
                };
                let error = result.expect_err("the echo is an error");
                let shown = every_part(&error);
                let what = format!("{echo:?} on {call}, {:?}", error.kind());
                assert_hidden(&secret, &shown, &what);
                // The echo did arrive, redacted, so the check above was not vacuous.
                assert!(shown.contains("Bearer ") && shown.contains(REDACTED), "{what}:\n{shown}");
            }
        }
    }
}
