//! A JSON collection with an id index and a column of pre-extracted values per queryable
//! field.
//!
//! Filtering and ordering read the columns, not the JSON. Walking one map per field per
//! object chases a pointer for every key compared, and those cache misses dominated the
//! cost of a page; a column keeps the values of one field for all objects side by side,
//! so a query over tens of thousands of objects reads memory in order.

use std::collections::HashMap;

use serde_json::Value;

use crate::query::{ResourceSpec, visit_leaves};

/// The values of one field for every object: object `i` owns
/// `leaves[starts[i]..starts[i + 1]]` (several for a path through an array such as
/// `modules.id`, none when the field is absent).
#[derive(Debug, Default)]
struct Column {
    leaves: Vec<Value>,
    starts: Vec<u32>,
}

impl Column {
    fn new() -> Self {
        Self { leaves: Vec::new(), starts: vec![0] }
    }

    fn of(&self, object: usize) -> &[Value] {
        match (self.starts.get(object), self.starts.get(object + 1)) {
            (Some(&start), Some(&end)) => &self.leaves[start as usize..end as usize],
            _ => &[],
        }
    }

    fn push(&mut self, values: Vec<Value>) {
        self.leaves.extend(values);
        self.starts.push(u32::try_from(self.leaves.len()).unwrap_or(u32::MAX));
    }

    /// Replaces the values of one object, shifting the later ones: O(collection) per
    /// change, which single-object writes can afford.
    fn replace(&mut self, object: usize, values: Vec<Value>) {
        let (Some(&start), Some(&end)) = (self.starts.get(object), self.starts.get(object + 1)) else {
            return;
        };
        let (start, end) = (start as usize, end as usize);
        let delta = values.len() as i64 - (end - start) as i64;
        self.leaves.splice(start..end, values);
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
    pub fn field(&self, index: usize) -> &'a [Value] {
        self.columns.get(index).map_or(&[], |column| column.of(self.object))
    }

    /// The first value at field `index` as text, if it is a string.
    pub fn text(&self, index: usize) -> Option<&'a str> {
        self.field(index).first().and_then(Value::as_str)
    }
}

/// Objects in insertion order, which is the default order of lists.
// Guess: the default sort is undocumented (reference §5, §11.7); creation order is the
// likeliest.
#[derive(Debug)]
pub struct Collection {
    items: Vec<Value>,
    columns: Vec<Column>,
    index: HashMap<String, usize>,
    spec: &'static ResourceSpec,
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
        Self { items: Vec::new(), columns, index: HashMap::new(), spec }
    }

    /// Appends an object; its `id` must be new.
    pub fn insert(&mut self, item: Value) {
        let id = item["id"].as_str().unwrap_or_default().to_string();
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
        let result = change(&mut self.items[i]);
        for (column, field) in self.columns.iter_mut().zip(self.spec.fields) {
            column.replace(i, field_values(&self.items[i], field));
        }
        Some(result)
    }

    /// Rebuilds every column in one pass per field, so that values made while seeding
    /// (between many other allocations) end up next to each other in memory.
    pub fn compact(&mut self) {
        for (column, field) in self.columns.iter_mut().zip(self.spec.fields) {
            let mut fresh = Column::new();
            for item in &self.items {
                fresh.push(field_values(item, field));
            }
            *column = fresh;
        }
    }

    /// Every object with its row, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = (&Value, Row<'_>)> {
        let columns = self.columns.as_slice();
        self.items.iter().enumerate().map(move |(object, item)| (item, Row { columns, object }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPEC: ResourceSpec = ResourceSpec {
        fields: &["id", "tags.name", "status"],
        selectable: &[],
        list_omitted: &[],
        get_omitted: &[],
    };

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
            .map(|(_, row)| (row.field(1).iter().filter_map(Value::as_str).collect(), row.text(2)))
            .collect();
        assert_eq!(
            rows,
            vec![(vec!["p", "q", "r"], Some("on")), (vec!["s"], Some("off")), (vec!["y", "z"], None)]
        );
        collection.compact();
        assert_eq!(collection.entries().nth(2).map(|(_, row)| row.field(1).len()), Some(2));
        assert!(collection.update("missing", |_| ()).is_none());
    }
}
