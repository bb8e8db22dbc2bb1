//! A builder for the Marketplace's RQL query strings: filters, `order`, `select`, `limit`,
//! `offset` and `render()`.
//!
//! The filter expression is the query string's first segment (`?and(eq(status,'Active'),…)`),
//! never an `rql=` parameter. Text values are written as SoftwareOne's own Python client writes
//! them (`mpt_api_client/rql/encoding.py`, docs/marketplace-api.md §9.3):
//!
//! - A string literal is delimited by `'` or `"`. Inside it every character is data except the
//!   delimiter, and there are **no escapes** (`\'` does not escape a quote).
//! - The server percent-decodes each query parameter *before* parsing its RQL, so percent-encoding
//!   a quote does not hide it. The delimiter is therefore chosen per value: `'`, or `"` when the
//!   value holds a `'`. A value holding both cannot be written: building the query string fails
//!   with [`QueryError::BothQuotes`] (and the client's list calls with
//!   [`ErrorKind::InvalidQuery`](crate::ErrorKind::InvalidQuery)), before anything is sent.
//! - Inside the quotes, everything but the unreserved characters (`A–Z a–z 0–9 - . _ ~`) is
//!   percent-encoded, so `&`, `#`, `+` and `%` travel as data rather than splitting the query.
//! - In `like`/`ilike` patterns a wildcard is a bare `*` and a literal star is `\*`: that is an
//!   escape of the *pattern* language, read by the server's matcher after the literal is read,
//!   so it does not contradict the no-escape rule for literals. A literal backslash is plain
//!   data, except right before a wildcard, where `\*` would read as a literal star; such a
//!   pattern is refused ([`QueryError::BackslashBeforeWildcard`]).
//! - Field paths (`account.id`), `order` keys and `select` entries must be identifiers joined by
//!   dots; anything else is refused ([`QueryError::InvalidField`]).
//!
//! Building a [`Filter`] or [`Query`] never fails; writing it ([`Filter::to_rql`],
//! [`Query::to_query_string`]) does, so a caller can show the reason next to the search box.
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
//!     query.to_query_string().as_deref(),
//!     Ok("and(eq(status,'Active'),ilike(name,'*robot*'))&order=-audit.created.at&select=audit&limit=20")
//! );
//! // One quote is written between the other; both cannot be written at all.
//! assert_eq!(Filter::eq("name", "Bob's").to_rql().as_deref(), Ok("eq(name,\"Bob%27s\")"));
//! assert!(Filter::eq("name", "Bob's \"robot\"").to_rql().is_err());
//! ```

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters written as they are inside a quoted value; everything else is percent-encoded.
const VALUE_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why a filter or query cannot be written as RQL. Nothing is sent for such a query.
///
/// The messages are meant for the person who typed the search; they never repeat the value
/// (it could be a secret, for a filter on `token`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A text value holds both `'` and `"`: RQL literals have no escapes, so no delimiter can
    /// enclose it.
    #[error(
        "A search can't contain both ' and \" (in the filter on {field}): the Marketplace's query language \
         has no way to write such a text. Remove one kind of quote and try again."
    )]
    BothQuotes {
        /// The field the value was compared with.
        field: String,
    },
    /// A `like`/`ilike` pattern has a literal backslash right before a wildcard, which the
    /// platform's pattern language would read as a literal star (`\*`).
    #[error(
        "A search can't end with a backslash (\\) where a wildcard follows (in the filter on {field}): the \
         Marketplace would read \\* as a literal star. Remove the backslash and try again."
    )]
    BackslashBeforeWildcard {
        /// The field the pattern was matched against.
        field: String,
    },
    /// A field path, `order` key or `select` entry that is not identifiers joined by dots.
    #[error("'{field}' is not a field the query language can name (letters, digits, _ and $, joined by dots).")]
    InvalidField {
        /// The field as given.
        field: String,
    },
    /// A [`Value::Literal`] holding characters an unquoted value cannot carry.
    #[error(
        "An unquoted value (in the filter on {field}) may only hold letters, digits and . + - : _; \
         write text as a quoted value."
    )]
    InvalidLiteral {
        /// The field the value was compared with.
        field: String,
    },
}

