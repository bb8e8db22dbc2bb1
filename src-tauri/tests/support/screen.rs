//! Finding things in the real window the way a person does: by role and by the
//! text on screen, never by private ids. Every wait has a deadline and, when it
//! runs out, says what the window showed instead.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::elements::Element;
use fantoccini::key::Key;

use super::AppUnderTest;

/// How long an element may take to appear after an action.
const WAIT: Duration = Duration::from_secs(20);

/// `text` as an XPath string literal, whatever quotes it holds.
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// A button whose visible text or accessible name is exactly `name`.
pub fn button(name: &str) -> String {
    let name = literal(name);
    format!("//button[normalize-space()={name} or @aria-label={name}]")
}

/// The form control labelled `label`: by a `<label>` whose text starts with it,
/// or by an `aria-label` that does.
pub fn field(label: &str) -> String {
    let label = literal(label);
    format!("//*[@id=//label[starts-with(normalize-space(), {label})]/@for or starts-with(@aria-label, {label})]")
}

/// An element with `role` whose text starts with `name`.
pub fn role(role: &str, name: &str) -> String {
    format!("//*[@role={}][starts-with(normalize-space(), {})]", literal(role), literal(name))
}

/// The rows of the token list, header excluded.
pub const TOKEN_ROWS: &str = "//*[@role='grid']//*[@role='row'][@aria-rowindex > 1]";

impl AppUnderTest {
    /// Connects to the simulator as the vendor's admin through the backend (the
    /// form itself is tested elsewhere), waits for the token list the window
    /// then shows, and returns the connection the backend answered.
    pub async fn connect_as_vendor(&self, sim: &marketplace_sim::SimHandle, label: &str) -> serde_json::Value {
        // The welcome screen first: the page and its IPC are up.
        self.wait_for(&button("Try the demo")).await;
        let connection = self
            .invoke(
                "add_connection",
                serde_json::json!({ "connection": {
                    "environment": { "kind": "custom", "url": sim.base_url() },
                    "label": label,
                    "secret": sim.admin_secret(marketplace_sim::AccountKind::Vendor),
                    "caCertificatePem": sim.ca_pem(),
                }}),
            )
            .await
            .unwrap_or_else(|error| panic!("the simulator's vendor admin connects: {error}"));
        self.wait_for(TOKEN_ROWS).await;
        connection
    }

