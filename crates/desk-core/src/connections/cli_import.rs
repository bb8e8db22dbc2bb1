//! Rescue from plaintext. SoftwareOne's `swo` CLI keeps its accounts, secrets
//! included, in `~/.swocli/accounts.json`: a JSON list of objects with `id`,
//! `name`, `type`, `token` (the whole `idt:TKN-…:…` secret), `token_id`,
//! `environment` (the API base URL) and `is_active`. Token Desk offers to
//! import them as connections (each checked with the Marketplace, its secret
//! moved to the keychain), then, once the user confirms, to take the secrets
//! of the imported accounts out of that file.

use std::path::Path;

use marketplace_api::ApiSecret;
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::connections::actions::NewConnection;
use crate::connections::environment::Environment;
use crate::connections::types::Connection;
use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};

/// One account of the CLI, as the window shows it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CliAccountView {
    /// The CLI's name for it.
    pub name: String,
    /// The Marketplace account (`ACC-…`), as the CLI noted it.
    pub account_id: String,
    /// The token it signs in with (`TKN-…`); what the import is asked for by.
    pub token_id: String,
    /// Where it points, as a connection would show it ("Production", a host).
    pub environment: String,
    /// Whether it points at an address of its own (a proxy, a simulator), which
    /// may need an extra CA certificate to be trusted.
    pub custom_address: bool,
    /// Whether the file holds its secret (an account already stripped has none).
    pub has_secret: bool,
    /// Whether a connection already signs in with this token.
    pub already_connected: bool,
    /// The CLI's current account.
    pub is_active: bool,
}

/// The CLI's accounts file, found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CliAccounts {
    /// The file, for the window to name.
    pub path: String,
    /// Its accounts, in the file's order.
    pub accounts: Vec<CliAccountView>,
}

/// What became of one account asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum CliImportResult {
    /// Checked with the Marketplace and saved: its secret is in the keychain.
    Imported {
        #[serde(rename = "tokenId")]
        token_id: String,
        connection: Connection,
    },
    /// Not imported, and why (a refused token, an unreachable address…).
    Failed {
        #[serde(rename = "tokenId")]
        token_id: String,
        name: String,
        error: DeskError,
    },
}

impl Desk {
    /// The CLI's accounts, when its file exists (`Ok(None)` when it does not).
    /// A file that is not a list of accounts is an error that says so.
    pub fn cli_accounts(&self) -> Result<Option<CliAccounts>, DeskError> {
        let Some(path) = self.cli_accounts_file() else { return Ok(None) };
        let Some(entries) = read_accounts(&path)? else { return Ok(None) };
        let connected: Vec<String> = self.connections().connections.into_iter().map(|c| c.token_id).collect();
        let accounts = entries
            .iter()
            .filter_map(Value::as_object)
            .map(|account| {
                let token_id = text(account, "token_id");
                let environment = environment_of(&text(account, "environment"));
                CliAccountView {
                    name: text(account, "name"),
                    account_id: text(account, "id"),
                    already_connected: connected.contains(&token_id),
                    token_id,
                    custom_address: matches!(environment, Environment::Custom { .. }),
                    environment: environment.display_name(),
                    has_secret: !text(account, "token").is_empty(),
                    is_active: account.get("is_active").and_then(Value::as_bool).unwrap_or(false),
                }
            })
            .collect();
        Ok(Some(CliAccounts { path: path.display().to_string(), accounts }))
    }

    /// Imports the accounts signing in with `token_ids` as connections, one
    /// after the other: each is checked with the Marketplace (`whoami`) and
    /// its secret goes to the keychain, as when the user connects by hand.
    /// `ca_certificate_pem` is trusted besides the system's for custom
    /// addresses (a proxy, the simulator). The file itself is not changed.
    pub async fn import_cli_accounts(
        &self,
        token_ids: &[String],
        ca_certificate_pem: Option<String>,
    ) -> Result<Vec<CliImportResult>, DeskError> {
        self.require_unlocked("import accounts")?;
        let path = self.cli_accounts_file().ok_or_else(no_home)?;
        let entries = read_accounts(&path)?.ok_or_else(|| missing(&path))?;
        let mut results = Vec::new();
        for token_id in token_ids {
            let account = entries.iter().filter_map(Value::as_object).find(|a| text(a, "token_id") == *token_id);
            let Some(account) = account else {
                let error =
                    DeskError::new(ErrorKind::NotFound, format!("{} holds no account for {token_id}.", path.display()));
                results.push(CliImportResult::Failed { token_id: token_id.clone(), name: String::new(), error });
                continue;
            };
            let name = text(account, "name");
            let environment = environment_of(&text(account, "environment"));
            let ca = matches!(environment, Environment::Custom { .. }).then(|| ca_certificate_pem.clone()).flatten();
            let secret = ApiSecret::new(text(account, "token"));
            let label = if name.trim().is_empty() { token_id.clone() } else { name.clone() };
            let new = NewConnection { environment, label, secret, ca_certificate_pem: ca };
            results.push(match self.add_connection(new).await {
                Ok(connection) => CliImportResult::Imported { token_id: token_id.clone(), connection },
                Err(error) => CliImportResult::Failed { token_id: token_id.clone(), name, error },
            });
        }
        Ok(results)
    }

