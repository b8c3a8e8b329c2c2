//! Pass two over the inputs: every drawn original becomes a manifestation
//! (plus its siblings), whose copies are re-catalogued, identified, given
//! items and written to their libraries' exports as the input streams by.
//! Only one original and its copies are in memory at a time.
//!
//! Every random choice comes from a stream derived from the seed and what
//! it is about (the original's position, the manifestation and library of a
//! copy), so the output is the same on every machine; the few things that
//! are sequential (manifestation and record numbers, barcodes, invented
//! identifiers that must stay unique) follow input order.

use super::classes::oclc::{self, OclcWriting};
use super::classes::{self, Class, LibraryCopy};
use super::ids::IdAllocator;
use super::library::Library;
use super::marcedit::{data, insert_in_order, remove_data_fields, set_control};
use super::output::{Export, TruthLine, truth_line};
use super::pool::Pool;
use super::sibling::{self, Context, Variant};
use super::source::{Input, Item, for_each_item};
use super::{Config, NetgenError, Summary, generic, holdings, online, stream};
use crate::Rng;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use unicat_bib::BibRecord;
use unicat_marc::{Field, Record, Subfield, WriteError};

/// The state of pass two.
pub(crate) struct Generator<'a> {
    config: &'a Config,
    libraries: &'a [Library],
    exports: Vec<Export>,
    truth: BufWriter<File>,
    truth_path: PathBuf,
    ids: IdAllocator,
    keys: HashSet<u64>,
    /// Records numbered so far, per library.
    record_numbers: Vec<u64>,
    /// Items numbered so far, per library.
    barcodes: Vec<u64>,
    pub(crate) summary: Summary,
}

