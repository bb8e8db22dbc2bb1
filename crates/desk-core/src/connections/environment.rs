//! Where a connection points: one of SoftwareOne's environments, or a custom
//! https address (a proxy, or the demo simulator on loopback).

use serde::{Deserialize, Serialize};

use crate::error::DeskError;

/// A Marketplace environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Environment {
    /// The production platform.
    Production,
    /// SoftwareOne's test environment.
    Test,
    /// SoftwareOne's QA environment.
    Qa,
    /// SoftwareOne's development environment.
    Dev,
    /// Any other https address.
    Custom {
        /// The API's base URL, e.g. `https://marketplace-proxy.example.com`.
        url: String,
    },
}

impl Environment {
    /// The API base URL requests go to. Custom URLs must be https: a plain
    /// http address is refused here, before anything is sent.
    pub fn base_url(&self) -> Result<String, DeskError> {
        let url = match self {
            Self::Production => "https://api.platform.softwareone.com",
            Self::Test => "https://api.s1.show",
            Self::Qa => "https://api.s1.live",
            Self::Dev => "https://api.s1.today",
            Self::Custom { url } => return custom_base_url(url),
        };
        Ok(url.to_owned())
    }

    /// A short name for lists and the tray ("Production", "QA", the custom host).
    pub fn display_name(&self) -> String {
        match self {
            Self::Production => "Production".into(),
            Self::Test => "Test".into(),
            Self::Qa => "QA".into(),
            Self::Dev => "Dev".into(),
            Self::Custom { url } => url.trim().trim_start_matches("https://").trim_end_matches('/').to_owned(),
        }
    }
}

fn custom_base_url(url: &str) -> Result<String, DeskError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(DeskError::invalid_field("url", "Enter the API address, starting with https://."));
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("http://") {
        return Err(DeskError::invalid_field(
            "url",
            "Plain http:// addresses are refused: API tokens must only travel over https://.",
        ));
    }
    if !lower.starts_with("https://") {
        return Err(DeskError::invalid_field("url", "The API address must start with https://."));
    }
    if crate::redact::looks_like_secret(trimmed) {
        // An address is saved in a plain file: a secret pasted here must not be.
        return Err(DeskError::invalid_field(
            "url",
            "This address holds something shaped like an API secret. Enter only the address; the secret goes in \
             the API token field.",
        ));
    }
    // The client normalises and fully validates it (host, no query, …).
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_environments_have_their_documented_hosts() {
        assert_eq!(Environment::Production.base_url().as_deref(), Ok("https://api.platform.softwareone.com"));
        assert_eq!(Environment::Test.base_url().as_deref(), Ok("https://api.s1.show"));
        assert_eq!(Environment::Qa.base_url().as_deref(), Ok("https://api.s1.live"));
        assert_eq!(Environment::Dev.base_url().as_deref(), Ok("https://api.s1.today"));
    }

    #[test]
    fn custom_http_url_is_refused_with_a_field_error() {
        let error = Environment::Custom { url: "http://api.example.com".into() }.base_url().expect_err("refused");
        assert_eq!(error.field_errors[0].field.as_deref(), Some("url"));
        assert!(error.message.contains("https://"), "{}", error.message);
    }

    #[test]
    fn custom_https_url_is_kept() {
        let env = Environment::Custom { url: " https://proxy.example.com/public/v1 ".into() };
        assert_eq!(env.base_url().as_deref(), Ok("https://proxy.example.com/public/v1"));
        assert_eq!(env.display_name(), "proxy.example.com/public/v1");
    }

    #[test]
    fn serializes_as_a_tagged_union() {
        let json = serde_json::to_value(Environment::Custom { url: "https://x".into() }).expect("json");
        assert_eq!(json, serde_json::json!({"kind": "custom", "url": "https://x"}));
        assert_eq!(serde_json::to_value(Environment::Qa).expect("json"), serde_json::json!({"kind": "qa"}));
    }
}
