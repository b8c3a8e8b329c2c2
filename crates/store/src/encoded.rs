//! How a record is kept. One value per record, in sections, so that each
//! reader decodes only what it needs:
//!
//! ```text
//! [hash: u64 LE]            content hash of the description and raw MARC
//! [layout: u8 = 3]
//! [view version: u8]        unicat_match::VIEW_VERSION when it was written
//! [view length: u32 LE][postcard(Manifestation)]     read by clustering
//! [description length: u32 LE]  length of postcard(bib, items)
//! [lz4(postcard(bib, items) ++ raw MARC)]  description read by indexing,
//!                                          MARC by SRU and exports
//! ```
//!
//! The description and the MARC are compressed as one block because the
//! description repeats the record's words: LZ4 finds them again in the
//! MARC, and the store is half the size it is with two blocks (net500k:
//! 2.2 GB → 1.1 GB).
//!
//! The matching view is derived from the description when the record is
//! harvested, so clustering a network reads a few hundred bytes per record
//! and never folds a title again. A view written by another version of the
//! matching code (its version byte differs) is recomputed from the
//! description instead of trusted.

use serde::{Deserialize, Serialize};
use std::cell::RefCell;
pub use unicat_bib::content_hash;
use unicat_bib::{BibRecord, Item};
use unicat_match::Manifestation;

/// The layout byte of this version. Layouts 2 (before the description
/// gained the carrier, the 008 dates, 019 and 773) and 3 (before the
/// uniform title) are still read for their MARC, so that a store written by
/// an earlier version is upgraded from the MARC it kept (see
/// [`StoredRecord::is_current`]), never by re-reading the libraries'
/// sources.
pub const LAYOUT: u8 = 4;
/// The oldest layout whose MARC this version can still read.
const OLDEST_LAYOUT: u8 = 2;
/// hash + layout + view version.
const HEADER: usize = 10;

/// One library record as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The normalised description.
    pub bib: BibRecord,
    /// The holdings read from the record through the library's mapping.
    pub items: Vec<Item>,
    /// The record in ISO 2709 (UTF-8), as harvested.
    pub marc: Vec<u8>,
}

/// A record's description and holdings: what a cluster's search document
/// is built from (everything but the raw MARC).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Description {
    /// The normalised description.
    pub bib: BibRecord,
    /// The holdings.
    pub items: Vec<Item>,
}

#[derive(Serialize)]
struct DescriptionRef<'a> {
    bib: &'a BibRecord,
    items: &'a [Item],
}

thread_local! {
    /// Scratch for (de)compression, reused by each thread: no zeroed
    /// allocation per record.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Decompresses a size-prepended LZ4 block into `scratch`.
fn decompress_into(block: &[u8], scratch: &mut Vec<u8>) -> Result<(), String> {
    let (size, body) = block
        .split_first_chunk::<4>()
        .ok_or("compressed section shorter than its size")?;
    let size = u32::from_le_bytes(*size) as usize;
    // A corrupt size must not allocate gigabytes: LZ4 expands at most 255×.
    if size > body.len().saturating_mul(255) + 16 {
        return Err(format!("compressed section claims {size} bytes"));
    }
    scratch.clear();
    scratch.resize(size, 0);
    let n = lz4_flex::block::decompress_into(body, scratch).map_err(|e| e.to_string())?;
    if n != size {
        return Err(format!("compressed section gave {n} bytes, not {size}"));
    }
    Ok(())
}

fn take_section<'a>(bytes: &mut &'a [u8], what: &str) -> Result<&'a [u8], String> {
    let (len, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or_else(|| format!("value ends before the {what} length"))?;
    let len = u32::from_le_bytes(*len) as usize;
    if rest.len() < len {
        return Err(format!("value ends inside the {what}"));
    }
    let (section, rest) = rest.split_at(len);
    *bytes = rest;
    Ok(section)
}

/// The sections of a stored value.
struct Sections<'a> {
    /// Plain length of the description at the start of the block.
    description_len: usize,
    /// lz4(description ++ MARC), size prepended.
    block: &'a [u8],
}

