//! The end-to-end harness: the real app binary in a real window, driven through
//! WebKitWebDriver.
//!
//! Needs a display, a D-Bus session and a keyring: run the tests inside
//! `scripts/desktop-session.sh` (what `make test` does). Each app runs with its
//! own throwaway HOME and XDG directories, and every process started here is
//! killed when the [`AppUnderTest`] is dropped, also when a test fails.

pub mod desktop;
pub mod marketplace;
pub mod screen;
pub mod tray_host;

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// How long the app may take to open its window and render.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Only one app (and one tray host) at a time: they share the session bus,
/// where the single-instance plugin would make a second app hand over to the
/// first, and where one tray host at a time owns the watcher's name.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The variables through which WebKitGTK is told how to draw.
const WEBKIT_RENDERING: [&str; 2] = [desk_core::rendering::DISABLE_COMPOSITING, "WEBKIT_DISABLE_DMABUF_RENDERER"];

/// What to start, and with which files: the app cargo built by default.
pub struct Launch {
    binary: PathBuf,
    args: Vec<String>,
    with_tray: bool,
    kept_files: Option<PathBuf>,
    /// Empty the keychain of Token Desk entries even with kept files.
    fresh_keychain: bool,
    rendering: Vec<(&'static str, &'static str)>,
    environment: Vec<(&'static str, String)>,
    removed: Vec<&'static str>,
}

impl Launch {
    /// The app binary cargo built for this run, with throwaway files and an
    /// empty keychain, on a desktop without a tray.
    pub fn app() -> Self {
        Self::command(app_binary(), Vec::new())
    }

