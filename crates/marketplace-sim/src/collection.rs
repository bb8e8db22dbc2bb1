//! A JSON collection with an id index and a column of pre-extracted values per queryable
//! field.
//!
//! Filtering and ordering read the columns, not the JSON. Walking one map per field per
//! object chases a pointer for every key compared, and those cache misses dominated the
//! cost of a page; a column keeps the values of one field for all objects side by side,
//! so a query over tens of thousands of objects reads memory in order.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::query::{ResourceSpec, visit_leaves};

/// One stored value: text lives in the column's arena, anything else stays a JSON value.
#[derive(Debug)]
enum Stored {
    Text { start: u32, len: u32 },
    Other(Box<Value>),
}

/// One value of a field as a query sees it.
#[derive(Clone, Copy, Debug)]
pub enum Leaf<'a> {
    /// A string.
    Text(&'a str),
    /// A number, boolean, null or array.
    Value(&'a Value),
}

impl<'a> Leaf<'a> {
    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Leaf::Text(text) => Some(text),
            Leaf::Value(value) => value.as_str(),
        }
    }

    /// Whether this is JSON null.
    pub fn is_null(&self) -> bool {
        matches!(self, Leaf::Value(Value::Null))
    }
}

/// The values of one field for every object: object `i` owns
/// `leaves[starts[i]..starts[i + 1]]` (several for a path through an array such as
/// `modules.id`, none when the field is absent). Strings are kept back to back in one
/// arena, so scanning a column reads memory in order.
#[derive(Debug)]
struct Column {
    leaves: Vec<Stored>,
    starts: Vec<u32>,
    text: String,
}

impl Column {
    fn new() -> Self {
        Self { leaves: Vec::new(), starts: vec![0], text: String::new() }
    }

    fn of(&self, object: usize) -> &[Stored] {
        match (self.starts.get(object), self.starts.get(object + 1)) {
            (Some(&start), Some(&end)) => self.leaves.get(start as usize..end as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn leaf<'a>(&'a self, stored: &'a Stored) -> Leaf<'a> {
        match stored {
            Stored::Text { start, len } => {
                let start = *start as usize;
                Leaf::Text(self.text.get(start..start + *len as usize).unwrap_or_default())
            }
            Stored::Other(value) => Leaf::Value(value),
        }
    }

    /// Moves string values into the arena (an update leaves the old text behind: a few
    /// bytes per single-object write).
    fn store(&mut self, values: Vec<Value>) -> Vec<Stored> {
        values
            .into_iter()
            .map(|value| match value {
                Value::String(text) => {
                    let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
                    self.text.push_str(&text);
                    Stored::Text { start, len: u32::try_from(text.len()).unwrap_or(u32::MAX) }
                }
                other => Stored::Other(Box::new(other)),
            })
            .collect()
    }

    fn push(&mut self, values: Vec<Value>) {
        let stored = self.store(values);
        self.leaves.extend(stored);
        self.starts.push(u32::try_from(self.leaves.len()).unwrap_or(u32::MAX));
    }

    /// Replaces the values of one object, shifting the later ones: O(collection) per
    /// change, which single-object writes can afford.
    fn replace(&mut self, object: usize, values: Vec<Value>) {
        let (Some(&start), Some(&end)) = (self.starts.get(object), self.starts.get(object + 1)) else {
            return;
        };
        let (start, end) = (start as usize, end as usize);
        let stored = self.store(values);
        let delta = stored.len() as i64 - (end - start) as i64;
        self.leaves.splice(start..end, stored);
        if delta != 0 {
            for later in &mut self.starts[object + 1..] {
                *later = u32::try_from(i64::from(*later) + delta).unwrap_or(u32::MAX);
            }
        }
    }
}

/// One object's view of the columns.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    columns: &'a [Column],
    object: usize,
}

impl<'a> Row<'a> {
    /// Every value at field `index` of the spec.
    pub fn field(&self, index: usize) -> impl Iterator<Item = Leaf<'a>> + use<'a> {
        let column = self.columns.get(index);
        let stored = column.map_or(&[][..], |column| column.of(self.object));
        stored.iter().filter_map(move |s| column.map(|column| column.leaf(s)))
    }

    /// The first value at field `index` as text, if it is a string.
    pub fn text(&self, index: usize) -> Option<&'a str> {
        self.field(index).next().and_then(|leaf| leaf.as_str())
    }
}

/// Objects in insertion order, which is the default order of lists.
// Guess: the default sort is undocumented (docs/marketplace-api.md §9.7); creation order is the
// likeliest.
#[derive(Debug)]
pub struct Collection {
    items: Vec<Value>,
    columns: Vec<Column>,
    index: HashMap<String, usize>,
    spec: &'static ResourceSpec,
    /// Bumped by every change, so that cached orders know they are stale.
    generation: u64,
    /// The ordered matches of recent list queries, newest last (see [`Collection::ordered`]).
    orders: Mutex<VecDeque<CachedOrder>>,
}

/// How many list queries keep their ordered matches.
const CACHED_ORDERS: usize = 16;

/// The positions of one query's matches, in its order, as of one generation.
#[derive(Debug)]
struct CachedOrder {
    key: String,
    generation: u64,
    positions: Arc<[u32]>,
}

fn field_values(item: &Value, field: &str) -> Vec<Value> {
    let path: Vec<&str> = field.split('.').collect();
    let mut values = Vec::new();
    visit_leaves(item, &path, &mut |leaf| values.push(leaf.clone()));
    values
}

impl Collection {
    /// An empty collection queried through `spec`.
    pub fn new(spec: &'static ResourceSpec) -> Self {
        let columns = spec.fields.iter().map(|_| Column::new()).collect();
        Self { items: Vec::new(), columns, index: HashMap::new(), spec, generation: 0, orders: Mutex::default() }
    }

