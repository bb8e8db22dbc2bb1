//! Fault injection, per route and per method: latency, error statuses, 429 with
//! `Retry-After`, dropped connections, malformed bodies, and answers that repeat the caller's
//! `Authorization` header, for reliability and secrecy tests.
//!
//! Rules are checked for every request in insertion order. A firing `Latency` rule delays
//! the request and matching goes on; the first other rule that fires decides the answer.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::Problem;
use crate::server::ConnectionControl;

/// What a firing rule does to the request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Wait this long, then go on with the other rules and the normal answer.
    Latency(Duration),
    /// Answer with this status and a ProblemDetails body.
    Status(u16),
    /// Answer 429 with a `Retry-After` header.
    TooManyRequests {
        /// Seconds announced in `Retry-After`.
        retry_after_secs: u64,
    },
    /// Close the TCP/TLS connection without any response.
    DropConnection,
    /// Answer 200 with a truncated, invalid JSON body.
    MalformedBody,
    /// Answer 400 with a validation ProblemDetails naming this field, as the platform
    /// does for a rule a client cannot check beforehand (the UI's server-error path).
    FieldRejected {
        /// The field, as the platform names it (`name`, `description`, `modules[0].id`).
        field: String,
    },
    /// Answer with a ProblemDetails whose `title`, `detail` and `errors` (a message, and a key)
    /// repeat the request's `Authorization` header verbatim, as a careless server might: lets
    /// a test prove the client never shows what it sent.
    EchoAuthorization {
        /// The status answered (any, 200 included).
        status: u16,
    },
    /// Answer with an HTML page, as a proxy's error page, that repeats the request's
    /// `Authorization` header.
    EchoAuthorizationHtml {
        /// The status answered (any, 200 included).
        status: u16,
    },
    /// Answer with a redirect to `location`, as a misconfigured proxy or a moved host might.
    Redirect {
        /// A 3xx status.
        status: u16,
        /// The `Location` header: a path or an absolute URL.
        location: String,
    },
    /// Answer 400, as some endpoints do (docs/marketplace-api.md §5.7), to a request whose
    /// `select` has a subtractive item (`-token`); other requests pass.
    RefuseSubtractiveSelect,
    /// Answer 400 to a request whose filter or order names this field (`actor.id`,
    /// `timestamp`), as a platform that does not index it might; other requests pass.
    RefuseFilterOn {
        /// The dotted field path.
        field: String,
    },
    /// Answer normally, but with every token value in the body replaced by `value`, as a
    /// hostile server or proxy might: lets a test prove the client checks a value's shape.
    PoisonTokenValues {
        /// What every `token` field then holds.
        value: String,
    },
    /// Answer normally, but without `field` in the object or list items, named in
    /// `$meta.omitted` instead, as a platform that ignores a `select` of it would.
    OmitField {
        /// A top-level field such as `modules`.
        field: String,
    },
    /// Answer 200 with a valid JSON list envelope padded to `bytes` bytes (at least about 80),
    /// to test a client's limit on what it reads.
    OversizedBody {
        /// The body's size.
        bytes: u64,
        /// Send a `Content-Length`; without it the body is chunked and its size is only known
        /// by reading it.
        declare_length: bool,
    },
}

/// When a rule fires.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultWhen {
    /// On every matching request.
    Always,
    /// On the next N matching requests, then never.
    NextN(u32),
    /// Let `skip` matching requests through, then fire on the next `then`: a
    /// fault in the middle of a sequence (the third GET of a rotation).
    AfterN {
        /// Matching requests let through first.
        skip: u32,
        /// Matching requests that then fail.
        then: u32,
    },
    /// On this share (0..1) of the matching requests, drawn from a seeded RNG.
    Share(f64),
}

/// One fault rule: which requests it matches, what it does and when.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// HTTP method such as `"GET"`; `None` matches any.
    pub method: Option<String>,
    /// Path prefix such as `"/public/v1/accounts/api-tokens"`; `None` matches any.
    pub path: Option<String>,
    /// What happens.
    pub action: FaultAction,
    /// When it happens.
    pub when: FaultWhen,
}

/// The fault rules of one running simulator. Cheap to clone; clones share the rules.
#[derive(Clone)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
}

