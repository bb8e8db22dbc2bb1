//! The one error type of the client: a kind a UI can branch on, the HTTP status and the
//! server's ProblemDetails (title, detail, field errors, trace id), and a human sentence.
//!
//! Every text in here has been through [`scrub`](crate::secret::scrub), so no secret can
//! reach a message, a log line or a panic through an error.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::secret::{ApiSecret, scrub};

/// What went wrong, at the grain a UI needs to choose its message and its next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The client was configured wrongly: a non-https URL, an unusable CA certificate, …
    /// Nothing was sent.
    InvalidConfiguration,
    /// An extra CA certificate is not a usable PEM certificate. Nothing was sent.
    InvalidCaCertificate,
    /// The secret is not in the `idt:TKN-…:…` form where that form is needed. Nothing was sent.
    InvalidSecret,
    /// The token authenticated but is not `Active` (see [`Client::whoami`](crate::Client::whoami)).
    InactiveToken,
    /// A filter, `order` or `select` cannot be written in the query language, e.g. a search
    /// holding both `'` and `"`. The `detail` says why; the [`source`](std::error::Error::source)
    /// is the [`rql::QueryError`](crate::rql::QueryError). Nothing was sent.
    InvalidQuery,
    /// An object id cannot be put in a URL path: empty, `.` or `..` (also percent-encoded, at
    /// any depth), or holding `/`, `\`, `?`, `#` or a control character. Nothing was sent.
    InvalidId,

    /// 401: the token is missing, unknown, disabled or deleted.
    Unauthorized,
    /// 403: the token's account type or modules do not allow this.
    Forbidden,
    /// 404: no such object, or not visible to this account.
    NotFound,
    /// 400 or 422: the request was refused as invalid (see [`Error::field_errors`]).
    Validation,
    /// 409: the request conflicts with the object's current state.
    Conflict,
    /// 429: too many requests (see [`Error::retry_after`]).
    RateLimited,
    /// The server could not be reached or the connection broke.
    Network,
    /// The TLS handshake failed: untrusted or invalid certificate, protocol mismatch.
    Tls,
    /// No answer within the configured time.
    Timeout,
    /// 5xx: the server failed.
    Server,
    /// The server answered with a body this client cannot read.
    Undecodable,
    /// Any other HTTP status (405, 415, …).
    UnexpectedStatus,
}

/// One message about one request field (or about the request as a whole when `field` is
/// `None`), from either shape of the ProblemDetails `errors` member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field the message is about, as the server names it (`name`, `modules[0].id`).
    pub field: Option<String>,
    /// The server's message.
    pub message: String,
}

/// The client's error. One pointer wide, so `Result`s stay small.
#[derive(Debug)]
pub struct Error(Box<Details>);

