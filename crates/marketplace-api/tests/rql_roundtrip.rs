//! What the RQL builder writes, the simulator's parser reads back to the same meaning: both
//! the text `to_query_string` returns and the query as it travels in the request URL (where
//! the URL library percent-encodes the quote characters). The simulator follows the platform's
//! grammar (each parameter percent-decoded before parsing, literals delimited by `'` or `"`
//! with no escapes), so a value the builder writes wrongly reads back as another value or as an
//! error. Whatever the builder refuses, it refuses for a reason checked here independently: a
//! value holding both quotes, or a backslash right before a wildcard.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

use marketplace_api::rql::{CompareOp, Filter, LikePattern, PatternPart, Query, QueryError, Value};
use marketplace_sim::rql::{self as sim, Expr};
use proptest::prelude::*;

const FIELDS: &[&str] = &["name", "status", "account.id", "audit.created.at", "description", "$meta.omitted"];

fn field() -> impl Strategy<Value = String> {
    proptest::sample::select(FIELDS).prop_map(str::to_owned)
}

/// Text with the characters that break naive encoders (backslashes included), and any Unicode.
fn awkward_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        proptest::sample::select(vec![
            " ", "'", "\"", "*", "&", ",", "(", ")", "=", "+", "%", "%20", "\\", "#", "?", "/", ":", ";", "é", "名",
            "🙂", "null()", "empty()", "\t", "\n", "%27", "%5C",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9 ._~-]{0,6}",
        any::<String>(),
    ];
    proptest::collection::vec(pieces, 0..6).prop_map(|parts| parts.concat())
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => awkward_text().prop_map(Value::Text),
        1 => Just(Value::Null),
        1 => Just(Value::Empty),
        1 => any::<bool>().prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => prop_oneof!["[a-zA-Z0-9.+:_-]{1,8}", awkward_text()].prop_map(Value::Literal),
    ]
}

fn pattern() -> impl Strategy<Value = LikePattern> {
    // Backslashes and stars next to wildcards are where pattern escaping goes wrong.
    let part = prop_oneof![
        3 => Just(PatternPart::Wildcard),
        1 => proptest::sample::select(vec!["\\", "a\\", "*", "\\*", "*\\"]).prop_map(|t| PatternPart::Literal(t.to_owned())),
        4 => awkward_text().prop_map(PatternPart::Literal),
    ];
    proptest::collection::vec(part, 0..5).prop_map(LikePattern::new)
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(vec![
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ])
}

fn filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        (compare_op(), field(), value()).prop_map(|(op, field, value)| Filter::Compare { op, field, value }),
        (any::<bool>(), field(), pattern()).prop_map(|(case_insensitive, field, pattern)| Filter::Like {
            case_insensitive,
            field,
            pattern
        }),
        (any::<bool>(), field(), proptest::collection::vec(value(), 1..4))
            .prop_map(|(negated, field, values)| Filter::List { negated, field, values }),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..4).prop_map(Filter::And),
            proptest::collection::vec(inner.clone(), 1..4).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

/// Why the builder must refuse `filter`, found without the builder's own code.
fn must_refuse(filter: &Filter) -> Option<&'static str> {
    let both_quotes = |texts: &[&str]| texts.iter().any(|t| t.contains('\'')) && texts.iter().any(|t| t.contains('"'));
    let bad_literal = |value: &Value| match value {
        Value::Text(text) => both_quotes(&[text]).then_some("both quotes"),
        Value::Literal(text) => (text.is_empty()
            || !text.chars().all(|c| c.is_ascii_alphanumeric() || ".+:_-".contains(c)))
        .then_some("literal"),
        Value::Null | Value::Empty => None,
    };
    match filter {
        Filter::Compare { value, .. } => bad_literal(value),
        Filter::List { values, .. } => values.iter().find_map(bad_literal),
        Filter::Like { pattern, .. } => {
            let literals: Vec<&str> = pattern
                .parts()
                .iter()
                .filter_map(|p| match p {
                    PatternPart::Literal(text) => Some(text.as_str()),
                    PatternPart::Wildcard => None,
                })
                .collect();
            if both_quotes(&literals) {
                return Some("both quotes");
            }
            // The pattern text, with literal stars as `\*`: a backslash from the data right
            // before a wildcard cannot be told from the escape.
            let text = pattern.to_pattern_text();
            let bytes = text.as_bytes();
            let mut escaped = false;
            for (i, byte) in bytes.iter().enumerate() {
                if escaped {
                    escaped = false;
                    continue;
                }
                match byte {
                    b'\\' if bytes.get(i + 1) == Some(&b'*') && ends_a_literal_star(pattern, i) => escaped = true,
                    b'\\' if bytes.get(i + 1) == Some(&b'*') => return Some("backslash before wildcard"),
                    _ => {}
                }
            }
            None
        }
        Filter::And(all) | Filter::Or(all) => all.iter().find_map(must_refuse),
        Filter::Not(inner) => must_refuse(inner),
    }
}