struct FaultState {
    rules: Vec<FaultRule>,
    rng: ChaCha8Rng,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").field("rules", &self.lock().rules).finish()
    }
}

impl Faults {
    /// No rules; `Share` draws come from an RNG seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        let state = FaultState { rules: Vec::new(), rng: ChaCha8Rng::seed_from_u64(seed ^ 0xFA17) };
        Self { inner: Arc::new(Mutex::new(state)) }
    }

    /// Adds a rule after the existing ones.
    pub fn add(&self, rule: FaultRule) {
        self.lock().rules.push(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        // A panic while holding this lock cannot leave the rules half-changed, so a
        // poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Decides the faults of one request: total latency, then the deciding action if any.
    /// `query` is the raw query string; rules that look at it match only the requests it
    /// concerns.
    fn decide(&self, method: &str, path: &str, query: &str) -> (Duration, Option<FaultAction>) {
        let mut state = self.lock();
        let FaultState { rules, rng } = &mut *state;
        let mut latency = Duration::ZERO;
        for rule in rules.iter_mut() {
            let method_matches = rule.method.as_deref().is_none_or(|m| m == "*" || m.eq_ignore_ascii_case(method));
            let path_matches = rule.path.as_deref().is_none_or(|p| path.starts_with(p));
            if !(method_matches && path_matches && rule.action.concerns(query)) {
                continue;
            }
            let fires = match &mut rule.when {
                FaultWhen::Always => true,
                FaultWhen::NextN(remaining) => {
                    let fires = *remaining > 0;
                    *remaining = remaining.saturating_sub(1);
                    fires
                }
                FaultWhen::AfterN { skip, then } => {
                    if *skip > 0 {
                        *skip -= 1;
                        false
                    } else {
                        let fires = *then > 0;
                        *then = then.saturating_sub(1);
                        fires
                    }
                }
                FaultWhen::Share(share) => rng.random::<f64>() < *share,
            };
            if !fires {
                continue;
            }
            match &rule.action {
                FaultAction::Latency(delay) => latency += *delay,
                other => return (latency, Some(other.clone())),
            }
        }
        (latency, None)
    }
}

impl FaultAction {
    /// Whether a request with this raw query string is one this action can fire on.
    fn concerns(&self, query: &str) -> bool {
        let parsed = || crate::rql::parse_query(query).ok();
        match self {
            FaultAction::RefuseSubtractiveSelect => {
                parsed().is_some_and(|query| query.select.iter().any(|item| item.starts_with('-')))
            }
            FaultAction::RefuseFilterOn { field } => parsed().is_some_and(|query| {
                query.order.iter().any(|(name, _)| name == field)
                    || query.filter.as_ref().is_some_and(|filter| names_field(filter, field))
            }),
            _ => true,
        }
    }
}

/// Whether an RQL expression tests `field` anywhere.
fn names_field(expr: &crate::rql::Expr, field: &str) -> bool {
    use crate::rql::Expr;
    match expr {
        Expr::And(items) | Expr::Or(items) => items.iter().any(|item| names_field(item, field)),
        Expr::Not(inner) => names_field(inner, field),
        Expr::Compare { field: name, .. } | Expr::List { field: name, .. } => name == field,
    }
}

/// Middleware that applies the fault rules before the request reaches auth and routes.
pub async fn apply(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    let uri = request.uri();
    let (latency, action) = faults.decide(request.method().as_str(), uri.path(), uri.query().unwrap_or_default());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match action {
        None => next.run(request).await,
        Some(FaultAction::Latency(_)) => next.run(request).await,
        Some(FaultAction::RefuseSubtractiveSelect) => Problem::bad_request(
            "Injected fault: the subtractive form of select (select=-field) is not supported by this endpoint.",
        )
        .into_response(),
        Some(FaultAction::RefuseFilterOn { field }) => {
            Problem::bad_request(format!("Injected fault: filtering or ordering on '{field}' is not supported."))
                .into_response()
        }
        Some(FaultAction::PoisonTokenValues { value }) => {
            rewrite_objects(next.run(request).await, |object| {
                if object.get("token").is_some_and(serde_json::Value::is_string) {
                    object["token"] = serde_json::Value::String(value.clone());
                }
            })
            .await
        }
        Some(FaultAction::OmitField { field }) => {
            let response = rewrite_objects(next.run(request).await, |object| {
                if let Some(map) = object.as_object_mut() {
                    map.remove(&field);
                }
            })
            .await;
            // The object's own `$meta`, or the list envelope's.
            mark_omitted(response, &field).await
        }
        Some(FaultAction::Status(code)) => {
            Problem::new(status_or_500(code), format!("Injected fault: status {code}")).into_response()
        }
        Some(FaultAction::TooManyRequests { retry_after_secs }) => {
            let mut problem = Problem::new(StatusCode::TOO_MANY_REQUESTS, "Injected fault: too many requests");
            problem.retry_after_secs = Some(retry_after_secs);
            problem.into_response()
        }
        Some(FaultAction::FieldRejected { field }) => {
            let message = format!("Injected fault: the platform refused this {field}.");
            Problem::validation([(field, vec![message])].into_iter().collect()).into_response()
        }
        Some(FaultAction::EchoAuthorization { status }) => {
            let sent = authorization_of(&request);
            let mut problem =
                Problem::new(status_or_500(status), format!("Injected fault: the request carried {sent}"));
            problem.title = Some(format!("Rejected: {sent}"));
            problem.errors.insert("Authorization".to_string(), vec![format!("'{sent}' is not accepted.")]);
            problem.errors.insert(sent.clone(), vec!["This header value is not accepted.".to_string()]);
            problem.into_response()
        }
        Some(FaultAction::EchoAuthorizationHtml { status }) => {
            // Guess: a proxy page repeating the header; a real one would escape HTML, which
            // changes nothing in an `idt:TKN-…:<alphanumerics>` secret, so none is done here.
            let sent = authorization_of(&request);
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>Gateway error</title></head>\n<body>\n<h1>Request refused</h1>\n\
                 <p>The upstream refused the request.</p>\n<pre>Authorization: {sent}</pre>\n</body></html>\n"
            );
            let mut response = (status_or_500(status), page).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            response
        }
        Some(FaultAction::Redirect { status, location }) => {
            let mut response = status_or_500(status).into_response();
            match HeaderValue::from_str(&location) {
                Ok(value) => {
                    response.headers_mut().insert(header::LOCATION, value);
                    response
                }
                Err(_) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "redirect location is not a header value")
                    .into_response(),
            }
        }
        Some(FaultAction::OversizedBody { bytes, declare_length }) => oversized_body(bytes, declare_length),
        Some(FaultAction::MalformedBody) => {
            let mut response = (StatusCode::OK, "{\"$meta\":{\"pagination\":{\"offset\":0,\"lim").into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Some(FaultAction::DropConnection) => {
            match request.extensions().get::<ConnectionControl>() {
                Some(control) => {
                    control.drop_connection();
                    // The connection task drops this future with the connection.
                    std::future::pending::<Response>().await
                }
                None => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "no connection to drop").into_response(),
            }
        }
    }
}

