//! XML Schema date, time and binary values as the partnerAPI writes them.
//!
//! [`DateTime`], [`Date`] and [`Time`] keep the text they were parsed from: the
//! fraction-of-second digits as written, `Z` apart from `+00:00`, and a missing offset
//! apart from every offset. Printing a parsed value therefore gives back its input text.
//!
//! The service writes most dateTime values without an offset and means Central Standard
//! Time, UTC-06:00 all year ([`SERVICE_OFFSET`]). Methods that work on instants take the
//! offset to assume for such values as an argument.
//!
//! Years follow XML Schema 1.1 and the proleptic Gregorian calendar: `0000` is 1 BCE,
//! `-0001` is 2 BCE, and every year that fits in an `i32` is accepted.

use std::cmp::Ordering;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

const DATE_TIME: &str = "xsd:dateTime";
const DATE: &str = "xsd:date";
const TIME: &str = "xsd:time";
const BASE64: &str = "xsd:base64Binary";

/// Maximum number of characters of the offending text that a [`ValueError`] keeps.
const MAX_ERROR_VALUE_CHARS: usize = 100;
/// Maximum number of characters of trailing text quoted in a parse error reason.
const MAX_TRAILING_TEXT_CHARS: usize = 20;
/// Largest offset from UTC that XML Schema allows, in minutes (14:00).
const MAX_OFFSET_MINUTES: i16 = 14 * 60;
const SECONDS_PER_DAY: i64 = 86_400;
/// Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar.
const UNIX_EPOCH_DAYS: i64 = 719_528;
const YEAR_RANGE_REASON: &str = "year must be -2147483648 to 2147483647";

/// Offset that the service means by a dateTime written without one: Central Standard
/// Time, UTC-06:00 all year with no daylight saving time.
pub const SERVICE_OFFSET: Offset = Offset::Minutes(-360);

/// Error for text that is not a valid value of an XML Schema type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    expected: &'static str,
    value: String,
    reason: String,
}

impl ValueError {
    /// Creates an error for `value`, which is not a valid `expected` value because of
    /// `reason`.
    ///
    /// `expected` names the schema type, such as `"xsd:int"`. A `value` of more than 100
    /// characters is cut to its first 100 characters followed by `…`.
    pub fn new(expected: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            expected,
            value: truncate(value, MAX_ERROR_VALUE_CHARS),
            reason: reason.into(),
        }
    }

    /// Returns the schema type that the value failed to match, such as `"xsd:dateTime"`.
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// Returns the offending text, cut to 100 characters followed by `…` when longer.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Returns why the value is invalid, such as `"month must be 01 to 12"`.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ValueError {
    /// Writes `invalid <type> value "<value>": <reason>`, with the value quoted and
    /// escaped like a Rust string literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} value {:?}: {}",
            self.expected, self.value, self.reason
        )
    }
}

impl std::error::Error for ValueError {}

/// Returns `text` cut to `max_chars` characters, with `…` appended when it was longer.
fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Time zone offset of a date or time value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Offset {
    /// No offset written. The service means [`SERVICE_OFFSET`] by it.
    Unspecified,
    /// UTC, written as `Z`.
    Utc,
    /// Offset east of UTC in minutes, written as `+hh:mm` or `-hh:mm`. For example `-360`
    /// is `-06:00` and `0` is `+00:00`.
    Minutes(i16),
}

impl Offset {
    /// Returns the offset east of UTC in minutes, or `None` when it is unspecified.
    pub fn minutes_east(self) -> Option<i16> {
        match self {
            Offset::Unspecified => None,
            Offset::Utc => Some(0),
            Offset::Minutes(minutes) => Some(minutes),
        }
    }
}

impl fmt::Display for Offset {
    /// Writes the offset as XML Schema text: nothing, `Z` or `+hh:mm`/`-hh:mm`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Zone::from(*self), f)
    }
}

/// Offset as written in the text.
///
/// XML Schema allows `-00:00`, which [`Offset`] cannot tell apart from `+00:00`, so the
/// sign is kept here to print the value back unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Zone {
    offset: Offset,
    negative_zero: bool,
}

impl Zone {
    const UNSPECIFIED: Zone = Zone {
        offset: Offset::Unspecified,
        negative_zero: false,
    };
}

impl From<Offset> for Zone {
    fn from(offset: Offset) -> Self {
        Zone {
            offset,
            negative_zero: false,
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Offset::Unspecified => Ok(()),
            Offset::Utc => f.write_str("Z"),
            Offset::Minutes(minutes) => {
                let sign = if minutes < 0 || self.negative_zero {
                    '-'
                } else {
                    '+'
                };
                let magnitude = minutes.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", magnitude / 60, magnitude % 60)
            }
        }
    }
}

/// Calendar date fields shared by [`DateTime`] and [`Date`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct YearMonthDay {
    year: i32,
    month: u8,
    day: u8,
}

impl YearMonthDay {
    fn check(&self) -> Result<(), String> {
        check_range("month", self.month, 1..=12)?;
        check_day(self.year, self.month, self.day)
    }
}

impl fmt::Display for YearMonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}-{:02}",
            year_text(self.year),
            self.month,
            self.day
        )
    }
}

/// Time-of-day fields shared by [`DateTime`] and [`Time`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Clock {
    hour: u8,
    minute: u8,
    second: u8,
    /// Fraction-of-second digits as written, without the `.`, or empty when there are none.
    fraction: String,
}

impl Clock {
    fn check(&self) -> Result<(), String> {
        check_range("hour", self.hour, 0..=24)?;
        check_range("minute", self.minute, 0..=59)?;
        check_range("second", self.second, 0..=59)?;
        if !self.fraction.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err("fraction must contain only digits 0 to 9".to_owned());
        }
        let is_midnight = self.minute == 0 && self.second == 0 && self.fraction.is_empty();
        if self.hour == 24 && !is_midnight {
            return Err("hour 24 is allowed only in 24:00:00 with no fraction".to_owned());
        }
        Ok(())
    }

    /// Returns the seconds since the start of the day, counting 24:00:00 as 86 400.
    fn seconds_of_day(&self) -> i64 {
        i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)?;
        if !self.fraction.is_empty() {
            write!(f, ".{}", self.fraction)?;
        }
        Ok(())
    }
}

fn check_range(field: &str, value: u8, range: RangeInclusive<u8>) -> Result<(), String> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(format!(
        "{field} must be {:02} to {:02}",
        range.start(),
        range.end()
    ))
}

fn check_day(year: i32, month: u8, day: u8) -> Result<(), String> {
    let last_day = days_in_month(year, month);
    if (1..=last_day).contains(&day) {
        return Ok(());
    }
    let year = year_text(year);
    Err(format!(
        "day must be 01 to {last_day:02} in {year}-{month:02}"
    ))
}

/// Returns the year as XML Schema writes it: at least 4 digits, with `-` when negative.
fn year_text(year: i32) -> String {
    if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    }
}

fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Returns the number of days in `month`, or 31 for a month outside 1 to 12.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Returns `numerator / denominator` rounded up, for a positive denominator.
fn div_ceil(numerator: i64, denominator: i64) -> i64 {
    -(-numerator).div_euclid(denominator)
}

/// Returns the number of days from 0000-01-01 to January 1 of `year`, negative for
/// years before 0.
fn days_before_year(year: i64) -> i64 {
    // The leap years in [0, year) are the multiples of 4, less those of 100, plus those
    // of 400. Rounding up counts year 0 among them and also works for negative years.
    let leap_years = div_ceil(year, 4) - div_ceil(year, 100) + div_ceil(year, 400);
    365 * year + leap_years
}

/// Returns the number of days from 0000-01-01 to `date`.
fn days_from_civil(date: YearMonthDay) -> i64 {
    let days_before_month: i64 = (1..date.month)
        .map(|month| i64::from(days_in_month(date.year, month)))
        .sum();
    days_before_year(i64::from(date.year)) + days_before_month + i64::from(date.day) - 1
}

