//! Adding, listing, editing and removing connections against the simulator
//! over real TLS, with an in-memory secret store.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;

use common::{World, desk_with};
use desk_core::{Environment, ErrorKind, InMemoryStore, KeychainError, NewConnection, SecretStore};
use marketplace_api::ApiSecret;
use marketplace_sim::AccountKind;

#[tokio::test]
async fn adding_a_connection_checks_the_token_and_stores_its_secret_in_the_keychain_only() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;

    assert_eq!(connection.account.id, world.sim.account_id(AccountKind::Vendor));
    assert_eq!(connection.account.account_type, "Vendor");
    assert!(connection.token_id.starts_with("TKN-"));
    let stored = world.secrets.load(&connection.id).expect("load").expect("secret stored");
    let entry: serde_json::Value = serde_json::from_str(stored.expose()).expect("the entry is JSON");
    assert_eq!(entry["secret"], world.sim.admin_secret(AccountKind::Vendor));
    assert_eq!(entry["destination"]["baseUrl"], world.sim.base_url(), "bound to where it may be sent");
    assert_eq!(entry["destination"]["caSha256"].as_str().map(str::len), Some(64), "and to the CA it trusts");

    let files = world.config_files_text();
    assert!(files.contains(&connection.token_id), "metadata is saved: {files}");
    let opaque = world.sim.admin_secret(AccountKind::Vendor).rsplit(':').next().expect("opaque part");
    assert!(!files.contains(opaque), "the secret must never reach the config file");

    let list = world.desk.connections();
    assert_eq!(list.connections, vec![connection.clone()]);
    assert_eq!(list.active_id.as_deref(), Some(connection.id.as_str()));
}

#[tokio::test]
async fn the_same_token_added_twice_is_refused() {
    let world = World::new(1).await;
    world.connect(AccountKind::Client).await;
    let error = world.desk.add_connection(world.new_connection(AccountKind::Client)).await.expect_err("refused");
    assert_eq!(error.kind, ErrorKind::Conflict);
    assert!(error.message.contains("already connected"), "{}", error.message);
    assert_eq!(world.desk.connections().connections.len(), 1);
}

#[tokio::test]
async fn failures_store_nothing_and_say_why() {
    let world = World::new(1).await;
    let base = || world.new_connection(AccountKind::Vendor);

    let unknown = NewConnection { secret: ApiSecret::new(format!("idt:TKN-0000-0001:{}", "x".repeat(64))), ..base() };
    let error = world.desk.add_connection(unknown).await.expect_err("unknown token");
    assert_eq!(error.kind, ErrorKind::Unauthorized, "{error:?}");

    let garbage = NewConnection { secret: ApiSecret::new("not-a-token"), ..base() };
    let error = world.desk.add_connection(garbage).await.expect_err("garbage");
    assert_eq!(error.field_errors[0].field.as_deref(), Some("secret"));

    let plain_http = NewConnection { environment: Environment::Custom { url: "http://127.0.0.1:1".into() }, ..base() };
    let error = world.desk.add_connection(plain_http).await.expect_err("http refused");
    assert_eq!(error.field_errors[0].field.as_deref(), Some("url"));

    let untrusted = NewConnection { ca_certificate_pem: None, ..base() };
    let error = world.desk.add_connection(untrusted).await.expect_err("untrusted certificate");
    assert_eq!(error.kind, ErrorKind::Tls, "{error:?}");

    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        NewConnection { environment: Environment::Custom { url: format!("https://127.0.0.1:{port}") }, ..base() }
    };
    let error = world.desk.add_connection(closed_port).await.expect_err("unreachable");
    assert_eq!(error.kind, ErrorKind::Network, "{error:?}");

    let nameless = NewConnection { label: "  ".into(), ..base() };
    assert_eq!(
        world.desk.add_connection(nameless).await.expect_err("no label").field_errors[0].field.as_deref(),
        Some("label")
    );

    assert!(world.desk.connections().connections.is_empty());
    assert!(world.secrets.is_empty(), "nothing reached the keychain");
    assert!(world.config_files_text().is_empty(), "no file was written");
}

