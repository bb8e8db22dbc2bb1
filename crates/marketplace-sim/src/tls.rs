//! TLS material made fresh at every start: a private CA and a loopback server certificate
//! it signs (SANs `127.0.0.1`, `::1` and `localhost`), served by rustls on the ring provider.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::SimError;

/// The generated CA (PEM, for clients to trust) and the server's rustls configuration.
pub struct TlsMaterial {
    /// PEM of the CA certificate that signed the server certificate.
    pub ca_pem: String,
    /// Ready rustls server configuration (HTTP/1.1 over ALPN).
    pub server_config: Arc<ServerConfig>,
}

/// Generates a CA and a server certificate for loopback and builds the server config.
pub fn generate() -> Result<TlsMaterial, SimError> {
    let tls_error = |e: rcgen::Error| SimError::Tls(e.to_string());

    let ca_key = KeyPair::generate().map_err(tls_error)?;
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name.push(DnType::CommonName, "Marketplace Simulator CA");
    ca_params.distinguished_name.push(DnType::OrganizationName, "Token Desk");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_error)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(tls_error)?;
    let mut server_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()])
            .map_err(tls_error)?;
    server_params.distinguished_name.push(DnType::CommonName, "localhost");
    // What platform verifiers require of a TLS server certificate (Apple's
    // among them): the serverAuth purpose, and a validity of at most 825 days
    // that has already begun.
    server_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let now = time::OffsetDateTime::now_utc();
    server_params.not_before = now - time::Duration::days(1);
    server_params.not_after = now + time::Duration::days(397);
    let server_cert = server_params.signed_by(&server_key, &issuer).map_err(tls_error)?;

    let chain = vec![CertificateDer::from(server_cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SimError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| SimError::Tls(e.to_string()))?;
    // HTTP/1.1 only: a dropped-connection fault then hits exactly one request, where an
    // HTTP/2 connection would take every multiplexed request down with it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial { ca_pem, server_config: Arc::new(config) })
}
