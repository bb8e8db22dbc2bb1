//! The commands through the real IPC path: the app's own command list and
//! access-control lists (generated from `src-tauri/capabilities`), on Tauri's
//! mock runtime, against the simulator over real TLS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use desk_core::{Desk, DeskConfig, InMemoryStore};
use marketplace_sim::{AccountKind, SimConfig, SimHandle};
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, WebviewWindow, WebviewWindowBuilder};

/// The app on the mock runtime with an in-memory keychain, its main window,
/// and a simulator running on a runtime of its own.
struct Harness {
    app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    sim: SimHandle,
    runtime: tokio::runtime::Runtime,
    _config_dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let sim = runtime.block_on(marketplace_sim::start(SimConfig { tokens_per_account: 4, ..SimConfig::default() }));
        let sim = sim.expect("the simulator starts");
        let config_dir = tempfile::tempdir().expect("temp dir");
        let desk =
            Arc::new(Desk::open(DeskConfig::new(config_dir.path(), "0.0.0-test"), Arc::new(InMemoryStore::new())));
        let ipc = token_desk_lib::app_ipc!(tauri::test::MockRuntime);
        let mut app = mock_builder()
            .plugin(tauri_plugin_clipboard_manager::init())
            .invoke_handler(ipc.invoke_handler())
            .build(token_desk_lib::context())
            .expect("the app builds on the mock runtime");
        // The mock runtime never runs the event loop (where setup would run), so
        // install what setup installs directly.
        token_desk_lib::install_ipc(&mut app, &ipc, desk);
        let main = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
        Self { app, main, sim, runtime, _config_dir: config_dir }
    }

    /// Invokes `command` from `window` as the UI would; `Ok` carries the JSON answer.
    fn invoke(&self, window: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            window,
            InvokeRequest {
                cmd: command.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                // The origin the bundled UI is served from on Linux and macOS.
                url: "tauri://localhost".parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("JSON answer"))
    }

    fn connect_vendor(&self) -> Value {
        self.invoke(
            &self.main,
            "add_connection",
            json!({ "connection": {
                "environment": { "kind": "custom", "url": self.sim.base_url() },
                "label": "Vendor",
                "secret": self.sim.admin_secret(AccountKind::Vendor),
                "caCertificatePem": self.sim.ca_pem(),
            }}),
        )
        .expect("connected")
    }
}

#[test]
fn app_info_answers_through_ipc() {
    let harness = Harness::new();
    let info = harness.invoke(&harness.main, "app_info", json!({})).expect("answer");
    assert_eq!(info["name"], "Token Desk");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn token_commands_work_end_to_end_and_never_return_a_value_unasked() {
    let harness = Harness::new();
    let connection = harness.connect_vendor();
    let connection_id = connection["id"].as_str().expect("id").to_owned();
    let admin_secret = harness.sim.admin_secret(AccountKind::Vendor);
    assert!(!connection.to_string().contains(admin_secret.rsplit(':').next().expect("opaque")));

    let page = harness
        .invoke(&harness.main, "list_tokens", json!({ "connectionId": connection_id, "query": { "limit": 50 } }))
        .expect("list");
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(!page.to_string().contains("idt:"), "no token value in a list answer: {page}");

    // Not the token the connection signs in with, which is never revealed.
    let own = connection["tokenId"].as_str().expect("its token id");
    let token_id = items.iter().find_map(|t| t["id"].as_str().filter(|id| *id != own)).expect("token id");
    let value = harness
        .invoke(&harness.main, "reveal_token_value", json!({ "connectionId": connection_id, "tokenId": token_id }))
        .expect("reveal");
    assert!(value.as_str().is_some_and(|v| v.starts_with(&format!("idt:{token_id}:"))), "{value}");

    // The change event reaches listeners, whoever changed the token.
    let (sender, received) = mpsc::channel();
    harness.app.listen_any("token-changed-event", move |event| {
        let _ = sender.send(event.payload().to_owned());
    });
    let created = harness
        .invoke(&harness.main, "create_token", json!({ "connectionId": connection_id, "token": { "name": "Via IPC" } }))
        .expect("create");
    assert!(!created.to_string().contains("idt:"), "create answers without the value: {created}");
    let event: Value =
        serde_json::from_str(&received.recv_timeout(Duration::from_secs(10)).expect("event")).expect("json");
    assert_eq!(event["tokenId"], created["id"]);
    assert_eq!(event["change"], "created");

    let error = harness
        .invoke(&harness.main, "create_token", json!({ "connectionId": connection_id, "token": { "name": "" } }))
        .expect_err("empty name refused");
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["fieldErrors"][0]["field"], "name");
}

