//! Applies a parsed RQL query to a collection: field checks, filtering, multi-key ordering,
//! paging with the documented envelope, and `select` projection with `$meta.omitted`.
//!
//! Filters are compiled once per request (paths resolved to row fields, patterns prepared)
//! and read each object's pre-extracted [`Row`]; sort keys are extracted once per object and
//! only the requested page is fully sorted, so a page out of tens of thousands of objects
//! costs time linear in the collection.

use std::cmp::Ordering;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::collection::{Leaf, Row};
use crate::problem::Problem;
use crate::rql::{self, CompareOp, Expr, ListOp, ListQuery};

/// Page size cap, and the size used when `limit` is absent.
// Guess: the docs cap `limit` at 100 and hint at a larger default; a default above the cap
// cannot take effect, so the simulator uses 100 for both (reference §5, §10.7).
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
    order: Vec<(usize, bool)>,
    limit: usize,
    offset: usize,
    /// Fields removed from each object in the answer.
    omit: Vec<String>,
    render: bool,
}

/// Parses and checks a list query string.
pub fn prepare_list(raw_query: &str, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    let query = rql::parse_query(raw_query).map_err(|e| Problem::bad_request(e.message))?;
    let omit = projection(&query, spec, spec.list_omitted)?;
    let check_path = |field: &str, context: &str| -> Result<usize, Problem> {
        let Some(index) = spec.field_index(field) else {
            return Err(Problem::bad_request(format!("Unknown field '{field}' in {context}")));
        };
        let top = field.split('.').next().unwrap_or(field);
        if omit.iter().any(|o| o == top) && spec.list_omitted.contains(&top) {
            // Guess: the docs say filtering or sorting on an omitted field such as audit
            // needs it selected, "otherwise the API may ignore the filter or return 400";
            // the simulator takes the strict reading (reference §5).
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
    Ok(PreparedQuery { filter, order, limit, offset, omit, render: query.render })
}

/// Parses the query string of a single-object request: only `select` and `render()` count.
pub fn prepare_get(raw_query: &str, spec: &ResourceSpec) -> Result<PreparedQuery, Problem> {
    let query = rql::parse_query(raw_query).map_err(|e| Problem::bad_request(e.message))?;
    let omit = projection(&query, spec, spec.get_omitted)?;
    Ok(PreparedQuery { filter: None, order: Vec::new(), limit: 1, offset: 0, omit, render: query.render })
}

/// Which fields to leave out: the default-omitted ones not selected back, plus `-field`s.
fn projection(query: &ListQuery, spec: &ResourceSpec, omitted: &[&str]) -> Result<Vec<String>, Problem> {
    let mut omit: Vec<String> = omitted.iter().map(|s| s.to_string()).collect();
    for item in &query.select {
        let (remove, field) = match item.strip_prefix('-') {
            Some(field) => (true, field),
            None => (false, item.trim_start_matches('+')),
        };
        if !spec.selectable.contains(&field) {
            return Err(Problem::bad_request(format!("Unknown field '{field}' in select")));
        }
        omit.retain(|o| o != field);
        if remove {
            omit.push(field.to_string());
        }
    }
    Ok(omit)
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
        let page: Vec<&Value> = if self.offset >= end {
            Vec::new()
        } else if self.order.is_empty() {
            matching[self.offset..end].iter().map(|(item, _)| *item).collect()
        } else {
            self.ordered_page(&matching, end)
        };
        // Items are serialized straight from the store; only render() needs copies.
        let data: Vec<Projected<'a>> = page
            .into_iter()
            .map(|item| match item {
                Value::Object(object) if !self.render => Projected::Borrowed { object, omit: &self.omit },
                other => Projected::Owned(self.project(other, false)),
            })
            .collect();
        let mut meta = json!({
            "pagination": { "offset": self.offset, "limit": self.limit, "total": total },
        });
        if !self.omit.is_empty() {
            meta["omitted"] = json!(self.omit);
        }
        ListBody { meta, data }
    }

    /// Items `offset..end` in `order`. Only the first `end` items are fully sorted (a
    /// selection puts them in front in linear time). Each item carries an 8-byte prefix of
    /// its first sort key, so most comparisons need no trip to the values themselves; ties
    /// fall back to the full keys and then to creation order, so pages are the ones a
    /// stable sort of the whole collection would give.
    fn ordered_page<'a>(&self, matching: &[(&'a Value, Row<'a>)], end: usize) -> Vec<&'a Value> {
        let Some(&(first_field, first_descending)) = self.order.first() else {
            return matching.iter().skip(self.offset).take(end - self.offset).map(|(item, _)| *item).collect();
        };
        let compare = |a: &(u64, u32), b: &(u64, u32)| -> Ordering {
            let prefix = if first_descending { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) };
            if prefix != Ordering::Equal {
                return prefix;
            }
            let (row_a, row_b) = (matching[a.1 as usize].1, matching[b.1 as usize].1);
            for (field, descending) in &self.order {
                let ordering = SortKey::of(row_a, *field).cmp(&SortKey::of(row_b, *field));
                if ordering != Ordering::Equal {
                    return if *descending { ordering.reverse() } else { ordering };
                }
            }
            a.1.cmp(&b.1)
        };
        let mut keyed: Vec<(u64, u32)> =
            matching.iter().zip(0u32..).map(|((_, row), i)| (SortKey::of(*row, first_field).prefix(), i)).collect();
        if end < keyed.len() {
            keyed.select_nth_unstable_by(end - 1, compare);
            keyed.truncate(end);
        }
        keyed.sort_unstable_by(compare);
        keyed[self.offset..].iter().map(|&(_, i)| matching[i as usize].0).collect()
    }

    /// One object as answered: projected, rendered, with `$meta.omitted` when fields are
    /// left out (single objects only; list items carry it in the envelope).
    pub fn single(&self, item: &Value) -> Value {
        self.project(item, true)
    }

    fn project(&self, item: &Value, with_meta: bool) -> Value {
        let mut object: Map<String, Value> = match item {
            Value::Object(map) => map
                .iter()
                .filter(|(key, _)| !self.omit.iter().any(|o| o == *key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            other => return other.clone(),
        };
        let omitted_here: Vec<&String> = self.omit.iter().filter(|o| item.get(o.as_str()).is_some()).collect();
        if with_meta && !omitted_here.is_empty() {
            object.insert("$meta".into(), json!({ "omitted": omitted_here }));
        }
        let mut value = Value::Object(object);
        if self.render {
            render_templates(&mut value);
        }
        value
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

/// One list item: the stored object minus omitted fields, or a rendered copy.
enum Projected<'a> {
    Borrowed { object: &'a Map<String, Value>, omit: &'a [String] },
    Owned(Value),
}

impl Serialize for Projected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Projected::Owned(value) => value.serialize(serializer),
            Projected::Borrowed { object, omit } => {
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in object.iter().filter(|(key, _)| !omit.contains(key)) {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// Replaces `{{path}}` placeholders in `summary` and `details` with the values at those
/// paths of the same object (the `render()` option of audit records, reference §4.2).
fn render_templates(object: &mut Value) {
    for field in ["summary", "details"] {
        let Some(text) = object.get(field).and_then(Value::as_str) else { continue };
        let mut rendered = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            rendered.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                rendered.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let path = after[..end].trim();
            let mut target = &*object;
            for part in path.split('.') {
                target = target.get(part).unwrap_or(&Value::Null);
            }
            match target {
                Value::String(s) => rendered.push_str(s),
                Value::Null => {}
                other => rendered.push_str(&other.to_string()),
            }
            rest = &after[end + 2..];
        }
        rendered.push_str(rest);
        object[field] = Value::String(rendered);
    }
}

/// A compiled filter.
enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Leaf { field: usize, test: Test },
}

enum Test {
    IsNull,
    IsEmpty,
    Equals(String),
    Compare(CompareOp, String),
    Like(Pattern),
    In(Vec<String>),
}

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

impl Filter {
    fn matches(&self, row: &Row<'_>) -> bool {
        match self {
            Filter::And(all) => all.iter().all(|f| f.matches(row)),
            Filter::Or(any) => any.iter().any(|f| f.matches(row)),
            Filter::Not(inner) => !inner.matches(row),
            Filter::Leaf { field, test } => {
                let mut leaves = row.field(*field);
                match test {
                    // A missing field is null: the platform omits nulls.
                    Test::IsNull => leaves.all(|leaf| leaf.is_null()),
                    _ => leaves.any(|leaf| test.holds_leaf(leaf)),
                }
            }
        }
    }
}

/// Calls `f` with every value at `path`, stepping into arrays on the way (so
/// `modules.id` visits the id of each module). The final value is passed as is.
pub(crate) fn visit_leaves<'a, S: AsRef<str>>(value: &'a Value, path: &[S], f: &mut impl FnMut(&'a Value)) {
    match (value, path.split_first()) {
        (Value::Array(items), Some(_)) => items.iter().for_each(|item| visit_leaves(item, path, f)),
        (Value::Object(map), Some((head, rest))) => {
            if let Some(next) = map.get(head.as_ref()) {
                visit_leaves(next, rest, f);
            }
        }
        (_, Some(_)) => {}
        (leaf, None) => f(leaf),
    }
}

impl Test {
    fn holds_leaf(&self, leaf: Leaf<'_>) -> bool {
        match leaf {
            Leaf::Text(text) => self.holds_text(text),
            Leaf::Value(value) => self.holds(value),
        }
    }

    fn holds(&self, leaf: &Value) -> bool {
        if let Value::Array(items) = leaf {
            // Guess: `empty()` matches an empty collection; other tests hold when any
            // element satisfies them (reference §5 leaves collection semantics open).
            return match self {
                Test::IsEmpty => items.is_empty(),
                _ => items.iter().any(|item| self.holds(item)),
            };
        }
        scalar_text(leaf).is_some_and(|text| self.holds_text(&text))
    }

    fn holds_text(&self, text: &str) -> bool {
        match self {
            Test::IsNull => false,
            // Guess: empty() is the empty string or collection; null is matched by null().
            Test::IsEmpty => text.is_empty(),
            Test::Equals(expected) => text == expected.as_str(),
            Test::Compare(op, expected) => {
                let ordering = compare_scalars(text, expected);
                match op {
                    CompareOp::Gt => ordering == Ordering::Greater,
                    CompareOp::Ge => ordering != Ordering::Less,
                    CompareOp::Lt => ordering == Ordering::Less,
                    CompareOp::Le => ordering != Ordering::Greater,
                    _ => false,
                }
            }
            Test::Like(pattern) => pattern.matches(text),
            Test::In(values) => values.iter().any(|v| v.as_str() == text),
        }
    }
}

fn scalar_text(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match value {
        Value::String(s) => Some(std::borrow::Cow::Borrowed(s)),
        Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(std::borrow::Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// Numbers compare as numbers, everything else as text. Timestamps share one fixed-width
/// format, so their text order is their time order.
fn compare_scalars(left: &str, right: &str) -> Ordering {
    match (left.parse::<f64>(), right.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => left.cmp(right),
    }
}

/// A `like`/`ilike` pattern: `*` is a wildcard, `\*` a literal star.
struct Pattern {
    parts: Vec<String>,
    case_insensitive: bool,
}

impl Pattern {
    fn new(text: &str, case_insensitive: bool) -> Self {
        let mut parts = vec![String::new()];
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'*') => {
                    chars.next();
                    if let Some(part) = parts.last_mut() {
                        part.push('*');
                    }
                }
                '*' => parts.push(String::new()),
                c => {
                    if let Some(part) = parts.last_mut() {
                        part.push(c);
                    }
                }
            }
        }
        if case_insensitive {
            parts = parts.into_iter().map(|p| p.to_lowercase()).collect();
        }
        Self { parts, case_insensitive }
    }

    fn matches(&self, text: &str) -> bool {
        if self.case_insensitive && !text.is_ascii() {
            // The parts are already lower-case; Unicode case folding needs a copy.
            return glob(text.to_lowercase().as_bytes(), &self.parts, false);
        }
        // ASCII text compares case-insensitively in place, without allocating.
        glob(text.as_bytes(), &self.parts, self.case_insensitive)
    }
}

/// Matches `text` against literal `parts` separated by `*` wildcards.
fn glob(text: &[u8], parts: &[String], ascii_case_insensitive: bool) -> bool {
    let same = |a: &[u8], b: &[u8]| if ascii_case_insensitive { a.eq_ignore_ascii_case(b) } else { a == b };
    let Some((first, rest)) = parts.split_first() else { return text.is_empty() };
    let first = first.as_bytes();
    if rest.is_empty() {
        return same(text, first);
    }
    if text.len() < first.len() || !same(&text[..first.len()], first) {
        return false;
    }
    let mut remaining = &text[first.len()..];
    let Some((last, middle)) = rest.split_last() else { return true };
    for part in middle {
        let part = part.as_bytes();
        let found = (0..=remaining.len().saturating_sub(part.len()))
            .find(|&at| remaining.len() >= at + part.len() && same(&remaining[at..at + part.len()], part));
        match found {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    let last = last.as_bytes();
    remaining.len() >= last.len() && same(&remaining[remaining.len() - last.len()..], last)
}

/// One sort key of one object. Missing values sort first in ascending order, then
/// numbers, then text.
enum SortKey<'a> {
    Missing,
    Number(f64),
    Text(&'a str),
}

impl SortKey<'_> {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Missing => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

impl PartialEq for SortKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for SortKey<'_> {}
impl PartialOrd for SortKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SortKey<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => compare_text(a, b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl SortKey<'_> {
    /// A number whose order never contradicts the keys' order: `a.prefix() < b.prefix()`
    /// implies `a < b` (equal prefixes decide nothing). The top two bits hold the rank;
    /// text keeps the first seven bytes of its case-folded UTF-8 (whose byte order is the
    /// code-point order `compare_text` uses), numbers their order-preserving bits.
    fn prefix(&self) -> u64 {
        match self {
            SortKey::Missing => 0,
            SortKey::Number(n) => {
                let bits = n.to_bits();
                let ordered = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
                (1 << 62) | (ordered >> 2)
            }
            SortKey::Text(text) => {
                let mut bytes = [0u8; 8];
                let mut filled = 1;
                let mut buffer = [0u8; 4];
                'fill: for c in text.chars().flat_map(char::to_lowercase) {
                    for &byte in c.encode_utf8(&mut buffer).as_bytes() {
                        if filled == 8 {
                            break 'fill;
                        }
                        bytes[filled] = byte;
                        filled += 1;
                    }
                }
                (2 << 62) | u64::from_be_bytes(bytes)
            }
        }
    }
}

/// Case-insensitive, then ordinal to break ties.
// Guess: text sorts case-insensitively with an ordinal tie-break, as a typical database
// collation does (reference §5 says nothing).
fn compare_text(a: &str, b: &str) -> Ordering {
    let folded = if a.is_ascii() && b.is_ascii() {
        a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.chars().flat_map(char::to_lowercase).cmp(b.chars().flat_map(char::to_lowercase))
    };
    folded.then_with(|| a.cmp(b))
}

impl<'a> SortKey<'a> {
    /// The first value of the field (the first element for a path through an array).
    fn of(row: Row<'a>, field: usize) -> Self {
        match row.field(field).next() {
            Some(Leaf::Text(s)) => SortKey::Text(s),
            Some(Leaf::Value(Value::String(s))) => SortKey::Text(s),
            Some(Leaf::Value(Value::Number(n))) => SortKey::Number(n.as_f64().unwrap_or(0.0)),
            Some(Leaf::Value(Value::Bool(b))) => SortKey::Number(f64::from(u8::from(*b))),
            _ => SortKey::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        let p = Pattern::new("*robot*", true);
        assert!(p.matches("ERP Robot sync"));
        assert!(!p.matches("ERP sync"));
        let p = Pattern::new("ERP*", false);
        assert!(p.matches("ERP sync"));
        assert!(!p.matches("erp sync"));
        let p = Pattern::new(r"*\*star", false);
        assert!(p.matches("a *star"));
        assert!(!p.matches("a star"));
        assert!(Pattern::new("*ÄRGER*", true).matches("großer ärger"));
        assert!(Pattern::new("*r*", true).matches("R"));
        assert!(!Pattern::new("ab*ba", false).matches("aba"), "parts may not overlap");
        let p = Pattern::new("a*b*a", false);
        assert!(p.matches("aba"));
        assert!(!p.matches("ab"));
        assert!(Pattern::new("exact", false).matches("exact"));
        assert!(!Pattern::new("exact", false).matches("exactly"));
    }

    #[test]
    fn text_sorts_case_insensitively_then_ordinally() {
        assert_eq!(compare_text("apple", "Banana"), Ordering::Less);
        assert_eq!(compare_text("B", "b"), Ordering::Less);
        assert_eq!(compare_text("Äb", "äa"), Ordering::Greater);
        assert!(SortKey::Missing < SortKey::Number(1.0) && SortKey::Number(9.0) < SortKey::Text("0"));
        let keys = [
            SortKey::Missing,
            SortKey::Number(-5.5),
            SortKey::Number(0.0),
            SortKey::Number(3.0),
            SortKey::Number(1e9),
            SortKey::Text(""),
            SortKey::Text("ERP sync"),
            SortKey::Text("erp sync robot"),
            SortKey::Text("ERP sync robot 2"),
            SortKey::Text("Zebra"),
            SortKey::Text("Ärger"),
        ];
        for a in &keys {
            for b in &keys {
                if a.prefix() < b.prefix() {
                    assert_eq!(a.cmp(b), Ordering::Less, "prefix order contradicts key order");
                }
            }
        }
        assert!(SortKey::Text("Apple").prefix() < SortKey::Text("banana").prefix());
    }

    #[test]
    fn a_page_matches_a_full_stable_sort() {
        static SPEC: ResourceSpec =
            ResourceSpec { fields: &["id", "name"], selectable: &["id", "name"], list_omitted: &[], get_omitted: &[] };
        let items: Vec<Value> = (0..500).map(|i| json!({"id": i, "name": format!("n{}", (i * 7919) % 13)})).collect();
        let mut collection = crate::collection::Collection::new(&SPEC);
        for item in &items {
            collection.insert(item.clone());
        }
        let mut expected: Vec<&Value> = items.iter().collect();
        expected.sort_by(|a, b| compare_text(b["name"].as_str().unwrap_or(""), a["name"].as_str().unwrap_or("")));
        for offset in [0, 37, 480] {
            let query = prepare_list(&format!("order=-name&limit=30&offset={offset}"), &SPEC).expect("valid");
            let page = query.list(collection.entries()).to_value();
            let ids: Vec<&Value> = page["data"].as_array().expect("data").iter().map(|t| &t["id"]).collect();
            let want: Vec<&Value> = expected.iter().skip(offset).take(30).map(|t| &t["id"]).collect();
            assert_eq!(ids, want, "offset {offset}");
        }
    }

    #[test]
    fn renders_placeholders() {
        let mut record = json!({"summary": "Token {{object.id}} created", "details": "by {{actor.name}}{{missing}}.", "object": {"id": "TKN-1"}, "actor": {"name": "Ann"}});
        render_templates(&mut record);
        assert_eq!(record["summary"], "Token TKN-1 created");
        assert_eq!(record["details"], "by Ann.");
    }
}