    /// Any WebKitGTK program the driver can automate (an installed package's
    /// `Exec` line, a benchmark's floor), started with `args`.
    #[allow(dead_code, reason = "used by the package test and the benchmark, not by every test crate")]
    pub fn command(binary: PathBuf, args: Vec<String>) -> Self {
        // WebDriver screenshots never return when WebKitGTK draws without
        // compositing, which the app chooses on machines with no GPU (like
        // CI's): so the tests keep it on, as on a machine with a GPU.
        let rendering = vec![(desk_core::rendering::DISABLE_COMPOSITING, "0")];
        Self {
            binary: binary.canonicalize().unwrap_or(binary),
            args,
            with_tray: false,
            kept_files: None,
            fresh_keychain: false,
            rendering,
            environment: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// With exactly these WebKitGTK rendering variables (none: the program's
    /// own choice), instead of compositing kept on.
    #[allow(dead_code, reason = "only the benchmark compares rendering settings")]
    pub fn rendering(mut self, variables: &[(&'static str, &'static str)]) -> Self {
        self.rendering = variables.to_vec();
        self
    }

    /// With kept files, but a keychain emptied of Token Desk entries first
    /// (within the test's turn, so no other test's app adds one meanwhile).
    #[allow(dead_code, reason = "only some tests keep files from a fresh start")]
    pub fn with_fresh_keychain(mut self) -> Self {
        self.fresh_keychain = true;
        self
    }

    /// With `variable` set to `value` in the app's environment (the debug
    /// build's shortened schedules).
    #[allow(dead_code, reason = "only the reminder tests shorten schedules")]
    pub fn env(mut self, variable: &'static str, value: impl Into<String>) -> Self {
        self.environment.push((variable, value.into()));
        self
    }

    /// With `variable` left out of the app's environment (a session without X11: no `DISPLAY`).
    #[allow(dead_code, reason = "only the Wayland tests take a variable away")]
    pub fn without_env(mut self, variable: &'static str) -> Self {
        self.removed.push(variable);
        self
    }

    /// On a desktop with a tray host and a notification service.
    pub fn with_tray(mut self) -> Self {
        self.with_tray = true;
        self
    }

    /// With HOME and the XDG dirs in `dir`, kept from one launch to the next,
    /// and the keychain left as it is: a restart, as a user has one.
    #[allow(dead_code, reason = "only the benchmark restarts the app on its own files")]
    pub fn in_kept_files(mut self, dir: &Path) -> Self {
        self.kept_files = Some(dir.to_path_buf());
        self
    }

    /// Starts it under a fresh WebKitWebDriver and waits for its window to be controllable.
    pub async fn start(self) -> AppUnderTest {
        AppUnderTest::launch_on_desktop(self).await
    }
}

/// Where a run's HOME, XDG dirs and driver log live.
enum Files {
    /// Removed when the app is dropped.
    Throwaway(tempfile::TempDir),
    /// Left for the next launch.
    Kept(PathBuf),
}

impl Files {
    fn path(&self) -> &Path {
        match self {
            Files::Throwaway(dir) => dir.path(),
            Files::Kept(dir) => dir,
        }
    }
}

/// A running app and the WebDriver session that controls it.
pub struct AppUnderTest {
    /// The WebDriver session; `None` once the app was closed.
    client: Option<Client>,
    driver: Child,
    /// The program the driver started.
    binary: PathBuf,
    /// When the session (and so the program) was asked for.
    session_requested_at: SystemTime,
    /// HOME/XDG dirs and the driver's log; throwaway ones are removed on drop
    /// unless taken by [`AppUnderTest::terminate_and_keep_files`].
    sandbox: Option<Files>,
    /// The desktop's tray host and notification service, when the test wants one.
    tray_host: Option<tray_host::TrayHost>,
    /// Held for the app's lifetime (dropped last); async, so that tests on
    /// their own runtimes wait for it without blocking a worker.
    turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

impl AppUnderTest {
    /// Launches the app binary under a fresh WebKitWebDriver and waits for its
    /// window to be controllable. The session has no tray host: the app runs
    /// as on a desktop that shows no tray.
    pub async fn launch() -> Self {
        Launch::app().start().await
    }

    /// Launches the app like [`AppUnderTest::launch`] on a desktop with a tray
    /// host and a notification service (see [`AppUnderTest::tray_host`]).
    pub async fn launch_with_tray() -> Self {
        Launch::app().with_tray().start().await
    }

    /// The tray host the app registered with; only after [`AppUnderTest::launch_with_tray`].
    pub fn tray_host(&self) -> &tray_host::TrayHost {
        self.tray_host.as_ref().expect("launched with a tray host")
    }

    async fn launch_on_desktop(launch: Launch) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some() && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "E2E tests need a display and a D-Bus session: run them under scripts/desktop-session.sh"
        );
        let turn = ONE_APP_AT_A_TIME.lock().await;
        Self::launch_in_turn(launch, turn).await
    }

    async fn launch_in_turn(launch: Launch, turn: tokio::sync::MutexGuard<'static, ()>) -> Self {
        let sandbox = match &launch.kept_files {
            Some(dir) => Files::Kept(dir.clone()),
            None => Files::Throwaway(tempfile::Builder::new().prefix("token-desk-e2e-").tempdir().expect("temp dir")),
        };
        if launch.kept_files.is_none() || launch.fresh_keychain {
            // Each app starts with a keychain holding no Token Desk entry: the
            // session's keyring is shared, and an earlier test's connections would
            // otherwise show up as this app's orphaned entries.
            let _ = Command::new("secret-tool")
                .args(["clear", "service", "token-desk"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        // Started within the turn: the session bus has one tray host at a
        // time, and the app registers with it as it starts.
        let tray_host = if launch.with_tray { Some(tray_host::TrayHost::start().await) } else { None };
        let home = sandbox.path().join("home");
        for dir in ["home", "config", "data", "cache"] {
            std::fs::create_dir_all(sandbox.path().join(dir)).expect("sandbox dir");
        }
        let port = free_port();
        let log = File::create(sandbox.path().join("driver.log")).expect("driver log");
        let mut command = Command::new("WebKitWebDriver");
        command
            .arg(format!("--port={port}"))
            .arg("--host=127.0.0.1")
            // Inherited by the app, which the driver launches.
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", sandbox.path().join("config"))
            .env("XDG_DATA_HOME", sandbox.path().join("data"))
            .env("XDG_CACHE_HOME", sandbox.path().join("cache"))
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("NO_AT_BRIDGE", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        // Through the driver, which passes its environment on to the program.
        for variable in WEBKIT_RENDERING {
            command.env_remove(variable);
        }
        command.envs(launch.rendering.iter().copied());
        command.envs(launch.environment.iter().map(|(variable, value)| (*variable, value.as_str())));
        for variable in &launch.removed {
            command.env_remove(variable);
        }
        let driver = command.spawn().expect("WebKitWebDriver starts (package webkit2gtk-driver)");
        let mut app = Self {
            client: None,
            driver,
            binary: launch.binary,
            session_requested_at: SystemTime::now(),
            sandbox: Some(sandbox),
            tray_host,
            turn: Some(turn),
        };
        app.client = Some(app.connect(port, &launch.args).await);
        app
    }

    async fn connect(&mut self, port: u16, args: &[String]) -> Client {
        let mut capabilities = serde_json::Map::new();
        // No browserName: WebKitGTK's driver rejects any name but its own.
        capabilities
            .insert("webkitgtk:browserOptions".into(), serde_json::json!({ "binary": self.binary, "args": args }));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            self.session_requested_at = SystemTime::now();
            match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await {
                Ok(client) => return client,
                Err(error) if Instant::now() < deadline => {
                    let _ = error;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => panic!("no WebDriver session with the app: {error}\n{}", self.driver_log()),
            }
        }
    }

    /// When the WebDriver session was asked for: the driver starts the
    /// program then, so this is its start, give or take a fork.
    #[allow(dead_code, reason = "only the benchmark times the start")]
    pub fn session_requested_at(&self) -> SystemTime {
        self.session_requested_at
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the app is still open")
    }

    /// Invokes an app command from inside the webview, exactly as the UI does
    /// (through Tauri's IPC and its access control); `Ok` carries the answer.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        const SCRIPT: &str = "const [command, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(command, args)
                .then((data) => done({ ok: data === undefined ? null : data }), (error) => done({ error }));";
        let answer = self
            .client()
            .execute_async(SCRIPT, vec![command.into(), args])
            .await
            .unwrap_or_else(|error| panic!("the webview could not run {command}: {error}\n{}", self.logs()));
        match answer {
            serde_json::Value::Object(mut fields) if fields.contains_key("ok") => {
                Ok(fields.remove("ok").unwrap_or_default())
            }
            serde_json::Value::Object(mut fields) => Err(fields.remove("error").unwrap_or_default()),
            other => panic!("unexpected answer to {command}: {other}"),
        }
    }

    /// Waits until the element matching `css` exists and has non-empty text,
    /// and returns that text.
    pub async fn text_of(&self, css: &str) -> String {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(element) = self.client().find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
                && !text.trim().is_empty()
            {
                return text;
            }
            assert!(Instant::now() < deadline, "nothing rendered at {css} within {START_TIMEOUT:?}\n{}", self.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asks the app to quit the way a desktop session does at logout
    /// (SIGTERM), waits for the process to end, and returns everything the app
    /// logged.
    pub async fn terminate_and_wait_for_exit(mut self) -> String {
        let app_pid = self.app_pid().expect("the app process is running under the driver");
        let sent = Command::new("kill").arg("-TERM").arg(app_pid.to_string()).status();
        assert!(sent.is_ok_and(|status| status.success()), "could not signal the app");
        self.wait_until_gone(Some(app_pid)).await;
        self.logs()
    }

    /// Quits the app and starts `launch` (not before `not_before`) within the
    /// same turn, so that no other test's app (which empties the keychain as
    /// it starts) runs in between: a restart, as a user has one. Give
    /// `launch` kept files.
    #[allow(dead_code, reason = "only the reminder tests restart the app")]
    pub async fn restart(mut self, launch: Launch, not_before: Instant) -> AppUnderTest {
        let app_pid = self.app_pid().expect("the app process is running under the driver");
        let sent = Command::new("kill").arg("-TERM").arg(app_pid.to_string()).status();
        assert!(sent.is_ok_and(|status| status.success()), "could not signal the app");
        self.wait_until_gone(Some(app_pid)).await;
        let turn = self.turn.take().expect("an app holds its turn");
        drop(self);
        tokio::time::sleep(not_before.saturating_duration_since(Instant::now())).await;
        Self::launch_in_turn(launch, turn).await
    }

    /// Quits like [`AppUnderTest::terminate_and_wait_for_exit`] and checks
    /// that the app did not panic on the way; returns its log.
    pub async fn quit_without_panic(self) -> String {
        let log = self.terminate_and_wait_for_exit().await;
        assert!(!log.contains("panicked"), "the app panicked:\n{log}");
        log
    }

    /// Waits for the app process to end by itself (after a Quit), and returns
    /// everything the app logged.
    pub async fn wait_for_exit(mut self) -> String {
        // Already gone when it quit faster than this looked.
        let app_pid = self.app_pid();
        self.wait_until_gone(app_pid).await;
        self.logs()
    }

    /// Quits the app like [`AppUnderTest::terminate_and_wait_for_exit`], and
    /// hands over its files (HOME, XDG dirs) for inspection.
    pub async fn terminate_and_keep_files(mut self) -> (String, tempfile::TempDir) {
        let app_pid = self.app_pid().expect("the app process is running under the driver");
        let sent = Command::new("kill").arg("-TERM").arg(app_pid.to_string()).status();
        assert!(sent.is_ok_and(|status| status.success()), "could not signal the app");
        self.wait_until_gone(Some(app_pid)).await;
        let logs = self.logs();
        match self.sandbox.take() {
            Some(Files::Throwaway(dir)) => (logs, dir),
            _ => panic!("only throwaway files are handed over"),
        }
    }

    /// Waits until the app process `app_pid` (`None`: already gone) has ended.
    async fn wait_until_gone(&mut self, app_pid: Option<u32>) {
        let client = self.client.take().expect("the app is still open");
        let deadline = Instant::now() + Duration::from_secs(20);
        while app_pid.is_some_and(process_alive) {
            assert!(Instant::now() < deadline, "the app did not exit\n{}", self.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The session's browser is gone; ending the session only tidies the driver.
        let _ = client.close().await;
    }

    /// Everything the app wrote to its log files, then what the driver logged.
    pub fn logs(&self) -> String {
        let mut logs = String::new();
        for file in files_named(&self.sandbox_path().join("data"), "token-desk.log") {
            logs.push_str(&std::fs::read_to_string(file).unwrap_or_default());
        }
        logs + &self.driver_log()
    }

    fn sandbox_path(&self) -> &Path {
        self.sandbox.as_ref().expect("the files are still there").path()
    }

    /// Starts the app binary a second time, as a double click on its icon
    /// would, in the same session and with the same files; returns how it
    /// ended (it should hand over to the running app and exit at once).
    pub async fn launch_again(&self) -> std::process::ExitStatus {
        let sandbox = self.sandbox_path();
        let mut second = Command::new(&self.binary)
            .env("HOME", sandbox.join("home"))
            .env("XDG_CONFIG_HOME", sandbox.join("config"))
            .env("XDG_DATA_HOME", sandbox.join("data"))
            .env("XDG_CACHE_HOME", sandbox.join("cache"))
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app binary starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = second.try_wait().expect("the second launch can be waited for") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = second.kill();
                panic!("a second launch kept running instead of handing over to the first");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The pid of the app, a child of the driver.
    pub fn app_pid(&self) -> Option<u32> {
        // By its command line, which stays readable: the app makes itself
        // non-dumpable, so `/proc/PID/exe` is closed to anyone but root.
        let binary = &self.binary;
        child_pids(self.driver.id()).into_iter().find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
                cmdline.split(|byte| *byte == 0).next() == Some(binary.as_os_str().as_encoded_bytes())
            })
        })
    }

    fn driver_log(&self) -> String {
        std::fs::read_to_string(self.sandbox_path().join("driver.log")).unwrap_or_default()
    }
}

impl Drop for AppUnderTest {
    fn drop(&mut self) {
        if let Some(pid) = self.app_pid() {
            kill(pid);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The app binary cargo built for this test run.
pub fn app_binary() -> PathBuf {
    #[cfg(not(feature = "custom-protocol"))]
    panic!(
        "E2E tests need the app built with its bundled UI: run them with `--features custom-protocol` \
         (make test does)"
    );
    #[allow(
        clippy::option_env_unwrap,
        reason = "absent only where the benchmark (its own crate, measuring the shipped binary) compiles this \
                  harness, and it never calls this"
    )]
    let built =
        option_env!("CARGO_BIN_EXE_token-desk").expect("only the app's own test targets start the binary cargo built");
    let path = PathBuf::from(built);
    path.canonicalize().unwrap_or(path)
}

/// Every file called `name` below `dir`.
fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                files_named(&path, name)
            } else if path.file_name().is_some_and(|file| file == name) {
                vec![path]
            } else {
                Vec::new()
            }
        })
        .collect()
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("bound address").port()
}

fn child_pids(parent: u32) -> Vec<u32> {
    let tasks = Path::new("/proc").join(parent.to_string()).join("task");
    let Ok(entries) = std::fs::read_dir(tasks) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|children| children.split_whitespace().filter_map(|pid| pid.parse().ok()).collect::<Vec<_>>())
        .collect()
}

/// Alive and not a zombie waiting to be reaped.
fn process_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
}

fn kill(pid: u32) {
    let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
}
