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

/// One desktop notification the app sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The id the service gave it.
    pub id: u32,
    pub summary: String,
    pub body: String,
    /// The actions it offers, as `[key, label, …]` (`default` is a click on it).
    pub actions: Vec<String>,
}

#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Notification>>>);

impl Inbox {
    fn all(&self) -> Vec<Notification> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// The desktop's notification service, as far as an app can tell: records
/// every notification instead of drawing it.
struct NotificationService {
    inbox: Inbox,
}

#[interface(name = "org.freedesktop.Notifications")]
impl NotificationService {
    #[allow(clippy::too_many_arguments, reason = "the interface's own signature")]
    async fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut inbox = self.inbox.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = u32::try_from(inbox.len() + 1).unwrap_or(u32::MAX);
        inbox.push(Notification { id, summary: summary.to_owned(), body: body.to_owned(), actions });
        id
    }

    /// What a notification server sends when the user clicks a notification or one of its actions.
    #[zbus(signal)]
    async fn action_invoked(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    async fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_owned()]
    }

    async fn get_server_information(&self) -> (String, String, String, String) {
        ("token-desk-tests".to_owned(), "Token Desk".to_owned(), "1".to_owned(), "1.2".to_owned())
    }

    async fn close_notification(&self, _id: u32) {}
}

/// The test's tray host and notification service, serving on the session bus
/// until dropped.
pub struct TrayHost {
    connection: Connection,
    items: Registrations,
    inbox: Inbox,
}

impl TrayHost {
    /// Takes the StatusNotifierWatcher and notification names on the session
    /// bus. Start it before the app, so the app's tray registers with it.
    pub async fn start() -> Self {
        let items = Registrations::default();
        let inbox = Inbox::default();
        let connection = zbus::connection::Builder::session()
            .and_then(|builder| builder.name("org.kde.StatusNotifierWatcher"))
            .and_then(|builder| builder.name("org.freedesktop.Notifications"))
            .and_then(|builder| builder.serve_at("/StatusNotifierWatcher", Watcher { items: items.clone() }))
            .and_then(|builder| {
                builder.serve_at("/org/freedesktop/Notifications", NotificationService { inbox: inbox.clone() })
            })
            .expect("valid tray host services")
            .build()
            .await
            .expect("the session bus accepts the tray host's names");
        Self { connection, items, inbox }
    }

    /// Every notification received so far.
    pub fn notifications(&self) -> Vec<Notification> {
        self.inbox.all()
    }

