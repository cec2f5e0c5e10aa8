//! Rust types for the OData primitive types (`Edm.*`) that have no exact
//! counterpart in the standard library.
//!
//! The date and time types ([`DateTimeOffset`], [`Date`], [`TimeOfDay`],
//! [`Duration`]) are *text-preserving*: they keep the exact string the service
//! sent and write it back unchanged, so `"2021-04-06T18:04:31.033Z"` and
//! `"2021-04-06T18:04:31.0330000Z"` both round-trip byte for byte.
//! Deserialization never rejects a string (Microsoft Graph sometimes sends a
//! date-time without an offset, e.g. `"2025-02-13T10:17:05"`, and one odd date
//! must not fail a whole response); [`DateTimeOffset::new`] and friends check
//! the lexical form when *you* build a value, and [`DateTimeOffset::is_valid`]
//! tells whether a received one is well formed.
//!
//! They convert from and to what programs hold: `std::time::SystemTime` and
//! `std::time::Duration` always, and chrono's, time's and jiff's types under
//! the cargo features of those names.
//!
//! Values built from another type are written the way the service writes
//! them: `2021-04-06T18:04:31.033Z` (the fraction to at most seven digits,
//! the service's 100 ns ticks, so finer parts are dropped; none when zero),
//! `2021-04-06`, `18:04:31.5`, and durations as days and time
//! (`P1DT2H3M4.5S`; weeks become days, and OData durations have no years or
//! months). Reading accepts every valid text, a date-time without an offset
//! (which the service sends) as UTC; a value the target cannot hold (out of
//! its range, an offset with seconds, a negative `std::time::Duration`) is a
//! [`ConvertError`], never a panic.
//!
//! ```
//! use graphgen_runtime::edm::DateTimeOffset;
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//!
//! let start = DateTimeOffset::from(UNIX_EPOCH + Duration::from_secs(1_617_732_271));
//! assert_eq!(start.as_str(), "2021-04-06T18:04:31Z");
//! let received = DateTimeOffset::new("2021-04-06T20:04:31.0000000+02:00").unwrap();
//! assert_eq!(SystemTime::try_from(&received).unwrap(), UNIX_EPOCH + Duration::from_secs(1_617_732_271));
//! ```
//!
//! ```
//! use graphgen_runtime::edm::DateTimeOffset;
//!
//! let t: DateTimeOffset = serde_json::from_str(r#""2021-04-06T18:04:31.0330000Z""#).unwrap();
//! assert_eq!(t.as_str(), "2021-04-06T18:04:31.0330000Z");
//! assert_eq!(serde_json::to_string(&t).unwrap(), r#""2021-04-06T18:04:31.0330000Z""#);
//!
//! assert!(DateTimeOffset::new("2021-04-06T18:04:31Z").is_ok());
//! assert!(DateTimeOffset::new("yesterday").is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

use self::lexical::{
    check_date, check_date_time_offset, check_duration, check_time_of_day, Cursor,
};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

mod convert;
mod lexical;
#[cfg(feature = "chrono")]
mod with_chrono;
#[cfg(feature = "jiff")]
mod with_jiff;
#[cfg(feature = "time")]
mod with_time;

pub use convert::ConvertError;

/// `Edm.Guid`: a re-export of [`uuid::Uuid`] (serialized as the hyphenated
/// lower-case text form).
pub use uuid::Uuid as Guid;

/// A string that is not in the lexical form of an Edm type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid Edm.{type_name}: {reason}")]
pub struct ParseError {
    type_name: &'static str,
    value: String,
    reason: &'static str,
}

impl ParseError {
    fn new(type_name: &'static str, value: &str, reason: &'static str) -> Self {
        ParseError {
            type_name,
            value: value.chars().take(64).collect(),
            reason,
        }
    }

    /// The Edm type name, e.g. `"DateTimeOffset"`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The rejected text (at most its first 64 characters).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $edm:literal, $check:path, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Checks the lexical form and wraps the text unchanged.
            ///
            /// ```
            #[doc = concat!("let v = graphgen_runtime::edm::", stringify!($name), "::new(\"", $example, "\").unwrap();")]
            #[doc = concat!("assert_eq!(v.as_str(), \"", $example, "\");")]
            /// ```
            pub fn new(text: impl Into<String>) -> Result<Self, ParseError> {
                let text = text.into();
                match $check(&text) {
                    Ok(()) => Ok($name(text)),
                    Err(reason) => Err(ParseError::new($edm, &text, reason)),
                }
            }