    /// Takes out of the CLI's file the secret of every account Token Desk now
    /// holds in the keychain: an entry goes only when a saved connection to the
    /// same Marketplace signs in with the same token, and its keychain secret is
    /// exactly the file's (a token id alone could name a secret Token Desk never
    /// saw, which would then be lost). The others keep theirs. The file is
    /// rewritten in place (a temp file beside it, renamed over it, 0600): no
    /// second copy is left. Returns how many secrets were removed.
    pub async fn strip_cli_secrets(&self) -> Result<u32, DeskError> {
        self.require_unlocked("change the CLI's file")?;
        let path = self.cli_accounts_file().ok_or_else(no_home)?;
        let mut entries = read_accounts(&path)?.ok_or_else(|| missing(&path))?;
        let connections = self.connections().connections;
        let mut removed = 0;
        for account in entries.iter_mut().filter_map(Value::as_object_mut) {
            let file_secret = Zeroizing::new(text(account, "token"));
            if file_secret.is_empty() {
                continue;
            }
            let token_id = text(account, "token_id");
            let Ok(place) = environment_of(&text(account, "environment")).base_url() else { continue };
            let candidate = connections.iter().find(|connection| {
                !connection.demo
                    && connection.token_id.eq_ignore_ascii_case(&token_id)
                    && crate::connections::sign_ins::same_marketplace(&connection.base_url, &place)
            });
            let Some(connection) = candidate else { continue };
            // One keychain read per candidate: a locked keychain stops the strip with
            // its own error, before anything is written.
            let Some(saved) = self.load_secret(connection).await? else { continue };
            if !constant_time_eq(saved.expose().as_bytes(), file_secret.as_bytes()) {
                tracing::info!(token = %token_id, "a CLI secret differs from the keychain's: kept in the file");
                continue;
            }
            if let Some(token) = account.get_mut("token") {
                // The CLI still parses the file; it will ask for the secret again.
                *token = Value::String(String::new());
                removed += 1;
            }
        }
        if removed > 0 {
            rewrite_in_place(&path, &Value::Array(entries))?;
        }
        Ok(removed)
    }
}

/// Equal bytes, in a time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The file's accounts; `Ok(None)` when there is no file.
fn read_accounts(path: &Path) -> Result<Option<Vec<Value>>, DeskError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(DeskError::new(
                ErrorKind::Storage,
                format!(
                    "Token Desk could not read {}: {}.",
                    path.display(),
                    crate::storage::files::file_problem(&error)
                ),
            ));
        }
    };
    let unreadable = |why: String| {
        DeskError::new(
            ErrorKind::Validation,
            format!("{} is not the SoftwareOne CLI's accounts file as Token Desk knows it: {why}", path.display()),
        )
    };
    // serde_json's own messages quote no input, only where it stopped.
    match serde_json::from_slice::<Value>(&bytes).map_err(|error| unreadable(format!("{error}.")))? {
        Value::Array(entries) => Ok(Some(entries)),
        _ => Err(unreadable("it holds no list of accounts.".into())),
    }
}

