//! Conversions with jiff's types (cargo feature `jiff`).

use jiff::civil;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Span, Timestamp, ZonedDateTime};

use super::convert::{check_offset, date_fields, out_of_range, time_fields, ConvertError, Unix};
use super::{Date, DateTimeOffset, Duration, TimeOfDay};

/// In UTC.
///
/// ```
/// use graphgen_runtime::edm::DateTimeOffset;
///
/// let t = jiff::Timestamp::new(1_617_732_271, 33_000_000).unwrap();
/// assert_eq!(DateTimeOffset::from(t).as_str(), "2021-04-06T18:04:31.033Z");
/// ```
impl From<Timestamp> for DateTimeOffset {
    fn from(t: Timestamp) -> Self {
        DateTimeOffset::from_unix(Unix::from_nanos(t.as_nanosecond(), 0))
    }
}

/// With the zone's offset at that instant; fails for an offset with
/// seconds.
impl TryFrom<&ZonedDateTime> for DateTimeOffset {
    type Error = ConvertError;

    fn try_from(t: &ZonedDateTime) -> Result<Self, ConvertError> {
        let offset_seconds = t.offset().seconds();
        check_offset(offset_seconds, "Edm.DateTimeOffset", t)?;
        Ok(DateTimeOffset::from_unix(Unix::from_nanos(
            t.timestamp().as_nanosecond(),
            offset_seconds,
        )))
    }
}

fn timestamp(
    value: &DateTimeOffset,
    target: &'static str,
) -> Result<(Timestamp, i32), ConvertError> {
    let unix = value.to_unix(target)?;
    let nanos = unix.nanos_since_epoch();
    let t = Timestamp::from_nanosecond(nanos).map_err(|_| out_of_range(target, value))?;
    Ok((t, unix.offset_seconds))
}

impl TryFrom<&DateTimeOffset> for Timestamp {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        timestamp(value, "jiff::Timestamp").map(|(t, _)| t)
    }
}

/// In a fixed-offset zone of the offset written (UTC when none is).
impl TryFrom<&DateTimeOffset> for ZonedDateTime {
    type Error = ConvertError;

    fn try_from(value: &DateTimeOffset) -> Result<Self, ConvertError> {
        const TARGET: &str = "jiff::ZonedDateTime";
        let (t, offset) = timestamp(value, TARGET)?;
        let offset = Offset::from_seconds(offset).map_err(|_| out_of_range(TARGET, value))?;
        Ok(t.to_zoned_datetime(TimeZone::fixed(offset)))
    }
}

impl From<civil::Date> for Date {
    fn from(d: civil::Date) -> Self {
        Date::from_fields(i128::from(d.year()), d.month() as u32, d.day() as u32)
    }
}

impl TryFrom<&Date> for civil::Date {
    type Error = ConvertError;

    fn try_from(value: &Date) -> Result<Self, ConvertError> {
        const TARGET: &str = "jiff::civil::Date";
        let (year, month, day) = date_fields(value, TARGET)?;
        i16::try_from(year)
            .ok()
            .and_then(|year| civil::Date::new(year, month as i8, day as i8).ok())
            .ok_or_else(|| out_of_range(TARGET, value))
    }
}

impl From<civil::Time> for TimeOfDay {
    fn from(t: civil::Time) -> Self {
        TimeOfDay::from_fields(
            t.hour() as u32,
            t.minute() as u32,
            t.second() as u32,
            t.subsec_nanosecond() as u32,
        )
    }
}

impl TryFrom<&TimeOfDay> for civil::Time {
    type Error = ConvertError;

    fn try_from(value: &TimeOfDay) -> Result<Self, ConvertError> {
        const TARGET: &str = "jiff::civil::Time";
        let [h, m, s, nanos] = time_fields(value, TARGET)?;
        civil::Time::new(h as i8, m as i8, s as i8, nanos as i32)
            .map_err(|_| out_of_range(TARGET, value))
    }
}

impl From<SignedDuration> for Duration {
    fn from(d: SignedDuration) -> Self {
        Duration::from_nanos(d.as_nanos())
    }
}

impl TryFrom<&Duration> for SignedDuration {
    type Error = ConvertError;

    fn try_from(value: &Duration) -> Result<Self, ConvertError> {
        const TARGET: &str = "jiff::SignedDuration";
        let nanos = value.to_nanos(TARGET)?;
        let seconds =
            i64::try_from(nanos / 1_000_000_000).map_err(|_| out_of_range(TARGET, value))?;
        // Less than a second of nanoseconds: `new` cannot overflow.
        Ok(SignedDuration::new(seconds, (nanos % 1_000_000_000) as i32))
    }
}

/// Days count as 24 hours (OData durations are days and time); fails for
/// a span with years or months, which the text form of `Edm.Duration`
/// cannot hold.
impl TryFrom<Span> for Duration {
    type Error = ConvertError;

