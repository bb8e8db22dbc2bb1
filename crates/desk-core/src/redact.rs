//! Keeps Marketplace API secrets out of anything a person or a log can read.

use std::borrow::Cow;

pub use marketplace_api::REDACTED;

/// Replaces the secret part of every `idt:TKN-…:…` value in `text` (also
/// percent-encoded, as in a URL); the token id stays readable, it is not secret.
///
/// One rule for the whole app: this is the client's own scrubbing. It borrows
/// when there is nothing to redact, so calling it on every log line costs no
/// allocation in the common case.
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    if text.contains("idt") { Cow::Owned(marketplace_api::scrub(text, None)) } else { Cow::Borrowed(text) }
}

/// Replaces every run of letters and digits long enough to be a bare secret
/// (an older token value, without its `idt:` prefix) with the redaction mark.
pub fn redact_bare_secrets(text: &str) -> Cow<'_, str> {
    if !looks_like_secret(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= BARE_SECRET_MIN_CHARS {
            out.push_str(REDACTED);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            run.push(character);
        } else {
            flush(&mut run, &mut out);
            out.push(character);
        }
    }
    flush(&mut run, &mut out);
    Cow::Owned(out)
}

/// Shortest run of letters and digits taken for a bare secret (the opaque
/// part of a token is 64 such characters; older secrets had no `idt:` prefix).
const BARE_SECRET_MIN_CHARS: usize = 32;

/// True when `text` holds something shaped like an API secret: an `idt:TKN-…`
/// value, or a long unbroken run of letters and digits. Labels and addresses
/// never need either, so such text is refused rather than saved in a file.
pub fn looks_like_secret(text: &str) -> bool {
    if text.to_ascii_lowercase().contains("idt:tkn-") {
        return true;
    }
    let mut run = 0;
    for character in text.chars() {
        run = if character.is_ascii_alphanumeric() { run + 1 } else { 0 };
        if run >= BARE_SECRET_MIN_CHARS {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_secrets_are_redacted_and_ordinary_text_is_left_alone() {
        let bare = &SECRET[18..];
        assert_eq!(redact_bare_secrets(&format!("old value {bare}.")), format!("old value {REDACTED}."));
        assert_eq!(redact_bare_secrets("TKN-1234-5678 disabled by Ann"), "TKN-1234-5678 disabled by Ann");
    }

    #[test]
    fn secret_shaped_text_is_recognised_and_ordinary_names_are_not() {
        assert!(looks_like_secret(SECRET));
        assert!(looks_like_secret(&format!("prod {}", &SECRET[18..])), "a bare secret, without its prefix");
        assert!(looks_like_secret("IDT:TKN-1234-5678:x"));
        for ordinary in ["Acme production", "https://api.s1.show", "Billing – EU (QA) 2026", "TKN-1234-5678"] {
            assert!(!looks_like_secret(ordinary), "{ordinary}");
        }
    }

    // A made-up value, split so that it does not read as a committed secret.
    const SECRET: &str =
        concat!("idt:TKN-1234-5678:", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9qRs2tUv5wXy8z");

    #[test]
    fn removes_the_secret_part_and_keeps_the_token_id() {
        let line = format!("request failed with Authorization: Bearer {SECRET} (retrying)");
        let redacted = redact_secrets(&line);
        assert!(!redacted.contains("Ab3dEf6h"), "secret survived: {redacted}");
        assert_eq!(redacted, "request failed with Authorization: Bearer idt:TKN-1234-5678:[redacted] (retrying)");
    }

    #[test]
    fn redacts_every_occurrence_including_inside_json() {
        let body = format!(r#"{{"token":"{SECRET}","other":"{SECRET}"}}"#);
        let redacted = redact_secrets(&body);
        assert_eq!(redacted.matches(REDACTED).count(), 2);
        assert!(!redacted.contains("Ab3dEf6h"));
        assert!(redacted.ends_with(r#"[redacted]"}"#), "JSON structure kept: {redacted}");
    }

    #[test]
    fn leaves_text_without_secrets_untouched_and_borrowed() {
        let text = "token TKN-1234-5678 disabled";
        assert!(matches!(redact_secrets(text), Cow::Borrowed(t) if t == text));
    }
}

/// Wraps a log sink so that nothing written through it carries a secret.
///
/// The log subscriber formats each event into one buffer and writes it in one
/// call, so redacting per `write` call sees whole lines.
#[derive(Debug)]
pub struct RedactingWriter<W> {
    inner: W,
}

impl<W: std::io::Write> RedactingWriter<W> {
    /// Redacts everything on its way to `inner`.
    pub fn new(inner: W) -> Self {
        Self { inner }
    }
}

impl<W: std::io::Write> std::io::Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(redact_secrets(&text).as_bytes())?;
        // The caller's bytes were all consumed, even if redaction changed their length.
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod writer_tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn writes_redacted_text_and_reports_the_input_consumed() {
        let mut sink = Vec::new();
        let line = concat!("2026-11-27 INFO connecting with idt:TKN-1234-5678:", "abcdefABCDEF0123456789\n");
        let written = RedactingWriter::new(&mut sink).write(line.as_bytes()).expect("write");
        assert_eq!(written, line.len());
        let out = String::from_utf8(sink).expect("utf8");
        assert_eq!(out, "2026-11-27 INFO connecting with idt:TKN-1234-5678:[redacted]\n");
    }
}
