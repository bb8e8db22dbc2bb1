//! What the UI is shown: the Marketplace's objects reduced to what the screens
//! need, with every count in 32 bits (IPC types cannot carry 64-bit integers
//! to JavaScript losslessly) and, above all, never a token's value: that only
//! crosses on an explicit reveal.

use marketplace_api::{ApiToken, AuditBlock, AuditRecord, EventType, Module, ObjectRef};
use serde::Serialize;

use crate::connections::types::AccountSummary;
use crate::redact_secrets;
use crate::tokens::rows::TokenRows;

/// A module as the token screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModuleView {
    /// `MOD-NNNN`.
    pub id: String,
    /// Display name; the id when the platform sent none.
    pub name: String,
    /// Stable machine code (`access-management`), when known.
    pub code: Option<String>,
    /// What the module grants, when known.
    pub description: Option<String>,
    /// Why it can do harm in the wrong hands, for the few modules that can
    /// (user and token management, every account): the screens mark those.
    pub harm: Option<String>,
}

impl From<&Module> for ModuleView {
    fn from(module: &Module) -> Self {
        let name = module.name.clone().unwrap_or_else(|| module.id.clone());
        Self {
            id: module.id.clone(),
            harm: crate::tokens::privilege::harm_of(module.code.as_deref(), &name).map(str::to_owned),
            name,
            code: module.code.clone(),
            description: module.description.clone(),
        }
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Stamp {
    /// When (RFC 3339, UTC).
    pub at: Option<String>,
    /// Who: a user's or a token's id.
    pub by_id: Option<String>,
    /// Who: their display name.
    pub by_name: Option<String>,
}

impl Stamp {
    fn from_event(event: Option<&marketplace_api::AuditEvent>) -> Option<Self> {
        let event = event?;
        let by: Option<&ObjectRef> = event.by.as_ref();
        Some(Self {
            at: event.at.clone(),
            by_id: by.map(|by| by.id.clone()),
            by_name: by.and_then(|by| by.name.clone()),
        })
    }
}

/// An API token as the UI sees it: everything but its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    /// `TKN-NNNN-NNNN`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// `Active`, `Disabled`, `Deleted`, or whatever newer state the platform reports.
    pub status: String,
    /// Approximate last use (RFC 3339).
    pub last_access_at: Option<String>,
    /// The account the token belongs to.
    pub account: Option<AccountSummary>,
    /// The modules it may use; `null` when the answer did not carry them (lists leave
    /// them out): "not read", never "none".
    pub modules: Option<Vec<ModuleView>>,
    /// Creation, when the platform sent it.
    pub created: Option<Stamp>,
    /// Last change, when the platform sent it.
    pub updated: Option<Stamp>,
}

impl From<&ApiToken> for TokenView {
    fn from(token: &ApiToken) -> Self {
        let audit: Option<&AuditBlock> = token.audit.as_ref();
        Self {
            id: token.id.clone(),
            name: token.name.clone().unwrap_or_default(),
            description: token.description.clone(),
            status: token.status.as_ref().map(|status| status.as_str().to_owned()).unwrap_or_default(),
            last_access_at: token.last_access_at.clone(),
            account: token.account.as_ref().map(AccountSummary::from),
            modules: token.read_modules().map(|modules| modules.iter().map(ModuleView::from).collect()),
            created: Stamp::from_event(audit.and_then(|audit| audit.created.as_ref())),
            updated: Stamp::from_event(audit.and_then(|audit| audit.updated.as_ref())),
        }
    }
}

/// Where a page sits in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    /// Offset of the first item.
    pub offset: u32,
    /// Page size the server applied.
    pub limit: u32,
    /// How many match in all, when the server said.
    pub total: Option<u32>,
}

impl Paging {
    fn of<S>(page: &marketplace_api::Page<S>) -> Self {
        Self { offset: saturate(page.offset), limit: saturate(page.limit), total: page.total.map(saturate) }
    }
}

/// One page of the token list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenPage {
    /// The tokens, in order.
    pub items: Vec<TokenView>,
    /// Where the page sits.
    pub paging: Paging,
}

impl From<&marketplace_api::Page<ApiToken>> for TokenPage {
    fn from(page: &marketplace_api::Page<ApiToken>) -> Self {
        Self { items: page.items.iter().map(TokenView::from).collect(), paging: Paging::of(page) }
    }
}

/// One page of an audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// The records, newest first.
    pub items: Vec<AuditEntryView>,
    /// Where the page sits.
    pub paging: Paging,
}

impl From<&marketplace_api::Page<AuditRecord>> for AuditPage {
    fn from(page: &marketplace_api::Page<AuditRecord>) -> Self {
        Self { items: page.items.iter().map(AuditEntryView::from).collect(), paging: Paging::of(page) }
    }
}

/// A batch of a list-all, as it arrives: the list's columns of its tokens.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenBatch {
    /// This batch's tokens, in order.
    pub rows: TokenRows,
    /// Tokens delivered so far, this batch included.
    pub fetched: u32,
    /// Tokens expected in all, when the server said.
    pub total: Option<u32>,
}

/// A batch of whole tokens, for the lists the desk keeps itself (the palette's).
pub(crate) struct ViewBatch {
    /// This batch's tokens, in order.
    pub(crate) items: Vec<TokenView>,
    /// Tokens delivered so far, this batch included.
    pub(crate) fetched: u32,
    /// Tokens expected in all, when the server said.
    pub(crate) total: Option<u32>,
}

