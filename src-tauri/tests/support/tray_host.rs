//! A stand-in for the desktop's tray host, so a test can click the app's tray
//! menu for real.
//!
//! The app's tray (libayatana-appindicator) registers with whoever owns
//! `org.kde.StatusNotifierWatcher` on the session bus. This test host owns that
//! name, records the registration, reads the item's `com.canonical.dbusmenu`
//! menu and fires a menu item's `clicked` event exactly as a panel would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::message::Header;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{Connection, Proxy, interface};

/// Where the tray item lives: its owner's bus name and its object path.
type ItemAddress = (String, String);

#[derive(Clone, Default)]
struct Registrations(Arc<Mutex<Vec<ItemAddress>>>);

impl Registrations {
    fn all(&self) -> Vec<ItemAddress> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

struct Watcher {
    items: Registrations,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(&self, service: &str, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|name| name.to_string()).unwrap_or_default();
        // appindicator sends its object path and is reached at its unique bus
        // name; other implementations send a bus name and use the default path.
        let address = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        self.items.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(address);
    }

    async fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    async fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    async fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(property)]
    async fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.all().into_iter().map(|(bus, path)| format!("{bus}{path}")).collect()
    }
}

/// The test's tray host, serving on the session bus until dropped.
pub struct TrayHost {
    connection: Connection,
    items: Registrations,
}

impl TrayHost {
    /// Takes the StatusNotifierWatcher name on the session bus. Start it before
    /// the app, so the app's tray registers with it.
    pub async fn start() -> Self {
        let items = Registrations::default();
        let connection = zbus::connection::Builder::session()
            .and_then(|builder| builder.name("org.kde.StatusNotifierWatcher"))
            .and_then(|builder| builder.serve_at("/StatusNotifierWatcher", Watcher { items: items.clone() }))
            .expect("a valid StatusNotifierWatcher service")
            .build()
            .await
            .expect("the session bus accepts the StatusNotifierWatcher name");
        Self { connection, items }
    }

    /// Waits for the process `pid` to register its tray item. Other apps on
    /// the same bus may register too; only the one asked for counts.
    pub async fn wait_for_item_of(&self, pid: u32, timeout: Duration) -> TrayMenu {
        let bus = zbus::fdo::DBusProxy::new(&self.connection).await.expect("the bus's own interface");
        let deadline = Instant::now() + timeout;
        loop {
            for (name, path) in self.items.all() {
                let Ok(bus_name) = zbus::names::BusName::try_from(name.as_str()) else { continue };
                if bus.get_connection_unix_process_id(bus_name).await.ok() == Some(pid) {
                    return TrayMenu::of_item(&self.connection, name, path).await;
                }
            }
            assert!(Instant::now() < deadline, "process {pid} registered no tray item within {timeout:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A registered tray item's menu.
pub struct TrayMenu {
    menu: Proxy<'static>,
}

/// One menu entry: its dbusmenu id and its label without mnemonic underscores.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
}

/// `(id, properties, children)`, dbusmenu's layout node.
type LayoutNode = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl TrayMenu {
    async fn of_item(connection: &Connection, bus: String, path: String) -> Self {
        let item = Proxy::new_owned(connection.clone(), bus.clone(), path, "org.kde.StatusNotifierItem")
            .await
            .expect("a StatusNotifierItem proxy");
        let menu_path: OwnedObjectPath = item.get_property("Menu").await.expect("the tray item names its menu");
        let menu = Proxy::new_owned(connection.clone(), bus, menu_path, "com.canonical.dbusmenu")
            .await
            .expect("a dbusmenu proxy");
        Self { menu }
    }

    /// Every labelled entry of the menu, depth first, in menu order.
    pub async fn entries(&self) -> Vec<MenuEntry> {
        let no_filter: Vec<&str> = Vec::new();
        let (_revision, root): (u32, LayoutNode) =
            self.menu.call("GetLayout", &(0i32, -1i32, no_filter)).await.expect("GetLayout answers");
        let mut entries = Vec::new();
        collect_entries(root, &mut entries);
        entries
    }

    /// Clicks the entry labelled `label`, as a panel does when the user picks it.
    pub async fn click(&self, label: &str) {
        let entries = self.entries().await;
        let Some(entry) = entries.iter().find(|entry| entry.label == label) else {
            panic!("no tray menu entry labelled {label:?} in {entries:?}");
        };
        let () = self
            .menu
            .call("Event", &(entry.id, "clicked", Value::from(0i32), 0u32))
            .await
            .expect("the menu accepts the click");
    }
}

fn collect_entries((id, properties, children): LayoutNode, entries: &mut Vec<MenuEntry>) {
    if let Some(label) = properties.get("label").and_then(|value| String::try_from(value.clone()).ok()) {
        entries.push(MenuEntry { id, label: label.replace('_', "") });
    }
    for child in children {
        if let Ok(node) = LayoutNode::try_from(child) {
            collect_entries(node, entries);
        }
    }
}
