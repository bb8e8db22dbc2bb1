//! The desk: Token Desk without a window. It owns the saved connections, their
//! secrets in the keychain, one Marketplace client per connection and the demo
//! simulator, and tells listeners what changed.
//!
//! Every public method is one thing the UI or the tray can do; the desktop
//! shell exposes each as one thin typed command.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use marketplace_api::{ApiSecret, Client, ClientConfig};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::clipboard::{ClipboardGuard, SystemClipboard};
use crate::connections::{AccountSummary, Connection, ConnectionStore, PendingChange, unknown_connection};
use crate::environment::Environment;
use crate::error::{DeskError, ErrorKind};
use crate::events::DeskEvent;
use crate::keychain::SecretStore;
use crate::panic_button::SnapshotStore;
use crate::settings::{Settings, SettingsStore};
use crate::tray::TrayCache;

/// The id of the built-in demo connection.
pub const DEMO_CONNECTION_ID: &str = "demo";

/// Longest connection label.
const LABEL_MAX_CHARS: usize = 100;

/// What the add-connection form sends.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewConnection {
    /// Which Marketplace.
    pub environment: Environment,
    /// The user's name for the connection.
    pub label: String,
    /// The admin's API token (`idt:TKN-…:…`). Goes to the keychain, nowhere else;
    /// held from the moment it is read so that it never prints and is wiped on drop.
    #[specta(type = String)]
    pub secret: ApiSecret,
    /// A PEM CA certificate to trust besides the system's (a corporate proxy).
    #[serde(default)]
    pub ca_certificate_pem: Option<String>,
}

// Hand-written so the secret can never be printed by a stray `{:?}`.
impl std::fmt::Debug for NewConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConnection")
            .field("environment", &self.environment)
            .field("label", &self.label)
            .field("secret", &crate::redact::REDACTED)
            .finish_non_exhaustive()
    }
}

/// The connections, as the connection picker shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionList {
    /// Saved connections, then the demo when it runs.
    pub connections: Vec<Connection>,
    /// The one in use.
    pub active_id: Option<String>,
    /// A problem with the saved connections to tell the user about (a damaged file).
    pub notice: Option<DeskError>,
}

/// Where the desk keeps things and how it identifies itself.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// The app's config dir, for `connections.json`.
    pub config_dir: PathBuf,
    /// The app version, for the User-Agent.
    pub app_version: String,
    /// How failed Marketplace requests are retried.
    pub retry: marketplace_api::RetryPolicy,
    /// How long a keychain call may take before the user is told to look for
    /// an unlock prompt.
    pub keychain_timeout: std::time::Duration,
}

/// Long enough for a keychain to wake up, short enough that a hidden unlock
/// prompt is pointed out while the user still waits.
pub const KEYCHAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl DeskConfig {
    /// The app's settings, with the client's default retry policy.
    pub fn new(config_dir: impl Into<PathBuf>, app_version: impl Into<String>) -> Self {
        Self {
            config_dir: config_dir.into(),
            app_version: app_version.into(),
            retry: Default::default(),
            keychain_timeout: KEYCHAIN_TIMEOUT,
        }
    }
}

/// The running demo: the embedded simulator and its in-memory secret.
struct Demo {
    _simulator: marketplace_sim::SimHandle,
    connection: Connection,
    ca_pem: String,
    secret: ApiSecret,
}

struct State {
    store: Result<ConnectionStore, DeskError>,
    notice: Option<DeskError>,
    clients: HashMap<String, Client>,
    demo: Option<Demo>,
    /// The demo's id while it is the active connection (it is never saved).
    demo_active: bool,
}

/// Token Desk's logic, shared by every window, command and the tray.
pub struct Desk {
    secrets: Arc<dyn SecretStore>,
    state: Mutex<State>,
    events: broadcast::Sender<DeskEvent>,
    app_version: String,
    retry: marketplace_api::RetryPolicy,
    keychain_timeout: std::time::Duration,
    settings_store: SettingsStore,
    settings: Mutex<Settings>,
    /// The system clipboard, once the shell has one to give.
    pub(crate) clipboard: Option<Arc<ClipboardGuard>>,
    /// The tray's view of the active connection's active tokens.
    pub(crate) tray_cache: Mutex<TrayCache>,
    /// Held while the tray refreshes, so answers land in order.
    pub(crate) tray_refresh_turn: tokio::sync::Mutex<()>,
    /// What the panics of each connection disabled and is not restored yet.
    pub(crate) snapshots: SnapshotStore,
    /// Held by a panic or a restore while it runs: one at a time.
    pub(crate) panic_turn: tokio::sync::Mutex<()>,
    /// Held while the connections file is planned, written and adopted.
    store_writes: tokio::sync::Mutex<()>,
}

