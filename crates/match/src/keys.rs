//! Candidate keys: records that share one are compared; no other pair is.

use crate::evidence::SharedKey;
use crate::features::Manifestation;
use std::collections::HashMap;

/// Letters of the title in the title keys (spaces left out, so that a
/// missing or misplaced space, `MilesD avis`, does not change them).
const TITLE_KEY_LETTERS: usize = 6;
/// Letters of the title in the title-and-year key of records without names.
const TITLE_YEAR_LETTERS: usize = 8;
/// Names a record is found by.
const KEY_NAMES: usize = 3;

/// Calls `emit(strength, text)` for every key a record can be found by:
/// - its identifiers (OCLC numbers, merged ones included, ISBNs, LCCN,
///   ISSNs);
/// - the beginning of its title with each of its first names (main and
///   added entries, then the surnames of the statement of responsibility),
///   without the year, so that a year one off still meets;
/// - its first two names with the year, so that a title with a typing slip
///   at its start still meets;
/// - the beginning of its title with the year, so that a brief record that
///   names nobody meets a full one.
///
/// Each key's text is written into one buffer, reused (it runs for every
/// record of a network when the key index is built).
fn each_key(m: &Manifestation, mut emit: impl FnMut(u8, &str)) {
    use std::fmt::Write;
    let mut text = String::with_capacity(64);
    let mut one = |strength: u8, write: &mut dyn FnMut(&mut String)| {
        text.clear();
        write(&mut text);
        emit(strength, &text);
    };
    for o in m.oclc.iter().chain(&m.merged_oclc) {
        one(6, &mut |t| {
            let _ = write!(t, "{}", o.value());
        });
    }
    for (i, _) in &m.isbns {
        one(5, &mut |t| {
            let _ = write!(t, "{i}");
        });
    }
    if let Some(l) = &m.lccn {
        one(4, &mut |t| t.push_str(l.as_str()));
    }
    for i in &m.issns {
        one(3, &mut |t| {
            let _ = write!(t, "{i}");
        });
    }
    let mut names: [&str; KEY_NAMES] = [""; KEY_NAMES];
    let mut count = 0;
    for n in m.all_names() {
        if count == KEY_NAMES {
            break;
        }
        if !names[..count].contains(&n) {
            names[count] = n;
            count += 1;
        }
    }
    let names = &names[..count];
    let prefix = |t: &mut String, letters: usize| {
        t.extend(m.title.chars().filter(|c| *c != ' ').take(letters));
    };
    if !m.title.is_empty() {
        for n in names {
            one(2, &mut |t| {
                prefix(t, TITLE_KEY_LETTERS);
                t.push('|');
                t.push_str(n);
            });
        }
    }
    if let Some(year) = m.year {
        for n in names.iter().take(2) {
            one(0, &mut |t| {
                let _ = write!(t, "{n}|{year}");
            });
        }
        if !m.title.is_empty() {
            one(1, &mut |t| {
                prefix(t, TITLE_YEAR_LETTERS);
                let _ = write!(t, "|{year}");
            });
        }
    }
}

/// A key in words, from its strength and text.
fn key_in_words(strength: u8, text: String) -> SharedKey {
    match strength {
        6 => SharedKey::Oclc(text.parse().unwrap_or_default()),
        5 => SharedKey::Isbn(text),
        4 => SharedKey::Lccn(text),
        3 => SharedKey::Issn(text),
        2 => SharedKey::TitleAuthor(text),
        1 => SharedKey::TitleYear(text),
        _ => SharedKey::NameYear(text),
    }
}

