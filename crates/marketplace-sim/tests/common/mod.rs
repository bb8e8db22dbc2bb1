//! Test helpers: a simulator with a plain HTTPS client that trusts its CA, and the OpenAPI
//! conformance check every response body goes through.
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use marketplace_sim::{AccountKind, SimConfig, SimHandle};
use reqwest::{Method, StatusCode};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::{Map, Value, json};

/// Prefix of every route.
pub const API: &str = "/public/v1";
/// Path of the token collection.
pub const TOKENS: &str = "/public/v1/accounts/api-tokens";

/// A running simulator plus a client for it.
pub struct Sim {
    pub handle: SimHandle,
    pub client: reqwest::Client,
}

/// One answer: status, headers and the JSON body (Null when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Sim {
    pub async fn start() -> Sim {
        Sim::with(SimConfig::default()).await
    }

    pub async fn with(config: SimConfig) -> Sim {
        let handle = marketplace_sim::start(config).await.expect("simulator starts");
        let client = client_trusting(handle.ca_pem());
        Sim { handle, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.base_url(), path)
    }

    pub fn secret(&self, kind: AccountKind) -> String {
        self.handle.admin_secret(kind).to_string()
    }

    /// Sends a request with a bearer secret (or none) and a JSON body (or none).
    pub async fn send(&self, method: Method, path: &str, secret: Option<&str>, body: Option<&Value>) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(secret) = secret {
            request = request.bearer_auth(secret);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request reaches the simulator");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body arrives");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("body is JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
        };
        let answer = Answer { status, headers, body };
        if !status.is_success() {
            assert_problem(&answer);
        }
        answer
    }

    pub async fn get(&self, kind: AccountKind, path: &str) -> Answer {
        self.send(Method::GET, path, Some(&self.secret(kind)), None).await
    }

    /// GET that must answer 200 with a body valid against `schema`.
    pub async fn get_ok(&self, kind: AccountKind, path: &str, schema: &str) -> Value {
        let answer = self.get(kind, path).await;
        assert_eq!(answer.status, StatusCode::OK, "GET {path}: {}", answer.body);
        assert_conforms(schema, &answer.body);
        answer.body
    }

    /// Creates a token in the caller's own account and returns it (201 checked).
    pub async fn create_token(&self, kind: AccountKind, fields: Value) -> Value {
        let mut body: Map<String, Value> = fields.as_object().cloned().unwrap_or_default();
        body.entry("account").or_insert(json!({ "id": self.handle.account_id(kind) }));
        body.entry("name").or_insert(json!("Test robot"));
        let answer = self.send(Method::POST, TOKENS, Some(&self.secret(kind)), Some(&Value::Object(body))).await;
        assert_eq!(answer.status, StatusCode::CREATED, "create: {}", answer.body);
        assert_conforms("ApiToken", &answer.body);
        answer.body
    }
}

/// A reqwest client on rustls/ring that trusts only the simulator's CA.
pub fn client_trusting(ca_pem: &str) -> reqwest::Client {
    builder_trusting(ca_pem).build().expect("client builds")
}

/// Like [`client_trusting`], but a redirect is answered to the test rather than followed.
pub fn client_not_following_redirects(ca_pem: &str) -> reqwest::Client {
    builder_trusting(ca_pem).redirect(reqwest::redirect::Policy::none()).build().expect("client builds")
}

fn builder_trusting(ca_pem: &str) -> reqwest::ClientBuilder {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("CA PEM parses")).expect("CA is a valid root");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(config).user_agent("marketplace-sim-tests/1.0")
}

/// Every error is a ProblemDetails with the status, a title and a platform-style traceId.
pub fn assert_problem(answer: &Answer) {
    assert_conforms("ProblemDetails", &answer.body);
    let body = &answer.body;
    assert_eq!(body["status"], answer.status.as_u16(), "{body}");
    assert!(body["title"].is_string(), "{body}");
    let trace = body["traceId"].as_str().unwrap_or_else(|| panic!("traceId missing: {body}"));
    let parts: Vec<&str> = trace.split('-').collect();
    assert!(
        parts.len() == 4
            && parts[0] == "00"
            && parts[3] == "00"
            && parts[1].len() == 32
            && parts[2].len() == 16
            && parts[1..3].iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit())),
        "traceId {trace}"
    );
}