/// Returns the date that lies `days` days after 0000-01-01.
///
/// The caller keeps the result within `i32` years, because a year outside saturates.
fn civil_from_days(days: i64) -> YearMonthDay {
    // A 400-year Gregorian cycle has 146 097 days, so this estimate lands near the
    // right year, and the loops move it there.
    let mut year = (days * 400).div_euclid(146_097);
    while days_before_year(year) > days {
        year -= 1;
    }
    while days_before_year(year + 1) <= days {
        year += 1;
    }
    let mut day_of_year = days - days_before_year(year);
    let year = i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX });

    let mut month = 1;
    while month < 12 && day_of_year >= i64::from(days_in_month(year, month)) {
        day_of_year -= i64::from(days_in_month(year, month));
        month += 1;
    }
    // The loop leaves day_of_year below the length of the month, so it fits in a u8.
    let day = (day_of_year + 1) as u8;
    YearMonthDay { year, month, day }
}

/// Returns the seconds from 1970-01-01T00:00:00 to the wall-clock time, ignoring offsets.
fn local_seconds(date: YearMonthDay, clock: &Clock) -> i64 {
    (days_from_civil(date) - UNIX_EPOCH_DAYS) * SECONDS_PER_DAY + clock.seconds_of_day()
}

/// Returns the first and last wall-clock second, as from [`local_seconds`], that a
/// [`DateTime`] can hold: years `i32::MIN` to `i32::MAX`.
fn local_seconds_range() -> RangeInclusive<i64> {
    let first_day = YearMonthDay {
        year: i32::MIN,
        month: 1,
        day: 1,
    };
    let last_day = YearMonthDay {
        year: i32::MAX,
        month: 12,
        day: 31,
    };
    let start = (days_from_civil(first_day) - UNIX_EPOCH_DAYS) * SECONDS_PER_DAY;
    let end = (days_from_civil(last_day) - UNIX_EPOCH_DAYS + 1) * SECONDS_PER_DAY - 1;
    start..=end
}

/// Compares fraction-of-second digit strings by the numbers they write.
fn cmp_fractions(left: &str, right: &str) -> Ordering {
    // Trailing zeros do not change the value. Without them, digit strings compare like
    // the fractions they write, because a proper prefix is the smaller fraction.
    left.trim_end_matches('0').cmp(right.trim_end_matches('0'))
}

/// Reader over the text of a date or time value.
///
/// It consumes only ASCII bytes, so `position` always falls on a character boundary.
struct Cursor<'a> {
    text: &'a str,
    position: usize,
    expected: &'static str,
}

impl<'a> Cursor<'a> {
    fn start(text: &'a str, expected: &'static str) -> Result<Self, ValueError> {
        if text.is_empty() {
            return Err(ValueError::new(expected, text, "value is empty"));
        }
        Ok(Cursor {
            text,
            position: 0,
            expected,
        })
    }

    fn error(&self, reason: impl Into<String>) -> ValueError {
        ValueError::new(self.expected, self.text, reason)
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or_default()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.rest().as_bytes().first() == Some(&byte);
        if found {
            self.position += 1;
        }
        found
    }

    fn expect_byte(&mut self, byte: u8, place: &str) -> Result<(), ValueError> {
        if self.eat(byte) {
            return Ok(());
        }
        let found = match self.rest().chars().next() {
            Some(character) => format!("\"{}\"", character.escape_debug()),
            None => "end of text".to_owned(),
        };
        let expected = char::from(byte);
        Err(self.error(format!("expected \"{expected}\" {place}, found {found}")))
    }

    fn digits(&mut self) -> &'a str {
        let rest = self.rest();
        let length = rest.bytes().take_while(u8::is_ascii_digit).count();
        self.position += length;
        &rest[..length]
    }

    /// Reads a field of exactly 2 digits and checks that it lies in `range`.
    fn two_digits(&mut self, field: &str, range: RangeInclusive<u8>) -> Result<u8, ValueError> {
        let [tens, ones] = *self.digits().as_bytes() else {
            return Err(self.error(format!("{field} must have 2 digits")));
        };
        let value = (tens - b'0') * 10 + (ones - b'0');
        check_range(field, value, range).map_err(|reason| self.error(reason))?;
        Ok(value)
    }

    fn finish(&self) -> Result<(), ValueError> {
        let rest = self.rest();
        if rest.is_empty() {
            return Ok(());
        }
        let quoted = truncate(rest, MAX_TRAILING_TEXT_CHARS);
        Err(self.error(format!(
            "unexpected trailing text \"{}\"",
            quoted.escape_debug()
        )))
    }

    fn year(&mut self) -> Result<i32, ValueError> {
        let negative = self.eat(b'-');
        let digits = self.digits();
        if digits.len() < 4 {
            return Err(self.error("year must have at least 4 digits"));
        }
        if digits.len() > 4 && digits.starts_with('0') {
            return Err(self.error("year must not start with 0 when it has more than 4 digits"));
        }
        if negative && digits == "0000" {
            return Err(self.error("year -0000 is not allowed, write 0000"));
        }
        let magnitude: i64 = digits.parse().map_err(|_| self.error(YEAR_RANGE_REASON))?;
        let year = if negative { -magnitude } else { magnitude };
        i32::try_from(year).map_err(|_| self.error(YEAR_RANGE_REASON))
    }

    fn date(&mut self) -> Result<YearMonthDay, ValueError> {
        let year = self.year()?;
        self.expect_byte(b'-', "after the year")?;
        let month = self.two_digits("month", 1..=12)?;
        self.expect_byte(b'-', "after the month")?;
        let day = self.two_digits("day", 1..=31)?;
        let date = YearMonthDay { year, month, day };
        date.check().map_err(|reason| self.error(reason))?;
        Ok(date)
    }

    fn clock(&mut self) -> Result<Clock, ValueError> {
        let hour = self.two_digits("hour", 0..=24)?;
        self.expect_byte(b':', "after the hour")?;
        let minute = self.two_digits("minute", 0..=59)?;
        self.expect_byte(b':', "after the minute")?;
        let second = self.two_digits("second", 0..=59)?;
        let mut fraction = String::new();
        if self.eat(b'.') {
            fraction = self.digits().to_owned();
            if fraction.is_empty() {
                return Err(self.error("fraction must have at least 1 digit after \".\""));
            }
        }
        let clock = Clock {
            hour,
            minute,
            second,
            fraction,
        };
        clock.check().map_err(|reason| self.error(reason))?;
        Ok(clock)
    }

    fn zone(&mut self) -> Result<Zone, ValueError> {
        if self.eat(b'Z') {
            return Ok(Zone::from(Offset::Utc));
        }
        let negative = if self.eat(b'-') {
            true
        } else if self.eat(b'+') {
            false
        } else {
            return Ok(Zone::UNSPECIFIED);
        };
        let hours = self.two_digits("offset hours", 0..=99)?;
        self.expect_byte(b':', "between offset hours and minutes")?;
        let minutes = self.two_digits("offset minutes", 0..=59)?;
        let total = i16::from(hours) * 60 + i16::from(minutes);
        if total > MAX_OFFSET_MINUTES {
            return Err(self.error("offset must be -14:00 to +14:00"));
        }
        Ok(Zone {
            offset: Offset::Minutes(if negative { -total } else { total }),
            negative_zero: negative && total == 0,
        })
    }
}

/// Value of type xsd:dateTime, such as `2014-03-26T10:02:01.987` or
/// `2019-11-07T11:26:19.142-06:00`.
///
/// Equality and hashing compare the written form, so `10:00:00Z` differs from
/// `10:00:00+00:00` and `.5` from `.50`. [`DateTime::cmp_instant`] compares instants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    date: YearMonthDay,
    clock: Clock,
    zone: Zone,
}

