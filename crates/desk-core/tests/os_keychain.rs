//! The real OS keychain: stores, reads and deletes a secret through the
//! `keyring` crate and checks the Secret Service from outside with
//! `secret-tool`, the way a user would.
//!
//! Needs a running, unlocked Secret Service, so it is ignored by a plain
//! `cargo test`; `make test` (and `scripts/desktop-session.sh cargo test -p
//! desk-core -- --include-ignored`) runs it inside a private D-Bus session with
//! an unlocked gnome-keyring.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

use std::process::Command;

use desk_core::{OsKeychain, SecretStore};
use marketplace_api::ApiSecret;

/// The keychain tests run one at a time: the first write creates the login
/// keyring, and two at once could race on that.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn secret_tool_lookup(service: &str, key: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .expect("secret-tool is installed (package libsecret-tools)");
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
#[ignore = "needs an unlocked Secret Service: run under scripts/desktop-session.sh (make test does)"]
fn stores_reads_and_deletes_a_secret_in_the_secret_service() {
    let _turn = take_turn();
    // A per-run service name: the test never touches a real user's entries and
    // a leftover from an aborted run cannot make it pass.
    let service = format!("token-desk-test-{}", std::process::id());
    let keychain = OsKeychain::with_service(&service);
    let key = "connection-under-test";
    let secret = ApiSecret::new("idt:TKN-4821-0937:K3ychainTestSecretValue0000000000000000000000000000000000000001");

    keychain.save(key, &secret).expect("the unlocked keychain accepts a secret");
    assert_eq!(
        secret_tool_lookup(&service, key).as_deref(),
        Some(secret.expose()),
        "secret-tool finds exactly the stored value"
    );

    let loaded = keychain.load(key).expect("read back").expect("the entry exists");
    assert_eq!(loaded.expose(), secret.expose());
    let keys = keychain.keys().expect("the Secret Service lists its entries").expect("a list on Linux");
    assert_eq!(keys, [key], "exactly this service's entry, found by search");

    assert!(keychain.delete(key).expect("delete"), "an existing entry is deleted");
    assert_eq!(secret_tool_lookup(&service, key), None, "secret-tool finds nothing after delete");
    assert!(keychain.load(key).expect("read after delete").is_none());
    assert!(!keychain.keys().expect("listed").unwrap_or_default().contains(&key.to_owned()), "gone from the list too");
}

mod common;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run under scripts/desktop-session.sh (make test does)"]
#[allow(clippy::await_holding_lock, reason = "the lock only orders whole tests against each other")]
async fn a_connection_lives_in_the_secret_service_until_it_is_removed() {
    let _turn = take_turn();
    let world = common::World::new(1).await;
    let service = format!("token-desk-test-desk-{}", std::process::id());
    let desk = common::desk_with(world.config_dir.path(), std::sync::Arc::new(OsKeychain::with_service(&service)));

    let connection = desk
        .add_connection(world.new_connection(marketplace_sim::AccountKind::Vendor))
        .await
        .expect("connects and stores the secret in the keychain");
    let admin_secret = world.sim.admin_secret(marketplace_sim::AccountKind::Vendor);
    let entry = secret_tool_lookup(&service, &connection.id).expect("secret-tool finds the entry");
    let entry: serde_json::Value = serde_json::from_str(&entry).expect("the entry is JSON");
    assert_eq!(entry["secret"], admin_secret, "the secret, with where it may be sent");
    assert_eq!(entry["destination"]["baseUrl"], world.sim.base_url());

    // A fresh desk (as after a restart) reads the secret back from the keychain.
    let restarted = common::desk_with(world.config_dir.path(), std::sync::Arc::new(OsKeychain::with_service(&service)));
    let page = restarted.list_tokens(&connection.id, &Default::default()).await.expect("works after a restart");
    assert!(page.paging.total.is_some_and(|total| total >= 1));

    restarted.remove_connection(&connection.id, false).await.expect("removed");
    assert_eq!(secret_tool_lookup(&service, &connection.id), None, "secret-tool finds nothing after removal");
}

#[test]
#[ignore = "needs dbus-daemon: run under scripts/desktop-session.sh (make test does)"]
fn no_secret_service_gives_the_specific_error() {
    // The keychain store is chosen once per process, so the attempt runs in a
    // child: this same test, started again on a bus with no Secret Service.
    // Run directly, it is always the parent, so it can never pass vacuously.
    if let Ok(expected_bus) = std::env::var("TOKEN_DESK_CHILD_BUS") {
        assert_eq!(std::env::var("DBUS_SESSION_BUS_ADDRESS").as_deref(), Ok(expected_bus.as_str()));
        let error = OsKeychain::with_service("token-desk-test-absent")
            .save("probe", &ApiSecret::new("idt:TKN-1234-5678:NoServiceHere0000"))
            .expect_err("no Secret Service to store into");
        println!("KEYCHAIN-ERROR-KIND={error:?}");
        println!("KEYCHAIN-ERROR-MESSAGE={error}");
        return;
    }
    // A session bus of our own on which nothing provides org.freedesktop.secrets
    // and nothing can be started on demand (no service dirs): the keychain is
    // simply not running.
    let config_dir = tempfile::tempdir().expect("temp dir");
    let config = config_dir.path().join("bus.conf");
    std::fs::write(
        &config,
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
    )
    .expect("bus config");
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dbus-daemon starts");
    let mut address = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(bus.stdout.take().expect("stdout")), &mut address)
        .expect("bus address");
    let address = address.trim().to_owned();

    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "no_secret_service_gives_the_specific_error", "--include-ignored", "--nocapture"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("TOKEN_DESK_CHILD_BUS", &address)
        .output()
        .expect("child runs");
    let _ = bus.kill();
    let _ = bus.wait();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("KEYCHAIN-ERROR-KIND=Unavailable"), "{stdout}");
    assert!(stdout.contains("start a Secret Service provider such as GNOME Keyring"), "{stdout}");
}
