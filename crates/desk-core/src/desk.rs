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
use tokio::sync::broadcast;

use crate::clipboard::{ClipboardGuard, SystemClipboard};
use crate::clock::{Clock, SystemClock};
use crate::connections::keychain::SecretStore;
use crate::connections::keychain_calls::{Finished, KeychainCalls, Purpose};
use crate::connections::store::{ConnectionStore, PendingChange};
use crate::connections::types::{Connection, unknown_connection};
use crate::error::{DeskError, ErrorKind};
use crate::events::DeskEvent;
use crate::settings::Settings;
use crate::storage::local_store::LocalStore;

pub use crate::connections::types::DEMO_CONNECTION_ID;

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
    /// SoftwareOne's CLI accounts file, offered for import (`None`: no home folder).
    pub cli_accounts_file: Option<PathBuf>,
    /// Where "now" comes from, for review dates and rotations.
    pub clock: Arc<dyn Clock>,
    /// Replaces every rotation grace period but "now" (end-to-end tests,
    /// which cannot wait an hour).
    pub grace_override: Option<chrono::Duration>,
    /// How long an unlock waits for the person to answer the system's prompt.
    pub unlock_timeout: std::time::Duration,
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
            cli_accounts_file: std::env::var_os("HOME")
                .filter(|home| !home.is_empty())
                .map(|home| crate::connections::cli_accounts_file_in(std::path::Path::new(&home))),
            clock: Arc::new(SystemClock),
            grace_override: None,
            unlock_timeout: UNLOCK_TIMEOUT,
        }
    }
}

/// Long enough to find and answer a password prompt.
pub const UNLOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The running demo: the embedded simulator and its in-memory secret.
pub(crate) struct Demo {
    pub(crate) _simulator: marketplace_sim::SimHandle,
    pub(crate) connection: Connection,
    pub(crate) ca_pem: String,
    pub(crate) secret: ApiSecret,
}

/// What the desk holds in memory, behind one lock that is never held across
/// an await, a file write or a keychain call.
pub(crate) struct State {
    pub(crate) store: Result<ConnectionStore, DeskError>,
    pub(crate) notice: Option<DeskError>,
    pub(crate) clients: HashMap<String, Client>,
    pub(crate) demo: Option<Demo>,
    /// The demo's id while it is the active connection (it is never saved).
    pub(crate) demo_active: bool,
    /// Connections being added: their secret may be in the keychain before
    /// they are in the file, and they are not orphans.
    pub(crate) adding: std::collections::HashSet<String>,
    /// Where a damaged connections file was moved at start, until it is put
    /// back or let go: meanwhile every keychain entry looks orphaned, so none
    /// is offered for removal.
    pub(crate) set_aside: Option<PathBuf>,
}

/// Where a connection comes from, resolved once per action: the running demo
/// (its secret in memory, never saved) or a saved connection (its secret in
/// the keychain). Actions branch on this, not on the id.
pub(crate) enum ConnectionSource {
    /// The built-in demo.
    Demo(Connection),
    /// A connection in the connections file.
    Saved(Connection),
}

impl ConnectionSource {
    /// The connection, whichever its source.
    pub(crate) fn connection(&self) -> &Connection {
        match self {
            Self::Demo(connection) | Self::Saved(connection) => connection,
        }
    }
}

/// Where the desk keeps things and how its clients identify themselves.
pub(crate) struct Setup {
    /// The app's config dir.
    pub(crate) config_dir: PathBuf,
    /// SoftwareOne's CLI accounts file (see [`DeskConfig::cli_accounts_file`]).
    pub(crate) cli_accounts_file: Option<PathBuf>,
    /// The app version, for the User-Agent.
    pub(crate) app_version: String,
    /// How failed Marketplace requests are retried.
    pub(crate) retry: marketplace_api::RetryPolicy,
}

/// The desk's time.
pub(crate) struct Time {
    /// Where "now" comes from.
    pub(crate) clock: Arc<dyn Clock>,
    /// When this desk opened: a plan that came due before it did came due
    /// while Token Desk was closed.
    pub(crate) opened_at: chrono::DateTime<chrono::Utc>,
    /// The user's date when the schedules last ran: at midnight, "in 3 days" becomes "in 2 days".
    pub(crate) schedule_day: Mutex<Option<chrono::NaiveDate>>,
}

