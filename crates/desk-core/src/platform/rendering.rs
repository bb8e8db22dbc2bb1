//! How WebKitGTK should draw on this machine.
//!
//! Without a GPU, WebKitGTK's compositing runs through software OpenGL
//! (llvmpipe), and any page with a scrollable area pays for it on every
//! frame: the 10,000-row token list took about 75 ms per frame that way (under
//! Xvfb here), against 16 ms drawn without compositing. Admins often work in
//! VMs and remote desktops with no GPU, so Token Desk turns compositing off
//! there, and only there.

use std::ffi::OsStr;
use std::path::Path;

/// The environment variable WebKitGTK reads to draw without compositing.
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to turn WebKitGTK's compositing off: never when the user already
/// chose (the variable is set, whatever its value), otherwise when `dri_dir`
/// (`/dev/dri`) holds no GPU render node (`renderD*`).
pub fn compositing_should_be_off(user_choice: Option<&OsStr>, dri_dir: &Path) -> bool {
    if user_choice.is_some() {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dri_dir) else { return true };
    !entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_without_a_render_node_and_on_with_one() {
        let dri = tempfile::tempdir().expect("a dir");
        assert!(compositing_should_be_off(None, dri.path()), "an empty /dev/dri: software rendering");
        std::fs::write(dri.path().join("card0"), b"").expect("a card node");
        assert!(compositing_should_be_off(None, dri.path()), "a display card alone does not render");
        std::fs::write(dri.path().join("renderD128"), b"").expect("a render node");
        assert!(!compositing_should_be_off(None, dri.path()), "a GPU: keep compositing");
        assert!(compositing_should_be_off(None, &dri.path().join("missing")), "no /dev/dri at all");
    }

    #[test]
    fn the_users_own_setting_always_wins() {
        let missing = Path::new("/nonexistent/dri");
        assert!(!compositing_should_be_off(Some(OsStr::new("0")), missing));
        assert!(!compositing_should_be_off(Some(OsStr::new("1")), missing));
    }
}
