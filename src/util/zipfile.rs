//! Writing the zips wbl makes (the teacher bundle, the LMS cartridges):
//! entries in the order given, each stamped with one time, readable by
//! all, files that are compressed already stored, the rest deflated with
//! libdeflate.
//!
//! The zip format is written here rather than with the `zip` crate so that
//! the entries can be deflated by libdeflate, which the crate cannot use:
//! deflate is most of the time of `wbl publish`, and libdeflate at level 1
//! deflates wbl's files 2.4 times as fast as zlib-rs at level 3 (what wbl
//! used before) for 3 % more bytes (docs/performance.md). What is written
//! is the plain zip of PKWARE's APPNOTE: a local header and the data per
//! entry, then the central directory; no data descriptors, no extra
//! fields, no zip64 (a zip of more than 65,535 entries or 4 GB is refused).
//! Same entries, same bytes, on every machine: libdeflate's output depends
//! only on its input and level.

use std::cell::RefCell;

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::time::civil;

/// libdeflate's level for every deflated entry. Level 1 is 2.4 times as
/// fast as zlib-rs level 3 on wbl's files for 3 % more bytes; libdeflate's
/// level 3 would be only 1.3 times as fast for 1 % fewer bytes.
pub const LEVEL: i32 = 1;

/// "Version needed to extract" 2.0 (deflate), "made by" Unix (3) 2.0.
const VERSION_NEEDED: u16 = 20;
const MADE_BY: u16 = (3 << 8) | 20;
/// A plain file, `rw-r--r--`, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;
/// General purpose flag bit 11: the name is UTF-8.
const UTF8_NAME: u16 = 1 << 11;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

/// One entry's bytes as they go into the zip.
struct Packed<'a> {
    method: u16,
    crc: u32,
    size: usize,
    data: std::borrow::Cow<'a, [u8]>,
}

thread_local! {
    /// One compressor per thread, reused entry after entry (making one
    /// allocates its tables).
    static COMPRESSOR: RefCell<Option<libdeflater::Compressor>> = const { RefCell::new(None) };
}

fn pack<'a>(name: &'a str, bytes: &'a [u8], crc: u32) -> Packed<'a> {
    let stored = || Packed {
        method: STORED,
        crc,
        size: bytes.len(),
        data: std::borrow::Cow::Borrowed(bytes),
    };
    if super::mime::is_compressed(name) || bytes.is_empty() {
        return stored();
    }
    let deflated = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = cell.get_or_insert_with(|| {
            libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(LEVEL).expect("1 is one of libdeflate's levels"),
            )
        });
        let mut out = vec![0; compressor.deflate_compress_bound(bytes.len())];
        let n = compressor.deflate_compress(bytes, &mut out).ok()?;
        out.truncate(n);
        Some(out)
    });
    match deflated {
        // Deflate that saves nothing is stored instead, as unzip would
        // gain nothing from it either.
        Some(out) if out.len() < bytes.len() => Packed {
            method: DEFLATED,
            crc,
            size: bytes.len(),
            data: std::borrow::Cow::Owned(out),
        },
        _ => stored(),
    }
}

/// The DOS date and time of the epoch second `time` (from 1980 to 2107,
/// clamped into that range), to the even second.
fn dos_time(time: i64) -> (u16, u16) {
    let (y, mo, d, h, mi, s) = civil(time.clamp(315_532_800, 4_354_819_198));
    let date = (((y - 1980) as u16) << 9) | (u16::from(mo) << 5) | u16::from(d);
    let clock = (u16::from(h) << 11) | (u16::from(mi) << 5) | (u16::from(s) / 2);
    (date, clock)
}

/// The zip of `entries` (name, bytes), in the order given. Names are
/// written as given: the caller checks they are safe and distinct.
pub fn write(entries: &[(&str, &[u8])], time: i64) -> Result<Vec<u8>> {
    let mut zips = write_all(&[entries], time)?;
    Ok(zips.pop().expect("one zip asked for, one written"))
}

