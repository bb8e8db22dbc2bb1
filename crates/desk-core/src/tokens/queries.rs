//! What the UI asks for, and the RQL queries that ask the Marketplace for it.

use marketplace_api::rql::{Filter, LikePattern, Query};
use serde::Deserialize;

use crate::error::DeskError;

/// The largest page the platform serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A token state to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
pub enum TokenState {
    /// Authenticates.
    Active,
    /// Kept, but refused.
    Disabled,
    /// Soft-deleted (only operations accounts see these).
    Deleted,
}

impl TokenState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Disabled => "Disabled",
            Self::Deleted => "Deleted",
        }
    }
}

/// What the token list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TokenSortField {
    /// Display name.
    Name,
    /// Id.
    Id,
    /// Status.
    Status,
    /// Last access.
    LastAccess,
    /// Creation date.
    Created,
}

impl TokenSortField {
    fn rql_field(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Id => "id",
            Self::Status => "status",
            Self::LastAccess => "lastAccessAt",
            Self::Created => "audit.created.at",
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenSort {
    /// The field.
    pub field: TokenSortField,
    /// Largest first.
    pub descending: bool,
}

/// A page of the token list, as the list screen asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenListQuery {
    /// Only tokens in this state.
    pub status: Option<TokenState>,
    /// Only tokens of this account (`ACC-…`); an operations admin sees every account's.
    pub account_id: Option<String>,
    /// Text to find in the name, id or description (case-insensitive).
    pub search: Option<String>,
    /// Sort keys, most significant first; by name when empty.
    pub sort: Vec<TokenSort>,
    /// Items to skip.
    pub offset: u32,
    /// Page size, 1 to 100 (0 means 100).
    pub limit: u32,
}

impl TokenListQuery {
    /// True when it filters nothing: the connection's whole list.
    pub fn is_everything(&self) -> bool {
        self.status.is_none()
            && self.account_id.is_none()
            && self.search.as_deref().is_none_or(|text| text.trim().is_empty())
    }

    /// The filter and order, without paging (list-all pages by itself).
    pub fn to_query(&self) -> Query {
        let mut filters = Vec::new();
        if let Some(status) = self.status {
            filters.push(Filter::eq("status", status.as_str()));
        }
        if let Some(account) = &self.account_id {
            filters.push(Filter::eq("account.id", account.as_str()));
        }
        if let Some(text) = self.search.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            filters.push(Filter::or([
                Filter::ilike("name", LikePattern::contains(text)),
                Filter::ilike("id", LikePattern::contains(text)),
                Filter::ilike("description", LikePattern::contains(text)),
            ]));
        }
        // The list shows creation dates, and sorting by them needs them selected.
        // The token's value is left out: only reveal and copy fetch it, so
        // fewer values sit in memory (and in a crash).
        let mut query = Query::new().select("audit").select("-token");
        if !filters.is_empty() {
            query = query.filter(Filter::and(filters));
        }
        let sort = if self.sort.is_empty() {
            vec![TokenSort { field: TokenSortField::Name, descending: false }]
        } else {
            self.sort.clone()
        };
        let ends_with_id = sort.last().is_some_and(|key| key.field == TokenSortField::Id);
        for key in sort {
            query = if key.descending {
                query.order_by_desc(key.field.rql_field())
            } else {
                query.order_by(key.field.rql_field())
            };
        }
        // Names and dates repeat; the id makes the order total, so that offset
        // paging never shows a token twice or skips one.
        if ends_with_id { query } else { query.order_by("id") }
    }

    /// The filter, order and this page.
    pub fn to_page_query(&self) -> Query {
        self.to_query().limit(page_size(self.limit)).offset(self.offset)
    }
}

/// Whose audit trail to show for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AuditRole {
    /// What was done to the token.
    Object,
    /// What the token did.
    Actor,
}

/// A page of a token's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// The token (`TKN-…`).
    pub token_id: String,
    /// Records about it, or records it made.
    pub role: AuditRole,
    /// Only these event keys (none: all).
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Only records at or after this time (RFC 3339).
    #[serde(default)]
    pub from: Option<String>,
    /// Only records at or before this time (RFC 3339).
    #[serde(default)]
    pub to: Option<String>,
    /// Items to skip.
    #[serde(default)]
    pub offset: u32,
    /// Page size, 1 to 100 (0 means 100).
    #[serde(default)]
    pub limit: u32,
}

impl AuditQuery {
    /// The first page of every record about (or by) `token_id`.
    pub fn new(token_id: impl Into<String>, role: AuditRole) -> Self {
        Self { token_id: token_id.into(), role, event_types: Vec::new(), from: None, to: None, offset: 0, limit: 0 }
    }

