//! Connections: what one is, the file that keeps them, their secrets in the OS
//! keychain (sealed with where they may be sent), which token each signs in
//! with, and the import from SoftwareOne's CLI.

pub(crate) mod actions;
pub(crate) mod cli_import;
pub(crate) mod environment;
pub(crate) mod keychain;
pub(crate) mod keychain_calls;
pub(crate) mod secret_binding;
pub(crate) mod sign_ins;
pub mod store;
pub(crate) mod types;

/// Where SoftwareOne's CLI keeps its accounts, under the user's home.
pub const CLI_ACCOUNTS_FILE: &str = ".swocli/accounts.json";

/// The CLI's file under `home`.
pub(crate) fn cli_accounts_file_in(home: &std::path::Path) -> std::path::PathBuf {
    home.join(CLI_ACCOUNTS_FILE)
}