#[tokio::test]
async fn a_disabled_token_is_refused_as_unauthorized() {
    let world = World::new(1).await;
    let admin = world.admin_client(AccountKind::Client);
    let account = world.sim.account_id(AccountKind::Client);
    let created = admin
        .create_token(&marketplace_api::NewApiToken {
            account_id: account.to_owned(),
            name: "Soon disabled".into(),
            description: None,
            icon: None,
            module_ids: vec![],
        })
        .await
        .expect("created");
    let secret = created.token.clone().expect("value on create");
    admin.disable_token(&created.id).await.expect("disabled");

    let form = NewConnection { secret, ..world.new_connection(AccountKind::Client) };
    let error = world.desk.add_connection(form).await.expect_err("disabled token refused");
    assert_eq!(error.kind, ErrorKind::Unauthorized, "{error:?}");
    assert!(world.secrets.is_empty(), "nothing reached the keychain");
    assert!(world.desk.connections().connections.is_empty());
}

/// A keychain that answers every call with the same error: not there, or locked.
struct FailingKeychain(KeychainError);

impl FailingKeychain {
    fn absent() -> Self {
        Self(KeychainError::Unavailable { detail: "no Secret Service on the session bus".into() })
    }

    fn locked() -> Self {
        Self(KeychainError::Locked { detail: "the login collection is locked".into() })
    }
}

impl SecretStore for FailingKeychain {
    fn save(&self, _: &str, _: &ApiSecret) -> Result<(), KeychainError> {
        Err(self.0.clone())
    }
    fn load(&self, _: &str) -> Result<Option<ApiSecret>, KeychainError> {
        Err(self.0.clone())
    }
    fn delete(&self, _: &str) -> Result<bool, KeychainError> {
        Err(self.0.clone())
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        Err(self.0.clone())
    }
}

