//! RFC 9457 ProblemDetails error bodies in the platform's ASP.NET style (docs/marketplace-api.md §10.1).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The detail of every validation problem, under the title `Bad Request`
/// (docs/marketplace-api.md §5.7: the platform's error-handling page).
pub const VALIDATION_DETAIL: &str = "One or more validation errors occurred.";

/// An error answer: status, title, optional detail and per-field validation errors.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// The `title`, when not the status's default.
    pub title: Option<String>,
    /// Human sentence explaining this occurrence.
    pub detail: Option<String>,
    /// Validation errors keyed by field (`name`, `account.id`, `modules[0].id`).
    pub errors: BTreeMap<String, Vec<String>>,
    /// Seconds for a `Retry-After` header (429 answers).
    pub retry_after_secs: Option<u64>,
}

impl Problem {
    /// A problem with a status and a detail sentence.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self { status, title: None, detail: Some(detail.into()), errors: BTreeMap::new(), retry_after_secs: None }
    }

    /// 400 with a detail.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: missing, unknown, disabled or deleted token.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403: the caller's account type or modules do not allow this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404 with the wording seen in official client tests (docs/marketplace-api.md §10.1).
    pub fn not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("Entity for given id {id} not found"))
    }

    /// 400 validation problem built from field errors, as the platform's error-handling page
    /// shows one: title `Bad Request`, the fixed detail, and the `errors` map
    /// (docs/marketplace-api.md §5.7, §10.1).
    pub fn validation(errors: BTreeMap<String, Vec<String>>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            title: None,
            detail: Some(VALIDATION_DETAIL.to_string()),
            errors,
            retry_after_secs: None,
        }
    }

    /// The ProblemDetails JSON body, with a fresh `traceId`.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": type_uri(self.status),
            "title": self.title.clone().unwrap_or_else(|| title(self.status)),
            "status": self.status.as_u16(),
            "traceId": new_trace_id(),
        });
        if let Some(detail) = &self.detail {
            body["detail"] = json!(detail);
        }
        if !self.errors.is_empty() {
            body["errors"] = json!(self.errors);
        }
        body
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body().to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Collects field errors during validation.
#[derive(Debug, Default)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// Records one message for a field.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    /// `Ok` when nothing was recorded, else the 400 problem.
    pub fn into_result(self) -> Result<(), Problem> {
        if self.0.is_empty() { Ok(()) } else { Err(Problem::validation(self.0)) }
    }
}

fn type_uri(status: StatusCode) -> String {
    // ASP.NET's defaults point at the RFC section of each status (docs/marketplace-api.md §10.1); 429 is
    // defined by RFC 6585, not RFC 9110.
    let section = match status.as_u16() {
        429 => return "https://tools.ietf.org/html/rfc6585#section-4".to_string(),
        400 => "15.5.1",
        401 => "15.5.2",
        403 => "15.5.4",
        404 => "15.5.5",
        405 => "15.5.6",
        409 => "15.5.10",
        415 => "15.5.16",
        500 => "15.6.1",
        502 => "15.6.3",
        503 => "15.6.4",
        504 => "15.6.5",
        _ => return "about:blank".to_string(),
    };
    format!("https://tools.ietf.org/html/rfc9110#section-{section}")
}

fn title(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "Bad Request".to_string(),
        _ => status.canonical_reason().unwrap_or("Error").to_string(),
    }
}

/// A W3C trace-context style id as the platform returns it: `00-<32 hex>-<16 hex>-00`.
pub fn new_trace_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let a = mix(nanos ^ n.rotate_left(32));
    let b = mix(a ^ n);
    let c = mix(b.wrapping_add(0x9E37_79B9_7F4A_7C15));
    format!("00-{a:016x}{b:016x}-{c:016x}-00")
}

/// SplitMix64 finaliser: spreads the bits so ids look random.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problems_read_bad_request_with_the_documented_detail() {
        let errors = [("name".to_string(), vec!["The name is required.".to_string()])].into_iter().collect();
        let body = Problem::validation(errors).body();
        assert_eq!(body["title"], "Bad Request");
        assert_eq!(body["detail"], "One or more validation errors occurred.");
        assert_eq!(body["type"], "https://tools.ietf.org/html/rfc9110#section-15.5.1");
        assert_eq!(body["status"], 400);
        assert_eq!(body["errors"]["name"][0], "The name is required.");
        let other = Problem::bad_request("Invalid RQL").body();
        assert_eq!(other["title"], "Bad Request");
        assert_eq!(other["detail"], "Invalid RQL");
    }

    #[test]
    fn trace_ids_have_the_platform_shape_and_differ() {
        let a = new_trace_id();
        let b = new_trace_id();
        assert_ne!(a, b);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.len(), 4, "{a}");
        assert_eq!((parts[0], parts[3]), ("00", "00"));
        assert_eq!(parts[1].len(), 32);
        assert_eq!(parts[2].len(), 16);
        assert!(parts[1..3].iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit())));
    }
}
