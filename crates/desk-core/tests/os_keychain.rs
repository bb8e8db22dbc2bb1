//! The real OS keychain: stores, reads and deletes a secret through the
//! `keyring` crate and checks the Secret Service from outside with
//! `secret-tool`, the way a user would.
//!
//! Needs a running, unlocked Secret Service, so it is ignored by a plain
//! `cargo test`; `make test` (and `scripts/desktop-session.sh cargo test -p
//! desk-core -- --include-ignored`) runs it inside a private D-Bus session with
//! an unlocked gnome-keyring.

use std::process::Command;

use desk_core::{OsKeychain, SecretStore};
use marketplace_api::ApiSecret;

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

    assert!(keychain.delete(key).expect("delete"), "an existing entry is deleted");
    assert_eq!(secret_tool_lookup(&service, key), None, "secret-tool finds nothing after delete");
    assert!(keychain.load(key).expect("read after delete").is_none());
}
