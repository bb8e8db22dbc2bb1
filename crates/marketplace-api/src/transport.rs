//! The HTTPS transport: TLS trust (platform roots plus extra CAs, rustls with the ring
//! provider), timeouts, the User-Agent, no redirects, a cap on what is read, and sending one
//! request with the retry policy.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind};
use crate::retry::{Attempt, RetryPolicy, parse_retry_after};
use crate::secret::ApiSecret;

/// What the transport needs to be built.
pub(crate) struct TransportSettings<'a> {
    pub extra_ca_pems: &'a [String],
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub user_agent: &'a str,
}

/// At most this much of an error answer is read: its start is all an error shows.
const ERROR_BODY_BYTES: usize = 64 * 1024;

/// Builds the HTTP client: https only, platform roots plus `extra_ca_pems`, HTTP/2 or 1.1,
/// no redirects.
pub(crate) fn build_http_client(settings: &TransportSettings<'_>) -> Result<reqwest::Client, Error> {
    let tls = tls_config(settings.extra_ca_pems)?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .https_only(true)
        // The API never redirects; following one would send the secret (same origin) or the
        // request (another origin) somewhere the user did not configure. A 3xx is an error.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .user_agent(settings.user_agent)
        .build()
        .map_err(|cause| {
            Error::new(ErrorKind::InvalidConfiguration, "The HTTPS client could not be set up.")
                .with_source(cause.without_url())
        })
}

/// A rustls configuration with the ring provider, verifying servers against the platform's
/// trusted roots plus the given PEM certificates.
fn tls_config(extra_ca_pems: &[String]) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra_roots = parse_ca_pems(extra_ca_pems)?;
    let has_extra_roots = !extra_roots.is_empty();
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone()).map_err(|cause| {
            // Tell a bad extra certificate (the user can fix it) from a broken system trust store.
            let system_roots_work =
                rustls_platform_verifier::Verifier::new_with_extra_roots(Vec::new(), provider.clone()).is_ok();
            if has_extra_roots && system_roots_work {
                Error::new(
                    ErrorKind::InvalidCaCertificate,
                    format!("The extra CA certificate is not usable ({cause})."),
                )
            } else {
                Error::new(ErrorKind::Tls, format!("No usable trusted root certificates were found ({cause})."))
            }
        })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|cause| Error::new(ErrorKind::Tls, format!("TLS could not be configured ({cause}).")))?
        .dangerous() // a custom verifier, not a weaker one: it is the platform verifier.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // A preconfigured config is used as it is, so HTTP/2 must be offered here.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Every certificate in the PEM texts; a text without any, or a broken one,
/// is refused with what is wrong in words. A PEM whose line breaks became
/// spaces (copied from a web page or an e-mail) is read as the PEM it was.
fn parse_ca_pems(pems: &[String]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut certificates = Vec::new();
    for (index, pem) in pems.iter().enumerate() {
        let before = certificates.len();
        let pem = with_line_breaks(pem);
        for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let certificate = certificate.map_err(|cause| {
                Error::new(
                    ErrorKind::InvalidCaCertificate,
                    format!("Extra CA certificate #{} could not be read: {}", index + 1, pem_problem(&cause)),
                )
            })?;
            certificates.push(certificate);
        }
        if certificates.len() == before {
            return Err(Error::new(
                ErrorKind::InvalidCaCertificate,
                format!(
                    "Extra CA certificate #{} contains no certificate: paste the whole block, from \
                     -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.",
                    index + 1
                ),
            ));
        }
    }
    Ok(certificates)
}

/// What a PEM parse error means, in words (the parser's own text holds byte arrays).
fn pem_problem(cause: &rustls::pki_types::pem::Error) -> &'static str {
    use rustls::pki_types::pem::Error as Pem;
    match cause {
        Pem::MissingSectionEnd { .. } => {
            "its -----END CERTIFICATE----- line is missing. Paste the whole block, from -----BEGIN to -----END."
        }
        Pem::IllegalSectionStart { .. } => {
            "a -----BEGIN line is damaged. Paste the certificate again, or choose its file."
        }
        Pem::Base64Decode(_) => {
            "the text between -----BEGIN and -----END was changed (it is not base64). Paste it again, or choose \
             its file."
        }
        _ => "it is not a PEM certificate. Paste the block from -----BEGIN to -----END, or choose its file.",
    }
}

