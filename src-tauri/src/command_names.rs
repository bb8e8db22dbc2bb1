// Shared by build.rs (which declares these for Tauri's access-control check) and
// the app (whose tests compare it with the commands the specta builder exports).
// Plain items only: build.rs `include!`s this file.

/// Every app command the UI may invoke, by the name Tauri routes it under.
pub const APP_COMMANDS: &[&str] = &[
    "app_info",
    "list_connections",
    "add_connection",
    "rename_connection",
    "recolour_connection",
    "set_active_connection",
    "remove_connection",
    "start_demo",
    "orphaned_secrets",
    "remove_orphaned_secrets",
    "cli_accounts",
    "import_cli_accounts",
    "strip_cli_secrets",
    "list_tokens",
    "list_all_tokens",
    "get_token",
    "create_token",
    "update_token",
    "enable_token",
    "disable_token",
    "delete_token",
    "assignable_modules",
    "reveal_token_value",
    "copy_token_value",
    "token_audit",
    "audit_record",
    "event_types",
    "export_audit",
    "cancel_export",
    "get_settings",
    "update_settings",
    "clear_clipboard",
];
