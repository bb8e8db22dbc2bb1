//! API tokens over real TLS: lifecycle, partial update, soft delete, validation, scoping,
//! auth, and the audit records every change writes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::{Sim, TOKENS, assert_conforms};
use marketplace_sim::AccountKind::{Client, Operations, Vendor};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn is_secret_of(secret: &str, id: &str) -> bool {
    let Some(rest) = secret.strip_prefix(&format!("idt:{id}:")) else { return false };
    rest.len() == 64 && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

#[tokio::test]
async fn create_returns_201_with_secret_and_get_returns_it_again() {
    let sim = Sim::start().await;
    let created = sim
        .create_token(Vendor, json!({ "name": "ERP sync robot", "description": "Nightly export", "icon": "", "modules": [{ "id": "MOD-1756" }, { "id": "MOD-0478" }] }))
        .await;
    let id = created["id"].as_str().expect("id");
    assert!(id.starts_with("TKN-") && id.len() == 13, "{id}");
    assert_eq!(created["status"], "Active");
    assert_eq!(created["account"]["id"], sim.handle.account_id(Vendor));
    assert_eq!(created["account"]["type"], "Vendor");
    let secret = created["token"].as_str().expect("token");
    assert!(is_secret_of(secret, id), "{secret}");
    // Nulls are omitted: no lastAccessAt yet; no icon is "". Collections are omitted unless selected.
    assert!(created["icon"] == "" && created.get("lastAccessAt").is_none(), "{created}");
    assert!(created.get("audit").is_none() && created.get("modules").is_none());
    assert_eq!(created["$meta"]["omitted"], json!(["modules", "audit"]));
    let fetched = sim.get_ok(Vendor, &format!("{TOKENS}/{id}?select=%2Bmodules"), "ApiToken").await;
    let module_ids: Vec<&str> =
        fetched["modules"].as_array().expect("modules").iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(module_ids, ["MOD-1756", "MOD-0478"]);
    assert_eq!(fetched["modules"][0]["name"], "Access Management");

    assert_eq!(fetched["token"], secret);
    assert_eq!(fetched["name"], "ERP sync robot");
    // The secret also appears in lists.
    let list = sim.get_ok(Vendor, &format!("{TOKENS}?eq(id,{id})"), "ApiTokenListResponse").await;
    assert_eq!(list["data"][0]["token"], secret);

    // The new token authenticates at once and can read itself.
    let own = sim.send(Method::GET, &format!("{TOKENS}/{id}"), Some(secret), None).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body["lastAccessAt"].is_string(), "lastAccessAt set by use: {}", own.body);
}

#[tokio::test]
async fn audit_is_omitted_unless_selected() {
    let sim = Sim::start().await;
    let token = sim.create_token(Client, json!({ "name": "Audit probe" })).await;
    let id = token["id"].as_str().expect("id");
    for select in ["select=audit,modules", "select=%2Baudit,%2Bmodules"] {
        let body = sim.get_ok(Client, &format!("{TOKENS}/{id}?{select}"), "ApiToken").await;
        assert!(body["audit"]["created"]["at"].is_string(), "{body}");
        assert_eq!(
            body["audit"]["created"]["by"]["id"],
            sim.handle.admin_secret(Client).split(':').nth(1).expect("id")
        );
        assert!(body.get("$meta").is_none(), "nothing omitted: {body}");
    }
    let list = sim.get_ok(Client, &format!("{TOKENS}?select=audit,modules&limit=3"), "ApiTokenListResponse").await;
    assert!(list["$meta"].get("omitted").is_none(), "{}", list["$meta"]);
    assert!(list["data"][0]["audit"]["updated"]["at"].is_string());
    let list = sim.get_ok(Client, &format!("{TOKENS}?select=-name&limit=3"), "ApiTokenListResponse").await;
    assert_eq!(list["$meta"]["omitted"], json!(["modules", "audit", "name"]));
    assert!(list["data"][0].get("name").is_none());
}

