//! A builder for the Marketplace's RQL query strings: filters, `order`, `select`, `limit`,
//! `offset` and `render()`.
//!
//! The filter expression is the query string's first segment (`?and(eq(status,'Active'),…)`),
//! never an `rql=` parameter. Every text value is quoted with `'` and its characters
//! percent-encoded, except the unreserved ones (`A–Z a–z 0–9 - . _ ~`), so no value can be
//! mistaken for RQL syntax (`( ) , & = "`), for a `+` that a form decoder would turn into a
//! space, or for a `*` wildcard. Inside the quotes an apostrophe is written `\'` and a
//! backslash `\\`: the URL library percent-encodes `'` to `%27` in any https query, so an
//! encoded apostrophe would read as the closing quote. In `like`/`ilike` patterns a wildcard
//! is a bare `*` and a literal star is `\*`, as the platform documents. (A literal backslash
//! right before a wildcard cannot be expressed in that pattern language: `\*` reads as a
//! literal star.)
//!
//! ```
//! use marketplace_api::rql::{Filter, LikePattern, Query};
//! let query = Query::new()
//!     .filter(Filter::eq("status", "Active"))
//!     .filter(Filter::ilike("name", LikePattern::contains("robot")))
//!     .order_by_desc("audit.created.at")
//!     .select("audit")
//!     .limit(20);
//! assert_eq!(
//!     query.to_query_string(),
//!     "and(eq(status,'Active'),ilike(name,'*robot*'))&order=-audit.created.at&select=audit&limit=20"
//! );
//! ```

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters written as they are inside a quoted value; everything else is percent-encoded.
const VALUE_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Characters kept in a property path (`audit.created.at`, `$meta`).
const FIELD_KEEP: &AsciiSet = &VALUE_KEEP.remove(b'$');

/// The quote written around text values. The platform accepts `'` and `"`; the official
/// Python client writes `'`.
const QUOTE: char = '\'';

/// A value in a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A text value, written quoted and percent-encoded.
    Text(String),
    /// The `null()` constant: the property is absent or null.
    Null,
    /// The `empty()` constant: the property is an empty string.
    Empty,
    /// A number or boolean written without quotes (`true`, `42`); still percent-encoded.
    Literal(String),
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Literal(flag.to_string())
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Literal(number.to_string())
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Value::Text(text.clone())
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
}

impl CompareOp {
    fn name(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }
}

/// One piece of a `like` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternPart {
    /// Text matched as it is (a `*` in it is a literal star).
    Literal(String),
    /// `*`: any run of characters.
    Wildcard,
}

/// A `like`/`ilike` pattern built from literal text and wildcards, so a `*` typed by a user
/// is never taken for a wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikePattern {
    parts: Vec<PatternPart>,
}

impl LikePattern {
    /// A pattern from its parts.
    pub fn new(parts: Vec<PatternPart>) -> Self {
        Self { parts }
    }

    /// Matches values containing `text` (`*text*`).
    pub fn contains(text: impl Into<String>) -> Self {
        Self::new(vec![PatternPart::Wildcard, PatternPart::Literal(text.into()), PatternPart::Wildcard])
    }

    /// Matches values starting with `text` (`text*`).
    pub fn starts_with(text: impl Into<String>) -> Self {
        Self::new(vec![PatternPart::Literal(text.into()), PatternPart::Wildcard])
    }

    /// Matches values ending with `text` (`*text`).
    pub fn ends_with(text: impl Into<String>) -> Self {
        Self::new(vec![PatternPart::Wildcard, PatternPart::Literal(text.into())])
    }

    /// The parts of the pattern.
    pub fn parts(&self) -> &[PatternPart] {
        &self.parts
    }

    /// The pattern as the server reads it after decoding: `*` wildcards, `\*` literal stars.
    pub fn to_pattern_text(&self) -> String {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                PatternPart::Wildcard => text.push('*'),
                PatternPart::Literal(literal) => text.push_str(&literal.replace('*', "\\*")),
            }
        }
        text
    }

    fn write_to(&self, out: &mut String) {
        out.push(QUOTE);
        for part in &self.parts {
            match part {
                PatternPart::Wildcard => out.push('*'),
                PatternPart::Literal(literal) => write_quoted_text(out, literal, true),
            }
        }
        out.push(QUOTE);
    }
}

