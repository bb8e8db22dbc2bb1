//! The one error that crosses into the UI.
//!
//! Whatever failed (the Marketplace, the network, TLS, the keychain, the config
//! file) the UI gets a kind to branch on, a sentence to show, the field errors
//! to put next to form inputs, and the server's trace id to quote to support.
//! Every text in it has been scrubbed of secrets.

use serde::Serialize;

use crate::connections::keychain::KeychainError;

/// What went wrong, at the grain the UI needs to pick its message and next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The API token was refused (wrong, disabled or deleted), or is not active.
    Unauthorized,
    /// The API token may not do this (account type or modules).
    Forbidden,
    /// Token Desk itself refused, to keep a secret safe (the message says why
    /// and what to do; trying again does not help).
    Refused,
    /// Token Desk is locked: unlock it first (what stops harm, such as
    /// disabling a token, works while locked).
    Locked,
    /// No such object, or not visible to this account.
    NotFound,
    /// The input was refused; see the field errors.
    Validation,
    /// The request conflicts with the current state (e.g. the connection exists).
    Conflict,
    /// Too many requests; try again later.
    RateLimited,
    /// The Marketplace could not be reached, or did not answer in time.
    Network,
    /// The secure connection failed (untrusted certificate, TLS error).
    Tls,
    /// The OS keychain is missing, locked or refused access.
    Keychain,
    /// The desktop offers no clipboard Token Desk can use, or it refused.
    Clipboard,
    /// The Marketplace failed or answered with something unreadable.
    Server,
    /// Token Desk's own files (the connections list) could not be read or written.
    Storage,
    /// A bug in Token Desk.
    Internal,
}

/// A message about one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldError {
    /// The field, as the form names it (`name`, `description`, `modules`, `secret`, `url`);
    /// `None` for a message about the request as a whole.
    pub field: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

/// Why an action failed, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct DeskError {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// A complete sentence for the person at the keyboard.
    pub message: String,
    /// Per-field messages, for forms.
    pub field_errors: Vec<FieldError>,
    /// The Marketplace's trace id, to quote to SoftwareOne support.
    pub trace_id: Option<String>,
}

impl DeskError {
    /// An error of `kind` with `message`, scrubbed of secrets.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: crate::redact_secrets(&message.into()).into_owned(),
            field_errors: Vec::new(),
            trace_id: None,
        }
    }

    /// A validation error about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = crate::redact_secrets(&message.into()).into_owned();
        Self {
            kind: ErrorKind::Validation,
            message: message.clone(),
            field_errors: vec![FieldError { field: Some(field.to_owned()), message }],
            trace_id: None,
        }
    }

    /// A bug or an impossible state: says so plainly rather than guessing a cause.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, format!("Token Desk hit an internal error: {what}."))
    }

    /// Adds a message for one form field (any kind of error may point at a field).
    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.field_errors.push(FieldError {
            field: Some(field.to_owned()),
            message: crate::redact_secrets(&message.into()).into_owned(),
        });
        self
    }
}

impl From<KeychainError> for DeskError {
    fn from(error: KeychainError) -> Self {
        Self::new(ErrorKind::Keychain, error.to_string())
    }
}

impl From<marketplace_api::Error> for DeskError {
    fn from(error: marketplace_api::Error) -> Self {
        use marketplace_api::ErrorKind as Api;
        let kind = match error.kind() {
            Api::Unauthorized | Api::InactiveToken => ErrorKind::Unauthorized,
            Api::Forbidden => ErrorKind::Forbidden,
            Api::NotFound => ErrorKind::NotFound,
            Api::Validation
            | Api::InvalidConfiguration
            | Api::InvalidSecret
            | Api::InvalidCaCertificate
            | Api::InvalidQuery
            | Api::InvalidId => ErrorKind::Validation,
            Api::Conflict => ErrorKind::Conflict,
            Api::RateLimited => ErrorKind::RateLimited,
            Api::Network | Api::Timeout => ErrorKind::Network,
            Api::Tls => ErrorKind::Tls,
            Api::Server | Api::Undecodable | Api::UnexpectedStatus => ErrorKind::Server,
        };
        let mut field_errors: Vec<FieldError> = error
            .field_errors()
            .iter()
            .map(|field| FieldError { field: field.field.as_deref().map(form_field), message: field.message.clone() })
            .collect();
        // Errors raised before any request name the form field they are about.
        match error.kind() {
            Api::InvalidSecret => {
                field_errors.push(FieldError { field: Some("secret".into()), message: error.to_string() })
            }
            Api::InvalidConfiguration => {
                field_errors.push(FieldError { field: Some("url".into()), message: error.to_string() })
            }
            Api::InvalidCaCertificate => {
                field_errors.push(FieldError { field: Some("caCertificatePem".into()), message: error.to_string() })
            }
            // RQL cannot write every text (both quote characters, say): the search field says so.
            Api::InvalidQuery => {
                field_errors.push(FieldError { field: Some("search".into()), message: error.to_string() })
            }
            _ => {}
        }
        Self { kind, message: error.to_string(), field_errors, trace_id: error.trace_id().map(str::to_owned) }
    }
}

/// The form field a server-side field name belongs to: `Name` and `name` are the
/// same input, and `modules[2].id` is the modules picker.
fn form_field(server_field: &str) -> String {
    let head = server_field.split(['.', '[']).next().unwrap_or(server_field);
    let mut chars = head.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => server_field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_field_names_map_to_form_fields() {
        assert_eq!(form_field("Name"), "name");
        assert_eq!(form_field("modules[2].id"), "modules");
        assert_eq!(form_field("description"), "description");
        assert_eq!(form_field("account.id"), "account");
    }

    #[test]
    fn keychain_errors_keep_their_advice() {
        let error: DeskError = KeychainError::Unavailable { detail: "no bus".into() }.into();
        assert_eq!(error.kind, ErrorKind::Keychain);
        assert!(error.message.contains("GNOME Keyring"), "{}", error.message);
    }

    #[test]
    fn messages_are_scrubbed() {
        // Built at run time so the fixture does not look like a committed secret.
        let fake = format!("idt:TKN-1234-5678:{}", "TopSecret".repeat(3));
        let error = DeskError::new(ErrorKind::Server, format!("echoed {fake} back"));
        assert!(!error.message.contains("TopSecret"), "{}", error.message);
        let field = DeskError::invalid_field("secret", format!("bad {fake}"));
        assert!(!field.field_errors[0].message.contains("TopSecret"));
    }

    #[test]
    fn serializes_in_the_shape_the_ui_reads() {
        let error = DeskError::invalid_field("name", "Name is required.");
        let json = serde_json::to_value(&error).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "validation",
                "message": "Name is required.",
                "fieldErrors": [{"field": "name", "message": "Name is required."}],
                "traceId": null
            })
        );
    }
}
