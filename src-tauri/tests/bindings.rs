//! The committed TypeScript bindings match the Rust commands exactly, and every
//! exported command is declared for Tauri's access-control check.
//!
//! After changing a command, regenerate with `make bindings`
//! (`TOKEN_DESK_WRITE_BINDINGS=1 cargo test --test bindings`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

use std::path::Path;

use token_desk_lib::command_names::APP_COMMANDS;
use token_desk_lib::ipc::{BINDINGS_PATH, export_bindings};

/// The bindings as TypeScript source, exactly as `make bindings` writes them.
fn typescript_source() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bindings.ts");
    export_bindings(&path).expect("bindings export");
    std::fs::read_to_string(&path).expect("exported bindings")
}

fn committed_bindings_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH)
}

#[test]
fn committed_bindings_are_fresh() {
    let path = committed_bindings_path();
    if std::env::var_os("TOKEN_DESK_WRITE_BINDINGS").is_some() {
        export_bindings(&path).expect("bindings written");
        return;
    }
    let fresh = typescript_source();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{BINDINGS_PATH} is stale: the Rust commands changed. Regenerate it with `make bindings` \
         (TOKEN_DESK_WRITE_BINDINGS=1 cargo test --test bindings) and commit the result."
    );
}

/// The command names the generated bindings invoke: each call site reads
/// `__TAURI_INVOKE<Type>("name", …)`.
fn invoked_commands(bindings: &str) -> Vec<String> {
    let mut names: Vec<String> = bindings
        .lines()
        .filter_map(|line| line.split_once("__TAURI_INVOKE").map(|(_, call)| call))
        .filter_map(|call| call.split_once("(\"").map(|(_, args)| args))
        .filter_map(|args| args.split('"').next().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_exported_command_is_declared_for_access_control() {
    let bindings = typescript_source();
    let exported = invoked_commands(&bindings);
    assert!(!exported.is_empty(), "no commands found in the bindings:\n{bindings}");
    let mut declared: Vec<String> = APP_COMMANDS.iter().map(|name| (*name).to_owned()).collect();
    declared.sort();
    assert_eq!(
        exported, declared,
        "src-tauri/src/command_names.rs must list exactly the commands in ipc::specta_builder"
    );
}

#[test]
fn the_main_window_capability_grants_each_command_once_and_nothing_the_ui_does_not_need() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities/main-window.json");
    let capability: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the capability file")).expect("JSON");
    assert_eq!(capability["windows"], serde_json::json!(["main"]), "it applies to the main window only");
    let permissions: Vec<String> = capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .map(|permission| permission.as_str().expect("plain permission names, no scoped objects").to_owned())
        .collect();

    // Exactly one allow-<command> for each command in the IPC list…
    let mut commands: Vec<String> =
        permissions.iter().filter_map(|p| p.strip_prefix("allow-")).map(str::to_owned).collect();
    let mut expected: Vec<String> = APP_COMMANDS.iter().map(|name| name.replace('_', "-")).collect();
    commands.sort();
    expected.sort();
    assert_eq!(commands, expected, "one allow-<command> per command, no more, no fewer");
    let mut unique = commands.clone();
    unique.dedup();
    assert_eq!(unique, commands, "no command granted twice");

    // …and beyond them only what the UI needs: listening to the app's events.
    let others: Vec<&String> = permissions.iter().filter(|p| !p.starts_with("allow-")).collect();
    assert_eq!(
        others,
        ["core:event:allow-listen", "core:event:allow-unlisten"],
        "no plugin or core permission beyond events"
    );
}