fn sections(bytes: &[u8]) -> Result<Sections<'_>, String> {
    let header = bytes.get(..HEADER).ok_or("value shorter than its header")?;
    if header[8] != LAYOUT {
        return Err(format!(
            "value written in layout {} by an earlier version of Unicat (this one reads \
             {LAYOUT}): run `unicat harvest` once to upgrade the store from its MARC",
            header[8]
        ));
    }
    sections_of_any_layout(bytes)
}

/// The sections of a value of any layout from [`OLDEST_LAYOUT`] on: they
/// all place the view, the description and the MARC alike.
fn sections_of_any_layout(bytes: &[u8]) -> Result<Sections<'_>, String> {
    let header = bytes.get(..HEADER).ok_or("value shorter than its header")?;
    if !(OLDEST_LAYOUT..=LAYOUT).contains(&header[8]) {
        return Err(format!(
            "value written in layout {}, this version reads {OLDEST_LAYOUT} to {LAYOUT}",
            header[8]
        ));
    }
    let mut rest = &bytes[HEADER..];
    take_section(&mut rest, "matching view")?;
    let (len, block) = rest
        .split_first_chunk::<4>()
        .ok_or("value ends before the description length")?;
    Ok(Sections {
        description_len: u32::from_le_bytes(*len) as usize,
        block,
    })
}

/// Decompresses a value's block into `scratch`; returns the description's
/// length in it.
fn decompress_block(bytes: &[u8], scratch: &mut Vec<u8>) -> Result<usize, String> {
    let s = sections(bytes)?;
    decompress_into(s.block, scratch)?;
    if s.description_len > scratch.len() {
        return Err(format!(
            "description of {} bytes in a block of {}",
            s.description_len,
            scratch.len()
        ));
    }
    Ok(s.description_len)
}

