//! Wall-clock time in the service's formats.

use std::time::{SystemTime, UNIX_EPOCH};

use sfmc_runtime::values::{DateTime, Offset};

/// The service's zone: Central Standard Time, UTC−06:00 all year, in minutes east of UTC.
pub(crate) const CST_MINUTES: i16 = -360;

/// Returns the milliseconds since 1970-01-01T00:00:00Z.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Formats `millis` as the service writes dates: CST wall time with milliseconds and no
/// offset, such as `2014-03-26T10:02:01.987`.
pub(crate) fn service_date(millis: i64) -> String {
    let shifted = millis.div_euclid(1000) + i64::from(CST_MINUTES) * 60;
    let date = DateTime::from_unix_seconds(shifted, Offset::Unspecified);
    format!("{date}.{:03}", millis.rem_euclid(1000))
}

/// Formats `millis` as UTC with a `Z`, for WS-Security timestamps.
pub(crate) fn utc_timestamp(millis: i64) -> String {
    let date = DateTime::from_unix_seconds(millis.div_euclid(1000), Offset::Unspecified);
    format!("{date}.{:03}Z", millis.rem_euclid(1000))
}

/// Parses a date the service wrote, or any xsd:dateTime, into seconds since the epoch; a
/// value without an offset is read as CST.
pub(crate) fn parse_seconds(text: &str) -> Option<i64> {
    let date: DateTime = text.trim().parse().ok()?;
    Some(date.unix_seconds(Offset::Minutes(CST_MINUTES)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_date_is_cst() {
        // 2026-01-01T00:00:00.250Z is 2025-12-31T18:00:00.250 in CST.
        assert_eq!(service_date(1_767_225_600_250), "2025-12-31T18:00:00.250");
        assert_eq!(utc_timestamp(1_767_225_600_250), "2026-01-01T00:00:00.250Z");
        assert_eq!(
            parse_seconds("2025-12-31T18:00:00.250"),
            Some(1_767_225_600)
        );
        assert_eq!(parse_seconds("2026-01-01T00:00:00Z"), Some(1_767_225_600));
    }
}