impl<'a> Generator<'a> {
    /// Creates the library exports and the truth file under `config.out`.
    pub(crate) fn new(
        config: &'a Config,
        libraries: &'a [Library],
        pool: Pool,
    ) -> Result<Generator<'a>, NetgenError> {
        let mut exports = Vec::with_capacity(libraries.len());
        for lib in libraries {
            let dir = config.out.join(&lib.id);
            std::fs::create_dir_all(&dir).map_err(|source| NetgenError::Io {
                path: dir.clone(),
                source,
            })?;
            let path = config.out.join(lib.export_path());
            exports.push(
                Export::create(&path, lib.format).map_err(|source| NetgenError::Io {
                    path: path.clone(),
                    source,
                })?,
            );
        }
        let truth_path = config.out.join("truth.jsonl");
        let truth = File::create(&truth_path).map_err(|source| NetgenError::Io {
            path: truth_path.clone(),
            source,
        })?;
        let n = libraries.len();
        Ok(Generator {
            config,
            libraries,
            exports,
            truth: BufWriter::with_capacity(1 << 20, truth),
            truth_path,
            ids: IdAllocator::new(pool.isbns, pool.oclc),
            keys: pool.keys,
            record_numbers: vec![0; n],
            barcodes: vec![0; n],
            summary: Summary {
                per_library: vec![0; n],
                pool: pool.stats,
                ..Summary::default()
            },
        })
    }

    /// Walks the inputs again and generates from every drawn original.
    pub(crate) fn run(
        mut self,
        inputs: &[Input],
        selected: &[u64],
    ) -> Result<Summary, NetgenError> {
        let mut next = selected.iter().copied().peekable();
        for_each_item(inputs, self.config.format_in, |item| {
            if next.peek() != Some(&item.global) {
                return Ok(());
            }
            next.next();
            let label = &inputs[item.input].label;
            self.original(item, label)
        })?;
        for (lib, export) in self.libraries.iter().zip(self.exports) {
            export.finish().map_err(|source| NetgenError::Write {
                library: lib.id.clone(),
                source,
            })?;
        }
        let io = |source| NetgenError::Io {
            path: self.truth_path.clone(),
            source,
        };
        self.truth.flush().map_err(io)?;
        self.summary.oclc_invented = self.ids.oclc_made;
        self.summary.isbns_invented = self.ids.isbns_made;
        Ok(self.summary)
    }

    fn original(&mut self, item: Item, label: &str) -> Result<(), NetgenError> {
        // Pass one read this record without error; the same bytes read the same.
        let Ok(record) = item.record else {
            return Ok(());
        };
        let bib = BibRecord::from_marc(&record);
        let mut rng = Rng::derive(self.config.seed, &[stream::ORIGINAL, item.global]);
        let mut template = clean(record);
        let oclc = match bib.oclc_numbers.first() {
            Some(n) => {
                self.summary.oclc_real += 1;
                Some(n.value())
            }
            None if rng.chance(INVENTED_OCLC_SHARE) => Some(self.ids.oclc(&mut rng)),
            None => None,
        };
        let mut siblings = Vec::new();
        if rng.chance(self.config.sibling_rate) {
            let mut kinds = sibling::kinds_for(&bib);
            let count = 1 + rng.weighted(&[70, 22, 8]);
            for _ in 0..count {
                if kinds.is_empty() {
                    break;
                }
                let weights: Vec<u64> = kinds.iter().map(|k| k.1).collect();
                let (kind, _) = kinds.remove(rng.weighted(&weights));
                let mut ctx = Context {
                    ids: &mut self.ids,
                    keys: &mut self.keys,
                    rng: &mut rng,
                };
                match sibling::derive(kind, &mut template, &bib, &mut ctx) {
                    Some(r) => siblings.push((kind, r)),
                    None => self.summary.siblings_dropped += 1,
                }
            }
        }
        let class_siblings = self.class_siblings(&template, &bib, item.global, &siblings);
        let source = format!("{label}#{}", item.ordinal);
        let n = self.libraries.len();
        let holders = choose_holders(
            &mut rng,
            self.config.min_holders,
            self.config.max_holders,
            n,
        );
        let (written, work) = self.emit(
            &template,
            Variant::Copy,
            &[],
            oclc,
            (&source, None),
            &holders,
        )?;
        *self.summary.holders.entry(written).or_default() += 1;
        for (kind, record) in siblings {
            let oclc = rng
                .chance(INVENTED_OCLC_SHARE)
                .then(|| self.ids.oclc(&mut rng));
            let holders = choose_holders(&mut rng, 1, 3, n);
            self.emit(&record, kind, &[], oclc, (&source, Some(&work)), &holders)?;
        }
        let mut rng = Rng::derive(self.config.seed, &[stream::CLASS_SIBLING, item.global, 1]);
        for (kind, record, classes) in class_siblings {
            let oclc = rng
                .chance(INVENTED_OCLC_SHARE)
                .then(|| self.ids.oclc(&mut rng));
            let holders = choose_holders(&mut rng, 1, 3, n);
            self.emit(
                &record,
                kind,
                &classes,
                oclc,
                (&source, Some(&work)),
                &holders,
            )?;
        }
        Ok(())
    }

    /// The siblings of the class families `online` and `generic-title` for
    /// one original, drawn from a stream of their own: an online version for
    /// [`ONLINE_SHARE`] of `--sibling-rate` ([`ONLINE_SHARE_NON_BOOK`] for
    /// material other than books; never beside an e-book sibling, which
    /// would be the same thing), a generic-title group for [`GENERIC_SHARE`]
    /// of it.
    fn class_siblings(
        &mut self,
        template: &Record,
        bib: &BibRecord,
        global: u64,
        siblings: &[(Variant, Record)],
    ) -> Vec<(Variant, Record, Vec<Class>)> {
        let mut out = Vec::new();
        let selection = self.config.classes;
        let mut rng = Rng::derive(self.config.seed, &[stream::CLASS_SIBLING, global]);
        let rate = self.config.sibling_rate;
        let online_share = match template.leader.record_type() {
            b'a' | b't' => ONLINE_SHARE,
            _ => ONLINE_SHARE_NON_BOOK,
        };
        if selection.has("online")
            && online::signals(template).is_empty()
            && !siblings.iter().any(|(kind, _)| *kind == Variant::Ebook)
            && rng.chance(rate * online_share)
            && let Some((record, signals)) = online::derive(template, &mut rng)
        {
            out.push((Variant::Online, record, signals));
        }
        if selection.has("generic-title")
            && generic::possible(template, bib)
            && rng.chance(rate * GENERIC_SHARE)
        {
            let mut ctx = Context {
                ids: &mut self.ids,
                keys: &mut self.keys,
                rng: &mut rng,
            };
            let group = generic::derive(template, bib, &mut ctx);
            if group.is_empty() {
                self.summary.siblings_dropped += 1;
            }
            out.extend(
                group
                    .into_iter()
                    .map(|(record, class)| (Variant::GenericTitle, record, vec![class])),
            );
        }
        out
    }

    /// Writes the copies of one manifestation; returns how many were written, and the work.
    fn emit(
        &mut self,
        template: &Record,
        variant: Variant,
        classes: &[Class],
        oclc: Option<u64>,
        (source, work): (&str, Option<&str>),
        holders: &[usize],
    ) -> Result<(u64, String), NetgenError> {
        self.summary.manifestations += 1;
        let number = self.summary.manifestations;
        let manifestation = format!("m{number:06}");
        // A sibling (another edition, format or volume) belongs to its
        // original's work; a generically titled one is a work of its own.
        let work = match (work, variant) {
            (Some(w), v) if v != Variant::GenericTitle => w.to_string(),
            _ => manifestation.clone(),
        };
        let mut written = 0;
        for &li in holders {
            let lib = &self.libraries[li];
            let mut rng = Rng::derive(self.config.seed, &[stream::COPY, number, li as u64]);
            let mut record = template.clone();
            lib.style.apply(&mut record, &mut rng);
            let mut class_rng = Rng::derive(self.config.seed, &[stream::CLASS, number, li as u64]);
            let copy = LibraryCopy {
                style: &lib.style,
                variant,
                oclc,
                selection: self.config.classes,
            };
            let recatalogued = classes::recatalogue(&mut record, &copy, &mut class_rng);
            // The number a merged one now lives under: new, and this copy's only.
            let current = match recatalogued.oclc {
                OclcWriting::Merged => self.ids.oclc(&mut class_rng),
                _ => 0,
            };
            self.record_numbers[li] += 1;
            let local = format!("{}-{:06}", lib.id, self.record_numbers[li]);
            let record_id = identify(
                &mut record,
                lib,
                local,
                oclc.map(|n| (n, recatalogued.oclc, current)),
            );
            catalogued_by(&mut record, lib);
            holdings::add_items(&mut record, lib, &mut rng, &mut self.barcodes[li]);
            match self.exports[li].write(&record) {
                Ok(()) => {}
                Err(WriteError::Io(source)) => {
                    return Err(NetgenError::Write {
                        library: lib.id.clone(),
                        source: WriteError::Io(source),
                    });
                }
                Err(_) => {
                    self.summary.copies_unwritable += 1;
                    continue;
                }
            }
            let all: Vec<Class> = classes
                .iter()
                .chain(&recatalogued.classes)
                .copied()
                .collect();
            let line = TruthLine {
                library: &lib.id,
                record_id: &record_id,
                manifestation: &manifestation,
                work: &work,
                source,
                variant: variant.name(),
                classes: all.iter().map(|c| c.name()).collect(),
            };
            truth_line(&line, &mut self.truth).map_err(|source| NetgenError::Io {
                path: self.truth_path.clone(),
                source,
            })?;
            written += 1;
            for class in all {
                *self.summary.by_class.entry(class).or_default() += 1;
            }
            self.summary.records += 1;
            self.summary.per_library[li] += 1;
        }
        let entry = self.summary.by_variant.entry(variant).or_default();
        entry.0 += 1;
        entry.1 += written;
        Ok((written, work))
    }
}

