//! Everything the connection picker and the add-connection form do: list,
//! add (the secret to the keychain, bound to where it may be sent), rename,
//! recolour, switch and remove connections, start the demo, and tidy up
//! keychain entries a crash left without a connection.

use std::sync::Arc;

use marketplace_api::ApiSecret;
use serde::{Deserialize, Serialize};

use crate::connections::environment::Environment;
use crate::connections::store::ConnectionStore;
use crate::connections::types::{AccountSummary, Connection, unknown_connection};
use crate::desk::{ConnectionSource, DEMO_CONNECTION_ID, Demo, Desk};
use crate::error::{DeskError, ErrorKind};
use crate::events::DeskEvent;
use crate::tokens::validation::{checked_colour, checked_label};

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionList {
    /// Saved connections, then the demo when it runs.
    pub connections: Vec<Connection>,
    /// The one in use.
    pub active_id: Option<String>,
    /// A problem with the saved connections to tell the user about (a damaged file).
    pub notice: Option<DeskError>,
    /// Where a damaged connections file was moved at start, while it can be
    /// put back ([`Desk::restore_connections_file`]).
    pub set_aside: Option<String>,
    /// Problems with the other files Token Desk keeps (a rotations or panic
    /// file refused because its seal did not match).
    pub file_notices: Vec<DeskError>,
}

