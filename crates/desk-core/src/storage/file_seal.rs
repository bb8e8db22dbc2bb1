//! The files that drive enable and disable (panic snapshots, review dates,
//! rotations) are plain JSON any program running as the user could edit: add
//! a leaked, already disabled token to a snapshot and Restore would enable it
//! again. Each is sealed with an HMAC-SHA-256 under a key kept in the OS
//! keychain, and a file whose seal does not match is refused.
//!
//! The seal covers the file's purpose and its content as JSON values (not its
//! bytes), so reformatting alone does not break it, and a snapshot file cannot
//! pass for a rotations file.

use std::sync::Arc;

use marketplace_api::ApiSecret;
use ring::hmac;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::connections::keychain::SecretStore;
use crate::connections::keychain_calls::{KeychainCalls, Purpose};
use crate::error::{DeskError, ErrorKind};

/// The keychain entry holding the key (beside the connections' entries, which
/// are named by connection id, a UUID).
pub(crate) const FILE_KEY_ENTRY: &str = "file-integrity-key";

/// The sealing key, read from the keychain (or made there) on first use.
pub(crate) struct FileSeal {
    secrets: Arc<dyn SecretStore>,
    keychain: Arc<KeychainCalls>,
    key: tokio::sync::OnceCell<hmac::Key>,
}

impl FileSeal {
    /// A seal whose key lives in `secrets`.
    pub(crate) fn new(secrets: Arc<dyn SecretStore>, keychain: Arc<KeychainCalls>) -> Self {
        Self { secrets, keychain, key: tokio::sync::OnceCell::new() }
    }

    /// The seal of `content` for the file `what` is (hex).
    pub(crate) async fn seal(&self, what: &str, content: &Value) -> Result<String, DeskError> {
        let key = self.key().await?;
        Ok(hex(hmac::sign(key, &message(what, content)?).as_ref()))
    }

    /// Whether `seal` is `content`'s for the file `what` is.
    pub(crate) async fn verify(&self, what: &str, content: &Value, seal: &str) -> Result<bool, DeskError> {
        let key = self.key().await?;
        let Some(tag) = unhex(seal) else { return Ok(false) };
        Ok(hmac::verify(key, &message(what, content)?, &tag).is_ok())
    }

    async fn key(&self) -> Result<&hmac::Key, DeskError> {
        self.key
            .get_or_try_init(|| async {
                let secrets = Arc::clone(&self.secrets);
                let stored =
                    self.keychain.run(Purpose::Read(FILE_KEY_ENTRY.into()), move || secrets.load(FILE_KEY_ENTRY)).await;
                let stored = stored.map_err(cannot_reach)?;
                if let Some(stored) = stored {
                    let bytes = unhex(stored.expose()).filter(|bytes| bytes.len() == 32).ok_or_else(|| {
                        DeskError::new(
                            ErrorKind::Keychain,
                            "The key Token Desk seals its local files with is damaged in the OS keychain; files \
                             sealed with it will be refused.",
                        )
                    })?;
                    return Ok(hmac::Key::new(hmac::HMAC_SHA256, &bytes));
                }
                let mut fresh = Zeroizing::new([0u8; 32]);
                ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), fresh.as_mut())
                    .map_err(|_| DeskError::internal("no random bytes for the file key"))?;
                let text = ApiSecret::new(hex(fresh.as_ref()));
                let secrets = Arc::clone(&self.secrets);
                self.keychain
                    .run(Purpose::Change(FILE_KEY_ENTRY.into()), move || secrets.save(FILE_KEY_ENTRY, &text))
                    .await
                    .map_err(cannot_reach)?;
                Ok(hmac::Key::new(hmac::HMAC_SHA256, fresh.as_ref()))
            })
            .await
    }
}

fn cannot_reach(error: DeskError) -> DeskError {
    DeskError::new(
        error.kind,
        format!(
            "Token Desk checks its rotations, review dates and panic snapshots with a key in the OS keychain, and \
             could not read it: {}",
            error.message
        ),
    )
}

/// What is signed: the purpose, a separator no name contains, the JSON.
fn message(what: &str, content: &Value) -> Result<Vec<u8>, DeskError> {
    let mut bytes = Vec::from(what.as_bytes());
    bytes.push(0);
    serde_json::to_writer(&mut bytes, content)
        .map_err(|error| DeskError::internal(format!("the {what} could not be sealed ({error})")))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::keychain::InMemoryStore;

    fn seal_over(secrets: Arc<InMemoryStore>) -> FileSeal {
        FileSeal::new(secrets, Arc::new(KeychainCalls::new(std::time::Duration::from_secs(5))))
    }

    #[tokio::test]
    async fn a_seal_holds_for_its_content_and_purpose_only() {
        let secrets = Arc::new(InMemoryStore::new());
        let seal = seal_over(Arc::clone(&secrets));
        let content = serde_json::json!({ "c1": { "TKN-1": "Done" } });
        let tag = seal.seal("panic snapshots", &content).await.expect("sealed");
        assert!(seal.verify("panic snapshots", &content, &tag).await.expect("checked"));

        let edited = serde_json::json!({ "c1": { "TKN-1": "Done", "TKN-2": "Done" } });
        assert!(!seal.verify("panic snapshots", &edited, &tag).await.expect("checked"), "an added token");
        assert!(!seal.verify("rotations", &content, &tag).await.expect("checked"), "another file");
        assert!(!seal.verify("panic snapshots", &content, "zz").await.expect("checked"), "not hex");

        // The key is in the keychain: a later run verifies what an earlier one sealed.
        assert!(secrets.load(FILE_KEY_ENTRY).expect("read").is_some());
        let later = seal_over(Arc::clone(&secrets));
        assert!(later.verify("panic snapshots", &content, &tag).await.expect("checked"));
        // Another keychain (the key lost) verifies nothing.
        let elsewhere = seal_over(Arc::new(InMemoryStore::new()));
        assert!(!elsewhere.verify("panic snapshots", &content, &tag).await.expect("checked"));
    }
}
