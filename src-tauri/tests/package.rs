//! The `.deb` that `make bundle` builds, handled the way a user's machine does:
//! installed with `dpkg -i`, its desktop entry checked with
//! `desktop-file-validate`, the app started from the entry's `Exec` line and its
//! welcome screen seen in the real window, then purged, leaving none of its
//! files behind.
//!
//! Run with `make test-package` (part of `make test`): it builds the package
//! first and runs this inside the headless session. Installing needs root, or
//! `sudo` without a password. It refuses to touch a Token Desk that is already
//! installed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

#[allow(dead_code, reason = "the package test uses a part of the harness")]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::Launch;
use support::screen::button;

const PACKAGE: &str = "token-desk";
/// Every size the hicolor theme has a fixed-size directory for, up to 512.
const ICON_SIZES: [u32; 9] = [16, 24, 32, 48, 64, 96, 128, 256, 512];
/// What the app needs at run time, the tray's indicator library included.
const DEPENDENCIES: [&str; 3] = ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the .deb, root and a desktop session: run with `make test-package` (make test does)"]
async fn installed_package_starts_from_its_desktop_entry_and_purges_without_a_trace() {
    let deb = built_deb();
    assert!(
        !installed(),
        "a {PACKAGE} package is installed already; this test installs and purges its own, so remove that one first"
    );
    let package = Installed::install(&deb);

    let files = package.files();
    let binary = Path::new("/usr/bin/token-desk");
    assert!(files.contains(&binary.to_path_buf()), "the package installs {}: {files:#?}", binary.display());
    let entry = files
        .iter()
        .find(|file| {
            file.starts_with("/usr/share/applications") && file.extension().is_some_and(|ext| ext == "desktop")
        })
        .unwrap_or_else(|| panic!("no desktop entry among {files:#?}"))
        .clone();

    let validated = run("desktop-file-validate", &[entry.as_os_str()]);
    assert!(
        validated.status.success() && validated.stdout.is_empty(),
        "desktop-file-validate finds problems in {}:\n{}{}",
        entry.display(),
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );
    let entry_text = std::fs::read_to_string(&entry).expect("the desktop entry is readable");
    assert_eq!(key(&entry_text, "Name").as_deref(), Some("Token Desk"), "{entry_text}");
    assert_eq!(key(&entry_text, "Type").as_deref(), Some("Application"), "{entry_text}");
    let categories = key(&entry_text, "Categories").unwrap_or_default();
    assert!(categories.split(';').any(|category| category == "Development"), "categories: {categories}");
    let icon = key(&entry_text, "Icon").expect("the entry names an icon");

    for size in ICON_SIZES {
        let path = PathBuf::from(format!("/usr/share/icons/hicolor/{size}x{size}/apps/{icon}.png"));
        assert!(files.contains(&path), "no {size}×{size} icon at {}", path.display());
        assert_eq!(png_size(&path), (size, size), "{} has the wrong dimensions", path.display());
    }

    // The unlock's polkit action, where polkit looks for it.
    let policy = PathBuf::from("/usr/share/polkit-1/actions/dev.tokendesk.TokenDesk.policy");
    assert!(files.contains(&policy), "no polkit action at {}: {files:#?}", policy.display());
    let policy_text = std::fs::read_to_string(&policy).expect("the polkit action");
    assert!(policy_text.contains(r#"<action id="dev.tokendesk.TokenDesk.unlock">"#), "{policy_text}");
    assert!(policy_text.contains("<allow_active>auth_self</allow_active>"), "{policy_text}");

    let depends = run("dpkg-query", &["-W".as_ref(), "-f=${Depends}".as_ref(), PACKAGE.as_ref()]);
    let depends = String::from_utf8_lossy(&depends.stdout).into_owned();
    for dependency in DEPENDENCIES {
        assert!(
            depends.split(',').any(|declared| declared.trim().starts_with(dependency)),
            "the package does not declare {dependency}: {depends}"
        );
    }

    // As a desktop starts it: the Exec line, its field codes dropped, the
    // program found on PATH.
    let exec = key(&entry_text, "Exec").expect("the entry has an Exec line");
    let (program, args) = exec_command(&exec);
    let app = Launch::command(program, args).start().await;
    app.wait_for(&button("Try the demo")).await;
    assert_eq!(app.text_of("[data-testid=app-name]").await, "Token Desk");
    assert_eq!(app.client().title().await.expect("a title"), "Token Desk");
    app.quit_without_panic().await;

    let left = package.purge();
    assert!(!installed(), "dpkg still lists {PACKAGE} after the purge");
    assert!(left.is_empty(), "the purge left files behind: {left:#?}");
}

/// The package installed for the test, purged when the test ends, whatever happens.
struct Installed {
    purged: bool,
}

impl Installed {
    fn install(deb: &Path) -> Self {
        let installing = privileged(&["dpkg".as_ref(), "-i".as_ref(), deb.as_os_str()]);
        let package = Self { purged: false };
        assert!(
            installing.status.success(),
            "dpkg -i {} failed:\n{}{}",
            deb.display(),
            String::from_utf8_lossy(&installing.stdout),
            String::from_utf8_lossy(&installing.stderr)
        );
        package
    }

    /// Every file (not directory) the package installed.
    fn files(&self) -> Vec<PathBuf> {
        let listed = run("dpkg", &["-L".as_ref(), PACKAGE.as_ref()]);
        assert!(listed.status.success(), "dpkg -L {PACKAGE} failed");
        String::from_utf8_lossy(&listed.stdout).lines().map(PathBuf::from).filter(|path| path.is_file()).collect()
    }

    /// Purges the package; returns the files it had installed that are still there.
    fn purge(mut self) -> Vec<PathBuf> {
        let files = self.files();
        let purging = privileged(&["dpkg".as_ref(), "--purge".as_ref(), PACKAGE.as_ref()]);
        self.purged = true;
        assert!(purging.status.success(), "dpkg --purge failed: {}", String::from_utf8_lossy(&purging.stderr));
        files.into_iter().filter(|file| file.exists()).collect()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !self.purged {
            let _ = privileged(&["dpkg".as_ref(), "--purge".as_ref(), PACKAGE.as_ref()]);
        }
    }
}

/// The `.deb` beside the binaries cargo built for this run (`make bundle` puts
/// it in the release profile's `bundle/deb`).
fn built_deb() -> PathBuf {
    let target = support::app_binary().parent().and_then(Path::parent).expect("the target dir").to_path_buf();
    let dir = target.join("release/bundle/deb");
    let debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.flatten().map(|entry| entry.path()).filter(|p| p.extension().is_some_and(|e| e == "deb")).collect()
        })
        .unwrap_or_default();
    match debs.as_slice() {
        [deb] => deb.clone(),
        [] => panic!("no .deb in {}: run `make bundle` first (`make test-package` does)", dir.display()),
        many => panic!("more than one .deb in {}: {many:?}", dir.display()),
    }
}