impl StoredRecord {
    /// Encodes for the store (see the module's layout). Runs on the
    /// harvest's worker threads, not in the store's write transaction; the
    /// matching view is computed here.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        let view = Manifestation::from_bib(&self.bib);
        SCRATCH.with_borrow_mut(|scratch| {
            // scratch = [view][plain block][compressed block]; the value is
            // then allocated at its exact size (values wait in the store's
            // write batches, so spare capacity would be memory held).
            scratch.clear();
            let mut buf =
                postcard::to_extend(&view, std::mem::take(scratch)).map_err(|e| e.to_string())?;
            let view_len = buf.len();
            buf = postcard::to_extend(
                &DescriptionRef {
                    bib: &self.bib,
                    items: &self.items,
                },
                buf,
            )
            .map_err(|e| e.to_string())?;
            let description_len = buf.len() - view_len;
            buf.extend_from_slice(&self.marc);
            let plain_end = buf.len();
            let hash = content_hash(&buf[view_len..plain_end]);
            let block_start = buf.len();
            buf.resize(
                block_start + 4 + lz4_flex::block::get_maximum_output_size(plain_end - view_len),
                0,
            );
            let (head, tail) = buf.split_at_mut(block_start);
            tail[..4].copy_from_slice(&((plain_end - view_len) as u32).to_le_bytes());
            let n = lz4_flex::block::compress_into(&head[view_len..plain_end], &mut tail[4..])
                .expect("the output is sized for the worst case");
            let block = &buf[block_start..block_start + 4 + n];
            let mut out = Vec::with_capacity(HEADER + 4 + view_len + 4 + block.len());
            out.extend_from_slice(&hash.to_le_bytes());
            out.push(LAYOUT);
            out.push(unicat_match::VIEW_VERSION);
            out.extend_from_slice(&(view_len as u32).to_le_bytes());
            out.extend_from_slice(&buf[..view_len]);
            out.extend_from_slice(&(description_len as u32).to_le_bytes());
            out.extend_from_slice(block);
            *scratch = buf;
            Ok(out)
        })
    }

    /// Decodes a whole stored value.
    pub fn decode(bytes: &[u8]) -> Result<StoredRecord, String> {
        SCRATCH.with_borrow_mut(|scratch| {
            let at = decompress_block(bytes, scratch)?;
            let Description { bib, items } =
                postcard::from_bytes(&scratch[..at]).map_err(|e| e.to_string())?;
            Ok(StoredRecord {
                bib,
                items,
                marc: scratch[at..].to_vec(),
            })
        })
    }

    /// Decodes the description and holdings only.
    pub fn decode_description(bytes: &[u8]) -> Result<Description, String> {
        SCRATCH.with_borrow_mut(|scratch| {
            let at = decompress_block(bytes, scratch)?;
            postcard::from_bytes(&scratch[..at]).map_err(|e| e.to_string())
        })
    }

    /// Decodes the raw MARC only; works for values written by earlier
    /// versions too (from layout 2 on).
    pub fn decode_marc(bytes: &[u8]) -> Result<Vec<u8>, String> {
        SCRATCH.with_borrow_mut(|scratch| {
            let s = sections_of_any_layout(bytes)?;
            decompress_into(s.block, scratch)?;
            let at = s.description_len;
            if at > scratch.len() {
                return Err(format!(
                    "description of {at} bytes in a block of {}",
                    scratch.len()
                ));
            }
            Ok(scratch[at..].to_vec())
        })
    }

    /// True when a value was written by this version: its layout and its
    /// matching view are current. Other values are upgraded by a harvest
    /// (from their MARC when the layout is older, from their description
    /// when only the view is).
    pub fn is_current(bytes: &[u8]) -> bool {
        bytes.get(8..HEADER) == Some(&[LAYOUT, unicat_match::VIEW_VERSION][..])
    }

    /// True when a value's description can be read by this version (its
    /// view may still be stale).
    pub fn layout_is_current(bytes: &[u8]) -> bool {
        bytes.get(8) == Some(&LAYOUT)
    }

    /// The matching view, as written at harvest time, or recomputed from
    /// the description when another version of the matching code wrote it.
    /// Takes the whole value or its [`view_prefix`](Self::view_prefix).
    pub fn decode_view(bytes: &[u8]) -> Result<Manifestation, String> {
        let header = bytes.get(..HEADER).ok_or("value shorter than its header")?;
        if header[8] != LAYOUT {
            return Err(format!(
                "value written in layout {}, this version reads {LAYOUT}",
                header[8]
            ));
        }
        if header[9] == unicat_match::VIEW_VERSION {
            let mut rest = &bytes[HEADER..];
            let view = take_section(&mut rest, "matching view")?;
            postcard::from_bytes(view).map_err(|e| e.to_string())
        } else {
            Ok(Manifestation::from_bib(
                &StoredRecord::decode_description(bytes)?.bib,
            ))
        }
    }

    /// The part of a stored value that [`decode_view`](Self::decode_view)
    /// reads: the header and the view when the view is current, otherwise
    /// the whole value.
    pub fn view_prefix(bytes: &[u8]) -> &[u8] {
        let current = Self::is_current(bytes);
        let len = bytes
            .get(HEADER..HEADER + 4)
            .map(|l| u32::from_le_bytes(l.try_into().expect("four bytes")) as usize);
        match len {
            Some(len) if current && bytes.len() >= HEADER + 4 + len => &bytes[..HEADER + 4 + len],
            _ => bytes,
        }
    }

    /// The content hash of a stored value, without decoding it.
    pub fn hash_of(bytes: &[u8]) -> u64 {
        bytes
            .get(..8)
            .map(|h| u64::from_le_bytes(h.try_into().expect("eight bytes")))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredRecord {
        let mut bib = BibRecord {
            title: "Sense and sensibility".into(),
            year: Some(1913),
            ..BibRecord::default()
        };
        bib.author_key = Some("austen".into());
        StoredRecord {
            bib,
            items: Vec::new(),
            marc: (0..=255u8).cycle().take(1000).collect(),
        }
    }

    #[test]
    fn each_section_decodes_alone_and_all_agree() {
        let record = sample();
        let encoded = record.encode().unwrap();
        assert_eq!(StoredRecord::decode(&encoded).unwrap(), record);
        let d = StoredRecord::decode_description(&encoded).unwrap();
        assert_eq!((d.bib, d.items), (record.bib.clone(), record.items.clone()));
        assert_eq!(StoredRecord::decode_marc(&encoded).unwrap(), record.marc);
        assert_eq!(
            StoredRecord::decode_view(&encoded).unwrap(),
            Manifestation::from_bib(&record.bib)
        );
        let prefix = StoredRecord::view_prefix(&encoded);
        assert!(prefix.len() < encoded.len() / 2);
        assert_eq!(
            StoredRecord::decode_view(prefix).unwrap(),
            Manifestation::from_bib(&record.bib)
        );
    }

    #[test]
    fn the_hash_follows_the_description_and_the_marc() {
        let a = sample();
        let mut b = sample();
        assert_eq!(
            StoredRecord::hash_of(&a.encode().unwrap()),
            StoredRecord::hash_of(&b.encode().unwrap())
        );
        b.marc[500] ^= 1;
        assert_ne!(
            StoredRecord::hash_of(&a.encode().unwrap()),
            StoredRecord::hash_of(&b.encode().unwrap())
        );
        let mut c = sample();
        c.bib.year = Some(1914);
        assert_ne!(
            StoredRecord::hash_of(&a.encode().unwrap()),
            StoredRecord::hash_of(&c.encode().unwrap())
        );
    }

    #[test]
    fn a_view_from_another_matching_version_is_recomputed() {
        let record = sample();
        let mut encoded = record.encode().unwrap();
        // Written by another version, and garbled: not read, recomputed.
        encoded[9] = unicat_match::VIEW_VERSION.wrapping_add(1);
        encoded[HEADER + 4] ^= 0xFF;
        assert_eq!(StoredRecord::view_prefix(&encoded), &encoded[..]);
        assert_eq!(
            StoredRecord::decode_view(&encoded).unwrap(),
            Manifestation::from_bib(&record.bib)
        );
    }

    #[test]
    fn a_value_of_the_previous_layout_gives_its_marc_and_says_it_is_stale() {
        let record = sample();
        let current = record.encode().unwrap();
        assert!(StoredRecord::is_current(&current));
        // Layout 2 placed the sections alike; its description is another
        // struct, so this version must not read it.
        let mut old = current.clone();
        old[8] = 2;
        assert!(!StoredRecord::is_current(&old));
        assert!(!StoredRecord::layout_is_current(&old));
        assert_eq!(StoredRecord::decode_marc(&old).unwrap(), record.marc);
        let err = StoredRecord::decode(&old).unwrap_err();
        assert!(err.contains("unicat harvest"), "{err}");
        // A layout this version never wrote is refused even for its MARC.
        old[8] = 1;
        assert!(StoredRecord::decode_marc(&old).is_err());
        // A stale view alone.
        let mut view = current;
        view[9] = unicat_match::VIEW_VERSION.wrapping_add(1);
        assert!(!StoredRecord::is_current(&view));
        assert!(StoredRecord::layout_is_current(&view));
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        let encoded = sample().encode().unwrap();
        for cut in [0, 7, 9, 12, HEADER + 8, encoded.len() - 3] {
            let v = &encoded[..cut];
            assert!(StoredRecord::decode(v).is_err(), "cut at {cut}");
        }
        let mut old = encoded.clone();
        old[8] = 1;
        let e = StoredRecord::decode(&old).unwrap_err();
        assert!(e.contains("layout 1"), "{e}");
        // A size that lies.
        let mut lying = encoded.clone();
        let view_len = u32::from_le_bytes(encoded[HEADER..HEADER + 4].try_into().unwrap());
        let block_at = HEADER + 4 + view_len as usize + 4;
        lying[block_at..block_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(StoredRecord::decode_description(&lying).is_err());
        let mut lying = encoded.clone();
        lying[block_at - 4..block_at].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(StoredRecord::decode_marc(&lying).is_err());
    }
}
