//! The lexical forms of the Edm date, time and duration types: one parser
//! per form, giving the values, used both to check text and to convert it.

pub(super) struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Cursor {
            b: s.as_bytes(),
            i: 0,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_ci(&mut self, c: u8) -> bool {
        self.eat(c) || self.eat(c.to_ascii_lowercase())
    }
    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), &'static str> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(reason)
        }
    }
    /// Exactly `n` digits as a number.
    fn digits(&mut self, n: usize, reason: &'static str) -> Result<u32, &'static str> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => return Err(reason),
            }
        }
        Ok(v)
    }
    /// One or more digits; returns how many.
    pub(super) fn digit_run(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }
    /// A run of digits as a number (`None` when it does not fit a `u64`),
    /// and how many digits there were.
    fn number(&mut self) -> (usize, Option<u64>) {
        let start = self.i;
        let n = self.digit_run();
        let value = std::str::from_utf8(&self.b[start..self.i])
            .ok()
            .and_then(|s| s.parse().ok());
        (n, value)
    }
    /// A run of fraction digits as nanoseconds (digits past the ninth are
    /// dropped), and how many digits there were.
    fn fraction(&mut self) -> (usize, u32) {
        let start = self.i;
        let n = self.digit_run();
        let mut nanos = 0u32;
        for k in 0..9 {
            let d = self
                .b
                .get(start + k)
                .filter(|_| k < n)
                .map_or(0, |c| c - b'0');
            nanos = nanos * 10 + u32::from(d);
        }
        (n, nanos)
    }
    pub(super) fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

pub(super) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// A calendar date as written (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DateParts {
    /// `None` when the year does not fit an `i64` (still lexically valid).
    pub year: Option<i64>,
    pub month: u32,
    pub day: u32,
}

/// A time of day as written; `nanos` holds the first nine fraction digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimeParts {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
}

/// A date-time as written; `offset_minutes` is `None` without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DateTimeParts {
    pub date: DateParts,
    pub time: TimeParts,
    pub offset_minutes: Option<i32>,
}

/// A duration as written (absent components are zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct DurationParts {
    pub negative: bool,
    pub years: u64,
    pub months: u64,
    pub weeks: u64,
    pub days: u64,
    pub hours: u64,
    pub minutes: u64,
    pub seconds: u64,
    /// The first nine fraction digits of the seconds.
    pub nanos: u32,
    /// Whether a component did not fit a `u64` (it is then `u64::MAX`).
    pub overflow: bool,
}

fn date_part(c: &mut Cursor<'_>) -> Result<DateParts, &'static str> {
    let negative = c.eat(b'-');
    let start = c.i;
    let n = c.digit_run();
    if n < 4 {
        return Err("the year needs at least four digits");
    }
    if n > 4 && c.b[start] == b'0' {
        return Err("a year of more than four digits cannot start with 0");
    }
    let year = std::str::from_utf8(&c.b[start..c.i])
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .map(|y| if negative { -y } else { y });
    c.expect(b'-', "expected '-' after the year")?;
    let month = c.digits(2, "the month needs two digits")?;
    if !(1..=12).contains(&month) {
        return Err("the month is out of range");
    }
    c.expect(b'-', "expected '-' after the month")?;
    let day = c.digits(2, "the day needs two digits")?;
    // Years too long for i64 are treated as non-leap.
    let max_day = match month {
        2 if year.is_some_and(is_leap) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > max_day {
        return Err("the day is out of range for the month");
    }
    Ok(DateParts { year, month, day })
}

fn time_part(c: &mut Cursor<'_>) -> Result<TimeParts, &'static str> {
    let hour = c.digits(2, "the hour needs two digits")?;
    if hour > 23 {
        return Err("the hour is out of range");
    }
    c.expect(b':', "expected ':' after the hour")?;
    let minute = c.digits(2, "the minute needs two digits")?;
    if minute > 59 {
        return Err("the minute is out of range");
    }
    let (mut second, mut nanos) = (0, 0);
    if c.eat(b':') {
        second = c.digits(2, "the second needs two digits")?;
        if second > 59 {
            return Err("the second is out of range");
        }
        if c.eat(b'.') {
            let (n, ns) = c.fraction();
            if n == 0 {
                return Err("expected digits after '.'");
            }
            if n > 12 {
                return Err("more than 12 fractional digits");
            }
            nanos = ns;
        }
    }
    Ok(TimeParts {
        hour,
        minute,
        second,
        nanos,
    })
}

/// `Edm.DateTimeOffset`; with `offset_optional`, also the offsetless form
/// the service sometimes writes (read as UTC by the conversions).
pub(super) fn date_time(s: &str, offset_optional: bool) -> Result<DateTimeParts, &'static str> {
    let mut c = Cursor::new(s);
    let date = date_part(&mut c)?;
    if !c.eat_ci(b'T') {
        return Err("expected 'T' between the date and the time");
    }
    let time = time_part(&mut c)?;
    let offset_minutes = if c.eat_ci(b'Z') {
        Some(0)
    } else if let Some(sign @ (b'+' | b'-')) = c.peek() {
        c.i += 1;
        let h = c.digits(2, "the offset hour needs two digits")?;
        c.expect(b':', "expected ':' in the offset")?;
        let m = c.digits(2, "the offset minute needs two digits")?;
        if h > 23 || m > 59 {
            return Err("the offset is out of range");
        }
        let minutes = (h * 60 + m) as i32;
        Some(if sign == b'-' { -minutes } else { minutes })
    } else if c.done() {
        if !offset_optional {
            return Err("missing time-zone offset ('Z' or ±hh:mm)");
        }
        None
    } else {
        return Err("unexpected character after the time");
    };
    if c.done() {
        Ok(DateTimeParts {
            date,
            time,
            offset_minutes,
        })
    } else {
        Err("unexpected text after the offset")
    }
}

pub(super) fn date(s: &str) -> Result<DateParts, &'static str> {
    let mut c = Cursor::new(s);
    let date = date_part(&mut c)?;
    if c.done() {
        Ok(date)
    } else {
        Err("unexpected text after the date")
    }
}

pub(super) fn time_of_day(s: &str) -> Result<TimeParts, &'static str> {
    let mut c = Cursor::new(s);
    let time = time_part(&mut c)?;
    if c.done() {
        Ok(time)
    } else {
        Err("unexpected text after the time")
    }
}

