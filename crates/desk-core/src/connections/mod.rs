//! Connections: what one is, the file that keeps them, their secrets in the OS
//! keychain (sealed with where they may be sent), which token each signs in
//! with, and the import from SoftwareOne's CLI.

pub(crate) mod actions;
pub mod ca_file;
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

/// The keychain as the desk uses it: its entries, the calls' lanes and time
/// limit, and what the entries say each connection signs in with.
pub(crate) struct Keychain {
    /// Where the secrets are kept.
    pub(crate) entries: std::sync::Arc<dyn keychain::SecretStore>,
    /// Every call goes through here: time-limited, one per purpose.
    pub(crate) calls: std::sync::Arc<keychain_calls::KeychainCalls>,
    /// Which tokens the saved connections sign in with, as their entries say.
    pub(crate) sign_ins: std::sync::Arc<sign_ins::SignIns>,
}