impl DateTime {
    /// Creates a dateTime with no fraction and no offset.
    ///
    /// # Errors
    ///
    /// Returns a [`ValueError`] when the month is not 1 to 12, the day does not exist in
    /// that month, the hour is above 24, the minute or second is above 59, or hour 24
    /// comes with non-zero minutes or seconds.
    pub fn new(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, ValueError> {
        let value = DateTime {
            date: YearMonthDay { year, month, day },
            clock: Clock {
                hour,
                minute,
                second,
                fraction: String::new(),
            },
            zone: Zone::UNSPECIFIED,
        };
        value.check()?;
        Ok(value)
    }

    fn check(&self) -> Result<(), ValueError> {
        self.date
            .check()
            .and_then(|()| self.clock.check())
            .map_err(|reason| ValueError::new(DATE_TIME, &self.to_string(), reason))
    }

    /// Replaces the fraction-of-second digits, keeping them exactly as given, trailing
    /// zeros included. An empty `digits` removes the fraction.
    ///
    /// # Errors
    ///
    /// Returns a [`ValueError`] when `digits` contains anything but ASCII digits, or when
    /// the time is 24:00:00, which allows no fraction.
    pub fn with_fraction(mut self, digits: &str) -> Result<Self, ValueError> {
        digits.clone_into(&mut self.clock.fraction);
        self.check()?;
        Ok(self)
    }

    /// Replaces the offset and keeps the wall-clock fields.
    ///
    /// NOTE: the offset is not range-checked, so `Offset::Minutes` beyond ±840 prints
    /// text that `FromStr` rejects.
    #[must_use]
    pub fn with_offset(mut self, offset: Offset) -> Self {
        self.zone = Zone::from(offset);
        self
    }

    /// Returns the year, where 0 is 1 BCE and -1 is 2 BCE.
    pub fn year(&self) -> i32 {
        self.date.year
    }

    /// Returns the month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.date.month
    }

    /// Returns the day of the month, starting at 1.
    pub fn day(&self) -> u8 {
        self.date.day
    }

    /// Returns the hour, 0 to 24, where 24 appears only in 24:00:00.
    pub fn hour(&self) -> u8 {
        self.clock.hour
    }

    /// Returns the minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.clock.minute
    }

    /// Returns the whole second, 0 to 59.
    pub fn second(&self) -> u8 {
        self.clock.second
    }

    /// Returns the fraction-of-second digits as written, without the `.`, or an empty
    /// string when there are none.
    pub fn fraction(&self) -> &str {
        &self.clock.fraction
    }

    /// Returns the offset, `Offset::Minutes(0)` for both `+00:00` and `-00:00`.
    pub fn offset(&self) -> Offset {
        self.zone.offset
    }

    /// Returns a copy with `if_unspecified` as its offset when it has none, and an
    /// unchanged copy otherwise. The wall-clock fields stay the same.
    #[must_use]
    pub fn assume_offset(&self, if_unspecified: Offset) -> DateTime {
        let mut value = self.clone();
        if value.zone.offset == Offset::Unspecified {
            value.zone = Zone::from(if_unspecified);
        }
        value
    }

    /// Converts the instant to the wall-clock time at `target_minutes` east of UTC,
    /// keeping the fraction digits.
    ///
    /// A value without an offset is read at `if_unspecified`, and as UTC when that is
    /// unspecified too. The result writes its offset as `+hh:mm`, never `Z`, and shows
    /// 24:00:00 as 00:00:00 of the next day.
    ///
    /// NOTE: `target_minutes` is not range-checked (see [`DateTime::with_offset`]), and
    /// results beyond the `i32` years saturate at the first or last second they hold.
    #[must_use]
    pub fn to_offset(&self, target_minutes: i16, if_unspecified: Offset) -> DateTime {
        let instant = self.unix_seconds(if_unspecified);
        let mut converted = DateTime::from_unix_seconds(instant, Offset::Minutes(target_minutes));
        converted.clock.fraction.clone_from(&self.clock.fraction);
        converted
    }

    /// Returns the seconds since 1970-01-01T00:00:00Z, dropping the fraction.
    ///
    /// A value without an offset is read at `if_unspecified`, and as UTC when that is
    /// unspecified too.
    pub fn unix_seconds(&self, if_unspecified: Offset) -> i64 {
        let offset_minutes = self
            .zone
            .offset
            .minutes_east()
            .or(if_unspecified.minutes_east())
            .unwrap_or(0);
        local_seconds(self.date, &self.clock) - i64::from(offset_minutes) * 60
    }

    /// Compares the instants of two values, first by whole seconds and then by the
    /// fraction digits as numbers, so `.5` equals `.50`.
    ///
    /// A value without an offset is read at `if_unspecified`, and as UTC when that is
    /// unspecified too.
    pub fn cmp_instant(&self, other: &DateTime, if_unspecified: Offset) -> Ordering {
        let seconds = self.unix_seconds(if_unspecified);
        let other_seconds = other.unix_seconds(if_unspecified);
        seconds
            .cmp(&other_seconds)
            .then_with(|| cmp_fractions(&self.clock.fraction, &other.clock.fraction))
    }

    /// Returns the wall-clock time at `offset` of `secs` seconds after
    /// 1970-01-01T00:00:00Z, with no fraction.
    ///
    /// With `Offset::Unspecified` the fields are those of UTC, written without an offset.
    ///
    /// NOTE: times beyond the `i32` years saturate at the first or last second they hold.
    pub fn from_unix_seconds(secs: i64, offset: Offset) -> DateTime {
        let shift = i64::from(offset.minutes_east().unwrap_or(0)) * 60;
        let range = local_seconds_range();
        let local = secs
            .saturating_add(shift)
            .clamp(*range.start(), *range.end());

        let date = civil_from_days(local.div_euclid(SECONDS_PER_DAY) + UNIX_EPOCH_DAYS);
        let second_of_day = local.rem_euclid(SECONDS_PER_DAY);
        // The casts cannot truncate: the hour is below 24, minute and second below 60.
        let clock = Clock {
            hour: (second_of_day / 3600) as u8,
            minute: (second_of_day / 60 % 60) as u8,
            second: (second_of_day % 60) as u8,
            fraction: String::new(),
        };
        DateTime {
            date,
            clock,
            zone: Zone::from(offset),
        }
    }
}

impl FromStr for DateTime {
    type Err = ValueError;

    /// Parses `-?YYYY-MM-DDThh:mm:ss(.f+)?(Z|+hh:mm|-hh:mm)?` with no surrounding
    /// whitespace.
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let mut cursor = Cursor::start(text, DATE_TIME)?;
        let date = cursor.date()?;
        cursor.expect_byte(b'T', "between the date and the time")?;
        let clock = cursor.clock()?;
        let zone = cursor.zone()?;
        cursor.finish()?;
        Ok(DateTime { date, clock, zone })
    }
}

impl fmt::Display for DateTime {
    /// Writes the value in the form it was parsed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}{}", self.date, self.clock, self.zone)
    }
}

/// Value of type xsd:time, such as `10:02:01.987` or `23:59:59-06:00`.
///
/// Equality and hashing compare the written form, like [`DateTime`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    clock: Clock,
    zone: Zone,
}

impl Time {
    /// Creates a time with no fraction and no offset.
    ///
    /// # Errors
    ///
    /// Returns a [`ValueError`] when the hour is above 24, the minute or second is above
    /// 59, or hour 24 comes with non-zero minutes or seconds.
    pub fn new(hour: u8, minute: u8, second: u8) -> Result<Self, ValueError> {
        let value = Time {
            clock: Clock {
                hour,
                minute,
                second,
                fraction: String::new(),
            },
            zone: Zone::UNSPECIFIED,
        };
        value.check()?;
        Ok(value)
    }

    fn check(&self) -> Result<(), ValueError> {
        self.clock
            .check()
            .map_err(|reason| ValueError::new(TIME, &self.to_string(), reason))
    }

