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

/// A key's records, or the reason it stopped being a key.
#[derive(Debug)]
pub(crate) enum Bucket {
    Records(Vec<u32>),
    /// Too many unrelated records carry it (a set ISBN, a reused ISBN, a
    /// common title): it identifies nothing.
    Stopped,
}

/// An identifier on more records than this is no longer used as a key.
pub const MAX_BUCKET: usize = 64;
/// An identifier on records with this many different titles is no longer
/// used as a key.
pub const MAX_TITLES_PER_IDENTIFIER: usize = 3;

/// Records by key, over a whole set of records.
pub struct KeyIndex {
    pub(crate) buckets: HashMap<SharedKey, Bucket>,
    /// Identifier keys that were stopped, for the evidence.
    pub stopped: Vec<SharedKey>,
}

impl KeyIndex {
    /// Indexes records by their keys, then stops identifiers that many
    /// unrelated records carry.
    pub fn build(records: &[Manifestation]) -> KeyIndex {
        let mut buckets: HashMap<SharedKey, Vec<u32>> = HashMap::with_capacity(records.len() * 3);
        for (i, m) in records.iter().enumerate() {
            for k in keys(m) {
                buckets.entry(k).or_default().push(i as u32);
            }
        }
        let mut stopped = Vec::new();
        let buckets = buckets
            .into_iter()
            .map(|(k, v)| {
                let stop = if k.is_identifier() {
                    v.len() > MAX_BUCKET || {
                        let mut titles: Vec<String> = v
                            .iter()
                            .map(|&i| title_prefix(&records[i as usize].title, 3))
                            .collect();
                        titles.sort();
                        titles.dedup();
                        titles.len() >= MAX_TITLES_PER_IDENTIFIER
                    }
                } else {
                    // Title keys may be larger (a prolific author's common
                    // title), but not unbounded.
                    v.len() > MAX_BUCKET * 8
                };
                if stop {
                    stopped.push(k.clone());
                    (k, Bucket::Stopped)
                } else {
                    (k, Bucket::Records(v))
                }
            })
            .collect();
        stopped.sort();
        KeyIndex { buckets, stopped }
    }

    /// The records sharing a usable key with `m`, with the keys shared.
    pub fn candidates(&self, m: &Manifestation) -> HashMap<u32, Vec<SharedKey>> {
        let mut out: HashMap<u32, Vec<SharedKey>> = HashMap::new();
        for k in keys(m) {
            if let Some(Bucket::Records(v)) = self.buckets.get(&k) {
                for &i in v {
                    out.entry(i).or_default().push(k.clone());
                }
            }
        }
        out
    }

    /// True when an identifier stopped being a key.
    pub fn is_stopped(&self, k: &SharedKey) -> bool {
        matches!(self.buckets.get(k), Some(Bucket::Stopped))
    }
}
