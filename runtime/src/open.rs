//! Properties of open types that the metadata does not declare (OData's
//! dynamic properties), with the type annotations the service needs.
//!
//! An open type keeps such properties in its `additional_properties` map.
//! Some values need a `name@odata.type` annotation beside them: a
//! collection (`"tags@odata.type": "Collection(String)"`), and, for the
//! Microsoft Search connectors service, a string holding non-ASCII
//! characters (`"title@odata.type": "String"`). [`PropertyValue`] knows which, and a
//! generated open type's `set_property` writes both; the type writes each
//! annotation right before its property, as OData readers require.
//!
//! ```
//! use graphgen_runtime::edm::DateTimeOffset;
//! use graphgen_runtime::open;
//!
//! let mut properties = serde_json::Map::new();
//! open::set_property(&mut properties, "title", "Contoso");
//! open::set_property(&mut properties, "tags", vec!["hr", "policy"]);
//! open::set_property(&mut properties, "priority", 3_i64);
//! open::set_property(&mut properties, "author", "Zoë");
//! open::set_property(
//!     &mut properties,
//!     "created",
//!     DateTimeOffset::new("2021-04-06T18:04:31Z")?,
//! );
//! assert_eq!(
//!     serde_json::Value::Object(properties),
//!     serde_json::json!({
//!         "title": "Contoso",
//!         "tags@odata.type": "Collection(String)", "tags": ["hr", "policy"],
//!         "priority": 3,
//!         "author@odata.type": "String", "author": "Zoë",
//!         "created": "2021-04-06T18:04:31Z",
//!     })
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde_json::{Map, Value};

use crate::edm::DateTimeOffset;

/// The value of a dynamic property, with the OData type it has.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PropertyValue {
    /// `Edm.String`.
    String(String),
    /// `Edm.Int64`.
    Int64(i64),
    /// `Edm.Double`.
    Double(f64),
    /// `Edm.Boolean`.
    Boolean(bool),
    /// `Edm.DateTimeOffset`.
    DateTimeOffset(DateTimeOffset),
    /// `Collection(Edm.String)`.
    Strings(Vec<String>),
    /// `Collection(Edm.Int64)`.
    Int64s(Vec<i64>),
    /// `Collection(Edm.Double)`.
    Doubles(Vec<f64>),
    /// `Collection(Edm.DateTimeOffset)`.
    DateTimeOffsets(Vec<DateTimeOffset>),
}

impl PropertyValue {
    /// The `@odata.type` annotation the value needs, if any: collections
    /// (whose JSON array does not say the element type), and strings with
    /// non-ASCII characters (which the connectors service otherwise
    /// misreads). Single numbers, booleans and dates go without one, as
    /// the service's own examples send them.
    pub fn odata_type(&self) -> Option<&'static str> {
        match self {
            PropertyValue::String(s) if s.is_ascii() => None,
            PropertyValue::String(_) => Some("String"),
            PropertyValue::Int64(_)
            | PropertyValue::Double(_)
            | PropertyValue::Boolean(_)
            | PropertyValue::DateTimeOffset(_) => None,
            PropertyValue::Strings(_) => Some("Collection(String)"),
            PropertyValue::Int64s(_) => Some("Collection(Int64)"),
            PropertyValue::Doubles(_) => Some("Collection(Double)"),
            PropertyValue::DateTimeOffsets(_) => Some("Collection(DateTimeOffset)"),
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        let date = |d: &DateTimeOffset| Value::String(d.as_str().to_owned());
        match self {
            PropertyValue::String(s) => Value::String(s.clone()),
            PropertyValue::Int64(n) => Value::from(*n),
            PropertyValue::Double(n) => Value::from(*n),
            PropertyValue::Boolean(b) => Value::Bool(*b),
            PropertyValue::DateTimeOffset(d) => date(d),
            PropertyValue::Strings(v) => v.iter().cloned().map(Value::String).collect(),
            PropertyValue::Int64s(v) => v.iter().copied().map(Value::from).collect(),
            PropertyValue::Doubles(v) => v.iter().copied().map(Value::from).collect(),
            PropertyValue::DateTimeOffsets(v) => v.iter().map(date).collect(),
        }
    }
}

macro_rules! from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for PropertyValue {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

from! {
    String => |v| PropertyValue::String(v),
    &str => |v| PropertyValue::String(v.to_owned()),
    i64 => |v| PropertyValue::Int64(v),
    i32 => |v| PropertyValue::Int64(v.into()),
    f64 => |v| PropertyValue::Double(v),
    bool => |v| PropertyValue::Boolean(v),
    DateTimeOffset => |v| PropertyValue::DateTimeOffset(v),
    Vec<String> => |v| PropertyValue::Strings(v),
    Vec<&str> => |v| PropertyValue::Strings(v.into_iter().map(str::to_owned).collect()),
    Vec<i64> => |v| PropertyValue::Int64s(v),
    Vec<f64> => |v| PropertyValue::Doubles(v),
    Vec<DateTimeOffset> => |v| PropertyValue::DateTimeOffsets(v),
}

/// Sets a dynamic property in an open type's map, with its `@odata.type`
/// annotation where the value needs one (and without a stale one where it
/// does not).
pub fn set_property(map: &mut Map<String, Value>, name: &str, value: impl Into<PropertyValue>) {
    let value = value.into();
    let annotation = format!("{name}@odata.type");
    match value.odata_type() {
        Some(odata_type) => {
            map.insert(annotation, Value::String(odata_type.to_owned()));
        }
        None => {
            map.remove(&annotation);
        }
    }
    map.insert(name.to_owned(), value.to_json());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_follow_the_value() {
        let mut map = Map::new();
        set_property(&mut map, "n", vec![1.5, 2.0]);
        assert_eq!(map["n@odata.type"], "Collection(Double)");
        // Replaced by a plain ASCII string: the stale annotation goes.
        set_property(&mut map, "n", "x");
        assert!(!map.contains_key("n@odata.type"));
        assert_eq!(map["n"], "x");
        set_property(&mut map, "b", true);
        assert_eq!(map.len(), 2);
        set_property(&mut map, "ids", vec![1_i64, 2]);
        assert_eq!(map["ids@odata.type"], "Collection(Int64)");
    }
}
