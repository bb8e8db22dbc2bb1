//! What the keychain holds for a connection: its secret together with where
//! that secret may be sent. `connections.json` is a plain file any program
//! running as the user can edit; if it alone decided the address (or the extra
//! CA) the secret goes to, that program could redirect the secret to a host of
//! its own. So the keychain entry records the API address and the CA's
//! SHA-256 fingerprint when the connection is made, and a connection whose
//! file entry no longer matches is refused before anything is sent.

use marketplace_api::ApiSecret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::connections::types::Connection;
use crate::error::{DeskError, ErrorKind};

/// The entry's format version.
const FORMAT: u32 = 1;

/// Where a secret may be sent: the API address and the extra CA, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Destination {
    /// The API base URL, as the connection resolves it.
    base_url: String,
    /// SHA-256 (hex) of the extra CA certificate's PEM text, trimmed.
    ca_sha256: Option<String>,
}

impl Destination {
    /// Where `connection` would send its secret.
    pub(crate) fn of(connection: &Connection) -> Self {
        let ca_sha256 = connection.ca_certificate_pem.as_deref().map(|pem| {
            let digest = ring::digest::digest(&ring::digest::SHA256, pem.trim().as_bytes());
            digest.as_ref().iter().map(|byte| format!("{byte:02x}")).collect()
        });
        Self { base_url: connection.base_url.trim_end_matches('/').to_ascii_lowercase(), ca_sha256 }
    }
}

/// The keychain entry, as written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SealedOut<'a> {
    v: u32,
    secret: &'a str,
    destination: &'a Destination,
}

/// The keychain entry, as read; the secret is wiped when dropped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SealedIn {
    v: u32,
    secret: Zeroizing<String>,
    destination: Destination,
}

/// The keychain entry for `secret`, bound to `destination`: JSON built in a
/// buffer sized up front (no reallocation leaves copies behind) and wiped
/// when the returned secret is dropped.
pub(crate) fn seal(secret: &ApiSecret, destination: &Destination) -> Result<ApiSecret, DeskError> {
    let record = SealedOut { v: FORMAT, secret: secret.expose(), destination };
    let capacity = secret.expose().len() + destination.base_url.len() + 256;
    let mut buffer = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer(&mut *buffer, &record)
        .map_err(|error| DeskError::internal(format!("the keychain entry could not be written ({error})")))?;
    let text = String::from_utf8(std::mem::take(&mut *buffer))
        .map_err(|_| DeskError::internal("the keychain entry is not text"))?;
    Ok(ApiSecret::new(text))
}

/// The secret in a keychain `entry`, once its destination is `expected`;
/// otherwise an error that says what changed, and nothing is sent.
pub(crate) fn unseal(entry: &ApiSecret, expected: &Destination, label: &str) -> Result<ApiSecret, DeskError> {
    let Ok(sealed) = serde_json::from_str::<SealedIn>(entry.expose()) else {
        return Err(DeskError::new(
            ErrorKind::Refused,
            format!(
                "The keychain entry of \"{label}\" was saved by an earlier Token Desk and does not say where its \
                 API token may be sent, so Token Desk will not use it. Remove the connection and add it again."
            ),
        ));
    };
    if sealed.v != FORMAT {
        return Err(DeskError::new(
            ErrorKind::Keychain,
            format!(
                "The keychain entry of \"{label}\" was written by a newer Token Desk: update Token Desk to use it."
            ),
        ));
    }
    if sealed.destination != *expected {
        let what = if sealed.destination.base_url != expected.base_url {
            format!("its address changed from {} to {}", sealed.destination.base_url, expected.base_url)
        } else {
            "the extra CA certificate it trusts changed".to_owned()
        };
        return Err(DeskError::new(
            ErrorKind::Refused,
            format!(
                "Token Desk did not send the API token of \"{label}\": {what} since it was saved. If you did not \
                 change this, another program may have edited connections.json. Remove the connection and add it \
                 again to trust the new setting."
            ),
        ));
    }
    // One copy, into the wiping secret type; the parsed one is wiped on drop.
    Ok(ApiSecret::new(sealed.secret.as_str()))
}

