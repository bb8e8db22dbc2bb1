//! The saved connections' file store: `connections.json` in the app's
//! config dir, versioned and written atomically (a temp file renamed over the
//! old one), so a crash never leaves half a file. A file that cannot be parsed
//! is moved aside and reported, never silently overwritten. No secret is ever
//! written here: secrets live in the keychain.
//!
//! Changes are planned ([`PendingChange`]), written, then adopted, so the desk
//! can write with no lock held.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::Serialize;

use crate::connections::types::{Connection, StoredConnection, unknown_connection};
use crate::error::{DeskError, ErrorKind};

/// The file's name inside the config dir.
pub const CONNECTIONS_FILE: &str = "connections.json";

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Colours given to new connections in turn, so side-by-side connections are
/// told apart at a glance.
// No blue near the app's own accent (#3b4fd8): a connection's band must never read as part of the app.
pub const PALETTE: &[&str] = &["#0f9d76", "#c2410c", "#a21caf", "#0e7490", "#b45309", "#be123c"];

/// The file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionsFile {
    version: u32,
    active_connection_id: Option<String>,
    connections: Vec<StoredConnection>,
}

/// Just enough of an entry to refuse one that claims to be the demo.
#[derive(Deserialize)]
struct EntryProbe {
    id: String,
    #[serde(default)]
    demo: bool,
}

#[derive(Deserialize)]
struct EntriesProbe {
    #[serde(default)]
    connections: Vec<EntryProbe>,
}

/// Only the version, read first so a newer file is recognised as such rather
/// than as corrupt.
#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

/// The saved connections and the file they live in.
#[derive(Debug)]
pub struct ConnectionStore {
    path: PathBuf,
    file: ConnectionsFile,
    /// The connections as the UI sees them, in the file's order.
    views: Vec<Connection>,
}

/// What [`ConnectionStore::open`] found.
#[derive(Debug)]
pub struct OpenedStore {
    /// The store, ready to use.
    pub store: ConnectionStore,
    /// Set when the file was unreadable and was moved aside: tell the user.
    pub notice: Option<DeskError>,
    /// Where a damaged file was moved, until it is put back or let go.
    pub set_aside: Option<PathBuf>,
}