#[tokio::test]
async fn select_minus_token_leaves_the_value_out_of_lists_and_gets() {
    let sim = Sim::start().await;
    let created = sim.create_token(Vendor, json!({ "name": "Value probe" })).await;
    let id = created["id"].as_str().expect("id");
    let own_id = sim.handle.admin_secret(Vendor).split(':').nth(1).expect("id").to_string();
    // Without it the value is in every read (docs/marketplace-api.md §5.4)...
    let body = sim.get_ok(Vendor, &format!("{TOKENS}/{id}"), "ApiToken").await;
    assert!(body["token"].is_string(), "{body}");
    let list = sim.get_ok(Vendor, &format!("{TOKENS}?limit=100"), "ApiTokenListResponse").await;
    assert!(list["data"].as_array().expect("data").iter().all(|t| t["token"].is_string()), "{list}");

    // ...and with it in none: lists, gets, a token reading itself, with `audit` selected too.
    for (path, omitted) in [
        (format!("{TOKENS}/{id}?select=-token"), json!(["modules", "audit", "token"])),
        (format!("{TOKENS}/{own_id}?select=-token,audit"), json!(["modules", "token"])),
    ] {
        let body = sim.get_ok(Vendor, &path, "ApiToken").await;
        assert!(body.get("token").is_none(), "{path}: {body}");
        assert_eq!(body["$meta"]["omitted"], omitted, "{path}");
        assert!(body["name"].is_string() && body["status"].is_string(), "only the value is left out: {body}");
    }
    let body = sim.get_ok(Vendor, &format!("{TOKENS}/{id}?select=-token,audit"), "ApiToken").await;
    assert!(body["audit"]["created"]["at"].is_string(), "{body}");
    for query in
        ["select=-token", "select=audit,-token&order=-audit.created.at,id", "select=-token&eq(name,'Value probe')"]
    {
        let list = sim.get_ok(Vendor, &format!("{TOKENS}?{query}&limit=100"), "ApiTokenListResponse").await;
        let data = list["data"].as_array().expect("data");
        assert!(!data.is_empty(), "{query}");
        assert!(data.iter().all(|t| t.get("token").is_none() && t["id"].is_string()), "{query}: {list}");
        let omitted = list["$meta"]["omitted"].as_array().expect("omitted");
        assert!(omitted.contains(&json!("token")), "{query}: {}", list["$meta"]);
    }
    // Filtering on the value still works when it is left out of the answer.
    let secret = created["token"].as_str().expect("secret");
    let query = format!("eq(token,'{}')&select=-token", secret.replace(':', "%3A"));
    let list = sim.get_ok(Vendor, &format!("{TOKENS}?{query}"), "ApiTokenListResponse").await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "{list}");
    assert!(list["data"][0].get("token").is_none());
}

