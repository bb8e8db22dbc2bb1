//! The project stage: shapes each answered object, leaving out omitted fields, adding
//! `$meta.omitted` to single objects and filling `render()` templates.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

/// One list item: the stored object minus omitted fields, or a rendered copy.
pub(super) enum Projected<'a> {
    /// Serialized straight from the store, skipping the omitted keys.
    Borrowed { object: &'a Map<String, Value>, omit: &'a [String] },
    /// A projected copy, for `render()` (which rewrites fields) and non-objects.
    Owned(Value),
}

impl<'a> Projected<'a> {
    /// One list item. Items are serialized straight from the store; only `render()`
    /// needs copies.
    pub(super) fn item(item: &'a Value, omit: &'a [String], render: bool) -> Self {
        match item {
            Value::Object(object) if !render => Projected::Borrowed { object, omit },
            other => Projected::Owned(project(other, omit, render, false)),
        }
    }
}

impl Serialize for Projected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Projected::Owned(value) => value.serialize(serializer),
            Projected::Borrowed { object, omit } => {
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in object.iter().filter(|(key, _)| !omit.contains(key)) {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A copy of `item` without the `omit` fields, with `$meta.omitted` listing those it had
/// when `with_meta` (single objects only; list items carry it in the envelope), rendered
/// when `render`.
pub(super) fn project(item: &Value, omit: &[String], render: bool, with_meta: bool) -> Value {
    let mut object: Map<String, Value> = match item {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| !omit.iter().any(|o| o == *key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        other => return other.clone(),
    };
    let omitted_here: Vec<&String> = omit.iter().filter(|o| item.get(o.as_str()).is_some()).collect();
    if with_meta && !omitted_here.is_empty() {
        object.insert("$meta".into(), json!({ "omitted": omitted_here }));
    }
    let mut value = Value::Object(object);
    if render {
        render_templates(&mut value);
    }
    value
}

/// Replaces `{{path}}` placeholders in `summary` and `details` with the values at those
/// paths of the same object (the `render()` option of audit records, docs/marketplace-api.md §8.1).
fn render_templates(object: &mut Value) {
    for field in ["summary", "details"] {
        let Some(text) = object.get(field).and_then(Value::as_str) else { continue };
        let mut rendered = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            rendered.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                rendered.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let path = after[..end].trim();
            let mut target = &*object;
            for part in path.split('.') {
                target = target.get(part).unwrap_or(&Value::Null);
            }
            match target {
                Value::String(s) => rendered.push_str(s),
                Value::Null => {}
                other => rendered.push_str(&other.to_string()),
            }
            rest = &after[end + 2..];
        }
        rendered.push_str(rest);
        object[field] = Value::String(rendered);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders() {
        let mut record = json!({"summary": "Token {{object.id}} created", "details": "by {{actor.name}}{{missing}}.", "object": {"id": "TKN-1"}, "actor": {"name": "Ann"}});
        render_templates(&mut record);
        assert_eq!(record["summary"], "Token TKN-1 created");
        assert_eq!(record["details"], "by Ann.");
    }
}