/// An RQL filter expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `op(field,value)`.
    Compare {
        /// The operator.
        op: CompareOp,
        /// The property path (`status`, `account.id`).
        field: String,
        /// The value compared with.
        value: Value,
    },
    /// `like(field,pattern)` or, when `case_insensitive`, `ilike(field,pattern)`.
    Like {
        /// `ilike` rather than `like`.
        case_insensitive: bool,
        /// The property path.
        field: String,
        /// The pattern.
        pattern: LikePattern,
    },
    /// `in(field,(a,b))`, or `out(field,(a,b))` when `negated`.
    List {
        /// `out` rather than `in`.
        negated: bool,
        /// The property path.
        field: String,
        /// The values.
        values: Vec<Value>,
    },
    /// `and(a,b,…)`.
    And(Vec<Filter>),
    /// `or(a,b,…)`.
    Or(Vec<Filter>),
    /// `not(a)`.
    Not(Box<Filter>),
}

impl Filter {
    fn compare(op: CompareOp, field: impl Into<String>, value: impl Into<Value>) -> Self {
        Filter::Compare { op, field: field.into(), value: value.into() }
    }

    /// `eq(field,value)`.
    pub fn eq(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Eq, field, value)
    }

    /// `ne(field,value)`.
    pub fn ne(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Ne, field, value)
    }

    /// `gt(field,value)`.
    pub fn gt(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Gt, field, value)
    }

    /// `ge(field,value)`.
    pub fn ge(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Ge, field, value)
    }

    /// `lt(field,value)`.
    pub fn lt(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Lt, field, value)
    }

    /// `le(field,value)`.
    pub fn le(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::compare(CompareOp::Le, field, value)
    }

    /// `like(field,pattern)`: case-sensitive match with wildcards.
    pub fn like(field: impl Into<String>, pattern: LikePattern) -> Self {
        Filter::Like { case_insensitive: false, field: field.into(), pattern }
    }

    /// `ilike(field,pattern)`: case-insensitive match with wildcards.
    pub fn ilike(field: impl Into<String>, pattern: LikePattern) -> Self {
        Filter::Like { case_insensitive: true, field: field.into(), pattern }
    }

    /// `in(field,(values…))`: the property is one of the values.
    pub fn one_of<V: Into<Value>>(field: impl Into<String>, values: impl IntoIterator<Item = V>) -> Self {
        Filter::List { negated: false, field: field.into(), values: values.into_iter().map(Into::into).collect() }
    }

    /// `out(field,(values…))`: the property is none of the values.
    pub fn none_of<V: Into<Value>>(field: impl Into<String>, values: impl IntoIterator<Item = V>) -> Self {
        Filter::List { negated: true, field: field.into(), values: values.into_iter().map(Into::into).collect() }
    }

    /// `and(…)` of all the filters.
    pub fn and(filters: impl IntoIterator<Item = Filter>) -> Self {
        Filter::And(filters.into_iter().collect())
    }

    /// `or(…)` of all the filters.
    pub fn or(filters: impl IntoIterator<Item = Filter>) -> Self {
        Filter::Or(filters.into_iter().collect())
    }

    /// `not(filter)`.
    #[allow(clippy::should_implement_trait)] // a constructor, like `and`/`or`, not negation of self
    pub fn not(filter: Filter) -> Self {
        Filter::Not(Box::new(filter))
    }

    /// The filter as RQL text, ready for a query string.
    pub fn to_rql(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Filter::Compare { op, field, value } => {
                out.push_str(op.name());
                out.push('(');
                write_encoded(out, field, FIELD_KEEP);
                out.push(',');
                write_value(out, value);
                out.push(')');
            }
            Filter::Like { case_insensitive, field, pattern } => {
                out.push_str(if *case_insensitive { "ilike(" } else { "like(" });
                write_encoded(out, field, FIELD_KEEP);
                out.push(',');
                pattern.write_to(out);
                out.push(')');
            }
            Filter::List { negated, field, values } => {
                out.push_str(if *negated { "out(" } else { "in(" });
                write_encoded(out, field, FIELD_KEEP);
                out.push_str(",(");
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_value(out, value);
                }
                out.push_str("))");
            }
            Filter::And(filters) => write_group(out, "and", filters),
            Filter::Or(filters) => write_group(out, "or", filters),
            Filter::Not(filter) => {
                out.push_str("not(");
                filter.write_to(out);
                out.push(')');
            }
        }
    }
}

