//! Conversions with chrono's types (cargo feature `chrono`).

use chrono::{
    DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike as _, Utc,
};

use super::convert::{check_offset, date_fields, out_of_range, time_fields, ConvertError, Unix};
use super::{Date, DateTimeOffset, Duration, TimeOfDay};

/// chrono keeps a leap second as a second nanosecond count; the text form
/// has no second 60, so it is written as the end of the second before.
fn no_leap(nanos: u32) -> u32 {
    nanos.min(999_999_999)
}

/// ```
/// use graphgen_runtime::edm::DateTimeOffset;
///
/// let t = chrono::DateTime::from_timestamp(1_617_732_271, 33_000_000).unwrap();
/// assert_eq!(DateTimeOffset::from(t).as_str(), "2021-04-06T18:04:31.033Z");
/// ```
impl From<DateTime<Utc>> for DateTimeOffset {
    fn from(t: DateTime<Utc>) -> Self {
        DateTimeOffset::from_unix(Unix {
            seconds: i128::from(t.timestamp()),
            nanos: no_leap(t.timestamp_subsec_nanos()),
            offset_seconds: 0,
        })
    }
}

/// Fails for an offset with seconds.
impl TryFrom<DateTime<FixedOffset>> for DateTimeOffset {
    type Error = ConvertError;

    fn try_from(t: DateTime<FixedOffset>) -> Result<Self, ConvertError> {
        let offset_seconds = t.offset().local_minus_utc();
        check_offset(offset_seconds, "Edm.DateTimeOffset", t)?;
        Ok(DateTimeOffset::from_unix(Unix {
            seconds: i128::from(t.timestamp()),
            nanos: no_leap(t.timestamp_subsec_nanos()),
            offset_seconds,
        }))
    }
}

const DATE_TIME_UTC: &str = "chrono::DateTime<Utc>";
const DATE_TIME_FIXED: &str = "chrono::DateTime<FixedOffset>";

impl TryFrom<&DateTimeOffset> for DateTime<Utc> {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        let unix = value.to_unix(DATE_TIME_UTC)?;
        let seconds = unix.seconds_i64(DATE_TIME_UTC, value)?;
        DateTime::from_timestamp(seconds, unix.nanos)
            .ok_or_else(|| out_of_range(DATE_TIME_UTC, value))
    }
}

/// Keeps the offset written (UTC when none is).
impl TryFrom<&DateTimeOffset> for DateTime<FixedOffset> {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        let unix = value.to_unix(DATE_TIME_FIXED)?;
        let seconds = unix.seconds_i64(DATE_TIME_FIXED, value)?;
        let offset = FixedOffset::east_opt(unix.offset_seconds)
            .ok_or_else(|| out_of_range(DATE_TIME_FIXED, value))?;
        DateTime::from_timestamp(seconds, unix.nanos)
            .map(|t| t.with_timezone(&offset))
            .ok_or_else(|| out_of_range(DATE_TIME_FIXED, value))
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date::from_fields(i128::from(d.year()), d.month(), d.day())
    }
}

impl TryFrom<&Date> for NaiveDate {
    type Error = ConvertError;

    fn try_from(value: &Date) -> Result<Self, ConvertError> {
        const TARGET: &str = "chrono::NaiveDate";
        let (year, month, day) = date_fields(value, TARGET)?;
        i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
            .ok_or_else(|| out_of_range(TARGET, value))
    }
}

impl From<NaiveTime> for TimeOfDay {
    fn from(t: NaiveTime) -> Self {
        TimeOfDay::from_fields(t.hour(), t.minute(), t.second(), no_leap(t.nanosecond()))
    }
}

impl TryFrom<&TimeOfDay> for NaiveTime {
    type Error = ConvertError;

    fn try_from(value: &TimeOfDay) -> Result<Self, ConvertError> {
        const TARGET: &str = "chrono::NaiveTime";
        let [h, m, s, nanos] = time_fields(value, TARGET)?;
        NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or_else(|| out_of_range(TARGET, value))
    }
}