    /// Replaces the fraction-of-second digits, keeping them exactly as given, trailing
    /// zeros included. An empty `digits` removes the fraction.
    ///
    /// # Errors
    ///
    /// Returns a [`ValueError`] when `digits` contains anything but ASCII digits, or when
    /// the time is 24:00:00, which allows no fraction.
    pub fn with_fraction(mut self, digits: &str) -> Result<Self, ValueError> {
        digits.clone_into(&mut self.clock.fraction);
        self.check()?;
        Ok(self)
    }

    /// Replaces the offset.
    ///
    /// NOTE: the offset is not range-checked, so `Offset::Minutes` beyond ±840 prints
    /// text that `FromStr` rejects.
    #[must_use]
    pub fn with_offset(mut self, offset: Offset) -> Self {
        self.zone = Zone::from(offset);
        self
    }

    /// Returns the hour, 0 to 24, where 24 appears only in 24:00:00.
    pub fn hour(&self) -> u8 {
        self.clock.hour
    }

    /// Returns the minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.clock.minute
    }

    /// Returns the whole second, 0 to 59.
    pub fn second(&self) -> u8 {
        self.clock.second
    }

    /// Returns the fraction-of-second digits as written, without the `.`, or an empty
    /// string when there are none.
    pub fn fraction(&self) -> &str {
        &self.clock.fraction
    }

    /// Returns the offset, `Offset::Minutes(0)` for both `+00:00` and `-00:00`.
    pub fn offset(&self) -> Offset {
        self.zone.offset
    }
}

impl FromStr for Time {
    type Err = ValueError;

    /// Parses `hh:mm:ss(.f+)?(Z|+hh:mm|-hh:mm)?` with no surrounding whitespace.
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let mut cursor = Cursor::start(text, TIME)?;
        let clock = cursor.clock()?;
        let zone = cursor.zone()?;
        cursor.finish()?;
        Ok(Time { clock, zone })
    }
}

impl fmt::Display for Time {
    /// Writes the value in the form it was parsed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.clock, self.zone)
    }
}

/// Value of type xsd:date, such as `2024-02-29` or `2024-02-29-06:00`.
///
/// Equality and hashing compare the written form, like [`DateTime`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    date: YearMonthDay,
    zone: Zone,
}

impl Date {
    /// Creates a date with no offset.
    ///
    /// # Errors
    ///
    /// Returns a [`ValueError`] when the month is not 1 to 12 or the day does not exist
    /// in that month.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, ValueError> {
        let value = Date {
            date: YearMonthDay { year, month, day },
            zone: Zone::UNSPECIFIED,
        };
        value
            .date
            .check()
            .map_err(|reason| ValueError::new(DATE, &value.to_string(), reason))?;
        Ok(value)
    }

    /// Replaces the offset.
    ///
    /// NOTE: the offset is not range-checked, so `Offset::Minutes` beyond ±840 prints
    /// text that `FromStr` rejects.
    #[must_use]
    pub fn with_offset(mut self, offset: Offset) -> Self {
        self.zone = Zone::from(offset);
        self
    }

    /// Returns the year, where 0 is 1 BCE and -1 is 2 BCE.
    pub fn year(&self) -> i32 {
        self.date.year
    }

    /// Returns the month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.date.month
    }

    /// Returns the day of the month, starting at 1.
    pub fn day(&self) -> u8 {
        self.date.day
    }

    /// Returns the offset, `Offset::Minutes(0)` for both `+00:00` and `-00:00`.
    pub fn offset(&self) -> Offset {
        self.zone.offset
    }
}

impl FromStr for Date {
    type Err = ValueError;

    /// Parses `-?YYYY-MM-DD(Z|+hh:mm|-hh:mm)?` with no surrounding whitespace.
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let mut cursor = Cursor::start(text, DATE)?;
        let date = cursor.date()?;
        let zone = cursor.zone()?;
        cursor.finish()?;
        Ok(Date { date, zone })
    }
}