fn installed() -> bool {
    let status = run("dpkg-query", &["-W".as_ref(), "-f=${Status}".as_ref(), PACKAGE.as_ref()]);
    String::from_utf8_lossy(&status.stdout).contains("install ok installed")
}

/// The value of `name` in the entry's `[Desktop Entry]` group.
fn key(entry: &str, name: &str) -> Option<String> {
    entry
        .lines()
        .skip_while(|line| line.trim() != "[Desktop Entry]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| line.strip_prefix(name)?.trim_start().strip_prefix('=').map(|value| value.trim().to_owned()))
}

/// The program and arguments of an `Exec` value: field codes (`%U`, `%f`, …)
/// dropped as a launcher with nothing to open does, the program looked up on PATH.
fn exec_command(exec: &str) -> (PathBuf, Vec<String>) {
    let mut words = exec.split_whitespace().filter(|word| !(word.len() == 2 && word.starts_with('%')));
    let program = words.next().expect("the Exec line names a program");
    let program = if program.contains('/') {
        PathBuf::from(program)
    } else {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
            .unwrap_or_else(|| panic!("{program} from the Exec line is not on PATH"))
    };
    (program, words.map(str::to_owned).collect())
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("the icon is readable");
    assert!(bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", path.display());
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("four bytes"));
    (number(16), number(20))
}

fn run(program: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(program).args(args).output().unwrap_or_else(|error| panic!("{program} could not run: {error}"))
}

/// Runs a package-manager command as root: directly when the test is root,
/// otherwise through `sudo -n` (which fails at once rather than asking).
fn privileged(args: &[&std::ffi::OsStr]) -> Output {
    let user = run("id", &["-u".as_ref()]);
    if String::from_utf8_lossy(&user.stdout).trim() == "0" {
        run(args[0].to_str().expect("a program name"), &args[1..])
    } else {
        let output = run("sudo", &[&["-n".as_ref()], args].concat());
        assert!(
            output.status.success() || !String::from_utf8_lossy(&output.stderr).contains("password"),
            "installing a package needs root: run the test as root or with passwordless sudo"
        );
        output
    }
}