/// Several zips at once, each as [`write`] would write it, compressing
/// each distinct byte string once: a district's two LMS cartridges hold
/// the same printable handouts and assets, and deflate is the work.
pub fn write_all(zips: &[&[(&str, &[u8])]], time: i64) -> Result<Vec<Vec<u8>>> {
    for entries in zips {
        if entries.len() > usize::from(u16::MAX) {
            bail!(
                "a zip of {} files is more than wbl writes (65,535 at most)",
                entries.len()
            );
        }
    }
    let all: Vec<(&str, &[u8])> = zips.iter().flat_map(|z| z.iter().copied()).collect();
    // Compressing is the work: entries side by side, unless this already
    // runs on a worker thread (`wbl publish` builds districts side by
    // side). Either way the same bytes, written in order.
    let on_worker = rayon::current_thread_index().is_some();
    let crcs: Vec<u32> = if on_worker {
        all.iter().map(|(_, bytes)| libdeflater::crc32(bytes)).collect()
    } else {
        all.par_iter()
            .map(|(_, bytes)| libdeflater::crc32(bytes))
            .collect()
    };
    // For each entry, the first entry with the same bytes (and the same
    // choice of storing by name); equal CRCs are confirmed byte for byte.
    let mut first_of: std::collections::HashMap<(u32, usize, bool), Vec<usize>> =
        std::collections::HashMap::new();
    let mut same_as = Vec::with_capacity(all.len());
    for (i, (name, bytes)) in all.iter().enumerate() {
        let key = (crcs[i], bytes.len(), super::mime::is_compressed(name));
        let earlier = first_of.entry(key).or_default();
        match earlier.iter().find(|&&j| all[j].1 == *bytes) {
            Some(&j) => same_as.push(j),
            None => {
                earlier.push(i);
                same_as.push(i);
            }
        }
    }
    let pack_one = |i: usize| (same_as[i] == i).then(|| pack(all[i].0, all[i].1, crcs[i]));
    let packed: Vec<Option<Packed>> = if on_worker {
        (0..all.len()).map(pack_one).collect()
    } else {
        (0..all.len()).into_par_iter().map(pack_one).collect()
    };
    let (date, clock) = dos_time(time);
    let mut out = Vec::with_capacity(zips.len());
    let mut at = 0;
    for entries in zips {
        let range = at..at + entries.len();
        at = range.end;
        let these: Vec<(&str, &Packed)> = range
            .map(|i| {
                let data = packed[same_as[i]]
                    .as_ref()
                    .expect("the first of its bytes is packed");
                (all[i].0, data)
            })
            .collect();
        out.push(assemble(&these, date, clock)?);
    }
    Ok(out)
}

