//! Fault injection through the library handle and the binary's flags, seed determinism,
//! TLS, and shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Sim, TOKENS, assert_conforms, assert_problem, client_not_following_redirects, client_trusting};
use marketplace_sim::AccountKind::{Client, Operations, Vendor};
use marketplace_sim::{FaultAction, FaultRule, FaultWhen, SimConfig};
use reqwest::StatusCode;

fn rule(method: Option<&str>, path: Option<&str>, action: FaultAction, when: FaultWhen) -> FaultRule {
    FaultRule { method: method.map(str::to_string), path: path.map(str::to_string), action, when }
}

async fn status_of(sim: &Sim, path: &str) -> StatusCode {
    sim.client.get(sim.url(path)).bearer_auth(sim.secret(Vendor)).send().await.expect("answer").status()
}

#[tokio::test]
async fn status_for_the_next_n_requests_then_normal() {
    let sim = Sim::start().await;
    sim.handle.faults().add(rule(Some("GET"), Some(TOKENS), FaultAction::Status(503), FaultWhen::NextN(2)));
    let answer = sim.get(Vendor, TOKENS).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_problem(&answer);
    // Other routes and methods are not affected, and do not use up the count.
    assert_eq!(status_of(&sim, "/public/v1/audit/event-types").await, StatusCode::OK);
    let created = sim
        .client
        .post(sim.url(TOKENS))
        .bearer_auth(sim.secret(Vendor))
        .json(&serde_json::json!({"account": {"id": sim.handle.account_id(Vendor)}, "name": "x"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK);
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK);
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let sim = Sim::start().await;
    sim.handle.faults().add(rule(None, None, FaultAction::TooManyRequests { retry_after_secs: 7 }, FaultWhen::Always));
    let answer = sim.get(Client, TOKENS).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("7"));
    sim.handle.faults().clear();
    assert_eq!(sim.get(Client, TOKENS).await.status, StatusCode::OK);
}

#[tokio::test]
async fn latency_combines_with_a_normal_answer() {
    let sim = Sim::start().await;
    sim.handle.faults().add(rule(
        None,
        Some("/public/v1/accounts"),
        FaultAction::Latency(Duration::from_millis(300)),
        FaultWhen::Always,
    ));
    let started = Instant::now();
    let answer = sim.get(Vendor, TOKENS).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(status_of(&sim, "/public/v1/audit/event-types").await, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(300), "path prefix limits the rule");
    // Latency then an error: both apply.
    sim.handle.faults().add(rule(None, None, FaultAction::Status(500), FaultWhen::NextN(1)));
    let started = Instant::now();
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn dropped_connection_gets_no_response() {
    let sim = Sim::start().await;
    sim.handle.faults().add(rule(Some("GET"), None, FaultAction::DropConnection, FaultWhen::NextN(1)));
    let error = sim.client.get(sim.url(TOKENS)).bearer_auth(sim.secret(Vendor)).send().await.expect_err("no response");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    // The server keeps serving new connections.
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK);
}

#[tokio::test]
async fn malformed_body_is_200_with_invalid_json() {
    let sim = Sim::start().await;
    sim.handle.faults().add(rule(None, Some(TOKENS), FaultAction::MalformedBody, FaultWhen::NextN(1)));
    let response = sim.client.get(sim.url(TOKENS)).bearer_auth(sim.secret(Vendor)).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "{text}");
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK);
}

#[tokio::test]
async fn echo_faults_repeat_the_authorization_header_in_problem_details_and_html() {
    let sim = Sim::start().await;
    let secret = sim.secret(Vendor);
    let sent = format!("Bearer {secret}");

    sim.handle.faults().add(rule(
        None,
        Some(TOKENS),
        FaultAction::EchoAuthorization { status: 401 },
        FaultWhen::NextN(1),
    ));
    let answer = sim.get(Vendor, TOKENS).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_problem(&answer);
    let body = &answer.body;
    for (what, text) in [
        ("title", body["title"].as_str()),
        ("detail", body["detail"].as_str()),
        ("errors.Authorization", body["errors"]["Authorization"][0].as_str()),
    ] {
        assert!(text.is_some_and(|t| t.contains(&sent)), "{what}: {body}");
    }
    assert!(body["errors"][sent.as_str()].is_array(), "the header is also an errors key: {body}");

    sim.handle.faults().add(rule(
        None,
        Some(TOKENS),
        FaultAction::EchoAuthorizationHtml { status: 200 },
        FaultWhen::NextN(1),
    ));
    let response = sim.client.get(sim.url(TOKENS)).bearer_auth(&secret).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    let page = response.text().await.expect("body");
    assert!(page.contains(&format!("<pre>Authorization: {sent}</pre>")), "{page}");
    // The rules are used up: normal answers again.
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK);
}

