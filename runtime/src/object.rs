//! Reading and writing generated structs as JSON objects.
//!
//! Generated types implement [`Object`] instead of deriving `Deserialize`,
//! `Serialize` and `Debug`: a loop over the object's members reads it, and
//! one list of its members, [`Object::members`], both writes it (through a
//! [`Writer`]) and shows it (through [`debug`]). The derived code also reads
//! structs from sequences, matches field names as integers and bytes and
//! checks for duplicates, which JSON objects never need and which made the
//! whole-Graph crate several times slower to compile; a derived `Debug` is a
//! second body as large as `Serialize`'s.
//!
//! ```
//! use graphgen_runtime::object::{self, Key, MemberSink, Object};
//! use graphgen_runtime::Nullable;
//! use serde::de::MapAccess;
//!
//! #[derive(PartialEq, Default)]
//! struct Item {
//!     id: Nullable<String>,
//!     priority: Nullable<i32>,
//! }
//!
//! impl Object for Item {
//!     const NAME: &'static str = "contoso.item";
//!     fn members<M: MemberSink>(&self, object: &mut M) {
//!         object.member("id", &self.id);
//!         object.member("priority", &self.priority);
//!     }
//!     fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
//!         let mut item = Item::default();
//!         while let Some(key) = map.next_key::<Key<'de>>()? {
//!             match key.as_str() {
//!                 "id" => object::set(&mut map, &mut item.id),
//!                 "priority" => object::set(&mut map, &mut item.priority),
//!                 _ => object::skip(&mut map),
//!             }?;
//!         }
//!         Ok(item)
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Item {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         object::deserialize(d)
//!     }
//! }
//!
//! impl serde::Serialize for Item {
//!     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         object::serialize(self, s)
//!     }
//! }
//!
//! impl std::fmt::Debug for Item {
//!     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!         object::debug(self, "Item id priority", f)
//!     }
//! }
//!
//! let item: Item = serde_json::from_str(r#"{"priority":2,"id":null,"other":[1]}"#).unwrap();
//! assert_eq!(item.priority, Nullable::Value(2));
//! assert!(item.id.is_null());
//! assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"id":null,"priority":2}"#);
//! let partial: Item = serde_json::from_str(r#"{"priority":2}"#).unwrap();
//! // Absent members are left out, and `..` says some were.
//! assert_eq!(format!("{partial:?}"), "Item { priority: 2, .. }");
//! assert_eq!(serde_json::to_string(&partial).unwrap(), r#"{"priority":2}"#);
//! ```
//!
//! A member that appears twice keeps its last value, as `serde_json::Value`
//! does; unknown members are skipped (or kept, for open types).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::Nullable;

/// A struct read member by member from a JSON object, and written and shown
/// from one list of its members.
pub trait Object: Sized {
    /// The qualified OData type name, for error messages.
    const NAME: &'static str;
    /// Hands each member to `out`, in declaration order: the body of both
    /// [`serialize`] and [`debug`].
    fn members<M: MemberSink>(&self, out: &mut M);
    /// Reads the object's members from `map`.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// What [`Object::members`] hands its members to: a [`Writer`] (JSON) or
/// the `Debug` formatter of [`debug`].
pub trait MemberSink {
    /// A member that is always present, `key` its name on the wire.
    fn required<T: Serialize + fmt::Debug + ?Sized>(&mut self, key: &'static str, value: &T);
    /// A property: left out when [`Absent`](Nullable::Absent), `null` when
    /// [`Null`](Nullable::Null).
    fn member<T: Serialize + fmt::Debug>(&mut self, key: &'static str, value: &Nullable<T>);
    /// An open type's undeclared members.
    fn extra(&mut self, members: &serde_json::Map<String, serde_json::Value>);
}

/// `Serialize::serialize` of an [`Object`]: a JSON object of its members.
pub fn serialize<S: Serializer, T: Object>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut writer = Writer::new(serializer);
    value.members(&mut writer);
    writer.end()
}

/// `Debug::fmt` of an [`Object`]: like a derived `Debug`, but an absent
/// member is left out (a Graph entity has dozens, mostly unset), with `..`
/// at the end when any was, a member with a value shows it without
/// `Value(..)`, and a `null` one shows `null`. `names` is the type's name, then its
/// members' Rust names in the order [`Object::members`] hands them out,
/// separated by spaces (as `stringify!` writes them: `Acl access_type r#type`).
pub fn debug<T: Object>(value: &T, names: &'static str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut names = names.split_ascii_whitespace();
    let mut out = DebugMembers {
        fields: f.debug_struct(names.next().unwrap_or("?")),
        names,
        left_out: false,
    };
    value.members(&mut out);
    if out.left_out {
        out.fields.finish_non_exhaustive()
    } else {
        out.fields.finish()
    }
}

/// The [`MemberSink`] of [`debug`].
struct DebugMembers<'a, 'b> {
    fields: fmt::DebugStruct<'a, 'b>,
    /// The Rust names of the members still to come.
    names: std::str::SplitAsciiWhitespace<'static>,
    /// Whether a member was left out for being `None` or empty.
    left_out: bool,
}

impl DebugMembers<'_, '_> {
    /// The next member's name as `Debug` shows it: `type`, not `r#type`.
    fn next_name(&mut self) -> &'static str {
        let name = self.names.next().unwrap_or("?");
        name.strip_prefix("r#").unwrap_or(name)
    }
}

impl MemberSink for DebugMembers<'_, '_> {
    fn required<T: Serialize + fmt::Debug + ?Sized>(&mut self, _key: &'static str, value: &T) {
        let name = self.next_name();
        self.fields.field(name, &value);
    }

    fn member<T: Serialize + fmt::Debug>(&mut self, _key: &'static str, value: &Nullable<T>) {
        let name = self.next_name();
        match value {
            Nullable::Value(value) => {
                self.fields.field(name, value);
            }
            Nullable::Null => {
                self.fields.field(name, &format_args!("null"));
            }
            Nullable::Absent => self.left_out = true,
        }
    }

    fn extra(&mut self, members: &serde_json::Map<String, serde_json::Value>) {
        let name = self.next_name();
        if members.is_empty() {
            self.left_out = true;
        } else {
            self.fields.field(name, members);
        }
    }
}

/// `Deserialize::deserialize` of an [`Object`]: expects a JSON object.
pub fn deserialize<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a `{}` object", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read(map)
        }
    }
    d.deserialize_map(V(PhantomData))
}