            /// Wraps the text without checking it (this is what
            /// deserialization does).
            pub fn new_unchecked(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            /// The text exactly as received or given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, consuming the value.
            pub fn into_string(self) -> String {
                self.0
            }

            #[doc = concat!("Whether the text is in the lexical form of `Edm.", $edm, "`.")]
            pub fn is_valid(&self) -> bool {
                $check(&self.0).is_ok()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                $name::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_string(TextVisitor(concat!("an Edm.", $edm, " string")))
                    .map($name)
            }
        }
    };
}

/// Accepts any string, reusing an owned `String` when the deserializer has one.
struct TextVisitor(&'static str);

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

text_type!(
    /// `Edm.DateTimeOffset`, e.g. `2021-04-06T18:04:31.033Z`, kept as text.
    ///
    /// Lexical form (OData ABNF `dateTimeOffsetValue`, i.e. RFC 3339 with
    /// optional seconds): `YYYY-MM-DDThh:mm[:ss[.f…]](Z|±hh:mm)`, with 1 to
    /// 12 fraction digits, a lower-case `t`/`z` accepted too. Deserialization
    /// accepts any string (see the [module docs](self)).
    DateTimeOffset,
    "DateTimeOffset",
    check_date_time_offset,
    "2021-04-06T18:04:31.033Z"
);

text_type!(
    /// `Edm.Date`, e.g. `2021-04-06`, kept as text (`YYYY-MM-DD`).
    Date,
    "Date",
    check_date,
    "2021-04-06"
);

text_type!(
    /// `Edm.TimeOfDay`, e.g. `18:04:31.0330000`, kept as text
    /// (`hh:mm[:ss[.f…]]`, 1 to 12 fraction digits).
    TimeOfDay,
    "TimeOfDay",
    check_time_of_day,
    "18:04:31.0330000"
);

text_type!(
    /// `Edm.Duration`, e.g. `PT1H30M` or `-P2DT0.5S`, kept as text.
    ///
    /// Lexical form: the XML Schema `duration`
    /// (`[-]P[nY][nM][nD][T[nH][nM][n[.n]S]]`, at least one component, and
    /// at least one after a `T`), which contains OData's day-time form.
    Duration,
    "Duration",
    check_duration,
    "PT1H30M"
);

// ---------------------------------------------------------------------------
// Binary

/// `Edm.Binary`: bytes, written in JSON as base64 text.
///
/// Reading accepts both the base64url alphabet (`-`, `_`, which the OData JSON
/// format specifies) and the standard one (`+`, `/`, which Microsoft Graph's
/// own services send), with or without `=` padding, and even a mix of both.
///
/// Writing uses the **standard alphabet with padding** (`"+/="`), the form
/// Microsoft Graph's .NET OData stack both writes and reads; for data whose
/// encoding holds neither `+` nor `/` this is identical to padded base64url.
/// Use [`Binary::to_base64url`] when you need the URL-safe form.
///
/// ```
/// use graphgen_runtime::edm::Binary;
///
/// let b: Binary = serde_json::from_str(r#""-_8""#).unwrap(); // base64url, no padding
/// assert_eq!(b.0, vec![0xfb, 0xff]);
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#""+/8=""#);
/// assert_eq!(b.to_base64url(), "-_8");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// Decodes base64 text in either alphabet, with or without padding.
    pub fn from_base64(text: &str) -> Result<Self, ParseError> {
        let cleaned: Vec<u8> = text
            .bytes()
            .filter(|b| *b != b'=')
            .map(|b| match b {
                b'-' => b'+',
                b'_' => b'/',
                other => other,
            })
            .collect();
        if text.trim_end_matches('=').contains('=') {
            return Err(ParseError::new("Binary", text, "'=' inside base64 text"));
        }
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&cleaned)
            .map(Binary)
            .map_err(|_| ParseError::new("Binary", text, "not base64 text"))
    }

    /// Standard base64 with padding (what serialization writes).
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }

    /// base64url without padding (RFC 4648 §5).
    pub fn to_base64url(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Binary, E> {
                Binary::from_base64(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

// ---------------------------------------------------------------------------
// Decimal

/// `Edm.Decimal`, kept as its decimal text so no digit is lost to `f64`.
///
/// Deserializes from a JSON string (`IEEE754Compatible=true` form) or a JSON
/// number. A number is kept exactly when it is an integer; a number with a
/// fraction or exponent is read by serde_json as `f64` first, so send it as a
/// string when every digit matters. Serializes as a JSON number with exactly
/// the kept text (as a string if it was received or built as one).
///
/// ```
/// use graphgen_runtime::edm::Decimal;
///
/// let d: Decimal = serde_json::from_str(r#""123456789012345678901234.5""#).unwrap();
/// assert_eq!(d.as_str(), "123456789012345678901234.5");
/// let n: Decimal = serde_json::from_str("18446744073709551615").unwrap();
/// assert_eq!(serde_json::to_string(&n).unwrap(), "18446744073709551615");
/// assert_eq!(serde_json::to_string(&Decimal::new("1.50").unwrap()).unwrap(), "1.50");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    text: String,
    quoted: bool,
}

impl Decimal {
    /// Checks that `text` is a decimal number (`[-]digits[.digits][e[±]digits]`);
    /// it is written as a JSON number.
    pub fn new(text: impl Into<String>) -> Result<Self, ParseError> {
        let text = text.into();
        check_decimal(&text).map_err(|r| ParseError::new("Decimal", &text, r))?;
        Ok(Decimal {
            text,
            quoted: false,
        })
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it is written as a JSON string (`IEEE754Compatible=true`).
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The same value, written as a JSON string instead of a number.
    pub fn quoted(mut self) -> Self {
        self.quoted = true;
        self
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> Option<f64> {
        self.text.parse().ok()
    }
}

fn check_decimal(s: &str) -> Result<(), &'static str> {
    let mut c = Cursor::new(s);
    let _ = c.eat(b'-') || c.eat(b'+');
    if c.digit_run() == 0 {
        return Err("expected digits");
    }
    if c.eat(b'.') && c.digit_run() == 0 {
        return Err("expected digits after '.'");
    }
    if (c.eat(b'e') || c.eat(b'E')) && {
        let _ = c.eat(b'-') || c.eat(b'+');
        c.digit_run() == 0
    } {
        return Err("expected digits in the exponent");
    }
    if c.done() {
        Ok(())
    } else {
        Err("unexpected character")
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Decimal {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Decimal::new(s)
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal {
            text: v.to_string(),
            quoted: false,
        }
    }
}

impl From<u64> for Decimal {
    fn from(v: u64) -> Self {
        Decimal {
            text: v.to_string(),
            quoted: false,
        }
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // JSON numbers may not start with '+' nor have a leading '.', so only
        // emit raw text that is a valid JSON number; anything else goes as a
        // string.
        if !self.quoted && !self.text.starts_with('+') {
            if let Ok(raw) = serde_json::value::RawValue::from_string(self.text.clone()) {
                return raw.serialize(s);
            }
        }
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// Reads the number's own text (through `serde_json`'s raw values), so
    /// `1.50` and `123456789012345678901234.5` keep every digit; a string
    /// (`"1.50"`, also `INF`/`NaN` in some payloads) is kept as written.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            let text: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            return Ok(Decimal { text, quoted: true });
        }
        let number = text.strip_prefix('-').unwrap_or(text);
        if number.starts_with(|c: char| c.is_ascii_digit())
            && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        {
            Ok(Decimal {
                text: text.to_string(),
                quoted: false,
            })
        } else {
            Err(de::Error::custom(format!(
                "expected a decimal number or a string holding one, found `{text}`"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_every_digit() {
        for json in [
            "1.50",
            "123456789012345678901234.5",
            "-0.000",
            "\"1.50\"",
            "7",
        ] {
            let d: Decimal = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&d).unwrap(), json);
        }
        assert!(serde_json::from_str::<Decimal>("true").is_err());
        assert!(serde_json::from_str::<Decimal>("[1]").is_err());
    }

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(json: &str) {
        let v: T = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), json);
        // Also through a serde_json::Value (as in buffered polymorphic values).
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let v: T = serde_json::from_value(value).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), json);
    }

    #[test]
    fn date_time_offset_round_trips_byte_for_byte() {
        for s in [
            r#""2021-04-06T18:04:31.033Z""#,
            r#""2021-04-06T18:04:31.0330000Z""#,
            r#""2021-04-06T18:04:31.033000000000Z""#,
            r#""2021-04-06T18:04:31+02:00""#,
            r#""2021-04-06T18:04Z""#,
            r#""2025-02-13T10:17:05""#,
            r#""not a date at all""#,
            r#""""#,
        ] {
            round_trip::<DateTimeOffset>(s);
        }
    }

    #[test]
    fn date_time_offset_validation() {
        for ok in [
            "2021-04-06T18:04:31.033Z",
            "2021-04-06T18:04:31.0330000Z",
            "2021-04-06T18:04:31.123456789012Z",
            "2021-04-06T18:04Z",
            "2021-04-06t18:04:31z",
            "2021-04-06T18:04:31-07:30",
            "2024-02-29T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "12345-01-01T00:00:00Z",
        ] {
            assert!(DateTimeOffset::new(ok).is_ok(), "{ok}");
            assert!(ok.parse::<DateTimeOffset>().unwrap().is_valid());
        }
        for bad in [
            "2025-02-13T10:17:05",
            "2021-04-06T18:04:31.1234567890123Z",
            "2021-04-06T18:04:31.Z",
            "2021-04-06 18:04:31Z",
            "2021-13-06T18:04:31Z",
            "2023-02-29T00:00:00Z",
            "2021-04-31T00:00:00Z",
            "2021-04-06T24:00:00Z",
            "2021-04-06T18:60:00Z",
            "2021-04-06T18:04:31+0200",
            "2021-04-06T18:04:31Zjunk",
            "21-04-06T18:04:31Z",
            "02021-04-06T18:04:31Z",
            "",
        ] {
            let e = DateTimeOffset::new(bad).unwrap_err();
            assert_eq!(e.type_name(), "DateTimeOffset");
            assert!(!DateTimeOffset::new_unchecked(bad).is_valid());
        }
        let e = DateTimeOffset::new("2025-02-13T10:17:05").unwrap_err();
        assert!(e.to_string().contains("offset"), "{e}");
    }

    #[test]
    fn date_time_of_day_duration() {
        assert!(Date::new("2021-04-06").is_ok());
        assert!(Date::new("2021-4-6").is_err());
        assert!(Date::new("2021-04-06T00:00Z").is_err());
        assert!(TimeOfDay::new("18:04").is_ok());
        assert!(TimeOfDay::new("18:04:31.0330000").is_ok());
        assert!(TimeOfDay::new("18:04:31.").is_err());
        assert!(TimeOfDay::new("25:00").is_err());
        for ok in [
            "PT1H30M",
            "P1D",
            "-P2DT0.5S",
            "P1Y2M3DT4H5M6.789S",
            "PT0S",
            "P2W",
            "PT36H",
        ] {
            assert!(Duration::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "P", "PT", "1H", "PT1.5H", "P1H", "PT1M1H", "P1DT", "PT1", "",
        ] {
            assert!(Duration::new(bad).is_err(), "{bad}");
        }
        round_trip::<Date>(r#""2021-04-06""#);
        round_trip::<TimeOfDay>(r#""18:04:31.0330000""#);
        round_trip::<Duration>(r#""PT1H30M""#);
    }

    #[test]
    fn text_types_reject_non_strings() {
        assert!(serde_json::from_str::<DateTimeOffset>("12").is_err());
        assert!(serde_json::from_str::<Date>("null").is_err());
    }

    #[test]
    fn display_from_str_as_ref() {
        let t: DateTimeOffset = "2021-04-06T18:04:31.033Z".parse().unwrap();
        assert_eq!(t.to_string(), "2021-04-06T18:04:31.033Z");
        assert_eq!(AsRef::<str>::as_ref(&t), "2021-04-06T18:04:31.033Z");
        assert_eq!(
            format!("{t:?}"),
            r#"DateTimeOffset("2021-04-06T18:04:31.033Z")"#
        );
        assert_eq!(t.clone().into_string(), "2021-04-06T18:04:31.033Z");
    }

    #[test]
    fn binary_accepts_both_alphabets_and_padding() {
        let bytes = vec![0xfb, 0xff, 0xfe, 0x00, 0x41];
        for text in ["+//+AEE=", "+//+AEE", "-__-AEE=", "-__-AEE", "-//+AEE"] {
            assert_eq!(Binary::from_base64(text).unwrap().0, bytes, "{text}");
        }
        let b = Binary(bytes);
        assert_eq!(serde_json::to_string(&b).unwrap(), r#""+//+AEE=""#);
        assert_eq!(b.to_base64url(), "-__-AEE");
        assert!(Binary::from_base64("ab=c").is_err());
        assert!(Binary::from_base64("a").is_err());
        assert!(Binary::from_base64("a!bc").is_err());
        assert!(serde_json::from_str::<Binary>(r#""not base64!""#).is_err());
        assert_eq!(Binary::from_base64("").unwrap().0, Vec::<u8>::new());
        round_trip::<Binary>(r#""aGVsbG8=""#);
    }

    #[test]
    fn decimal_keeps_text() {
        round_trip::<Decimal>(r#""123456789012345678901234.5000""#);
        round_trip::<Decimal>("18446744073709551615");
        round_trip::<Decimal>("-9223372036854775808");
        round_trip::<Decimal>("1.5");
        let d = Decimal::new("1.50").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "1.50");
        assert_eq!(
            serde_json::to_string(&d.clone().quoted()).unwrap(),
            r#""1.50""#
        );
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!(1.5),
            "to_value works with the raw number"
        );
        assert!(Decimal::new("1.").is_err());
        assert!(Decimal::new("abc").is_err());
        assert!(Decimal::new("1e5").is_ok());
        assert_eq!(d.to_f64(), Some(1.5));
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }

    #[test]
    fn guid_is_uuid() {
        let g: Guid = serde_json::from_str(r#""6ba7b810-9dad-11d1-80b4-00c04fd430c8""#).unwrap();
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#""6ba7b810-9dad-11d1-80b4-00c04fd430c8""#
        );
    }
}