#[tokio::test]
async fn without_a_keychain_nothing_is_saved_and_the_error_says_what_to_start() {
    let world = World::new(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let desk = desk_with(dir.path(), Arc::new(FailingKeychain::absent()));
    let error = desk.add_connection(world.new_connection(AccountKind::Vendor)).await.expect_err("no keychain");
    assert_eq!(error.kind, ErrorKind::Keychain);
    assert!(error.message.contains("GNOME Keyring"), "{}", error.message);
    assert!(desk.connections().connections.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no plaintext fallback of any kind");
}

#[tokio::test]
async fn rename_recolour_activate_and_remove() {
    let world = World::new(1).await;
    let vendor = world.connect(AccountKind::Vendor).await;
    let client = world.connect(AccountKind::Client).await;
    assert_ne!(vendor.colour, client.colour, "new connections get different colours");

    let renamed = world.desk.rename_connection(&vendor.id, "Vendor prod").await.expect("rename");
    assert_eq!(renamed.label, "Vendor prod");
    let recoloured = world.desk.recolour_connection(&vendor.id, "#A21CAF").await.expect("recolour");
    assert_eq!(recoloured.colour, "#a21caf");
    let bad = world.desk.recolour_connection(&vendor.id, "purple").await.expect_err("bad colour");
    assert_eq!(bad.field_errors[0].field.as_deref(), Some("colour"));

    world.desk.set_active_connection(&vendor.id).await.expect("activate");
    assert_eq!(world.desk.connections().active_id.as_deref(), Some(vendor.id.as_str()));

    // A fresh desk over the same files sees the same thing.
    let reopened = desk_with(world.config_dir.path(), world.secrets.clone());
    let list = reopened.connections();
    assert_eq!(list.active_id.as_deref(), Some(vendor.id.as_str()));
    assert_eq!(list.connections.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["Vendor prod", "Client admin"]);

    world.desk.remove_connection(&vendor.id, false).await.expect("remove");
    assert!(world.secrets.load(&vendor.id).expect("load").is_none(), "its secret left the keychain");
    assert!(world.secrets.load(&client.id).expect("load").is_some(), "the other one stays");
    let error = world.desk.remove_connection(&vendor.id, false).await.expect_err("already gone");
    assert_eq!(error.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn a_damaged_connections_file_is_reported_and_the_app_still_works() {
    let world = World::new(1).await;
    std::fs::write(world.config_dir.path().join("connections.json"), "{\"version\": 1, \"connections\": [")
        .expect("write");
    let desk = desk_with(world.config_dir.path(), world.secrets.clone());
    let notice = desk.connections().notice.expect("the user is told");
    assert_eq!(notice.kind, ErrorKind::Storage);
    assert!(notice.message.contains("connections.json.damaged-"), "{}", notice.message);
    let added = desk.add_connection(world.new_connection(AccountKind::Vendor)).await.expect("still works");
    assert_eq!(desk.connections().connections, vec![added]);
}

#[tokio::test]
async fn the_demo_runs_an_embedded_simulator_without_storing_anything() {
    let dir = tempfile::tempdir().expect("dir");
    let secrets = Arc::new(desk_core::InMemoryStore::new());
    let desk = desk_with(dir.path(), secrets.clone());
    let demo = desk.start_demo().await.expect("demo starts");
    assert!(demo.demo);
    assert_eq!(demo.account.account_type, "Vendor");
    assert_eq!(desk.connections().active_id.as_deref(), Some(desk_core::DEMO_CONNECTION_ID));
    assert_eq!(desk.start_demo().await.expect("again").id, demo.id, "one demo at a time");

    let page = desk.list_tokens(&demo.id, &Default::default()).await.expect("tokens");
    assert!(page.paging.total.unwrap_or_default() > 10, "seed data is there: {:?}", page.paging.total);
    assert!(secrets.load(&demo.id).expect("load").is_none(), "the demo secret is never stored");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written for the demo");
}

/// Replaces the config dir with a plain file, so every write to it fails (even as root).
fn block_config_dir(world: &World) {
    let dir = world.config_dir.path();
    std::fs::remove_dir_all(dir).expect("remove");
    std::fs::write(dir, b"not a directory").expect("block");
}

#[tokio::test]
async fn a_connection_the_file_refuses_leaves_no_secret_behind() {
    let world = World::new(1).await;
    block_config_dir(&world);
    let error = world.desk.add_connection(world.new_connection(AccountKind::Vendor)).await.expect_err("not saved");
    assert_eq!(error.kind, ErrorKind::Storage, "{error:?}");
    assert!(world.secrets.is_empty(), "the secret was taken back out of the keychain");
    assert!(world.desk.connections().connections.is_empty());
}

#[tokio::test]
async fn a_removal_the_file_refuses_stops_using_the_connection() {
    let world = World::new(1).await;
    let connection = world.connect(AccountKind::Vendor).await;
    block_config_dir(&world);
    let error = world.desk.remove_connection(&connection.id, false).await.expect_err("file refuses");
    assert_eq!(error.kind, ErrorKind::Storage);
    assert!(world.secrets.is_empty(), "the secret left the keychain");
    let unusable = world.desk.list_tokens(&connection.id, &Default::default()).await.expect_err("no secret any more");
    assert_eq!(unusable.kind, ErrorKind::Keychain, "no cached client keeps using the secret: {unusable:?}");
}

#[tokio::test]
async fn a_broken_ca_certificate_points_the_form_at_its_field() {
    let world = World::new(1).await;
    let form = NewConnection {
        ca_certificate_pem: Some("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n".into()),
        ..world.new_connection(AccountKind::Vendor)
    };
    let error = world.desk.add_connection(form).await.expect_err("refused");
    assert_eq!(error.kind, ErrorKind::Validation);
    assert_eq!(error.field_errors[0].field.as_deref(), Some("caCertificatePem"), "{error:?}");
}

/// A keychain whose unlock prompt nobody answers.
struct StalledKeychain;

impl SecretStore for StalledKeychain {
    fn save(&self, _: &str, _: &ApiSecret) -> Result<(), KeychainError> {
        std::thread::sleep(std::time::Duration::from_secs(2));
        Ok(())
    }
    fn load(&self, _: &str) -> Result<Option<ApiSecret>, KeychainError> {
        std::thread::sleep(std::time::Duration::from_secs(2));
        Ok(None)
    }
    fn delete(&self, _: &str) -> Result<bool, KeychainError> {
        std::thread::sleep(std::time::Duration::from_secs(2));
        Ok(true)
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        std::thread::sleep(std::time::Duration::from_secs(2));
        Ok(None)
    }
}

fn desk_with_keychain_limit(dir: &std::path::Path, secrets: Arc<dyn SecretStore>, limit_ms: u64) -> desk_core::Desk {
    let mut config = desk_core::DeskConfig::new(dir, "0.0.0-test");
    config.retry = common::quick_retries();
    config.keychain_timeout = std::time::Duration::from_millis(limit_ms);
    desk_core::Desk::open(config, secrets)
}

#[tokio::test]
async fn an_unlock_prompt_nobody_answers_gives_a_clear_error_within_the_time_limit() {
    let world = World::new(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let desk = desk_with_keychain_limit(dir.path(), Arc::new(StalledKeychain), 300);
    let started = std::time::Instant::now();
    let error = desk.add_connection(world.new_connection(AccountKind::Vendor)).await.expect_err("stalled");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "answered within the limit: {:?}",
        started.elapsed()
    );
    assert_eq!(error.kind, ErrorKind::Keychain);
    assert!(error.message.contains("unlock"), "points at the prompt: {}", error.message);
    assert!(desk.connections().connections.is_empty(), "nothing saved while the keychain did not answer");
}

#[tokio::test]
async fn a_locked_keychain_says_to_unlock_it_and_a_connection_can_still_be_removed_after_a_warning() {
    let world = World::new(1).await;
    let connection = world.connect(AccountKind::Vendor).await;
    // The same files, but the keychain is now locked for good.
    let locked = desk_with_keychain_limit(world.config_dir.path(), Arc::new(FailingKeychain::locked()), 2_000);
    let error = locked.list_tokens(&connection.id, &Default::default()).await.expect_err("locked");
    assert_eq!(error.kind, ErrorKind::Keychain);
    assert!(error.message.contains("Unlock"), "{}", error.message);

    let refused = locked.remove_connection(&connection.id, false).await.expect_err("the secret could not be deleted");
    assert_eq!(refused.kind, ErrorKind::Keychain);
    assert_eq!(locked.connections().connections.len(), 1, "kept, so the user can try again");
    locked.remove_connection(&connection.id, true).await.expect("removed anyway after the warning");
    assert!(locked.connections().connections.is_empty());
}

#[tokio::test]
async fn secret_shaped_text_in_a_name_or_an_address_is_refused_not_saved() {
    let world = World::new(1).await;
    let secret = world.sim.admin_secret(AccountKind::Vendor).to_owned();
    let mut form = world.new_connection(AccountKind::Vendor);
    form.label = secret.clone();
    let error = world.desk.add_connection(form).await.expect_err("a secret as the name");
    assert_eq!(error.field_errors[0].field.as_deref(), Some("label"));
    assert!(!error.message.contains(&secret[18..]), "the refusal does not repeat it");

    let mut form = world.new_connection(AccountKind::Vendor);
    form.environment = Environment::Custom { url: format!("{}/?t={}", world.sim.base_url(), &secret[18..]) };
    let error = world.desk.add_connection(form).await.expect_err("a secret in the address");
    assert_eq!(error.field_errors[0].field.as_deref(), Some("url"));

    let connection = world.connect(AccountKind::Vendor).await;
    let error = world.desk.rename_connection(&connection.id, &secret).await.expect_err("renamed to a secret");
    assert_eq!(error.field_errors[0].field.as_deref(), Some("label"));
    assert!(!world.config_files_text().contains(&secret[18..]), "no secret reached a file");
}

/// Rewrites `connections.json` the way another program running as the user could.
fn tamper(world: &World, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = world.config_dir.path().join("connections.json");
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("file")).expect("json");
    edit(&mut file);
    std::fs::write(&path, serde_json::to_vec(&file).expect("json")).expect("written");
}

#[tokio::test]
async fn a_connections_file_that_redirects_the_secret_is_refused_and_nothing_is_sent() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    // Another https host, with a CA the attacker controls.
    let elsewhere = marketplace_sim::start(Default::default()).await.expect("another host");
    tamper(&world, |file| {
        file["connections"][0]["environment"] = serde_json::json!({ "kind": "custom", "url": elsewhere.base_url() });
        file["connections"][0]["caCertificatePem"] = serde_json::json!(elsewhere.ca_pem());
    });

    let restarted = desk_with(world.config_dir.path(), world.secrets.clone());
    let error = restarted.list_tokens(&connection.id, &Default::default()).await.expect_err("refused");
    assert_eq!(error.kind, ErrorKind::Refused, "{error:?}");
    assert!(error.message.contains("did not send"), "{}", error.message);
    assert!(elsewhere.journal().arrivals().is_empty(), "the other host never heard from Token Desk");

    // Only the CA changed: refused too.
    tamper(&world, |file| {
        file["connections"][0]["environment"] = serde_json::json!({ "kind": "custom", "url": world.sim.base_url() });
    });
    let restarted = desk_with(world.config_dir.path(), world.secrets.clone());
    let error = restarted.list_tokens(&connection.id, &Default::default()).await.expect_err("refused");
    assert!(error.message.contains("CA certificate"), "{}", error.message);
}

#[tokio::test]
async fn the_address_comes_from_the_environment_and_an_entry_posing_as_the_demo_is_refused() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    tamper(&world, |file| {
        // An old-style address field no longer decides anything.
        file["connections"][0]["baseUrl"] = serde_json::json!("https://evil.example");
        let mut posing = file["connections"][0].clone();
        posing["id"] = serde_json::json!("demo");
        posing["label"] = serde_json::json!("Not the demo");
        posing["tokenId"] = serde_json::json!("TKN-9999-9999");
        let mut flagged = file["connections"][0].clone();
        flagged["id"] = serde_json::json!("flagged");
        flagged["demo"] = serde_json::json!(true);
        flagged["tokenId"] = serde_json::json!("TKN-8888-8888");
        file["connections"].as_array_mut().expect("list").extend([posing, flagged]);
    });
    let restarted = desk_with(world.config_dir.path(), world.secrets.clone());
    let list = restarted.connections();
    assert_eq!(list.connections.len(), 1, "{:?}", list.connections);
    assert_eq!(list.connections[0].base_url, world.sim.base_url(), "from the environment");
    let notice = list.notice.expect("the user is told");
    assert!(notice.message.contains("claims to be the built-in demo"), "{}", notice.message);
    restarted.list_tokens(&connection.id, &Default::default()).await.expect("the real connection still works");
}

#[tokio::test]
async fn keychain_entries_left_without_a_connection_are_found_and_removed() {
    let world = World::new(1).await;
    let kept = world.connect(AccountKind::Vendor).await;
    // A crash between the keychain write and the file write leaves an entry behind.
    world.secrets.save("left-by-a-crash", &ApiSecret::new("idt:TKN-1234-5678:LeftBehind0000")).expect("saved");

    assert_eq!(world.desk.orphaned_secrets().await.expect("listed"), ["left-by-a-crash"]);
    assert_eq!(world.desk.remove_orphaned_secrets().await.expect("removed"), 1);
    assert!(world.desk.orphaned_secrets().await.expect("listed").is_empty());
    assert!(world.secrets.load(&kept.id).expect("load").is_some(), "the live connection's secret stays");
}

/// A keychain whose saves wait at a gate once stored, like a slow disk.
struct GatedKeychain {
    inner: InMemoryStore,
    gate: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl SecretStore for GatedKeychain {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        self.inner.save(key, secret)?;
        let _ = self.gate.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        Ok(())
    }
    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        self.inner.load(key)
    }
    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.inner.delete(key)
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        self.inner.keys()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_being_added_is_not_taken_for_an_orphan() {
    let world = World::new(1).await;
    let (open_gate, gate) = std::sync::mpsc::channel();
    let keychain = Arc::new(GatedKeychain { inner: InMemoryStore::new(), gate: std::sync::Mutex::new(gate) });
    let dir = tempfile::tempdir().expect("dir");
    let desk = Arc::new(desk_with(dir.path(), keychain.clone()));
    let adding = tokio::spawn({
        let desk = desk.clone();
        let form = world.new_connection(AccountKind::Vendor);
        async move { desk.add_connection(form).await }
    });
    // The secret is in the keychain; the connection is not in the file yet.
    while keychain.inner.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(desk.orphaned_secrets().await.expect("listed").is_empty(), "its secret is not an orphan");
    open_gate.send(()).expect("the save goes on");
    adding.await.expect("joined").expect("added");
    assert!(desk.orphaned_secrets().await.expect("listed").is_empty());
}

/// A keychain that stores, but only after a while.
struct SlowKeychain(InMemoryStore);

impl SecretStore for SlowKeychain {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        std::thread::sleep(std::time::Duration::from_millis(600));
        self.0.save(key, secret)
    }
    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        self.0.load(key)
    }
    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.0.delete(key)
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        self.0.keys()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keychain_save_that_lands_after_the_time_limit_is_taken_back() {
    let world = World::new(1).await;
    let keychain = Arc::new(SlowKeychain(InMemoryStore::new()));
    let dir = tempfile::tempdir().expect("dir");
    let desk = desk_with_keychain_limit(dir.path(), keychain.clone(), 150);
    let started = std::time::Instant::now();
    let error = desk.add_connection(world.new_connection(AccountKind::Vendor)).await.expect_err("timed out");
    assert_eq!(error.kind, ErrorKind::Keychain);
    // The save lands at about 600 ms; the connection was never added, so its
    // entry must go again soon after.
    tokio::time::sleep(std::time::Duration::from_millis(1200).saturating_sub(started.elapsed())).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !keychain.0.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the late entry is still in the keychain");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(desk.connections().connections.is_empty());
}

