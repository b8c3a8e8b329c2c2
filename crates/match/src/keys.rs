//! Candidate keys: records that share one are compared; no other pair is.

use crate::evidence::SharedKey;
use crate::features::Manifestation;
use std::collections::HashMap;

/// The first words of a folded title.
pub fn title_prefix(title: &str, words: usize) -> String {
    title
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every key a record can be found by. The title key is the first word of
/// the title proper with the main author's surname and the year: short
/// enough that a subtitle dropped, or folded into the title, does not
/// change it; with the year, small enough to stay cheap for prolific
/// authors (the year guard would keep other years apart anyway). A record
/// without an author gets the first two words with the year.
pub fn keys(m: &Manifestation) -> Vec<SharedKey> {
    let mut out = Vec::with_capacity(m.isbns.len() + m.oclc.len() + 3);
    out.extend(m.oclc.iter().map(|o| SharedKey::Oclc(o.value())));
    out.extend(m.isbns.iter().map(|(i, _)| SharedKey::Isbn(i.to_string())));
    if let Some(l) = &m.lccn {
        out.push(SharedKey::Lccn(l.as_str().to_string()));
    }
    out.extend(m.issns.iter().map(|i| SharedKey::Issn(i.to_string())));
    let year = m.year.map(|y| y.to_string()).unwrap_or_default();
    match &m.author {
        Some(a) => {
            let t = title_prefix(&m.title, 1);
            if !t.is_empty() {
                out.push(SharedKey::TitleAuthor(format!("{t}|{a}|{year}")));
            }
        }
        None if m.year.is_some() => {
            let t = title_prefix(&m.title, 2);
            if !t.is_empty() {
                out.push(SharedKey::TitleYear(format!("{t}|{year}")));
            }
        }
        None => {}
    }
    out
}

/// The keys two records share.
pub fn shared(a: &Manifestation, b: &Manifestation) -> Vec<SharedKey> {
    let kb = keys(b);
    keys(a).into_iter().filter(|k| kb.contains(k)).collect()
}

/// An identifier on more records than this is no longer used as a key.
pub const MAX_BUCKET: usize = 64;
/// An identifier on records with this many different titles is no longer
/// used as a key.
pub const MAX_TITLES_PER_IDENTIFIER: usize = 3;

/// Feeds bytes to a hasher as one stream (`Hasher::write` pieces hash like
/// their concatenation), so a key hashes the same whether it is built from
/// a record's fields or read from its [`SharedKey`] text.
struct Feed(std::hash::DefaultHasher);

impl std::fmt::Write for Feed {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

use std::hash::Hasher;

impl Feed {
    fn new(strength: u8) -> Feed {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u8(strength);
        Feed(h)
    }
    fn text(mut self, parts: &[&str]) -> u64 {
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                self.0.write(b"|");
            }
            self.0.write(p.as_bytes());
        }
        self.0.finish()
    }
    fn display(mut self, v: impl std::fmt::Display) -> u64 {
        use std::fmt::Write;
        let _ = write!(self, "{v}");
        self.0.finish()
    }
}

/// A key reduced to 64 bits (SipHash), with its strength (which kind of
/// key it is, see [`SharedKey::strength`]).
pub(crate) type KeyHash = (u64, u8);

/// The hash of a key, as [`hash_keys`] computes it from a record.
pub fn hash_key(k: &SharedKey) -> u64 {
    let f = Feed::new(k.strength());
    match k {
        SharedKey::Oclc(n) => f.display(n),
        SharedKey::Isbn(v)
        | SharedKey::Lccn(v)
        | SharedKey::Issn(v)
        | SharedKey::TitleAuthor(v)
        | SharedKey::TitleYear(v) => f.text(&[v]),
    }
}

