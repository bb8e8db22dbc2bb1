//! Small JSON files of what Token Desk keeps on this device and the platform
//! does not: review-by dates, rotations under way, panic snapshots, the
//! origins each token was seen acting from. Written atomically and readable
//! by the user only.
//!
//! Those that drive enable and disable are sealed (see `file_seal`). A file is
//! read on first use, not at start-up: its seal's key is in the keychain,
//! which may wait on an unlock prompt. A damaged file, or one whose seal does
//! not match, is set aside (never silently overwritten) and the feature
//! starts empty, with a notice for the user.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DeskError, ErrorKind};
use crate::storage::file_seal::FileSeal;

/// Per connection id, per token id: what the device keeps about each token.
pub(crate) type PerToken<T> = BTreeMap<String, BTreeMap<String, T>>;

/// The format of a sealed file.
const SEALED_FORMAT: u64 = 1;

/// One JSON file, read on first use, cached in memory and written through on
/// every change.
pub(crate) struct LocalStore<T> {
    path: PathBuf,
    what: &'static str,
    /// `None` for a file that drives nothing and is not sealed.
    seal: Option<Arc<FileSeal>>,
    /// `None` until read.
    value: Mutex<Option<T>>,
    /// Held while the file is read or a change is written, so changes land in order.
    turn: tokio::sync::Mutex<()>,
    /// Set when the file was set aside: what to tell the user.
    notice: Mutex<Option<DeskError>>,
    /// Told when a notice appears, so that the window shows it.
    events: Option<tokio::sync::broadcast::Sender<crate::events::DeskEvent>>,
}

