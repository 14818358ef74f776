//! Time stamps for reproducible output: `SOURCE_DATE_EPOCH` or a fixed
//! date, never the clock, and the calendar maths to print them.

use anyhow::{Context, Result};

/// The time stamped on every entry: `SOURCE_DATE_EPOCH` when set (as
/// reproducible-builds.org asks), otherwise a fixed date, never the clock.
pub fn build_time() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .with_context(|| format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not `{s}`")),
        _ => Ok(FIXED_EPOCH),
    }
}

/// 2000-01-01T00:00:00Z.
pub const FIXED_EPOCH: i64 = 946_684_800;

/// Seconds since 1970 → (year, month, day, hour, minute, second), UTC.
pub fn civil(epoch: i64) -> (i64, u8, u8, u8, u8, u8) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
    )
}

/// ISO 8601 for manifests: `2000-01-01T00:00:00Z`.
pub fn iso8601(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(FIXED_EPOCH), (2000, 1, 1, 0, 0, 0));
        assert_eq!(civil(1_709_210_096), (2024, 2, 29, 12, 34, 56));
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }
}