/// What a keychain `entry` says its connection signs in with: the token (from
/// the secret itself) and the address it was sealed for. Read from the entry,
/// not from `connections.json`, which any program running as the user can edit.
pub(crate) fn signs_in_with(entry: &ApiSecret) -> Option<crate::connections::sign_ins::SignInToken> {
    let sealed = serde_json::from_str::<SealedIn>(entry.expose()).ok()?;
    let token_id = ApiSecret::new(sealed.secret.as_str()).token_id()?.to_ascii_uppercase();
    Some(crate::connections::sign_ins::SignInToken::new(&sealed.destination.base_url, &token_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::environment::Environment;
    use crate::connections::types::AccountSummary;

    const SECRET: &str =
        concat!("idt:TKN-1234-5678:", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9qRs2tUv5wXy8z");

    fn connection(url: &str, ca: Option<&str>) -> Connection {
        Connection {
            id: "c1".into(),
            label: "Acme".into(),
            environment: Environment::Custom { url: url.into() },
            base_url: url.into(),
            token_id: "TKN-1234-5678".into(),
            account: AccountSummary { id: "ACC-1234-5678".into(), name: "Acme".into(), account_type: "Vendor".into() },
            colour: "#3b4fd8".into(),
            demo: false,
            ca_certificate_pem: ca.map(str::to_owned),
        }
    }

    #[test]
    fn the_secret_comes_back_only_for_the_destination_it_was_sealed_for() {
        let home = Destination::of(&connection("https://api.s1.show", Some("-----BEGIN CERTIFICATE-----A")));
        let entry = seal(&ApiSecret::new(SECRET), &home).expect("sealed");
        assert_eq!(unseal(&entry, &home, "Acme").expect("same destination").expose(), SECRET);

        let elsewhere = Destination::of(&connection("https://evil.example", Some("-----BEGIN CERTIFICATE-----A")));
        let refused = unseal(&entry, &elsewhere, "Acme").expect_err("another address");
        assert_eq!(refused.kind, ErrorKind::Refused);
        assert!(refused.message.contains("evil.example"), "{}", refused.message);

        let other_ca = Destination::of(&connection("https://api.s1.show", Some("-----BEGIN CERTIFICATE-----B")));
        assert!(unseal(&entry, &other_ca, "Acme").expect_err("another CA").message.contains("CA certificate"));
        let no_ca = Destination::of(&connection("https://api.s1.show", None));
        assert!(unseal(&entry, &no_ca, "Acme").is_err(), "dropping the CA is a change too");
    }

    #[test]
    fn the_entry_names_the_token_and_address_it_signs_in_with() {
        let entry = seal(&ApiSecret::new(SECRET), &Destination::of(&connection("https://API.s1.show:443/", None)))
            .expect("sealed");
        let signs_in = signs_in_with(&entry).expect("a sign-in token");
        assert!(signs_in.is("https://api.s1.show/public/v1", "tkn-1234-5678"), "{signs_in:?}");
        assert!(!signs_in.is("https://api.s1.show", "TKN-1234-5679"));
        assert!(!signs_in.is("https://api.s1.live", "TKN-1234-5678"));
        assert!(signs_in_with(&ApiSecret::new(SECRET)).is_none(), "a bare secret is no entry");
    }

    #[test]
    fn an_entry_without_a_destination_is_not_used() {
        let home = Destination::of(&connection("https://api.s1.show", None));
        let error = unseal(&ApiSecret::new(SECRET), &home, "Acme").expect_err("a bare secret");
        assert!(error.message.contains("earlier Token Desk"), "{}", error.message);
        assert!(!error.message.contains("Ab3dEf6h"), "no secret in the message");
    }
}
