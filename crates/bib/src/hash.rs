//! A stable content hash.

/// A fast, stable 64-bit hash (the same on every machine and Rust version,
/// unlike `DefaultHasher`): whether a record or a cluster document changed,
/// and a title key as the search index holds it.
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