impl Desk {
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
        let set_aside = state.set_aside.as_ref().map(|path| path.display().to_string());
        let file_notices = [
            self.panic.snapshots.notice(),
            self.reviews.store.notice(),
            self.rotations.store.notice(),
            self.usage.origins.notice(),
            self.preferences.notice(),
        ]
        .into_iter()
        .flatten()
        .collect();
        ConnectionList { connections, active_id, notice: state.notice.clone(), set_aside, file_notices }
    }

    /// Puts back the connections file that was damaged at start and moved
    /// aside, once it reads (fixed by hand, say); refused while connections
    /// were added since, which it would replace.
    pub async fn restore_connections_file(&self) -> Result<ConnectionList, DeskError> {
        self.require_unlocked("put the connections file back")?;
        let _writing = self.store_writes.lock().await;
        let (aside, path) = {
            let state = self.state();
            let aside = state
                .set_aside
                .clone()
                .ok_or_else(|| DeskError::new(ErrorKind::NotFound, "No connections file was set aside in this run."))?;
            let store = state.store.as_ref().map_err(Clone::clone)?;
            if !store.connections().is_empty() {
                return Err(DeskError::new(
                    ErrorKind::Refused,
                    format!(
                        "You added connections since the file was set aside, and putting it back would replace them. \
                         Remove them first, or keep them and leave {} as it is.",
                        aside.display()
                    ),
                ));
            }
            (aside, store.path().to_path_buf())
        };
        let config_dir = self.setup.config_dir.clone();
        let opened = tokio::task::spawn_blocking(move || {
            ConnectionStore::check_candidate(&aside)?;
            std::fs::rename(&aside, &path).map_err(|error| {
                DeskError::new(
                    ErrorKind::Storage,
                    format!(
                        "Token Desk could not put {} back: {}.",
                        aside.display(),
                        crate::storage::files::file_problem(&error)
                    ),
                )
            })?;
            ConnectionStore::open(&config_dir)
        })
        .await
        .map_err(|error| {
            DeskError::internal(format!("putting the connections file back did not finish ({error})"))
        })??;
        {
            let mut state = self.state();
            state.store = Ok(opened.store);
            state.notice = opened.notice;
            state.set_aside = None;
            state.clients.clear();
        }
        tracing::info!("the damaged connections file was put back");
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(self.connections())
    }

    /// Lets the set-aside connections file go: Token Desk goes on without it,
    /// and its keychain entries are offered for removal as orphans. The file stays where it is.
    pub fn keep_connections_file_aside(&self) -> ConnectionList {
        {
            let mut state = self.state();
            state.set_aside = None;
            state.notice = None;
        }
        self.emit(DeskEvent::ConnectionsChanged);
        self.connections()
    }

    /// Reads the active connection's secret from the keychain and builds its
    /// client, so that the window's first list finds them ready. Run at start,
    /// while the webview is still loading: the keychain and the TLS set-up then
    /// overlap with it instead of following it. Does nothing without an active
    /// connection; a failure is left for the window's own request to report.
    pub async fn prepare_active_connection(&self) {
        let Some(active_id) = self.connections().active_id else { return };
        if let Err(error) = self.client(&active_id).await {
            tracing::debug!("the active connection is not ready yet: {error}");
        }
    }

    /// The connection `id`.
    pub fn connection(&self, id: &str) -> Result<Connection, DeskError> {
        self.source(id).map(|source| source.connection().clone())
    }

    /// Checks a secret with the Marketplace and, when it is an active token,
    /// saves the connection: the secret in the keychain, the rest in the
    /// connections file. On any failure nothing is stored.
    pub async fn add_connection(&self, new: NewConnection) -> Result<Connection, DeskError> {
        self.require_unlocked("add a connection")?;
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
        // Until the file holds it, its keychain entry must not look orphaned.
        self.state().adding.insert(connection_id.clone());
        let saved = match self.store_secret(&connection, &secret).await {
            Ok(()) => {
                self.change_store(|store| {
                    let mut connection = connection;
                    connection.colour = store.next_colour();
                    Ok((store.plan_add(&connection)?, connection))
                })
                .await
            }
            Err(error) => {
                self.state().adding.remove(&connection_id);
                return Err(error);
            }
        };
        if let Ok(connection) = &saved {
            let mut state = self.state();
            state.clients.insert(connection.id.clone(), client);
            state.demo_active = false;
            state.adding.remove(&connection.id);
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
                self.state().adding.remove(&connection_id);
                Err(error)
            }
        }
    }

    /// Renames a connection.
    pub async fn rename_connection(&self, id: &str, label: &str) -> Result<Connection, DeskError> {
        self.require_unlocked("rename a connection")?;
        let label = checked_label(label)?;
        self.edit_connection(id, |connection| connection.label = label).await
    }

    /// Gives a connection another colour (`#rrggbb`).
    pub async fn recolour_connection(&self, id: &str, colour: &str) -> Result<Connection, DeskError> {
        self.require_unlocked("change a connection")?;
        let colour = checked_colour(colour)?;
        self.edit_connection(id, |connection| connection.colour = colour).await
    }

    async fn edit_connection(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Connection) + Send,
    ) -> Result<Connection, DeskError> {
        let updated = match self.source(id)? {
            ConnectionSource::Demo(_) => {
                let mut state = self.state();
                let demo = state.demo.as_mut().ok_or_else(|| unknown_connection(id))?;
                edit(&mut demo.connection);
                demo.connection.clone()
            }
            ConnectionSource::Saved(_) => self.change_store(|store| store.plan_update(id, edit)).await?,
        };
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(updated)
    }

    /// Makes `id` the connection in use.
    pub async fn set_active_connection(&self, id: &str) -> Result<(), DeskError> {
        match self.source(id)? {
            ConnectionSource::Demo(_) => self.state().demo_active = true,
            ConnectionSource::Saved(_) => {
                self.change_store(|store| Ok((store.plan_set_active(Some(id))?, ()))).await?;
                self.state().demo_active = false;
            }
        }
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(())
    }

    /// Keychain entries of Token Desk's that belong to no saved connection: a
    /// crash between the keychain write and the file write, or a damaged file
    /// moved aside, leaves them behind. Empty where the keychain cannot list
    /// its entries.
    pub async fn orphaned_secrets(&self) -> Result<Vec<String>, DeskError> {
        let secrets = Arc::clone(&self.keychain.entries);
        let keys = self
            .keychain
            .calls
            .run(crate::connections::keychain_calls::Purpose::List, move || secrets.keys())
            .await?
            .unwrap_or_default();
        let state = self.state();
        let Ok(store) = state.store.as_ref() else {
            // The file could not be read: every entry would look orphaned. Offer nothing.
            return Ok(Vec::new());
        };
        if state.set_aside.is_some() {
            // The entries may belong to the connections of the file set aside: offer to put it back instead.
            return Ok(Vec::new());
        }
        Ok(keys
            .into_iter()
            .filter(|key| {
                key != crate::storage::file_seal::FILE_KEY_ENTRY
                    && store.get(key).is_none()
                    && !state.adding.contains(key)
            })
            .collect())
    }

    /// Deletes the orphaned keychain entries; returns how many went.
    pub async fn remove_orphaned_secrets(&self) -> Result<usize, DeskError> {
        self.require_unlocked("remove keychain entries")?;
        let mut removed = 0;
        for key in self.orphaned_secrets().await? {
            if self.delete_secret(&key).await? {
                removed += 1;
            }
        }
        tracing::info!(removed, "orphaned keychain entries removed");
        Ok(removed)
    }

    /// Removes a connection and its secret from the keychain. If the keychain
    /// refuses, the connection stays, so the user can try again; with
    /// `even_without_keychain` (the UI's "Remove anyway", after it warned that
    /// the secret may stay in the keychain) it goes all the same.
    pub async fn remove_connection(&self, id: &str, even_without_keychain: bool) -> Result<(), DeskError> {
        self.require_unlocked("remove a connection")?;
        if let ConnectionSource::Demo(_) = self.source(id)? {
            let mut state = self.state();
            state.demo = None;
            state.demo_active = false;
            state.clients.remove(id);
        } else {
            // Whatever happens next, the secret must stop being used from memory.
            self.state().clients.remove(id);
            match self.delete_secret(id).await {
                Ok(_) => {}
                Err(error) if even_without_keychain && error.kind == ErrorKind::Keychain => {
                    tracing::warn!(connection = %id, "removed without reaching the keychain: {error}");
                }
                Err(error) => return Err(error),
            }
            self.change_store(|store| store.plan_remove(id)).await?;
            // A client built while the secret was being deleted must not outlive it either.
            self.state().clients.remove(id);
        }
        self.keychain.sign_ins.forget(id);
        self.forget_remembered_tokens(id);
        if let Err(error) = self.forget_snapshot(id).await {
            tracing::warn!("could not forget the panic snapshot of a removed connection: {}", error.message);
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
        if let Err(error) = self.forget_snapshot(DEMO_CONNECTION_ID).await {
            tracing::warn!("could not forget an earlier demo's panic snapshot: {}", error.message);
        }
        tracing::info!("demo connection started");
        self.emit(DeskEvent::ConnectionsChanged);
        Ok(connection)
    }
}