/// `chrono::Duration` is `TimeDelta`.
impl From<TimeDelta> for Duration {
    fn from(d: TimeDelta) -> Self {
        Duration::from_nanos(
            i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos()),
        )
    }
}

impl TryFrom<&Duration> for TimeDelta {
    type Error = ConvertError;

    fn try_from(value: &Duration) -> Result<Self, ConvertError> {
        const TARGET: &str = "chrono::TimeDelta";
        let nanos = value.to_nanos(TARGET)?;
        let seconds = i64::try_from(nanos.div_euclid(1_000_000_000));
        seconds
            .ok()
            .and_then(|s| TimeDelta::new(s, nanos.rem_euclid(1_000_000_000) as u32))
            .ok_or_else(|| out_of_range(TARGET, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        let utc = DateTime::from_timestamp(1_617_732_271, 33_000_000).unwrap();
        let text = DateTimeOffset::from(utc);
        assert_eq!(text.as_str(), "2021-04-06T18:04:31.033Z");
        assert_eq!(DateTime::<Utc>::try_from(&text).unwrap(), utc);

        let fixed = DateTime::parse_from_rfc3339("2021-04-06T20:04:31.5+02:00").unwrap();
        let text = DateTimeOffset::try_from(fixed).unwrap();
        assert_eq!(text.as_str(), "2021-04-06T20:04:31.5+02:00");
        let back = DateTime::<FixedOffset>::try_from(&text).unwrap();
        assert_eq!(back, fixed);
        assert_eq!(back.offset().local_minus_utc(), 7200);
        let west = DateTime::parse_from_rfc3339("1969-07-20T20:17:40-05:30").unwrap();
        assert_eq!(
            DateTimeOffset::try_from(west).unwrap().as_str(),
            "1969-07-20T20:17:40-05:30"
        );

        let odd = FixedOffset::east_opt(3601).unwrap();
        let e = DateTimeOffset::try_from(utc.with_timezone(&odd)).unwrap_err();
        assert!(e.reason().contains("seconds"), "{e}");
        let big = DateTimeOffset::new("300000-01-01T00:00:00Z").unwrap();
        assert!(DateTime::<Utc>::try_from(&big).is_err());
        assert!(DateTime::<FixedOffset>::try_from(&big).is_err());
        assert!(DateTime::<Utc>::try_from(&DateTimeOffset::new_unchecked("soon")).is_err());
        // A leap second is written as the end of the second before.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        assert_eq!(
            DateTimeOffset::from(leap).as_str(),
            "2016-12-31T23:59:59.9999999Z"
        );
    }

    #[test]
    fn dates_times_and_durations() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let text = Date::from(d);
        assert_eq!(text.as_str(), "2024-02-29");
        assert_eq!(NaiveDate::try_from(&text).unwrap(), d);
        assert_eq!(
            Date::from(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()).as_str(),
            "-0044-03-15"
        );
        assert!(NaiveDate::try_from(&Date::new("300000-01-01").unwrap()).is_err());

        let t = NaiveTime::from_hms_nano_opt(18, 4, 31, 33_000_000).unwrap();
        let text = TimeOfDay::from(t);
        assert_eq!(text.as_str(), "18:04:31.033");
        assert_eq!(NaiveTime::try_from(&text).unwrap(), t);
        assert_eq!(
            NaiveTime::try_from(&TimeOfDay::new("18:04").unwrap()).unwrap(),
            NaiveTime::from_hms_opt(18, 4, 0).unwrap()
        );
        assert!(NaiveTime::try_from(&TimeOfDay::new_unchecked("25:00")).is_err());

        let delta = TimeDelta::new(-5400, 500_000_000).unwrap(); // -1 h 29 min 59.5 s
        let text = Duration::from(delta);
        assert_eq!(text.as_str(), "-PT1H29M59.5S");
        assert_eq!(TimeDelta::try_from(&text).unwrap(), delta);
        assert_eq!(Duration::from(TimeDelta::days(3)).as_str(), "P3D");
        assert!(TimeDelta::try_from(&Duration::new("P1M").unwrap()).is_err());
        assert!(TimeDelta::try_from(&Duration::new("P999999999999999D").unwrap()).is_err());
    }
}