    /// Appends an object; its `id` must be new.
    pub fn insert(&mut self, item: Value) {
        let id = item["id"].as_str().unwrap_or_default().to_string();
        self.generation += 1;
        self.index.insert(id, self.items.len());
        for (column, field) in self.columns.iter_mut().zip(self.spec.fields) {
            column.push(field_values(&item, field));
        }
        self.items.push(item);
    }

    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// Changes the object with this id and refreshes its column values; `None` if there
    /// is none.
    pub fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut Value) -> R) -> Option<R> {
        let &i = self.index.get(id)?;
        self.generation += 1;
        let result = change(&mut self.items[i]);
        for (column, field) in self.columns.iter_mut().zip(self.spec.fields) {
            column.replace(i, field_values(&self.items[i], field));
        }
        Some(result)
    }

    /// Every object with its row, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = (&Value, Row<'_>)> {
        let columns = self.columns.as_slice();
        self.items.iter().enumerate().map(move |(object, item)| (item, Row { columns, object }))
    }

    /// The object at `position` (an index in insertion order).
    pub fn at(&self, position: u32) -> Option<&Value> {
        self.items.get(position as usize)
    }

    /// Whether the ordered matches of `key` are kept for the collection as it is.
    pub fn has_order(&self, key: &str) -> bool {
        let orders = self.orders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        orders.iter().any(|order| order.key == key && order.generation == self.generation)
    }

    /// The positions `compute` gives for `key` (a query without its paging), computed
    /// once per state of the collection: the pages of one list-all then share the
    /// filtering and sorting, as a database's index shares it, instead of repeating it
    /// per page on the CPU the client under test also needs.
    pub fn ordered(&self, key: &str, compute: impl FnOnce() -> Vec<u32>) -> Arc<[u32]> {
        let mut orders = self.orders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        orders.retain(|order| order.generation == self.generation);
        if let Some(order) = orders.iter().find(|order| order.key == key) {
            return order.positions.clone();
        }
        drop(orders);
        // Computed without the lock: concurrent pages of different queries do not wait.
        let positions: Arc<[u32]> = compute().into();
        let mut orders = self.orders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if orders.len() == CACHED_ORDERS {
            orders.pop_front();
        }
        orders.push_back(CachedOrder {
            key: key.to_owned(),
            generation: self.generation,
            positions: positions.clone(),
        });
        positions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPEC: ResourceSpec =
        ResourceSpec { fields: &["id", "tags.name", "status"], selectable: &[], list_omitted: &[], get_omitted: &[] };

    #[test]
    fn columns_follow_updates_that_change_the_number_of_values() {
        let mut collection = Collection::new(&SPEC);
        collection.insert(json!({"id": "a", "tags": [{"name": "x"}], "status": "on"}));
        collection.insert(json!({"id": "b", "tags": [], "status": "off"}));
        collection.insert(json!({"id": "c", "tags": [{"name": "y"}, {"name": "z"}]}));
        collection.update("a", |a| a["tags"] = json!([{"name": "p"}, {"name": "q"}, {"name": "r"}]));
        collection.update("b", |b| b["tags"] = json!([{"name": "s"}]));
        let rows: Vec<(Vec<&str>, Option<&str>)> = collection
            .entries()
            .map(|(_, row)| (row.field(1).filter_map(|leaf| leaf.as_str()).collect(), row.text(2)))
            .collect();
        assert_eq!(rows, vec![(vec!["p", "q", "r"], Some("on")), (vec!["s"], Some("off")), (vec!["y", "z"], None)]);
        assert_eq!(collection.entries().nth(2).map(|(_, row)| row.field(1).count()), Some(2));
        assert!(collection.update("missing", |_| ()).is_none());
    }
}
