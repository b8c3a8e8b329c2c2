//! Pass one over the inputs: which records may become manifestations.
//!
//! A record qualifies when it is a bibliographic monograph (books, scores,
//! maps, recordings, video…; not serials, component parts, authority or
//! holdings records), has a 245 `$a`, and has at least one of a year, an
//! author or a publisher. The qualifying records are then deduplicated in
//! input order: a record sharing a valid ISBN, an OCLC number, an LCCN, or
//! its folded title + main author + year with an earlier one describes (or
//! may describe) the same manifestation and is dropped, so that the truth
//! never gives one manifestation two ids. The pass also collects every real
//! ISBN and OCLC number (invented ones must avoid them) and every
//! title/author/year key (an invented edition must not land on a real one),
//! and draws the `--max-records` originals.

use super::NetgenError;
use super::source::{Input, for_each_item};
use crate::{Rng, stable_hash};
use std::collections::{BTreeMap, HashSet};
use unicat_bib::{BibRecord, Lccn};
use unicat_marc::{Format, Record};

/// Why a readable record was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Skip {
    /// Leader/05 `d`.
    Deleted,
    /// A serial, component part, authority, holdings or realia record.
    NotMonograph,
    /// No 245 `$a` (or one of punctuation only).
    NoTitle,
    /// Neither year, author nor publisher: too thin to match on.
    TooThin,
    /// A C0 control character in a value, which MARCXML cannot carry.
    ControlCharacter,
    /// Read only after the reader repaired it (a bad indicator, subfield
    /// code or byte): not a faithful original.
    Repaired,
}

impl Skip {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Skip::Deleted => "deleted (leader/05 d)",
            Skip::NotMonograph => {
                "not a bibliographic monograph (serial, part, authority, holdings, object)"
            }
            Skip::NoTitle => "no 245 $a",
            Skip::TooThin => "no year, author or publisher",
            Skip::ControlCharacter => "control character in a value",
            Skip::Repaired => "read only with repairs (a bad byte in a field)",
        }
    }
}

/// Whether a record may become a manifestation.
pub(crate) fn check(record: &Record, bib: &BibRecord) -> Result<(), Skip> {
    let leader = &record.leader;
    if leader.is_deleted() {
        return Err(Skip::Deleted);
    }
    let typ = leader.record_type();
    if !b"acdefgijkmot".contains(&typ) || leader.bibliographic_level() != b'm' {
        return Err(Skip::NotMonograph);
    }
    let has_title = record
        .data_field("245")
        .and_then(|f| f.first('a'))
        .is_some_and(|a| !a.trim().is_empty());
    if !has_title || bib.title_key.is_empty() {
        return Err(Skip::NoTitle);
    }
    if bib.year.is_none() && bib.author_key.is_none() && bib.publisher.is_none() {
        return Err(Skip::TooThin);
    }
    if record.has_xml_illegal_chars() {
        return Err(Skip::ControlCharacter);
    }
    Ok(())
}

/// The folded title + main author + year key.
pub(crate) fn title_author_year(
    title_key: &str,
    author_key: Option<&str>,
    year: Option<u16>,
) -> u64 {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    let key = format!("{title_key}\u{1f}{}\u{1f}{year}", author_key.unwrap_or(""));
    stable_hash(key.as_bytes())
}

/// The key of a record's description.
pub(crate) fn key_of(bib: &BibRecord) -> u64 {
    title_author_year(&bib.title_key, bib.author_key.as_deref(), bib.year)
}

/// An ISBN as a number.
pub(crate) fn isbn_number(isbn: unicat_bib::Isbn13) -> u64 {
    isbn.to_string().parse().unwrap_or(0)
}

/// Counts for one input file.
#[derive(Clone, Debug, Default)]
pub struct InputStats {
    /// The file, as `truth.jsonl` names it.
    pub label: String,
    /// Record items (records and read errors).
    pub items: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Usable records that were not duplicates.
    pub unique: u64,
}

/// What pass one found in the inputs.
#[derive(Clone, Debug, Default)]
pub struct PoolStats {
    /// Per input file.
    pub inputs: Vec<InputStats>,
    /// Readable records not used, by reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Duplicates dropped, by the key they shared with an earlier record.
    pub duplicates: BTreeMap<&'static str, u64>,
    /// Usable records that were not duplicates.
    pub unique: u64,
    /// Originals drawn from them.
    pub selected: u64,
    /// The first read errors and duplicates, for the report.
    pub examples: Vec<String>,
}