/// The hashes of [`keys`], without building their text.
pub(crate) fn hash_keys(m: &Manifestation, out: &mut Vec<KeyHash>) {
    out.extend(m.oclc.iter().map(|o| (Feed::new(6).display(o.value()), 6)));
    out.extend(m.isbns.iter().map(|(i, _)| (Feed::new(5).display(i), 5)));
    if let Some(l) = &m.lccn {
        out.push((Feed::new(4).text(&[l.as_str()]), 4));
    }
    out.extend(m.issns.iter().map(|i| (Feed::new(3).display(i), 3)));
    let mut year_buf = [0u8; 5];
    let year = match m.year {
        Some(y) => {
            use std::io::Write;
            let mut w = &mut year_buf[..];
            let _ = write!(w, "{y}");
            let n = 5 - w.len();
            std::str::from_utf8(&year_buf[..n]).unwrap_or("")
        }
        None => "",
    };
    let mut words = m.title.split(' ').filter(|w| !w.is_empty());
    match &m.author {
        Some(a) => {
            if let Some(t) = words.next() {
                out.push((Feed::new(2).text(&[t, a, year]), 2));
            }
        }
        None if m.year.is_some() => match (words.next(), words.next()) {
            (Some(t1), Some(t2)) => {
                let mut f = Feed::new(1);
                f.0.write(t1.as_bytes());
                f.0.write(b" ");
                out.push((f.text(&[t2, year]), 1));
            }
            (Some(t1), None) => out.push((Feed::new(1).text(&[t1, year]), 1)),
            _ => {}
        },
        None => {}
    }
}

/// The hash of a title's first three words (to count different titles).
fn title3_hash(title: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for w in title.split(' ').filter(|w| !w.is_empty()).take(3) {
        h.write(w.as_bytes());
        h.write_u8(0xFF);
    }
    h.finish()
}

/// Whether a key of this strength, carried by this run of records, stops
/// being a key: an identifier (strength 3 and up) carried by more than
/// [`MAX_BUCKET`] records or by records of [`MAX_TITLES_PER_IDENTIFIER`]
/// different titles (`titles`: each record's three-word title hash); a
/// title key carried by more than eight times that (a prolific author's
/// common title), so that no bucket is unbounded.
fn stops(strength: u8, run: &[(u64, u32)], titles: &[u64]) -> bool {
    if strength < 3 {
        return run.len() > MAX_BUCKET * 8;
    }
    run.len() > MAX_BUCKET
        || run.len() >= MAX_TITLES_PER_IDENTIFIER && {
            let mut t: Vec<u64> = run.iter().map(|&(_, i)| titles[i as usize]).collect();
            t.sort_unstable();
            t.dedup();
            t.len() >= MAX_TITLES_PER_IDENTIFIER
        }
}

/// A usable key's records: a range of [`KeyIndex::entries`].
#[derive(Clone, Copy, Debug)]
struct Bucket {
    start: u32,
    len: u32,
    stopped: bool,
}

type IdentityMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<IdentityHasher>>;

/// The keys are SipHash values already: no need to hash them again.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One chunk of runs judged: its buckets by key, and the identifiers
/// stopped.
type Judged = (Vec<(u64, Bucket)>, Vec<SharedKey>);

/// Records by key, over a whole set of records.
///
/// Keys are kept as 64-bit hashes in one sorted array (no key text, no
/// allocation per key). A hash collision can only add a candidate, never
/// merge one: the pair must still pass every guard, and the clustering
/// checks that a join shares a real key (see [`KeyIndex::shared`]).
pub struct KeyIndex {
    /// (key, record), sorted: each key's records are a run.
    entries: Vec<(u64, u32)>,
    buckets: IdentityMap<Bucket>,
    /// Each record's keys: `record_keys[key_start[i]..key_start[i + 1]]`.
    record_keys: Vec<KeyHash>,
    key_start: Vec<u32>,
    /// Identifier keys that were stopped, for the evidence.
    pub stopped: Vec<SharedKey>,
}

