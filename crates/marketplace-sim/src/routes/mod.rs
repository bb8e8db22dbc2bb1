//! The HTTP routes under `/public/v1`, and what every route shares: JSON answers, body
//! parsing and the 404/405 fallbacks.
//!
//! Handlers read their query with axum's `RawQuery`, the still-encoded string: the RQL
//! parser splits it on raw `&` before percent-decoding each parameter, so an encoded `&`
//! stays inside its value (axum's `Query` would decode first and lose that).

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;

use crate::AppState;
use crate::faults::{self, Faults};
use crate::journal::{self, Journal};
use crate::problem::Problem;

mod audit;
mod modules;
mod tokens;

/// The full router: the journal first, then faults, then the API.
pub fn router(state: AppState, faults: Faults, journal: Journal) -> Router {
    let api = Router::new()
        .route("/public/v1/accounts/api-tokens", get(tokens::list).post(tokens::create))
        .route("/public/v1/accounts/api-tokens/{id}", get(tokens::get_one).put(tokens::update).delete(tokens::delete))
        .route("/public/v1/accounts/api-tokens/{id}/enable", post(tokens::enable))
        .route("/public/v1/accounts/api-tokens/{id}/disable", post(tokens::disable))
        .route("/public/v1/accounts/modules", get(modules::list_modules))
        .route("/public/v1/accounts/modules/{id}", get(modules::get_module))
        .route("/public/v1/accounts/user-groups", get(modules::list_groups))
        .route("/public/v1/accounts/user-groups/{id}", get(modules::get_group))
        .route("/public/v1/audit/records", get(audit::list_records))
        .route("/public/v1/audit/records/{id}", get(audit::get_record))
        .route("/public/v1/audit/event-types", get(audit::list_event_types))
        .route("/public/v1/audit/event-types/{id}", get(audit::get_event_type))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    api.layer(middleware::from_fn_with_state(faults, faults::apply))
        .layer(middleware::from_fn_with_state(journal, journal::record))
}

async fn not_found(uri: Uri) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, format!("No resource at {}", uri.path()))
}

async fn method_not_allowed(uri: Uri) -> Problem {
    Problem::new(StatusCode::METHOD_NOT_ALLOWED, format!("Method not allowed on {}", uri.path()))
}

/// The `{id}` of a route. Axum's own rejection (say, an id that is not UTF-8 after
/// percent-decoding) would be plain text; this one is a ProblemDetails like every error.
pub(crate) struct PathId(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathId {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| PathId(id))
            .map_err(|rejection| Problem::new(rejection.status(), rejection.body_text()))
    }
}

/// The request body, with axum's rejections (such as a body over the size limit) turned
/// into ProblemDetails.
pub(crate) fn body_bytes(body: Result<Bytes, axum::extract::rejection::BytesRejection>) -> Result<Bytes, Problem> {
    body.map_err(|rejection| Problem::new(rejection.status(), rejection.body_text()))
}

/// A JSON answer with a status.
pub(crate) fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let text = match serde_json::to_string(body) {
        Ok(text) => text,
        Err(error) => {
            return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("Cannot serialize the answer: {error}"))
                .into_response();
        }
    };
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Parses a JSON object body, answering 415 for another content type and 400 for bad JSON.
pub(crate) fn json_object_body(headers: &HeaderMap, body: &Bytes) -> Result<serde_json::Map<String, Value>, Problem> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !(essence.eq_ignore_ascii_case("application/json") || essence.to_ascii_lowercase().ends_with("+json")) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content type '{content_type}' is not supported; send application/json"),
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Problem::bad_request("The request body must be a JSON object")),
        Err(error) => Err(Problem::bad_request(format!("The request body is not valid JSON: {error}"))),
    }
}

/// A resource spec without a field a handler filters on: a bug in the
/// simulator, answered as a server error rather than a panic.
pub(crate) fn spec_lacks(field: &str) -> Problem {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("The simulator's resource spec lacks {field}"))
}