fn write_group(out: &mut String, name: &str, filters: &[Filter]) {
    out.push_str(name);
    out.push('(');
    for (index, filter) in filters.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        filter.write_to(out);
    }
    out.push(')');
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null()"),
        Value::Empty => out.push_str("empty()"),
        Value::Literal(text) => write_encoded(out, text, VALUE_KEEP),
        Value::Text(text) => {
            out.push(QUOTE);
            write_quoted_text(out, text, false);
            out.push(QUOTE);
        }
    }
}

/// The inside of a quoted value: `'` and `\` escaped with a backslash, a literal `*` of a
/// like pattern as `\*`, everything else percent-encoded unless unreserved. `\` and `*` are
/// not RQL syntax and are left alone by URL encoding, so they reach the server as written.
fn write_quoted_text(out: &mut String, text: &str, like_pattern: bool) {
    let mut rest = text;
    while let Some(at) = rest.find(|c| c == '\\' || c == QUOTE || (like_pattern && c == '*')) {
        write_encoded(out, &rest[..at], VALUE_KEEP);
        out.push('\\');
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    write_encoded(out, rest, VALUE_KEEP);
}

fn write_encoded(out: &mut String, text: &str, keep: &'static AsciiSet) {
    // `write!` into a String cannot fail.
    let _ = write!(out, "{}", utf8_percent_encode(text, keep));
}

/// Sort direction of one `order` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBy {
    /// The property path.
    pub field: String,
    /// Descending (`-field`) rather than ascending.
    pub descending: bool,
}

/// A list query: filter, order, projection, paging and `render()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    filter: Option<Filter>,
    order: Vec<OrderBy>,
    select: Vec<String>,
    limit: Option<u32>,
    offset: Option<u32>,
    render: bool,
}

impl Query {
    /// An empty query: everything, in the server's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a filter; several filters are combined with `and`.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            None => filter,
            Some(Filter::And(mut all)) => {
                all.push(filter);
                Filter::And(all)
            }
            Some(existing) => Filter::And(vec![existing, filter]),
        });
        self
    }

    /// Sorts by `field` ascending, after any earlier sort keys.
    pub fn order_by(mut self, field: impl Into<String>) -> Self {
        self.order.push(OrderBy { field: field.into(), descending: false });
        self
    }

    /// Sorts by `field` descending, after any earlier sort keys.
    pub fn order_by_desc(mut self, field: impl Into<String>) -> Self {
        self.order.push(OrderBy { field: field.into(), descending: true });
        self
    }

    /// Adds a `select` entry: `audit` (include or expand), `+audit` (add a default-omitted
    /// field), `-name` (leave a field out).
    pub fn select(mut self, field: impl Into<String>) -> Self {
        self.select.push(field.into());
        self
    }

    /// At most this many items (the platform caps pages at 100; `0` asks only for the total).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip this many items.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Asks the server to fill in the `{{…}}` placeholders of audit summaries and details.
    pub fn render(mut self) -> Self {
        self.render = true;
        self
    }

    /// The filter, if any.
    pub fn filter_expr(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// The sort keys.
    pub fn order_keys(&self) -> &[OrderBy] {
        &self.order
    }

    /// The limit, if set.
    pub fn limit_value(&self) -> Option<u32> {
        self.limit
    }

    /// The offset, if set.
    pub fn offset_value(&self) -> Option<u32> {
        self.offset
    }

    /// The query string, without the leading `?`.
    pub fn to_query_string(&self) -> String {
        let mut segments: Vec<String> = Vec::new();
        if let Some(filter) = &self.filter {
            segments.push(filter.to_rql());
        }
        if !self.order.is_empty() {
            let keys: Vec<String> = self
                .order
                .iter()
                .map(|key| {
                    let mut text = String::from(if key.descending { "-" } else { "" });
                    write_encoded(&mut text, &key.field, FIELD_KEEP);
                    text
                })
                .collect();
            segments.push(format!("order={}", keys.join(",")));
        }
        if !self.select.is_empty() {
            let fields: Vec<String> = self.select.iter().map(|field| encode_select(field)).collect();
            segments.push(format!("select={}", fields.join(",")));
        }
        if let Some(limit) = self.limit {
            segments.push(format!("limit={limit}"));
        }
        if let Some(offset) = self.offset {
            segments.push(format!("offset={offset}"));
        }
        if self.render {
            segments.push("render()".to_owned());
        }
        segments.join("&")
    }
}

