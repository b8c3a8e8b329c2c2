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
    #[serde(with = "as_bytes")]
    pub marc: Vec<u8>,
}

/// Serialises the raw MARC as one byte string rather than a sequence of
/// `u8` (the same postcard encoding, a length then the bytes, written with
/// one copy instead of one call per byte).
mod as_bytes {
    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}

impl StoredRecord {
    /// Encodes for the store: `[hash: u64 LE][lz4(postcard(self))]`. Runs on
    /// the harvest's worker threads, not in the store's write transaction.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        let plain = postcard::to_extend(self, Vec::with_capacity(self.marc.len() * 2 + 256))
            .map_err(|e| e.to_string())?;
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

    #[test]
    fn raw_marc_is_encoded_as_a_plain_byte_string() {
        // The same bytes postcard writes for a `Vec<u8>` field (a length,
        // then the bytes): stores written before `as_bytes` keep their
        // hashes, and decode.
        #[derive(Serialize)]
        struct Plain<'a> {
            bib: &'a BibRecord,
            items: &'a [Item],
            marc: &'a Vec<u8>,
        }
        let record = StoredRecord {
            bib: BibRecord::default(),
            items: Vec::new(),
            marc: (0..=255u8).cycle().take(1000).collect(),
        };
        let plain = postcard::to_stdvec(&Plain {
            bib: &record.bib,
            items: &record.items,
            marc: &record.marc,
        })
        .unwrap();
        assert_eq!(postcard::to_stdvec(&record).unwrap(), plain);
        let encoded = record.encode().unwrap();
        assert_eq!(StoredRecord::hash_of(&encoded), content_hash(&plain));
        assert_eq!(StoredRecord::decode(&encoded).unwrap(), record);
    }
}
