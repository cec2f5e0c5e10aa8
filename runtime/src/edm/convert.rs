//! Converting the text-preserving date and time types from and to what
//! programs hold: `std::time` here, chrono, time and jiff in their own
//! modules.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::lexical::{self, DurationParts};
use super::{DateTimeOffset, Duration};

/// A value that cannot be converted to the type asked (see the
/// [module docs](super) for the conversions).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot convert {value} to {target}: {reason}")]
pub struct ConvertError {
    target: &'static str,
    value: String,
    reason: &'static str,
}

impl ConvertError {
    pub(super) fn new(
        target: &'static str,
        value: impl std::fmt::Display,
        reason: &'static str,
    ) -> Self {
        let mut text = value.to_string();
        if let Some((cut, _)) = text.char_indices().nth(64) {
            text.truncate(cut);
        }
        ConvertError {
            target,
            value: text,
            reason,
        }
    }

    /// The type converted to, e.g. `"std::time::SystemTime"`.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The value (at most its first 64 characters).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Why it cannot be converted.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

const DAY: i128 = 86_400;
const NANOS: i128 = 1_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
pub(super) fn days_from_civil(year: i128, month: u32, day: u32) -> i128 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i128::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i128::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01.
pub(super) fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

/// `.fffffff` with at most seven digits (100 ns ticks), trailing zeros
/// dropped; nothing for less than a tick.
fn push_fraction(out: &mut String, nanos: u32) {
    let ticks = nanos / 100;
    if ticks > 0 {
        let digits = format!("{ticks:07}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

pub(super) fn format_date(year: i128, month: u32, day: u32) -> String {
    let mut out = String::new();
    if year < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:04}-{month:02}-{day:02}", year.unsigned_abs());
    out
}

pub(super) fn format_time(hour: u32, minute: u32, second: u32, nanos: u32) -> String {
    let mut out = format!("{hour:02}:{minute:02}:{second:02}");
    push_fraction(&mut out, nanos);
    out
}

/// An instant: seconds since the Unix epoch and nanoseconds (0..1e9), with
/// the offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unix {
    pub seconds: i128,
    pub nanos: u32,
    pub offset_seconds: i32,
}

impl Unix {
    /// From nanoseconds since the epoch.
    pub fn from_nanos(nanos: i128, offset_seconds: i32) -> Self {
        Unix {
            seconds: nanos.div_euclid(NANOS),
            nanos: nanos.rem_euclid(NANOS) as u32,
            offset_seconds,
        }
    }

    /// Nanoseconds since the epoch (text years fit an i64, so this fits an
    /// i128).
    #[cfg(any(feature = "time", feature = "jiff"))]
    pub fn nanos_since_epoch(self) -> i128 {
        self.seconds * NANOS + i128::from(self.nanos)
    }

    /// Seconds as an `i64`.
    #[cfg(feature = "chrono")]
    pub fn seconds_i64(
        self,
        target: &'static str,
        value: &DateTimeOffset,
    ) -> Result<i64, ConvertError> {
        i64::try_from(self.seconds).map_err(|_| out_of_range(target, value))
    }
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
/// Whether an offset has a text form: whole minutes, less than a day.
pub(super) fn check_offset(
    offset_seconds: i32,
    target: &'static str,
    value: impl std::fmt::Display,
) -> Result<(), ConvertError> {
    if offset_seconds % 60 != 0 {
        return Err(ConvertError::new(
            target,
            value,
            "the offset has seconds, which the text form cannot hold",
        ));
    }
    if offset_seconds.abs() >= 24 * 3600 {
        return Err(ConvertError::new(
            target,
            value,
            "the offset is a day or more",
        ));
    }
    Ok(())
}

pub(super) fn out_of_range(target: &'static str, value: impl std::fmt::Display) -> ConvertError {
    ConvertError::new(target, value, "out of the target's range")
}

impl DateTimeOffset {
    /// The text of an instant, written with its offset (checked by
    /// [`check_offset`]).
    pub(super) fn from_unix(unix: Unix) -> Self {
        let offset = unix.offset_seconds;
        let local = unix.seconds + i128::from(offset);
        let (year, month, day) = civil_from_days(local.div_euclid(DAY));
        let sod = local.rem_euclid(DAY) as u32;
        let mut out = format_date(year, month, day);
        out.push('T');
        out.push_str(&format_time(
            sod / 3600,
            sod / 60 % 60,
            sod % 60,
            unix.nanos,
        ));
        if offset == 0 {
            out.push('Z');
        } else {
            let minutes = offset.unsigned_abs() / 60;
            let sign = if offset < 0 { '-' } else { '+' };
            let _ = write!(out, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
        DateTimeOffset(out)
    }

    /// The instant the text names; no offset counts as UTC.
    pub(super) fn to_unix(&self, target: &'static str) -> Result<Unix, ConvertError> {
        let bad = |reason| ConvertError::new(target, self.as_str(), reason);
        let p = lexical::date_time(self.as_str(), true).map_err(bad)?;
        let year = p.date.year.ok_or_else(|| out_of_range(target, self))?;
        let days = days_from_civil(i128::from(year), p.date.month, p.date.day);
        let offset_seconds = p.offset_minutes.unwrap_or(0) * 60;
        let seconds = days * DAY
            + i128::from(p.time.hour * 3600 + p.time.minute * 60 + p.time.second)
            - i128::from(offset_seconds);
        Ok(Unix {
            seconds,
            nanos: p.time.nanos,
            offset_seconds,
        })
    }

    /// Whether both values name the same instant, whatever their text:
    /// `2021-04-06T18:04:31.033Z`, `2021-04-06T18:04:31.0330000Z` and
    /// `2021-04-06T20:04:31.033+02:00` all do. A value without an offset is
    /// read as UTC (the service writes some that way). `false` when either
    /// text is not a date-time.
    ///
    /// ```
    /// use graphgen_runtime::edm::DateTimeOffset;
    ///
    /// let a = DateTimeOffset::new("2021-04-06T18:04:31.033Z")?;
    /// let b = DateTimeOffset::new("2021-04-06T20:04:31.0330000+02:00")?;
    /// assert!(a.same_instant(&b));
    /// assert_ne!(a, b); // equality compares the text
    /// # Ok::<(), graphgen_runtime::edm::ParseError>(())
    /// ```
    pub fn same_instant(&self, other: &DateTimeOffset) -> bool {
        match (self.to_unix(""), other.to_unix("")) {
            (Ok(a), Ok(b)) => (a.seconds, a.nanos) == (b.seconds, b.nanos),
            _ => false,
        }
    }
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
/// A date's fields, for conversions.
pub(super) fn date_fields(
    date: &super::Date,
    target: &'static str,
) -> Result<(i64, u32, u32), ConvertError> {
    let p = lexical::date(date.as_str()).map_err(|r| ConvertError::new(target, date, r))?;
    let year = p.year.ok_or_else(|| out_of_range(target, date))?;
    Ok((year, p.month, p.day))
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
/// A time's fields (hour, minute, second, nanosecond), for conversions.
pub(super) fn time_fields(
    time: &super::TimeOfDay,
    target: &'static str,
) -> Result<[u32; 4], ConvertError> {
    let p = lexical::time_of_day(time.as_str()).map_err(|r| ConvertError::new(target, time, r))?;
    Ok([p.hour, p.minute, p.second, p.nanos])
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
impl super::Date {
    pub(super) fn from_fields(year: i128, month: u32, day: u32) -> Self {
        super::Date(format_date(year, month, day))
    }
}

#[cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]
impl super::TimeOfDay {
    pub(super) fn from_fields(hour: u32, minute: u32, second: u32, nanos: u32) -> Self {
        super::TimeOfDay(format_time(hour, minute, second, nanos))
    }
}

impl Duration {
    /// `[-]P[nD][T[nH][nM][n[.f]S]]` for a length of `nanos` nanoseconds.
    pub(super) fn from_nanos(nanos: i128) -> Self {
        let negative = nanos < 0;
        let nanos = nanos.unsigned_abs();
        let (secs, sub) = (nanos / NANOS as u128, (nanos % NANOS as u128) as u32);
        let (days, rest) = (secs / DAY as u128, secs % DAY as u128);
        let (hours, minutes, seconds) = (rest / 3600, rest / 60 % 60, rest % 60);
        let mut out = String::from(if negative { "-P" } else { "P" });
        if days > 0 {
            let _ = write!(out, "{days}D");
        }
        if hours > 0 || minutes > 0 || seconds > 0 || sub >= 100 || days == 0 {
            out.push('T');
            if hours > 0 {
                let _ = write!(out, "{hours}H");
            }
            if minutes > 0 {
                let _ = write!(out, "{minutes}M");
            }
            if seconds > 0 || sub >= 100 || (hours == 0 && minutes == 0) {
                let _ = write!(out, "{seconds}");
                push_fraction(&mut out, sub);
                out.push('S');
            }
        }
        Duration(out)
    }

    pub(super) fn parts(&self, target: &'static str) -> Result<DurationParts, ConvertError> {
        lexical::duration(self.as_str()).map_err(|r| ConvertError::new(target, self, r))
    }

    /// The length in nanoseconds (weeks and days of 24 hours); a duration
    /// with years or months has none.
    pub(super) fn to_nanos(&self, target: &'static str) -> Result<i128, ConvertError> {
        let p = self.parts(target)?;
        if p.years > 0 || p.months > 0 {
            return Err(ConvertError::new(
                target,
                self,
                "years and months have no fixed length",
            ));
        }
        // Every u64 component fits an i128 of nanoseconds but their sum may not.
        let nanos = [
            (p.weeks, 7 * DAY),
            (p.days, DAY),
            (p.hours, 3600),
            (p.minutes, 60),
            (p.seconds, 1),
        ]
        .into_iter()
        .try_fold(i128::from(p.nanos), |total, (value, unit)| {
            i128::from(value)
                .checked_mul(unit * NANOS)
                .and_then(|v| total.checked_add(v))
        })
        .filter(|_| !p.overflow)
        .ok_or_else(|| out_of_range(target, self))?;
        Ok(if p.negative { -nanos } else { nanos })
    }
}

const SYSTEM_TIME: &str = "std::time::SystemTime";
const STD_DURATION: &str = "std::time::Duration";

/// Any `SystemTime`, in UTC.
///
/// ```
/// use graphgen_runtime::edm::DateTimeOffset;
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
///
/// let t = UNIX_EPOCH + Duration::from_millis(1_617_732_271_033);
/// let text = DateTimeOffset::from(t);
/// assert_eq!(text.as_str(), "2021-04-06T18:04:31.033Z");
/// assert_eq!(SystemTime::try_from(&text)?, t);
/// # Ok::<(), graphgen_runtime::edm::ConvertError>(())
/// ```
impl From<SystemTime> for DateTimeOffset {
    fn from(time: SystemTime) -> Self {
        // A SystemTime spans far less than an i128 of nanoseconds.
        let nanos = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        };
        DateTimeOffset::from_unix(Unix::from_nanos(nanos, 0))
    }
}

impl TryFrom<&DateTimeOffset> for SystemTime {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        let unix = value.to_unix(SYSTEM_TIME)?;
        let range = || out_of_range(SYSTEM_TIME, value);
        let whole = u64::try_from(unix.seconds.unsigned_abs()).map_err(|_| range())?;
        let whole = std::time::Duration::from_secs(whole);
        let base = if unix.seconds >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        base.and_then(|t| t.checked_add(std::time::Duration::from_nanos(u64::from(unix.nanos))))
            .ok_or_else(range)
    }
}

/// ```
/// use graphgen_runtime::edm::Duration;
///
/// let d = Duration::from(std::time::Duration::from_secs(5400));
/// assert_eq!(d.as_str(), "PT1H30M");
/// assert_eq!(std::time::Duration::try_from(&d)?.as_secs(), 5400);
/// # Ok::<(), graphgen_runtime::edm::ConvertError>(())
/// ```
impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        // At most u64::MAX seconds: well within an i128 of nanoseconds.
        Duration::from_nanos(d.as_nanos() as i128)
    }
}

impl TryFrom<&Duration> for std::time::Duration {
    type Error = ConvertError;

    fn try_from(value: &Duration) -> Result<Self, ConvertError> {
        let nanos = value.to_nanos(STD_DURATION)?;
        if nanos < 0 {
            return Err(ConvertError::new(STD_DURATION, value, "it is negative"));
        }
        let seconds =
            u64::try_from(nanos / NANOS).map_err(|_| out_of_range(STD_DURATION, value))?;
        Ok(std::time::Duration::new(seconds, (nanos % NANOS) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as StdDuration;

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(days_from_civil(-44, 3, 15)), (-44, 3, 15));
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn instants() {
        let d = |s: &str| DateTimeOffset::new_unchecked(s);
        assert!(d("2021-04-06T18:04:31.033Z").same_instant(&d("2021-04-06T18:04:31.0330000Z")));
        assert!(d("2025-02-13T10:17:05").same_instant(&d("2025-02-13T10:17:05Z")));
        assert!(d("2021-04-06T18:04:31Z").same_instant(&d("2021-04-06T13:04:31-05:00")));
        assert!(d("2021-04-06T18:04Z").same_instant(&d("2021-04-06T18:04:00Z")));
        assert!(!d("2021-04-06T18:04:31Z").same_instant(&d("2021-04-06T18:04:32Z")));
        assert!(!d("garbage").same_instant(&d("garbage")));
        assert!(!d("2021-04-06T18:04:31.Z").same_instant(&d("2021-04-06T18:04:31Z")));
    }

    #[test]
    fn system_time_both_ways() {
        let at = |secs: u64, nanos: u32| UNIX_EPOCH + StdDuration::new(secs, nanos);
        for (time, text) in [
            (UNIX_EPOCH, "1970-01-01T00:00:00Z"),
            (at(1_617_732_271, 33_000_000), "2021-04-06T18:04:31.033Z"),
            (
                at(1_617_732_271, 33_000_100),
                "2021-04-06T18:04:31.0330001Z",
            ),
            (at(951_782_400, 0), "2000-02-29T00:00:00Z"),
            (
                UNIX_EPOCH - StdDuration::from_millis(1500),
                "1969-12-31T23:59:58.5Z",
            ),
            (at(253_402_300_800, 0), "10000-01-01T00:00:00Z"),
        ] {
            let written = DateTimeOffset::from(time);
            assert_eq!(written.as_str(), text);
            assert!(written.is_valid(), "{text}");
            assert_eq!(SystemTime::try_from(&written).unwrap(), time, "{text}");
        }
        // Finer than the service's 100 ns ticks is dropped.
        assert_eq!(
            DateTimeOffset::from(at(0, 99)).as_str(),
            "1970-01-01T00:00:00Z"
        );
        // Offsets, and the offsetless form the service sends (UTC).
        let read = |s: &str| SystemTime::try_from(&DateTimeOffset::new_unchecked(s));
        assert_eq!(
            read("2021-04-06T20:04:31.033+02:00").unwrap(),
            at(1_617_732_271, 33_000_000)
        );
        assert_eq!(
            read("2021-04-06T18:04:31.033").unwrap(),
            at(1_617_732_271, 33_000_000)
        );
        assert_eq!(
            read("1970-01-01T00:00:00.123456789999Z").unwrap(),
            at(0, 123_456_789)
        );
        let e = read("yesterday").unwrap_err();
        assert_eq!(e.target(), SYSTEM_TIME);
        assert_eq!(e.value(), "yesterday");
        let e = read("99999999999999-01-01T00:00:00Z").unwrap_err();
        assert_eq!(e.reason(), "out of the target's range");
        assert!(read("99999999999999999999999-01-01T00:00:00Z").is_err());
    }

    #[test]
    fn std_duration_both_ways() {
        for (secs, nanos, text) in [
            (0, 0, "PT0S"),
            (5400, 0, "PT1H30M"),
            (86_400, 500_000_000, "P1DT0.5S"),
            (90_061, 0, "P1DT1H1M1S"),
            (172_800, 0, "P2D"),
            (0, 1_200, "PT0.0000012S"),
        ] {
            let d = StdDuration::new(secs, nanos);
            let written = Duration::from(d);
            assert_eq!(written.as_str(), text);
            assert!(written.is_valid(), "{text}");
            assert_eq!(StdDuration::try_from(&written).unwrap(), d);
        }
        let read = |s: &str| StdDuration::try_from(&Duration::new_unchecked(s));
        assert_eq!(read("P2W").unwrap(), StdDuration::from_secs(14 * 86_400));
        assert_eq!(read("PT36H").unwrap(), StdDuration::from_secs(36 * 3600));
        assert_eq!(read("-PT1S").unwrap_err().reason(), "it is negative");
        assert_eq!(
            read("P1Y").unwrap_err().reason(),
            "years and months have no fixed length"
        );
        assert!(read("PT99999999999999999999S").is_err());
        assert!(
            read("P99999999999999999D").is_err(),
            "more seconds than a u64"
        );
        assert!(read("P").is_err());
        assert!(Duration::from(StdDuration::MAX).is_valid());
    }
}