/// Share of manifestations without an OCLC number that get an invented one.
const INVENTED_OCLC_SHARE: f64 = 0.4;

/// Online versions of books, as a share of `--sibling-rate` (of the
/// originals that can have one).
pub(crate) const ONLINE_SHARE: f64 = 0.5;

/// Online versions of other material (scores, recordings, video, maps…),
/// as a share of `--sibling-rate`: more than for books, where the e-book
/// siblings are already many, and because most networks hold few of them.
pub(crate) const ONLINE_SHARE_NON_BOOK: f64 = 2.0;

/// Generic-title groups, as a share of `--sibling-rate` (of the originals
/// with a main entry and a year).
pub(crate) const GENERIC_SHARE: f64 = 0.25;

/// How many libraries hold a manifestation, between `min` and `max` (capped
/// at the network's size), skewed towards few: weight 1/k for the k-th
/// count, so that with 1–6 about 61 % are held by one or two libraries and
/// 15 % by five or six. Returns the libraries, in order.
fn choose_holders(rng: &mut Rng, min: usize, max: usize, libraries: usize) -> Vec<usize> {
    let max = max.min(libraries).max(1);
    let min = min.clamp(1, max);
    let weights: Vec<u64> = (min..=max).map(|k| 1000 / (k - min + 1) as u64).collect();
    let k = min + rng.weighted(&weights);
    rng.sample(libraries, k)
}