/// An audit record in a list: enough for one row of the Audit trail tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    /// `AUD-…`.
    pub id: String,
    /// Event key, e.g. `platform.accounts.api-token.disabled`.
    pub event: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// When (RFC 3339).
    pub timestamp: Option<String>,
    /// Who: a user's or a token's id.
    pub actor_id: Option<String>,
    /// Who: their display name.
    pub actor_name: Option<String>,
    /// What it happened to: its id.
    pub object_id: Option<String>,
    /// What it happened to: its name.
    pub object_name: Option<String>,
}

impl From<&AuditRecord> for AuditEntryView {
    fn from(record: &AuditRecord) -> Self {
        Self {
            id: record.id.clone(),
            event: record.event.clone().unwrap_or_default(),
            summary: record.summary.as_deref().map(scrubbed),
            timestamp: record.timestamp.clone(),
            actor_id: record.actor.as_ref().map(|actor| actor.id.clone()),
            actor_name: record.actor.as_ref().and_then(|actor| actor.name.clone()),
            object_id: record.object.as_ref().map(|object| object.id.clone()),
            object_name: record.object.as_ref().and_then(|object| object.name.clone()),
        }
    }
}

/// One audit record in full, for its detail view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecordView {
    /// The list columns.
    pub entry: AuditEntryView,
    /// The long description, placeholders rendered.
    pub details: Option<String>,
    /// `Public` or `Private`.
    pub record_type: Option<String>,
    /// The actor's account name.
    pub actor_account: Option<String>,
    /// The caller's IP address.
    pub ip: Option<String>,
    /// The caller's user agent.
    pub user_agent: Option<String>,
    /// Where the call came from ("United Kingdom, Scotland").
    pub location: Option<String>,
    /// The object snapshots the platform kept, as pretty JSON, secrets redacted.
    pub documents: Option<String>,
}

impl From<&AuditRecord> for AuditRecordView {
    fn from(record: &AuditRecord) -> Self {
        let api = record.request.as_ref().and_then(|request| request.api.as_ref());
        let location = api.and_then(|api| api.geolocation.as_ref()).and_then(|geo| {
            let parts: Vec<&str> = [geo.country_name.as_deref(), geo.region.as_deref()].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        });
        Self {
            entry: AuditEntryView::from(record),
            details: record.details.as_deref().map(scrubbed_details),
            record_type: record.record_type.as_ref().map(|t| t.as_str().to_owned()),
            actor_account: record
                .actor
                .as_ref()
                .and_then(|actor| actor.account.as_ref())
                .map(|account| account.name.clone().unwrap_or_else(|| account.id.clone())),
            ip: api.and_then(|api| api.ip.clone()),
            user_agent: api.and_then(|api| api.user_agent.clone()),
            location,
            documents: record
                .documents
                .as_ref()
                .map(|documents| {
                    let mut documents = serde_json::to_value(documents).unwrap_or_default();
                    drop_token_values(&mut documents);
                    documents
                })
                .and_then(|documents| serde_json::to_string_pretty(&documents).ok())
                .map(|json| scrubbed(&json)),
        }
    }
}

/// An audit event type, for the event filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeView {
    /// `AET-…`.
    pub id: String,
    /// The event key records carry.
    pub key: String,
    /// Display name.
    pub name: String,
}

impl From<&EventType> for EventTypeView {
    fn from(event_type: &EventType) -> Self {
        let key = event_type.key.clone().unwrap_or_default();
        Self { id: event_type.id.clone(), name: event_type.name.clone().unwrap_or_else(|| key.clone()), key }
    }
}

/// Audit texts are written by the platform from object snapshots; a secret must
/// not ride along even if the platform forgot to mask it. The pattern catches
/// `idt:` values and, second, bare runs shaped like an older secret.
fn scrubbed(text: &str) -> String {
    crate::redact::redact_bare_secrets(&redact_secrets(text)).into_owned()
}

/// Details may be JSON: then the `token` values go structurally first.
fn scrubbed_details(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) if value.is_object() || value.is_array() => {
            drop_token_values(&mut value);
            scrubbed(&value.to_string())
        }
        _ => scrubbed(text),
    }
}

/// Removes every `token` key whose value is text (a token's value, in any
/// format) from a snapshot, however deep; a `token` object (the snapshot of
/// the token itself) stays, minus its own value.
pub(crate) fn drop_token_values(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            fields.retain(|key, field| !(key.eq_ignore_ascii_case("token") && field.is_string()));
            fields.values_mut().for_each(drop_token_values);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_token_values),
        _ => {}
    }
}

/// Counts beyond u32 do not occur for tokens; clamp rather than wrap if one did.
fn saturate(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_snapshots_lose_every_token_value_whatever_its_format() {
        // An older, unprefixed value, and a current one, in documents and in JSON details.
        let legacy = "q7W2e9R4t1Y6u3I8o5P0a2S7d4F9g6H1j3K8l5Z0x2C7";
        let current = concat!("idt:TKN-1234-5678:", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9qRs2tUv5wXy8z");
        let record: marketplace_api::AuditRecord = serde_json::from_value(serde_json::json!({
            "id": "AUD-0391-8050-9033-9920",
            "details": format!("{{\"token\":\"{legacy}\",\"name\":\"CI\"}}"),
            "documents": {
                "token": { "id": "TKN-1234-5678", "name": "CI", "token": legacy, "nested": [{ "Token": current }] }
            }
        }))
        .expect("a record");
        let view = AuditRecordView::from(&record);
        let documents = view.documents.expect("documents");
        let details = view.details.expect("details");
        for text in [&documents, &details] {
            assert!(!text.contains(legacy) && !text.contains(&current[18..]), "no value survives: {text}");
        }
        assert!(
            documents.contains("TKN-1234-5678") && documents.contains("\"name\": \"CI\""),
            "the rest stays: {documents}"
        );
        assert!(details.contains("CI"), "{details}");
    }
}