    /// Waits until `xpath` matches a displayed element and returns it.
    pub async fn wait_for(&self, xpath: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(elements) = self.client().find_all(Locator::XPath(xpath)).await {
                for element in elements {
                    if element.is_displayed().await.unwrap_or(false) {
                        return element;
                    }
                }
            }
            if Instant::now() >= deadline {
                panic!("nothing shown matches {xpath} within {WAIT:?}; the window shows:\n{}", self.page_text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `xpath` matches nothing displayed.
    pub async fn wait_until_hidden(&self, xpath: &str) {
        let deadline = Instant::now() + WAIT;
        while self.is_shown(xpath).await {
            assert!(Instant::now() < deadline, "{xpath} is still shown; the window shows:\n{}", self.page_text().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether `xpath` matches a displayed element now.
    pub async fn is_shown(&self, xpath: &str) -> bool {
        let Ok(elements) = self.client().find_all(Locator::XPath(xpath)).await else { return false };
        for element in elements {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Clicks the button named `name`.
    pub async fn click_button(&self, name: &str) {
        self.click(&button(name)).await;
    }

    /// Clicks what `xpath` matches, once it is shown and can take the click (a
    /// closing dialog's overlay may cover it for a moment, as it would a mouse).
    pub async fn click(&self, xpath: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(xpath).await;
            match element.click().await {
                Ok(()) => return,
                Err(error) if Instant::now() >= deadline => {
                    panic!("could not click {xpath}: {error:?}; the window shows:\n{}", self.page_text().await)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Replaces the text of the field labelled `label` the way a person does:
    /// select all, delete, type (so the page sees every input event).
    pub async fn fill(&self, label: &str, text: &str) {
        let input = self.wait_for(&field(label)).await;
        // Control is a toggle in WebDriver key input: down, "a", up, then Backspace.
        let (control, backspace) = (char::from(Key::Control), char::from(Key::Backspace));
        let keys = format!("{control}a{control}{backspace}{text}");
        input.send_keys(&keys).await.unwrap_or_else(|error| panic!("could not type into {label}: {error}"));
    }

    /// Sets a long value (a PEM) in the field labelled `label` as a paste would,
    /// since typing it key by key takes seconds.
    pub async fn paste(&self, label: &str, text: &str) {
        let input = self.wait_for(&field(label)).await;
        let script = "const [input, text] = arguments; input.value = text;
            input.dispatchEvent(new Event('input', { bubbles: true }));";
        let element = serde_json::to_value(&input).expect("element reference");
        self.client()
            .execute(script, vec![element, text.into()])
            .await
            .unwrap_or_else(|error| panic!("could not paste into {label}: {error}"));
    }

    /// Presses keys in whatever has the focus (`fantoccini::key::Key` chords included).
    pub async fn press(&self, keys: &str) {
        let focused = self.client().active_element().await.expect("something has the focus");
        focused.send_keys(keys).await.expect("keys pressed");
    }

    /// Everything the window shows, as text.
    pub async fn page_text(&self) -> String {
        match self.client().execute("return document.body.innerText", vec![]).await {
            Ok(serde_json::Value::String(text)) => text,
            other => format!("(could not read the window: {other:?})"),
        }
    }

    /// Waits until the window shows `text` somewhere.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = self.page_text().await;
            if shown.contains(text) {
                return;
            }
            assert!(Instant::now() < deadline, "the window never showed {text:?}; it shows:\n{shown}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The token rows on screen, in order, each as its cells' text joined by " | ".
    pub async fn token_rows(&self) -> Vec<String> {
        const ROWS: &str = "return [...document.querySelectorAll('[role=grid] [role=row][aria-rowindex]')]
            .filter((row) => row.getAttribute('aria-rowindex') !== '1')
            .sort((a, b) => a.getAttribute('aria-rowindex') - b.getAttribute('aria-rowindex'))
            .map((row) => [...row.querySelectorAll('[role=gridcell]')]
                .map((cell) => cell.textContent.replace(/\\s+/g, ' ').trim()).join(' | '));";
        let answer = self.client().execute(ROWS, vec![]).await.expect("the rows can be read");
        serde_json::from_value(answer).expect("a list of rows")
    }

    /// Saves a screenshot of the window as `<name>.png` in the screenshots
    /// folder (`TOKEN_DESK_SCREENSHOTS`, or `e2e-screenshots` in the target dir).
    pub async fn screenshot(&self, name: &str) {
        // The snapshot is the last frame WebKit presented, which can trail the
        // page by a few frames under Xvfb: let two frames go by first.
        const FRAMES: &str = "const done = arguments[0];
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));";
        let _ = self.client().execute_async(FRAMES, vec![]).await;
        let png = self.client().screenshot().await.unwrap_or_else(|error| panic!("no screenshot: {error}"));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot saved");
    }

    /// Runs axe-core in the window and returns its serious and critical
    /// violations, each as "rule: help (targets)".
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe_path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(axe_path).expect("axe-core is installed (npm ci in ui/)");
        // Defined through WebDriver, which is not bound by the page's CSP; the
        // app's own pages never load it.
        self.client()
            .execute(&format!("{axe}\n;return typeof axe;"), vec![])
            .await
            .expect("axe-core loads in the webview");
        const RUN: &str = "const done = arguments[0];
            axe.run(document, { resultTypes: ['violations'] }).then(
              (result) => done(result.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)),
              (error) => done([`axe failed: ${error}`]));";
        let answer = self.client().execute_async(RUN, vec![]).await.expect("axe-core runs");
        serde_json::from_value(answer).expect("a list of violations")
    }
}

fn screenshot_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TOKEN_DESK_SCREENSHOTS") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")));
    target.join("e2e-screenshots")
}