/// The XML Schema duration: `[-]P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]`.
pub(super) fn duration(s: &str) -> Result<DurationParts, &'static str> {
    let mut c = Cursor::new(s);
    let mut out = DurationParts {
        negative: c.eat(b'-'),
        ..DurationParts::default()
    };
    if !out.negative {
        c.eat(b'+');
    }
    if !c.eat(b'P') {
        return Err("a duration starts with 'P'");
    }
    let mut any = false;
    // Date components, in order.
    let mut order = [b'Y', b'M', b'W', b'D'].iter();
    loop {
        let save = c.i;
        let (n, value) = c.number();
        if n == 0 {
            c.i = save;
            break;
        }
        let Some(unit) = c.peek() else {
            return Err("a number needs a unit designator");
        };
        if unit == b'.' || unit == b'T' {
            return Err("only seconds may have a fraction");
        }
        if !order.by_ref().any(|u| *u == unit) {
            return Err("unexpected or out-of-order designator in the date part");
        }
        *match unit {
            b'Y' => &mut out.years,
            b'M' => &mut out.months,
            b'W' => &mut out.weeks,
            _ => &mut out.days,
        } = value.unwrap_or(u64::MAX);
        out.overflow |= value.is_none();
        c.i += 1;
        any = true;
    }
    if c.eat(b'T') {
        let mut any_time = false;
        let mut order = [b'H', b'M', b'S'].iter();
        while !c.done() {
            let (n, value) = c.number();
            if n == 0 {
                return Err("expected a number");
            }
            if c.eat(b'.') {
                let (n, nanos) = c.fraction();
                if n == 0 {
                    return Err("expected digits after '.'");
                }
                if !c.eat(b'S') {
                    return Err("only seconds may have a fraction");
                }
                if !order.by_ref().any(|u| *u == b'S') {
                    return Err("out-of-order designator in the time part");
                }
                out.seconds = value.unwrap_or(u64::MAX);
                out.overflow |= value.is_none();
                out.nanos = nanos;
                any_time = true;
                continue;
            }
            let Some(unit) = c.peek() else {
                return Err("a number needs a unit designator");
            };
            if !order.by_ref().any(|u| *u == unit) {
                return Err("unexpected or out-of-order designator in the time part");
            }
            *match unit {
                b'H' => &mut out.hours,
                b'M' => &mut out.minutes,
                _ => &mut out.seconds,
            } = value.unwrap_or(u64::MAX);
            out.overflow |= value.is_none();
            c.i += 1;
            any_time = true;
        }
        if !any_time {
            return Err("'T' must be followed by at least one time component");
        }
        any = true;
    }
    if !c.done() {
        return Err("unexpected text in the duration");
    }
    if !any {
        return Err("a duration needs at least one component");
    }
    Ok(out)
}

pub(super) fn check_date_time_offset(s: &str) -> Result<(), &'static str> {
    date_time(s, false).map(drop)
}

pub(super) fn check_date(s: &str) -> Result<(), &'static str> {
    date(s).map(drop)
}

pub(super) fn check_time_of_day(s: &str) -> Result<(), &'static str> {
    time_of_day(s).map(drop)
}

pub(super) fn check_duration(s: &str) -> Result<(), &'static str> {
    duration(s).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let p = date_time("2021-04-06T18:04:31.0330000-07:30", false).unwrap();
        assert_eq!((p.date.year, p.date.month, p.date.day), (Some(2021), 4, 6));
        assert_eq!(
            p.time,
            TimeParts {
                hour: 18,
                minute: 4,
                second: 31,
                nanos: 33_000_000
            }
        );
        assert_eq!(p.offset_minutes, Some(-450));
        assert_eq!(
            date_time("2025-02-13T10:17", true).unwrap().offset_minutes,
            None
        );
        assert!(date_time("2025-02-13T10:17", false).is_err());
        assert_eq!(date("-0044-03-15").unwrap().year, Some(-44));
        assert_eq!(
            date("99999999999999999999-01-01").unwrap().year,
            None,
            "valid, too long for i64"
        );
        assert_eq!(
            time_of_day("00:00:00.123456789012").unwrap().nanos,
            123_456_789
        );
        let d = duration("-P1Y2M3W4DT5H6M7.25S").unwrap();
        assert!(d.negative);
        assert_eq!(
            [d.years, d.months, d.weeks, d.days, d.hours, d.minutes, d.seconds],
            [1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(d.nanos, 250_000_000);
        assert!(!d.overflow);
        assert!(duration("PT99999999999999999999S").unwrap().overflow);
    }
}