/// The result of pass one.
pub(crate) struct Pool {
    /// Global item numbers of the originals, increasing.
    pub(crate) selected: Vec<u64>,
    /// Every valid ISBN of a qualifying record.
    pub(crate) isbns: HashSet<u64>,
    /// Every OCLC number of a qualifying record.
    pub(crate) oclc: HashSet<u64>,
    /// Every title/author/year key of a qualifying record.
    pub(crate) keys: HashSet<u64>,
    pub(crate) stats: PoolStats,
}

const MAX_EXAMPLES: usize = 12;

/// Runs pass one.
pub(crate) fn scan(
    inputs: &[Input],
    format: Option<Format>,
    seed: u64,
    max_records: Option<usize>,
) -> Result<Pool, NetgenError> {
    let mut pool = Pool {
        selected: Vec::new(),
        isbns: HashSet::new(),
        oclc: HashSet::new(),
        keys: HashSet::new(),
        stats: PoolStats {
            inputs: inputs
                .iter()
                .map(|i| InputStats {
                    label: i.label.clone(),
                    ..InputStats::default()
                })
                .collect(),
            ..PoolStats::default()
        },
    };
    let mut lccns: HashSet<u64> = HashSet::new();
    let mut candidates: Vec<u64> = Vec::new();
    let mut error_examples = 0;
    for_each_item(inputs, format, |item| {
        let stats = &mut pool.stats;
        let input = &mut stats.inputs[item.input];
        input.items += 1;
        let record = match item.record {
            Ok(r) => r,
            Err(e) => {
                input.errors += 1;
                if error_examples < MAX_EXAMPLES / 2 {
                    error_examples += 1;
                    stats
                        .examples
                        .push(format!("read error in {}: {e}", input.label));
                }
                return Ok(());
            }
        };
        if item.repaired {
            *stats.skipped.entry(Skip::Repaired.reason()).or_default() += 1;
            return Ok(());
        }
        let bib = BibRecord::from_marc(&record);
        if let Err(skip) = check(&record, &bib) {
            *stats.skipped.entry(skip.reason()).or_default() += 1;
            return Ok(());
        }
        let isbns: Vec<u64> = bib.isbn_list().map(isbn_number).collect();
        let oclc: Vec<u64> = bib.oclc_numbers.iter().map(|n| n.value()).collect();
        let lccn = bib
            .lccn
            .as_ref()
            .map(Lccn::as_str)
            .map(|s| stable_hash(s.as_bytes()));
        let key = key_of(&bib);
        let duplicate = if isbns.iter().any(|i| pool.isbns.contains(i)) {
            Some("same ISBN")
        } else if oclc.iter().any(|n| pool.oclc.contains(n)) {
            Some("same OCLC number")
        } else if lccn.is_some_and(|l| lccns.contains(&l)) {
            Some("same LCCN")
        } else if pool.keys.contains(&key) {
            Some("same title, author and year")
        } else {
            None
        };
        // A duplicate's identifiers join the set too: a third record sharing
        // only them is the same manifestation again.
        pool.isbns.extend(&isbns);
        pool.oclc.extend(&oclc);
        lccns.extend(lccn);
        pool.keys.insert(key);
        match duplicate {
            Some(reason) => {
                *stats.duplicates.entry(reason).or_default() += 1;
                if stats.examples.len() < MAX_EXAMPLES {
                    stats.examples.push(format!(
                        "duplicate ({reason}): {}#{} {:?}",
                        input.label, item.ordinal, bib.title
                    ));
                }
            }
            None => {
                input.unique += 1;
                stats.unique += 1;
                candidates.push(item.global);
            }
        }
        Ok(())
    })?;
    pool.selected = match max_records {
        Some(m) if m < candidates.len() => Rng::derive(seed, &[super::stream::SELECT])
            .sample(candidates.len(), m)
            .into_iter()
            .map(|i| candidates[i])
            .collect(),
        _ => candidates,
    };
    pool.stats.selected = pool.selected.len() as u64;
    Ok(pool)
}
