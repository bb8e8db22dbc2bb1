//! Generates the Tauri context and checks access control at build time.
//!
//! Every app command is declared here, so Tauri generates an `allow-<command>`
//! permission for it and refuses calls from any window whose capability does not
//! grant that permission.

include!("src/command_names.rs");

#[allow(clippy::panic, reason = "a build script fails the build by panicking, with the reason")]
fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