impl ConnectionStore {
    /// Opens the connections file in `config_dir`, or starts empty when there is none.
    ///
    /// A file that does not parse is renamed to `connections.json.damaged-<time>`
    /// and the store starts empty, with a notice saying where the old file is. A
    /// file from a newer Token Desk, or one that cannot be read at all, is left
    /// untouched and reported as an error.
    pub fn open(config_dir: &Path) -> Result<OpenedStore, DeskError> {
        let path = config_dir.join(CONNECTIONS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let file = ConnectionsFile { version: FORMAT_VERSION, ..ConnectionsFile::default() };
                return Ok(OpenedStore {
                    store: Self { path, file, views: Vec::new() },
                    notice: None,
                    set_aside: None,
                });
            }
            Err(error) => {
                return Err(storage_error(format!(
                    "Token Desk could not read its connections file {}: {error}. It was left as it is; \
                     check its permissions and restart Token Desk.",
                    path.display()
                )));
            }
        };
        if let Ok(probe) = serde_json::from_str::<VersionProbe>(&text)
            && probe.version > FORMAT_VERSION
        {
            return Err(storage_error(format!(
                "The connections file {} was written by a newer Token Desk (format {}; this one reads {}). \
                     It was left untouched: update Token Desk to use it.",
                path.display(),
                probe.version,
                FORMAT_VERSION
            )));
        }
        match serde_json::from_str::<ConnectionsFile>(&text) {
            Ok(file) => {
                let refused = serde_json::from_str::<EntriesProbe>(&text)
                    .map(|probe| {
                        probe
                            .connections
                            .into_iter()
                            .filter(|entry| entry.demo || entry.id == crate::connections::types::DEMO_CONNECTION_ID)
                            .map(|entry| entry.id)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                Ok(Self::from_file(path, file, &refused))
            }
            Err(parse_error) => {
                let aside = crate::storage::files::set_aside(&path).map_err(|error| {
                    storage_error(format!(
                        "The connections file {} is damaged ({parse_error}) and could not be moved aside ({error}). \
                         It was left as it is.",
                        path.display()
                    ))
                })?;
                let notice = storage_error(format!(
                    "The connections file was damaged ({parse_error}). It was kept as {} and Token Desk \
                     started with no saved connections.",
                    aside.display()
                ));
                let file = ConnectionsFile { version: FORMAT_VERSION, ..ConnectionsFile::default() };
                Ok(OpenedStore {
                    store: Self { path, file, views: Vec::new() },
                    notice: Some(notice),
                    set_aside: Some(aside),
                })
            }
        }
    }

    /// The store over a parsed file, without the entries that are refused:
    /// those claiming to be the demo (`refused`) and those with no usable
    /// address. They stay in the file until the next change, and a notice says so.
    fn from_file(path: PathBuf, mut file: ConnectionsFile, refused: &[String]) -> OpenedStore {
        let mut problems = Vec::new();
        let mut views = Vec::new();
        file.connections.retain(|stored| {
            if refused.contains(&stored.id) {
                problems.push(format!("\"{}\" claims to be the built-in demo, which is never saved", stored.label));
                return false;
            }
            match stored.view() {
                Ok(view) => {
                    views.push(view);
                    true
                }
                Err(error) => {
                    problems.push(format!("\"{}\" has no usable address ({})", stored.label, error.message));
                    false
                }
            }
        });
        if file.active_connection_id.as_ref().is_some_and(|active| !views.iter().any(|view| &view.id == active)) {
            file.active_connection_id = views.first().map(|view| view.id.clone());
        }
        let notice = (!problems.is_empty()).then(|| {
            storage_error(format!(
                "Token Desk ignored {} saved {} in {}: {}. If you did not edit that file, another program may have.",
                problems.len(),
                if problems.len() == 1 { "connection" } else { "connections" },
                path.display(),
                problems.join("; ")
            ))
        });
        OpenedStore { store: Self { path, file, views }, notice, set_aside: None }
    }

    /// Whether the file at `candidate` (a damaged file set aside, perhaps
    /// fixed by hand since) reads as a connections file now; if not, why.
    pub fn check_candidate(candidate: &Path) -> Result<(), DeskError> {
        let text = std::fs::read_to_string(candidate).map_err(|error| {
            let why = crate::storage::files::file_problem(&error);
            storage_error(format!("Token Desk could not read {}: {why}.", candidate.display()))
        })?;
        serde_json::from_str::<ConnectionsFile>(&text).map(|_| ()).map_err(|error| {
            storage_error(format!(
                "{} is still damaged ({error}). Fix it in a text editor (or restore it from a backup), then try \
                 again.",
                candidate.display()
            ))
        })
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every saved connection, in the order they were added.
    pub fn connections(&self) -> &[Connection] {
        &self.views
    }

    /// The connection `id`, if saved.
    pub fn get(&self, id: &str) -> Option<&Connection> {
        self.views.iter().find(|connection| connection.id == id)
    }

    /// The id of the connection the user last chose.
    pub fn active_id(&self) -> Option<&str> {
        self.file.active_connection_id.as_deref()
    }

    /// The saved connection to `base_url` with `token_id`, if any.
    pub fn find_token(&self, base_url: &str, token_id: &str) -> Option<&Connection> {
        self.views.iter().find(|c| c.token_id == token_id && same_url(&c.base_url, base_url))
    }

    /// The colour for the next connection: the first of the palette in least use.
    pub fn next_colour(&self) -> String {
        let uses = |colour: &&&str| self.views.iter().filter(|c| c.colour == **colour).count();
        PALETTE.iter().min_by_key(uses).copied().unwrap_or(PALETTE[0]).to_owned()
    }

    /// Refuses a token that is already connected to the same Marketplace.
    pub fn ensure_new(&self, base_url: &str, token_id: &str) -> Result<(), DeskError> {
        match self.find_token(base_url, token_id) {
            None => Ok(()),
            Some(existing) => Err(DeskError::new(
                ErrorKind::Conflict,
                format!("This API token ({token_id}) is already connected as \"{}\".", existing.label),
            )
            .with_field("secret", "This API token is already connected.")),
        }
    }

    /// Plans adding a connection and making it the active one; the same
    /// token on the same Marketplace is refused.
    pub fn plan_add(&self, connection: &Connection) -> Result<PendingChange, DeskError> {
        self.ensure_new(&connection.base_url, &connection.token_id)?;
        self.plan(|file| {
            file.active_connection_id = Some(connection.id.clone());
            file.connections.push(StoredConnection::from(connection));
        })
    }

    /// Plans changing the connection `id` with `edit`; also returns it as it will be.
    pub fn plan_update(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Connection),
    ) -> Result<(PendingChange, Connection), DeskError> {
        let mut view = self.get(id).cloned().ok_or_else(|| unknown_connection(id))?;
        edit(&mut view);
        let edited = StoredConnection::from(&view);
        let change = self.plan(|file| {
            if let Some(stored) = file.connections.iter_mut().find(|c| c.id == id) {
                *stored = edited;
            }
        })?;
        let updated = change.views.iter().find(|c| c.id == id).cloned().ok_or_else(|| unknown_connection(id))?;
        Ok((change, updated))
    }

    /// Plans removing the connection `id`; also returns it.
    pub fn plan_remove(&self, id: &str) -> Result<(PendingChange, Connection), DeskError> {
        let removed = self.get(id).cloned().ok_or_else(|| unknown_connection(id))?;
        let change = self.plan(|file| {
            file.connections.retain(|c| c.id != id);
            if file.active_connection_id.as_deref() == Some(id) {
                file.active_connection_id = file.connections.first().map(|c| c.id.clone());
            }
        })?;
        Ok((change, removed))
    }

    /// Plans making `id` the active connection (`None`: none is).
    pub fn plan_set_active(&self, id: Option<&str>) -> Result<PendingChange, DeskError> {
        // Checked here, under the writers' turn: it may have been removed since the caller looked.
        if let Some(id) = id
            && self.get(id).is_none()
        {
            return Err(unknown_connection(id));
        }
        self.plan(|file| file.active_connection_id = id.map(str::to_owned))
    }

    /// Takes a change whose file was written.
    pub fn adopt(&mut self, change: PendingChange) {
        self.file = change.file;
        self.views = change.views;
    }

    /// Adds a connection and makes it the active one, written at once (for
    /// callers that do not share the store).
    pub fn add(&mut self, connection: Connection) -> Result<(), DeskError> {
        let change = self.plan_add(&connection)?;
        self.apply(change)
    }

    /// Changes the connection `id` with `edit`, written at once; returns it as saved.
    pub fn update(&mut self, id: &str, edit: impl FnOnce(&mut Connection)) -> Result<Connection, DeskError> {
        let (change, updated) = self.plan_update(id, edit)?;
        self.apply(change)?;
        Ok(updated)
    }

    /// Removes the connection `id`, written at once, and returns it.
    pub fn remove(&mut self, id: &str) -> Result<Connection, DeskError> {
        let (change, removed) = self.plan_remove(id)?;
        self.apply(change)?;
        Ok(removed)
    }

    /// Makes `id` the active connection, written at once.
    pub fn set_active(&mut self, id: Option<&str>) -> Result<(), DeskError> {
        let change = self.plan_set_active(id)?;
        self.apply(change)
    }

    /// Writes `change`, and only then adopts it: a failed write changes
    /// nothing, in memory or on disk.
    fn apply(&mut self, change: PendingChange) -> Result<(), DeskError> {
        change.write()?;
        self.adopt(change);
        Ok(())
    }

    /// Applies `edit` to a copy of the file: the next state, not yet written.
    fn plan(&self, edit: impl FnOnce(&mut ConnectionsFile)) -> Result<PendingChange, DeskError> {
        let mut next = self.file.clone();
        edit(&mut next);
        next.version = FORMAT_VERSION;
        let views = next.connections.iter().map(StoredConnection::view).collect::<Result<Vec<_>, _>>()?;
        Ok(PendingChange { path: self.path.clone(), file: next, views })
    }
}

/// The next state of the connections file, planned but not yet written: the
/// desk writes it without holding its state lock, then adopts it.
#[derive(Debug)]
pub struct PendingChange {
    path: PathBuf,
    file: ConnectionsFile,
    views: Vec<Connection>,
}

impl PendingChange {
    /// Writes the file (atomically, readable by the user only).
    pub fn write(&self) -> Result<(), DeskError> {
        write_atomically(&self.path, &self.file)
    }
}

fn write_atomically(path: &Path, file: &ConnectionsFile) -> Result<(), DeskError> {
    crate::storage::files::write_private_json(path, file, "connections")
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

fn storage_error(message: String) -> DeskError {
    DeskError::new(ErrorKind::Storage, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::environment::Environment;
    use crate::connections::types::AccountSummary;

    fn connection(id: &str, token_id: &str) -> Connection {
        Connection {
            id: id.into(),
            label: format!("Label {id}"),
            environment: Environment::Test,
            base_url: "https://api.s1.show".into(),
            token_id: token_id.into(),
            account: AccountSummary { id: "ACC-1234-5678".into(), name: "Stark".into(), account_type: "Vendor".into() },
            colour: PALETTE[0].into(),
            demo: false,
            ca_certificate_pem: None,
        }
    }

    #[test]
    fn starts_empty_and_round_trips_through_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = ConnectionStore::open(dir.path()).expect("open").store;
        assert!(store.connections().is_empty());
        store.add(connection("c1", "TKN-1111-1111")).expect("add");
        store.update("c1", |c| c.label = "Renamed".into()).expect("rename");

        let reopened = ConnectionStore::open(dir.path()).expect("reopen");
        assert!(reopened.notice.is_none());
        assert_eq!(reopened.store.connections()[0].label, "Renamed");
        assert_eq!(reopened.store.active_id(), Some("c1"));
        let text = std::fs::read_to_string(dir.path().join(CONNECTIONS_FILE)).expect("file");
        assert!(text.contains("\"version\": 1"), "{text}");
    }

    #[test]
    fn the_same_token_twice_is_refused_as_a_conflict() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = ConnectionStore::open(dir.path()).expect("open").store;
        store.add(connection("c1", "TKN-1111-1111")).expect("first add");
        let error = store.add(connection("c2", "TKN-1111-1111")).expect_err("second add refused");
        assert_eq!(error.kind, ErrorKind::Conflict);
        assert_eq!(error.field_errors[0].field.as_deref(), Some("secret"), "points the form at the secret");
        assert!(error.message.contains("already connected"), "{}", error.message);
        assert_eq!(store.connections().len(), 1);
    }

    #[test]
    fn a_damaged_file_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CONNECTIONS_FILE);
        std::fs::write(&path, b"{ this is not json").expect("write");