/// A member name: borrowed from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The member name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The member name, owned (a copy only when it was borrowed).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// Reads and drops the value of a member the type does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

// The readers below return `Result<(), _>` so that a generated `read` needs
// one `?` for its whole `match`, not one per member: rustc type-checks a
// thousand small calls faster than a thousand `?` desugarings.

/// Reads the current member's value into `slot`.
pub fn set<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Reads a member the type does not declare: kept in `extra` (an open
/// type's map, when there is one), else skipped.
pub fn other<'de, A: MapAccess<'de>, const N: usize>(
    map: &mut A,
    key: Key<'de>,
    extra: [&mut serde_json::Map<String, serde_json::Value>; N],
) -> Result<(), A::Error> {
    match extra.into_iter().next() {
        Some(extra) => keep(map, key, extra),
        None => skip(map),
    }
}

/// Keeps a member the type does not declare (an open type's extra member).
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    extra.insert(key.into_string(), map.next_value()?);
    Ok(())
}

/// Writes a struct as a JSON object, member by member. An error stops the
/// writing and is returned by [`end`](Self::end): a generated
/// [`Object::members`] is one call per member, without a `?` each (rustc
/// checks that faster).
pub struct Writer<M: SerializeMap> {
    /// The map being written, or the first error, after which nothing more is.
    map: Result<M, M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    /// Starts the object; a serializer that cannot start one fails [`end`](Self::end).
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Self {
        Writer {
            map: serializer.serialize_map(None),
        }
    }

    /// Writes one member unless an earlier one failed; keeps the first error.
    fn entry<K: Serialize + ?Sized, T: Serialize + ?Sized>(&mut self, key: &K, value: &T) {
        if let Ok(map) = &mut self.map {
            if let Err(e) = map.serialize_entry(key, value) {
                self.map = Err(e);
            }
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.map?.end()
    }
}

impl<M: SerializeMap> MemberSink for Writer<M> {
    fn required<T: Serialize + fmt::Debug + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.entry(key, value);
    }

