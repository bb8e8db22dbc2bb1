//! What a window manager and a keyboard do, for the E2E tests: find the app's
//! top-level windows on the X display by title, tell whether one is shown,
//! ask one to close (as a title bar's close button does) and press keys.

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, InputFocus, MapState, Window,
};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// The display named by `DISPLAY`.
pub struct Desktop {
    connection: RustConnection,
    root: Window,
}

impl Desktop {
    /// Connects to the X display the tests run on.
    pub fn open() -> Self {
        let (connection, screen) = x11rb::connect(None).expect("an X display (DISPLAY)");
        let root = connection.setup().roots[screen].root;
        Self { connection, root }
    }

    /// Top-level windows titled `title`, or `<connection> — title`: the app's
    /// window names the connection it shows before its own name.
    pub fn windows_titled(&self, title: &str) -> Vec<Window> {
        let tree = self.connection.query_tree(self.root).expect("query").reply().expect("the window tree");
        let with_connection = format!(" — {title}");
        tree.children
            .into_iter()
            .filter(|&window| {
                self.title(window).is_some_and(|shown| shown == title || shown.ends_with(&with_connection))
            })
            .collect()
    }

    /// True when a window titled `title` is mapped and viewable.
    pub fn is_shown(&self, title: &str) -> bool {
        self.windows_titled(title).into_iter().any(|window| {
            self.connection
                .get_window_attributes(window)
                .ok()
                .and_then(|cookie| cookie.reply().ok())
                .is_some_and(|attributes| attributes.map_state == MapState::VIEWABLE)
        })
    }

    /// Waits until a window titled `title` is shown (`true`) or gone (`false`).
    pub async fn wait_until_shown(&self, title: &str, shown: bool, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.is_shown(title) != shown {
            assert!(
                Instant::now() < deadline,
                "the window {title:?} was not {} within {timeout:?}",
                if shown { "shown" } else { "hidden" }
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a shown window titled `title` and returns it.
    pub async fn wait_for_window(&self, title: &str, timeout: Duration) -> Window {
        self.wait_until_shown(title, true, timeout).await;
        self.windows_titled(title).into_iter().last().expect("the window just shown")
    }

    /// Asks the window titled `title` to close, as a window manager does when
    /// its close button is clicked (`WM_DELETE_WINDOW`).
    pub fn request_close(&self, title: &str) {
        let windows = self.windows_titled(title);
        assert!(!windows.is_empty(), "no window titled {title:?} to close");
        let protocols = self.atom("WM_PROTOCOLS");
        let delete = self.atom("WM_DELETE_WINDOW");
        for window in windows {
            let event = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
            self.connection.send_event(false, window, EventMask::NO_EVENT, event).expect("the close request is sent");
        }
        self.connection.flush().expect("flushed");
    }

    /// The window that has the keyboard focus.
    pub fn focused(&self) -> Window {
        self.connection.get_input_focus().expect("query").reply().expect("the focus").focus
    }

    /// Moves the keyboard focus to a small window of the test's own, as a
    /// click on another application does: the app's window loses focus.
    pub fn focus_elsewhere(&self) -> Window {
        use x11rb::protocol::xproto::{CreateWindowAux, WindowClass};
        let window = self.connection.generate_id().expect("a window id");
        self.connection
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                self.root,
                0,
                0,
                40,
                40,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                &CreateWindowAux::new(),
            )
            .expect("a window");
        self.connection.map_window(window).expect("mapped");
        self.connection.sync().expect("shown");
        self.connection.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME).expect("focus");
        self.connection.sync().expect("focused");
        window
    }

    /// Gives `window` the keyboard focus back.
    pub fn focus(&self, window: Window) {
        self.connection.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME).expect("focus");
        self.connection.sync().expect("focused");
    }

    /// Gives `window` the keyboard focus and presses `keys` (X keysyms) together,
    /// like a person typing a shortcut such as Alt+D.
    pub fn press_in(&self, window: Window, keys: &[u32]) {
        self.connection.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME).expect("focus");
        self.connection.sync().expect("focused");
        let codes: Vec<u8> = keys.iter().map(|&keysym| self.keycode(keysym)).collect();
        for &code in &codes {
            self.connection
                .xtest_fake_input(x11rb::protocol::xproto::KEY_PRESS_EVENT, code, 0, self.root, 0, 0, 0)
                .expect("press");
        }
        for &code in codes.iter().rev() {
            self.connection
                .xtest_fake_input(x11rb::protocol::xproto::KEY_RELEASE_EVENT, code, 0, self.root, 0, 0, 0)
                .expect("release");
        }
        self.connection.sync().expect("typed");
    }

    fn keycode(&self, keysym: u32) -> u8 {
        let setup = self.connection.setup();
        let (first, count) = (setup.min_keycode, setup.max_keycode - setup.min_keycode + 1);
        let mapping = self.connection.get_keyboard_mapping(first, count).expect("query").reply().expect("the keymap");
        let per = usize::from(mapping.keysyms_per_keycode);
        let index = mapping
            .keysyms
            .iter()
            .position(|&sym| sym == keysym)
            .unwrap_or_else(|| panic!("no key for keysym {keysym:#x}"));
        first + u8::try_from(index / per).expect("a keycode")
    }

    fn title(&self, window: Window) -> Option<String> {
        let utf8 = self.atom("UTF8_STRING");
        let net_name = self.atom("_NET_WM_NAME");
        for (property, kind) in [(net_name, utf8), (AtomEnum::WM_NAME.into(), AtomEnum::STRING.into())] {
            let reply = self.connection.get_property(false, window, property, kind, 0, 1024).ok()?.reply().ok()?;
            if !reply.value.is_empty() {
                return String::from_utf8(reply.value).ok();
            }
        }
        None
    }

    fn atom(&self, name: &str) -> u32 {
        self.connection.intern_atom(false, name.as_bytes()).expect("intern").reply().expect("an atom").atom
    }
}

/// The keysyms the tests press.
pub mod keys {
    /// Left Alt.
    pub const ALT: u32 = 0xffe9;
    /// Escape.
    pub const ESCAPE: u32 = 0xff1b;

    /// The keysym of a lower-case ASCII letter.
    pub fn letter(letter: char) -> u32 {
        u32::from(letter)
    }
}