/// A value in a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A text value, written quoted and percent-encoded.
    Text(String),
    /// The `null()` constant: the property is absent or null.
    Null,
    /// The `empty()` constant: the property is an empty string.
    Empty,
    /// A number or boolean written without quotes (`true`, `42`). Only letters, digits and
    /// `. + - : _` are allowed ([`QueryError::InvalidLiteral`] otherwise): once the server has
    /// decoded the query, anything else could read as RQL syntax.
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

    fn write_to(&self, out: &mut String, field: &str) -> Result<(), QueryError> {
        let literals = self.parts.iter().filter_map(|part| match part {
            PatternPart::Literal(literal) => Some(literal.as_str()),
            PatternPart::Wildcard => None,
        });
        let quote = delimiter(literals, field)?;
        out.push(quote);
        // Whether the last character written is a data backslash: a wildcard right after it
        // would read as `\*`, a literal star.
        let mut after_backslash = false;
        for part in &self.parts {
            match part {
                PatternPart::Wildcard if after_backslash => {
                    return Err(QueryError::BackslashBeforeWildcard { field: field.to_owned() });
                }
                PatternPart::Wildcard => out.push('*'),
                PatternPart::Literal(literal) if literal.is_empty() => {}
                PatternPart::Literal(literal) => {
                    let mut pieces = literal.split('*');
                    write_encoded(out, pieces.next().unwrap_or_default(), VALUE_KEEP);
                    for piece in pieces {
                        // The pattern escape for a literal star; a backslash before it is data
                        // (`\\*` reads as a backslash, then a literal star).
                        out.push_str("\\*");
                        write_encoded(out, piece, VALUE_KEEP);
                    }
                    after_backslash = literal.ends_with('\\');
                }
            }
        }
        out.push(quote);
        Ok(())
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

    /// The filter as RQL text, ready for a query string; fails on a value RQL cannot express
    /// (see [`QueryError`]).
    pub fn to_rql(&self) -> Result<String, QueryError> {
        let mut out = String::new();
        self.write_to(&mut out)?;
        Ok(out)
    }

    fn write_to(&self, out: &mut String) -> Result<(), QueryError> {
        match self {
            Filter::Compare { op, field, value } => {
                out.push_str(op.name());
                out.push('(');
                write_field(out, field)?;
                out.push(',');
                write_value(out, value, field)?;
                out.push(')');
            }
            Filter::Like { case_insensitive, field, pattern } => {
                out.push_str(if *case_insensitive { "ilike(" } else { "like(" });
                write_field(out, field)?;
                out.push(',');
                pattern.write_to(out, field)?;
                out.push(')');
            }
            Filter::List { negated, field, values } => {
                out.push_str(if *negated { "out(" } else { "in(" });
                write_field(out, field)?;
                out.push_str(",(");
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_value(out, value, field)?;
                }
                out.push_str("))");
            }
            Filter::And(filters) => write_group(out, "and", filters)?,
            Filter::Or(filters) => write_group(out, "or", filters)?,
            Filter::Not(filter) => {
                out.push_str("not(");
                filter.write_to(out)?;
                out.push(')');
            }
        }
        Ok(())
    }
}

fn write_group(out: &mut String, name: &str, filters: &[Filter]) -> Result<(), QueryError> {
    out.push_str(name);
    out.push('(');
    for (index, filter) in filters.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        filter.write_to(out)?;
    }
    out.push(')');
    Ok(())
}

fn write_value(out: &mut String, value: &Value, field: &str) -> Result<(), QueryError> {
    match value {
        Value::Null => out.push_str("null()"),
        Value::Empty => out.push_str("empty()"),
        Value::Literal(text) => {
            let bare = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | ':' | '_');
            if text.is_empty() || !text.chars().all(bare) {
                return Err(QueryError::InvalidLiteral { field: field.to_owned() });
            }
            write_encoded(out, text, VALUE_KEEP);
        }
        Value::Text(text) => {
            let quote = delimiter([text.as_str()], field)?;
            out.push(quote);
            write_encoded(out, text, VALUE_KEEP);
            out.push(quote);
        }
    }
    Ok(())
}

/// The delimiter for a literal made of `texts`: `'`, or `"` when they hold a `'`, as the
/// official Python client picks it. Percent-encoding cannot hide a quote (the server decodes
/// before parsing) and RQL has no escapes, so a value holding both cannot be written.
fn delimiter<'a>(texts: impl IntoIterator<Item = &'a str>, field: &str) -> Result<char, QueryError> {
    let (mut single, mut double) = (false, false);
    for text in texts {
        single |= text.contains('\'');
        double |= text.contains('"');
    }
    match (single, double) {
        (false, _) => Ok('\''),
        (true, false) => Ok('"'),
        (true, true) => Err(QueryError::BothQuotes { field: field.to_owned() }),
    }
}