    /// An absent property is left out; `null` is written.
    fn member<T: Serialize + fmt::Debug>(&mut self, key: &'static str, value: &Nullable<T>) {
        if !value.is_absent() {
            self.entry(key, value);
        }
    }

    /// Written after the declared members, each property's annotations
    /// (`tags@odata.type`) right before it: OData readers, Microsoft's
    /// among them, refuse an annotation after its property (the map's
    /// order would put it after). A kept `@odata.type` is left out: the
    /// type is the Rust type, and an `Any*` enum writes the tag itself (it
    /// would appear twice).
    fn extra(&mut self, members: &serde_json::Map<String, serde_json::Value>) {
        let mut annotations: BTreeMap<&str, Vec<(&String, &serde_json::Value)>> = BTreeMap::new();
        for (key, value) in members {
            if let Some(property) = annotated_property(key).filter(|p| members.contains_key(*p)) {
                annotations.entry(property).or_default().push((key, value));
            }
        }
        for (key, value) in members {
            let with_property =
                annotated_property(key).is_some_and(|p| annotations.contains_key(p));
            if key == crate::poly::ODATA_TYPE || with_property {
                continue;
            }
            for (annotation, value) in annotations.get(key.as_str()).into_iter().flatten() {
                self.entry(annotation, value);
            }
            self.entry(key, value);
        }
    }
}