#[derive(Debug)]
struct Details {
    kind: ErrorKind,
    status: Option<u16>,
    title: Option<String>,
    detail: Option<String>,
    field_errors: Vec<FieldError>,
    trace_id: Option<String>,
    retry_after: Option<Duration>,
    body_excerpt: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Longest excerpt of an unreadable body kept in an error.
const EXCERPT_CHARS: usize = 200;

impl Error {
    /// An error of `kind` with a one-line explanation in `detail`.
    pub(crate) fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self(Box::new(Details {
            kind,
            status: None,
            title: None,
            detail: Some(scrub(&detail.into(), None)),
            field_errors: Vec::new(),
            trace_id: None,
            retry_after: None,
            body_excerpt: None,
            source: None,
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The ProblemDetails `title` (or the gateway's `message`).
    pub fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The ProblemDetails `detail`, or this client's explanation for errors without an answer.
    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// Per-field validation messages, for showing next to form fields.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.field_errors
    }

    /// The server's `traceId`, to quote to SoftwareOne support.
    pub fn trace_id(&self) -> Option<&str> {
        self.0.trace_id.as_deref()
    }

    /// How long the server asked to wait (`Retry-After`), on rate limiting and overload.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The start of a body that could not be read (secrets redacted), for diagnosis.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.body_excerpt.as_deref()
    }

    /// True for errors worth trying again later without changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self.0.kind, ErrorKind::RateLimited | ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Server)
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Classifies a failure of the HTTP stack (no answer was read).
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        // The URL may carry a filter value; it stays out of the error altogether.
        let error = error.without_url();
        let (kind, detail) = if error.is_timeout() {
            (ErrorKind::Timeout, "The Marketplace did not answer in time.")
        } else if is_tls_failure(&error) {
            (
                ErrorKind::Tls,
                "The secure connection to the Marketplace failed: its certificate is not trusted or TLS could not be negotiated.",
            )
        } else if error.is_decode() {
            (ErrorKind::Undecodable, "The Marketplace's answer could not be read.")
        } else if error.is_connect() {
            (ErrorKind::Network, "The Marketplace could not be reached.")
        } else {
            (ErrorKind::Network, "The connection to the Marketplace broke before an answer arrived.")
        };
        let cause = scrub(&error_chain(&error), None);
        // The HTTP stack's words go to the log; the window gets a sentence of its own.
        tracing::info!("no answer from the Marketplace: {cause}");
        let message = match transport_hint(&cause) {
            Some(hint) => format!("{detail} {hint}"),
            None => detail.to_owned(),
        };
        Self::new(kind, message).with_source(error)
    }

    /// Builds the error for a non-success answer from its status, headers and body.
    pub(crate) fn from_response(
        status: u16,
        retry_after: Option<Duration>,
        content_type: Option<&str>,
        body: &[u8],
        known_secret: Option<&ApiSecret>,
    ) -> Self {
        let mut error = Details {
            kind: kind_for_status(status),
            status: Some(status),
            title: None,
            detail: None,
            field_errors: Vec::new(),
            trace_id: None,
            retry_after,
            body_excerpt: None,
            source: None,
        };
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        match parsed {
            Some(Value::Object(problem)) => {
                let text = |key: &str| {
                    problem
                        .get(key)
                        .and_then(Value::as_str)
                        .filter(|text| !text.trim().is_empty())
                        .map(|text| scrub(text, known_secret))
                };
                // ProblemDetails has `title`; gateways answer `{message, statusCode}`.
                error.title = text("title").or_else(|| text("message"));
                error.detail = text("detail");
                error.trace_id = text("traceId");
                if let Some(errors) = problem.get("errors") {
                    error.field_errors = field_errors(errors, known_secret);
                }
            }
            _ if body.iter().all(u8::is_ascii_whitespace) => {}
            _ => {
                // Not JSON (an HTML page from a proxy, plain text): keep a short excerpt.
                let text = String::from_utf8_lossy(body);
                let looks_like_html =
                    content_type.is_some_and(|ct| ct.contains("html")) || text.trim_start().starts_with('<');
                if !looks_like_html {
                    error.detail = Some(excerpt(&text, known_secret));
                }
                error.body_excerpt = Some(excerpt(&text, known_secret));
            }
        }
        Self(Box::new(error))
    }

    /// A 3xx answer: the client follows no redirects. `target` is the origin it pointed to.
    pub(crate) fn redirected(status: u16, target: Option<&str>) -> Self {
        let whereto = target.map_or_else(|| " without saying where to".to_owned(), |target| format!(" to {target}"));
        let mut error = Self::new(
            ErrorKind::UnexpectedStatus,
            format!(
                "It redirected the request{whereto}. This client follows no redirects, so the API token is sent \
                 only to the configured address: check the Marketplace address of the connection."
            ),
        );
        error.0.status = Some(status);
        error
    }

    /// A success answer longer than the client reads (`ClientConfig::max_body_bytes`).
    pub(crate) fn too_large(status: u16, limit: usize) -> Self {
        let mut error = Self::new(
            ErrorKind::Undecodable,
            format!(
                "The answer is larger than the {} this client reads, so it was not read to the end.",
                size_text(limit)
            ),
        );
        error.0.status = Some(status);
        error
    }

    /// An answer with a success status whose body does not match the expected model.
    pub(crate) fn undecodable(body: &[u8], cause: &serde_json::Error, known_secret: Option<&ApiSecret>) -> Self {
        let text = String::from_utf8_lossy(body);
        let mut error = Self::new(
            ErrorKind::Undecodable,
            format!("The Marketplace's answer could not be read ({}).", scrub(&cause.to_string(), known_secret)),
        );
        error.0.body_excerpt = Some(excerpt(&text, known_secret));
        error
    }

    fn headline(&self) -> &'static str {
        match self.0.kind {
            ErrorKind::InvalidConfiguration => "The connection settings are not usable",
            ErrorKind::InvalidCaCertificate => "The extra CA certificate is not usable",
            ErrorKind::InvalidSecret => "The API token is not in the expected form",
            ErrorKind::InactiveToken => "The API token is not active",
            ErrorKind::InvalidQuery => "The search cannot be sent to the Marketplace",
            ErrorKind::InvalidId => "The object id cannot be used in a request",
            ErrorKind::Unauthorized => "The Marketplace did not accept the API token",
            ErrorKind::Forbidden => "The API token is not allowed to do this",
            ErrorKind::NotFound => "The Marketplace has no such object, or it is not visible to this account",
            ErrorKind::Validation => "The Marketplace refused the request as invalid",
            ErrorKind::Conflict => "The request conflicts with the object's current state",
            ErrorKind::RateLimited => "The Marketplace is receiving too many requests",
            ErrorKind::Network => "The Marketplace could not be reached",
            ErrorKind::Tls => "The secure connection to the Marketplace failed",
            ErrorKind::Timeout => "The Marketplace did not answer in time",
            ErrorKind::Server => "The Marketplace failed to handle the request",
            ErrorKind::Undecodable => "The Marketplace's answer could not be read",
            ErrorKind::UnexpectedStatus => "The Marketplace answered unexpectedly",
        }
    }
}

impl fmt::Display for Error {
    /// One or two human sentences: what happened, then the server's own words and the trace id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.headline())?;
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status})")?;
        }
        f.write_str(".")?;
        let mut said = Vec::new();
        // A title that only names the status ("Bad Request") says nothing the headline did not.
        let reason = self.0.status.and_then(|status| reqwest::StatusCode::from_u16(status).ok()?.canonical_reason());
        if let Some(title) = self.0.title.as_ref().filter(|title| Some(title.as_str()) != reason) {
            said.push(title.as_str());
        }
        if let Some(detail) = &self.0.detail
            && Some(detail) != self.0.title.as_ref()
        {
            said.push(detail.as_str());
        }
        for sentence in said {
            let sentence = sentence.trim();
            write!(f, " {sentence}")?;
            if !sentence.ends_with(['.', '!', '?', ')']) {
                f.write_str(".")?;
            }
        }
        if !self.0.field_errors.is_empty() {
            let listed: Vec<String> = self
                .0
                .field_errors
                .iter()
                .map(|e| match &e.field {
                    Some(field) => format!("{field}: {}", e.message),
                    None => e.message.clone(),
                })
                .collect();
            write!(f, " {}.", listed.join("; ").trim_end_matches('.'))?;
        }
        if let Some(retry_after) = self.0.retry_after {
            write!(f, " Try again in {} s.", retry_after.as_secs().max(1))?;
        }
        if let Some(trace_id) = &self.0.trace_id {
            write!(f, " Trace id: {trace_id}.")?;
        }
        Ok(())
    }
}

