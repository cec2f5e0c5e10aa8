//! OData JSON response shapes, for generated `Operation::parse_response`
//! implementations: a collection or a primitive comes wrapped as
//! `{"value": ...}`, an entity or complex value is the object itself.

use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::Error;

#[derive(Deserialize)]
struct Wrapped<T> {
    value: T,
}

/// A request body as JSON.
pub fn json_body<T: Serialize>(value: &T) -> Result<Option<Vec<u8>>, Error> {
    serde_json::to_vec(value).map(Some).map_err(Error::Encode)
}

/// `{"value": [...]}` (other members, such as `@odata.context`, are ignored);
/// an empty body is an empty collection.
pub fn collection<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<Vec<T>, Error> {
    if is_empty(body) {
        return Ok(Vec::new());
    }
    value(status, body)
}

/// `{"value": x}`: a primitive, enum or collection result.
pub fn value<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice::<Wrapped<T>>(body)
        .map(|w| w.value)
        .map_err(|e| Error::decode(status, e))
}

/// Like [`value`], but an empty body (204 No Content) or `"value": null` is `None`.
pub fn optional_value<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<Option<T>, Error> {
    if is_empty(body) {
        return Ok(None);
    }
    value(status, body)
}

/// The body itself: an entity or complex result.
pub fn object<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::decode(status, e))
}

/// Like [`object`], but an empty body (204 No Content) is `None`.
pub fn optional_object<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<Option<T>, Error> {
    if is_empty(body) {
        return Ok(None);
    }
    object(status, body).map(Some)
}

/// A response whose body, if any, is not read (an action with no return type).
pub fn none(status: StatusCode, body: &[u8]) -> Result<(), Error> {
    let _ = (status, body);
    Ok(())
}

fn is_empty(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// A value in OData URL literal syntax, for function parameters in a path
/// (see [`PathBuilder::function`](crate::PathBuilder::function)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal(String);

impl Literal {
    /// A string (or enum member): `'it''s'`.
    pub fn string(text: &str) -> Self {
        Literal(format!("'{}'", text.replace('\'', "''")))
    }

    /// A value written as its `Display` text: numbers, booleans, dates,
    /// date-times, times of day, GUIDs.
    pub fn raw(value: impl std::fmt::Display) -> Self {
        Literal(value.to_string())
    }

    /// A duration: `duration'P1D'`.
    pub fn duration(value: &crate::edm::Duration) -> Self {
        Literal(format!("duration'{}'", value.as_str()))
    }

    /// Binary data: `binary'<base64url>'`.
    pub fn binary(value: &crate::edm::Binary) -> Self {
        Literal(format!("binary'{}'", value.to_base64url()))
    }

    /// A complex value or a collection, as JSON (OData 4.01 URL syntax).
    pub fn json<T: Serialize>(value: &T) -> Result<Self, Error> {
        serde_json::to_string(value)
            .map(Literal)
            .map_err(Error::Encode)
    }

    /// The literal text, before percent-encoding.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Function parameters as [`Literal`]s, one function per kind of value,
/// each taking the parameter by reference: what generated request types
/// call (see [`operation!`](crate::operation!)).
pub mod literal {
    use super::Literal;
    use crate::Error;

    /// A string: `'it''s'`.
    pub fn string(value: &impl AsRef<str>) -> Result<Literal, Error> {
        Ok(Literal::string(value.as_ref()))
    }

    /// An enum member (or flags), by name: `'read,write'`.
    pub fn member(value: &impl std::fmt::Display) -> Result<Literal, Error> {
        Ok(Literal::string(&value.to_string()))
    }

    /// A number, boolean, date, date-time, time of day or GUID, as its text.
    pub fn raw(value: &impl std::fmt::Display) -> Result<Literal, Error> {
        Ok(Literal::raw(value))
    }

    /// A duration: `duration'P1D'`.
    pub fn duration(value: &crate::edm::Duration) -> Result<Literal, Error> {
        Ok(Literal::duration(value))
    }

    /// Binary data: `binary'<base64url>'`.
    pub fn binary(value: &crate::edm::Binary) -> Result<Literal, Error> {
        Ok(Literal::binary(value))
    }

    /// A complex value or a collection, as JSON.
    pub fn json(value: &impl serde::Serialize) -> Result<Literal, Error> {
        Literal::json(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let ok = StatusCode::OK;
        let v: Vec<u32> = collection(ok, br#"{"@odata.context":"x","value":[1,2]}"#).unwrap();
        assert_eq!(v, [1, 2]);
        let s: String = value(ok, br#"{"value":"a"}"#).unwrap();
        assert_eq!(s, "a");
        assert_eq!(
            optional_value::<String>(StatusCode::NO_CONTENT, b"").unwrap(),
            None
        );
        let o: serde_json::Value = object(ok, br#"{"a":1}"#).unwrap();
        assert_eq!(o["a"], 1);
        assert_eq!(
            optional_object::<serde_json::Value>(ok, b" ").unwrap(),
            None
        );
        assert!(collection::<u32>(ok, b"").unwrap().is_empty());
        let err = collection::<u32>(ok, b"{\"value\":[1,").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert_eq!(json_body(&vec![1]).unwrap(), Some(b"[1]".to_vec()));
    }

    #[test]
    fn literals() {
        assert_eq!(Literal::string("it's").as_str(), "'it''s'");
        assert_eq!(Literal::raw(2.5).as_str(), "2.5");
        assert_eq!(Literal::raw(true).as_str(), "true");
        let d = crate::edm::Duration::new("P1D").unwrap();
        assert_eq!(Literal::duration(&d).as_str(), "duration'P1D'");
        assert_eq!(Literal::json(&vec!["a"]).unwrap().as_str(), r#"["a"]"#);
        let path = crate::PathBuilder::new()
            .function("f", &[("q", Literal::string("a/b?c#d e"))])
            .finish()
            .unwrap();
        assert_eq!(path, "/f(q=%27a%2Fb%3Fc%23d%20e%27)");
    }
}