impl<T: Default + Clone + Serialize + DeserializeOwned + Send + 'static> LocalStore<T> {
    /// `file_name` in `config_dir`, read on first use; `what` names it in
    /// messages. With a `seal`, the file must carry a matching one.
    pub(crate) fn open(config_dir: &Path, file_name: &str, what: &'static str, seal: Option<Arc<FileSeal>>) -> Self {
        Self {
            path: config_dir.join(file_name),
            what,
            seal,
            value: Mutex::new(None),
            turn: tokio::sync::Mutex::new(()),
            notice: Mutex::new(None),
            events: None,
        }
    }

    /// The same, telling `events` when a notice appears.
    pub(crate) fn telling(mut self, events: tokio::sync::broadcast::Sender<crate::events::DeskEvent>) -> Self {
        self.events = Some(events);
        self
    }

    /// `file_name` in `config_dir`, read now: for a small unsealed file the app
    /// needs at start (the settings). Damaged, it is set aside like any other.
    pub(crate) fn open_now(config_dir: &Path, file_name: &str, what: &'static str) -> Self {
        let store = Self::open(config_dir, file_name, what, None);
        let value = match std::fs::read(&store.path) {
            Ok(bytes) => match serde_json::from_slice::<T>(&bytes) {
                Ok(value) => value,
                Err(error) => store.refuse(&format!("it is damaged ({error})")),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => T::default(),
            Err(error) => {
                tracing::warn!("cannot read {}: {error}; Token Desk starts its {what} empty", store.path.display());
                T::default()
            }
        };
        *lock(&store.value) = Some(value);
        store
    }

    /// A copy of what is kept, reading the file first if need be. Fails only
    /// when the seal's key cannot be read (a locked keychain): nothing is
    /// assumed then, and the next call tries again.
    pub(crate) async fn get(&self) -> Result<T, DeskError> {
        if let Some(value) = self.peek() {
            return Ok(value);
        }
        let _turn = self.turn.lock().await;
        self.load().await
    }

    /// What is kept, if the file was read already; never waits.
    pub(crate) fn peek(&self) -> Option<T> {
        lock(&self.value).clone()
    }

    /// Why the file was set aside, if it was.
    pub(crate) fn notice(&self) -> Option<DeskError> {
        lock(&self.notice).clone()
    }

    /// Changes what is kept and writes it (sealed); returns what `change`
    /// returned. Nothing changes in memory when the file cannot be written.
    pub(crate) async fn change<R>(&self, change: impl FnOnce(&mut T) -> R) -> Result<R, DeskError> {
        let _turn = self.turn.lock().await;
        let mut next = self.load().await?;
        let result = change(&mut next);
        let content = serde_json::to_value(&next)
            .map_err(|error| DeskError::internal(format!("the {} could not be saved ({error})", self.what)))?;
        let on_disk = match &self.seal {
            Some(seal) => {
                let tag = seal.seal(self.what, &content).await?;
                serde_json::json!({ "format": SEALED_FORMAT, "seal": tag, "content": content })
            }
            None => content,
        };
        let (path, what) = (self.path.clone(), self.what);
        tokio::task::spawn_blocking(move || crate::storage::files::write_private_json(&path, &on_disk, what))
            .await
            .map_err(|error| DeskError::internal(format!("the {what} write did not finish ({error})")))??;
        *lock(&self.value) = Some(next);
        Ok(result)
    }

    /// The value, reading and checking the file if not done yet. Called with `turn` held.
    async fn load(&self) -> Result<T, DeskError> {
        if let Some(value) = self.peek() {
            return Ok(value);
        }
        let path = self.path.clone();
        let read = tokio::task::spawn_blocking(move || std::fs::read(&path))
            .await
            .map_err(|error| DeskError::internal(format!("the {} read did not finish ({error})", self.what)))?;
        let value = match read {
            Ok(bytes) => self.accept(&bytes).await?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => T::default(),
            Err(error) => {
                // Left in place: it may be readable again after a restart.
                tracing::warn!(
                    "cannot read {}: {error}; Token Desk starts its {} empty",
                    self.path.display(),
                    self.what
                );
                self.tell(format!(
                    "Token Desk could not read its {} ({}: {error}) and started them empty.",
                    self.what,
                    self.path.display()
                ));
                T::default()
            }
        };
        *lock(&self.value) = Some(value.clone());
        Ok(value)
    }

    /// The file's content if it parses and its seal holds; otherwise the file
    /// is set aside and the store starts empty.
    async fn accept(&self, bytes: &[u8]) -> Result<T, DeskError> {
        let parsed: Result<Value, String> = serde_json::from_slice(bytes).map_err(|error| error.to_string());
        let content = match (&self.seal, parsed) {
            (_, Err(error)) => Err(format!("it is damaged ({error})")),
            (None, Ok(content)) => Ok(content),
            (Some(seal), Ok(envelope)) => {
                let format = envelope.get("format").and_then(Value::as_u64);
                let tag = envelope.get("seal").and_then(Value::as_str).unwrap_or_default();
                let content = envelope.get("content").cloned().unwrap_or(Value::Null);
                if format != Some(SEALED_FORMAT) {
                    Err("it carries no seal of this Token Desk".to_owned())
                } else if seal.verify(self.what, &content, tag).await? {
                    Ok(content)
                } else {
                    Err("its seal does not match: it was changed outside Token Desk".to_owned())
                }
            }
        };
        match content.and_then(|content| {
            serde_json::from_value::<T>(content).map_err(|error| format!("it is damaged ({error})"))
        }) {
            Ok(value) => Ok(value),
            Err(why) => Ok(self.refuse(&why)),
        }
    }

    /// Sets the file aside, tells why, and starts empty.
    fn refuse(&self, why: &str) -> T {
        let kept = match crate::storage::files::set_aside(&self.path) {
            Ok(aside) => format!(" It was kept as {}.", aside.display()),
            Err(_) => String::new(),
        };
        tracing::warn!("{} was refused: {why}", self.path.display());
        self.tell(format!(
            "Token Desk did not use its {} file, {}: {why}. It starts them empty and acts on nothing the file \
             held.{kept} If you did not change that file, another program may have.",
            self.what,
            self.path.display()
        ));
        T::default()
    }

    fn tell(&self, message: String) {
        *lock(&self.notice) = Some(DeskError::new(ErrorKind::Storage, message));
        if let Some(events) = &self.events {
            // The notices travel with the connection list.
            let _ = events.send(crate::events::DeskEvent::ConnectionsChanged);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::keychain::InMemoryStore;
    use crate::connections::keychain_calls::KeychainCalls;

    fn seal(secrets: &Arc<InMemoryStore>) -> Option<Arc<FileSeal>> {
        let calls = Arc::new(KeychainCalls::new(std::time::Duration::from_secs(5)));
        Some(Arc::new(FileSeal::new(Arc::clone(secrets) as Arc<dyn crate::connections::keychain::SecretStore>, calls)))
    }

    fn aside(dir: &Path, prefix: &str) -> usize {
        std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
            .count()
    }

    #[tokio::test]
    async fn changes_survive_a_reopen_and_a_damaged_file_is_set_aside() {
        let dir = tempfile::tempdir().expect("dir");
        let store: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes", None);
        store.change(|notes| notes.entry("c1".into()).or_default().insert("TKN-1".into(), 7)).await.expect("saved");
        let reopened: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes", None);
        assert_eq!(reopened.get().await.expect("read")["c1"]["TKN-1"], 7);

        std::fs::write(dir.path().join("notes.json"), b"{ not json").expect("damaged");
        let damaged: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes", None);
        assert!(damaged.get().await.expect("read").is_empty(), "starts empty");
        assert!(damaged.notice().is_some_and(|notice| notice.message.contains("damaged")));
        assert_eq!(aside(dir.path(), "notes.json.damaged-"), 1, "the damaged file is kept aside, not overwritten");
    }

    #[tokio::test]
    async fn a_sealed_file_edited_outside_is_refused_with_a_notice() {
        let dir = tempfile::tempdir().expect("dir");
        let secrets = Arc::new(InMemoryStore::new());
        let store: LocalStore<PerToken<u32>> =
            LocalStore::open(dir.path(), "snapshots.json", "panic snapshots", seal(&secrets));
        store.change(|all| all.entry("c1".into()).or_default().insert("TKN-1".into(), 1)).await.expect("saved");
        let reopened: LocalStore<PerToken<u32>> =
            LocalStore::open(dir.path(), "snapshots.json", "panic snapshots", seal(&secrets));
        assert_eq!(reopened.get().await.expect("read")["c1"]["TKN-1"], 1, "its own seal holds");
        assert!(reopened.notice().is_none());

        // Another program adds a token.
        let path = dir.path().join("snapshots.json");
        let mut file: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        file["content"]["c1"]["TKN-2"] = serde_json::json!(1);
        std::fs::write(&path, serde_json::to_vec(&file).expect("json")).expect("edited");
        let tampered: LocalStore<PerToken<u32>> =
            LocalStore::open(dir.path(), "snapshots.json", "panic snapshots", seal(&secrets));
        assert!(tampered.get().await.expect("read").is_empty(), "nothing the file held is acted on");
        let notice = tampered.notice().expect("a notice");
        assert!(notice.message.contains("seal does not match"), "{}", notice.message);
        assert_eq!(aside(dir.path(), "snapshots.json.damaged-"), 1);

        // A plain file without a seal is refused too.
        std::fs::write(&path, br#"{"c1": {"TKN-3": 1}}"#).expect("plain");
        let plain: LocalStore<PerToken<u32>> =
            LocalStore::open(dir.path(), "snapshots.json", "panic snapshots", seal(&secrets));
        assert!(plain.get().await.expect("read").is_empty());
        assert!(plain.notice().expect("a notice").message.contains("no seal"));
    }
}