#[test]
fn review_dates_rotation_and_usage_go_through_ipc_without_a_value() {
    let harness = Harness::new();
    let connection = harness.connect_vendor();
    let connection_id = connection["id"].as_str().expect("id").to_owned();
    let own = connection["tokenId"].as_str().expect("its token id").to_owned();
    let page = harness
        .invoke(&harness.main, "list_tokens", json!({ "connectionId": connection_id, "query": { "status": "Active" } }))
        .expect("list");
    let token_id = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find_map(|t| t["id"].as_str().filter(|id| *id != own))
        .expect("another active token")
        .to_owned();

    let (sender, received) = mpsc::channel();
    harness.app.listen_any("notes-changed-event", move |event| {
        let _ = sender.send(event.payload().to_owned());
    });
    let review = harness
        .invoke(
            &harness.main,
            "set_review_by",
            json!({ "connectionId": connection_id, "tokenId": token_id,
                    "review": { "date": "2999-01-01", "disableAtDate": false } }),
        )
        .expect("set");
    assert_eq!(review["stage"], "later");
    let event: Value =
        serde_json::from_str(&received.recv_timeout(Duration::from_secs(10)).expect("event")).expect("json");
    assert_eq!(event["connectionId"], connection_id.as_str());
    let dates = harness.invoke(&harness.main, "review_dates", json!({ "connectionId": connection_id })).expect("dates");
    assert_eq!(dates[0]["tokenId"], token_id.as_str());

    let started = harness
        .invoke(
            &harness.main,
            "rotate_token",
            json!({ "connectionId": connection_id, "tokenId": token_id, "grace": "oneDay" }),
        )
        .expect("rotated");
    assert!(!started.to_string().contains("idt:"), "the new value is offered by reveal or copy only: {started}");
    assert_eq!(started["rotation"]["state"], "waiting");
    let rotation_id = started["rotation"]["id"].clone();
    let cancelled = harness
        .invoke(&harness.main, "cancel_rotation", json!({ "connectionId": connection_id, "rotationId": rotation_id }))
        .expect("cancelled");
    assert_eq!(cancelled["state"], "cancelled");
    let rotations = harness.invoke(&harness.main, "rotations", json!({ "connectionId": connection_id })).expect("list");
    assert_eq!(rotations.as_array().map(Vec::len), Some(1));

    let usage = harness
        .invoke(&harness.main, "token_usage", json!({ "connectionId": connection_id, "tokenId": token_id }))
        .expect("usage");
    assert!(usage["recordsRead"].is_number(), "{usage}");
    let refused = harness
        .invoke(&harness.main, "token_usage", json!({ "connectionId": connection_id, "tokenId": "../tokens" }))
        .expect_err("not an id");
    assert_eq!(refused["kind"], "validation");
}

#[test]
fn the_access_control_list_refuses_what_the_main_window_was_not_granted() {
    let harness = Harness::new();
    // A plugin command the capability does not grant: JavaScript may not read the clipboard.
    let refused = harness.invoke(&harness.main, "plugin:clipboard-manager|read_text", json!({})).expect_err("refused");
    assert!(refused.to_string().contains("not allowed"), "{refused}");

    // The app's own commands are granted to the main window only.
    let other = WebviewWindowBuilder::new(&harness.app, "other", Default::default()).build().expect("second window");
    let refused = harness.invoke(&other, "app_info", json!({})).expect_err("refused outside the main window");
    assert!(refused.to_string().contains("not allowed"), "{refused}");

    let unknown = harness.invoke(&harness.main, "export_all_secrets", json!({})).expect_err("no such command");
    assert!(unknown.to_string().contains("not found") || unknown.to_string().contains("not allowed"), "{unknown}");
}