/// The property a property annotation (`name@term`) annotates.
fn annotated_property(key: &str) -> Option<&str> {
    key.split_once('@')
        .map(|(property, _)| property)
        .filter(|property| !property.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_borrow_unless_escaped() {
        let mut de = serde_json::Deserializer::from_str(r#""plain""#);
        let k = Key::deserialize(&mut de).unwrap();
        assert!(matches!(k.0, Cow::Borrowed("plain")));
        let mut de = serde_json::Deserializer::from_str(r#""a\u0062""#);
        let k = Key::deserialize(&mut de).unwrap();
        assert!(matches!(&k.0, Cow::Owned(s) if s == "ab"));
        assert_eq!(k.into_string(), "ab");
    }

    /// Writes three members; the writer under it fails after `limit` bytes.
    struct Three;
    impl Serialize for Three {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Writer::new(serializer);
            object.required("a", &1);
            object.member("b", &Nullable::<i32>::Absent);
            object.member("c", &Nullable::Value("x"));
            object.member("n", &Nullable::<i32>::Null);
            let mut extra = serde_json::Map::new();
            extra.insert("d".into(), serde_json::Value::Bool(true));
            extra.insert("@odata.type".into(), "#t.three".into());
            object.extra(&extra);
            object.end()
        }
    }

    struct Failing {
        written: Vec<u8>,
        limit: usize,
        failed: bool,
        writes_after_failure: usize,
    }
    impl std::io::Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.failed {
                self.writes_after_failure += 1;
            }
            if self.written.len() + buf.len() > self.limit {
                self.failed = true;
                return Err(std::io::Error::other("full"));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writer_leaves_out_absent_members_and_keeps_the_first_error() {
        assert_eq!(
            serde_json::to_string(&Three).unwrap(),
            r#"{"a":1,"c":"x","n":null,"d":true}"#
        );
        for limit in 0..24 {
            let mut out = Failing {
                written: Vec::new(),
                limit,
                failed: false,
                writes_after_failure: 0,
            };
            let e = serde_json::to_writer(&mut out, &Three).unwrap_err();
            assert!(e.is_io(), "{e}");
            // The first error ends the writing.
            assert_eq!(out.writes_after_failure, 0, "limit {limit}");
        }
    }

    #[test]
    fn property_annotations_go_right_before_their_property() {
        struct Open(serde_json::Map<String, serde_json::Value>);
        impl Serialize for Open {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = Writer::new(serializer);
                object.extra(&self.0);
                object.end()
            }
        }
        let members = serde_json::json!({
            "tags": ["a"],
            "tags2": 1,
            "tags@odata.type": "Collection(String)",
            "tags@contoso.note": "n",
            "lone@odata.type": "String",
            "@odata.type": "#t.open",
            "@contoso.instance": true,
        });
        let serde_json::Value::Object(members) = members else {
            unreachable!()
        };
        assert_eq!(
            serde_json::to_string(&Open(members)).unwrap(),
            r#"{"@contoso.instance":true,"lone@odata.type":"String","tags@contoso.note":"n","tags@odata.type":"Collection(String)","tags":["a"],"tags2":1}"#
        );
    }

    #[test]
    fn keys_from_a_value_map() {
        // serde_json::Value hands out owned strings.
        let v = serde_json::json!({"x": 1});
        #[derive(Debug)]
        struct X(i32);
        impl Object for X {
            const NAME: &'static str = "t.x";
            fn members<M: MemberSink>(&self, out: &mut M) {
                out.required("x", &self.0);
            }
            fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut x = None;
                while let Some(k) = map.next_key::<Key<'de>>()? {
                    match k.as_str() {
                        "x" => x = Some(map.next_value()?),
                        _ => skip(&mut map)?,
                    }
                }
                x.map(X).ok_or_else(|| de::Error::missing_field("x"))
            }
        }
        impl<'de> de::Deserialize<'de> for X {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::deserialize(d)
            }
        }
        assert_eq!(X::deserialize(v).unwrap().0, 1);
        let e = serde_json::from_str::<X>("[1]").unwrap_err().to_string();
        assert!(e.contains("expected a `t.x` object"), "{e}");
    }

    /// An open type with an always-present, two optional and a nested member.
    #[derive(Default)]
    struct Shape {
        r#type: String,
        size: Nullable<i32>,
        label: Nullable<String>,
        inner: Nullable<Box<Shape>>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    impl Object for Shape {
        const NAME: &'static str = "t.shape";
        fn members<M: MemberSink>(&self, out: &mut M) {
            out.required("type", &self.r#type);
            out.member("size", &self.size);
            out.member("label", &self.label);
            out.member("inner", &self.inner);
            out.extra(&self.extra);
        }
        fn read<'de, A: MapAccess<'de>>(_: A) -> Result<Self, A::Error> {
            unreachable!("only written and shown")
        }
    }

    impl Serialize for Shape {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self, serializer)
        }
    }

    impl fmt::Debug for Shape {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug(self, "Shape r#type size label inner extra", f)
        }
    }

    #[test]
    fn debug_shows_the_members_that_are_set_by_their_rust_names() {
        let mut shape = Shape {
            r#type: "circle".into(),
            size: Nullable::Value(3),
            inner: Nullable::Value(Box::default()),
            ..Shape::default()
        };
        assert_eq!(
            format!("{shape:?}"),
            r#"Shape { type: "circle", size: 3, inner: Shape { type: "", .. }, .. }"#
        );
        shape.label = Nullable::Value("c".into());
        shape.inner = Nullable::Absent;
        shape.extra.insert("@odata.type".into(), "#t.shape".into());
        assert_eq!(
            format!("{shape:?}"),
            r##"Shape { type: "circle", size: 3, label: "c", extra: {"@odata.type": String("#t.shape")}, .. }"##
        );
        // Nothing left out: no `..`.
        shape.inner = Nullable::Value(Box::default());
        assert!(format!("{shape:?}").ends_with("} }"), "{shape:?}");
        // `null` is shown as such.
        shape.size = Nullable::Null;
        assert!(format!("{shape:?}").contains("size: null,"), "{shape:?}");
        // `{:#?}` lays it out like a derived `Debug`.
        assert_eq!(
            format!("{:#?}", Shape::default()),
            "Shape {\n    type: \"\",\n    ..\n}"
        );
    }

    #[test]
    fn serialize_and_debug_come_from_the_same_members() {
        let shape = Shape {
            r#type: "square".into(),
            label: Nullable::Value("s".into()),
            ..Shape::default()
        };
        assert_eq!(
            serde_json::to_string(&shape).unwrap(),
            r#"{"type":"square","label":"s"}"#
        );
        assert_eq!(
            format!("{shape:?}"),
            r#"Shape { type: "square", label: "s", .. }"#
        );
    }
}