impl From<crate::rql::QueryError> for Error {
    /// A query that cannot be written: [`ErrorKind::InvalidQuery`], with the reason as detail.
    fn from(error: crate::rql::QueryError) -> Self {
        Error::new(ErrorKind::InvalidQuery, error.to_string()).with_source(error)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|source| source.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// The kind for an HTTP status that is not a success.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 | 422 => ErrorKind::Validation,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 | 410 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        504 => ErrorKind::Timeout,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::UnexpectedStatus,
    }
}

/// Reads both shapes of `errors`: `{ "field": ["message", …] }` (ASP.NET model validation) and
/// `[{ "message", "properties": ["field"], … }]`.
fn field_errors(errors: &Value, known_secret: Option<&ApiSecret>) -> Vec<FieldError> {
    let clean = |text: &str| scrub(text, known_secret);
    let field_name = |name: &str| (!name.is_empty()).then(|| clean(name));
    match errors {
        Value::Object(by_field) => by_field
            .iter()
            .flat_map(|(field, messages)| {
                let messages: Vec<String> = match messages {
                    Value::Array(list) => list.iter().filter_map(message_text).collect(),
                    other => message_text(other).into_iter().collect(),
                };
                messages
                    .into_iter()
                    .map(move |message| FieldError { field: field_name(field), message: clean(&message) })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .flat_map(|item| {
                let Some(message) = message_text(item) else {
                    return Vec::new();
                };
                let message = clean(&message);
                let properties: Vec<&str> = item
                    .get("properties")
                    .and_then(Value::as_array)
                    .map(|props| props.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if properties.is_empty() {
                    vec![FieldError { field: None, message }]
                } else {
                    properties
                        .into_iter()
                        .map(|field| FieldError { field: field_name(field), message: message.clone() })
                        .collect()
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A message from a string, or from an object's `message` member.
fn message_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => object.get("message").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// `16 MiB`, `64 KiB` or `1000 bytes`.
fn size_text(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    match bytes {
        0 => "0 bytes".to_owned(),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// The first characters of a body, on one line, secrets redacted.
fn excerpt(text: &str, known_secret: Option<&ApiSecret>) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Scrub before cutting, so that a cut cannot split a secret past the pattern's reach.
    let scrubbed = scrub(&one_line, known_secret);
    let mut cut: String = scrubbed.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < scrubbed.len() {
        cut.push('…');
    }
    cut
}

/// `error: cause: cause` for a transport error, whose top line alone is rarely telling.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A handshake failure shows up as a rustls error somewhere in the chain. `io::Error` hides
/// its inner error from `source()`, so it is unwrapped with `get_ref()`.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(cause) = next {
        if cause.is::<rustls::Error>() {
            return true;
        }
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    false
}

/// What a failure of the network stack means, in words, from its error chain
/// (which names the cause in the operating system's terms); `None` when the
/// kind already says all there is to say.
fn transport_hint(chain: &str) -> Option<&'static str> {
    let chain = chain.to_ascii_lowercase();
    let hints: [(&[&str], &str); 5] = [
        (
            &["dns error", "failed to lookup address", "name or service not known", "no such host"],
            "Its name could not be found: check the address, and your network or VPN.",
        ),
        (
            &["connection refused"],
            "Nothing accepted the connection there: check the address and port, and that any proxy is running.",
        ),
        (
            &["network is unreachable", "no route to host"],
            "This computer has no route to it: check your network or VPN.",
        ),
        (
            &["connection reset", "broken pipe", "connection closed"],
            "The connection was cut off on the way, by a proxy or firewall perhaps. Try again.",
        ),
        (&["too many open files"], "Token Desk has too many connections open. Try again in a moment."),
    ];
    hints.iter().find(|(signs, _)| signs.iter().any(|sign| chain.contains(sign))).map(|(_, hint)| *hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_failure_is_told_in_words_not_in_the_stacks_terms() {
        let refused =
            "error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)";
        assert!(transport_hint(refused).is_some_and(|hint| hint.contains("check the address and port")));
        let dns = "client error (Connect): dns error: failed to lookup address information: Name or service not known";
        assert!(transport_hint(dns).is_some_and(|hint| hint.contains("name could not be found")));
        assert_eq!(transport_hint("something else entirely"), None);
    }

    fn from_body(status: u16, body: &str) -> Error {
        Error::from_response(status, None, Some("application/problem+json"), body.as_bytes(), None)
    }

    #[test]
    fn problem_details_with_an_errors_map() {
        let error = from_body(
            400,
            r#"{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.",
                "status":400,"traceId":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
                "errors":{"name":["The name is required."],"modules[0].id":["Unknown module.","Not allowed."]},
                "somethingNew":42}"#,
        );
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.title(), Some("One or more validation errors occurred."));
        assert_eq!(error.trace_id(), Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"));
        assert_eq!(
            error.field_errors(),
            &[
                FieldError { field: Some("modules[0].id".into()), message: "Unknown module.".into() },
                FieldError { field: Some("modules[0].id".into()), message: "Not allowed.".into() },
                FieldError { field: Some("name".into()), message: "The name is required.".into() },
            ]
        );
        let text = error.to_string();
        assert!(text.starts_with("The Marketplace refused the request as invalid (HTTP 400)."), "{text}");
        assert!(text.contains("name: The name is required"), "{text}");
        assert!(text.ends_with("Trace id: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00."), "{text}");
    }

    #[test]
    fn problem_details_with_an_errors_list() {
        let error = from_body(
            400,
            r#"{"title":"Bad Request","status":400,"errors":[
                {"id":"ACC-001","message":"Name is too long.","properties":["name"],"parameters":{"max":200}},
                {"message":"Either this or that.","properties":["description","icon"]},
                {"message":"General problem."}]}"#,
        );
        assert_eq!(
            error.field_errors(),
            &[
                FieldError { field: Some("name".into()), message: "Name is too long.".into() },
                FieldError { field: Some("description".into()), message: "Either this or that.".into() },
                FieldError { field: Some("icon".into()), message: "Either this or that.".into() },
                FieldError { field: None, message: "General problem.".into() },
            ]
        );
    }

    #[test]
    fn gateway_style_body() {
        let error = from_body(503, r#"{"statusCode":503,"message":"Service Unavailable"}"#);
        assert_eq!(error.kind(), ErrorKind::Server);
        assert_eq!(error.title(), Some("Service Unavailable"));
        // The message only names the status: the headline already says it.
        assert_eq!(error.to_string(), "The Marketplace failed to handle the request (HTTP 503).");
        let error = from_body(503, r#"{"statusCode":503,"message":"Down for maintenance"}"#);
        assert_eq!(error.to_string(), "The Marketplace failed to handle the request (HTTP 503). Down for maintenance.");
    }

    #[test]
    fn html_and_text_bodies_keep_an_excerpt() {
        let html = Error::from_response(502, None, Some("text/html"), b"<html><body>Bad gateway</body></html>", None);
        assert_eq!(html.kind(), ErrorKind::Server);
        assert_eq!(html.detail(), None);
        assert_eq!(html.body_excerpt(), Some("<html><body>Bad gateway</body></html>"));
        assert_eq!(html.to_string(), "The Marketplace failed to handle the request (HTTP 502).");

        let long = "x".repeat(1000);
        let text = Error::from_response(500, None, Some("text/plain"), long.as_bytes(), None);
        assert_eq!(text.body_excerpt().map(|e| e.chars().count()), Some(EXCERPT_CHARS + 1));
    }

    #[test]
    fn empty_body_still_says_what_happened() {
        let error = Error::from_response(404, None, None, b"", None);
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert_eq!(
            error.to_string(),
            "The Marketplace has no such object, or it is not visible to this account (HTTP 404)."
        );
    }

    #[test]
    fn every_status_class_has_its_kind() {
        let cases = [
            (400, ErrorKind::Validation),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (415, ErrorKind::UnexpectedStatus),
            (422, ErrorKind::Validation),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (504, ErrorKind::Timeout),
        ];
        for (status, kind) in cases {
            assert_eq!(kind_for_status(status), kind, "{status}");
        }
    }

    #[test]
    fn redirects_and_oversized_answers_say_what_happened() {
        let error = Error::redirected(302, Some("https://elsewhere.example"));
        assert_eq!((error.kind(), error.status()), (ErrorKind::UnexpectedStatus, Some(302)));
        assert_eq!(
            error.to_string(),
            "The Marketplace answered unexpectedly (HTTP 302). It redirected the request to https://elsewhere.example. \
             This client follows no redirects, so the API token is sent only to the configured address: check the \
             Marketplace address of the connection."
        );
        assert!(Error::redirected(307, None).to_string().contains("redirected the request without saying where to."));
        let error = Error::too_large(200, 16 * 1024 * 1024);
        assert_eq!(error.kind(), ErrorKind::Undecodable);
        assert_eq!(
            error.to_string(),
            "The Marketplace's answer could not be read (HTTP 200). The answer is larger than the 16 MiB this client \
             reads, so it was not read to the end."
        );
        assert!(Error::too_large(200, 1000).to_string().contains("the 1000 bytes this client"));
        assert!(Error::too_large(200, 64 * 1024).to_string().contains("the 64 KiB this client"));
    }

    #[test]
    fn rate_limit_says_when_to_try_again() {
        let error = Error::from_response(429, Some(Duration::from_secs(7)), None, b"", None);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert!(error.to_string().ends_with("Try again in 7 s."), "{error}");
        assert!(error.is_transient());
    }

    #[test]
    fn secrets_echoed_by_the_server_are_redacted_everywhere() {
        // Built at run time so the fixture does not read as a committed secret.
        let opaque = "S3cr3t".repeat(4);
        let secret = ApiSecret::new(format!("idt:TKN-1111-2222:{opaque}"));
        let body = format!(
            r#"{{"title":"Bad token idt:TKN-1111-2222:{opaque}","detail":"{opaque}",
            "traceId":"t","errors":{{"token":["idt:TKN-1111-2222:{opaque} is wrong"]}}}}"#
        );
        let error = Error::from_response(401, None, None, body.as_bytes(), Some(&secret));
        let everything = format!("{error} {error:?}");
        assert!(!everything.contains("S3cr3t"), "{everything}");

        let text = Error::from_response(
            500,
            None,
            Some("text/plain"),
            format!("boom idt:TKN-1111-2222:{opaque}").as_bytes(),
            None,
        );
        assert!(!format!("{text} {text:?}").contains("S3cr3t"));
    }
}
