//! [`Nullable`]: a property as JSON has it — absent, `null`, or a value.

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A property of a generated struct: absent from the JSON object, present
/// as `null`, or present with a value.
///
/// OData's `Nullable="false"` means never `null`, not always present: a GET
/// answers only the selected properties (`$select`, and default sets such
/// as `/users/{id}`'s), so every property read from the service may be
/// absent, and an explicit `null` is kept apart from absent. What a request
/// body must hold is required by the type's `new(...)` instead.
///
/// Written back, an absent property is left out and a `null` one is sent as
/// `null`: a PATCH body built from [`Default`] sends only what was set, and
/// [`Nullable::Null`] clears a property.
///
/// ```
/// use graphgen_runtime::Nullable;
///
/// let mut name: Nullable<String> = Nullable::Absent;
/// assert_eq!(name.value(), None);
/// name = "Contoso HR".to_string().into();
/// assert_eq!(name.value().map(String::as_str), Some("Contoso HR"));
/// name = Nullable::Null;
/// assert!(name.is_null());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not in the JSON object: not selected, not sent, or not set.
    #[default]
    Absent,
    /// Present as `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one (`None` for absent and `null` alike).
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, mutably.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value dereferenced (`&str` for a `Nullable<String>`), if there is one.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.value().map(|value| &**value)
    }

    /// Whether the property is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the property is present as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Whether the property has a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// A `Nullable` of a reference to the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// Takes the value out, leaving the property absent.
    pub fn take(&mut self) -> Nullable<T> {
        std::mem::take(self)
    }
}

/// A value: `Nullable::Value`.
impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// A string value from a `&str`, so setters take literals.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

/// `Some` is a value and `None` is `null` (sent as `null` to clear a
/// property; leave a property [`Absent`](Nullable::Absent) to leave it as
/// it is).
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

/// Like `Option`'s: `Absent`, `Null` or `Value(..)`.
impl<T: fmt::Debug> fmt::Debug for Nullable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nullable::Absent => f.write_str("Absent"),
            Nullable::Null => f.write_str("Null"),
            Nullable::Value(value) => f.debug_tuple("Value").field(value).finish(),
        }
    }
}

/// A value is written as itself, absent and `null` as `null`. (A generated
/// struct leaves an absent property out before it gets here.)
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

/// `null` is [`Nullable::Null`]; anything else is read as `T`. A property
/// that does not appear stays [`Nullable::Absent`] (the default).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_values_read_and_write() {
        let n: Nullable<i32> = serde_json::from_str("null").unwrap();
        assert_eq!(n, Nullable::Null);
        let v: Nullable<i32> = serde_json::from_str("3").unwrap();
        assert_eq!(v, Nullable::Value(3));
        assert_eq!(serde_json::to_string(&v).unwrap(), "3");
        assert_eq!(serde_json::to_string(&n).unwrap(), "null");
        assert!(serde_json::from_str::<Nullable<i32>>("\"x\"").is_err());
    }

    #[test]
    fn accessors() {
        let mut v = Nullable::Value(String::from("a"));
        v.value_mut().unwrap().push('b');
        assert_eq!(v.as_ref().map(String::len), Nullable::Value(2));
        assert_eq!(v.take().into_value().as_deref(), Some("ab"));
        assert!(v.is_absent());
        assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
        assert_eq!(format!("{:?}", Nullable::Value(1)), "Value(1)");
    }
}