/// A property path: identifiers (letters, digits, `_`, `$`) joined by dots. Checked rather
/// than encoded, because the server decodes before parsing and an encoded `,` or `)` would
/// be syntax again.
fn write_field(out: &mut String, field: &str) -> Result<(), QueryError> {
    let identifier =
        |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !field.split('.').all(identifier) {
        return Err(QueryError::InvalidField { field: field.to_owned() });
    }
    out.push_str(field);
    Ok(())
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

    /// The fields this query asks the server to leave out (`select=-field`).
    pub fn subtracted_fields(&self) -> Vec<String> {
        self.select.iter().filter_map(|entry| entry.strip_prefix('-')).map(str::to_owned).collect()
    }

    /// This query without its subtractive `select` entries, for a server that refuses them.
    pub fn without_subtractions(mut self) -> Self {
        self.select.retain(|entry| !entry.starts_with('-'));
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

    /// The query string, without the leading `?`; fails on a value or field RQL cannot
    /// express (see [`QueryError`]).
    pub fn to_query_string(&self) -> Result<String, QueryError> {
        let mut segments: Vec<String> = Vec::new();
        if let Some(filter) = &self.filter {
            segments.push(filter.to_rql()?);
        }
        if !self.order.is_empty() {
            let keys = self
                .order
                .iter()
                .map(|key| {
                    let mut text = String::from(if key.descending { "-" } else { "" });
                    write_field(&mut text, &key.field)?;
                    Ok(text)
                })
                .collect::<Result<Vec<String>, QueryError>>()?;
            segments.push(format!("order={}", keys.join(",")));
        }
        if !self.select.is_empty() {
            let fields =
                self.select.iter().map(|field| encode_select(field)).collect::<Result<Vec<String>, QueryError>>()?;
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
        Ok(segments.join("&"))
    }
}

/// A `select` entry keeps its leading `-` as it is; a leading `+` is percent-encoded so that a
/// form decoder does not read it as a space.
fn encode_select(field: &str) -> Result<String, QueryError> {
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
    write_field(&mut out, rest)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_encoded_without_escapes() {
        // No quote: `'`. A backslash is data, percent-encoded like everything not unreserved.
        let filter = Filter::eq("name", "Bob \"robot\" * & , ( ) = + % é \\");
        assert_eq!(
            filter.to_rql().as_deref(),
            Ok("eq(name,'Bob%20%22robot%22%20%2A%20%26%20%2C%20%28%20%29%20%3D%20%2B%20%25%20%C3%A9%20%5C')")
        );
        // A `'` in the value: `"` around it, and nothing escaped.
        assert_eq!(Filter::eq("name", "Bob's\\").to_rql().as_deref(), Ok("eq(name,\"Bob%27s%5C\")"));
        assert_eq!(Filter::eq("name", "").to_rql().as_deref(), Ok("eq(name,'')"));
    }

    #[test]
    fn a_value_with_both_quotes_is_refused_with_a_clear_error() {
        let both = "Bob's \"robot\"";
        let cases = [
            Filter::eq("name", both),
            Filter::ilike("description", LikePattern::contains(both)),
            Filter::like(
                "description",
                LikePattern::new(vec![
                    PatternPart::Literal("'".into()),
                    PatternPart::Wildcard,
                    PatternPart::Literal("\"".into()),
                ]),
            ),
            Filter::one_of("name", ["fine", both]),
            Filter::or([Filter::eq("id", "x"), Filter::not(Filter::eq("name", both))]),
        ];
        for filter in cases {
            let error = filter.to_rql().expect_err("both quotes");
            assert!(matches!(error, QueryError::BothQuotes { .. }), "{error:?}");
            let text = error.to_string();
            assert!(text.starts_with("A search can't contain both ' and \" (in the filter on "), "{text}");
            assert!(!text.contains("robot"), "the value is not repeated: {text}");
            let query = Query::new().filter(filter).to_query_string();
            assert_eq!(query, Err(error));
        }
    }

    #[test]
    fn constants_are_not_quoted_and_literals_are_checked() {
        assert_eq!(Filter::eq("description", Value::Null).to_rql().as_deref(), Ok("eq(description,null())"));
        assert_eq!(Filter::ne("icon", Value::Empty).to_rql().as_deref(), Ok("ne(icon,empty())"));
        assert_eq!(Filter::eq("isDefault", true).to_rql().as_deref(), Ok("eq(isDefault,true)"));
        assert_eq!(Filter::ge("revision", -3).to_rql().as_deref(), Ok("ge(revision,-3)"));
        for bad in ["", "a,b", "x)", "'a'", "a b", "a%2Cb"] {
            let error = Filter::eq("revision", Value::Literal(bad.into())).to_rql().expect_err(bad);
            assert!(matches!(error, QueryError::InvalidLiteral { .. }), "{bad}: {error:?}");
        }
    }

    #[test]
    fn like_patterns_keep_wildcards_and_escape_literal_stars() {
        let pattern = LikePattern::new(vec![
            PatternPart::Literal("a*b c".into()),
            PatternPart::Wildcard,
            PatternPart::Literal("*".into()),
        ]);
        assert_eq!(Filter::like("name", pattern.clone()).to_rql().as_deref(), Ok("like(name,'a\\*b%20c*\\*')"));
        assert_eq!(pattern.to_pattern_text(), "a\\*b c*\\*");
        assert_eq!(Filter::ilike("name", LikePattern::contains("x")).to_rql().as_deref(), Ok("ilike(name,'*x*')"));
        // A `'` anywhere in the pattern switches the whole literal to `"`.
        assert_eq!(
            Filter::ilike("name", LikePattern::contains("it's")).to_rql().as_deref(),
            Ok("ilike(name,\"*it%27s*\")")
        );
        // A backslash is data, also right before a literal star or at the very end.
        let backslashes = LikePattern::new(vec![PatternPart::Literal("a\\*\\".into())]);
        assert_eq!(Filter::like("name", backslashes.clone()).to_rql().as_deref(), Ok("like(name,'a%5C\\*%5C')"));
        assert_eq!(backslashes.to_pattern_text(), "a\\\\*\\");
    }

    #[test]
    fn a_backslash_right_before_a_wildcard_is_refused() {
        for pattern in [
            LikePattern::contains("C:\\"),
            LikePattern::starts_with("\\"),
            LikePattern::new(vec![
                PatternPart::Literal("a\\".into()),
                PatternPart::Literal(String::new()),
                PatternPart::Wildcard,
            ]),
        ] {
            let error = Filter::ilike("name", pattern.clone()).to_rql().expect_err("refused");
            assert!(matches!(error, QueryError::BackslashBeforeWildcard { .. }), "{pattern:?}: {error:?}");
            assert!(error.to_string().contains("would read \\* as a literal star"), "{error}");
        }
        // Ending a pattern with a backslash is fine: no wildcard follows.
        assert!(Filter::ilike("name", LikePattern::ends_with("C:\\")).to_rql().is_ok());
    }

    #[test]
    fn fields_order_keys_and_select_entries_must_be_paths() {
        for bad in ["", "a,b", "a..b", "name)", "bad field", "a%2Cb", "name'"] {
            let error = Filter::eq(bad, "x").to_rql().expect_err(bad);
            assert_eq!(error, QueryError::InvalidField { field: bad.into() });
            assert_eq!(Query::new().order_by(bad).to_query_string(), Err(error.clone()));
            assert_eq!(Query::new().select(format!("-{bad}")).to_query_string(), Err(error));
        }
        assert!(Query::new().order_by("$meta.omitted").select("+audit_1").to_query_string().is_ok());
    }

    #[test]
    fn lists_and_groups() {
        let filter = Filter::and([
            Filter::one_of("status", ["Active", "Disabled"]),
            Filter::not(Filter::none_of("account.id", ["ACC-1234-5678"])),
            Filter::or([Filter::gt("lastAccessAt", "2026-01-01T00:00:00.000Z"), Filter::le("a", "b")]),
        ]);
        assert_eq!(
            filter.to_rql().as_deref(),
            Ok("and(in(status,('Active','Disabled')),not(out(account.id,('ACC-1234-5678'))),\
                or(gt(lastAccessAt,'2026-01-01T00%3A00%3A00.000Z'),le(a,'b')))")
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
            query.to_query_string().as_deref(),
            Ok("and(eq(status,'Active'),eq(a,'1'),eq(b,'2'))&order=name,-audit.created.at\
                &select=%2Baudit,-name&limit=100&offset=200&render()")
        );
        assert_eq!(Query::new().to_query_string().as_deref(), Ok(""));
        assert_eq!(Query::new().limit(0).to_query_string().as_deref(), Ok("limit=0"));
    }
}