/// Every key a record can be found by, in words (see [`each_key`]).
pub fn keys(m: &Manifestation) -> Vec<SharedKey> {
    let mut out = Vec::with_capacity(m.isbns.len() + m.oclc.len() + 6);
    each_key(m, |strength, text| {
        out.push(key_in_words(strength, text.to_string()));
    });
    out.dedup();
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

/// The hash of a key's text with its strength: eight bytes at a time,
/// multiplied and rotated (as rustc's FxHash), then mixed by MurmurHash3's
/// finaliser so that every bit of the text reaches every bit of the hash.
/// Keys are hashed for every record of a network when the key index is
/// built, and SipHash (the standard library's, made to resist chosen
/// inputs, which a batch index need not) took a third of that time. A
/// collision can only add a candidate: the pair must still be a match.
fn hash_text(strength: u8, text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let bytes = text.as_bytes();
    let mut h = step(u64::from(strength), bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = step(h, u64::from_le_bytes(c.try_into().expect("eight bytes")));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = step(h, u64::from_le_bytes(tail));
    // fmix64
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A key reduced to 64 bits (SipHash), with its strength (which kind of
/// key it is, see [`SharedKey::strength`]).
pub type KeyHash = (u64, u8);

/// The hash of a key, as [`hash_keys`] computes it from a record.
pub fn hash_key(k: &SharedKey) -> u64 {
    let s = k.strength();
    match k {
        SharedKey::Oclc(n) => hash_text(s, &n.to_string()),
        SharedKey::Isbn(v)
        | SharedKey::Lccn(v)
        | SharedKey::Issn(v)
        | SharedKey::TitleAuthor(v)
        | SharedKey::TitleYear(v)
        | SharedKey::NameYear(v) => hash_text(s, v),
    }
}

/// The hashes of [`keys`], without building their text.
pub(crate) fn hash_keys(m: &Manifestation, out: &mut Vec<KeyHash>) {
    let start = out.len();
    each_key(m, |strength, text| {
        out.push((hash_text(strength, text), strength));
    });
    // The same key twice (an OCLC number in 035 and 019): once.
    let mine = &mut out[start..];
    mine.sort_unstable();
    let mut kept = start;
    for i in start..out.len() {
        if kept == start || out[i] != out[kept - 1] {
            out[kept] = out[i];
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// The hash of a title's first three words (to count different titles).
fn title3_hash(title: &str) -> u64 {
    let end = title
        .match_indices(' ')
        .nth(2)
        .map_or(title.len(), |(at, _)| at);
    hash_text(0xFF, &title[..end])
}

/// A title or name key on records of more different titles than this is no
/// longer used as a key: `united states|1975` names hundreds of documents,
/// and comparing each with all the others would cost more than it finds.
/// Many copies of a few titles (a popular book in every library) stay a key.
pub const MAX_TITLES_PER_TITLE_KEY: usize = 8;

/// Whether a key of this strength, carried by this run of records, stops
/// being a key: an identifier (strength 3 and up) carried by more than
/// [`MAX_BUCKET`] records or by records of [`MAX_TITLES_PER_IDENTIFIER`]
/// different titles (`titles`: each record's three-word title hash and
/// whole title hash); a
/// title or name key carried by records of more than
/// [`MAX_TITLES_PER_TITLE_KEY`] titles, or by more than eight times
/// [`MAX_BUCKET`] records, so that no bucket is unbounded.
fn stops(strength: u8, run: &[KeyEntry], titles: &[(u64, u64)]) -> bool {
    stops_by(strength, run.len(), |i| titles[run[i].1 as usize])
}

/// [`stops`] for a run of `len` records, the titles of the `i`th given by
/// `title_of(i)`.
fn stops_by(strength: u8, len: usize, title_of: impl Fn(usize) -> (u64, u64)) -> bool {
    let distinct_titles_over = |limit: usize, title: fn(&(u64, u64)) -> u64| {
        len > limit && {
            let mut t: Vec<u64> = (0..len).map(|i| title(&title_of(i))).collect();
            t.sort_unstable();
            t.dedup();
            t.len() > limit
        }
    };
    if strength < 3 {
        // Whole titles: "history of the …" is the beginning of thousands.
        return len > MAX_BUCKET * 8 || distinct_titles_over(MAX_TITLES_PER_TITLE_KEY, |t| t.1);
    }
    // The first three words: records of one book may differ in subtitle.
    len > MAX_BUCKET || distinct_titles_over(MAX_TITLES_PER_IDENTIFIER - 1, |t| t.0)
}

/// Whether a key of this strength stops being a key when the records that
/// carry it have these title hashes (one [`RecordKeys::titles`] per
/// record): the rule [`KeyIndex::build`] applies, for a caller that keeps a
/// key's records elsewhere (the record store) and judges it alone.
pub fn key_stops(strength: u8, titles: &[(u64, u64)]) -> bool {
    stops_by(strength, titles.len(), |i| titles[i])
}

/// What the key index knows of one record: its keys' hashes (with their
/// strength) and its title hashes (the first three words, the whole
/// title), which judge whether a key many records carry stops.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordKeys {
    /// (hash, strength) of each key, sorted, without repeats.
    pub keys: Vec<(u64, u8)>,
    /// (first three words, whole title) hashes.
    pub titles: (u64, u64),
}

impl RecordKeys {
    /// A record's keys and title hashes.
    pub fn of(m: &Manifestation) -> RecordKeys {
        let mut keys = Vec::with_capacity(m.isbns.len() + m.oclc.len() + 3);
        hash_keys(m, &mut keys);
        RecordKeys {
            keys,
            titles: (title3_hash(&m.title), hash_text(0xFE, &m.title)),
        }
    }
}

/// One record's carrying of one key: (key hash, record, the key's
/// strength).
pub type KeyEntry = (u64, u32, u8);

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

impl std::hash::Hasher for IdentityHasher {
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
/// merge one: the pair must still be a match, and the clustering
/// checks that a join shares a real key (see [`KeyIndex::shared`]).
pub struct KeyIndex {
    /// (key, record, the key's strength), sorted: each key's records are a
    /// run. The strength rides along (in what would be padding) so that
    /// a run's kind is known without a look into the first record's keys.
    entries: Vec<KeyEntry>,
    buckets: IdentityMap<Bucket>,
    /// Each record's keys: `record_keys[key_start[i]..key_start[i + 1]]`.
    record_keys: Vec<KeyHash>,
    key_start: Vec<u32>,
    /// Each record's title hashes (see [`RecordKeys::titles`]).
    titles: Vec<(u64, u64)>,
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
}

impl KeyIndex {
    /// Indexes records by their keys, then stops identifiers that many
    /// unrelated records carry. Keys are computed, and their runs judged,
    /// on rayon.
    pub fn build(records: &[Manifestation]) -> KeyIndex {
        KeyIndex::build_judged(records, None)
    }

    /// Indexes some of a network's records by their keys, each key usable
    /// or not as `usable` says (judged over every record of the network
    /// that carries it, which this set may not hold); a key it does not
    /// name is not used. For a re-clustering that loads only the records
    /// near a change: only the keys of the records it places need judging.
    /// The evidence's list of stopped identifiers is left empty.
    pub fn build_partial(records: &[Manifestation], usable: &HashMap<u64, bool>) -> KeyIndex {
        KeyIndex::build_judged(records, Some(usable))
    }

    fn build_judged(records: &[Manifestation], usable: Option<&HashMap<u64, bool>>) -> KeyIndex {
        use rayon::prelude::*;
        let per_record: Vec<(Vec<KeyHash>, (u64, u64))> = records
            .par_iter()
            .map(|m| {
                let mut v = Vec::with_capacity(m.isbns.len() + m.oclc.len() + 3);
                hash_keys(m, &mut v);
                (v, (title3_hash(&m.title), hash_text(0xFE, &m.title)))
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
        let mut entries: Vec<KeyEntry> = Vec::with_capacity(record_keys.len());
        for (i, w) in key_start.windows(2).enumerate() {
            entries.extend(
                record_keys[w[0] as usize..w[1] as usize]
                    .iter()
                    .map(|&(h, strength)| (h, i as u32, strength)),
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
                    let strength = run[0].2;
                    let stop = match usable {
                        Some(usable) => !usable.get(&key).copied().unwrap_or(false),
                        None => stops(strength, run, &titles),
                    };
                    if stop
                        && usable.is_none()
                        && strength >= 3
                        && let Some(k) = keys(&records[first])
                            .into_iter()
                            .find(|k| hash_key(k) == key)
                    {
                        stopped.push(k);
                    }
                    // A key only one record has links nothing: no bucket.
                    if len > 1 {
                        buckets.push((
                            key,
                            Bucket {
                                start: start as u32,
                                len: len as u32,
                                stopped: stop,
                            },
                        ));
                    }
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
            titles,
            stopped,
        }
    }

    /// A record's keys and title hashes, as [`RecordKeys::of`] gives them.
    pub fn record_keys(&self, record: u32) -> RecordKeys {
        RecordKeys {
            keys: self.keys_of(record).to_vec(),
            titles: self.titles[record as usize],
        }
    }

    /// A record's title hashes (see [`RecordKeys::titles`]).
    pub fn titles(&self, record: u32) -> (u64, u64) {
        self.titles[record as usize]
    }

    /// Calls `f(key, strength, records)` for every key any record carries
    /// (usable or not, carried by one record or more), in ascending order
    /// of the key's hash, with its records in ascending order.
    pub fn for_each_key(&self, mut f: impl FnMut(u64, u8, &[KeyEntry])) {
        let mut start = 0;
        while start < self.entries.len() {
            let key = self.entries[start].0;
            let len = self.entries[start..]
                .iter()
                .position(|e| e.0 != key)
                .unwrap_or(self.entries.len() - start);
            let run = &self.entries[start..start + len];
            f(key, run[0].2, run);
            start += len;
        }
    }

    /// A record's key hashes and their strengths (see
    /// [`RecordKeys::keys`]), without a copy.
    pub fn keys_of(&self, record: u32) -> &[KeyHash] {
        let r = record as usize;
        &self.record_keys[self.key_start[r] as usize..self.key_start[r + 1] as usize]
    }

    /// The records sharing a usable key with `record` that `keep` keeps,
    /// sorted by record, each with the kinds of key shared.
    pub(crate) fn candidates(
        &self,
        record: u32,
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<Candidate>,
    ) {
        out.clear();
        for &(h, strength) in self.keys_of(record) {
            if let Some(b) = self.buckets.get(&h).filter(|b| !b.stopped) {
                let run = &self.entries[b.start as usize..(b.start + b.len) as usize];
                out.extend(
                    run.iter()
                        .filter(|&&(_, r, _)| keep(r))
                        .map(|&(_, r, _)| Candidate {
                            record: r,
                            kinds: 1 << strength,
                        }),
                );
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
            names: vec!["austen".into()],
            statement: vec![],
            year: Some(1913),
            years: vec![1913],
            publisher: vec![],
            format: Default::default(),
            online: false,
            edition: None,
            part: None,
            series_number: None,
            volumes: None,
            pages: None,
            language: None,
            isbns: vec![(unicat_bib::Isbn13::parse("0940787083").unwrap(), false)],
            issns: vec![unicat_bib::Issn::parse("0028-0836").unwrap()],
            oclc: vec![unicat_bib::OclcNumber::parse("(OCoLC)ocm00012345").unwrap()],
            merged_oclc: vec![],
            lccn: unicat_bib::Lccn::parse("85-12345"),
            host: None,
            generic_title: false,
            work_title: None,
            uniform_is_collective: false,
        };
        for names in [vec!["austen".to_string()], vec![]] {
            m.names = names;
            let mut hashes = Vec::new();
            hash_keys(&m, &mut hashes);
            let words = keys(&m);
            assert_eq!(hashes.len(), words.len());
            for k in &words {
                assert!(hashes.contains(&(hash_key(k), k.strength())), "{k}");
            }
        }
        // Different keys, different hashes.
        let mut other = m.clone();
        other.year = Some(1914);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        hash_keys(&m, &mut a);
        hash_keys(&other, &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn candidate_strength() {
        let c = Candidate {
            record: 0,
            kinds: (1 << 2) | (1 << 5),
        };
        assert_eq!(c.strength(), 5);
    }
}
