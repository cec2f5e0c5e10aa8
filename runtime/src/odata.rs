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

/// `{"value": [...]}` (other members, such as `@odata.context`, are ignored).
pub fn collection<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<Vec<T>, Error> {
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

fn is_empty(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
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
        let err = collection::<u32>(ok, b"{\"value\":[1,").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert_eq!(json_body(&vec![1]).unwrap(), Some(b"[1]".to_vec()));
    }
}
