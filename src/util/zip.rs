//! The `zip` crate's settings that match how wbl's zips store their
//! entries (fixed time, readable by all). wbl itself writes its zips with
//! `util::zipfile` (libdeflate); these remain for the stage benchmarks'
//! zlib-rs comparison.

use anyhow::Result;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime};

use super::time::civil;

/// The zlib-rs level wbl used before libdeflate. Compression is most of the cost of a
/// release, and level 3 deflates the bundle about half again as fast as
/// the default level 6 for about 6% more bytes (docs/performance.md has
/// the measurements).
pub const DEFLATE_LEVEL: i64 = 3;

/// How every entry of a bundle is stored: deflated, stamped with `time`,
/// readable by all. Public so the benchmarks' floor program zips exactly
/// as wbl does.
pub fn entry_options(time: i64) -> Result<SimpleFileOptions> {
    let (y, mo, d, h, mi, s) = civil(time.clamp(315_532_800, 4_354_819_199));
    let stamp = DateTime::from_date_and_time(y as u16, mo, d, h, mi, s)
        .map_err(|e| anyhow::anyhow!("bundle timestamp out of range: {e}"))?;
    Ok(SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(stamp)
        .unix_permissions(0o644))
}
