//! A parser for the Marketplace flavour of RQL (Resource Query Language).
//!
//! The filter *is* the query string: `?and(eq(status,Active),ilike(name,*robot*))&limit=20`.
//! Several expressions joined by `&` are ANDed, `field=value` is a shortcut for
//! `eq(field,value)`, and `limit`, `offset`, `order`, `select` and the bare `render()` are
//! options (docs/marketplace-api.md §9.1).
//!
//! The query string is split on every `&` as it arrives, and each parameter is percent-decoded
//! *before* its RQL is parsed, as the platform does (docs/marketplace-api.md §9.3, from SoftwareOne's own
//! Python client). So percent-encoding protects `&`, `#`, `+` and `%`, but not RQL syntax: an
//! encoded `,` `(` `)` or quote is syntax again once decoded. Text holding such characters
//! must be quoted.
//!
//! A string literal is delimited by `'` or `"`. Inside it every character is data except the
//! delimiter, and there are no escapes: `'it\'s'` is the literal `it\` followed by stray text,
//! a 400. A value holding one kind of quote is written between the other kind; a value
//! holding both cannot be written at all. `\*` inside a `like`/`ilike` literal is a
//! pattern-level escape (a literal star), read by the pattern matcher, not by the literal.

use percent_encoding::percent_decode_str;

/// One RQL filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `and(e1,e2,…)`: every operand holds.
    And(Vec<Expr>),
    /// `or(e1,e2,…)`: at least one operand holds.
    Or(Vec<Expr>),
    /// `not(e)`: the operand does not hold.
    Not(Box<Expr>),
    /// `op(field,value)` for the comparison operators.
    Compare {
        /// Which comparison.
        op: CompareOp,
        /// Dotted field path such as `account.id`.
        field: String,
        /// The value compared with.
        value: Value,
    },
    /// `in(field,(a,b))` or `out(field,(a,b))`.
    List {
        /// Membership or non-membership.
        op: ListOp,
        /// Dotted field path.
        field: String,
        /// The candidate values.
        values: Vec<Value>,
    },
}

/// The comparison operators of RQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// `like`: `*` wildcard match, case-sensitive.
    Like,
    /// `ilike`: `*` wildcard match, case-insensitive.
    Ilike,
}

/// The list operators of RQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOp {
    /// `in`: the field equals one of the values.
    In,
    /// `out`: the field equals none of the values.
    Out,
}

/// A value inside an RQL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Quoted or unquoted text, after percent-decoding and unquoting. Backslashes are data;
    /// a `\*` stays as written so that `like`/`ilike` can tell a literal star from a wildcard.
    Text(String),
    /// The constant `null()`.
    Null,
    /// The constant `empty()`.
    Empty,
}

/// A whole list request: filter plus the paging, ordering and projection options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    /// Every filter expression of the query string, ANDed; `None` when there is none.
    pub filter: Option<Expr>,
    /// `order=-audit.created.at,name` as `[("audit.created.at", true), ("name", false)]`;
    /// the flag is `true` for descending.
    pub order: Vec<(String, bool)>,
    /// `select=+audit,-name` as written, signs included (`["+audit", "-name"]`).
    pub select: Vec<String>,
    /// `limit=`, if given.
    pub limit: Option<u32>,
    /// `offset=`, if given.
    pub offset: Option<u32>,
    /// Whether the bare `render()` option was present.
    pub render: bool,
}

/// Why a query string is not valid RQL. The message names the problem and is meant for
/// the `detail` of a 400 ProblemDetails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RqlError {
    /// A sentence naming the problem.
    pub message: String,
}

impl RqlError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

/// Parses one RQL filter parameter as it travels in a query string, such as
/// `and(eq(status,Active),ilike(name,*robot*))`: percent-decoded first, then parsed.
pub fn parse(filter: &str) -> Result<Expr, RqlError> {
    parse_decoded(&decode(filter)?)
}

/// Parses RQL text that is already percent-decoded.
fn parse_decoded(filter: &str) -> Result<Expr, RqlError> {
    let mut parser = Parser { text: filter, pos: 0 };
    let expr = parser.expression()?;
    if parser.pos != filter.len() {
        return Err(RqlError::new(format!(
            "Invalid RQL expression '{filter}': unexpected '{}' at position {}",
            &filter[parser.pos..],
            parser.pos
        )));
    }
    Ok(expr)
}

