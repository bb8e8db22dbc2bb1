//! The committed TypeScript bindings match the Rust commands exactly, and every
//! exported command is declared for Tauri's access-control check.
//!
//! After changing a command, regenerate with `make bindings`
//! (`TOKEN_DESK_WRITE_BINDINGS=1 cargo test --test bindings`).

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