impl fmt::Display for Date {
    /// Writes the value in the form it was parsed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.date, self.zone)
    }
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes bytes as xsd:base64Binary text: the standard RFC 4648 alphabet with `=`
/// padding and no line breaks.
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte_at = |index: usize| u32::from(chunk.get(index).copied().unwrap_or(0));
        let bits = byte_at(0) << 16 | byte_at(1) << 8 | byte_at(2);
        // A chunk of n bytes fills n + 1 characters, and `=` pads the group to 4.
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (bits >> (18 - 6 * index)) & 0x3f;
                text.push(char::from(BASE64_ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Decodes xsd:base64Binary text with the standard RFC 4648 alphabet.
///
/// Space, tab, CR and LF may appear anywhere and are skipped. The text must be padded
/// with `=` to a multiple of 4 characters, and the unused bits of the last character
/// before the padding must be zero.
///
/// # Errors
///
/// Returns a [`ValueError`] for a character outside the alphabet, misplaced or missing
/// padding, text after the padding, or non-zero unused bits. The reason names the first
/// bad character and its position, counted in characters from 0.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, ValueError> {
    let mut decoder = Base64Decoder::with_capacity(text.len() / 4 * 3);
    for (position, character) in text.chars().enumerate() {
        if matches!(character, ' ' | '\t' | '\r' | '\n') {
            continue;
        }
        decoder
            .push(position, character)
            .map_err(|reason| ValueError::new(BASE64, text, reason))?;
    }
    decoder
        .finish()
        .map_err(|reason| ValueError::new(BASE64, text, reason))
}

/// Returns the 6-bit value of a base64 character, or `None` outside the alphabet.
fn sextet(character: char) -> Option<u8> {
    let value = match character {
        'A'..='Z' => character as u32 - 'A' as u32,
        'a'..='z' => character as u32 - 'a' as u32 + 26,
        '0'..='9' => character as u32 - '0' as u32 + 52,
        '+' => 62,
        '/' => 63,
        _ => return None,
    };
    u8::try_from(value).ok()
}

/// State of [`decode_base64`] between characters.
struct Base64Decoder {
    bytes: Vec<u8>,
    /// 6-bit values of the current 4-character group, 0 for padding.
    group: [u8; 4],
    /// Number of characters in `group`, always below 4 between calls.
    group_length: usize,
    /// Number of `=` read so far, at most 2.
    padding: usize,
    /// Position and character of the last non-padding character.
    last_data: (usize, char),
}

impl Base64Decoder {
    fn with_capacity(capacity: usize) -> Self {
        Base64Decoder {
            bytes: Vec::with_capacity(capacity),
            group: [0; 4],
            group_length: 0,
            padding: 0,
            last_data: (0, 'A'),
        }
    }

    fn push(&mut self, position: usize, character: char) -> Result<(), String> {
        let quoted = character.escape_debug();
        if character == '=' {
            if self.group_length < 2 {
                return Err(format!(
                    "padding \"=\" at position {position} cannot fill the first 2 characters of a group"
                ));
            }
            self.padding += 1;
            return self.push_sextet(0);
        }
        if self.padding > 0 {
            return Err(format!(
                "character \"{quoted}\" at position {position} follows the \"=\" padding"
            ));
        }
        let Some(value) = sextet(character) else {
            return Err(format!(
                "character \"{quoted}\" at position {position} is not in the base64 alphabet"
            ));
        };
        self.last_data = (position, character);
        self.push_sextet(value)
    }

    fn push_sextet(&mut self, value: u8) -> Result<(), String> {
        self.group[self.group_length] = value;
        self.group_length += 1;
        if self.group_length < 4 {
            return Ok(());
        }
        self.group_length = 0;

        let [first, second, third, fourth] = self.group.map(u32::from);
        let bits = first << 18 | second << 12 | third << 6 | fourth;
        let byte_count = 3 - self.padding;
        // Padding leaves the bits below the last byte unused. The xsd:base64Binary grammar
        // allows only zero bits there, so that each byte string has one encoding.
        let unused_bits = bits & ((1 << (24 - 8 * byte_count)) - 1);
        if unused_bits != 0 {
            let (position, character) = self.last_data;
            let quoted = character.escape_debug();
            return Err(format!(
                "character \"{quoted}\" at position {position} has non-zero bits after the last byte"
            ));
        }
        self.bytes
            .extend_from_slice(&bits.to_be_bytes()[1..=byte_count]);
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, String> {
        match self.group_length {
            0 => Ok(self.bytes),
            1 => Err("text ends after 1 character of a 4-character group".to_owned()),
            _ => Err("missing \"=\" padding at the end of the text".to_owned()),
        }
    }
}

/// The epoch the defaults below use: 1970-01-01, the Unix epoch.
const EPOCH: YearMonthDay = YearMonthDay {
    year: 1970,
    month: 1,
    day: 1,
};

fn midnight() -> Clock {
    Clock {
        hour: 0,
        minute: 0,
        second: 0,
        fraction: String::new(),
    }
}

/// `1970-01-01T00:00:00` with no offset, the value a required field has before it is set.
impl Default for DateTime {
    fn default() -> Self {
        DateTime {
            date: EPOCH,
            clock: midnight(),
            zone: Zone::UNSPECIFIED,
        }
    }
}

/// `00:00:00` with no offset.
impl Default for Time {
    fn default() -> Self {
        Time {
            clock: midnight(),
            zone: Zone::UNSPECIFIED,
        }
    }
}

/// `1970-01-01` with no offset.
impl Default for Date {
    fn default() -> Self {
        Date {
            date: EPOCH,
            zone: Zone::UNSPECIFIED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_time(text: &str) -> DateTime {
        text.parse()
            .unwrap_or_else(|error| panic!("{text:?} should parse: {error}"))
    }

    #[test]
    fn date_time_round_trips_exactly() {
        let inputs = [
            "2014-03-26T10:02:01.987",
            "2019-11-07T11:26:19.142-06:00",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00-00:00",
            "2024-01-01T10:00:00.500",
            "2024-01-01T10:00:00.0",
            "2024-01-01T10:00:00.000000000000000000000001",
            "2024-12-31T24:00:00",
            "2024-12-31T24:00:00Z",
            "2000-02-29T23:59:59-14:00",
            "2024-02-29T00:00:00+05:30",
            "2024-06-30T12:00:00+14:00",
            "-0044-03-15T12:00:00",
            "-12345-01-01T00:00:00Z",
            "0000-01-01T00:00:00",
            "12345-06-07T08:09:10+01:00",
            "-2147483648-01-01T00:00:00",
            "2147483647-12-31T23:59:59.999",
        ];
        for input in inputs {
            assert_eq!(date_time(input).to_string(), input);
        }
    }

    #[test]
    fn date_time_parse_fills_fields() {
        let value = date_time("2019-11-07T11:26:19.142-06:00");
        assert_eq!(value.year(), 2019);
        assert_eq!(value.month(), 11);
        assert_eq!(value.day(), 7);
        assert_eq!(value.hour(), 11);
        assert_eq!(value.minute(), 26);
        assert_eq!(value.second(), 19);
        assert_eq!(value.fraction(), "142");
        assert_eq!(value.offset(), Offset::Minutes(-360));
    }

    #[test]
    fn date_time_parse_offsets() {
        let cases = [
            ("2024-01-01T00:00:00", Offset::Unspecified),
            ("2024-01-01T00:00:00Z", Offset::Utc),
            ("2024-01-01T00:00:00+00:00", Offset::Minutes(0)),
            ("2024-01-01T00:00:00-00:00", Offset::Minutes(0)),
            ("2024-01-01T00:00:00+05:30", Offset::Minutes(330)),
            ("2024-01-01T00:00:00-14:00", Offset::Minutes(-840)),
        ];
        for (input, offset) in cases {
            assert_eq!(date_time(input).offset(), offset, "{input}");
        }
    }

    #[test]
    fn date_time_equality_is_lexical() {
        let utc = date_time("2024-01-01T00:00:00Z");
        assert_ne!(utc, date_time("2024-01-01T00:00:00+00:00"));
        assert_ne!(utc, date_time("2024-01-01T00:00:00"));
        assert_ne!(
            date_time("2024-01-01T00:00:00+00:00"),
            date_time("2024-01-01T00:00:00-00:00")
        );
        assert_ne!(
            date_time("2024-01-01T00:00:00.5"),
            date_time("2024-01-01T00:00:00.50")
        );
    }

    #[test]
    fn date_time_rejects_invalid_text() {
        let cases = [
            ("2024-02-30T00:00:00", "day must be 01 to 29 in 2024-02"),
            ("2023-02-29T00:00:00", "day must be 01 to 28 in 2023-02"),
            ("1900-02-29T00:00:00", "day must be 01 to 28 in 1900-02"),
            ("2024-04-31T00:00:00", "day must be 01 to 30 in 2024-04"),
            ("2024-01-00T00:00:00", "day must be 01 to 31"),
            ("2024-01-32T00:00:00", "day must be 01 to 31"),
            ("2024-13-01T00:00:00", "month must be 01 to 12"),
            ("2024-00-01T00:00:00", "month must be 01 to 12"),
            ("2024-1-01T00:00:00", "month must have 2 digits"),
            ("2024-01-001T00:00:00", "day must have 2 digits"),
            (
                "2024-01-01T24:00:01",
                "hour 24 is allowed only in 24:00:00 with no fraction",
            ),
            (
                "2024-01-01T24:00:00.0",
                "hour 24 is allowed only in 24:00:00 with no fraction",
            ),
            ("2024-01-01T25:00:00", "hour must be 00 to 24"),
            ("2024-01-01T10:60:00", "minute must be 00 to 59"),
            ("2024-01-01T10:00:60", "second must be 00 to 59"),
            (
                "2024-01-01T10:00:00+15:00",
                "offset must be -14:00 to +14:00",
            ),
            (
                "2024-01-01T10:00:00-14:01",
                "offset must be -14:00 to +14:00",
            ),
            (
                "2024-01-01T10:00:00+05:60",
                "offset minutes must be 00 to 59",
            ),
            (
                "2024-01-01T10:00:00+5:00",
                "offset hours must have 2 digits",
            ),
            (
                "2024-01-01T10:00:00+0500",
                "offset hours must have 2 digits",
            ),
            (
                "2024-01-01T10:00:00+05",
                "expected \":\" between offset hours and minutes, found end of text",
            ),
            (
                "2024-01-01 10:00:00",
                "expected \"T\" between the date and the time, found \" \"",
            ),
            (
                "2024-01-01",
                "expected \"T\" between the date and the time, found end of text",
            ),
            (
                "2024-01-01T10:00",
                "expected \":\" after the minute, found end of text",
            ),
            (
                "2024-01-01T10.00:00",
                "expected \":\" after the hour, found \".\"",
            ),
            (
                "2024/01/01T10:00:00",
                "expected \"-\" after the year, found \"/\"",
            ),
            (
                "111-111-2323123-21312321-213213",
                "year must have at least 4 digits",
            ),
            ("", "value is empty"),
            (" 2024-01-01T10:00:00", "year must have at least 4 digits"),
            (
                "２０２４-01-01T00:00:00",
                "year must have at least 4 digits",
            ),
            (
                "02024-01-01T10:00:00",
                "year must not start with 0 when it has more than 4 digits",
            ),
            (
                "-0000-01-01T00:00:00",
                "year -0000 is not allowed, write 0000",
            ),
            (
                "2147483648-01-01T00:00:00",
                "year must be -2147483648 to 2147483647",
            ),
            (
                "99999999999999999999-01-01T00:00:00",
                "year must be -2147483648 to 2147483647",
            ),
            (
                "2024-01-01T10:00:00.",
                "fraction must have at least 1 digit after \".\"",
            ),
            ("2024-01-01T10:00:00abc", "unexpected trailing text \"abc\""),
            ("2024-01-01T10:00:00Z ", "unexpected trailing text \" \""),
            ("2024-01-01T10:00:00z", "unexpected trailing text \"z\""),
            ("2024-01-01T10:00:00.5.5", "unexpected trailing text \".5\""),
            ("2024-01-01T10:00:00ZZ", "unexpected trailing text \"Z\""),
            ("2024-01-01T10:00:00Z\n", "unexpected trailing text \"\\n\""),
            (
                "2024-01-01T10:00:00+01:00 and a long tail of text",
                "unexpected trailing text \" and a long tail of …\"",
            ),
        ];
        for (input, reason) in cases {
            let error = input.parse::<DateTime>().expect_err(input);
            assert_eq!(error.reason(), reason, "{input}");
            assert_eq!(error.expected(), "xsd:dateTime", "{input}");
            assert_eq!(error.value(), input, "{input}");
        }
    }

    /// Returns every one-character replacement and every prefix of `text`.
    fn mutations(text: &str) -> Vec<String> {
        let replacements = [
            '0', '1', '9', '-', '+', ':', '.', 'T', 'Z', '=', 'A', ' ', 'é',
        ];
        let mut results: Vec<String> = (0..text.len()).map(|end| text[..end].to_owned()).collect();
        for (index, _) in text.char_indices() {
            for replacement in replacements {
                let mut mutated: Vec<char> = text.chars().collect();
                mutated[text[..index].chars().count()] = replacement;
                results.push(mutated.into_iter().collect());
            }
        }
        results
    }

    #[test]
    fn mutated_text_round_trips_or_fails() {
        for base in ["2019-11-07T11:26:19.142-06:00", "-12345-12-31T24:00:00Z"] {
            for text in mutations(base) {
                if let Ok(value) = text.parse::<DateTime>() {
                    assert_eq!(value.to_string(), text);
                }
            }
        }
        for text in mutations("24:00:00.5+14:00") {
            if let Ok(value) = text.parse::<Time>() {
                assert_eq!(value.to_string(), text);
            }
        }
        for text in mutations("-0001-02-28-00:00") {
            if let Ok(value) = text.parse::<Date>() {
                assert_eq!(value.to_string(), text);
            }
        }
        for text in mutations("Zm9vYg==") {
            if let Ok(bytes) = decode_base64(&text) {
                assert_eq!(encode_base64(&bytes), text.replace(' ', ""));
            }
        }
    }

    #[test]
    fn value_error_display_names_value() {
        let error = "111-111-2323123-21312321-213213"
            .parse::<DateTime>()
            .expect_err("three-digit year");
        assert_eq!(
            error.to_string(),
            "invalid xsd:dateTime value \"111-111-2323123-21312321-213213\": \
             year must have at least 4 digits"
        );

        let error = ValueError::new("xsd:int", "12\"a", "expected digits");
        assert_eq!(
            error.to_string(),
            "invalid xsd:int value \"12\\\"a\": expected digits"
        );
    }

    #[test]
    fn value_error_truncates_long_value() {
        let long = "é".repeat(150);
        let error = ValueError::new("xsd:string", &long, "too long");
        assert_eq!(error.value(), format!("{}…", "é".repeat(100)));

        let exact = "x".repeat(100);
        let error = ValueError::new("xsd:string", &exact, "too long");
        assert_eq!(error.value(), exact);
    }

    #[test]
    fn value_error_is_std_error() {
        let error: Box<dyn std::error::Error> = Box::new(ValueError::new(
            "xsd:boolean",
            "yes",
            "expected true or false",
        ));
        assert_eq!(
            error.to_string(),
            "invalid xsd:boolean value \"yes\": expected true or false"
        );
    }

    #[test]
    fn date_time_new_checks_fields() {
        let value = DateTime::new(2024, 2, 29, 12, 30, 5).expect("leap day");
        assert_eq!(value.to_string(), "2024-02-29T12:30:05");
        assert_eq!(value.offset(), Offset::Unspecified);

        let midnight = DateTime::new(2024, 1, 1, 24, 0, 0).expect("end of day");
        assert_eq!(midnight.to_string(), "2024-01-01T24:00:00");

        let error = DateTime::new(2023, 2, 29, 0, 0, 0).expect_err("no leap day");
        assert_eq!(error.reason(), "day must be 01 to 28 in 2023-02");
        assert_eq!(error.value(), "2023-02-29T00:00:00");

        let error = DateTime::new(2024, 13, 1, 0, 0, 0).expect_err("month 13");
        assert_eq!(error.reason(), "month must be 01 to 12");

        let error = DateTime::new(2024, 1, 1, 24, 0, 1).expect_err("after 24:00");
        assert_eq!(
            error.reason(),
            "hour 24 is allowed only in 24:00:00 with no fraction"
        );

        let error = DateTime::new(2024, 1, 1, 23, 0, 60).expect_err("second 60");
        assert_eq!(error.reason(), "second must be 00 to 59");
    }

    #[test]
    fn date_time_with_fraction_keeps_digits() {
        let base = DateTime::new(2014, 3, 26, 10, 2, 1).expect("valid");
        let value = base.clone().with_fraction("9870").expect("digits");
        assert_eq!(value.to_string(), "2014-03-26T10:02:01.9870");
        assert_eq!(value.fraction(), "9870");

        let cleared = value.with_fraction("").expect("empty");
        assert_eq!(cleared.to_string(), "2014-03-26T10:02:01");

        let error = base.with_fraction("9a").expect_err("letter");
        assert_eq!(error.reason(), "fraction must contain only digits 0 to 9");
        assert_eq!(error.value(), "2014-03-26T10:02:01.9a");

        let midnight = DateTime::new(2024, 1, 1, 24, 0, 0).expect("end of day");
        let error = midnight.with_fraction("0").expect_err("fraction at 24:00");
        assert_eq!(
            error.reason(),
            "hour 24 is allowed only in 24:00:00 with no fraction"
        );
    }

    #[test]
    fn date_time_with_offset_replaces_offset() {
        let base = date_time("2024-01-01T10:00:00-00:00");
        let cases = [
            (Offset::Unspecified, "2024-01-01T10:00:00"),
            (Offset::Utc, "2024-01-01T10:00:00Z"),
            (Offset::Minutes(0), "2024-01-01T10:00:00+00:00"),
            (Offset::Minutes(-360), "2024-01-01T10:00:00-06:00"),
            (Offset::Minutes(345), "2024-01-01T10:00:00+05:45"),
        ];
        for (offset, expected) in cases {
            assert_eq!(base.clone().with_offset(offset).to_string(), expected);
        }
    }

    #[test]
    fn date_time_assume_offset_fills_only_missing() {
        let service = date_time("2014-03-26T10:02:01.987");
        assert_eq!(
            service.assume_offset(SERVICE_OFFSET).to_string(),
            "2014-03-26T10:02:01.987-06:00"
        );
        let written = date_time("2014-03-26T10:02:01.987Z");
        assert_eq!(
            written.assume_offset(SERVICE_OFFSET).to_string(),
            "2014-03-26T10:02:01.987Z"
        );
    }

    #[test]
    fn to_offset_crosses_year_boundary() {
        let cases = [
            ("2024-01-01T02:00:00Z", -360, "2023-12-31T20:00:00-06:00"),
            (
                "2023-12-31T20:00:00.250-06:00",
                0,
                "2024-01-01T02:00:00.250+00:00",
            ),
            ("2023-12-31T23:30:00", 840, "2024-01-01T19:30:00+14:00"),
            ("-0001-12-31T23:00:00Z", 60, "0000-01-01T00:00:00+01:00"),
            ("0000-01-01T00:30:00Z", -60, "-0001-12-31T23:30:00-01:00"),
        ];
        for (input, target, expected) in cases {
            let converted = date_time(input).to_offset(target, SERVICE_OFFSET);
            assert_eq!(converted.to_string(), expected, "{input}");
        }
    }

    #[test]
    fn to_offset_handles_leap_days() {
        let cases = [
            ("2024-02-28T23:00:00-06:00", 0, "2024-02-29T05:00:00+00:00"),
            ("2024-03-01T03:00:00Z", -360, "2024-02-29T21:00:00-06:00"),
            ("2023-03-01T03:00:00Z", -360, "2023-02-28T21:00:00-06:00"),
            ("2000-03-01T03:00:00Z", -360, "2000-02-29T21:00:00-06:00"),
            ("1900-03-01T03:00:00Z", -360, "1900-02-28T21:00:00-06:00"),
            ("2024-02-29T23:00:00Z", 120, "2024-03-01T01:00:00+02:00"),
        ];
        for (input, target, expected) in cases {
            let converted = date_time(input).to_offset(target, Offset::Unspecified);
            assert_eq!(converted.to_string(), expected, "{input}");
        }
    }

    #[test]
    fn to_offset_reads_missing_offset() {
        let service = date_time("2014-03-26T10:02:01.987");
        assert_eq!(
            service.to_offset(0, SERVICE_OFFSET).to_string(),
            "2014-03-26T16:02:01.987+00:00"
        );
        assert_eq!(
            service.to_offset(0, Offset::Unspecified).to_string(),
            "2014-03-26T10:02:01.987+00:00"
        );
        let end_of_year = date_time("2024-12-31T24:00:00Z");
        assert_eq!(
            end_of_year.to_offset(0, Offset::Unspecified).to_string(),
            "2025-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn unix_seconds_known_values() {
        let cases = [
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00.999Z", 0),
            ("1969-12-31T23:59:59Z", -1),
            ("1969-12-31T23:59:59.5Z", -1),
            ("2014-03-26T10:02:01.987", 1_395_849_721),
            ("2019-11-07T11:26:19.142-06:00", 1_573_147_579),
            ("2024-02-29T12:00:00+05:30", 1_709_188_200),
            ("2000-01-01T00:00:00Z", 946_684_800),
            ("1999-12-31T24:00:00Z", 946_684_800),
            ("0001-01-01T00:00:00Z", -62_135_596_800),
            ("0000-01-01T00:00:00Z", -62_167_219_200),
            ("-0001-01-01T00:00:00Z", -62_198_755_200),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
        ];
        for (input, expected) in cases {
            assert_eq!(
                date_time(input).unix_seconds(SERVICE_OFFSET),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn unix_seconds_without_any_offset_is_utc() {
        let value = date_time("1970-01-02T00:00:00");
        assert_eq!(value.unix_seconds(Offset::Unspecified), 86_400);
        assert_eq!(value.unix_seconds(Offset::Utc), 86_400);
        assert_eq!(value.unix_seconds(Offset::Minutes(60)), 82_800);
    }

    #[test]
    fn from_unix_seconds_known_values() {
        let cases = [
            (0, Offset::Unspecified, "1970-01-01T00:00:00"),
            (0, Offset::Utc, "1970-01-01T00:00:00Z"),
            (0, Offset::Minutes(0), "1970-01-01T00:00:00+00:00"),
            (-1, Offset::Utc, "1969-12-31T23:59:59Z"),
            (1_395_849_721, SERVICE_OFFSET, "2014-03-26T10:02:01-06:00"),
            (
                1_709_188_200,
                Offset::Minutes(330),
                "2024-02-29T12:00:00+05:30",
            ),
            (-62_198_755_200, Offset::Utc, "-0001-01-01T00:00:00Z"),
            (253_402_300_800, Offset::Unspecified, "10000-01-01T00:00:00"),
        ];
        for (secs, offset, expected) in cases {
            let value = DateTime::from_unix_seconds(secs, offset);
            assert_eq!(value.to_string(), expected, "{secs}");
        }
    }

    #[test]
    fn from_unix_seconds_saturates_at_year_limits() {
        let latest = DateTime::from_unix_seconds(i64::MAX, Offset::Minutes(840));
        assert_eq!(latest.to_string(), "2147483647-12-31T23:59:59+14:00");
        let earliest = DateTime::from_unix_seconds(i64::MIN, Offset::Minutes(-840));
        assert_eq!(earliest.to_string(), "-2147483648-01-01T00:00:00-14:00");
        let converted = date_time("2147483647-12-31T23:59:59.5Z").to_offset(60, SERVICE_OFFSET);
        assert_eq!(converted.to_string(), "2147483647-12-31T23:59:59.5+01:00");
    }

    #[test]
    fn unix_seconds_round_trip_through_text() {
        // Steps of 97 days and 3 661 seconds from about year -1500 to 2500 land in
        // every month and at many times of day.
        let step = 97 * SECONDS_PER_DAY + 3_661;
        let mut secs = -110_000_000_000;
        while secs < 17_000_000_000 {
            for offset in [Offset::Unspecified, Offset::Utc, Offset::Minutes(-360)] {
                let text = DateTime::from_unix_seconds(secs, offset).to_string();
                let parsed = date_time(&text);
                assert_eq!(parsed.unix_seconds(Offset::Unspecified), secs, "{text}");
            }
            secs += step;
        }
    }

    #[test]
    fn date_time_days_are_consecutive() {
        // Every day of the years -400 to 400 parses to exactly one day after the one
        // before, which checks the leap rule for years such as 0, -100, -400 and 100.
        let mut previous = date_time("-0401-12-31T00:00:00Z").unix_seconds(Offset::Utc);
        for year in -400..=400 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let text = format!("{}-{month:02}-{day:02}T00:00:00Z", year_text(year));
                    let secs = date_time(&text).unix_seconds(Offset::Utc);
                    assert_eq!(secs - previous, SECONDS_PER_DAY, "{text}");
                    previous = secs;
                }
            }
        }
        let last = date_time("0401-01-01T00:00:00Z").unix_seconds(Offset::Utc);
        assert_eq!(last - previous, SECONDS_PER_DAY);
    }

    #[test]
    fn cmp_instant_orders_instants() {
        let cases = [
            (
                "2024-01-01T10:00:00Z",
                "2024-01-01T04:00:00-06:00",
                Ordering::Equal,
            ),
            (
                "2024-01-01T10:00:00Z",
                "2024-01-01T04:00:00",
                Ordering::Equal,
            ),
            (
                "2024-01-01T10:00:00.5Z",
                "2024-01-01T10:00:00.50Z",
                Ordering::Equal,
            ),
            (
                "2024-01-01T10:00:00.5Z",
                "2024-01-01T10:00:00.49Z",
                Ordering::Greater,
            ),
            (
                "2024-01-01T10:00:00.5Z",
                "2024-01-01T10:00:00.51Z",
                Ordering::Less,
            ),
            (
                "2024-01-01T10:00:00Z",
                "2024-01-01T10:00:00.000Z",
                Ordering::Equal,
            ),
            (
                "2024-01-01T10:00:00Z",
                "2024-01-01T10:00:00.001Z",
                Ordering::Less,
            ),
            (
                "2024-01-01T09:59:59.9Z",
                "2024-01-01T10:00:00Z",
                Ordering::Less,
            ),
            (
                "2024-12-31T24:00:00Z",
                "2025-01-01T00:00:00Z",
                Ordering::Equal,
            ),
            (
                "2024-01-01T00:00:00+14:00",
                "2023-12-31T23:00:00-00:00",
                Ordering::Less,
            ),
        ];
        for (left, right, expected) in cases {
            let ordering = date_time(left).cmp_instant(&date_time(right), SERVICE_OFFSET);
            assert_eq!(ordering, expected, "{left} vs {right}");
        }
    }

    #[test]
    fn offset_display_writes_schema_text() {
        assert_eq!(Offset::Unspecified.to_string(), "");
        assert_eq!(Offset::Utc.to_string(), "Z");
        assert_eq!(Offset::Minutes(0).to_string(), "+00:00");
        assert_eq!(Offset::Minutes(-360).to_string(), "-06:00");
        assert_eq!(Offset::Minutes(840).to_string(), "+14:00");
        assert_eq!(Offset::Minutes(i16::MIN).to_string(), "-546:08");
        assert_eq!(Offset::Utc.minutes_east(), Some(0));
        assert_eq!(Offset::Unspecified.minutes_east(), None);
        assert_eq!(Offset::Minutes(-90).minutes_east(), Some(-90));
    }

    #[test]
    fn time_round_trips_exactly() {
        let inputs = [
            "00:00:00",
            "10:02:01.987",
            "10:02:01.9870",
            "24:00:00",
            "24:00:00Z",
            "23:59:59Z",
            "23:59:59+00:00",
            "23:59:59-00:00",
            "12:00:00-06:00",
            "12:00:00.0+14:00",
        ];
        for input in inputs {
            let value: Time = input.parse().expect(input);
            assert_eq!(value.to_string(), input);
        }
    }

    #[test]
    fn time_parse_fills_fields() {
        let value: Time = "11:26:19.142-06:00".parse().expect("valid time");
        assert_eq!(value.hour(), 11);
        assert_eq!(value.minute(), 26);
        assert_eq!(value.second(), 19);
        assert_eq!(value.fraction(), "142");
        assert_eq!(value.offset(), Offset::Minutes(-360));
    }

    #[test]
    fn time_rejects_invalid_text() {
        let cases = [
            (
                "24:00:01",
                "hour 24 is allowed only in 24:00:00 with no fraction",
            ),
            (
                "24:00:00.000",
                "hour 24 is allowed only in 24:00:00 with no fraction",
            ),
            ("25:00:00", "hour must be 00 to 24"),
            ("1:00:00", "hour must have 2 digits"),
            (
                "10:00",
                "expected \":\" after the minute, found end of text",
            ),
            ("10:00:00+15:00", "offset must be -14:00 to +14:00"),
            ("10:00:00 ", "unexpected trailing text \" \""),
            ("T10:00:00", "hour must have 2 digits"),
            ("", "value is empty"),
        ];
        for (input, reason) in cases {
            let error = input.parse::<Time>().expect_err(input);
            assert_eq!(error.reason(), reason, "{input}");
            assert_eq!(error.expected(), "xsd:time", "{input}");
        }
    }

    #[test]
    fn time_new_and_setters() {
        let value = Time::new(24, 0, 0).expect("end of day");
        assert_eq!(value.to_string(), "24:00:00");

        let error = Time::new(24, 1, 0).expect_err("after 24:00");
        assert_eq!(
            error.reason(),
            "hour 24 is allowed only in 24:00:00 with no fraction"
        );
        assert_eq!(error.value(), "24:01:00");

        let value = Time::new(9, 5, 7)
            .and_then(|time| time.with_fraction("050"))
            .expect("valid time")
            .with_offset(Offset::Utc);
        assert_eq!(value.to_string(), "09:05:07.050Z");

        let error = Time::new(9, 5, 7)
            .and_then(|time| time.with_fraction("-1"))
            .expect_err("sign in fraction");
        assert_eq!(error.reason(), "fraction must contain only digits 0 to 9");
    }

    #[test]
    fn date_round_trips_exactly() {
        let inputs = [
            "2024-02-29",
            "2000-02-29",
            "2024-02-29Z",
            "2024-02-29+00:00",
            "2024-02-29-06:00",
            "-0001-12-31",
            "0000-02-29",
            "10000-01-01+14:00",
        ];
        for input in inputs {
            let value: Date = input.parse().expect(input);
            assert_eq!(value.to_string(), input);
        }
    }

    #[test]
    fn date_parse_fills_fields() {
        let value: Date = "-0044-03-15-06:00".parse().expect("valid date");
        assert_eq!(value.year(), -44);
        assert_eq!(value.month(), 3);
        assert_eq!(value.day(), 15);
        assert_eq!(value.offset(), Offset::Minutes(-360));
    }

    #[test]
    fn date_rejects_invalid_text() {
        let cases = [
            ("2023-02-29", "day must be 01 to 28 in 2023-02"),
            ("2100-02-29", "day must be 01 to 28 in 2100-02"),
            ("-0001-02-29", "day must be 01 to 28 in -0001-02"),
            ("2024-13-01", "month must be 01 to 12"),
            (
                "2024-01-01T00:00:00",
                "unexpected trailing text \"T00:00:00\"",
            ),
            ("2024-01-01+15:00", "offset must be -14:00 to +14:00"),
            (
                "2024-01",
                "expected \"-\" after the month, found end of text",
            ),
            ("", "value is empty"),
        ];
        for (input, reason) in cases {
            let error = input.parse::<Date>().expect_err(input);
            assert_eq!(error.reason(), reason, "{input}");
            assert_eq!(error.expected(), "xsd:date", "{input}");
        }
    }

    #[test]
    fn date_new_checks_day() {
        let value = Date::new(2024, 2, 29).expect("leap day");
        assert_eq!(
            value.with_offset(SERVICE_OFFSET).to_string(),
            "2024-02-29-06:00"
        );

        let error = Date::new(2023, 2, 29).expect_err("no leap day");
        assert_eq!(error.reason(), "day must be 01 to 28 in 2023-02");
        assert_eq!(error.value(), "2023-02-29");
    }

    /// Test vectors from RFC 4648.
    const RFC_4648_VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn base64_encodes_rfc_4648_vectors() {
        for (plain, encoded) in RFC_4648_VECTORS {
            assert_eq!(encode_base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn base64_decodes_rfc_4648_vectors() {
        for (plain, encoded) in RFC_4648_VECTORS {
            assert_eq!(decode_base64(encoded), Ok(plain.as_bytes().to_vec()));
        }
    }

    #[test]
    fn base64_decode_skips_xml_whitespace() {
        let cases = [
            ("Zm9v\r\nYmFy", "foobar"),
            (" Zm 9v Yg = = ", "foob"),
            ("\tZm8=\n", "fo"),
            ("   ", ""),
        ];
        for (encoded, plain) in cases {
            assert_eq!(
                decode_base64(encoded),
                Ok(plain.as_bytes().to_vec()),
                "{encoded:?}"
            );
        }
    }

    #[test]
    fn base64_round_trips_all_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let encoded = encode_base64(&bytes);
        assert_eq!(&encoded[..8], "AAECAwQF");
        assert_eq!(&encoded[encoded.len() - 8..], "/P3+/w==");
        assert_eq!(decode_base64(&encoded), Ok(bytes));
    }

    #[test]
    fn base64_rejects_invalid_text() {
        let cases = [
            (
                "Zm9v!",
                "character \"!\" at position 4 is not in the base64 alphabet",
            ),
            (
                "Zm9v-_",
                "character \"-\" at position 4 is not in the base64 alphabet",
            ),
            (
                "Zm\u{a0}9v",
                "character \"\\u{a0}\" at position 2 is not in the base64 alphabet",
            ),
            (
                "Zm9\u{b}v",
                "character \"\\u{b}\" at position 3 is not in the base64 alphabet",
            ),
            ("Zm8", "missing \"=\" padding at the end of the text"),
            ("Zg=", "missing \"=\" padding at the end of the text"),
            (
                "Zm9vY",
                "text ends after 1 character of a 4-character group",
            ),
            (
                "====",
                "padding \"=\" at position 0 cannot fill the first 2 characters of a group",
            ),
            (
                "Z===",
                "padding \"=\" at position 1 cannot fill the first 2 characters of a group",
            ),
            (
                "Zg===",
                "padding \"=\" at position 4 cannot fill the first 2 characters of a group",
            ),
            (
                "Zg==Zg==",
                "character \"Z\" at position 4 follows the \"=\" padding",
            ),
            (
                "Zm=v",
                "character \"v\" at position 3 follows the \"=\" padding",
            ),
            (
                "Zh==",
                "character \"h\" at position 1 has non-zero bits after the last byte",
            ),
            (
                "Zm9=",
                "character \"9\" at position 2 has non-zero bits after the last byte",
            ),
        ];
        for (encoded, reason) in cases {
            let error = decode_base64(encoded).expect_err(encoded);
            assert_eq!(error.reason(), reason, "{encoded:?}");
            assert_eq!(error.expected(), "xsd:base64Binary", "{encoded:?}");
            assert_eq!(error.value(), encoded, "{encoded:?}");
        }
    }
}
