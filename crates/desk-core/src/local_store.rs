//! Small JSON files of what Token Desk keeps on this device and the platform
//! does not: review-by dates, rotations under way, the origins each token
//! was seen acting from. Kept per connection id, then per token id. Written
//! atomically and readable by the user only; a damaged file is set aside
//! (never silently overwritten) and the feature starts empty, with a warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::DeskError;

/// Per connection id, per token id: what the device keeps about each token.
pub(crate) type PerToken<T> = BTreeMap<String, BTreeMap<String, T>>;

/// One JSON file, cached in memory and written through on every change.
pub(crate) struct LocalStore<T> {
    path: PathBuf,
    what: &'static str,
    value: Mutex<T>,
    /// Held while a change is written, so changes land in order.
    writes: tokio::sync::Mutex<()>,
}

impl<T: Default + Clone + Serialize + DeserializeOwned + Send + 'static> LocalStore<T> {
    /// Opens `file_name` in `config_dir`; `what` names it in messages.
    pub(crate) fn open(config_dir: &Path, file_name: &str, what: &'static str) -> Self {
        let path = config_dir.join(file_name);
        let value = read(&path, what);
        Self { path, what, value: Mutex::new(value), writes: tokio::sync::Mutex::new(()) }
    }

    /// A copy of what is kept.
    pub(crate) fn get(&self) -> T {
        self.value.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Changes what is kept and writes it; returns what `change` returned.
    /// Nothing changes in memory when the file cannot be written.
    pub(crate) async fn change<R>(&self, change: impl FnOnce(&mut T) -> R) -> Result<R, DeskError> {
        let _writing = self.writes.lock().await;
        let mut next = self.get();
        let result = change(&mut next);
        let (path, what, to_write) = (self.path.clone(), self.what, next.clone());
        tokio::task::spawn_blocking(move || crate::files::write_private_json(&path, &to_write, what))
            .await
            .map_err(|error| DeskError::internal(format!("the {what} write did not finish ({error})")))??;
        *self.value.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
        Ok(result)
    }
}

fn read<T: Default + DeserializeOwned>(path: &Path, what: &str) -> T {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => value,
            Err(error) => {
                let aside = path.with_extension(format!("json.damaged-{}", chrono::Utc::now().timestamp()));
                let moved = std::fs::rename(path, &aside).is_ok();
                tracing::warn!(
                    "{} is damaged ({error}); Token Desk starts its {what} empty{}",
                    path.display(),
                    if moved { format!(" and kept the old file as {}", aside.display()) } else { String::new() }
                );
                T::default()
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => T::default(),
        Err(error) => {
            tracing::warn!("cannot read {}: {error}; Token Desk starts its {what} empty", path.display());
            T::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn changes_survive_a_reopen_and_a_damaged_file_is_set_aside() {
        let dir = tempfile::tempdir().expect("dir");
        let store: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes");
        store.change(|notes| notes.entry("c1".into()).or_default().insert("TKN-1".into(), 7)).await.expect("saved");
        let reopened: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes");
        assert_eq!(reopened.get()["c1"]["TKN-1"], 7);

        std::fs::write(dir.path().join("notes.json"), b"{ not json").expect("damaged");
        let damaged: LocalStore<PerToken<u32>> = LocalStore::open(dir.path(), "notes.json", "notes");
        assert!(damaged.get().is_empty(), "starts empty");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("notes.json.damaged-"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file is kept aside, not overwritten");
    }
}