#[test]
fn no_ipc_answer_of_a_full_workflow_carries_a_secret_that_was_not_revealed() {
    let harness = Harness::new();
    let mut answers = Vec::new();
    let mut call = |command: &str, args: Value| {
        let answer = harness.invoke(&harness.main, command, args);
        answers.push(answer.clone().unwrap_or_else(|error| error).to_string());
        answer
    };
    let connection = call(
        "add_connection",
        json!({ "connection": {
            "environment": { "kind": "custom", "url": harness.sim.base_url() },
            "label": "Vendor",
            "secret": harness.sim.admin_secret(AccountKind::Vendor),
            "caCertificatePem": harness.sim.ca_pem(),
        }}),
    )
    .expect("connected");
    let id = connection["id"].as_str().expect("id").to_owned();
    let page = call("list_tokens", json!({ "connectionId": id, "query": {} })).expect("list");
    // Not the token the connection signs in with, which is never revealed.
    let own = connection["tokenId"].as_str().expect("its token id");
    let revealed_id = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find_map(|t| t["id"].as_str().filter(|candidate| *candidate != own))
        .expect("token")
        .to_owned();
    let revealed = call("reveal_token_value", json!({ "connectionId": id, "tokenId": revealed_id })).expect("reveal");
    for item in page["items"].as_array().expect("items") {
        call("get_token", json!({ "connectionId": id, "tokenId": item["id"] })).expect("get");
    }
    let created =
        call("create_token", json!({ "connectionId": id, "token": { "name": "Leak probe" } })).expect("create");
    let created_id = created["id"].clone();
    call("update_token", json!({ "connectionId": id, "tokenId": created_id, "changes": { "description": "x" } }))
        .expect("update");
    call("disable_token", json!({ "connectionId": id, "tokenId": created_id, "signInConfirmed": false }))
        .expect("disable");
    call("delete_token", json!({ "connectionId": id, "tokenId": created_id, "signInConfirmed": false }))
        .expect("delete");
    call("token_audit", json!({ "connectionId": id, "query": { "tokenId": created_id, "role": "object" } }))
        .expect("audit");
    call("event_types", json!({ "connectionId": id })).expect("event types");
    call("assignable_modules", json!({ "connectionId": id })).expect("modules");
    call("list_connections", json!({})).expect("connections");
    call("get_token", json!({ "connectionId": id, "tokenId": created_id })).expect_err("deleted");

    // Every value in the simulator (as operations sees them), but the revealed one.
    let operations = marketplace_api::Client::new(
        marketplace_api::ClientConfig::new(
            harness.sim.base_url(),
            marketplace_api::ApiSecret::new(harness.sim.admin_secret(AccountKind::Operations)),
        )
        .with_extra_ca_pem(harness.sim.ca_pem()),
    )
    .expect("client");
    let everything = harness
        .runtime
        .block_on(marketplace_api::collect_all(operations.list_all_tokens(marketplace_api::rql::Query::new())))
        .expect("all tokens");
    let all_answers = answers.join("\n");
    let mut probed = 0;
    for token in everything.iter().filter(|token| token.id != revealed_id) {
        let value = token.token.as_ref().expect("value").expose().to_owned();
        let opaque = value.rsplit(':').next().expect("opaque part");
        assert!(!all_answers.contains(opaque), "an IPC answer carried the value of {} unasked", token.id);
        probed += 1;
    }
    assert!(probed > 10, "the probe covers the admin and seeded tokens");
    assert_eq!(all_answers.matches(revealed.as_str().expect("value")).count(), 1, "only the reveal carries a value");
}
