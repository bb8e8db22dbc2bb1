//! What the app tells the UI about itself.

use serde::Serialize;

/// The app's display name and version, as shown on the welcome screen and in
/// the About box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AppInfo {
    /// Human-readable product name, e.g. "Token Desk".
    pub name: String,
    /// Semantic version of the running build, e.g. "0.1.0".
    pub version: String,
}

impl AppInfo {
    /// Describes a build from its product name and its package version.
    ///
    /// An empty name falls back to "Token Desk" so the UI never shows a blank
    /// title, whatever the packaging metadata says.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        let name = name.into();
        let name = if name.trim().is_empty() { "Token Desk".to_owned() } else { name };
        Self { name, version: version.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_given_name_and_version() {
        let info = AppInfo::new("Token Desk", "1.2.3");
        assert_eq!(info.name, "Token Desk");
        assert_eq!(info.version, "1.2.3");
    }

    #[test]
    fn blank_name_falls_back_to_the_product_name() {
        assert_eq!(AppInfo::new("  ", "0.1.0").name, "Token Desk");
    }

    #[test]
    fn serializes_with_the_field_names_the_ui_reads() {
        let json = serde_json::to_value(AppInfo::new("Token Desk", "0.1.0")).expect("serializable");
        assert_eq!(json, serde_json::json!({"name": "Token Desk", "version": "0.1.0"}));
    }
}