#[tokio::test]
async fn redirect_answers_a_3xx_with_its_location() {
    let sim = Sim::start().await;
    let location = "/public/v1/audit/event-types?limit=1";
    let redirect = FaultAction::Redirect { status: 302, location: location.into() };
    sim.handle.faults().add(rule(Some("GET"), Some(TOKENS), redirect, FaultWhen::NextN(1)));
    let client = client_not_following_redirects(sim.handle.ca_pem());
    let response = client.get(sim.url(TOKENS)).bearer_auth(sim.secret(Vendor)).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some(location));
    assert_eq!(status_of(&sim, TOKENS).await, StatusCode::OK, "used up");
}

#[tokio::test]
async fn oversized_bodies_are_valid_json_of_the_asked_size_with_or_without_a_length() {
    let sim = Sim::start().await;
    for declare_length in [false, true] {
        let bytes = 300_000;
        let action = FaultAction::OversizedBody { bytes, declare_length };
        sim.handle.faults().add(rule(Some("GET"), Some(TOKENS), action, FaultWhen::NextN(1)));
        let response = sim.client.get(sim.url(TOKENS)).bearer_auth(sim.secret(Vendor)).send().await.expect("answer");
        assert_eq!(response.status(), StatusCode::OK);
        let length = response.headers().get("content-length").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let chunked = response.headers().get("transfer-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if declare_length {
            assert_eq!(length.as_deref(), Some("300000"));
        } else {
            assert_eq!((length, chunked.as_deref()), (None, Some("chunked")));
        }
        let body = response.bytes().await.expect("body");
        assert_eq!(body.len() as u64, bytes);
        let list: serde_json::Value = serde_json::from_slice(&body).expect("valid JSON");
        assert_conforms("ApiTokenListResponse", &serde_json::json!({ "$meta": list["$meta"], "data": list["data"] }));
    }
}