        let opened = ConnectionStore::open(dir.path()).expect("opens empty");
        let notice = opened.notice.expect("a notice");
        assert_eq!(notice.kind, ErrorKind::Storage);
        assert!(opened.store.connections().is_empty());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("connections.json.damaged-"))
            .collect();
        assert_eq!(aside.len(), 1, "the damaged file is kept");
        assert_eq!(std::fs::read(aside[0].path()).expect("read"), b"{ this is not json");
        assert!(notice.message.contains(&aside[0].file_name().to_string_lossy().to_string()), "{}", notice.message);
    }

    #[test]
    fn a_file_from_a_newer_version_is_left_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CONNECTIONS_FILE);
        std::fs::write(&path, br#"{"version": 7, "whatever": true}"#).expect("write");
        let error = ConnectionStore::open(dir.path()).expect_err("refused");
        assert!(error.message.contains("newer Token Desk"), "{}", error.message);
        assert_eq!(std::fs::read(&path).expect("still there"), br#"{"version": 7, "whatever": true}"#);
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = ConnectionStore::open(dir.path()).expect("open").store;
        store.add(connection("c1", "TKN-1111-1111")).expect("add");
        // Make the directory unwritable by replacing it with a file of the same name.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"not a dir").expect("write");
        store.path = blocked.join(CONNECTIONS_FILE);
        let error = store.update("c1", |c| c.label = "Lost".into()).expect_err("write fails");
        assert_eq!(error.kind, ErrorKind::Storage);
        assert_eq!(store.get("c1").map(|c| c.label.as_str()), Some("Label c1"), "memory unchanged");
    }

    #[test]
    fn removing_the_active_connection_activates_another() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = ConnectionStore::open(dir.path()).expect("open").store;
        store.add(connection("c1", "TKN-1111-1111")).expect("add");
        store.add(connection("c2", "TKN-2222-2222")).expect("add");
        assert_eq!(store.active_id(), Some("c2"));
        store.remove("c2").expect("remove");
        assert_eq!(store.active_id(), Some("c1"));
        assert_eq!(store.remove("c2").expect_err("gone").kind, ErrorKind::NotFound);
    }

    #[test]
    fn colours_rotate_through_the_palette() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = ConnectionStore::open(dir.path()).expect("open").store;
        let mut first = connection("c1", "TKN-1111-1111");
        first.colour = store.next_colour();
        store.add(first).expect("add");
        assert_eq!(store.next_colour(), PALETTE[1]);
    }
}