#[tokio::test]
async fn update_is_partial() {
    let sim = Sim::start().await;
    let token = sim
        .create_token(
            Vendor,
            json!({ "name": "Original", "description": "Keep me", "modules": [{ "id": "MOD-1756" }] }),
        )
        .await;
    let id = token["id"].as_str().expect("id");
    let path = format!("{TOKENS}/{id}");
    let secret = sim.secret(Vendor);
    // Only the name is sent: description and modules stay. Unknown/immutable fields
    // (account) are ignored, as official clients re-send them.
    let updated = sim
        .send(
            Method::PUT,
            &format!("{path}?select=modules"),
            Some(&secret),
            Some(&json!({ "name": "Renamed", "account": { "id": "ACC-0000-0000" } })),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_conforms("ApiToken", &updated.body);
    assert_eq!(updated.body["name"], "Renamed");
    assert_eq!(updated.body["description"], "Keep me");
    assert_eq!(updated.body["modules"][0]["id"], "MOD-1756");
    assert_eq!(updated.body["account"]["id"], sim.handle.account_id(Vendor));
    assert_eq!(updated.body["token"], token["token"], "the secret never changes");
    assert_eq!(updated.body["revision"], 2);
    // description: null clears it; modules replace.
    let updated = sim
        .send(
            Method::PUT,
            &format!("{path}?select=%2Bmodules"),
            Some(&secret),
            Some(&json!({ "description": null, "modules": [{ "id": "MOD-0478" }, { "id": "MOD-4525" }] })),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert!(updated.body.get("description").is_none(), "{}", updated.body);
    assert_eq!(updated.body["name"], "Renamed");
    assert_eq!(updated.body["modules"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn enable_and_disable_follow_the_state_machine() {
    let sim = Sim::start().await;
    let token = sim.create_token(Vendor, json!({ "name": "Toggle" })).await;
    let id = token["id"].as_str().expect("id");
    let secret = sim.secret(Vendor);
    let action = |verb: &str| format!("{TOKENS}/{id}/{verb}");

    let again = sim.send(Method::POST, &action("enable"), Some(&secret), None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "enabling an Active token");
    assert!(again.body["detail"].as_str().unwrap_or_default().contains("already Active"), "{}", again.body);

    let disabled = sim.send(Method::POST, &action("disable"), Some(&secret), None).await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_conforms("ApiToken", &disabled.body);
    assert_eq!(disabled.body["status"], "Disabled");

    let again = sim.send(Method::POST, &action("disable"), Some(&secret), None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "disabling a Disabled token");

    // A disabled token cannot authenticate.
    let token_secret = token["token"].as_str().expect("secret");
    let rejected = sim.send(Method::GET, &format!("{TOKENS}/{id}"), Some(token_secret), None).await;
    assert_eq!(rejected.status, StatusCode::UNAUTHORIZED);

    let enabled = sim.send(Method::POST, &action("enable"), Some(&secret), None).await;
    assert_eq!(enabled.status, StatusCode::OK);
    assert_eq!(enabled.body["status"], "Active");
    let accepted = sim.send(Method::GET, &format!("{TOKENS}/{id}"), Some(token_secret), None).await;
    assert_eq!(accepted.status, StatusCode::OK);
}

#[tokio::test]
async fn delete_is_soft_and_hides_the_token_from_vendor_and_client_only() {
    let sim = Sim::start().await;
    let token = sim.create_token(Client, json!({ "name": "Short lived" })).await;
    let id = token["id"].as_str().expect("id");
    let path = format!("{TOKENS}/{id}");
    let deleted = sim.send(Method::DELETE, &path, Some(&sim.secret(Client)), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(deleted.body, Value::Null, "204 has no body");

    assert_eq!(sim.get(Client, &path).await.status, StatusCode::NOT_FOUND);
    let list = sim.get_ok(Client, &format!("{TOKENS}?eq(id,{id})"), "ApiTokenListResponse").await;
    assert_eq!(list["$meta"]["pagination"]["total"], 0);
    for verb in ["enable", "disable"] {
        let answer = sim.send(Method::POST, &format!("{path}/{verb}"), Some(&sim.secret(Client)), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(sim.send(Method::DELETE, &path, Some(&sim.secret(Client)), None).await.status, StatusCode::NOT_FOUND);

    // Operations still sees it, with status Deleted, and cannot revive it.
    let seen = sim.get_ok(Operations, &path, "ApiToken").await;
    assert_eq!(seen["status"], "Deleted");
    let list = sim.get_ok(Operations, &format!("{TOKENS}?eq(id,{id})"), "ApiTokenListResponse").await;
    assert_eq!(list["data"][0]["status"], "Deleted");
    let revive = sim.send(Method::POST, &format!("{path}/enable"), Some(&sim.secret(Operations)), None).await;
    assert_eq!(revive.status, StatusCode::BAD_REQUEST);
    let rename = sim.send(Method::PUT, &path, Some(&sim.secret(Operations)), Some(&json!({ "name": "x" }))).await;
    assert_eq!(rename.status, StatusCode::BAD_REQUEST);

    // A deleted token no longer authenticates.
    let secret = token["token"].as_str().expect("secret");
    assert_eq!(sim.send(Method::GET, &path, Some(secret), None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let sim = Sim::start().await;
    let secret = sim.secret(Vendor);
    let missing = format!("{TOKENS}/TKN-0000-0000");
    assert_eq!(sim.get(Vendor, &missing).await.status, StatusCode::NOT_FOUND);
    let body = json!({ "name": "x" });
    assert_eq!(sim.send(Method::PUT, &missing, Some(&secret), Some(&body)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.send(Method::DELETE, &missing, Some(&secret), None).await.status, StatusCode::NOT_FOUND);
    for verb in ["enable", "disable"] {
        let answer = sim.send(Method::POST, &format!("{missing}/{verb}"), Some(&secret), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert!(answer.body["detail"].as_str().unwrap_or_default().contains("TKN-0000-0000"));
    }
    assert_eq!(sim.get(Vendor, "/public/v1/nothing/here").await.status, StatusCode::NOT_FOUND);
}

async fn create_error(sim: &Sim, body: Value) -> Value {
    let answer = sim.send(Method::POST, TOKENS, Some(&sim.secret(Vendor)), Some(&body)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body} → {}", answer.body);
    answer.body
}

#[tokio::test]
async fn validation_errors_are_listed_per_field() {
    let sim = Sim::start().await;
    let account = json!({ "id": sim.handle.account_id(Vendor) });

    let body = create_error(&sim, json!({ "account": account })).await;
    assert!(body["errors"]["name"][0].as_str().unwrap_or_default().contains("required"), "{body}");
    // The platform's documented validation problem (docs/marketplace-api.md §5.7).
    assert_eq!(body["title"], "Bad Request", "{body}");
    assert_eq!(body["detail"], "One or more validation errors occurred.", "{body}");
    let body = create_error(&sim, json!({ "account": account, "name": "   " })).await;
    assert!(body["errors"]["name"].is_array(), "{body}");

    let long = "n".repeat(201);
    let body = create_error(&sim, json!({ "account": account, "name": long })).await;
    assert!(body["errors"]["name"][0].as_str().unwrap_or_default().contains("200"), "{body}");
    sim.create_token(Vendor, json!({ "name": "n".repeat(200) })).await;

    let body = create_error(&sim, json!({ "account": account, "name": "robot <script>" })).await;
    assert!(body["errors"]["name"][0].as_str().unwrap_or_default().contains("not allowed"), "{body}");
    sim.create_token(Vendor, json!({ "name": "Ünïcode O'Brien \"quoted\" v1.2-3" })).await;

    let body = create_error(&sim, json!({ "account": account, "name": "ok", "description": "d".repeat(2001) })).await;
    assert!(body["errors"]["description"][0].as_str().unwrap_or_default().contains("2000"), "{body}");
    sim.create_token(Vendor, json!({ "name": "ok", "description": "d".repeat(2000) })).await;

    let body = create_error(&sim, json!({ "account": { "id": "ACC-12-34" }, "name": "ok" })).await;
    assert!(body["errors"]["account.id"].is_array(), "{body}");
    let body = create_error(&sim, json!({ "name": "ok" })).await;
    assert!(body["errors"]["account.id"].is_array(), "{body}");

    let body =
        create_error(&sim, json!({ "account": account, "name": "ok", "modules": [{ "id": "MOD-1756-1452" }] })).await;
    assert!(body["errors"]["modules[0].id"].is_array(), "bad module id pattern: {body}");
    let body = create_error(&sim, json!({ "account": account, "name": "ok", "modules": [{ "id": "MOD-0001" }] })).await;
    assert!(body["errors"]["modules[0].id"][0].as_str().unwrap_or_default().contains("does not exist"), "{body}");
    // MOD-0622 (Procurement) is a Client module; MOD-3314 is a paid add-on; MOD-2907 is ops-only.
    for module in ["MOD-0622", "MOD-3314", "MOD-2907"] {
        let body = create_error(
            &sim,
            json!({ "account": account, "name": "ok", "modules": [{ "id": "MOD-0478" }, { "id": module }] }),
        )
        .await;
        assert!(
            body["errors"]["modules[1].id"][0].as_str().unwrap_or_default().contains("not assignable"),
            "{module}: {body}"
        );
    }

    // Several problems at once are all reported.
    let body = create_error(&sim, json!({ "account": account, "name": "", "description": 5 })).await;
    assert!(body["errors"]["name"].is_array() && body["errors"]["description"].is_array(), "{body}");

    // Update validates what it is sent.
    let token = sim.create_token(Vendor, json!({ "name": "Valid" })).await;
    let path = format!("{TOKENS}/{}", token["id"].as_str().expect("id"));
    let answer = sim.send(Method::PUT, &path, Some(&sim.secret(Vendor)), Some(&json!({ "name": "" }))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body["errors"]["name"].is_array());
}

#[tokio::test]
async fn malformed_bodies_are_problems_not_crashes() {
    let sim = Sim::start().await;
    let secret = sim.secret(Vendor);
    let bad_json = sim
        .client
        .post(sim.url(TOKENS))
        .bearer_auth(&secret)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let problem: Value = bad_json.json().await.expect("problem JSON");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("not valid JSON"), "{problem}");
    let not_object = sim.send(Method::POST, TOKENS, Some(&secret), Some(&json!(["name"]))).await;
    assert_eq!(not_object.status, StatusCode::BAD_REQUEST);
    let wrong_type = sim
        .client
        .post(sim.url(TOKENS))
        .bearer_auth(&secret)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_method = sim.send(Method::PATCH, TOKENS, Some(&secret), None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    // Even axum's own rejections come back as ProblemDetails (checked inside `send`).
    let not_utf8 = sim.send(Method::GET, &format!("{TOKENS}/%FF"), Some(&secret), None).await;
    assert_eq!(not_utf8.status, StatusCode::BAD_REQUEST);
    let huge = json!({ "name": "x".repeat(3 * 1024 * 1024) });
    let too_large = sim.send(Method::POST, TOKENS, Some(&secret), Some(&huge)).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn vendor_and_client_see_only_their_own_account() {
    let sim = Sim::start().await;
    for kind in [Vendor, Client] {
        let list = sim.get_ok(kind, &format!("{TOKENS}?limit=100"), "ApiTokenListResponse").await;
        let data = list["data"].as_array().expect("data");
        assert!(!data.is_empty());
        assert!(data.iter().all(|t| t["account"]["id"] == sim.handle.account_id(kind)), "{kind:?}");
        assert!(data.iter().all(|t| t["status"] != "Deleted"), "{kind:?} never sees deleted tokens");
    }
    let ops = sim.get_ok(Operations, &format!("{TOKENS}?limit=100"), "ApiTokenListResponse").await;
    let accounts: std::collections::HashSet<&str> =
        ops["data"].as_array().expect("data").iter().filter_map(|t| t["account"]["id"].as_str()).collect();
    assert_eq!(accounts.len(), 3, "operations sees all accounts");

    // A client cannot read, change or create tokens of the vendor.
    let vendor_token = sim.create_token(Vendor, json!({ "name": "Vendor only" })).await;
    let path = format!("{TOKENS}/{}", vendor_token["id"].as_str().expect("id"));
    assert_eq!(sim.get(Client, &path).await.status, StatusCode::NOT_FOUND);
    let client_secret = sim.secret(Client);
    assert_eq!(sim.send(Method::DELETE, &path, Some(&client_secret), None).await.status, StatusCode::NOT_FOUND);
    let body = json!({ "account": { "id": sim.handle.account_id(Vendor) }, "name": "Intruder" });
    assert_eq!(sim.send(Method::POST, TOKENS, Some(&client_secret), Some(&body)).await.status, StatusCode::FORBIDDEN);
    // Operations can create a token in a client account.
    let body = json!({ "account": { "id": sim.handle.account_id(Client) }, "name": "Made by ops", "modules": [{ "id": "MOD-0622" }] });
    let made = sim.send(Method::POST, TOKENS, Some(&sim.secret(Operations)), Some(&body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["account"]["type"], "Client");
}

#[tokio::test]
async fn auth_failures_are_401_problems() {
    let sim = Sim::start().await;
    let path = format!("{TOKENS}?limit=1");
    assert_eq!(sim.send(Method::GET, &path, None, None).await.status, StatusCode::UNAUTHORIZED);
    let unknown = format!("idt:TKN-0000-0000:{}", "a".repeat(64));
    assert_eq!(sim.send(Method::GET, &path, Some(&unknown), None).await.status, StatusCode::UNAUTHORIZED);
    let basic = sim.client.get(sim.url(&path)).header("authorization", "Basic abc").send().await.expect("sent");
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    // The 401 never echoes the secret.
    let answer = sim.send(Method::GET, &path, Some(&unknown), None).await;
    assert!(!answer.body.to_string().contains(&"a".repeat(64)));
}

#[tokio::test]
async fn a_token_without_access_management_can_read_only_itself() {
    let sim = Sim::start().await;
    let token = sim.create_token(Vendor, json!({ "name": "Billing only", "modules": [{ "id": "MOD-4525" }] })).await;
    let id = token["id"].as_str().expect("id");
    let secret = token["token"].as_str().expect("secret");
    let own = sim.send(Method::GET, &format!("{TOKENS}/{id}"), Some(secret), None).await;
    assert_eq!(own.status, StatusCode::OK, "self-read is the connect flow");
    assert_eq!(sim.send(Method::GET, TOKENS, Some(secret), None).await.status, StatusCode::FORBIDDEN);
    let other = sim.handle.admin_secret(Vendor).split(':').nth(1).expect("admin id").to_string();
    assert_eq!(
        sim.send(Method::GET, &format!("{TOKENS}/{other}"), Some(secret), None).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_change_writes_an_audit_record_with_the_caller_as_actor() {
    let sim = Sim::start().await;
    let secret = sim.secret(Vendor);
    let admin_id = secret.split(':').nth(1).expect("admin id").to_string();
    let token = sim.create_token(Vendor, json!({ "name": "Audited" })).await;
    let id = token["id"].as_str().expect("id");
    let path = format!("{TOKENS}/{id}");
    sim.send(Method::PUT, &path, Some(&secret), Some(&json!({ "name": "Audited 2" }))).await;
    sim.send(Method::POST, &format!("{path}/disable"), Some(&secret), None).await;
    sim.send(Method::POST, &format!("{path}/enable"), Some(&secret), None).await;
    sim.send(Method::DELETE, &path, Some(&secret), None).await;

    let records = sim
        .get_ok(
            Vendor,
            &format!("/public/v1/audit/records?eq(object.id,{id})&order=timestamp&render()"),
            "AuditRecordListResponse",
        )
        .await;
    let data = records["data"].as_array().expect("data");
    let events: Vec<&str> = data.iter().filter_map(|r| r["event"].as_str()).collect();
    assert_eq!(
        events,
        [
            "platform.accounts.api-token.created",
            "platform.accounts.api-token.updated",
            "platform.accounts.api-token.disabled",
            "platform.accounts.api-token.enabled",
            "platform.accounts.api-token.updated",
        ]
    );
    assert!(data[4]["summary"].as_str().unwrap_or_default().contains("deleted"), "{}", data[4]);
    for record in data {
        assert_eq!(record["actor"]["id"], admin_id.as_str());
        assert_eq!(record["actor"]["account"]["id"], sim.handle.account_id(Vendor));
        assert_eq!(record["object"]["objectType"], "ApiToken");
        assert_eq!(record["request"]["api"]["ip"], "127.0.0.1");
        assert_eq!(record["request"]["api"]["userAgent"], "marketplace-sim-tests/1.0");
        assert!(!record["summary"].as_str().unwrap_or_default().contains("{{"), "rendered: {record}");
    }
}