    /// Waits for a notification whose summary contains `summary`.
    pub async fn wait_for_notification(&self, summary: &str, timeout: Duration) -> Notification {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self.inbox.all().into_iter().find(|n| n.summary.contains(summary)) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no notification about {summary:?} within {timeout:?}; received {:?}",
                self.inbox.all()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks notification `id`, as a person clicking its bubble: the
    /// service tells the app its `default` action was invoked.
    #[allow(dead_code, reason = "only the reminder tests click a notification")]
    pub async fn click_notification(&self, id: u32) {
        let service = self
            .connection
            .object_server()
            .interface::<_, NotificationService>("/org/freedesktop/Notifications")
            .await
            .expect("the notification service is served");
        NotificationService::action_invoked(service.signal_emitter(), id, "default")
            .await
            .expect("the click is signalled");
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

/// One menu entry: its dbusmenu id, its label as shown (access-key marks
/// removed), the labels of the submenus it is in, and its state.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
    pub parents: Vec<String>,
    pub enabled: bool,
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

    /// Every labelled entry of the menu and its submenus, depth first, in menu order.
    pub async fn entries(&self) -> Vec<MenuEntry> {
        let no_filter: Vec<&str> = Vec::new();
        let (_revision, root): (u32, LayoutNode) =
            self.menu.call("GetLayout", &(0i32, -1i32, no_filter)).await.expect("GetLayout answers");
        let mut entries = Vec::new();
        collect_entries(root, &[], &mut entries);
        entries
    }

    /// A subscription to the menu's `LayoutUpdated` signal: taken before an
    /// action, it catches the rebuild the action causes.
    #[allow(dead_code, reason = "the benchmark times the menu's rebuild; the tests only wait for it")]
    pub async fn layout_updates(&self) -> zbus::proxy::SignalStream<'static> {
        self.menu.receive_signal("LayoutUpdated").await.expect("a LayoutUpdated subscription")
    }

    /// Waits until the menu satisfies `wanted`, reading it each time it announces a new
    /// layout on `updates` rather than polling it (a poll is a whole layout built by the
    /// app, which would slow what is timed); answers when the announcement that showed
    /// it arrived. A host that missed a signal looks again after 50 ms.
    #[allow(dead_code, reason = "the benchmark times the menu's rebuild; the tests only wait for it")]
    pub async fn until_announced(
        &self,
        updates: &mut zbus::proxy::SignalStream<'static>,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&[MenuEntry]) -> bool,
    ) -> Instant {
        use futures::StreamExt as _;
        let deadline = Instant::now() + timeout;
        let mut announced = Instant::now();
        loop {
            let entries = self.entries().await;
            if wanted(&entries) {
                return announced;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "the tray menu did not show {what} within {timeout:?}: {entries:?}");
            let _ = tokio::time::timeout(left.min(Duration::from_millis(50)), updates.next()).await;
            announced = Instant::now();
        }
    }

    /// The labels of the top-level entries, in order.
    pub async fn top_level(&self) -> Vec<String> {
        self.entries().await.into_iter().filter(|entry| entry.parents.is_empty()).map(|entry| entry.label).collect()
    }

    /// Waits until the menu satisfies `wanted` (it is redrawn as things
    /// change), and returns its entries then.
    pub async fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&[MenuEntry]) -> bool,
    ) -> Vec<MenuEntry> {
        let deadline = Instant::now() + timeout;
        loop {
            let entries = self.entries().await;
            if wanted(&entries) {
                return entries;
            }
            assert!(Instant::now() < deadline, "the tray menu did not show {what} within {timeout:?}: {entries:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the entry at `path` (submenu labels, then the entry's label), as
    /// a panel does when the user picks it.
    pub async fn click(&self, path: &[&str]) {
        let (label, parents) = path.split_last().expect("a path to click");
        let entries = self.entries().await;
        let Some(entry) = entries.iter().find(|entry| entry.label == *label && entry.parents == parents) else {
            panic!("no tray menu entry at {path:?} in {entries:?}");
        };
        self.click_entry(entry).await;
    }

    /// Clicks `entry`, read from the menu a moment ago.
    pub async fn click_entry(&self, entry: &MenuEntry) {
        assert!(entry.enabled, "{entry:?} is greyed out");
        let () = self
            .menu
            .call("Event", &(entry.id, "clicked", Value::from(0i32), 0u32))
            .await
            .expect("the menu accepts the click");
    }
}

fn collect_entries((id, properties, children): LayoutNode, parents: &[String], entries: &mut Vec<MenuEntry>) {
    let label =
        properties.get("label").and_then(|value| String::try_from(value.clone()).ok()).map(|raw| shown_label(&raw));
    let enabled = properties.get("enabled").and_then(|value| bool::try_from(value.clone()).ok()).unwrap_or(true);
    let mut inside = parents.to_vec();
    if let Some(label) = label {
        entries.push(MenuEntry { id, label: label.clone(), parents: parents.to_vec(), enabled });
        inside.push(label);
    }
    for child in children {
        if let Ok(node) = LayoutNode::try_from(child) {
            collect_entries(node, &inside, entries);
        }
    }
}

/// A GTK label as shown: `__` is a literal underscore, a single `_` marks
/// the access key.
fn shown_label(raw: &str) -> String {
    let mut shown = String::with_capacity(raw.len());
    let mut characters = raw.chars().peekable();
    while let Some(character) = characters.next() {
        if character != '_' {
            shown.push(character);
        } else if characters.peek() == Some(&'_') {
            characters.next();
            shown.push('_');
        }
    }
    shown
}
