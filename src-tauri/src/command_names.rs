// Shared by build.rs (which declares these for Tauri's access-control check) and
// the app (whose tests compare it with the commands the specta builder exports).
// Plain items only: build.rs `include!`s this file.

/// Every app command the UI may invoke, by the name Tauri routes it under.
pub const APP_COMMANDS: &[&str] = &["app_info"];
