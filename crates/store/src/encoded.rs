//! How a record is kept: an 8-byte content hash (so a re-harvest can tell
//! unchanged records without decoding them), then the record itself,
//! postcard-encoded and LZ4-compressed.

use serde::{Deserialize, Serialize};
use unicat_bib::{BibRecord, Item};

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

impl StoredRecord {
    /// Encodes for the store: `[hash: u64 LE][lz4(postcard(self))]`. Runs on
    /// the harvest's worker threads, not in the store's write transaction.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        let plain = postcard::to_stdvec(self).map_err(|e| e.to_string())?;
        let hash = content_hash(&plain);
        let compressed = lz4_flex::block::compress_prepend_size(&plain);
        let mut out = Vec::with_capacity(8 + compressed.len());
        out.extend_from_slice(&hash.to_le_bytes());
        out.extend_from_slice(&compressed);
        Ok(out)
    }

    /// Decodes a stored value.
    pub fn decode(bytes: &[u8]) -> Result<StoredRecord, String> {
        let body = bytes.get(8..).ok_or("value shorter than its header")?;
        let plain = lz4_flex::block::decompress_size_prepended(body).map_err(|e| e.to_string())?;
        postcard::from_bytes(&plain).map_err(|e| e.to_string())
    }

    /// The content hash of a stored value, without decoding it.
    pub fn hash_of(bytes: &[u8]) -> u64 {
        bytes
            .get(..8)
            .map(|h| u64::from_le_bytes(h.try_into().expect("eight bytes")))
            .unwrap_or(0)
    }
}

/// A fast, stable 64-bit hash (the same on every machine and Rust version,
/// unlike `DefaultHasher`), used only to tell whether a record changed.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ (bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = (h ^ v).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_sensitive() {
        assert_eq!(
            content_hash(b"hello world, this is MARC"),
            content_hash(b"hello world, this is MARC")
        );
        assert_ne!(
            content_hash(b"hello world, this is MARC"),
            content_hash(b"hello world, this is MARK")
        );
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        // Pinned: a change here would mark every stored record as updated.
        assert_eq!(content_hash(b"unicat"), 14152489286056301861);
    }
}