/// The text at `key`, or empty.
fn text(account: &serde_json::Map<String, Value>, key: &str) -> String {
    account.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The environment a CLI base URL (`https://api.s1.show/public`…) names.
fn environment_of(base_url: &str) -> Environment {
    let trimmed = base_url.trim().trim_end_matches('/');
    let host = trimmed.strip_prefix("https://").unwrap_or(trimmed).split('/').next().unwrap_or_default();
    let named = [Environment::Production, Environment::Test, Environment::Qa, Environment::Dev];
    named
        .into_iter()
        .find(|env| env.base_url().is_ok_and(|url| url.trim_start_matches("https://") == host))
        .unwrap_or_else(|| {
            // The CLI's URL may end in the API's path; a connection's address is the origin.
            let origin = trimmed.split("/public").next().unwrap_or(trimmed);
            Environment::Custom { url: origin.to_owned() }
        })
}

/// Replaces `path` with `value`, keeping its permissions, through a temp file
/// in the same directory (removed if anything fails).
fn rewrite_in_place(path: &Path, value: &Value) -> Result<(), DeskError> {
    use std::io::Write;
    let fail = |error: &dyn std::fmt::Display| {
        DeskError::new(
            ErrorKind::Storage,
            format!("Token Desk could not rewrite {}: {}.", path.display(), crate::storage::files::file_problem(error)),
        )
    };
    // Through a symlink (stow and chezmoi make them), the file it points to is the one that
    // holds the secrets: rewrite that one, or replacing the link would leave them all there.
    let real = std::fs::canonicalize(path).map_err(|error| fail(&error))?;
    refuse_second_links(path, &real)?;
    let dir = real.parent().unwrap_or_else(|| Path::new("."));
    let json = Zeroizing::new(serde_json::to_vec_pretty(value).map_err(|error| fail(&error))?);
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|error| fail(&error))?;
    temp.write_all(&json).map_err(|error| fail(&error))?;
    // Private whatever it was: a world-readable file keeps the account list.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|error| fail(&error))?;
    }
    temp.as_file().sync_all().map_err(|error| fail(&error))?;
    temp.persist(&real).map_err(|error| fail(&error.error))?;
    Ok(())
}

/// A file with a second hard link would keep every secret under its other name after the
/// rewrite, while Token Desk said they were removed: refused, with what to do.
fn refuse_second_links(path: &Path, real: &Path) -> Result<(), DeskError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let links = std::fs::metadata(real).map(|meta| meta.nlink()).unwrap_or(1);
        if links > 1 {
            return Err(DeskError::new(
                ErrorKind::Refused,
                format!(
                    "{} has {links} hard links, so its secrets would stay under its other names. Nothing was \
                     changed: remove the other links (find them with `find ~ -samefile {}`) and try again.",
                    path.display(),
                    real.display()
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, real);
    Ok(())
}

fn no_home() -> DeskError {
    DeskError::new(
        ErrorKind::Storage,
        "Token Desk cannot tell where your home folder is, so it cannot find the CLI's file.",
    )
}

fn missing(path: &Path) -> DeskError {
    DeskError::new(ErrorKind::NotFound, format!("{} is gone.", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn through_a_symlink_the_real_file_is_rewritten_private_and_a_hard_link_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("dotfiles-accounts.json");
        std::fs::write(&real, br#"[{"token": "secret"}]"#).expect("written");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).expect("0644");
        let link = dir.path().join("accounts.json");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");

        rewrite_in_place(&link, &serde_json::json!([{"token": ""}])).expect("rewritten");
        assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink(), "the link stays a link");
        let text = std::fs::read_to_string(&real).expect("the real file");
        assert!(!text.contains("secret"), "the real file lost the secret: {text}");
        let mode = std::fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "written private");

        std::fs::write(&real, br#"[{"token": "secret"}]"#).expect("written");
        let second = dir.path().join("backup.json");
        std::fs::hard_link(&real, &second).expect("hard link");
        let error = rewrite_in_place(&link, &serde_json::json!([{"token": ""}])).expect_err("refused");
        assert_eq!(error.kind, ErrorKind::Refused);
        assert!(error.message.contains("2 hard links"), "{}", error.message);
        assert!(std::fs::read_to_string(&second).expect("the other name").contains("secret"), "nothing changed");
    }

    #[test]
    fn cli_addresses_map_to_environments() {
        assert_eq!(environment_of("https://api.platform.softwareone.com/public"), Environment::Production);
        assert_eq!(environment_of("https://api.s1.show/public/v1/"), Environment::Test);
        assert_eq!(environment_of("https://api.s1.live"), Environment::Qa);
        assert_eq!(
            environment_of("https://127.0.0.1:8443/public"),
            Environment::Custom { url: "https://127.0.0.1:8443".into() }
        );
    }
}
