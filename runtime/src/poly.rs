//! Support for polymorphic values: reading `@odata.type` before choosing the
//! Rust type.
//!
//! ```
//! use graphgen_runtime::poly::Tagged;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct ItemIdResolver { #[serde(rename = "itemId")] item_id: String }
//!
//! #[derive(Debug, PartialEq)]
//! enum Resolver { ItemIdResolver(ItemIdResolver), Other(serde_json::Map<String, serde_json::Value>) }
//!
//! impl<'de> Deserialize<'de> for Resolver {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         let tagged = Tagged::deserialize(d)?;
//!         match tagged.odata_type() {
//!             Some("microsoft.graph.externalConnectors.itemIdResolver") => {
//!                 tagged.into_typed().map(Self::ItemIdResolver)
//!             }
//!             _ => Ok(Self::Other(tagged.into_map())),
//!         }
//!     }
//! }
//!
//! let r: Resolver = serde_json::from_str(
//!     r##"{"@odata.type":"#microsoft.graph.externalConnectors.itemIdResolver","itemId":"x"}"##,
//! ).unwrap();
//! assert_eq!(r, Resolver::ItemIdResolver(ItemIdResolver { item_id: "x".into() }));
//! ```

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The JSON annotation naming a value's concrete type.
pub const ODATA_TYPE: &str = "@odata.type";

/// A JSON object held in memory so its `@odata.type` can be read before the
/// Rust type is chosen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tagged(Map<String, Value>);

impl Tagged {
    /// Wraps an object.
    pub fn from_map(map: Map<String, Value>) -> Self {
        Tagged(map)
    }

    /// The qualified type name from `@odata.type`, without its leading `#`
    /// (accepted with or without it); `None` if absent or not a string.
    pub fn odata_type(&self) -> Option<&str> {
        match self.0.get(ODATA_TYPE) {
            Some(Value::String(s)) => Some(s.strip_prefix('#').unwrap_or(s)),
            _ => None,
        }
    }

    /// Deserializes the object (including its `@odata.type` member) into `T`,
    /// moving the buffered values; errors are converted into `E`.
    pub fn into_typed<T: DeserializeOwned, E: de::Error>(self) -> Result<T, E> {
        T::deserialize(Value::Object(self.0)).map_err(E::custom)
    }

    /// The object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// The object, borrowed.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Tagged {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tagged;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Tagged, A::Error> {
                let mut map = Map::new();
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    map.insert(k, v);
                }
                Ok(Tagged(map))
            }
        }
        d.deserialize_map(V)
    }
}

/// A polymorphic enum that picks its variant from `@odata.type`;
/// implemented by generated code, used through [`deserialize`].
pub trait Dispatch: Sized {
    /// Whether a value of this qualified type (without `#`; `None` when the
    /// value has no `@odata.type`) is one of the variants.
    fn is_known(odata_type: Option<&str>) -> bool;
    /// Reads the variant for `odata_type` (one [`is_known`](Self::is_known) accepts) from `de`.
    fn dispatch<'de, D: Deserializer<'de>>(
        odata_type: Option<&str>,
        de: D,
    ) -> Result<Self, D::Error>;
    /// A value of a type this crate does not know, kept whole.
    fn unrecognized(object: Map<String, Value>) -> Self;
}

/// The qualified type name in a kept object's `@odata.type`, without `#`.
pub fn odata_type_of(object: &Map<String, Value>) -> Option<&str> {
    object
        .get(ODATA_TYPE)
        .and_then(Value::as_str)
        .map(|t| t.trim_start_matches('#'))
}

/// The error of [`Dispatch::dispatch`] for a type that is not a variant
/// (which [`Dispatch::is_known`] rules out); the input is dropped unread.
pub fn not_a_variant<'de, D: Deserializer<'de>>(odata_type: Option<&str>, input: D) -> D::Error {
    drop(input);
    de::Error::custom(format_args!(
        "`{}` is not a variant",
        odata_type.unwrap_or("(no @odata.type)")
    ))
}