/// `text` with each PEM block's lines restored: the markers on lines of
/// their own and the base64 body in lines of 64. Text outside the blocks is
/// kept as it is; a block without an end marker is left for the parser to
/// refuse.
fn with_line_breaks(text: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 8);
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        out.push_str(&rest[..start]);
        let block = &rest[start..];
        let Some(label_end) = block[BEGIN.len()..].find(DASHES).map(|at| at + BEGIN.len()) else {
            out.push_str(block);
            return out;
        };
        let label = &block[BEGIN.len()..label_end];
        let end_marker = format!("-----END {label}-----");
        let body_start = label_end + DASHES.len();
        let Some(body_end) = block[body_start..].find(&end_marker).map(|at| at + body_start) else {
            out.push_str(block);
            return out;
        };
        let body: String = block[body_start..body_end].chars().filter(|c| !c.is_whitespace()).collect();
        // A marker counts only at the start of a line: the space a flattened paste left before it must go.
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("-----BEGIN {label}-----\n"));
        for line in body.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str(&end_marker);
        out.push('\n');
        rest = &block[body_end + end_marker.len()..];
    }
    out.push_str(rest);
    out
}

/// A successful answer: its status and body.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: bytes::Bytes,
}

/// Sends one request, retrying as `policy` allows, and returns the answer when its status is
/// a success, or the error built from the last attempt.
/// A success body longer than `max_body` bytes is refused (the answer is not read further).
pub(crate) async fn send(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    secret: &ApiSecret,
    max_body: usize,
    method: Method,
    url: Url,
    json_body: Option<bytes::Bytes>,
) -> Result<Answer, Error> {
    let safe_method = method == Method::GET || method == Method::HEAD;
    let started = Instant::now();
    let mut retries_done = 0;
    loop {
        let (attempt, result) = send_once(http, secret, max_body, method.clone(), url.clone(), json_body.clone()).await;
        let result = match result {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        let Some(wait) = policy.next_wait(safe_method, attempt, retries_done, started.elapsed()) else {
            return Err(result);
        };
        tracing::debug!(
            method = %method,
            path = url.path(),
            retry = retries_done + 1,
            wait_ms = wait.as_millis() as u64,
            error = %result,
            "retrying Marketplace request"
        );
        tokio::time::sleep(wait).await;
        retries_done += 1;
    }
}

async fn send_once(
    http: &reqwest::Client,
    secret: &ApiSecret,
    max_body: usize,
    method: Method,
    url: Url,
    json_body: Option<bytes::Bytes>,
) -> (Attempt, Result<Answer, Error>) {
    let mut request = http
        .request(method, url.clone())
        .header(header::AUTHORIZATION, authorization(secret))
        .header(header::ACCEPT, "application/json");
    if let Some(body) = json_body {
        request = request.header(header::CONTENT_TYPE, "application/json").body(body);
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            let not_sent = error.is_connect();
            let error = Error::from_transport(error);
            let attempt = match error.kind() {
                ErrorKind::Tls => Attempt::Permanent,
                _ if not_sent => Attempt::NotSent,
                _ => Attempt::NoAnswer,
            };
            return (attempt, Err(error));
        }
    };
    let status = response.status();
    let retry_after =
        response.headers().get(header::RETRY_AFTER).and_then(|value| value.to_str().ok()).and_then(parse_retry_after);
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let answered = Attempt::Answered { status: status.as_u16(), retry_after };
    if status.is_redirection() {
        // Only the origin is told: a path or query could carry anything.
        let target = response
            .headers()
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|location| url.join(location).ok())
            .map(|target| target.origin().ascii_serialization());
        return (answered, Err(Error::redirected(status.as_u16(), target.as_deref())));
    }
    // An error answer needs only its start; a success must fit the cap whole. A declared
    // length over the cap is refused at once, and the body is counted as it arrives anyway,
    // since a chunked answer declares none.
    let limit = if status.is_success() { max_body } else { ERROR_BODY_BYTES };
    if status.is_success() && response.content_length().is_some_and(|length| length > max_body as u64) {
        return (answered, Err(Error::too_large(status.as_u16(), max_body)));
    }
    let body = match read_limited(&mut response, limit).await {
        Ok(Body::Whole(body)) => body,
        Ok(Body::Cut(body)) if !status.is_success() => body,
        Ok(Body::Cut(_)) => return (answered, Err(Error::too_large(status.as_u16(), max_body))),
        // The head arrived but the body broke off: as good as no answer.
        Err(error) => return (Attempt::NoAnswer, Err(Error::from_transport(error))),
    };
    if status.is_success() {
        return (answered, Ok(Answer { status, body }));
    }
    let error = Error::from_response(status.as_u16(), retry_after, content_type.as_deref(), &body, Some(secret));
    (answered, Err(error))
}