/// Parses a whole raw query string (without the leading `?`): filters joined by `&`
/// (ANDed), the `field=value` shortcut, `limit`, `offset`, `order`, `select` and `render()`.
pub fn parse_query(query_string: &str) -> Result<ListQuery, RqlError> {
    let mut query = ListQuery::default();
    let mut filters = Vec::new();
    // Guess: the platform splits on every raw `&` (the URI query's own delimiter) before
    // decoding; SoftwareOne's Python client percent-encodes `&` in values for that reason.
    for raw in query_string.split('&') {
        if raw.is_empty() {
            continue;
        }
        let decoded = decode(raw)?;
        let segment = decoded.as_str();
        if segment == "render()" {
            query.render = true;
            continue;
        }
        let eq_at = segment.find('=');
        let paren_at = segment.find('(');
        match (eq_at, paren_at) {
            (Some(eq), paren) if paren.is_none_or(|p| eq < p) => {
                apply_parameter(&mut query, &mut filters, &segment[..eq], &segment[eq + 1..], segment)?;
            }
            _ => filters.push(parse_decoded(segment)?),
        }
    }
    query.filter = match filters.len() {
        0 => None,
        1 => filters.pop(),
        _ => Some(Expr::And(filters)),
    };
    Ok(query)
}

/// One decoded `key=value` parameter.
fn apply_parameter(
    query: &mut ListQuery,
    filters: &mut Vec<Expr>,
    key: &str,
    value: &str,
    segment: &str,
) -> Result<(), RqlError> {
    match key {
        "limit" => query.limit = Some(parse_count("limit", value)?),
        "offset" => query.offset = Some(parse_count("offset", value)?),
        "order" => {
            for item in value.split(',') {
                let (field, descending) = match item.as_bytes().first() {
                    Some(b'-') => (&item[1..], true),
                    Some(b'+') => (&item[1..], false),
                    _ => (item, false),
                };
                check_field_path(field, "order")?;
                query.order.push((field.to_string(), descending));
            }
        }
        "select" => {
            for item in value.split(',') {
                let field = item.trim_start_matches(['+', '-']);
                check_field_path(field, "select")?;
                query.select.push(item.to_string());
            }
        }
        field => {
            // The `field=value` shortcut for `eq(field,value)`.
            let invalid = || RqlError::new(format!("Invalid equals shortcut expression '{segment}'"));
            check_field_path(field, "equals shortcut").map_err(|_| invalid())?;
            let mut parser = Parser { text: value, pos: 0 };
            let parsed = parser.value().map_err(|_| invalid())?;
            if parser.pos != value.len() {
                return Err(invalid());
            }
            filters.push(Expr::Compare { op: CompareOp::Eq, field: field.to_string(), value: parsed });
        }
    }
    Ok(())
}

fn parse_count(name: &str, text: &str) -> Result<u32, RqlError> {
    text.parse::<u32>()
        .map_err(|_| RqlError::new(format!("Invalid value '{text}' for '{name}': expected a whole number from 0")))
}

/// A dotted path of identifiers: `name`, `account.id`, `$meta.omitted`.
fn check_field_path(field: &str, context: &str) -> Result<(), RqlError> {
    let valid_part = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if field.split('.').all(valid_part) {
        Ok(())
    } else {
        Err(RqlError::new(format!("Invalid field name '{field}' in {context}")))
    }
}