/// Token Desk's logic, shared by every window, command and the tray. It holds
/// what is shared (the connections, the keychain, events, settings, time) and
/// one state per feature, each defined beside the feature.
pub struct Desk {
    /// The connections, their clients and the demo, behind one std lock.
    state: Mutex<State>,
    /// Held while the connections file is planned, written and adopted.
    pub(crate) store_writes: tokio::sync::Mutex<()>,
    pub(crate) keychain: crate::connections::Keychain,
    events: broadcast::Sender<DeskEvent>,
    pub(crate) setup: Setup,
    pub(crate) time: Time,
    pub(crate) preferences: crate::settings::Preferences,
    /// The system clipboard, once the shell has one to give.
    pub(crate) clipboard: Option<Arc<ClipboardGuard>>,
    pub(crate) tray: crate::tray::menu::State,
    pub(crate) panic: crate::tray::panic_button::State,
    pub(crate) reviews: crate::reminders::review_dates::State,
    pub(crate) rotations: crate::reminders::rotation::State,
    pub(crate) usage: crate::audit::usage::State,
    pub(crate) exports: crate::audit::export::State,
    pub(crate) lock: crate::lock::State,
    pub(crate) directory: crate::tokens::directory::State,
}

impl Desk {
    /// Opens the saved connections. Never fails: a damaged or unreadable
    /// connections file is reported through [`Desk::connections`] instead, so
    /// the app still starts (and the demo still works).
    pub fn open(config: DeskConfig, secrets: Arc<dyn SecretStore>) -> Self {
        let (store, notice, set_aside) = match ConnectionStore::open(&config.config_dir) {
            Ok(opened) => (Ok(opened.store), opened.notice, opened.set_aside),
            Err(error) => (Err(error.clone()), Some(error), None),
        };
        let (events, _) = broadcast::channel(256);
        let calls = Arc::new(KeychainCalls::new(config.keychain_timeout));
        let seal = Some(Arc::new(crate::storage::file_seal::FileSeal::new(Arc::clone(&secrets), Arc::clone(&calls))));
        let dir = &config.config_dir;
        let preferences: crate::settings::Preferences =
            LocalStore::open_now(dir, crate::settings::FILE_NAME, "settings").telling(events.clone());
        let lock_at_start = preferences.peek().unwrap_or_default().lock_at_start;
        Self {
            state: Mutex::new(State {
                store,
                notice,
                clients: HashMap::new(),
                demo: None,
                demo_active: false,
                adding: Default::default(),
                set_aside,
            }),
            store_writes: tokio::sync::Mutex::new(()),
            keychain: crate::connections::Keychain { entries: secrets, calls, sign_ins: Arc::default() },
            preferences,
            clipboard: None,
            tray: Default::default(),
            panic: crate::tray::panic_button::State {
                snapshots: LocalStore::open(dir, crate::tray::panic_button::FILE_NAME, "panic snapshots", seal.clone())
                    .telling(events.clone()),
                turn: tokio::sync::Mutex::new(()),
                asked: Default::default(),
            },
            reviews: crate::reminders::review_dates::State {
                store: LocalStore::open(dir, crate::reminders::review_dates::FILE_NAME, "review dates", seal.clone())
                    .telling(events.clone()),
            },
            rotations: crate::reminders::rotation::State {
                store: LocalStore::open(dir, crate::reminders::rotation::FILE_NAME, "rotations", seal.clone())
                    .telling(events.clone()),
                turn: tokio::sync::Mutex::new(()),
                grace_override: config.grace_override,
            },
            usage: crate::audit::usage::State {
                origins: LocalStore::open(dir, crate::audit::usage::FILE_NAME, "origin history", None),
                unwatched: Mutex::new(Default::default()),
            },
            exports: Default::default(),
            directory: Default::default(),
            lock: crate::lock::State::open(dir, lock_at_start, config.clock.now(), config.unlock_timeout),
            time: Time { opened_at: config.clock.now(), clock: config.clock, schedule_day: Mutex::new(None) },
            setup: Setup {
                config_dir: config.config_dir.clone(),
                cli_accounts_file: config.cli_accounts_file,
                app_version: config.app_version,
                retry: config.retry,
            },
            events: events.clone(),
        }
    }

