//! Support for generated enum types: open enums that keep members this crate
//! does not know, and flags enums written as comma-separated strings.
//!
//! A generated enum implements [`EnumMember`] and uses the functions of this
//! module through `#[serde(with = "graphgen_runtime::enums")]`-style manual
//! impls:
//!
//! ```
//! use graphgen_runtime::{EnumMember, Flags};
//!
//! #[derive(Debug, Clone, PartialEq, Eq, Hash)]
//! enum Access { Read, Write, Other(String) }
//!
//! impl EnumMember for Access {
//!     fn from_known(name: &str) -> Option<Self> {
//!         match name { "read" => Some(Access::Read), "write" => Some(Access::Write), _ => None }
//!     }
//!     fn from_unknown(name: String) -> Self { Access::Other(name) }
//!     fn as_str(&self) -> &str {
//!         match self { Access::Read => "read", Access::Write => "write", Access::Other(s) => s }
//!     }
//! }
//! impl serde::Serialize for Access {
//!     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         graphgen_runtime::enums::serialize(self, s)
//!     }
//! }
//! impl<'de> serde::Deserialize<'de> for Access {
//!     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         graphgen_runtime::enums::deserialize(d)
//!     }
//! }
//!
//! let a: Access = serde_json::from_str(r#""admin""#).unwrap();
//! assert_eq!(a, Access::Other("admin".into()));
//! assert_eq!(serde_json::to_string(&a).unwrap(), r#""admin""#);
//!
//! let f: Flags<Access> = serde_json::from_str(r#""read, write""#).unwrap();
//! assert_eq!(f.0, vec![Access::Read, Access::Write]);
//! assert_eq!(serde_json::to_string(&f).unwrap(), r#""read,write""#);
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A member of a CSDL enum type, known or not.
///
/// Every generated enum implements this; unknown members (including ones the
/// service adds after the crate was generated) are kept as sent so that a new
/// member never breaks deserialization and is written back unchanged.
pub trait EnumMember: Sized {
    /// The member with this CSDL name, if the crate knows it.
    fn from_known(name: &str) -> Option<Self>;
    /// A value for a member name this crate does not know, kept as sent.
    fn from_unknown(name: String) -> Self;
    /// The CSDL member name.
    fn as_str(&self) -> &str;

    /// [`from_known`](Self::from_known), else [`from_unknown`](Self::from_unknown).
    fn from_name(name: &str) -> Self {
        Self::from_known(name).unwrap_or_else(|| Self::from_unknown(name.to_owned()))
    }
}

/// Serializes an enum member as its CSDL name.
pub fn serialize<T: EnumMember, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.as_str())
}

/// Deserializes an enum member from its CSDL name; never fails on a string.
pub fn deserialize<'de, T: EnumMember, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(MemberVisitor(PhantomData))
}

struct MemberVisitor<T>(PhantomData<T>);

impl<T: EnumMember> Visitor<'_> for MemberVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from_name(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(match T::from_known(&v) {
            Some(m) => m,
            None => T::from_unknown(v),
        })
    }
}

/// The value of a flags enum (`IsFlags="true"`): a set of members, written as
/// a comma-separated string of member names (`"read,write"`).
///
/// Reading tolerates spaces around the commas and skips empty names, so `""`
/// is the empty set; unknown names are kept (see [`EnumMember`]). Members are
/// kept in the order received and written in that order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flags<T>(pub Vec<T>);

impl<T> Default for Flags<T> {
    fn default() -> Self {
        Flags(Vec::new())
    }
}

impl<T: PartialEq> Flags<T> {
    /// Whether `member` is set.
    pub fn contains(&self, member: &T) -> bool {
        self.0.contains(member)
    }
}

impl<T> Flags<T> {
    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T> From<Vec<T>> for Flags<T> {
    fn from(v: Vec<T>) -> Self {
        Flags(v)
    }
}

impl<T> FromIterator<T> for Flags<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Flags(iter.into_iter().collect())
    }
}

impl<T: EnumMember> fmt::Display for Flags<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(m.as_str())?;
        }
        Ok(())
    }
}

impl<T: EnumMember> Flags<T> {
    /// Parses a comma-separated list of member names.
    pub fn parse(text: &str) -> Self {
        Flags(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(T::from_name)
                .collect(),
        )
    }
}

impl<T: EnumMember> Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de, T: EnumMember> Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: EnumMember> Visitor<'_> for V<T> {
            type Value = Flags<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a comma-separated string of flag names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flags<T>, E> {
                Ok(Flags::parse(v))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum Kind {
        Viewed,
        Modified,
        UnknownFutureValue,
        Other(String),
    }

    impl EnumMember for Kind {
        fn from_known(name: &str) -> Option<Self> {
            Some(match name {
                "viewed" => Kind::Viewed,
                "modified" => Kind::Modified,
                "unknownFutureValue" => Kind::UnknownFutureValue,
                _ => return None,
            })
        }
        fn from_unknown(name: String) -> Self {
            Kind::Other(name)
        }
        fn as_str(&self) -> &str {
            match self {
                Kind::Viewed => "viewed",
                Kind::Modified => "modified",
                Kind::UnknownFutureValue => "unknownFutureValue",
                Kind::Other(s) => s,
            }
        }
    }

    impl Serialize for Kind {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self, s)
        }
    }

    impl<'de> Deserialize<'de> for Kind {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    #[test]
    fn known_and_unknown_members() {
        let v: Vec<Kind> =
            serde_json::from_str(r#"["viewed","unknownFutureValue","commented","Viewed"]"#)
                .unwrap();
        assert_eq!(
            v,
            vec![
                Kind::Viewed,
                Kind::UnknownFutureValue,
                Kind::Other("commented".into()),
                Kind::Other("Viewed".into()),
            ]
        );
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"["viewed","unknownFutureValue","commented","Viewed"]"#
        );
        // Escaped strings take the owned path.
        let k: Kind = serde_json::from_str(r#""comm\u0065nted""#).unwrap();
        assert_eq!(k, Kind::Other("commented".into()));
        // From a buffered Value (owned strings).
        let k: Kind = serde_json::from_value(serde_json::json!("modified")).unwrap();
        assert_eq!(k, Kind::Modified);
        assert!(serde_json::from_str::<Kind>("3").is_err());
    }

    #[test]
    fn flags() {
        let f: Flags<Kind> = serde_json::from_str(r#""viewed,modified""#).unwrap();
        assert_eq!(f.0, vec![Kind::Viewed, Kind::Modified]);
        assert!(f.contains(&Kind::Modified));
        let f: Flags<Kind> = serde_json::from_str(r#""viewed, modified,  new""#).unwrap();
        assert_eq!(
            f.0,
            vec![Kind::Viewed, Kind::Modified, Kind::Other("new".into())]
        );
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#""viewed,modified,new""#
        );
        let f: Flags<Kind> = serde_json::from_str(r#""""#).unwrap();
        assert!(f.is_empty());
        assert_eq!(f, Flags::default());
        assert_eq!(serde_json::to_string(&f).unwrap(), r#""""#);
        let f: Flags<Kind> = serde_json::from_value(serde_json::json!("modified")).unwrap();
        assert_eq!(f.0, vec![Kind::Modified]);
        assert!(serde_json::from_str::<Flags<Kind>>("null").is_err());
    }
}