    /// The RQL query, newest first. Refuses a date range that ends before it starts.
    pub fn to_query(&self) -> Result<Query, DeskError> {
        crate::tokens::ids::checked(crate::tokens::ids::IdKind::Token, &self.token_id)?;
        let field = match self.role {
            AuditRole::Object => "object.id",
            AuditRole::Actor => "actor.id",
        };
        let mut filters = vec![Filter::eq(field, self.token_id.as_str())];
        if !self.event_types.is_empty() {
            filters.push(Filter::one_of("event", self.event_types.iter().map(String::as_str)));
        }
        filters.extend(time_range(self.from.as_deref(), self.to.as_deref())?);
        // The id breaks ties between records of the same millisecond, so that
        // offset paging never shows a record twice or skips one.
        Ok(Query::new()
            .filter(Filter::and(filters))
            .order_by_desc("timestamp")
            .order_by_desc("id")
            .limit(page_size(self.limit))
            .offset(self.offset))
    }
}

/// The `timestamp` filters of a date range (either end may be open), each
/// end checked; refused when the range ends before it starts.
pub(crate) fn time_range(from: Option<&str>, to: Option<&str>) -> Result<Vec<Filter>, DeskError> {
    let from = from.map(|at| checked_time("from", at)).transpose()?;
    let to = to.map(|at| checked_time("to", at)).transpose()?;
    if let (Some(from), Some(to)) = (&from, &to)
        && from > to
    {
        return Err(DeskError::invalid_field("to", "The end of the date range is before its start."));
    }
    Ok(from
        .map(|from| Filter::ge("timestamp", from))
        .into_iter()
        .chain(to.map(|to| Filter::le("timestamp", to)))
        .collect())
}

pub(crate) fn page_size(requested: u32) -> u32 {
    if requested == 0 { MAX_PAGE_SIZE } else { requested.min(MAX_PAGE_SIZE) }
}

/// Checks an RFC 3339 UTC time (`2026-06-11T20:22:05.311Z` or without
/// fraction) and returns it; ordering such strings orders the times.
fn checked_time(field: &str, at: &str) -> Result<String, DeskError> {
    let at = at.trim();
    let bytes = at.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    let shape_ok = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && at.ends_with('Z');
    if shape_ok {
        Ok(at.to_owned())
    } else {
        Err(DeskError::invalid_field(field, format!("\"{at}\" is not a UTC time like 2026-06-11T20:22:05Z.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_looks_in_name_id_and_description() {
        let query = TokenListQuery { search: Some(" robot ".into()), ..Default::default() }.to_page_query();
        let text = query.to_query_string().expect("writable");
        for field in ["ilike(name,", "ilike(id,", "ilike(description,"] {
            assert!(text.contains(field), "{text}");
        }
        assert!(text.contains("robot"), "{text}");
        assert!(text.contains("limit=100"), "{text}");
    }

    #[test]
    fn status_sort_and_paging_are_passed_on() {
        let query = TokenListQuery {
            status: Some(TokenState::Disabled),
            sort: vec![TokenSort { field: TokenSortField::Created, descending: true }],
            offset: 40,
            limit: 20,
            ..Default::default()
        }
        .to_page_query();
        let text = query.to_query_string().expect("writable");
        assert!(text.contains("eq(status,'Disabled')"), "{text}");
        assert!(text.contains("order=-audit.created.at,id"), "{text}");
        assert!(text.contains("select=audit"), "{text}");
        assert!(text.contains("limit=20") && text.contains("offset=40"), "{text}");
    }

    #[test]
    fn page_size_is_capped_at_the_platform_maximum() {
        assert_eq!(page_size(0), 100);
        assert_eq!(page_size(500), 100);
        assert_eq!(page_size(25), 25);
    }

    #[test]
    fn audit_query_filters_by_role_events_and_dates() {
        let query = AuditQuery {
            token_id: "TKN-1111-2222".into(),
            role: AuditRole::Actor,
            event_types: vec!["platform.accounts.api-token.disabled".into()],
            from: Some("2026-01-01T00:00:00Z".into()),
            to: Some("2026-02-01T00:00:00.000Z".into()),
            offset: 0,
            limit: 10,
        }
        .to_query()
        .expect("valid");
        let text = query.to_query_string().expect("writable");
        assert!(text.contains("eq(actor.id,'TKN-1111-2222')"), "{text}");
        assert!(text.contains("in(event,"), "{text}");
        assert!(text.contains("ge(timestamp,") && text.contains("le(timestamp,"), "{text}");
        assert!(text.contains("order=-timestamp,-id"), "{text}");
    }

    #[test]
    fn audit_query_refuses_bad_dates() {
        let mut query = AuditQuery {
            token_id: "TKN-1111-2222".into(),
            role: AuditRole::Object,
            event_types: vec![],
            from: Some("yesterday".into()),
            to: None,
            offset: 0,
            limit: 0,
        };
        assert_eq!(query.to_query().expect_err("bad from").field_errors[0].field.as_deref(), Some("from"));
        query.from = Some("2026-03-01T00:00:00Z".into());
        query.to = Some("2026-02-01T00:00:00Z".into());
        assert_eq!(query.to_query().expect_err("reversed").field_errors[0].field.as_deref(), Some("to"));
    }
}
