//! A JSON collection with an id index and, per object, a row of its queryable values.
//!
//! Filtering and ordering read the rows, not the JSON: a row holds the leaves of every
//! field of the collection's [`ResourceSpec`] side by side, so a query over tens of
//! thousands of objects does not walk one map per field per object (map lookups chase a
//! pointer per key compared, and those cache misses dominated the cost).

use std::collections::HashMap;

use serde_json::Value;

use crate::query::{ResourceSpec, visit_leaves};

/// Most fields a [`ResourceSpec`] may list (the row keeps their bounds inline).
pub const MAX_ROW_FIELDS: usize = 24;

/// The values at each field path of one object, in the order of the spec's `fields`.
///
/// The bounds live inline and the leaves in one allocation made before their strings, so
/// reading a row touches few, mostly adjacent cache lines.
#[derive(Debug, Clone)]
pub struct Row {
    leaves: Vec<Value>,
    /// `ends[f]` is one past the last leaf of field `f`.
    ends: [u16; MAX_ROW_FIELDS],
}

impl Row {
    pub(crate) fn extract(item: &Value, fields: &[&str]) -> Row {
        let mut leaves = Vec::with_capacity(fields.len() + 8);
        let mut ends = [0u16; MAX_ROW_FIELDS];
        // Specs are checked to fit (see `resources` tests); extra fields would be unqueryable.
        for (end, field) in ends.iter_mut().zip(fields) {
            let mut path = [""; 8];
            let mut depth = 0;
            for (slot, part) in path.iter_mut().zip(field.split('.')) {
                *slot = part;
                depth += 1;
            }
            visit_leaves(item, &path[..depth], &mut |leaf| leaves.push(leaf.clone()));
            *end = u16::try_from(leaves.len()).unwrap_or(u16::MAX);
        }
        Row { leaves, ends }
    }

    /// Every value at field `index` (several for a path through an array, such as
    /// `modules.id`; none when the field is absent).
    pub fn field(&self, index: usize) -> &[Value] {
        let start = if index == 0 { 0 } else { self.ends.get(index - 1).map_or(0, |&e| e as usize) };
        let end = self.ends.get(index).map_or(start, |&e| e as usize).clamp(start, self.leaves.len());
        &self.leaves[start.min(end)..end]
    }

    /// The first value at field `index` as text, if it is a string.
    pub fn text(&self, index: usize) -> Option<&str> {
        self.field(index).first().and_then(Value::as_str)
    }
}

/// Objects in insertion order, which is the default order of lists.
// Guess: the default sort is undocumented (reference §5, §11.7); creation order is the
// likeliest.
#[derive(Debug)]
pub struct Collection {
    items: Vec<Value>,
    rows: Vec<Row>,
    index: HashMap<String, usize>,
    spec: &'static ResourceSpec,
}

impl Collection {
    /// An empty collection queried through `spec`.
    pub fn new(spec: &'static ResourceSpec) -> Self {
        Self { items: Vec::new(), rows: Vec::new(), index: HashMap::new(), spec }
    }

    /// Appends an object; its `id` must be new.
    pub fn insert(&mut self, item: Value) {
        let id = item["id"].as_str().unwrap_or_default().to_string();
        self.index.insert(id, self.items.len());
        self.rows.push(Row::extract(&item, self.spec.fields));
        self.items.push(item);
    }

    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// Changes the object with this id and refreshes its row; `None` if there is none.
    pub fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut Value) -> R) -> Option<R> {
        let &i = self.index.get(id)?;
        let result = change(&mut self.items[i]);
        self.rows[i] = Row::extract(&self.items[i], self.spec.fields);
        Some(result)
    }

    /// Rebuilds every row in order, so that rows made while seeding (between many other
    /// allocations) end up next to each other in memory.
    pub fn compact_rows(&mut self) {
        self.rows = self.items.iter().map(|item| Row::extract(item, self.spec.fields)).collect();
    }

    /// Every object with its row, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = (&Value, &Row)> {
        self.items.iter().zip(self.rows.iter())
    }
}