impl Desk {
    /// Opens the saved connections. Never fails: a damaged or unreadable
    /// connections file is reported through [`Desk::connections`] instead, so
    /// the app still starts (and the demo still works).
    pub fn open(config: DeskConfig, secrets: Arc<dyn SecretStore>) -> Self {
        let (store, notice) = match ConnectionStore::open(&config.config_dir) {
            Ok(opened) => (Ok(opened.store), opened.notice),
            Err(error) => (Err(error.clone()), Some(error)),
        };
        let (events, _) = broadcast::channel(256);
        let settings_store = SettingsStore::new(&config.config_dir);
        let settings = Mutex::new(settings_store.load());
        Self {
            secrets,
            state: Mutex::new(State { store, notice, clients: HashMap::new(), demo: None, demo_active: false }),
            events,
            app_version: config.app_version,
            retry: config.retry,
            keychain_timeout: config.keychain_timeout,
            settings_store,
            settings,
            clipboard: None,
            tray_cache: Mutex::new(TrayCache::default()),
            tray_refresh_turn: tokio::sync::Mutex::new(()),
            snapshots: SnapshotStore::new(&config.config_dir),
            panic_turn: tokio::sync::Mutex::new(()),
            store_writes: tokio::sync::Mutex::new(()),
        }
    }

    /// Gives the desk the system clipboard, for copies and their clearing.
    /// Without one, copying reports that there is no clipboard.
    pub fn with_clipboard(mut self, clipboard: Arc<dyn SystemClipboard>) -> Result<Self, DeskError> {
        self.clipboard = Some(Arc::new(ClipboardGuard::new(clipboard, self.events.clone())?));
        Ok(self)
    }

    /// The user's settings.
    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Checks and saves new settings; they apply from the next copy on. The
    /// file is written off the async workers, with no lock held.
    pub async fn update_settings(&self, settings: Settings) -> Result<Settings, DeskError> {
        let settings = settings.checked()?;
        let _writing = self.store_writes.lock().await;
        let store = self.settings_store.clone();
        let to_save = settings.clone();
        tokio::task::spawn_blocking(move || store.save(&to_save))
            .await
            .map_err(|error| DeskError::internal(format!("the settings write did not finish ({error})")))??;
        *self.settings.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = settings.clone();
        Ok(settings)
    }

    /// Clears the clipboard if it still holds a value Token Desk copied (the
    /// "Clear now" button, and quitting); true when it did.
    pub async fn clear_clipboard(&self) -> Result<bool, DeskError> {
        match &self.clipboard {
            Some(guard) => guard.clear_if_ours().await,
            None => Ok(false),
        }
    }

    /// Listens to everything that changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: DeskEvent) {
        // No listener is fine: nobody needs to know.
        let _ = self.events.send(event);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent, so a panic in
        // one cannot leave it half-changed: keep using it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every connection and which one is active.
    pub fn connections(&self) -> ConnectionList {
        let state = self.state();
        let mut connections = state.store.as_ref().map(|store| store.connections().to_vec()).unwrap_or_default();
        connections.extend(state.demo.as_ref().map(|demo| demo.connection.clone()));
        let active_id = if state.demo_active {
            Some(DEMO_CONNECTION_ID.to_owned())
        } else {
            state.store.as_ref().ok().and_then(|store| store.active_id().map(str::to_owned))
        };
        ConnectionList { connections, active_id, notice: state.notice.clone() }
    }

    /// The connection `id`.
    pub fn connection(&self, id: &str) -> Result<Connection, DeskError> {
        let state = self.state();
        if id == DEMO_CONNECTION_ID {
            return state.demo.as_ref().map(|demo| demo.connection.clone()).ok_or_else(|| unknown_connection(id));
        }
        let store = state.store.as_ref().map_err(Clone::clone)?;
        store.get(id).cloned().ok_or_else(|| unknown_connection(id))
    }