/// A `select` entry keeps its leading `-` as it is; a leading `+` is percent-encoded so that a
/// form decoder does not read it as a space.
fn encode_select(field: &str) -> String {
    let mut out = String::new();
    let rest = if let Some(rest) = field.strip_prefix('-') {
        out.push('-');
        rest
    } else if let Some(rest) = field.strip_prefix('+') {
        out.push_str("%2B");
        rest
    } else {
        field
    };
    write_encoded(&mut out, rest, FIELD_KEEP);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_encoded() {
        let filter = Filter::eq("name", "Bob's \"robot\" * & , ( ) = + % é \\");
        assert_eq!(
            filter.to_rql(),
            "eq(name,'Bob\\'s%20%22robot%22%20%2A%20%26%20%2C%20%28%20%29%20%3D%20%2B%20%25%20%C3%A9%20\\\\')"
        );
    }

    #[test]
    fn constants_are_not_quoted() {
        assert_eq!(Filter::eq("description", Value::Null).to_rql(), "eq(description,null())");
        assert_eq!(Filter::ne("icon", Value::Empty).to_rql(), "ne(icon,empty())");
        assert_eq!(Filter::eq("isDefault", true).to_rql(), "eq(isDefault,true)");
        assert_eq!(Filter::ge("revision", 3).to_rql(), "ge(revision,3)");
    }

    #[test]
    fn like_patterns_keep_wildcards_and_escape_literal_stars() {
        let pattern = LikePattern::new(vec![
            PatternPart::Literal("a*b c".into()),
            PatternPart::Wildcard,
            PatternPart::Literal("*".into()),
        ]);
        assert_eq!(Filter::like("name", pattern.clone()).to_rql(), "like(name,'a\\*b%20c*\\*')");
        assert_eq!(pattern.to_pattern_text(), "a\\*b c*\\*");
        assert_eq!(Filter::ilike("name", LikePattern::contains("x")).to_rql(), "ilike(name,'*x*')");
    }

    #[test]
    fn lists_and_groups() {
        let filter = Filter::and([
            Filter::one_of("status", ["Active", "Disabled"]),
            Filter::not(Filter::none_of("account.id", ["ACC-1234-5678"])),
            Filter::or([Filter::gt("lastAccessAt", "2026-01-01T00:00:00.000Z"), Filter::le("a", "b")]),
        ]);
        assert_eq!(
            filter.to_rql(),
            "and(in(status,('Active','Disabled')),not(out(account.id,('ACC-1234-5678'))),\
             or(gt(lastAccessAt,'2026-01-01T00%3A00%3A00.000Z'),le(a,'b')))"
        );
    }

    #[test]
    fn query_string_puts_the_filter_first() {
        let query = Query::new()
            .filter(Filter::eq("status", "Active"))
            .filter(Filter::eq("a", "1"))
            .filter(Filter::eq("b", "2"))
            .order_by("name")
            .order_by_desc("audit.created.at")
            .select("+audit")
            .select("-name")
            .limit(100)
            .offset(200)
            .render();
        assert_eq!(
            query.to_query_string(),
            "and(eq(status,'Active'),eq(a,'1'),eq(b,'2'))&order=name,-audit.created.at\
             &select=%2Baudit,-name&limit=100&offset=200&render()"
        );
        assert_eq!(Query::new().to_query_string(), "");
        assert_eq!(Query::new().limit(0).to_query_string(), "limit=0");
    }
}