/// Validates `value` against `#/components/schemas/{schema}` of the OpenAPI subset.
pub fn assert_conforms(schema: &str, value: &Value) {
    let validator = validator(schema);
    let errors: Vec<String> = validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema} does not validate:\n{}\n{value:#}", errors.join("\n"));
}

fn validator(schema: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<std::sync::Mutex<std::collections::HashMap<String, Arc<jsonschema::Validator>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(v) = cache.get(schema) {
        return v.clone();
    }
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": { "schemas": converted_schemas() },
    });
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {schema} compiles: {e}"));
    let validator = Arc::new(validator);
    cache.insert(schema.to_string(), validator.clone());
    validator
}

/// The OpenAPI 3.0 schemas turned into JSON Schema 2020-12:
/// - `nullable: true` becomes a `"null"` alternative;
/// - `allOf: [{$ref: XRef}]` is merged into the schema itself. The `…Ref` schemas say
///   `additionalProperties: false`, so under JSON Schema's `allOf` every property the
///   parent adds would be rejected; merging keeps the intended meaning ("the Ref's fields
///   plus these") and keeps `additionalProperties: false` strict on the result;
/// - documented divergences (README): `ApiToken.revision`, which newer platform versions
///   return and the May 2025 document lacks.
pub fn converted_schemas() -> Value {
    static SCHEMAS: OnceLock<Value> = OnceLock::new();
    SCHEMAS
        .get_or_init(|| {
            let text = include_str!("../openapi/marketplace-openapi-subset.json");
            let document: Value = serde_json::from_str(text).expect("OpenAPI subset is JSON");
            let schemas = document["components"]["schemas"].as_object().expect("schemas").clone();
            let mut converted = Map::new();
            for (name, schema) in &schemas {
                let merged = merge_all_of(schema, &schemas);
                converted.insert(name.clone(), convert_nullable(merged));
            }
            if let Some(token) = converted.get_mut("ApiToken") {
                token["properties"]["revision"] = json!({ "type": "integer", "minimum": 1 });
            }
            Value::Object(converted)
        })
        .clone()
}

fn merge_all_of(schema: &Value, schemas: &Map<String, Value>) -> Value {
    let mut schema = schema.clone();
    let Some(all_of) = schema.get("allOf").and_then(Value::as_array).cloned() else { return schema };
    let object = schema.as_object_mut().expect("schema with allOf is an object");
    object.remove("allOf");
    for part in all_of {
        let Some(name) = part["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) else {
            panic!("unexpected allOf member {part}");
        };
        let base = merge_all_of(&schemas[name], schemas);
        if let Some(base_props) = base["properties"].as_object() {
            let props = object.entry("properties").or_insert_with(|| json!({}));
            for (key, value) in base_props {
                props.as_object_mut().expect("properties").entry(key.clone()).or_insert(value.clone());
            }
        }
        if let Some(required) = base["required"].as_array() {
            let list = object.entry("required").or_insert_with(|| json!([]));
            for item in required {
                if !list.as_array().expect("required").contains(item) {
                    list.as_array_mut().expect("required").push(item.clone());
                }
            }
        }
    }
    schema
}

fn convert_nullable(schema: Value) -> Value {
    match schema {
        Value::Object(mut map) => {
            for (_, value) in map.iter_mut() {
                *value = convert_nullable(value.take());
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(kind)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([kind, "null"]));
                } else {
                    return json!({ "anyOf": [Value::Object(map), { "type": "null" }] });
                }
            }
            Value::Object(map)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(convert_nullable).collect()),
        other => other,
    }
}