#[tokio::test]
async fn a_rejected_field_is_a_validation_problem_naming_it_then_creation_works() {
    let sim = Sim::start().await;
    let reject = FaultAction::FieldRejected { field: "name".into() };
    sim.handle.faults().add(rule(Some("POST"), Some(TOKENS), reject, FaultWhen::NextN(1)));
    let body = serde_json::json!({ "name": "Nightly export", "account": { "id": sim.handle.account_id(Vendor) } });
    let secret = sim.secret(Vendor);
    let refused = sim.send(reqwest::Method::POST, TOKENS, Some(&secret), Some(&body)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["title"], "Bad Request", "{}", refused.body);
    assert_eq!(refused.body["detail"], "One or more validation errors occurred.", "{}", refused.body);
    let messages = refused.body["errors"]["name"].as_array().expect("errors.name");
    assert!(messages[0].as_str().is_some_and(|m| m.contains("name")), "{}", refused.body);
    let created = sim.send(reqwest::Method::POST, TOKENS, Some(&secret), Some(&body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

#[tokio::test]
async fn share_of_requests_fails_deterministically() {
    let run = || async {
        let sim = Sim::start().await;
        sim.handle.faults().add(rule(None, None, FaultAction::Status(502), FaultWhen::Share(0.5)));
        let mut outcomes = Vec::new();
        for _ in 0..40 {
            outcomes.push(status_of(&sim, "/public/v1/audit/event-types").await == StatusCode::BAD_GATEWAY);
        }
        outcomes
    };
    let first = run().await;
    let failed = first.iter().filter(|f| **f).count();
    assert!((8..=32).contains(&failed), "{failed} of 40");
    assert_eq!(first, run().await, "same seed, same draws");
}

#[tokio::test]
async fn faults_from_the_config_apply_from_the_start() {
    let faults = vec!["GET /public/v1/audit status=504 next=1".parse().expect("rule")];
    let sim = Sim::with(SimConfig { faults, ..SimConfig::default() }).await;
    assert_eq!(status_of(&sim, "/public/v1/audit/records").await, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(status_of(&sim, "/public/v1/audit/records").await, StatusCode::OK);
}

#[tokio::test]
async fn seed_data_is_deterministic_and_realistic() {
    let config = SimConfig { seed: 7, tokens_per_account: 30, ..SimConfig::default() };
    let a = Sim::with(config.clone()).await;
    let b = Sim::with(config).await;
    let path = format!("{TOKENS}?select=audit&limit=100");
    let list_a = a.get_ok(Operations, &path, "ApiTokenListResponse").await;
    let list_b = b.get_ok(Operations, &path, "ApiTokenListResponse").await;
    // lastAccessAt of the admin token changes by use; everything else is equal.
    let strip = |mut list: serde_json::Value| {
        for token in list["data"].as_array_mut().expect("data") {
            if token["name"].as_str().unwrap_or_default().ends_with(" admin") {
                token.as_object_mut().expect("object").remove("lastAccessAt");
            }
        }
        list
    };
    assert_eq!(strip(list_a.clone()), strip(list_b));
    for kind in [Operations, Vendor, Client] {
        assert_eq!(a.handle.account_id(kind), b.handle.account_id(kind));
        assert_eq!(a.handle.admin_secret(kind), b.handle.admin_secret(kind));
    }
    let other = Sim::with(SimConfig { seed: 8, tokens_per_account: 30, ..SimConfig::default() }).await;
    assert_ne!(a.handle.admin_secret(Vendor), other.handle.admin_secret(Vendor));

    let data = list_a["data"].as_array().expect("data");
    let statuses: std::collections::HashSet<&str> = data.iter().filter_map(|t| t["status"].as_str()).collect();
    assert_eq!(statuses.len(), 3, "a mix of Active, Disabled and Deleted: {statuses:?}");
    assert!(data.iter().any(|t| t["lastAccessAt"].is_string()));
    assert!(data.iter().any(|t| t.get("description").is_some()) && data.iter().any(|t| t.get("description").is_none()));
    let names: std::collections::HashSet<&str> = data.iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(names.len() > 20, "varied names");

    // The admin token of each account is Active with all the account's assignable modules.
    for kind in [Vendor, Client] {
        let secret = a.handle.admin_secret(kind);
        let id = secret.split(':').nth(1).expect("id");
        let admin = a.get_ok(kind, &format!("{TOKENS}/{id}?select=%2Bmodules"), "ApiToken").await;
        assert_eq!(admin["status"], "Active");
        let groups =
            a.get_ok(kind, "/public/v1/accounts/user-groups?eq(isDefault,true)", "UserGroupListResponse").await;
        let ids = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().expect("modules").iter().filter_map(|m| m["id"].as_str().map(str::to_string)).collect()
        };
        assert_eq!(ids(&admin["modules"]), ids(&groups["data"][0]["modules"]));
    }
}

#[tokio::test]
async fn tls_is_required_and_the_certificate_names_loopback() {
    let sim = Sim::start().await;
    assert!(sim.handle.base_url().starts_with("https://127.0.0.1:"));
    assert!(sim.handle.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    let port = sim.handle.base_url().rsplit(':').next().expect("port");
    let by_name = format!("https://localhost:{port}/public/v1/audit/event-types");
    let response =
        sim.client.get(by_name).bearer_auth(sim.secret(Vendor)).send().await.expect("localhost is in the SANs");
    assert_eq!(response.status(), StatusCode::OK);
    // A client that does not trust this CA is refused.
    let other = Sim::start().await;
    let stranger = client_trusting(other.handle.ca_pem());
    let error = stranger.get(sim.url(TOKENS)).send().await.expect_err("untrusted CA");
    assert!(error.is_connect() || error.is_request(), "{error:?}");
    // Plain HTTP is not served.
    let plain = client_trusting(sim.handle.ca_pem()).get(format!("http://127.0.0.1:{port}{TOKENS}")).send().await;
    assert!(plain.is_err() || plain.is_ok_and(|r| !r.status().is_success()));
}

#[tokio::test]
async fn stop_and_drop_shut_the_server_down() {
    let sim = Sim::start().await;
    let url = sim.url(TOKENS);
    let client = sim.client.clone();
    sim.handle.stop().await;
    assert!(client.get(&url).send().await.is_err(), "stopped");

    let sim = Sim::start().await;
    let url = sim.url(TOKENS);
    let client = sim.client.clone();
    drop(sim);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(client.get(&url).send().await.is_err(), "dropped");
}

#[tokio::test]
async fn binary_prints_url_ca_and_secrets_and_stops_on_ctrl_c() {
    let dir = std::env::temp_dir().join(format!("marketplace-sim-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca_path = dir.join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace-sim"))
        .args(["--port", "0", "--tokens", "3", "--seed", "5", "--ca-out"])
        .arg(&ca_path)
        .args(["--fault", "GET /public/v1/audit/event-types status=418 next=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        let done = line.contains("Ctrl+C");
        printed.push(line);
        if done {
            break;
        }
    }
    let base_url = printed.iter().find_map(|l| l.strip_prefix("base URL:")).expect("base URL line").trim().to_string();
    let secrets: Vec<String> = printed
        .iter()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("idt:TKN-")).map(str::to_string))
        .collect();
    assert_eq!(secrets.len(), 3, "{printed:?}");
    let ca = std::fs::read_to_string(&ca_path).expect("CA written");
    let client = client_trusting(&ca);
    let url = format!("{base_url}/public/v1/audit/event-types");
    let first = client.get(&url).bearer_auth(&secrets[1]).send().await.expect("answer");
    assert_eq!(first.status().as_u16(), 418, "--fault applies");
    let second = client.get(&url).bearer_auth(&secrets[1]).send().await.expect("answer");
    assert_eq!(second.status(), StatusCode::OK);

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("binary exits");
    assert!(exit.success(), "clean exit on Ctrl+C: {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