/// An empty, valid list envelope padded with `x` to `bytes` bytes: read whole, it decodes.
/// Streamed in 64 KiB chunks made on the fly, so any size costs no memory.
fn oversized_body(bytes: u64, declare_length: bool) -> Response {
    const HEAD: &str = r#"{"$meta":{"pagination":{"offset":0,"limit":100,"total":0}},"data":[],"padding":""#;
    const TAIL: &str = r#""}"#;
    const CHUNK: u64 = 64 * 1024;
    static PADDING: [u8; CHUNK as usize] = [b'x'; CHUNK as usize];
    let padding = bytes.saturating_sub((HEAD.len() + TAIL.len()) as u64);
    let total = (HEAD.len() + TAIL.len()) as u64 + padding;
    let pad_chunks = (0..padding.div_ceil(CHUNK)).map(move |index| {
        let size = (padding - index * CHUNK).min(CHUNK) as usize;
        axum::body::Bytes::from_static(&PADDING[..size])
    });
    let chunks = std::iter::once(axum::body::Bytes::from_static(HEAD.as_bytes()))
        .chain(pad_chunks)
        .chain(std::iter::once(axum::body::Bytes::from_static(TAIL.as_bytes())));
    let stream = futures_util::stream::iter(chunks.map(Ok::<_, std::convert::Infallible>));
    let mut response = (StatusCode::OK, axum::body::Body::from_stream(stream)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if declare_length {
        // A streamed body has no known size; the declared one is sent as given, so hyper
        // writes it instead of chunking.
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    }
    response
}

/// The answer with `change` applied to its object, or to each item of a list. Bodies that
/// are not JSON pass unchanged.
async fn rewrite_objects(response: Response, mut change: impl FnMut(&mut serde_json::Value)) -> Response {
    rewrite_json(response, |json| {
        change(json);
        if let Some(items) = json.get_mut("data").and_then(serde_json::Value::as_array_mut) {
            items.iter_mut().for_each(&mut change);
        }
    })
    .await
}

/// The answer with `field` added to the top-level `$meta.omitted`: the object's own, or the
/// list envelope's.
async fn mark_omitted(response: Response, field: &str) -> Response {
    rewrite_json(response, |json| {
        if let Some(object) = json.as_object_mut() {
            let meta = object.entry("$meta").or_insert_with(|| serde_json::json!({}));
            if let Some(meta) = meta.as_object_mut() {
                let omitted = meta.entry("omitted").or_insert_with(|| serde_json::json!([]));
                if let Some(list) = omitted.as_array_mut().filter(|list| !list.iter().any(|f| f == field)) {
                    list.push(serde_json::Value::String(field.to_string()));
                }
            }
        }
    })
    .await
}

/// The answer with its JSON body changed by `change`.
async fn rewrite_json(response: Response, change: impl FnOnce(&mut serde_json::Value)) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the answer could not be read").into_response();
    };
    let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    change(&mut json);
    let body = serde_json::to_vec(&json).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The request's `Authorization` header as text (empty when absent).