/// Whether the `\*` at byte `at` of the pattern text is the escape of a literal star (rather
/// than a data backslash followed by a wildcard), found by rebuilding the text part by part.
fn ends_a_literal_star(pattern: &LikePattern, at: usize) -> bool {
    let mut offset = 0;
    for part in pattern.parts() {
        match part {
            PatternPart::Wildcard => offset += 1,
            PatternPart::Literal(text) => {
                for c in text.chars() {
                    if c == '*' {
                        if offset == at {
                            return true;
                        }
                        offset += 2;
                    } else {
                        offset += c.len_utf8();
                    }
                }
            }
        }
    }
    false
}

/// One piece of a pattern's meaning: literal text or a wildcard.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Any,
}

/// Literal runs merged, empty ones dropped, consecutive wildcards collapsed: equal meanings
/// give equal lists.
fn normalised(pieces: impl IntoIterator<Item = Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for piece in pieces {
        match (out.last_mut(), piece) {
            (_, Piece::Text(text)) if text.is_empty() => {}
            (Some(Piece::Text(last)), Piece::Text(text)) => last.push_str(&text),
            (Some(Piece::Any), Piece::Any) => {}
            (_, piece) => out.push(piece),
        }
    }
    out
}

/// What the builder meant by a pattern.
fn meant(pattern: &LikePattern) -> Vec<Piece> {
    normalised(pattern.parts().iter().map(|part| match part {
        PatternPart::Literal(text) => Piece::Text(text.clone()),
        PatternPart::Wildcard => Piece::Any,
    }))
}

/// What the simulator's matcher reads from pattern text: `\*` a literal star, `*` a wildcard,
/// anything else (backslashes included) literal.
fn read_by_matcher(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'*') => {
                chars.next();
                pieces.push(Piece::Text("*".into()));
            }
            '*' => pieces.push(Piece::Any),
            c => pieces.push(Piece::Text(c.to_string())),
        }
    }
    normalised(pieces)
}

/// Every like pattern inside the filter the simulator parsed, paired with the builder's.
fn like_pairs<'a>(filter: &'a Filter, parsed: &'a Expr, out: &mut Vec<(&'a LikePattern, &'a sim::Value)>) {
    match (filter, parsed) {
        (Filter::Like { pattern, .. }, Expr::Compare { value, .. }) => out.push((pattern, value)),
        (Filter::And(all), Expr::And(parsed)) | (Filter::Or(all), Expr::Or(parsed)) => {
            for (filter, parsed) in all.iter().zip(parsed) {
                like_pairs(filter, parsed, out);
            }
        }
        (Filter::Not(inner), Expr::Not(parsed)) => like_pairs(inner, parsed, out),
        _ => {}
    }
}

/// The meaning the simulator should read from `filter`.
fn expected(filter: &Filter) -> Expr {
    let value = |value: &Value| match value {
        Value::Text(text) | Value::Literal(text) => sim::Value::Text(text.clone()),
        Value::Null => sim::Value::Null,
        Value::Empty => sim::Value::Empty,
    };
    match filter {
        Filter::Compare { op, field, value: v } => Expr::Compare {
            op: match op {
                CompareOp::Eq => sim::CompareOp::Eq,
                CompareOp::Ne => sim::CompareOp::Ne,
                CompareOp::Gt => sim::CompareOp::Gt,
                CompareOp::Ge => sim::CompareOp::Ge,
                CompareOp::Lt => sim::CompareOp::Lt,
                CompareOp::Le => sim::CompareOp::Le,
            },
            field: field.clone(),
            value: value(v),
        },
        Filter::Like { case_insensitive, field, pattern } => Expr::Compare {
            op: if *case_insensitive { sim::CompareOp::Ilike } else { sim::CompareOp::Like },
            field: field.clone(),
            value: sim::Value::Text(pattern.to_pattern_text()),
        },
        Filter::List { negated, field, values } => Expr::List {
            op: if *negated { sim::ListOp::Out } else { sim::ListOp::In },
            field: field.clone(),
            values: values.iter().map(value).collect(),
        },
        Filter::And(all) => Expr::And(all.iter().map(expected).collect()),
        Filter::Or(any) => Expr::Or(any.iter().map(expected).collect()),
        Filter::Not(inner) => Expr::Not(Box::new(expected(inner))),
    }
}