    /// The desk's time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.time.clock.now()
    }

    /// Does what is due by now: review reminders and review-date disables,
    /// rotations whose grace period ended, and new origins on every
    /// connection. Returns what to tell the user; the shell runs this at
    /// start and then every so often.
    pub async fn run_schedules(&self) -> Vec<crate::reminders::review_dates::Reminder> {
        let today = self.now().with_timezone(&chrono::Local).date_naive();
        let last_day = self.time.schedule_day.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).replace(today);
        if last_day.is_some_and(|day| day != today) {
            // Every "in N days" shown is a day off now.
            for connection in self.connections().connections {
                self.notes_changed(&connection.id);
            }
        }
        let mut reminders = self.check_review_dates().await;
        reminders.extend(self.check_rotations().await);
        reminders.extend(self.watch_origins().await);
        if self.presenting() {
            return reminders.into_iter().map(crate::reminders::review_dates::Reminder::without_names).collect();
        }
        reminders
    }

    pub(crate) fn notes_changed(&self, connection_id: &str) {
        self.emit(DeskEvent::NotesChanged { connection_id: connection_id.to_owned() });
    }

    /// Gives the desk the system's check of who is at the keyboard, for unlocking.
    pub fn with_presence_check(mut self, check: Arc<dyn crate::lock::PresenceCheck>) -> Self {
        self.lock.presence = Some(check);
        self
    }

    /// Gives the desk the system clipboard, for copies and their clearing.
    /// Without one, copying reports that there is no clipboard.
    pub fn with_clipboard(mut self, clipboard: Arc<dyn SystemClipboard>) -> Result<Self, DeskError> {
        self.clipboard =
            Some(Arc::new(ClipboardGuard::new(clipboard, self.events.clone(), Arc::clone(&self.time.clock))?));
        Ok(self)
    }

    /// The user's settings.
    pub fn settings(&self) -> Settings {
        let saved = self.preferences.peek().unwrap_or_default();
        // A value out of range (edited by hand) is not applied: the defaults are.
        saved.checked().unwrap_or_default()
    }

    /// Checks and saves new settings; they apply from the next copy on. The
    /// file is written off the async workers, with no lock held.
    pub async fn update_settings(&self, settings: Settings) -> Result<Settings, DeskError> {
        self.require_unlocked("change the settings")?;
        let settings = settings.checked()?;
        let saved = settings.clone();
        self.preferences.change(move |kept| *kept = saved).await?;
        if !settings.remember_token_list {
            self.forget_all_remembered_tokens();
        }
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

    /// Why copying cannot work on this desktop (no X11 and no Wayland
    /// clipboard access, say), if it cannot; the window says so up front.
    pub async fn clipboard_problem(&self) -> Option<String> {
        match &self.clipboard {
            Some(guard) => guard.problem().await,
            None => Some("Token Desk has no clipboard here.".to_owned()),
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

    /// SoftwareOne's CLI accounts file, where it would be.
    pub(crate) fn cli_accounts_file(&self) -> Option<PathBuf> {
        self.setup.cli_accounts_file.clone()
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent, so a panic in
        // one cannot leave it half-changed: keep using it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Plans a change of the connections file under the state lock, writes
    /// it with the lock released (a slow disk or fsync never stalls a reader),
    /// then adopts it. Writers take turns, so no change is lost between the
    /// plan and the adoption.
    pub(crate) async fn change_store<T: Send + 'static>(
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

    /// Where the connection `id` comes from, and the connection itself.
    pub(crate) fn source(&self, id: &str) -> Result<ConnectionSource, DeskError> {
        let state = self.state();
        if id == DEMO_CONNECTION_ID {
            let demo = state.demo.as_ref().ok_or_else(|| unknown_connection(id))?;
            return Ok(ConnectionSource::Demo(demo.connection.clone()));
        }
        let store = state.store.as_ref().map_err(Clone::clone)?;
        store.get(id).cloned().map(ConnectionSource::Saved).ok_or_else(|| unknown_connection(id))
    }

    /// The client for a connection, built on first use from its keychain secret.
    pub(crate) async fn client(&self, connection_id: &str) -> Result<Client, DeskError> {
        if let Some(client) = self.state().clients.get(connection_id) {
            return Ok(client.clone());
        }
        let source = self.source(connection_id)?;
        let connection = source.connection();
        let (secret, ca_pem) = match &source {
            ConnectionSource::Demo(_) => {
                let state = self.state();
                let demo = state.demo.as_ref().ok_or_else(|| unknown_connection(connection_id))?;
                (demo.secret.clone(), Some(demo.ca_pem.clone()))
            }
            ConnectionSource::Saved(connection) => {
                let secret = self.load_secret(connection).await?.ok_or_else(|| {
                    DeskError::new(
                        ErrorKind::Keychain,
                        format!(
                            "The API token of \"{}\" is no longer in the OS keychain. Remove the connection and add it again.",
                            connection.label
                        ),
                    )
                })?;
                (secret, connection.ca_certificate_pem.clone())
            }
        };
        let client = self.build_client(&connection.base_url, secret, ca_pem.as_deref())?;
        let mut state = self.state();
        // The connection may have been removed while its secret was read: cache
        // nothing for it then.
        let still_there = match &source {
            ConnectionSource::Demo(_) => state.demo.is_some(),
            ConnectionSource::Saved(_) => state.store.as_ref().is_ok_and(|store| store.get(connection_id).is_some()),
        };
        if !still_there {
            return Err(unknown_connection(connection_id));
        }
        Ok(state.clients.entry(connection_id.to_owned()).or_insert(client).clone())
    }

    pub(crate) fn build_client(
        &self,
        base_url: &str,
        secret: ApiSecret,
        ca_pem: Option<&str>,
    ) -> Result<Client, DeskError> {
        let mut config = ClientConfig::new(base_url, secret);
        config.app_version = self.setup.app_version.clone();
        config.retry = self.setup.retry.clone();
        if let Some(pem) = ca_pem {
            config = config.with_extra_ca_pem(pem);
        }
        Ok(Client::new(config)?)
    }

    /// Saves the connection's secret in the keychain, bound to where the
    /// connection sends it (see `secret_binding`).
    /// A save that runs out of time is not abandoned: once it lands, its
    /// entry is deleted again, since the connection it was for was not added.
    pub(crate) async fn store_secret(&self, connection: &Connection, secret: &ApiSecret) -> Result<(), DeskError> {
        let entry = crate::connections::secret_binding::seal(
            secret,
            &crate::connections::secret_binding::Destination::of(connection),
        )?;
        let secrets = Arc::clone(&self.keychain.entries);
        let key = connection.id.clone();
        let saved = entry.clone();
        let save = {
            let secrets = Arc::clone(&secrets);
            let key = key.clone();
            move || secrets.save(&key, &saved)
        };
        match self.keychain.calls.start(Purpose::Change(key.clone()), save).await {
            Finished::InTime(result) => {
                result?;
                self.keychain.sign_ins.note_sealed(&key, crate::connections::secret_binding::signs_in_with(&entry));
                Ok(())
            }
            Finished::Late(None) => Err(self.keychain.calls.stalled()),
            Finished::Late(Some(save)) => {
                let keychain = Arc::clone(&self.keychain.calls);
                tokio::spawn(async move {
                    if matches!(save.await, Ok(Ok(()))) {
                        let cleanup = keychain.run(Purpose::Change(key.clone()), move || secrets.delete(&key)).await;
                        if cleanup.is_err() {
                            tracing::warn!(
                                "a late keychain save could not be taken back; it shows as an orphaned entry"
                            );
                        }
                    }
                });
                Err(self.keychain.calls.stalled())
            }
        }
    }

    /// The connection's secret, once the keychain confirms it may go where
    /// the connection (as the file now describes it) would send it.
    pub(crate) async fn load_secret(&self, connection: &Connection) -> Result<Option<ApiSecret>, DeskError> {
        let Some(entry) = self.read_entry(&connection.id).await? else { return Ok(None) };
        let destination = crate::connections::secret_binding::Destination::of(connection);
        crate::connections::secret_binding::unseal(&entry, &destination, &connection.label).map(Some)
    }

    /// The sealed keychain entry under `key`, as stored; what it says the
    /// connection signs in with is noted on the way.
    pub(crate) async fn read_entry(&self, key: &str) -> Result<Option<ApiSecret>, DeskError> {
        let secrets = Arc::clone(&self.keychain.entries);
        let owned = key.to_owned();
        let entry = self.keychain.calls.run(Purpose::Read(key.to_owned()), move || secrets.load(&owned)).await?;
        self.keychain
            .sign_ins
            .note_sealed(key, entry.as_ref().and_then(crate::connections::secret_binding::signs_in_with));
        Ok(entry)
    }

    pub(crate) async fn delete_secret(&self, key: &str) -> Result<bool, DeskError> {
        let secrets = Arc::clone(&self.keychain.entries);
        let owned = key.to_owned();
        let deleted = self.keychain.calls.run(Purpose::Change(key.to_owned()), move || secrets.delete(&owned)).await?;
        self.keychain.sign_ins.note_sealed(key, None);
        Ok(deleted)
    }
}