fn authorization_of(request: &Request) -> String {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// A status from a rule (checked to be 100..=599 when parsed; 500 if built otherwise).
fn status_or_500(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Why a `--fault` flag could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault rule '{rule}': {reason}")]
pub struct FaultParseError {
    rule: String,
    reason: String,
}

impl FromStr for FaultRule {
    type Err = FaultParseError;

    /// Reads `METHOD PATH ACTION [WHEN]`, space-separated, as the binary's `--fault` flag:
    /// METHOD is `GET`… or `*`; PATH a prefix or `*`; ACTION one of `latency=MS`,
    /// `status=CODE`, `429=SECS`, `drop`, `malformed`, `reject=FIELD`, `echo-auth[=CODE]`
    /// (ProblemDetails, 400 by default), `echo-auth-html[=CODE]` (HTML, 502 by default),
    /// `redirect=LOCATION` (302), `oversized=BYTES` (chunked 200), `oversized-declared=BYTES`
    /// (200 with its Content-Length), `refuse-subtractive-select`, `refuse-filter=FIELD`,
    /// `poison-values=VALUE`, `omit=FIELD`; WHEN
    /// one of `always` (default), `next=N`, `share=P`. Example:
    /// `GET /public/v1/accounts/api-tokens status=503 next=2`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| FaultParseError { rule: text.to_string(), reason: reason.to_string() };
        let parts: Vec<&str> = text.split_whitespace().collect();
        let (method, path, action, when) = match parts.as_slice() {
            [m, p, a] => (*m, *p, *a, "always"),
            [m, p, a, w] => (*m, *p, *a, *w),
            _ => return Err(fail("expected METHOD PATH ACTION [WHEN]")),
        };
        let number = |value: &str| value.parse::<u64>().map_err(|_| fail("expected a whole number"));
        let status = |code: &str| {
            let code = u16::try_from(number(code)?).map_err(|_| fail("status out of range"))?;
            if (100..=599).contains(&code) { Ok(code) } else { Err(fail("status must be 100..=599")) }
        };
        let action = match action.split_once('=') {
            Some(("latency", ms)) => FaultAction::Latency(Duration::from_millis(number(ms)?)),
            Some(("status", code)) => FaultAction::Status(status(code)?),
            None if action == "echo-auth" => FaultAction::EchoAuthorization { status: 400 },
            Some(("echo-auth", code)) => FaultAction::EchoAuthorization { status: status(code)? },
            None if action == "echo-auth-html" => FaultAction::EchoAuthorizationHtml { status: 502 },
            Some(("echo-auth-html", code)) => FaultAction::EchoAuthorizationHtml { status: status(code)? },
            Some(("redirect", location)) if !location.is_empty() => {
                FaultAction::Redirect { status: 302, location: location.to_string() }
            }
            Some(("oversized", size)) => FaultAction::OversizedBody { bytes: number(size)?, declare_length: false },
            Some(("oversized-declared", size)) => {
                FaultAction::OversizedBody { bytes: number(size)?, declare_length: true }
            }
            Some(("429", secs)) => FaultAction::TooManyRequests { retry_after_secs: number(secs)? },
            None if action == "drop" => FaultAction::DropConnection,
            None if action == "malformed" => FaultAction::MalformedBody,
            Some(("reject", field)) if !field.is_empty() => FaultAction::FieldRejected { field: field.to_string() },
            None if action == "refuse-subtractive-select" => FaultAction::RefuseSubtractiveSelect,
            Some(("refuse-filter", field)) if !field.is_empty() => {
                FaultAction::RefuseFilterOn { field: field.to_string() }
            }
            Some(("poison-values", value)) => FaultAction::PoisonTokenValues { value: value.to_string() },
            Some(("omit", field)) if !field.is_empty() => FaultAction::OmitField { field: field.to_string() },
            _ => {
                return Err(fail(
                    "unknown action (latency=MS, status=CODE, 429=SECS, drop, malformed, reject=FIELD, \
                     echo-auth[=CODE], echo-auth-html[=CODE], redirect=LOCATION, oversized=BYTES, \
                     oversized-declared=BYTES, refuse-subtractive-select, refuse-filter=FIELD, \
                     poison-values=VALUE, omit=FIELD)",
                ));
            }
        };
        let when = match when.split_once('=') {
            None if when == "always" => FaultWhen::Always,
            Some(("next", n)) => FaultWhen::NextN(u32::try_from(number(n)?).map_err(|_| fail("count too large"))?),
            Some(("share", p)) => {
                let share = p.parse::<f64>().map_err(|_| fail("expected a share from 0 to 1"))?;
                if !(0.0..=1.0).contains(&share) {
                    return Err(fail("expected a share from 0 to 1"));
                }
                FaultWhen::Share(share)
            }
            _ => return Err(fail("unknown condition (always, next=N, share=P)")),
        };
        let any = |s: &str| (s != "*").then(|| s.to_string());
        Ok(FaultRule { method: any(method), path: any(path), action, when })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flag_syntax() {
        let rule: FaultRule = "GET /public/v1/accounts/api-tokens status=503 next=2".parse().expect("valid");
        assert_eq!(rule.method.as_deref(), Some("GET"));
        assert_eq!(rule.path.as_deref(), Some("/public/v1/accounts/api-tokens"));
        assert_eq!(rule.action, FaultAction::Status(503));
        assert_eq!(rule.when, FaultWhen::NextN(2));
        let rule: FaultRule = "* * latency=250 share=0.5".parse().expect("valid");
        assert_eq!((rule.method, rule.path), (None, None));
        assert_eq!(rule.action, FaultAction::Latency(Duration::from_millis(250)));
        assert_eq!(
            "* * 429=7".parse::<FaultRule>().expect("valid").action,
            FaultAction::TooManyRequests { retry_after_secs: 7 }
        );
        assert_eq!(
            "POST /public/v1/accounts/api-tokens reject=name next=1".parse::<FaultRule>().expect("valid").action,
            FaultAction::FieldRejected { field: "name".into() }
        );
        for (text, action) in [
            ("echo-auth", FaultAction::EchoAuthorization { status: 400 }),
            ("echo-auth=401", FaultAction::EchoAuthorization { status: 401 }),
            ("echo-auth-html", FaultAction::EchoAuthorizationHtml { status: 502 }),
            ("echo-auth-html=200", FaultAction::EchoAuthorizationHtml { status: 200 }),
            ("redirect=/x?y=1", FaultAction::Redirect { status: 302, location: "/x?y=1".into() }),
            ("oversized=17000000", FaultAction::OversizedBody { bytes: 17_000_000, declare_length: false }),
            ("oversized-declared=9", FaultAction::OversizedBody { bytes: 9, declare_length: true }),
        ] {
            assert_eq!(format!("* * {text}").parse::<FaultRule>().expect(text).action, action);
        }
        assert!("* * echo-auth=700".parse::<FaultRule>().is_err());
        assert!("* * echo-auth=x".parse::<FaultRule>().is_err());
        assert!("* * redirect=".parse::<FaultRule>().is_err());
        assert!("* * oversized=lots".parse::<FaultRule>().is_err());
        assert!("* * reject=".parse::<FaultRule>().is_err());
        assert!("* * explode".parse::<FaultRule>().is_err());
        assert!("* * status=700".parse::<FaultRule>().is_err());
        assert!("* * drop share=2".parse::<FaultRule>().is_err());
    }

    #[test]
    fn next_n_fires_n_times_and_latency_accumulates() {
        let faults = Faults::new(1);
        faults.add(FaultRule {
            method: None,
            path: None,
            action: FaultAction::Latency(Duration::from_millis(5)),
            when: FaultWhen::Always,
        });
        faults.add(FaultRule {
            method: Some("post".into()),
            path: Some("/a".into()),
            action: FaultAction::Status(503),
            when: FaultWhen::NextN(2),
        });
        assert_eq!(faults.decide("GET", "/a/b", ""), (Duration::from_millis(5), None));
        assert_eq!(faults.decide("POST", "/a/b", "").1, Some(FaultAction::Status(503)));
        assert_eq!(faults.decide("POST", "/a/b", "").1, Some(FaultAction::Status(503)));
        assert_eq!(faults.decide("POST", "/a/b", "").1, None);
        faults.clear();
        assert_eq!(faults.decide("POST", "/a", ""), (Duration::ZERO, None));
    }

    #[test]
    fn query_rules_fire_only_on_the_requests_they_concern() {
        let faults = Faults::new(1);
        faults.add("GET * refuse-subtractive-select".parse().expect("valid"));
        faults.add("GET /audit refuse-filter=actor.id".parse().expect("valid"));
        assert!(faults.decide("GET", "/t", "select=audit,-token").1.is_some());
        assert!(faults.decide("GET", "/t", "select=%2Bmodules,audit").1.is_none());
        assert!(faults.decide("GET", "/t", "").1.is_none());
        assert!(faults.decide("GET", "/audit", "and(eq(event,x),eq(actor.id,TKN-1))").1.is_some());
        assert!(faults.decide("GET", "/audit", "order=-actor.id").1.is_some());
        assert!(faults.decide("GET", "/audit", "eq(object.id,TKN-1)&order=-timestamp").1.is_none());
        assert_eq!(
            "* * poison-values=idt:x".parse::<FaultRule>().expect("valid").action,
            FaultAction::PoisonTokenValues { value: "idt:x".into() }
        );
        assert!("* * refuse-filter=".parse::<FaultRule>().is_err());
    }

    #[test]
    fn after_n_lets_some_through_then_fires_then_stops() {
        let faults = Faults::new(1);
        faults.add(FaultRule {
            method: Some("GET".into()),
            path: Some("/a".into()),
            action: FaultAction::Status(401),
            when: FaultWhen::AfterN { skip: 2, then: 1 },
        });
        let fired: Vec<bool> = (0..4).map(|_| faults.decide("GET", "/a/b", "").1.is_some()).collect();
        assert_eq!(fired, [false, false, true, false]);
        assert_eq!(faults.decide("POST", "/a/b", "").1, None, "other methods do not count");
    }

    #[test]
    fn share_is_roughly_honoured_and_deterministic() {
        let count = |seed| {
            let faults = Faults::new(seed);
            faults.add(FaultRule {
                method: None,
                path: None,
                action: FaultAction::DropConnection,
                when: FaultWhen::Share(0.25),
            });
            (0..1000).filter(|_| faults.decide("GET", "/", "").1.is_some()).count()
        };
        let fired = count(9);
        assert!((180..320).contains(&fired), "{fired}");
        assert_eq!(fired, count(9));
    }
}