/// A keychain that counts its reads.
struct CountingKeychain(InMemoryStore, std::sync::atomic::AtomicUsize);

impl SecretStore for CountingKeychain {
    fn save(&self, key: &str, secret: &ApiSecret) -> Result<(), KeychainError> {
        self.0.save(key, secret)
    }
    fn load(&self, key: &str) -> Result<Option<ApiSecret>, KeychainError> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.0.load(key)
    }
    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        self.0.delete(key)
    }
    fn keys(&self) -> Result<Option<Vec<String>>, KeychainError> {
        self.0.keys()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_start_the_active_connection_is_made_ready_before_the_window_asks() {
    let world = World::new(3).await;
    let keychain = Arc::new(CountingKeychain(InMemoryStore::new(), Default::default()));
    let dir = tempfile::tempdir().expect("dir");
    let first_run = common::desk_with(dir.path(), keychain.clone());
    let connection = first_run.add_connection(world.new_connection(AccountKind::Vendor)).await.expect("added");
    drop(first_run);

    // A restart: the keychain is read once, before any list is asked for...
    let restarted = common::desk_with(dir.path(), keychain.clone());
    let reads = |keychain: &CountingKeychain| keychain.1.load(std::sync::atomic::Ordering::SeqCst);
    let before = reads(&keychain);
    restarted.prepare_active_connection().await;
    assert_eq!(reads(&keychain), before + 1, "the secret is read while the window loads");
    // ...and the window's first list uses what was prepared.
    let page = restarted.list_tokens(&connection.id, &Default::default()).await.expect("listed");
    assert!(!page.items.is_empty());
    assert_eq!(reads(&keychain), before + 1, "the list reads the keychain no more");

    // With no connection at all there is nothing to prepare, and nothing fails.
    let empty = tempfile::tempdir().expect("dir");
    common::desk_with(empty.path(), keychain.clone()).prepare_active_connection().await;
    assert_eq!(reads(&keychain), before + 1);
}
