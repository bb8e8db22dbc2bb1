//! The account's whole audit trail (the Audit screen): every record the
//! connection may see, newest first, filtered by who acted, on what, which
//! event and when.

use marketplace_api::rql::{Filter, Query};
use serde::Deserialize;

use crate::desk::Desk;
use crate::error::DeskError;
use crate::tokens::queries::{page_size, time_range};
use crate::tokens::views::AuditPage;

/// A page of the account's audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountAuditQuery {
    /// Only records made by this actor: a token's or a user's id (`TKN-…`, `USR-…`).
    pub actor_id: Option<String>,
    /// Only records about this object, by its id (`TKN-…`, `ORD-…`, …).
    pub object_id: Option<String>,
    /// Only these event keys (none: all).
    pub event_types: Vec<String>,
    /// Only records at or after this time (RFC 3339, UTC).
    pub from: Option<String>,
    /// Only records at or before this time (RFC 3339, UTC).
    pub to: Option<String>,
    /// Items to skip.
    pub offset: u32,
    /// Page size, 1 to 100 (0 means 100).
    pub limit: u32,
}

impl AccountAuditQuery {
    /// The RQL query, newest first. Refuses an id of no Marketplace shape and
    /// a date range that ends before it starts, before anything is sent.
    pub fn to_query(&self) -> Result<Query, DeskError> {
        let mut filters = Vec::new();
        if let Some(actor) = present(&self.actor_id) {
            filters.push(Filter::eq("actor.id", checked_object_id("actorId", "who acted", actor)?));
        }
        if let Some(object) = present(&self.object_id) {
            filters.push(Filter::eq("object.id", checked_object_id("objectId", "the object", object)?));
        }
        if !self.event_types.is_empty() {
            filters.push(Filter::one_of("event", self.event_types.iter().map(String::as_str)));
        }
        filters.extend(time_range(present(&self.from), present(&self.to))?);
        let mut query = Query::new();
        if !filters.is_empty() {
            query = query.filter(Filter::and(filters));
        }
        // The id breaks ties between records of the same millisecond, so that
        // offset paging never shows a record twice or skips one.
        Ok(query.order_by_desc("timestamp").order_by_desc("id").limit(page_size(self.limit)).offset(self.offset))
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty())
}

/// An id of the Marketplace's shape: three capital letters, then one to four
/// groups of four digits (`TKN-1234-5678`, `USR-1234-5678`, `MOD-1234`,
/// `ORD-1234-5678-9012`). Lower case is accepted and raised.
fn checked_object_id(field: &str, what: &str, id: &str) -> Result<String, DeskError> {
    let id = id.to_ascii_uppercase();
    let mut parts = id.split('-');
    let prefix_ok =
        parts.next().is_some_and(|prefix| prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_uppercase()));
    let groups: Vec<&str> = parts.collect();
    let groups_ok = (1..=4).contains(&groups.len())
        && groups.iter().all(|group| group.len() == 4 && group.bytes().all(|b| b.is_ascii_digit()));
    if prefix_ok && groups_ok {
        Ok(id)
    } else {
        let shown: String = id.chars().take(40).collect();
        Err(DeskError::invalid_field(
            field,
            format!("\"{shown}\" is not an id for {what}: ids look like TKN-1234-5678 or USR-1234-5678."),
        ))
    }
}

impl Desk {
    /// One page of the account's audit trail, newest first.
    pub async fn account_audit(&self, connection_id: &str, query: &AccountAuditQuery) -> Result<AuditPage, DeskError> {
        let rql = query.to_query()?;
        let page = self.client(connection_id).await?.list_audit_records(&rql.render()).await?;
        Ok(AuditPage::from(&page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn text(query: &AccountAuditQuery) -> String {
        query.to_query().expect("valid").render().to_query_string().expect("writable")
    }

    #[test]
    fn no_filter_lists_everything_newest_first() {
        let written = text(&AccountAuditQuery::default());
        assert!(written.contains("order=-timestamp,-id"), "{written}");
        assert!(written.contains("limit=100"), "{written}");
        assert!(!written.contains("and("), "{written}");
    }

    #[test]
    fn actor_object_event_and_dates_each_filter() {
        let query = AccountAuditQuery {
            actor_id: Some(" usr-1234-5678 ".into()),
            object_id: Some("ORD-1111-2222-3333".into()),
            event_types: vec!["platform.commerce.order.created".into()],
            from: Some("2026-01-01T00:00:00Z".into()),
            to: Some("2026-02-01T00:00:00Z".into()),
            offset: 200,
            limit: 50,
        };
        let written = text(&query);
        for part in [
            "eq(actor.id,'USR-1234-5678')",
            "eq(object.id,'ORD-1111-2222-3333')",
            "in(event,('platform.commerce.order.created'))",
            "ge(timestamp,'2026-01-01T00%3A00%3A00Z')",
            "le(timestamp,'2026-02-01T00%3A00%3A00Z')",
            "limit=50",
            "offset=200",
        ] {
            assert!(written.contains(part), "{part} missing from {written}");
        }
    }

    #[test]
    fn a_bad_id_or_range_is_refused_before_sending() {
        for (actor, object) in [(Some("Ann"), None), (None, Some("TKN-12")), (Some("TKN-1234-5678)"), None)] {
            let query = AccountAuditQuery {
                actor_id: actor.map(Into::into),
                object_id: object.map(Into::into),
                ..Default::default()
            };
            let error = query.to_query().expect_err("refused");
            assert_eq!(error.kind, ErrorKind::Validation, "{actor:?} {object:?}");
            assert!(error.message.contains("ids look like"), "{}", error.message);
        }
        let backwards = AccountAuditQuery {
            from: Some("2026-02-01T00:00:00Z".into()),
            to: Some("2026-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        assert!(backwards.to_query().expect_err("refused").message.contains("before its start"));
    }
}
