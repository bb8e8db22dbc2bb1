//! What the RQL builder writes, the simulator's parser reads back to the same meaning: both
//! the text `to_query_string` returns and the query as it travels in the request URL (where
//! the URL library percent-encodes the quote characters).

use marketplace_api::rql::{CompareOp, Filter, LikePattern, PatternPart, Query, Value};
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
    ]
}

fn pattern() -> impl Strategy<Value = LikePattern> {
    let part = prop_oneof![Just(PatternPart::Wildcard), awkward_text().prop_map(PatternPart::Literal)];
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
    fn filters_keep_their_meaning(filter in filter()) {
        let written = filter.to_rql();
        let want = expected(&filter);
        prop_assert_eq!(sim::parse(&written).map_err(|e| format!("{e:?} in {written}")), Ok(want.clone()));
        let sent = as_sent(&written);
        prop_assert_eq!(sim::parse(&sent).map_err(|e| format!("{e:?} in {sent}")), Ok(want.clone()));
        let parsed = sim::parse_query(&sent).map_err(|e| format!("{e:?} in {sent}"));
        prop_assert_eq!(parsed.map(|q| q.filter), Ok(Some(want)));
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

        let sent = as_sent(&query.to_query_string());
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
