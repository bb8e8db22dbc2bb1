//! The compile stage: checks a parsed query against a [`ResourceSpec`] and turns it into a
//! [`PreparedQuery`] whose filter, order and projection name row fields by index.
//!
//! Compiling once per request means paths are resolved and `like` patterns prepared once,
//! not once per object the query visits.

use crate::problem::Problem;
use crate::rql::{self, CompareOp, Expr, ListOp, ListQuery};

use super::evaluate::Pattern;
use super::{MAX_LIMIT, PreparedQuery, ResourceSpec};

/// A compiled filter: the RQL expression tree with each field path replaced by its index
/// in the spec (and so in a [`Row`](crate::collection::Row)).
pub(super) enum Filter {
    /// Every part holds.
    And(Vec<Filter>),
    /// Some part holds.
    Or(Vec<Filter>),
    /// The inner filter does not hold; `ne` and `out` compile to this around their positive
    /// test.
    Not(Box<Filter>),
    /// One test on the values of one field.
    Leaf { field: usize, test: Test },
}

/// The test a [`Filter::Leaf`] applies to a field's values.
pub(super) enum Test {
    /// `eq(field,null())`: the field is null or missing.
    IsNull,
    /// `eq(field,empty())`: an empty string or collection.
    IsEmpty,
    /// `eq(field,value)`.
    Equals(String),
    /// `gt`, `ge`, `lt` or `le` against a value.
    Compare(CompareOp, String),
    /// `like` or `ilike`.
    Like(Pattern),
    /// `in(field,(values))`.
    In(Vec<String>),
}

/// Checks a list query and compiles it: filter, order, page and projection.
pub(super) fn list(query: &ListQuery, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    let omit = projection(query, spec, spec.list_omitted);
    let check_path = |field: &str, context: &str| -> Result<usize, Problem> {
        let Some(index) = spec.field_index(field) else {
            return Err(Problem::bad_request(format!("Unknown field '{field}' in {context}")));
        };
        let top = field.split('.').next().unwrap_or(field);
        if omit.iter().any(|o| o == top) && spec.list_omitted.contains(&top) {
            // Guess: the docs say filtering or sorting on an omitted field such as audit
            // needs it selected, "otherwise the API may ignore the filter or return 400";
            // the simulator takes the strict reading (docs/marketplace-api.md §9.5).
            return Err(Problem::bad_request(format!("Field '{field}' in {context} requires select={top}")));
        }
        Ok(index)
    };
    let filter = match &query.filter {
        Some(expr) => Some(compile(expr, &check_path)?),
        None => None,
    };
    let order = query
        .order
        .iter()
        .map(|(field, descending)| Ok((check_path(field, "order")?, *descending)))
        .collect::<Result<Vec<_>, Problem>>()?;
    let limit = query.limit.unwrap_or(MAX_LIMIT).min(MAX_LIMIT) as usize;
    let offset = query.offset.unwrap_or(0) as usize;
    Ok(PreparedQuery { filter, order, limit, offset, omit, render: query.render, matches_key: String::new() })
}

/// Compiles the query of a single-object request: only `select` and `render()` count
/// (filters, order and paging are parsed but not applied).
pub(super) fn single(query: &ListQuery, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    let omit = projection(query, spec, spec.get_omitted);
    Ok(PreparedQuery {
        filter: None,
        order: Vec::new(),
        limit: 1,
        offset: 0,
        omit,
        render: query.render,
        matches_key: String::new(),
    })
}

/// Which fields to leave out: the default-omitted ones not selected back (`+field` or
/// `field`), plus `-field`s.
fn projection(query: &ListQuery, spec: &ResourceSpec, omitted: &[&str]) -> Vec<String> {
    let mut omit: Vec<String> = omitted.iter().map(|s| s.to_string()).collect();
    for item in &query.select {
        let (remove, field) = match item.strip_prefix('-') {
            Some(field) => (true, field),
            None => (false, item.trim_start_matches('+')),
        };
        if !spec.selectable.contains(&field) {
            // The platform's RQL library ignores a select path it does not know rather than
            // refusing it (docs/marketplace-api.md §5.7).
            continue;
        }
        omit.retain(|o| o != field);
        if remove {
            omit.push(field.to_string());
        }
    }
    omit
}

/// Compiles one RQL expression, resolving each field through `check_path` (which also
/// refuses fields the query may not use).
fn compile(expr: &Expr, check_path: &impl Fn(&str, &str) -> Result<usize, Problem>) -> Result<Filter, Problem> {
    let negate = |filter: Filter| Filter::Not(Box::new(filter));
    Ok(match expr {
        Expr::And(items) => Filter::And(items.iter().map(|e| compile(e, check_path)).collect::<Result<_, _>>()?),
        Expr::Or(items) => Filter::Or(items.iter().map(|e| compile(e, check_path)).collect::<Result<_, _>>()?),
        Expr::Not(inner) => negate(compile(inner, check_path)?),
        Expr::Compare { op, field, value } => {
            let index = check_path(field, "filter")?;
            let test = match (op, value) {
                (CompareOp::Eq | CompareOp::Ne, rql::Value::Null) => Test::IsNull,
                (CompareOp::Eq | CompareOp::Ne, rql::Value::Empty) => Test::IsEmpty,
                (CompareOp::Eq | CompareOp::Ne, rql::Value::Text(text)) => Test::Equals(text.clone()),
                (CompareOp::Like, rql::Value::Text(text)) => Test::Like(Pattern::new(text, false)),
                (CompareOp::Ilike, rql::Value::Text(text)) => Test::Like(Pattern::new(text, true)),
                (op, rql::Value::Text(text)) => Test::Compare(*op, text.clone()),
                (op, _) => {
                    return Err(Problem::bad_request(format!(
                        "null() and empty() can only be used with eq and ne, not {op:?} on '{field}'"
                    )));
                }
            };
            let leaf = Filter::Leaf { field: index, test };
            if *op == CompareOp::Ne { negate(leaf) } else { leaf }
        }
        Expr::List { op, field, values } => {
            let index = check_path(field, "filter")?;
            let texts = values
                .iter()
                .map(|v| match v {
                    rql::Value::Text(text) => Ok(text.clone()),
                    _ => Err(Problem::bad_request(format!(
                        "in() and out() take plain values, not null() or empty(), on '{field}'"
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let leaf = Filter::Leaf { field: index, test: Test::In(texts) };
            if *op == ListOp::Out { negate(leaf) } else { leaf }
        }
    })
}
