//! Unicat's benchmarks and the tools that make their data.
//!
//! The main tool is [`netgen`], the labelled test network generator: it takes
//! real MARC records, places copies of each in several libraries,
//! re-catalogues every copy in that library's style and, at the library's
//! rates, in harder classes (brief records, typing slips, dates a year off,
//! another first author, OCLC number forms, the volume moved), adds
//! *siblings* (other editions, large print, audiobook, e-book, another
//! volume, online versions of any material, generic-title groups) that must
//! not be merged with the original, and writes the truth beside the
//! libraries' exports so that the matcher's pairwise precision and recall
//! can be measured, overall and per class. The binary `netgen` is its
//! command line.
//!
//! This file holds the small helpers every bench shares: [`Rng`], a seeded
//! generator whose output is the same on every machine (no `rand`: its
//! streams are not promised to stay stable across versions), [`stable_hash`],
//! and [`fixtures_dir`], where the repository's test data lives.

pub mod demo;
pub mod known_item;
pub mod netgen;

use std::path::PathBuf;

/// A SplitMix64 generator: tiny, fast, and byte-for-byte reproducible for a
/// seed on every platform. Only integer arithmetic decides anything; the one
/// floating-point helper ([`Rng::chance`]) builds its value from 53 bits
/// exactly, so comparisons give the same answer everywhere.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective 64-bit mixer.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: mix64(seed ^ 0x6A09_E667_F3BC_C908),
        }
    }

    /// An independent stream for one entity, e.g. `(seed, [COPY, manifestation, library])`:
    /// the same parts always give the same stream, whatever was drawn before.
    pub fn derive(seed: u64, parts: &[u64]) -> Rng {
        let mut state = mix64(seed ^ 0x6A09_E667_F3BC_C908);
        for (i, part) in parts.iter().enumerate() {
            state = mix64(state ^ part.wrapping_mul(GOLDEN).wrapping_add(i as u64 + 1));
        }
        Rng { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift: the bias is
    /// below 2⁻³² for the small ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index into a collection of `len` items (0 when it is empty).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }

    /// True with probability `per_mille / 1000`.
    pub fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// One item of a slice, or None when it is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.index(items.len()))
        }
    }

    /// An index drawn with the given integer weights (0 when all are 0).
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut roll = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if roll < w {
                return i;
            }
            roll -= w;
        }
        0
    }

    /// `k` distinct indices out of `0..n`, in increasing order (all of them
    /// when `k >= n`), by selection sampling.
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k.min(n));
        for i in 0..n {
            let needed = k.saturating_sub(out.len());
            if needed == 0 {
                break;
            }
            if self.below((n - i) as u64) < needed as u64 {
                out.push(i);
            }
        }
        out
    }
}

/// A stable 64-bit hash of bytes (FNV-1a, then mixed): the same on every
/// machine and in every Rust version, unlike `std`'s `DefaultHasher`.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// The repository's `fixtures/` folder (resolved at compile time).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable() {
        // Pinned so that a change to the generator (which would change every
        // generated network) is noticed.
        let mut r = Rng::new(1);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = Rng::new(1);
        assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(
            Rng::derive(1, &[1, 2]).next_u64(),
            Rng::derive(1, &[2, 1]).next_u64()
        );
        assert_eq!(stable_hash(b"abc"), stable_hash(b"abc"));
        assert_ne!(stable_hash(b"abc"), stable_hash(b"abd"));
    }

    #[test]
    fn ranges_and_samples() {
        let mut r = Rng::new(7);
        for _ in 0..1000 {
            assert!(r.below(6) < 6);
            let v = r.between(2, 4);
            assert!((2..=4).contains(&v));
        }
        assert_eq!(r.below(0), 0);
        let s = r.sample(10, 4);
        assert_eq!(s.len(), 4);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(r.sample(3, 5), vec![0, 1, 2]);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            counts[r.weighted(&[1, 0, 2])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > counts[0]);
    }
}