/// A record that shares a usable key with the one being placed, and which
/// kinds of key they share (bit `1 << strength`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub record: u32,
    pub kinds: u8,
}

impl Candidate {
    /// The strongest kind of key shared.
    pub fn strength(&self) -> u8 {
        7 - self.kinds.leading_zeros() as u8
    }
    /// True when an identifier (not a title key) is shared.
    pub fn strong(&self) -> bool {
        self.kinds & !0b111 != 0
    }
}

impl KeyIndex {
    /// Indexes records by their keys, then stops identifiers that many
    /// unrelated records carry. Keys are computed, and their runs judged,
    /// on rayon.
    pub fn build(records: &[Manifestation]) -> KeyIndex {
        use rayon::prelude::*;
        let per_record: Vec<(Vec<KeyHash>, u64)> = records
            .par_iter()
            .map(|m| {
                let mut v = Vec::with_capacity(m.isbns.len() + m.oclc.len() + 3);
                hash_keys(m, &mut v);
                (v, title3_hash(&m.title))
            })
            .collect();
        let mut key_start = Vec::with_capacity(records.len() + 1);
        let mut record_keys = Vec::with_capacity(per_record.iter().map(|r| r.0.len()).sum());
        let mut titles = Vec::with_capacity(records.len());
        key_start.push(0u32);
        for (keys, title) in &per_record {
            record_keys.extend_from_slice(keys);
            key_start.push(record_keys.len() as u32);
            titles.push(*title);
        }
        drop(per_record);
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(record_keys.len());
        for (i, w) in key_start.windows(2).enumerate() {
            entries.extend(
                record_keys[w[0] as usize..w[1] as usize]
                    .iter()
                    .map(|&(h, _)| (h, i as u32)),
            );
        }
        entries.par_sort_unstable();

        // Each key's run of records becomes a bucket; runs are judged on
        // rayon, in chunks that start at a run's start.
        let chunks = rayon::current_num_threads() * 8;
        let mut bounds: Vec<usize> = (0..chunks)
            .map(|k| {
                let mut at = k * entries.len() / chunks;
                while at > 0 && at < entries.len() && entries[at].0 == entries[at - 1].0 {
                    at += 1;
                }
                at
            })
            .collect();
        bounds.push(entries.len());
        bounds.dedup();
        let judged: Vec<Judged> = bounds
            .par_windows(2)
            .map(|w| {
                let mut buckets = Vec::new();
                let mut stopped = Vec::new();
                let mut start = w[0];
                while start < w[1] {
                    let key = entries[start].0;
                    // Runs are short (a few records): a linear scan.
                    let len = entries[start..w[1]]
                        .iter()
                        .position(|e| e.0 != key)
                        .unwrap_or(w[1] - start);
                    let run = &entries[start..start + len];
                    let first = run[0].1 as usize;
                    let strength = record_keys
                        [key_start[first] as usize..key_start[first + 1] as usize]
                        .iter()
                        .find(|k| k.0 == key)
                        .map_or(0, |k| k.1);
                    let stop = stops(strength, run, &titles);
                    if stop
                        && strength >= 3
                        && let Some(k) = keys(&records[first])
                            .into_iter()
                            .find(|k| hash_key(k) == key)
                    {
                        stopped.push(k);
                    }
                    buckets.push((
                        key,
                        Bucket {
                            start: start as u32,
                            len: len as u32,
                            stopped: stop,
                        },
                    ));
                    start += len;
                }
                (buckets, stopped)
            })
            .collect();
        let mut buckets: IdentityMap<Bucket> = IdentityMap::with_capacity_and_hasher(
            judged.iter().map(|j| j.0.len()).sum(),
            Default::default(),
        );
        let mut stopped = Vec::new();
        for (b, s) in judged {
            buckets.extend(b);
            stopped.extend(s);
        }
        stopped.sort();
        stopped.dedup();
        KeyIndex {
            entries,
            buckets,
            record_keys,
            key_start,
            stopped,
        }
    }