/// The query string as it leaves the client: through the URL library, as the client sends it.
fn as_sent(query_string: &str) -> String {
    let url = reqwest::Url::parse(&format!("https://127.0.0.1/public/v1/accounts/api-tokens?{query_string}"))
        .expect("a valid URL");
    url.query().unwrap_or_default().to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn filters_keep_their_meaning_or_are_refused_for_a_reason(filter in filter()) {
        let written = match (filter.to_rql(), must_refuse(&filter)) {
            (Ok(written), None) => written,
            (Err(error), Some(reason)) => {
                let matches = match reason {
                    "both quotes" => matches!(error, QueryError::BothQuotes { .. }),
                    "literal" => matches!(error, QueryError::InvalidLiteral { .. }),
                    _ => matches!(error, QueryError::BackslashBeforeWildcard { .. }),
                };
                prop_assert!(matches, "{reason}: {error:?}");
                return Ok(());
            }
            (written, reason) => {
                prop_assert!(false, "refusal {reason:?} expected, got {written:?}");
                unreachable!()
            }
        };
        let want = expected(&filter);
        prop_assert_eq!(sim::parse(&written).map_err(|e| format!("{e:?} in {written}")), Ok(want.clone()));
        let sent = as_sent(&written);
        prop_assert_eq!(sim::parse(&sent).map_err(|e| format!("{e:?} in {sent}")), Ok(want.clone()));
        let parsed = sim::parse_query(&sent).map_err(|e| format!("{e:?} in {sent}"));
        prop_assert_eq!(parsed.map(|q| q.filter), Ok(Some(want.clone())));

        // The pattern the matcher reads means what the builder meant.
        let mut pairs = Vec::new();
        like_pairs(&filter, &want, &mut pairs);
        for (pattern, value) in pairs {
            let sim::Value::Text(text) = value else {
                prop_assert!(false, "a like pattern is text");
                unreachable!()
            };
            prop_assert_eq!(read_by_matcher(text), meant(pattern), "{}", text);
        }
    }

    #[test]
    fn whole_queries_keep_their_meaning(
        filters in proptest::collection::vec(filter(), 0..3),
        order in proptest::collection::vec((field(), any::<bool>()), 0..3),
        select in proptest::collection::vec((proptest::sample::select(vec!["", "+", "-"]), field()), 0..3),
        limit in proptest::option::of(0u32..1000),
        offset in proptest::option::of(0u32..100_000),
        render in any::<bool>(),
    ) {
        let mut query = Query::new();
        for filter in &filters {
            query = query.filter(filter.clone());
        }
        for (field, descending) in &order {
            query = if *descending { query.order_by_desc(field) } else { query.order_by(field) };
        }
        for (prefix, field) in &select {
            query = query.select(format!("{prefix}{field}"));
        }
        if let Some(limit) = limit { query = query.limit(limit); }
        if let Some(offset) = offset { query = query.offset(offset); }
        if render { query = query.render(); }

        let written = query.to_query_string();
        let refused = filters.iter().any(|f| must_refuse(f).is_some());
        prop_assert_eq!(written.is_err(), refused, "{:?}", written);
        let Ok(written) = written else { return Ok(()) };
        let sent = as_sent(&written);
        let parsed = sim::parse_query(&sent).map_err(|e| format!("{e:?} in {sent}"));
        prop_assert!(parsed.is_ok(), "{:?}", parsed);
        let parsed = parsed.expect("checked");
        prop_assert_eq!(parsed.filter, query.filter_expr().map(expected));
        prop_assert_eq!(parsed.order, order);
        let want_select: Vec<String> = select.iter().map(|(p, f)| format!("{p}{f}")).collect();
        prop_assert_eq!(parsed.select, want_select);
        prop_assert_eq!(parsed.limit, limit);
        prop_assert_eq!(parsed.offset, offset);
        prop_assert_eq!(parsed.render, render);
    }
}

#[test]
fn the_old_backslash_escape_is_not_read_as_a_quote() {
    // What this client wrote before: `\'` inside `'…'`. Under the platform's grammar the quote
    // ends the literal, so the rest is an error rather than the intended value.
    assert!(sim::parse(r"eq(name,'Bob\'s')").is_err());
    // What it writes now reads back as the value.
    let written = Filter::eq("name", "Bob's").to_rql().expect("one kind of quote");
    assert_eq!(
        sim::parse(&as_sent(&written)),
        Ok(Expr::Compare { op: sim::CompareOp::Eq, field: "name".into(), value: sim::Value::Text("Bob's".into()) })
    );
}