/// A body read up to a limit.
enum Body {
    /// All of it, within the limit.
    Whole(bytes::Bytes),
    /// The first `limit` bytes; more followed and were not read.
    Cut(bytes::Bytes),
}

/// Reads the body chunk by chunk, stopping once more than `limit` bytes would be held.
async fn read_limited(response: &mut reqwest::Response, limit: usize) -> Result<Body, reqwest::Error> {
    // Trust a declared length only to size the buffer, never beyond the limit.
    let expected = response.content_length().map_or(0, |length| length.min(limit as u64) as usize);
    let mut body = Vec::with_capacity(expected);
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok(Body::Cut(body.into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Whole(body.into()))
}

/// `Bearer <secret>`, marked sensitive so that HTTP-level debug output hides it.
///
/// The text is built in a wiped-on-drop buffer; the `HeaderValue` made from it is a copy owned
/// by the HTTP stack from then on, which this crate cannot wipe.
fn authorization(secret: &ApiSecret) -> HeaderValue {
    match HeaderValue::from_str(&bearer_text(secret)) {
        Ok(mut value) => {
            value.set_sensitive(true);
            value
        }
        // A secret with a newline or control character cannot be a header; send a bearer that
        // the server refuses with 401, rather than the secret in some mangled form.
        Err(_) => HeaderValue::from_static("Bearer invalid"),
    }
}

/// `Bearer <secret>` in a buffer sized exactly up front, so that it never reallocates (which
/// would leave an unwiped copy behind) and is zeroed when dropped.
fn bearer_text(secret: &ApiSecret) -> Zeroizing<String> {
    const SCHEME: &str = "Bearer ";
    let value = secret.expose();
    let mut text = Zeroizing::new(String::with_capacity(SCHEME.len() + value.len()));
    text.push_str(SCHEME);
    text.push_str(value);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_text_is_wiped_on_drop_and_never_reallocated() {
        let secret = ApiSecret::new(concat!("idt:TKN-1234-5678:", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"));
        let text: Zeroizing<String> = bearer_text(&secret);
        assert_eq!(text.as_str(), format!("Bearer {}", secret.expose()));
        // Exactly sized: built without growing, so no earlier, unwiped buffer existed.
        assert_eq!(text.capacity(), text.len());
    }

    #[test]
    fn extra_ca_pems_must_hold_certificates() {
        let error = parse_ca_pems(&["not a certificate".to_owned()]).expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::InvalidCaCertificate);
        assert!(error.to_string().contains("#1 contains no certificate"), "{error}");
        let cut = "-----BEGIN CERTIFICATE-----\nMIIB\n".to_owned();
        let said = parse_ca_pems(&[cut]).expect_err("refused").to_string();
        assert!(said.contains("-----END CERTIFICATE----- line is missing"), "{said}");
        assert!(!said.contains('['), "no byte arrays: {said}");
        let broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_owned();
        assert_eq!(parse_ca_pems(&[broken]).expect_err("refused").kind(), ErrorKind::InvalidCaCertificate);
        assert!(parse_ca_pems(&[]).expect("none is fine").is_empty());
    }

    #[test]
    fn a_pem_whose_line_breaks_became_spaces_is_read_as_the_pem_it_was() {
        let certificate = rcgen::generate_simple_self_signed(vec!["proxy.example".to_owned()]).expect("a certificate");
        let pem = certificate.cert.pem();
        let flattened = pem.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!flattened.contains('\n'));
        let read = parse_ca_pems(&[flattened]).expect("read despite the lost line breaks");
        assert_eq!(read, parse_ca_pems(std::slice::from_ref(&pem)).expect("the original"));

        // A chain (a root and an intermediate) keeps every certificate, and a label before a block is no harm.
        let second = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()]).expect("a certificate");
        let chain = format!("Root: {pem}Intermediate: {}", second.cert.pem());
        let flat_chain = chain.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(parse_ca_pems(&[flat_chain]).expect("the chain").len(), 2, "both certificates");
        assert_eq!(with_line_breaks("junk -----BEGIN CERT"), "junk -----BEGIN CERT", "kept as it was, once");
    }

    #[test]
    fn authorization_header_is_sensitive() {
        let value = authorization(&ApiSecret::new("idt:TKN-1234-5678:abc"));
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().ok(), Some("Bearer idt:TKN-1234-5678:abc"));
        assert!(!format!("{value:?}").contains("abc"));
        assert_eq!(authorization(&ApiSecret::new("a\u{1}b")).to_str().ok(), Some("Bearer invalid"));
    }
}