/// The bytes of one zip: local headers and data, the central directory,
/// its end record. `entries` pairs each name with its packed data.
fn assemble(entries: &[(&str, &Packed)], date: u16, clock: u16) -> Result<Vec<u8>> {
    let total: usize = entries
        .iter()
        .map(|(name, p)| 30 + name.len() + p.data.len())
        .sum();
    let mut zip =
        Vec::with_capacity(total + entries.iter().map(|(name, _)| 46 + name.len()).sum::<usize>() + 22);
    let too_big = || anyhow::anyhow!("a zip of more than 4 GB is more than wbl writes");
    let u32_of = |n: usize| u32::try_from(n).map_err(|_| too_big());
    let mut offsets = Vec::with_capacity(entries.len());
    for &(name, p) in entries {
        offsets.push(u32_of(zip.len())?);
        let flags = if name.is_ascii() { 0 } else { UTF8_NAME };
        zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        zip.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
        zip.extend_from_slice(&flags.to_le_bytes());
        zip.extend_from_slice(&p.method.to_le_bytes());
        zip.extend_from_slice(&clock.to_le_bytes());
        zip.extend_from_slice(&date.to_le_bytes());
        zip.extend_from_slice(&p.crc.to_le_bytes());
        zip.extend_from_slice(&u32_of(p.data.len())?.to_le_bytes());
        zip.extend_from_slice(&u32_of(p.size)?.to_le_bytes());
        zip.extend_from_slice(&name_len(name)?.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(&p.data);
    }
    let directory = u32_of(zip.len())?;
    for (&(name, p), offset) in entries.iter().zip(offsets) {
        let flags = if name.is_ascii() { 0 } else { UTF8_NAME };
        zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        zip.extend_from_slice(&MADE_BY.to_le_bytes());
        zip.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
        zip.extend_from_slice(&flags.to_le_bytes());
        zip.extend_from_slice(&p.method.to_le_bytes());
        zip.extend_from_slice(&clock.to_le_bytes());
        zip.extend_from_slice(&date.to_le_bytes());
        zip.extend_from_slice(&p.crc.to_le_bytes());
        zip.extend_from_slice(&u32_of(p.data.len())?.to_le_bytes());
        zip.extend_from_slice(&u32_of(p.size)?.to_le_bytes());
        zip.extend_from_slice(&name_len(name)?.to_le_bytes());
        // Extra field and comment lengths, disk number, internal attributes.
        zip.extend_from_slice(&[0; 8]);
        zip.extend_from_slice(&EXTERNAL_ATTRIBUTES.to_le_bytes());
        zip.extend_from_slice(&offset.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
    }
    let directory_size = u32_of(zip.len())? - directory;
    let count = entries.len() as u16;
    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    // This disk and the disk the directory starts on.
    zip.extend_from_slice(&[0; 4]);
    zip.extend_from_slice(&count.to_le_bytes());
    zip.extend_from_slice(&count.to_le_bytes());
    zip.extend_from_slice(&directory_size.to_le_bytes());
    zip.extend_from_slice(&directory.to_le_bytes());
    // No comment.
    zip.extend_from_slice(&0u16.to_le_bytes());
    Ok(zip)
}

fn name_len(name: &str) -> Result<u16> {
    u16::try_from(name.len()).map_err(|_| anyhow::anyhow!("the zip entry name `{name}` is too long"))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn what_it_writes_reads_back_with_its_time_and_permissions() {
        let text = "Micro-internship ".repeat(500);
        let png = b"\x89PNG\r\n\x1a\nnot really an image";
        let entries: Vec<(&str, &[u8])> = vec![
            ("kit/site/index.html", text.as_bytes()),
            ("kit/site/logo.png", png),
            ("kit/empty.txt", b""),
            ("kit/handouts/carta-a-las-familias-ñ.html", "¡Hola!".as_bytes()),
        ];
        // 2026-12-01 10:20:31: DOS time keeps even seconds.
        let time = 1_796_120_431;
        let bytes = write(&entries, time).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(archive.len(), entries.len());
        for (i, (name, content)) in entries.iter().enumerate() {
            let mut file = archive.by_index(i).unwrap();
            assert_eq!(file.name().unwrap(), *name);
            assert_eq!(file.unix_mode(), Some(0o100_644));
            let stamp = file.last_modified().unwrap();
            assert_eq!(
                (
                    stamp.year(),
                    stamp.month(),
                    stamp.day(),
                    stamp.hour(),
                    stamp.minute(),
                    stamp.second()
                ),
                (2026, 12, 1, 10, 20, 30)
            );
            let mut read = Vec::new();
            file.read_to_end(&mut read).unwrap();
            assert_eq!(read, *content, "{name}");
        }
        let mut method = |i| archive.by_index_raw(i).unwrap().compression();
        assert_eq!(method(0), zip::CompressionMethod::Deflated);
        assert_eq!(method(1), zip::CompressionMethod::Stored, "an image is stored");
        assert!(bytes.len() < text.len() / 5, "the text is deflated");
    }

    #[test]
    fn zips_written_together_are_the_zips_written_apart() {
        let handout = "<p>Consent form</p>".repeat(300);
        let a_page = "<p>generic page</p>".repeat(300);
        let canvas_page = "<p>canvas page</p>".repeat(300);
        let generic: Vec<(&str, &[u8])> = vec![
            ("handouts/consent.html", handout.as_bytes()),
            ("pages/welcome.html", a_page.as_bytes()),
        ];
        let canvas: Vec<(&str, &[u8])> = vec![
            ("web_resources/handouts/consent.html", handout.as_bytes()),
            ("wiki_content/welcome.html", canvas_page.as_bytes()),
            // The same bytes twice in one zip, too.
            ("web_resources/handouts/copy.html", handout.as_bytes()),
        ];
        let together = write_all(&[&generic, &canvas], 7).unwrap();
        assert!(together[0] == write(&generic, 7).unwrap());
        assert!(together[1] == write(&canvas, 7).unwrap());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&together[1])).unwrap();
        let mut read = String::new();
        archive.by_index(2).unwrap().read_to_string(&mut read).unwrap();
        assert_eq!(read, handout);
    }

    #[test]
    fn the_same_entries_give_the_same_bytes_on_one_thread_or_many() {
        let pages: Vec<String> = (0..40)
            .map(|i| format!("<p>page {i}</p>").repeat(200 + i))
            .collect();
        let entries: Vec<(String, &[u8])> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("site/{i}.html"), p.as_bytes()))
            .collect();
        let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let parallel = write(&entries, 0).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sequential = pool.install(|| write(&entries, 0).unwrap());
        assert!(parallel == sequential);
        assert!(parallel == write(&entries, 0).unwrap());
    }
}
