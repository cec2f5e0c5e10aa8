//! Conversions with the time crate's types (cargo feature `time`).

use time::{Month, OffsetDateTime, UtcOffset};

use super::convert::{check_offset, date_fields, out_of_range, time_fields, ConvertError, Unix};
use super::{Date, DateTimeOffset, Duration, TimeOfDay};

/// Fails for an offset with seconds.
///
/// ```
/// use graphgen_runtime::edm::DateTimeOffset;
///
/// let t = time::OffsetDateTime::from_unix_timestamp(1_617_732_271).unwrap();
/// assert_eq!(DateTimeOffset::try_from(t)?.as_str(), "2021-04-06T18:04:31Z");
/// # Ok::<(), graphgen_runtime::edm::ConvertError>(())
/// ```
impl TryFrom<OffsetDateTime> for DateTimeOffset {
    type Error = ConvertError;

    fn try_from(t: OffsetDateTime) -> Result<Self, ConvertError> {
        let offset_seconds = t.offset().whole_seconds();
        check_offset(offset_seconds, "Edm.DateTimeOffset", t)?;
        Ok(DateTimeOffset::from_unix(Unix::from_nanos(
            t.unix_timestamp_nanos(),
            offset_seconds,
        )))
    }
}

/// Keeps the offset written (UTC when none is).
impl TryFrom<&DateTimeOffset> for OffsetDateTime {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        const TARGET: &str = "time::OffsetDateTime";
        let unix = value.to_unix(TARGET)?;
        let range = || out_of_range(TARGET, value);
        let offset = UtcOffset::from_whole_seconds(unix.offset_seconds).map_err(|_| range())?;
        let nanos = unix.nanos_since_epoch();
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| t.checked_to_offset(offset))
            .ok_or_else(range)
    }
}

impl From<time::Date> for Date {
    fn from(d: time::Date) -> Self {
        Date::from_fields(
            i128::from(d.year()),
            u32::from(u8::from(d.month())),
            u32::from(d.day()),
        )
    }
}

impl TryFrom<&Date> for time::Date {
    type Error = ConvertError;

    fn try_from(value: &Date) -> Result<Self, ConvertError> {
        const TARGET: &str = "time::Date";
        let (year, month, day) = date_fields(value, TARGET)?;
        let month = Month::try_from(month as u8).map_err(|_| out_of_range(TARGET, value))?;
        i32::try_from(year)
            .ok()
            .and_then(|year| time::Date::from_calendar_date(year, month, day as u8).ok())
            .ok_or_else(|| out_of_range(TARGET, value))
    }
}

impl From<time::Time> for TimeOfDay {
    fn from(t: time::Time) -> Self {
        TimeOfDay::from_fields(
            u32::from(t.hour()),
            u32::from(t.minute()),
            u32::from(t.second()),
            t.nanosecond(),
        )
    }
}

impl TryFrom<&TimeOfDay> for time::Time {
    type Error = ConvertError;

    fn try_from(value: &TimeOfDay) -> Result<Self, ConvertError> {
        const TARGET: &str = "time::Time";
        let [h, m, s, nanos] = time_fields(value, TARGET)?;
        time::Time::from_hms_nano(h as u8, m as u8, s as u8, nanos)
            .map_err(|_| out_of_range(TARGET, value))
    }
}

impl From<time::Duration> for Duration {
    fn from(d: time::Duration) -> Self {
        Duration::from_nanos(d.whole_nanoseconds())
    }
}

impl TryFrom<&Duration> for time::Duration {
    type Error = ConvertError;

    fn try_from(value: &Duration) -> Result<Self, ConvertError> {
        const TARGET: &str = "time::Duration";
        let nanos = value.to_nanos(TARGET)?;
        // Whole seconds and the rest share the sign, as time wants.
        let seconds =
            i64::try_from(nanos / 1_000_000_000).map_err(|_| out_of_range(TARGET, value))?;
        Ok(time::Duration::new(seconds, (nanos % 1_000_000_000) as i32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn date_times() {
        let t = datetime!(2021-04-06 20:04:31.033 +02:00);
        let text = DateTimeOffset::try_from(t).unwrap();
        assert_eq!(text.as_str(), "2021-04-06T20:04:31.033+02:00");
        let back = OffsetDateTime::try_from(&text).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.offset().whole_seconds(), 7200);
        let utc = datetime!(1969-12-31 23:59:58.5 UTC);
        let text = DateTimeOffset::try_from(utc).unwrap();
        assert_eq!(text.as_str(), "1969-12-31T23:59:58.5Z");
        assert_eq!(OffsetDateTime::try_from(&text).unwrap(), utc);
        // No offset: UTC.
        let offsetless = DateTimeOffset::new_unchecked("2025-02-13T10:17:05");
        assert_eq!(
            OffsetDateTime::try_from(&offsetless).unwrap(),
            datetime!(2025-02-13 10:17:05 UTC)
        );

        let odd = t.to_offset(UtcOffset::from_hms(1, 0, 30).unwrap());
        assert!(DateTimeOffset::try_from(odd).is_err());
        let big = DateTimeOffset::new("300000-01-01T00:00:00Z").unwrap();
        assert!(OffsetDateTime::try_from(&big).is_err());
        // In range as an instant, not once shifted to its offset.
        let edge = DateTimeOffset::new("9999-12-31T23:00:00-02:00").unwrap();
        assert!(OffsetDateTime::try_from(&edge).is_err());
    }

    #[test]
    fn dates_times_and_durations() {
        let d = date!(2024 - 02 - 29);
        assert_eq!(Date::from(d).as_str(), "2024-02-29");
        assert_eq!(time::Date::try_from(&Date::from(d)).unwrap(), d);
        assert!(time::Date::try_from(&Date::new("300000-01-01").unwrap()).is_err());

        let t = time!(18:04:31.0330001);
        let text = TimeOfDay::from(t);
        assert_eq!(text.as_str(), "18:04:31.0330001");
        assert_eq!(time::Time::try_from(&text).unwrap(), t);
        assert!(time::Time::try_from(&TimeOfDay::new_unchecked("18:60")).is_err());

        let d = time::Duration::new(-90_061, -250_000_000);
        let text = Duration::from(d);
        assert_eq!(text.as_str(), "-P1DT1H1M1.25S");
        assert_eq!(time::Duration::try_from(&text).unwrap(), d);
        assert!(time::Duration::try_from(&Duration::new("P1Y").unwrap()).is_err());
    }
}