fn decode(raw: &str) -> Result<String, RqlError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| RqlError::new(format!("Invalid percent-encoding in '{raw}': not UTF-8")))
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn error(&self, what: &str) -> RqlError {
        let found = match self.text.get(self.pos..) {
            Some(rest) if !rest.is_empty() => format!("'{}'", rest.chars().next().unwrap_or(' ')),
            _ => "the end".to_string(),
        };
        RqlError::new(format!(
            "Invalid RQL expression '{}': expected {what} at position {}, found {found}",
            self.text, self.pos
        ))
    }

    fn expect(&mut self, byte: u8) -> Result<(), RqlError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("'{}'", byte as char)))
        }
    }

    fn identifier(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn expression(&mut self) -> Result<Expr, RqlError> {
        let start = self.pos;
        let name = self.identifier().to_string();
        if name.is_empty() {
            return Err(self.error("an operator such as eq( or and("));
        }
        self.expect(b'(')?;
        let expr = match name.as_str() {
            "and" | "or" => {
                let mut operands = vec![self.expression()?];
                while self.peek() == Some(b',') {
                    self.pos += 1;
                    operands.push(self.expression()?);
                }
                if name == "and" { Expr::And(operands) } else { Expr::Or(operands) }
            }
            "not" => Expr::Not(Box::new(self.expression()?)),
            "in" | "out" => {
                let field = self.field()?;
                self.expect(b',')?;
                self.expect(b'(')?;
                let mut values = vec![self.value()?];
                while self.peek() == Some(b',') {
                    self.pos += 1;
                    values.push(self.value()?);
                }
                self.expect(b')')?;
                let op = if name == "in" { ListOp::In } else { ListOp::Out };
                Expr::List { op, field, values }
            }
            other => {
                let op = match other {
                    "eq" => CompareOp::Eq,
                    "ne" => CompareOp::Ne,
                    "gt" => CompareOp::Gt,
                    "ge" => CompareOp::Ge,
                    "lt" => CompareOp::Lt,
                    "le" => CompareOp::Le,
                    "like" => CompareOp::Like,
                    "ilike" => CompareOp::Ilike,
                    // Guess: the platform documents any()/all() over collections; the
                    // simulator rejects them loudly rather than answering wrongly (docs/marketplace-api.md §9.2).
                    "any" | "all" => {
                        return Err(RqlError::new(format!("RQL operator '{other}' is not supported by the simulator")));
                    }
                    _ => {
                        return Err(RqlError::new(format!("Unknown RQL operator '{other}' at position {start}")));
                    }
                };
                let field = self.field()?;
                self.expect(b',')?;
                let value = self.value()?;
                Expr::Compare { op, field, value }
            }
        };
        self.expect(b')')?;
        Ok(expr)
    }

    fn field(&mut self) -> Result<String, RqlError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| !matches!(b, b',' | b')' | b'(')) {
            self.pos += 1;
        }
        let field = self.text[start..self.pos].to_string();
        if field.is_empty() {
            return Err(self.error("a field name"));
        }
        check_field_path(&field, "RQL expression")?;
        Ok(field)
    }

    fn value(&mut self) -> Result<Value, RqlError> {
        match self.peek() {
            Some(quote @ (b'\'' | b'"')) => {
                self.pos += 1;
                self.quoted(quote)
            }
            _ => self.bare(),
        }
    }

    /// The rest of a string literal: everything up to the next `quote` is data, backslashes
    /// included, since RQL literals have no escapes. The literal must end the value.
    fn quoted(&mut self, quote: u8) -> Result<Value, RqlError> {
        let start = self.pos;
        let Some(length) = self.text[start..].bytes().position(|b| b == quote) else {
            return Err(RqlError::new(format!("Unterminated quoted value in RQL expression '{}'", self.text)));
        };
        let literal = &self.text[start..start + length];
        self.pos = start + length + 1;
        if !matches!(self.peek(), None | Some(b',' | b')')) {
            let quote = quote as char;
            return Err(RqlError::new(format!(
                "Invalid RQL expression '{}': unexpected text after the closing {quote} at position {}. \
                 RQL has no escapes: a {quote} inside a value ends it, so write such a value between \
                 the other quote character",
                self.text, self.pos
            )));
        }
        Ok(Value::Text(literal.to_string()))
    }

    fn bare(&mut self) -> Result<Value, RqlError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| !matches!(b, b',' | b')' | b'(')) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        if self.peek() == Some(b'(') {
            // Only the constants null() and empty() are function-shaped values.
            let constant = match raw {
                "null" => Value::Null,
                "empty" => Value::Empty,
                _ => {
                    return Err(RqlError::new(format!(
                        "Invalid value '{raw}(' in RQL expression '{}': only null() and empty() may be used as values",
                        self.text
                    )));
                }
            };
            self.pos += 1;
            self.expect(b')')?;
            return Ok(constant);
        }
        if raw.is_empty() {
            return Err(self.error("a value"));
        }
        Ok(Value::Text(raw.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    fn cmp(op: CompareOp, field: &str, value: Value) -> Expr {
        Expr::Compare { op, field: field.to_string(), value }
    }

    #[test]
    fn parses_every_comparison_operator() {
        for (name, op) in [
            ("eq", CompareOp::Eq),
            ("ne", CompareOp::Ne),
            ("gt", CompareOp::Gt),
            ("ge", CompareOp::Ge),
            ("lt", CompareOp::Lt),
            ("le", CompareOp::Le),
            ("like", CompareOp::Like),
            ("ilike", CompareOp::Ilike),
        ] {
            let parsed = parse(&format!("{name}(account.id,ACC-1234-5678)")).expect("valid");
            assert_eq!(parsed, cmp(op, "account.id", text("ACC-1234-5678")));
        }
    }

    #[test]
    fn parses_nested_logic_and_lists() {
        let parsed =
            parse("and(eq(status,Active),or(ilike(name,*robot*),not(in(id,(TKN-1,'TKN-2')))))").expect("valid");
        assert_eq!(
            parsed,
            Expr::And(vec![
                cmp(CompareOp::Eq, "status", text("Active")),
                Expr::Or(vec![
                    cmp(CompareOp::Ilike, "name", text("*robot*")),
                    Expr::Not(Box::new(Expr::List {
                        op: ListOp::In,
                        field: "id".into(),
                        values: vec![text("TKN-1"), text("TKN-2")],
                    })),
                ]),
            ])
        );
        let out = parse("out(status,(Deleted,Disabled))").expect("valid");
        assert!(matches!(out, Expr::List { op: ListOp::Out, ref values, .. } if values.len() == 2));
    }

    #[test]
    fn quoted_values_keep_syntax_characters_as_data() {
        assert_eq!(parse(r#"eq(name,"a, b (c)")"#).expect("valid"), cmp(CompareOp::Eq, "name", text("a, b (c)")));
        // One quote character is data between the other.
        assert_eq!(parse(r#"eq(name,"it's")"#).expect("valid"), cmp(CompareOp::Eq, "name", text("it's")));
        assert_eq!(parse(r#"eq(name,'say "hi"')"#).expect("valid"), cmp(CompareOp::Eq, "name", text("say \"hi\"")));
        assert_eq!(parse("eq(name,Jerry's)").expect("valid"), cmp(CompareOp::Eq, "name", text("Jerry's")));
        assert_eq!(
            parse_query("name=Tom%20%26%20Jerry%27s").expect("valid").filter,
            Some(cmp(CompareOp::Eq, "name", text("Tom & Jerry's")))
        );
    }

    #[test]
    fn a_backslash_inside_quotes_is_data_and_escapes_nothing() {
        // Literal or percent-encoded, a backslash right before the closing quote is data.
        for (query, want) in [
            (r"eq(name,'a\')&limit=1", r"a\"),
            ("eq(name,%27a%5C%27)&limit=1", r"a\"),
            (r"eq(name,'a\\')&limit=1", r"a\\"),
        ] {
            let parsed = parse_query(query).expect(query);
            assert_eq!(parsed.filter, Some(cmp(CompareOp::Eq, "name", text(want))), "{query}");
            assert_eq!(parsed.limit, Some(1));
        }
        assert_eq!(parse(r"eq(name,'C:\temp\x')").expect("valid"), cmp(CompareOp::Eq, "name", text(r"C:\temp\x")));
        // `\'` does not escape: the quote ends the literal and the rest is an error.
        for query in [r"eq(name,'it\'s')", "eq(name,%27it%5C%27s%27)", r#"eq(name,"a\"b")"#] {
            let error = parse_query(query).expect_err(query);
            assert!(error.message.contains("RQL has no escapes"), "{query}: {}", error.message);
        }
    }

    #[test]
    fn each_parameter_is_percent_decoded_before_its_rql_is_parsed() {
        // Inside quotes, encoded syntax characters are data once decoded.
        assert_eq!(
            parse("eq(name,%27ERP%20sync%2C%20nightly%29%27)").expect("valid"),
            cmp(CompareOp::Eq, "name", text("ERP sync, nightly)"))
        );
        assert_eq!(
            parse("eq(name,%27quoted%20one%27)").expect("valid"),
            cmp(CompareOp::Eq, "name", text("quoted one"))
        );
        assert_eq!(
            parse("ilike(name,%2Arobot%26co%2A)").expect("valid"),
            cmp(CompareOp::Ilike, "name", text("*robot&co*"))
        );
        // Unquoted, an encoded `,` or `)` is syntax again after decoding: not protected.
        assert!(parse("eq(name,ERP%20sync%2C%20nightly)").is_err());
        assert!(parse("eq(name,a%29)").is_err());
        // An encoded `&` stays inside its parameter; a raw one separates parameters.
        let query = parse_query("eq(name,'a%26b')&limit=2").expect("valid");
        assert_eq!(query.filter, Some(cmp(CompareOp::Eq, "name", text("a&b"))));
        assert_eq!(query.limit, Some(2));
        assert!(parse_query("eq(name,'a&b')").is_err(), "a raw & splits the query inside the quotes");
        // Decoding happens once: an encoded percent sign stays a percent sign.
        assert_eq!(parse("eq(name,'100%2525')").expect("valid"), cmp(CompareOp::Eq, "name", text("100%25")));
    }

    #[test]
    fn escaped_star_is_kept_for_like() {
        assert_eq!(
            parse(r"ilike(name,'*\*literal*')").expect("valid"),
            cmp(CompareOp::Ilike, "name", text(r"*\*literal*"))
        );
    }

    #[test]
    fn null_and_empty_constants() {
        assert_eq!(parse("eq(description,null())").expect("valid"), cmp(CompareOp::Eq, "description", Value::Null));
        assert_eq!(parse("ne(icon,empty())").expect("valid"), cmp(CompareOp::Ne, "icon", Value::Empty));
    }

    #[test]
    fn malformed_expressions_name_the_problem() {
        for (input, needle) in [
            ("eq(status,Active", "expected ')'"),
            ("eqq(status,Active)", "Unknown RQL operator 'eqq'"),
            ("eq(status)", "expected ','"),
            ("eq(,Active)", "field name"),
            ("eq(status,)", "a value"),
            ("eq(status,'Active)", "Unterminated"),
            ("eq(status,foo(x))", "only null() and empty()"),
            ("and()", "operator"),
            ("eq(status,Active)x", "unexpected"),
            ("eq(bad field,1)", "Invalid field name"),
        ] {
            let error = parse(input).expect_err(input);
            assert!(error.message.contains(needle), "{input}: {}", error.message);
        }
    }

    #[test]
    fn parses_a_whole_query_string() {
        let query = parse_query(
            "eq(account.id,\"ACC-1234-5678\")&eq(status,'Active')&name=Robot%201&limit=10&offset=20&order=-audit.created.at,name&select=audit,-icon&render()",
        )
        .expect("valid");
        assert_eq!(query.limit, Some(10));
        assert_eq!(query.offset, Some(20));
        assert_eq!(query.order, vec![("audit.created.at".into(), true), ("name".into(), false)]);
        assert_eq!(query.select, vec!["audit".to_string(), "-icon".to_string()]);
        assert!(query.render);
        assert_eq!(
            query.filter,
            Some(Expr::And(vec![
                cmp(CompareOp::Eq, "account.id", text("ACC-1234-5678")),
                cmp(CompareOp::Eq, "status", text("Active")),
                cmp(CompareOp::Eq, "name", text("Robot 1")),
            ]))
        );
    }

    #[test]
    fn arbitrary_input_never_panics() {
        use rand::{Rng, SeedableRng};
        let pieces = [
            "eq(", "and(", "in(", "(", ")", ",", "'", "\"", "%27", "%22", "%2", "%", "\\", "*", "&", "=", "name",
            "a.b", "null()", "é", "€", "limit=", "order=-", "select=+", "render()", "%FF", " ",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20_000 {
            let len = rng.random_range(0..12);
            let input: String = (0..len).map(|_| pieces[rng.random_range(0..pieces.len())]).collect();
            let _ = parse_query(&input);
            let _ = parse(&input);
        }
    }

    #[test]
    fn query_string_errors() {
        assert!(
            parse_query("rql=eq(status,Active)").expect_err("shortcut").message.contains("Invalid equals shortcut")
        );
        assert!(parse_query("limit=ten").expect_err("limit").message.contains("limit"));
        assert!(parse_query("limit=-1").is_err());
        assert!(parse_query("order=na me").is_err());
        assert!(parse_query("eq(a,b))").is_err());
        assert_eq!(parse_query("").expect("empty"), ListQuery::default());
        assert_eq!(parse_query("select=%2Baudit").expect("plus").select, vec!["+audit".to_string()]);
    }
}
