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

/// A `like`/`ilike` pattern: `*` is a wildcard, `\*` a literal star.
pub(super) struct Pattern {
    parts: Vec<String>,
    case_insensitive: bool,
}

impl Pattern {
    /// Splits the pattern at its wildcards once, when the query is compiled.
    pub(super) fn new(text: &str, case_insensitive: bool) -> Self {
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

    /// Whether the whole of `text` matches.
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
}