    /// Checks a secret with the Marketplace and, when it is an active token,
    /// saves the connection: the secret in the keychain, the rest in the
    /// connections file. On any failure nothing is stored.
    pub async fn add_connection(&self, new: NewConnection) -> Result<Connection, DeskError> {
        let label = checked_label(&new.label)?;
        let base_url = new.environment.base_url()?;
        let secret = new.secret;
        let Some(token_id) = secret.token_id().map(str::to_owned) else {
            return Err(DeskError::invalid_field(
                "secret",
                "This is not an API token: it should look like idt:TKN-1234-5678:… (copy it from the token's page).",
            ));
        };
        // Refuse a duplicate before asking the Marketplace anything.
        self.state().store.as_ref().map_err(Clone::clone)?.ensure_new(&base_url, &token_id)?;
        let ca_pem = new.ca_certificate_pem.filter(|pem| !pem.trim().is_empty());
        let client = self.build_client(&base_url, secret.clone(), ca_pem.as_deref())?;
        let identity = client.whoami().await?;
        let connection = Connection {
            id: uuid::Uuid::new_v4().to_string(),
            label,
            environment: new.environment,
            base_url,
            token_id,
            account: AccountSummary::from(&identity.account),
            colour: String::new(),
            demo: false,
            ca_certificate_pem: ca_pem,
        };
        let connection_id = connection.id.clone();
        self.store_secret(&connection, &secret).await?;
        let saved = self
            .change_store(|store| {
                let mut connection = connection;
                connection.colour = store.next_colour();
                Ok((store.plan_add(&connection)?, connection))
            })
            .await;
        if let Ok(connection) = &saved {
            let mut state = self.state();
            state.clients.insert(connection.id.clone(), client);
            state.demo_active = false;
        }
        match saved {
            Ok(connection) => {
                tracing::info!(connection = %connection.id, token = %connection.token_id, "connection added");
                self.emit(DeskEvent::ConnectionsChanged);
                Ok(connection)
            }
            Err(error) => {
                // The file refused it: take the secret back out so nothing is left behind.
                if let Err(cleanup) = self.delete_secret(&connection_id).await {
                    tracing::warn!("could not remove the secret of a connection that was not saved: {cleanup}");
                }
                Err(error)
            }
        }
    }

    /// Renames a connection.
    pub async fn rename_connection(&self, id: &str, label: &str) -> Result<Connection, DeskError> {
        let label = checked_label(label)?;
        self.edit_connection(id, |connection| connection.label = label).await
    }

