//! A CA certificate chosen as a file (Connect's *Choose a file…*): read,
//! bounded and checked to hold PEM text before it reaches the form. Public
//! material: it is saved with the connection, never a secret.

use std::io::Read;
use std::path::Path;

use crate::error::DeskError;

/// More than any chain of CA certificates needs; a bigger file is not one.
const MOST_BYTES: u64 = 256 * 1024;

/// The PEM text in the file at `path`, or a sentence on why it is not one.
pub fn read_ca_file(path: &Path) -> Result<String, DeskError> {
    let shown = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let refuse = |why: &str| DeskError::invalid_field("caCertificatePem", format!("\"{shown}\" {why}"));
    let file = std::fs::File::open(path).map_err(|error| {
        tracing::info!("the CA file could not be opened: {error}");
        refuse("could not be opened: check that it exists and that you may read it.")
    })?;
    let mut bytes = Vec::new();
    file.take(MOST_BYTES + 1).read_to_end(&mut bytes).map_err(|error| {
        tracing::info!("the CA file could not be read: {error}");
        refuse("could not be read.")
    })?;
    if bytes.len() as u64 > MOST_BYTES {
        return Err(refuse("is larger than 256 KB: it is not a CA certificate."));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        refuse("is not text. A binary (DER) certificate must be converted to PEM first: openssl x509 -inform der -in FILE -out FILE.pem")
    })?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(refuse("holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)."));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_file_is_read_and_anything_else_refused_in_words() {
        let dir = tempfile::tempdir().expect("dir");
        let pem = dir.path().join("proxy.pem");
        std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").expect("written");
        assert!(read_ca_file(&pem).expect("read").starts_with("-----BEGIN CERTIFICATE-----"));

        let der = dir.path().join("proxy.der");
        std::fs::write(&der, [0x30, 0x82, 0xff, 0xfe, 0x00]).expect("written");
        assert!(read_ca_file(&der).expect_err("binary").message.contains("convert"));

        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "hello").expect("written");
        assert!(read_ca_file(&notes).expect_err("no PEM").message.contains("no PEM certificate"));

        let big = dir.path().join("big.pem");
        std::fs::write(&big, "-----BEGIN CERTIFICATE-----\n".repeat(20_000)).expect("written");
        assert!(read_ca_file(&big).expect_err("too big").message.contains("256 KB"));

        let missing = read_ca_file(&dir.path().join("gone.pem")).expect_err("missing");
        assert!(missing.message.contains("could not be opened"), "{}", missing.message);
    }
}
