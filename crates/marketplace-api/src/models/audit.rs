//! Audit records (`AUD-…`) and event types (`AET-…`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::common::{AccountRef, AccountType};
use super::open_enum::open_enum;
use super::token::null_as_empty;

open_enum! {
    /// Who may see an audit record.
    AuditRecordType {
        /// Operations and the linked accounts.
        Public => "Public",
        /// Operations only.
        Private => "Private",
    }
}

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// `AUD-NNNN-NNNN-NNNN-NNNN`.
    pub id: String,
    /// Event key, e.g. `platform.accounts.api-token.created`.
    pub event: Option<String>,
    /// One-line summary (placeholders filled in with `render()`).
    pub summary: Option<String>,
    /// Longer text (placeholders filled in with `render()`).
    pub details: Option<String>,
    /// The object the event is about.
    pub object: Option<AuditObject>,
    /// When (RFC 3339, UTC).
    pub timestamp: Option<String>,
    /// Who did it.
    pub actor: Option<AuditActor>,
    /// Public or Private.
    #[serde(default, rename = "type")]
    pub record_type: Option<AuditRecordType>,
    /// Where the request came from.
    pub request: Option<AuditRequest>,
    /// Snapshots of the objects involved, by name (free JSON; secrets masked by the platform).
    pub documents: Option<BTreeMap<String, serde_json::Value>>,
    /// Accounts the record is visible to.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub viewers: Vec<AccountRef>,
    /// The object's revision at the time of the event.
    pub revision: Option<u64>,
}

/// The object an audit record is about.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditObject {
    /// Its id (`TKN-…`, …).
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Relative URL of its icon.
    pub icon: Option<String>,
    /// What kind of object it is.
    pub object_type: Option<String>,
}

/// Who acted: a user or a token, with its account.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AuditActor {
    /// `USR-…` or `TKN-…`.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Relative URL of its icon.
    pub icon: Option<String>,
    /// The actor's account.
    pub account: Option<AuditActorAccount>,
}

/// The actor's account inside an audit record.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditActorAccount {
    /// `ACC-…`.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Relative URL of its icon.
    pub icon: Option<String>,
    /// Client, Vendor or Operations.
    pub account_type: Option<AccountType>,
}

/// Where the audited request came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct AuditRequest {
    /// An API call.
    pub api: Option<ApiRequestInfo>,
    /// A background worker.
    pub worker: Option<WorkerInfo>,
    /// Log correlation ids.
    pub log: Option<LogInfo>,
}

/// The API call behind an audit record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequestInfo {
    /// Caller's IP address.
    pub ip: Option<String>,
    /// Caller's User-Agent.
    pub user_agent: Option<String>,
    /// Where the IP address is.
    pub geolocation: Option<Geolocation>,
}

/// Location of an IP address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Geolocation {
    /// ISO country code.
    pub country_code: Option<String>,
    /// Country name.
    pub country_name: Option<String>,
    /// Region.
    pub region: Option<String>,
}

/// The worker behind an audit record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerInfo {
    /// The worker's name.
    pub worker_name: Option<String>,
}

/// Log correlation ids of an audit record (the docs and the OpenAPI name them differently).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogInfo {
    /// Request id.
    pub request_id: Option<String>,
    /// Operation id.
    pub operation_id: Option<String>,
    /// Correlation id.
    pub correlation_id: Option<String>,
}

/// A kind of audit event (`AET-…`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct EventType {
    /// `AET-NNNN-NNNN`.
    pub id: String,
    /// The event key records carry in `event`.
    pub key: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decodes_the_reference_example() {
        let record: AuditRecord = serde_json::from_value(json!({
            "id": "AUD-0391-8050-9033-9920",
            "event": "platform.accounts.api-token.created",
            "summary": "API token TKN-4821-0937 created",
            "object": {"id": "TKN-4821-0937", "name": "ERP sync robot", "objectType": "ApiToken"},
            "timestamp": "2026-06-11T20:22:05.311Z",
            "actor": {"id": "USR-1234-5678", "name": "Sarah Sanderson",
                      "account": {"id": "ACC-1234-5678", "name": "Stark Industries", "accountType": "Client"}},
            "type": "Public",
            "request": {"api": {"ip": "203.0.113.7", "userAgent": "Mozilla/5.0",
                                "geolocation": {"countryCode": "GB", "countryName": "United Kingdom", "region": "Scotland"}}},
            "documents": {"token": {"id": "TKN-4821-0937"}},
            "viewers": [{"id": "ACC-1234-5678", "name": "Stark Industries", "type": "Client"}],
            "newThing": 1
        }))
        .expect("decodes");
        assert_eq!(record.record_type, Some(AuditRecordType::Public));
        assert_eq!(record.actor.and_then(|a| a.account).and_then(|a| a.account_type), Some(AccountType::Client));
        assert_eq!(
            record.request.and_then(|r| r.api).and_then(|a| a.geolocation).and_then(|g| g.region).as_deref(),
            Some("Scotland")
        );
        assert_eq!(record.viewers.len(), 1);
    }
}
