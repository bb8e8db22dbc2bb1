//! The evaluate stage: decides whether one object matches a compiled [`Filter`].
//!
//! Filters read the object's pre-extracted [`Row`] rather than its JSON; [`visit_leaves`]
//! is the one definition of which JSON values a dotted path reaches, and the collection
//! uses it to fill those rows.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use crate::collection::{Leaf, Row};
use crate::rql::CompareOp;

use super::compile::{Filter, Test};

impl Filter {
    /// Whether the object behind `row` satisfies this filter.
    pub(super) fn matches(&self, row: &Row<'_>) -> bool {
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
    /// Whether one value of the field passes; strings stay in the column's arena.
    fn holds_leaf(&self, leaf: Leaf<'_>) -> bool {
        match leaf {
            Leaf::Text(text) => self.holds_text(text),
            Leaf::Value(value) => self.holds(value),
        }
    }

    /// Whether a JSON value passes: a scalar through its text, an array through its
    /// elements.
    fn holds(&self, leaf: &Value) -> bool {
        if let Value::Array(items) = leaf {
            // Guess: `empty()` matches an empty collection; other tests hold when any
            // element satisfies them (docs/marketplace-api.md §9.2 leaves collection semantics open).
            return match self {
                Test::IsEmpty => items.is_empty(),
                _ => items.iter().any(|item| self.holds(item)),
            };
        }
        scalar_text(leaf).is_some_and(|text| self.holds_text(&text))
    }

    /// Whether a scalar, written as text, passes.
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

/// A scalar as RQL compares it: RQL values are text, so numbers and booleans are written
/// out; null, objects and arrays have no text.
fn scalar_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
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

/// A `like`/`ilike` pattern. As in the platform's RQL library, a `*` is a wildcard only as
/// the pattern's first or last character; anywhere else it is a literal star, as is `\*`
/// (docs/marketplace-api.md §5.7, §9.4).
pub(super) struct Pattern {
    /// The literal text between the wildcards, lower-cased for `ilike`.
    literal: String,
    /// A wildcard leads: the text may start with anything.
    any_prefix: bool,
    /// A wildcard ends the pattern: the text may end with anything.
    any_suffix: bool,
    case_insensitive: bool,
}

impl Pattern {
    /// Reads the pattern once, when the query is compiled.
    pub(super) fn new(text: &str, case_insensitive: bool) -> Self {
        let any_prefix = text.starts_with('*');
        let body = if any_prefix { &text[1..] } else { text };
        // A trailing `\*` is an escaped star, not a wildcard.
        let any_suffix = body.ends_with('*') && !body.ends_with("\\*");
        let body = if any_suffix { &body[..body.len() - 1] } else { body };
        let literal = body.replace("\\*", "*");
        let literal = if case_insensitive { literal.to_lowercase() } else { literal };
        Self { literal, any_prefix, any_suffix, case_insensitive }
    }

    /// Whether the whole of `text` matches.
    fn matches(&self, text: &str) -> bool {
        if self.case_insensitive && !text.is_ascii() {
            // The literal is already lower-case; Unicode case folding needs a copy.
            return self.fits(text.to_lowercase().as_bytes(), false);
        }
        // ASCII text compares case-insensitively in place, without allocating.
        self.fits(text.as_bytes(), self.case_insensitive)
    }

    fn fits(&self, text: &[u8], ascii_case_insensitive: bool) -> bool {
        let same = |a: &[u8], b: &[u8]| if ascii_case_insensitive { a.eq_ignore_ascii_case(b) } else { a == b };
        let literal = self.literal.as_bytes();
        if text.len() < literal.len() {
            return false;
        }
        match (self.any_prefix, self.any_suffix) {
            (false, false) => same(text, literal),
            (false, true) => same(&text[..literal.len()], literal),
            (true, false) => same(&text[text.len() - literal.len()..], literal),
            (true, true) => {
                text.windows(literal.len().max(1)).any(|window| same(window, literal)) || literal.is_empty()
            }
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
        assert!(Pattern::new("exact", false).matches("exact"));
        assert!(!Pattern::new("exact", false).matches("exactly"));
        assert!(Pattern::new("*", false).matches("anything"));
        assert!(Pattern::new("**", false).matches(""));
    }

    #[test]
    fn a_star_inside_a_pattern_is_literal() {
        // The platform's library reads wildcards at the ends only (docs/marketplace-api.md §5.7).
        let p = Pattern::new("*billing*export*", true);
        assert!(p.matches("Old Billing*Export v2"));
        assert!(!p.matches("Billing nightly export"), "a middle star is not a wildcard");
        assert!(!Pattern::new("a*b*a", false).matches("aba"));
        assert!(Pattern::new("a*b*a", false).matches("a*b*a"));
        assert!(Pattern::new(r"*a\*b*", false).matches("xa*by"), "an escaped star is literal too");
        assert!(Pattern::new(r"ends\*", false).matches("ends*"), "an escaped final star is not a wildcard");
        assert!(!Pattern::new(r"ends\*", false).matches("ends with"));
    }
}
