//! Writing Token Desk's own files: atomically (a temp file renamed over the
//! old one, so a crash leaves the old file or the new one, never half of
//! each) and readable by the user only (tempfile creates files 0600).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{DeskError, ErrorKind};

/// What a failed file operation means, in words, from the library's text
/// (which is logged as it is): the operating system's reasons people can act on.
pub(crate) fn file_problem(error: &dyn std::fmt::Display) -> &'static str {
    let text = error.to_string();
    tracing::warn!("a file operation failed: {text}");
    let text = text.to_ascii_lowercase();
    let reasons: [(&str, &str); 7] = [
        ("permission denied", "you may not write there (check the folder's permissions)"),
        ("no space left", "the disk is full"),
        ("no storage space", "the disk is full"),
        ("read-only file system", "the disk is read-only"),
        ("no such file or directory", "the file or its folder does not exist (it may have been moved)"),
        ("is a directory", "a folder is in the way"),
        ("quota", "your disk quota is used up"),
    ];
    reasons.iter().find(|(sign, _)| text.contains(sign)).map(|(_, words)| *words).unwrap_or("the system refused")
}

/// Writes `value` as pretty JSON to `path`; `what` names the file in errors
/// ("connections", "settings").
pub(crate) fn write_private_json<T: Serialize>(path: &Path, value: &T, what: &str) -> Result<(), DeskError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let fail = |error: &dyn std::fmt::Display| {
        DeskError::new(
            ErrorKind::Storage,
            format!("Token Desk could not save its {what} to {}: {}.", path.display(), file_problem(error)),
        )
    };
    std::fs::create_dir_all(dir).map_err(|error| fail(&error))?;
    let json = serde_json::to_vec_pretty(value).map_err(|error| fail(&error))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|error| fail(&error))?;
    temp.write_all(&json).map_err(|error| fail(&error))?;
    temp.as_file().sync_all().map_err(|error| fail(&error))?;
    temp.persist(path).map_err(|error| fail(&error.error))?;
    Ok(())
}

/// Moves a file Token Desk will not use (damaged, or refused) out of the way,
/// never overwriting it: `<name>.damaged-<milliseconds>` beside it. The one
/// rule every file of Token Desk's follows. The stamp only keeps names apart;
/// nothing acts on it, so it comes from the system's clock.
pub(crate) fn set_aside(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default();
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(format!(".{SET_ASIDE_MARK}{stamp}"));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

/// What a set-aside file's name carries after the original name.
pub(crate) const SET_ASIDE_MARK: &str = "damaged-";

#[cfg(test)]
mod tests {

    #[test]
    fn a_file_failure_is_told_in_words() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(file_problem(&denied), "you may not write there (check the folder's permissions)");
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(file_problem(&full), "the disk is full");
        assert_eq!(file_problem(&"something odd"), "the system refused");
    }
    use super::*;

    #[test]
    fn the_file_is_whole_and_private() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("nested").join("settings.json");
        write_private_json(&path, &serde_json::json!({ "a": 1 }), "settings").expect("written");
        write_private_json(&path, &serde_json::json!({ "a": 2 }), "settings").expect("replaced");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).expect("json")["a"], 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "only the user may read it");
        }
    }
}