    /// A record's key hashes.
    fn keys_of(&self, record: u32) -> &[KeyHash] {
        let r = record as usize;
        &self.record_keys[self.key_start[r] as usize..self.key_start[r + 1] as usize]
    }

    /// The records sharing a usable key with `record` (itself included),
    /// sorted by record, each with the kinds of key shared.
    pub(crate) fn candidates(&self, record: u32, out: &mut Vec<Candidate>) {
        out.clear();
        for &(h, strength) in self.keys_of(record) {
            if let Some(b) = self.buckets.get(&h).filter(|b| !b.stopped) {
                let run = &self.entries[b.start as usize..(b.start + b.len) as usize];
                out.extend(run.iter().map(|&(_, r)| Candidate {
                    record: r,
                    kinds: 1 << strength,
                }));
            }
        }
        out.sort_unstable_by_key(|c| c.record);
        out.dedup_by(|b, a| {
            if a.record == b.record {
                a.kinds |= b.kinds;
                true
            } else {
                false
            }
        });
    }

    /// The usable keys two records share, in words (for the evidence):
    /// empty when they share none.
    pub fn shared(&self, a: &Manifestation, b: &Manifestation) -> Vec<SharedKey> {
        shared(a, b)
            .into_iter()
            .filter(|k| !self.is_stopped(k))
            .collect()
    }

    /// True when a key stopped being a key.
    pub fn is_stopped(&self, k: &SharedKey) -> bool {
        self.buckets.get(&hash_key(k)).is_some_and(|b| b.stopped)
    }

    /// Calls `f(a, b)` for records that share a usable key, so that a
    /// caller can join them into groups: consecutive records of each key.
    pub(crate) fn for_each_link(&self, mut f: impl FnMut(u32, u32)) {
        for b in self.buckets.values().filter(|b| !b.stopped) {
            let run = &self.entries[b.start as usize..(b.start + b.len) as usize];
            for w in run.windows(2) {
                f(w[0].1, w[1].1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_from_a_record_equal_hashes_of_its_keys_in_words() {
        let mut m = Manifestation {
            title: "sense and sensibility".into(),
            subtitle: String::new(),
            author: Some("austen".into()),
            year: Some(1913),
            publisher: vec![],
            format: Default::default(),
            edition: None,
            part: None,
            series_number: None,
            volumes: None,
            pages: None,
            language: None,
            isbns: vec![(unicat_bib::Isbn13::parse("0940787083").unwrap(), false)],
            issns: vec![unicat_bib::Issn::parse("0028-0836").unwrap()],
            oclc: vec![unicat_bib::OclcNumber::parse("(OCoLC)ocm00012345").unwrap()],
            lccn: unicat_bib::Lccn::parse("85-12345"),
        };
        for author in [Some("austen".to_string()), None] {
            m.author = author;
            let mut hashes = Vec::new();
            hash_keys(&m, &mut hashes);
            let words = keys(&m);
            assert_eq!(hashes.len(), words.len());
            for ((h, s), k) in hashes.iter().zip(&words) {
                assert_eq!(*h, hash_key(k), "{k}");
                assert_eq!(*s, k.strength(), "{k}");
            }
        }
        // Different keys, different hashes.
        let mut other = m.clone();
        other.year = Some(1914);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        hash_keys(&m, &mut a);
        hash_keys(&other, &mut b);
        assert_ne!(a.last(), b.last());
    }

    #[test]
    fn candidate_strength_and_strong() {
        let c = Candidate {
            record: 0,
            kinds: (1 << 2) | (1 << 5),
        };
        assert_eq!(c.strength(), 5);
        assert!(c.strong());
        let t = Candidate {
            record: 0,
            kinds: 1 << 2,
        };
        assert_eq!(t.strength(), 2);
        assert!(!t.strong());
    }
}