/// The original without what belongs to its source library: control
/// number, local (9XX, non-numeric) fields and `$9` subfields (Koha's
/// authority links), holdings, and OCLC numbers (the libraries write those
/// in their own form). The leader is made valid as an ILS would write it:
/// real exports carry control characters there (Open Library's
/// `engineercorpsofh00sher_meta.mrc` has 0x02 at leader/22), which the
/// ISO 2709 reader keeps but MARCXML and MARC-in-JSON cannot carry.
fn clean(mut record: Record) -> Record {
    for b in &mut record.leader.0 {
        if !(b.is_ascii_graphic() || *b == b' ') {
            *b = b' ';
        }
    }
    record.leader.0[20..24].copy_from_slice(b"4500");
    record.fields.retain(|f| {
        let t = f.tag();
        let t = t.as_str();
        let local = t.starts_with('9') || !t.bytes().all(|b| b.is_ascii_digit());
        let holdings = matches!(
            t,
            "850"
                | "852"
                | "853"
                | "854"
                | "855"
                | "863"
                | "864"
                | "865"
                | "866"
                | "867"
                | "868"
                | "876"
                | "877"
                | "878"
        );
        !(local || holdings || matches!(t, "001" | "003" | "019"))
    });
    for field in &mut record.fields {
        if let Field::Data(d) = field {
            d.subfields.retain(|s| s.code != '9');
        }
    }
    record
        .fields
        .retain(|f| f.as_data().is_none_or(|d| !d.subfields.is_empty()));
    remove_data_fields(&mut record, |d| {
        d.tag == "035"
            && d.values_of("az")
                .any(|v| v.trim_start().to_ascii_uppercase().starts_with("(OCOLC)"))
    });
    record
}

/// Writes the record's identity: 001/003 (the library's own number, or the
/// OCLC number for libraries that keep WorldCat's) and the OCLC number
/// (number, how this copy writes it, the number it was merged into) in the
/// library's form or the copy's. Returns the record id.
fn identify(
    record: &mut Record,
    lib: &Library,
    local: String,
    oclc: Option<(u64, OclcWriting, u64)>,
) -> String {
    if let Some((n, writing, current)) = oclc
        && let Some(id) = oclc::write(record, lib.style.oclc, writing, n, current)
    {
        return id;
    }
    set_control(record, "001", local.clone());
    set_control(record, "003", lib.code.clone());
    local
}

/// Adds the library to 040 `$d` (modified by), or writes an 040.
fn catalogued_by(record: &mut Record, lib: &Library) {
    if let Some(Field::Data(f)) = record.fields.iter_mut().find(|f| f.tag() == "040") {
        f.subfields.push(Subfield::new('d', lib.code.clone()));
        return;
    }
    insert_in_order(
        record,
        data(
            "040",
            ' ',
            ' ',
            &[('a', &lib.code), ('b', "eng"), ('c', &lib.code)],
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_are_skewed_and_distinct() {
        let mut rng = Rng::new(11);
        let mut counts = [0u32; 7];
        for _ in 0..10_000 {
            let h = choose_holders(&mut rng, 1, 6, 6);
            assert!(h.windows(2).all(|w| w[0] < w[1]));
            counts[h.len()] += 1;
        }
        assert!(counts[1] > counts[2] && counts[2] > counts[3] && counts[5] > counts[6]);
        assert!(counts[1] + counts[2] > 5_500);
        assert!(counts[5] + counts[6] < 2_000);
        assert_eq!(choose_holders(&mut rng, 4, 9, 3).len(), 3);
    }
}