    fn try_from(span: Span) -> Result<Self, ConvertError> {
        if span.get_years() != 0 || span.get_months() != 0 {
            return Err(ConvertError::new(
                "Edm.Duration",
                span,
                "years and months have no fixed length",
            ));
        }
        // Each unit is within i64 and carries the span's sign: no overflow.
        let seconds = i128::from(span.get_weeks()) * 7 * 86_400
            + i128::from(span.get_days()) * 86_400
            + i128::from(span.get_hours()) * 3600
            + i128::from(span.get_minutes()) * 60
            + i128::from(span.get_seconds());
        let nanos = seconds * 1_000_000_000
            + i128::from(span.get_milliseconds()) * 1_000_000
            + i128::from(span.get_microseconds()) * 1_000
            + i128::from(span.get_nanoseconds());
        Ok(Duration::from_nanos(nanos))
    }
}

/// Keeps each unit written (years and months too).
impl TryFrom<&Duration> for Span {
    type Error = ConvertError;

    fn try_from(value: &Duration) -> Result<Self, ConvertError> {
        const TARGET: &str = "jiff::Span";
        let p = value.parts(TARGET)?;
        let range = || out_of_range(TARGET, value);
        if p.overflow {
            return Err(range());
        }
        // Each u64 unit fits i64 or the span would refuse it anyway.
        let unit = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let span = Span::new()
            .try_years(unit(p.years))
            .and_then(|s| s.try_months(unit(p.months)))
            .and_then(|s| s.try_weeks(unit(p.weeks)))
            .and_then(|s| s.try_days(unit(p.days)))
            .and_then(|s| s.try_hours(unit(p.hours)))
            .and_then(|s| s.try_minutes(unit(p.minutes)))
            .and_then(|s| s.try_seconds(unit(p.seconds)))
            .and_then(|s| s.try_nanoseconds(i64::from(p.nanos)))
            .map_err(|_| range())?;
        Ok(if p.negative { span.negate() } else { span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        let t = Timestamp::new(1_617_732_271, 33_000_000).unwrap();
        let text = DateTimeOffset::from(t);
        assert_eq!(text.as_str(), "2021-04-06T18:04:31.033Z");
        assert_eq!(Timestamp::try_from(&text).unwrap(), t);

        let zoned = t.to_zoned_datetime(TimeZone::fixed(Offset::from_seconds(-5 * 3600).unwrap()));
        let text = DateTimeOffset::try_from(&zoned).unwrap();
        assert_eq!(text.as_str(), "2021-04-06T13:04:31.033-05:00");
        let back = ZonedDateTime::try_from(&text).unwrap();
        assert_eq!(back.timestamp(), t);
        assert_eq!(back.offset().seconds(), -5 * 3600);

        let odd = t.to_zoned_datetime(TimeZone::fixed(Offset::from_seconds(61).unwrap()));
        assert!(DateTimeOffset::try_from(&odd).is_err());
        let big = DateTimeOffset::new("30000-01-01T00:00:00Z").unwrap();
        assert!(Timestamp::try_from(&big).is_err());
        assert!(ZonedDateTime::try_from(&big).is_err());
    }

    #[test]
    fn dates_times_and_durations() {
        let d = civil::Date::new(2024, 2, 29).unwrap();
        assert_eq!(Date::from(d).as_str(), "2024-02-29");
        assert_eq!(civil::Date::try_from(&Date::from(d)).unwrap(), d);
        assert!(civil::Date::try_from(&Date::new("30000-01-01").unwrap()).is_err());

        let t = civil::Time::new(18, 4, 31, 500_000_000).unwrap();
        assert_eq!(TimeOfDay::from(t).as_str(), "18:04:31.5");
        assert_eq!(civil::Time::try_from(&TimeOfDay::from(t)).unwrap(), t);

        let d = SignedDuration::new(-90, -500_000_000);
        let text = Duration::from(d);
        assert_eq!(text.as_str(), "-PT1M30.5S");
        assert_eq!(SignedDuration::try_from(&text).unwrap(), d);
        assert!(SignedDuration::try_from(&Duration::new("P1M").unwrap()).is_err());

        let span = Span::new().weeks(1).hours(2).milliseconds(1500);
        let text = Duration::try_from(span).unwrap();
        assert_eq!(text.as_str(), "P7DT2H1.5S");
        let back = Span::try_from(&text).unwrap();
        assert_eq!(
            (
                back.get_days(),
                back.get_hours(),
                back.get_seconds(),
                back.get_nanoseconds()
            ),
            (7, 2, 1, 500_000_000)
        );
        assert!(Duration::try_from(Span::new().months(1)).is_err());
        let with_years = Span::try_from(&Duration::new("-P1Y2M").unwrap()).unwrap();
        assert_eq!((with_years.get_years(), with_years.get_months()), (-1, -2));
        assert!(Span::try_from(&Duration::new("P99999999Y").unwrap()).is_err());
    }
}
