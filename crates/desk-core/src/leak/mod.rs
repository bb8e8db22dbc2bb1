//! From a leaked value to its token: a pasted text (a log line, a whole
//! `idt:TKN-…:…` value, or just a `TKN-…` id) is searched for a token id, and
//! that token is looked up in every saved connection. The text itself is
//! never kept or logged: only the id goes further, and whether a whole value
//! was in the text.

use serde::Serialize;

use crate::tokens::views::TokenView;

mod actions;

/// A connection that knows the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeakHit {
    /// The connection.
    pub connection_id: String,
    /// Its name.
    pub connection_label: String,
    /// The token there, without its value.
    pub token: TokenView,
}

/// What a search for a pasted token found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeakSearch {
    /// The token id found in the text.
    pub token_id: String,
    /// Whether the text held a whole value (`idt:TKN-…:…`), not just an id:
    /// then the token should be disabled at once.
    pub value_pasted: bool,
    /// The connections that know the token.
    pub found: Vec<LeakHit>,
    /// Every connection searched, by name.
    pub searched: Vec<String>,
    /// Connections that could not be searched, and why.
    pub failed: Vec<String>,
}

/// The first token id in `text` (`TKN-dddd-dddd`, any case), and whether it
/// stands in a whole value (`idt:TKN-…:` followed by more).
pub(crate) fn token_in(text: &str) -> Option<(String, bool)> {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let shape = |at: usize| {
        bytes.get(at..at + 13).is_some_and(|id| {
            id.starts_with(b"TKN-")
                && id[4..8].iter().all(u8::is_ascii_digit)
                && id[8] == b'-'
                && id[9..13].iter().all(u8::is_ascii_digit)
        }) && !bytes.get(at + 13).is_some_and(u8::is_ascii_digit)
    };
    let at = (0..bytes.len()).find(|&at| shape(at))?;
    let id = upper[at..at + 13].to_owned();
    let in_value = upper[..at].ends_with("IDT:")
        && bytes.get(at + 13) == Some(&b':')
        && bytes.get(at + 14).is_some_and(u8::is_ascii_alphanumeric);
    Some((id, in_value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_found_in_a_value_an_id_or_a_log_line() {
        let value = concat!("idt:TKN-1234-5678:", "Ab3dEf6hIj9kLm2nOp5q");
        assert_eq!(token_in(value), Some(("TKN-1234-5678".into(), true)));
        assert_eq!(token_in("tkn-1234-5678"), Some(("TKN-1234-5678".into(), false)));
        let log = format!("2026-12-02 ERROR auth failed for Bearer {value} from 192.0.2.1");
        assert_eq!(token_in(&log), Some(("TKN-1234-5678".into(), true)));
        assert_eq!(token_in("token TKN-1234-5678 was disabled"), Some(("TKN-1234-5678".into(), false)));
        assert_eq!(token_in("TKN-1234-56789"), None, "one digit too many");
        assert_eq!(token_in("nothing here"), None);
        assert_eq!(token_in("idt:TKN-1234-5678:"), Some(("TKN-1234-5678".into(), false)), "no secret after the id");
    }
}
