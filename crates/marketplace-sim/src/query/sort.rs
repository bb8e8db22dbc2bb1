//! The sort stage: picks the requested page out of the matching objects, in `order`.
//!
//! Sort keys are read from each object's pre-extracted [`Row`] and only the page's prefix
//! of the collection is fully sorted, so a page out of tens of thousands of objects costs
//! time linear in the collection.

use std::cmp::Ordering;

use serde_json::Value;

use crate::collection::{Leaf, Row};

/// Items `offset..end` of `matching` (`end` already capped at its length), in `order` when
/// there is one and in collection order otherwise.
pub(super) fn page<'a>(
    matching: &[(&'a Value, Row<'a>)],
    order: &[(usize, bool)],
    offset: usize,
    end: usize,
) -> Vec<&'a Value> {
    if offset >= end {
        Vec::new()
    } else if order.is_empty() {
        matching[offset..end].iter().map(|(item, _)| *item).collect()
    } else {
        ordered_indices(matching, order, offset, end).into_iter().map(|i| matching[i].0).collect()
    }
}

/// The indexes of all of `matching` in `order` (collection order when there is none).
pub(super) fn order(matching: &[(&Value, Row<'_>)], order: &[(usize, bool)]) -> Vec<usize> {
    if order.is_empty() { (0..matching.len()).collect() } else { ordered_indices(matching, order, 0, matching.len()) }
}

/// The indexes of items `offset..end` in `order`. Only the first `end` items are fully sorted (a
/// selection puts them in front in linear time). Each item carries an 8-byte prefix of
/// its first sort key, so most comparisons need no trip to the values themselves; ties
/// fall back to the full keys and then to creation order, so pages are the ones a
/// stable sort of the whole collection would give.
fn ordered_indices(matching: &[(&Value, Row<'_>)], order: &[(usize, bool)], offset: usize, end: usize) -> Vec<usize> {
    let Some(&(first_field, first_descending)) = order.first() else {
        return (offset..end).collect();
    };
    let compare = |a: &(u64, u32), b: &(u64, u32)| -> Ordering {
        let prefix = if first_descending { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) };
        if prefix != Ordering::Equal {
            return prefix;
        }
        let (row_a, row_b) = (matching[a.1 as usize].1, matching[b.1 as usize].1);
        for (field, descending) in order {
            let ordering = SortKey::of(row_a, *field).cmp(&SortKey::of(row_b, *field));
            if ordering != Ordering::Equal {
                return if *descending { ordering.reverse() } else { ordering };
            }
        }
        a.1.cmp(&b.1)
    };
    let keyed_items = matching.iter().zip(0u32..).map(|((_, row), i)| (SortKey::of(*row, first_field).prefix(), i));
    if end <= SHORT_TOP && end < matching.len() {
        return first_few(keyed_items, end, compare)[offset..].iter().map(|&(_, i)| i as usize).collect();
    }
    let mut keyed: Vec<(u64, u32)> = keyed_items.collect();
    if end < keyed.len() {
        keyed.select_nth_unstable_by(end - 1, compare);
        keyed.truncate(end);
    }
    keyed.sort_unstable_by(compare);
    keyed[offset..].iter().map(|&(_, i)| i as usize).collect()
}

/// Up to this many first items are kept in a sorted list as the items go by,
/// rather than selected from all of them.
const SHORT_TOP: usize = 64;

/// The first `count` of `items` in `compare`'s order, sorted: each item is
/// compared with the last one kept, and almost all go no further (the first
/// 25 active tokens by name among 84,000: one comparison each, most decided
/// by the key's prefix, where a selection compares each several times).
fn first_few(
    items: impl Iterator<Item = (u64, u32)>,
    count: usize,
    compare: impl Fn(&(u64, u32), &(u64, u32)) -> Ordering,
) -> Vec<(u64, u32)> {
    let mut kept: Vec<(u64, u32)> = Vec::with_capacity(count + 1);
    for item in items {
        if kept.len() == count && kept.last().is_none_or(|last| compare(&item, last) != Ordering::Less) {
            continue;
        }
        let at = kept.partition_point(|existing| compare(existing, &item) != Ordering::Greater);
        kept.insert(at, item);
        kept.truncate(count);
    }
    kept
}

/// One sort key of one object. Missing values sort first in ascending order, then
/// numbers, then text.
enum SortKey<'a> {
    /// No value, or one that is neither text, number nor boolean.
    Missing,
    /// A number; `true` and `false` sort as 1 and 0.
    Number(f64),
    /// A string.
    Text(&'a str),
}

impl SortKey<'_> {
    /// The position of the key's kind in the order Missing < Number < Text.
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
                let head = text.as_bytes().get(..7).unwrap_or(text.as_bytes());
                if head.is_ascii() {
                    // The common case, without decoding: ASCII folds byte by byte.
                    for (slot, byte) in bytes[1..].iter_mut().zip(head) {
                        *slot = byte.to_ascii_lowercase();
                    }
                    return (2 << 62) | u64::from_be_bytes(bytes);
                }
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
// collation does (docs/marketplace-api.md §9.7: undocumented).
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
    use serde_json::json;

    use super::*;
    use crate::query::{ResourceSpec, prepare_list};

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
            SortKey::Text("ERP synç"),
            SortKey::Text("ERP sé"),
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
        // The ASCII shortcut gives the prefix the folding path gives.
        assert_eq!(SortKey::Text("ERP SYNC robot").prefix(), SortKey::Text("erp sync").prefix());
        assert_eq!(SortKey::Text("ERP synç").prefix(), SortKey::Text("erp syn").prefix());
        assert_ne!(SortKey::Text("ERP sé").prefix(), SortKey::Text("erp s").prefix());
    }

    #[test]
    fn the_first_few_are_the_head_of_a_full_sort() {
        // Many equal prefixes, as among token names: the full comparison decides.
        let keys: Vec<u64> = (0..5_000u64).map(|i| (i * 7919) % 40).collect();
        let compare = |a: &(u64, u32), b: &(u64, u32)| a.0.cmp(&b.0).then(a.1.cmp(&b.1));
        let mut all: Vec<(u64, u32)> = keys.iter().copied().zip(0u32..).collect();
        all.sort_by(compare);
        for count in [1, 25, 64] {
            let few = first_few(keys.iter().copied().zip(0u32..), count, compare);
            assert_eq!(few, all[..count], "the first {count}");
        }
        assert_eq!(first_few([(3, 0), (1, 1)].into_iter(), 25, compare), vec![(1, 1), (3, 0)]);
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
            let want: Vec<&Value> = expected.iter().skip(offset).take(30).map(|t| &t["id"]).collect();
            let page = query.list(collection.entries()).to_value();
            let ids: Vec<&Value> = page["data"].as_array().expect("data").iter().map(|t| &t["id"]).collect();
            assert_eq!(ids, want, "offset {offset}");
            // The cached path, with its ordered matches shared between pages, gives the same page.
            let page = query.list_in(&collection, "everyone", |_| true).to_value();
            let ids: Vec<&Value> = page["data"].as_array().expect("data").iter().map(|t| &t["id"]).collect();
            assert_eq!(ids, want, "offset {offset}, cached");
        }
    }

    #[test]
    fn cached_matches_follow_every_change_and_every_scope() {
        static SPEC: ResourceSpec = ResourceSpec {
            fields: &["id", "name", "status"],
            selectable: &["id", "name", "status"],
            list_omitted: &[],
            get_omitted: &[],
        };
        let mut collection = crate::collection::Collection::new(&SPEC);
        for i in 0..50 {
            collection.insert(json!({"id": format!("T{i:02}"), "name": format!("n{i}"), "status": "Active"}));
        }
        let query = prepare_list("eq(status,Active)&order=-id&limit=10&offset=0", &SPEC).expect("valid");
        let first = |collection: &crate::collection::Collection, scope: &str, only_even: bool| {
            let page = query
                .list_in(collection, scope, |row| {
                    !only_even || row.text(0).is_some_and(|id| id.ends_with(['0', '2', '4', '6', '8']))
                })
                .to_value();
            (page["$meta"]["pagination"]["total"].as_u64(), page["data"][0]["id"].as_str().map(str::to_owned))
        };
        assert_eq!(first(&collection, "all", false), (Some(50), Some("T49".into())));
        // Another scope is another list, even for the same query text.
        assert_eq!(first(&collection, "even", true), (Some(25), Some("T48".into())));
        // A change the filter sees takes effect on the next page asked for.
        collection.update("T49", |token| token["status"] = json!("Disabled"));
        assert_eq!(first(&collection, "all", false), (Some(49), Some("T48".into())));
        collection.insert(json!({"id": "T99", "name": "new", "status": "Active"}));
        assert_eq!(first(&collection, "all", false), (Some(50), Some("T99".into())));
    }
}
