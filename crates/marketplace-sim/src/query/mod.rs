//! Applies a parsed RQL query to a collection: field checks, filtering, multi-key ordering,
//! paging with the documented envelope, and `select` projection with `$meta.omitted`.
//!
//! A request goes through four stages, one module each: [`compile`] checks the query
//! against the collection's [`ResourceSpec`] and resolves it into a [`PreparedQuery`],
//! [`evaluate`] runs its filter over each object's pre-extracted [`Row`], [`sort`] picks
//! the page in the requested order, and [`project`] shapes the objects answered. This
//! module ties them together for the routes.

use serde_json::{Value, json};

use crate::collection::{Collection, Row};
use crate::problem::Problem;
use crate::rql;

mod compile;
mod evaluate;
mod project;
mod sort;

pub(crate) use evaluate::visit_leaves;

use compile::Filter;
use project::Projected;

/// Page size cap, and the size used when `limit` is absent.
// Guess: the docs cap `limit` at 100 and hint at a larger default; a default above the cap
// cannot take effect, so the simulator uses 100 for both (docs/marketplace-api.md §9.6).
pub const MAX_LIMIT: u32 = 100;

/// What a collection allows in queries.
#[derive(Debug)]
pub struct ResourceSpec {
    /// Dotted paths allowed in filters and `order`.
    pub fields: &'static [&'static str],
    /// Top-level fields that `select=` may name.
    pub selectable: &'static [&'static str],
    /// Top-level fields left out of list items unless selected.
    pub list_omitted: &'static [&'static str],
    /// Top-level fields left out of single objects unless selected.
    pub get_omitted: &'static [&'static str],
}

impl ResourceSpec {
    /// Position of a field path in `fields` (the index of its values in a [`Row`]).
    pub fn field_index(&self, path: &str) -> Option<usize> {
        self.fields.iter().position(|f| *f == path)
    }
}

/// A query checked against a [`ResourceSpec`], ready to run.
pub struct PreparedQuery {
    filter: Option<Filter>,
    /// Field indexes to sort by, each with whether it is descending.
    order: Vec<(usize, bool)>,
    limit: usize,
    offset: usize,
    /// Fields removed from each object in the answer.
    omit: Vec<String>,
    render: bool,
    /// The query text without `limit` and `offset`: every page of one list shares it.
    matches_key: String,
}

/// Parses and checks a list query string (raw, as it appears in the URI).
pub fn prepare_list(raw_query: &str, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    let mut prepared = compile::list(&parse(raw_query)?, spec)?;
    prepared.matches_key = raw_query
        .split('&')
        .filter(|part| !part.starts_with("limit=") && !part.starts_with("offset="))
        .collect::<Vec<_>>()
        .join("&");
    Ok(prepared)
}

/// The longest first page answered by selection rather than from a full,
/// cached order (the app pages lists by 100).
const SHORT_FIRST_PAGE: usize = 50;

/// Parses the query string of a single-object request: only `select` and `render()` count.
pub fn prepare_get(raw_query: &str, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    compile::single(&parse(raw_query)?, spec)
}

/// Parses a raw query string; a syntax error is a 400 naming the problem.
fn parse(raw_query: &str) -> Result<rql::ListQuery, Problem> {
    rql::parse_query(raw_query).map_err(|e| Problem::bad_request(e.message))
}

impl PreparedQuery {
    /// Runs the query over `items` and builds the list envelope.
    pub fn list<'a>(&'a self, items: impl Iterator<Item = (&'a Value, Row<'a>)>) -> ListBody<'a> {
        let matching: Vec<(&Value, Row<'a>)> = match &self.filter {
            Some(filter) => items.filter(|(_, row)| filter.matches(row)).collect(),
            None => items.collect(),
        };
        let total = matching.len();
        let end = self.offset.saturating_add(self.limit).min(total);
        let page = sort::page(&matching, &self.order, self.offset, end);
        let data: Vec<Projected<'a>> =
            page.into_iter().map(|item| Projected::item(item, &self.omit, self.render)).collect();
        self.envelope(total, data)
    }

    fn envelope<'a>(&self, total: usize, data: Vec<Projected<'a>>) -> ListBody<'a> {
        let mut meta = json!({
            "pagination": { "offset": self.offset, "limit": self.limit, "total": total },
        });
        if !self.omit.is_empty() {
            meta["omitted"] = json!(self.omit);
        }
        ListBody { meta, data }
    }

    /// Runs the query over the objects of `collection` that `in_scope` admits, and
    /// builds the list envelope. `scope` names that rule: the ordered matches are kept
    /// per scope and query, so the next page of the same list only slices them.
    pub fn list_in<'a>(
        &'a self,
        collection: &'a Collection,
        scope: &str,
        in_scope: impl Fn(&Row<'a>) -> bool,
    ) -> ListBody<'a> {
        let key = format!("{scope}\n{}", self.matches_key);
        // A short first page (the tray's 25 active tokens) that no list is paging
        // through is picked out as a database's top-N is, not by ordering every
        // match: right after a change, among 100,000 tokens, that is the
        // difference between milliseconds and half a second.
        if self.offset == 0 && self.limit <= SHORT_FIRST_PAGE && !collection.has_order(&key) {
            let matching: Vec<(&Value, Row<'a>)> = collection
                .entries()
                .filter(|(_, row)| in_scope(row) && self.filter.as_ref().is_none_or(|filter| filter.matches(row)))
                .collect();
            let total = matching.len();
            let page = sort::page(&matching, &self.order, 0, self.limit.min(total));
            let data = page.into_iter().map(|item| Projected::item(item, &self.omit, self.render)).collect();
            return self.envelope(total, data);
        }
        let positions = collection.ordered(&key, || {
            let matching: Vec<((&Value, Row<'a>), u32)> = collection
                .entries()
                .zip(0u32..)
                .filter(|((_, row), _)| in_scope(row) && self.filter.as_ref().is_none_or(|filter| filter.matches(row)))
                .collect();
            let entries: Vec<(&Value, Row<'a>)> = matching.iter().map(|(entry, _)| *entry).collect();
            sort::order(&entries, &self.order).into_iter().map(|index| matching[index].1).collect()
        });
        let total = positions.len();
        let end = self.offset.saturating_add(self.limit).min(total);
        let page = positions.get(self.offset..end).unwrap_or_default();
        let data: Vec<Projected<'a>> = page
            .iter()
            .filter_map(|&position| collection.at(position))
            .map(|item| Projected::item(item, &self.omit, self.render))
            .collect();
        self.envelope(total, data)
    }

    /// One object as answered: projected, rendered, with `$meta.omitted` when fields are
    /// left out (single objects only; list items carry it in the envelope).
    pub fn single(&self, item: &Value) -> Value {
        project::project(item, &self.omit, self.render, true)
    }
}

/// The list envelope `{"$meta": …, "data": […]}`, ready to serialize.
#[derive(serde::Serialize)]
pub struct ListBody<'a> {
    #[serde(rename = "$meta")]
    meta: Value,
    data: Vec<Projected<'a>>,
}

impl ListBody<'_> {
    /// The envelope as a JSON value (for tests).
    #[cfg(test)]
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