    /// Gives a connection another colour (`#rrggbb`).
    pub async fn recolour_connection(&self, id: &str, colour: &str) -> Result<Connection, DeskError> {
        let colour = colour.trim().to_ascii_lowercase();
        let valid = colour.len() == 7 && colour.starts_with('#') && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(DeskError::invalid_field("colour", format!("\"{colour}\" is not a colour like #3b4fd8.")));
        }
        self.edit_connection(id, |connection| connection.colour = colour).await
    }

    async fn edit_connection(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Connection) + Send,
    ) -> Result<Connection, DeskError> {
        let updated = if id == DEMO_CONNECTION_ID {
            let mut state = self.state();
            let demo = state.demo.as_mut().ok_or_else(|| unknown_connection(id))?;
            edit(&mut demo.connection);
            demo.connection.clone()
        } else {
            self.change_store(|store| store.plan_update(id, edit)).await?
        };
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(updated)
    }

    /// Makes `id` the connection in use.
    pub async fn set_active_connection(&self, id: &str) -> Result<(), DeskError> {
        if id == DEMO_CONNECTION_ID {
            let mut state = self.state();
            if state.demo.is_none() {
                return Err(unknown_connection(id));
            }
            state.demo_active = true;
        } else {
            self.change_store(|store| {
                if store.get(id).is_none() {
                    return Err(unknown_connection(id));
                }
                Ok((store.plan_set_active(Some(id))?, ()))
            })
            .await?;
            self.state().demo_active = false;
        }
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(())
    }

    /// Keychain entries of Token Desk's that belong to no saved connection: a
    /// crash between the keychain write and the file write, or a damaged file
    /// moved aside, leaves them behind. Empty where the keychain cannot list
    /// its entries.
    pub async fn orphaned_secrets(&self) -> Result<Vec<String>, DeskError> {
        let secrets = Arc::clone(&self.secrets);
        let keys = self.run_blocking(move || secrets.keys()).await?.unwrap_or_default();
        let state = self.state();
        let Ok(store) = state.store.as_ref() else {
            // The file could not be read: every entry would look orphaned. Offer nothing.
            return Ok(Vec::new());
        };
        Ok(keys.into_iter().filter(|key| store.get(key).is_none()).collect())
    }

    /// Deletes the orphaned keychain entries; returns how many went.
    pub async fn remove_orphaned_secrets(&self) -> Result<usize, DeskError> {
        let mut removed = 0;
        for key in self.orphaned_secrets().await? {
            if self.delete_secret(&key).await? {
                removed += 1;
            }
        }
        tracing::info!(removed, "orphaned keychain entries removed");
        Ok(removed)
    }

    /// Plans a change of the connections file under the state lock, writes
    /// it with the lock released (a slow disk or fsync never stalls a reader),
    /// then adopts it. Writers take turns, so no change is lost between the
    /// plan and the adoption.
    async fn change_store<T: Send + 'static>(
        &self,
        plan: impl FnOnce(&ConnectionStore) -> Result<(PendingChange, T), DeskError>,
    ) -> Result<T, DeskError> {
        let _writing = self.store_writes.lock().await;
        let (change, value) = {
            let state = self.state();
            let store = state.store.as_ref().map_err(Clone::clone)?;
            plan(store)?
        };
        let change = tokio::task::spawn_blocking(move || change.write().map(|()| change))
            .await
            .map_err(|error| DeskError::internal(format!("the connections file write did not finish ({error})")))??;
        if let Ok(store) = self.state().store.as_mut() {
            store.adopt(change);
        }
        Ok(value)
    }

    /// Removes a connection and its secret from the keychain. If the keychain
    /// refuses, the connection stays, so the user can try again; with
    /// `even_without_keychain` (the UI's "Remove anyway", after it warned that
    /// the secret may stay in the keychain) it goes all the same.
    pub async fn remove_connection(&self, id: &str, even_without_keychain: bool) -> Result<(), DeskError> {
        if id == DEMO_CONNECTION_ID {
            let mut state = self.state();
            if state.demo.take().is_none() {
                return Err(unknown_connection(id));
            }
            state.demo_active = false;
            state.clients.remove(id);
        } else {
            self.connection(id)?;
            // Whatever happens next, the secret must stop being used from memory.
            self.state().clients.remove(id);
            match self.delete_secret(id).await {
                Ok(_) => {}
                Err(error) if even_without_keychain && error.kind == ErrorKind::Keychain => {
                    tracing::warn!(connection = %id, "removed without reaching the keychain: {error}");
                }
                Err(error) => return Err(error),
            }
            self.state().clients.remove(id);
            self.change_store(|store| store.plan_remove(id)).await?;
            self.state().clients.remove(id);
        }
        if let Err(error) = self.snapshots.forget(id) {
            tracing::warn!("could not forget the panic snapshot of a removed connection: {error}");
        }
        tracing::info!(connection = %id, "connection removed");
        self.emit(DeskEvent::ConnectionsChanged);
        // A value copied from it must not outlive it on the clipboard.
        if let Some(guard) = &self.clipboard
            && let Err(error) = guard.clear_if_from(id).await
        {
            tracing::warn!("could not clear the clipboard after removing a connection: {error}");
        }
        Ok(())
    }

    /// Starts the built-in demo: a simulator of the Marketplace on loopback,
    /// with seed data, connected as a vendor's admin. Its secret stays in
    /// memory; everything else behaves as a real connection. Starting it again
    /// returns the running one.
    pub async fn start_demo(&self) -> Result<Connection, DeskError> {
        if let Some(demo) = self.state().demo.as_ref() {
            return Ok(demo.connection.clone());
        }
        let config = marketplace_sim::SimConfig { seed: 2026, tokens_per_account: 60, ..Default::default() };
        let simulator = marketplace_sim::start(config)
            .await
            .map_err(|error| DeskError::new(ErrorKind::Internal, format!("The demo could not start: {error}.")))?;
        let secret = ApiSecret::new(simulator.admin_secret(marketplace_sim::AccountKind::Vendor));
        let ca_pem = simulator.ca_pem().to_owned();
        let base_url = simulator.base_url().to_owned();
        let client = self.build_client(&base_url, secret.clone(), Some(&ca_pem))?;
        let identity = client.whoami().await?;
        let connection = Connection {
            id: DEMO_CONNECTION_ID.to_owned(),
            label: "Demo (simulated Marketplace)".to_owned(),
            environment: Environment::Custom { url: base_url.clone() },
            base_url,
            token_id: identity.token.id.clone(),
            account: AccountSummary::from(&identity.account),
            colour: "#6b7280".to_owned(),
            demo: true,
            ca_certificate_pem: None,
        };
        {
            let mut state = self.state();
            if let Some(running) = state.demo.as_ref() {
                // Another call won the race; keep the first.
                return Ok(running.connection.clone());
            }
            state.clients.insert(DEMO_CONNECTION_ID.to_owned(), client);
            state.demo = Some(Demo { _simulator: simulator, connection: connection.clone(), ca_pem, secret });
            state.demo_active = true;
        }
        // A fresh demo starts from its seed again: an earlier demo's panic has nothing to restore here.
        if let Err(error) = self.snapshots.forget(DEMO_CONNECTION_ID) {
            tracing::warn!("could not forget an earlier demo's panic snapshot: {error}");
        }
        tracing::info!("demo connection started");
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(connection)
    }

    /// The client for a connection, built on first use from its keychain secret.
    pub(crate) async fn client(&self, connection_id: &str) -> Result<Client, DeskError> {
        if let Some(client) = self.state().clients.get(connection_id) {
            return Ok(client.clone());
        }
        let connection = self.connection(connection_id)?;
        let secret = if connection.demo {
            let state = self.state();
            let demo = state.demo.as_ref().ok_or_else(|| unknown_connection(connection_id))?;
            (demo.secret.clone(), Some(demo.ca_pem.clone()))
        } else {
            let secret = self.load_secret(&connection).await?.ok_or_else(|| {
                DeskError::new(
                    ErrorKind::Keychain,
                    format!(
                        "The API token of \"{}\" is no longer in the OS keychain. Remove the connection and add it again.",
                        connection.label
                    ),
                )
            })?;
            (secret, connection.ca_certificate_pem.clone())
        };
        let client = self.build_client(&connection.base_url, secret.0, secret.1.as_deref())?;
        let mut state = self.state();
        // The connection may have been removed while its secret was read: cache
        // nothing for it then.
        let still_there = if connection.demo {
            state.demo.is_some()
        } else {
            state.store.as_ref().is_ok_and(|store| store.get(connection_id).is_some())
        };
        if !still_there {
            return Err(unknown_connection(connection_id));
        }
        Ok(state.clients.entry(connection_id.to_owned()).or_insert(client).clone())
    }

    fn build_client(&self, base_url: &str, secret: ApiSecret, ca_pem: Option<&str>) -> Result<Client, DeskError> {
        let mut config = ClientConfig::new(base_url, secret);
        config.app_version = self.app_version.clone();
        config.retry = self.retry.clone();
        if let Some(pem) = ca_pem {
            config = config.with_extra_ca_pem(pem);
        }
        Ok(Client::new(config)?)
    }

    /// Saves the connection's secret in the keychain, bound to where the
    /// connection sends it (see `secret_binding`).
    async fn store_secret(&self, connection: &Connection, secret: &ApiSecret) -> Result<(), DeskError> {
        let entry = crate::secret_binding::seal(secret, &crate::secret_binding::Destination::of(connection))?;
        let secrets = Arc::clone(&self.secrets);
        let key = connection.id.clone();
        self.run_blocking(move || secrets.save(&key, &entry)).await
    }

    /// The connection's secret, once the keychain confirms it may go where
    /// the connection (as the file now describes it) would send it.
    async fn load_secret(&self, connection: &Connection) -> Result<Option<ApiSecret>, DeskError> {
        let secrets = Arc::clone(&self.secrets);
        let key = connection.id.clone();
        let Some(entry) = self.run_blocking(move || secrets.load(&key)).await? else { return Ok(None) };
        let destination = crate::secret_binding::Destination::of(connection);
        crate::secret_binding::unseal(&entry, &destination, &connection.label).map(Some)
    }

    async fn delete_secret(&self, key: &str) -> Result<bool, DeskError> {
        let secrets = Arc::clone(&self.secrets);
        let key = key.to_owned();
        self.run_blocking(move || secrets.delete(&key)).await
    }

    /// Runs a keychain call on the blocking pool, for at most the keychain
    /// time limit: it may wait on D-Bus or an unlock prompt, which must never
    /// stall the async workers or leave the user waiting without a word. (A
    /// call that runs out of time finishes in the background; its answer is
    /// dropped.)
    async fn run_blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce() -> Result<T, crate::keychain::KeychainError> + Send + 'static,
    ) -> Result<T, DeskError> {
        match tokio::time::timeout(self.keychain_timeout, tokio::task::spawn_blocking(call)).await {
            Ok(Ok(result)) => result.map_err(DeskError::from),
            Ok(Err(join_error)) => Err(DeskError::internal(format!("the keychain call did not finish ({join_error})"))),
            Err(_) => {
                let seconds = self.keychain_timeout.as_secs().max(1);
                Err(DeskError::from(crate::keychain::KeychainError::Stalled { seconds }))
            }
        }
    }
}

fn checked_label(label: &str) -> Result<String, DeskError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(DeskError::invalid_field("label", "Give the connection a name."));
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(DeskError::invalid_field("label", format!("Keep the name under {LABEL_MAX_CHARS} characters.")));
    }
    if crate::redact::looks_like_secret(label) {
        // Never echo it back: the message must not carry what it refuses.
        return Err(DeskError::invalid_field(
            "label",
            "This looks like an API secret. Give the connection a name here; the secret goes in the API token field.",
        ));
    }
    Ok(label.to_owned())
}
