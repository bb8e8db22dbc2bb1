//! Whether this system can show a tray icon.
//!
//! On Linux the tray goes through libayatana-appindicator (or the older
//! libappindicator), which Tauri loads at run time and panics without. Probing
//! first lets the app start without a tray, and say why, on systems that lack it.

/// The library names libappindicator-sys tries, in its order.
#[cfg(target_os = "linux")]
pub const APPINDICATOR_LIBRARIES: &[&str] =
    &["libayatana-appindicator3.so.1", "libappindicator3.so.1", "libayatana-appindicator3.so", "libappindicator3.so"];

/// `Ok` when a tray icon can be created here; otherwise the reason, phrased
/// for a log line.
pub fn tray_support() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    return first_loadable(APPINDICATOR_LIBRARIES).map(drop);
    #[cfg(not(target_os = "linux"))]
    return Ok(());
}

/// The first of `names` that loads as a shared library.
#[cfg(target_os = "linux")]
fn first_loadable<'a>(names: &[&'a str]) -> Result<&'a str, String> {
    names
        .iter()
        .copied()
        // SAFETY: loading a system library runs its initialisers; these are the
        // same libraries Tauri itself loads a moment later to build the tray.
        .find(|name| unsafe { libloading::Library::new(name) }.is_ok())
        .ok_or_else(|| {
            format!(
                "no appindicator library was found (tried {}); install libayatana-appindicator3-1 for a tray icon",
                names.join(", ")
            )
        })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn missing_libraries_give_a_reason_that_names_the_package() {
        let reason = first_loadable(&["libdefinitely-not-here-1.so", "libnor-this.so.9"]).expect_err("nothing loads");
        assert!(reason.contains("libayatana-appindicator3-1"), "{reason}");
        assert!(reason.contains("libnor-this.so.9"), "lists what was tried: {reason}");
    }

    #[test]
    fn the_first_library_that_loads_is_picked() {
        // libc is on every Linux system; the unloadable name before it is skipped.
        assert_eq!(first_loadable(&["libdefinitely-not-here-1.so", "libc.so.6"]), Ok("libc.so.6"));
    }
}