/// Serializes one variant of a polymorphic enum: `@odata.type` (`#` and
/// the qualified type name) first, then the value's members.
pub fn serialize_tagged<S: serde::Serializer, T: crate::object::Object>(
    odata_type: &'static str,
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use crate::object::MemberSink;
    /// `#` and the type name, written without allocating.
    struct Tag(&'static str);
    impl serde::Serialize for Tag {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&format_args!("#{}", self.0))
        }
    }
    impl fmt::Debug for Tag {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "#{}", self.0)
        }
    }
    let mut writer = crate::object::Writer::new(serializer);
    writer.required(ODATA_TYPE, &Tag(odata_type));
    value.members(&mut writer);
    writer.end()
}

/// Deserializes a polymorphic value. When `@odata.type` is the object's first
/// member (as the service and this crate write it), the variant reads the
/// rest of the object straight from the input; otherwise the object is held
/// in memory until its `@odata.type` is known.
pub fn deserialize<'de, D: Deserializer<'de>, T: Dispatch>(d: D) -> Result<T, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Dispatch> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let Some(first) = map.next_key::<String>()? else {
                return finish(Map::new());
            };
            if first == ODATA_TYPE {
                let tag: Value = map.next_value()?;
                if let Value::String(name) = &tag {
                    let name = name.strip_prefix('#').unwrap_or(name);
                    if T::is_known(Some(name)) {
                        return T::dispatch(Some(name), de::value::MapAccessDeserializer::new(map));
                    }
                }
                let mut rest: Map<String, Value> =
                    Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
                rest.insert(ODATA_TYPE.to_string(), tag);
                return Ok(T::unrecognized(rest));
            }
            let mut object = Map::new();
            let value: Value = map.next_value()?;
            object.insert(first, value);
            while let Some((k, v)) = map.next_entry::<String, Value>()? {
                object.insert(k, v);
            }
            finish(object)
        }
    }
    fn finish<T: Dispatch, E: de::Error>(object: Map<String, Value>) -> Result<T, E> {
        let tagged = Tagged(object);
        let name = tagged.odata_type();
        if T::is_known(name) {
            let name = name.map(str::to_string);
            T::dispatch(name.as_deref(), Value::Object(tagged.0)).map_err(E::custom)
        } else {
            Ok(T::unrecognized(tagged.0))
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Derived {
        #[serde(rename = "@odata.type")]
        odata_type: String,
        n: u32,
    }

    #[test]
    fn reads_type_with_or_without_hash() {
        let t: Tagged = serde_json::from_str(r##"{"@odata.type":"#a.b","n":1}"##).unwrap();
        assert_eq!(t.odata_type(), Some("a.b"));
        let t: Tagged = serde_json::from_str(r#"{"n":1,"@odata.type":"a.b"}"#).unwrap();
        assert_eq!(t.odata_type(), Some("a.b"));
        let t: Tagged = serde_json::from_str(r#"{"n":1}"#).unwrap();
        assert_eq!(t.odata_type(), None);
        let t: Tagged = serde_json::from_str(r#"{"@odata.type":5}"#).unwrap();
        assert_eq!(t.odata_type(), None);
    }

    #[test]
    fn into_typed_and_map() {
        let t: Tagged = serde_json::from_str(r##"{"@odata.type":"#a.b","n":7}"##).unwrap();
        let d: Derived = t.clone().into_typed::<_, serde_json::Error>().unwrap();
        assert_eq!(
            d,
            Derived {
                odata_type: "#a.b".into(),
                n: 7
            }
        );
        let bad: Result<Derived, serde_json::Error> = Tagged::from_map(Map::new()).into_typed();
        assert!(bad.unwrap_err().to_string().contains("missing field"));
        let m = t.into_map();
        assert_eq!(m.len(), 2);
        assert_eq!(m["n"], 7);
    }

    #[test]
    fn rejects_non_objects() {
        for json in ["[1]", "\"x\"", "null", "3"] {
            let e = serde_json::from_str::<Tagged>(json).unwrap_err();
            assert!(e.to_string().contains("a JSON object"), "{e}");
        }
        let e = serde_json::from_value::<Tagged>(serde_json::json!([1])).unwrap_err();
        assert!(e.to_string().contains("a JSON object"), "{e}");
    }
}
