//! Writing a network: each library's export in its format (with
//! `unicat-marc`'s writers), the lines of `truth.jsonl`, and the network's
//! `README.md`.

use super::classes::{Class, ClassSelection};
use super::generate::{GENERIC_SHARE, ONLINE_SHARE, ONLINE_SHARE_NON_BOOK};
use super::library::Library;
use super::{Config, Summary};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use unicat_marc::{Format, Record, WriteError, iso2709, json, xml};

/// One library's export file.
pub(crate) enum Export {
    Iso2709(iso2709::Writer<BufWriter<File>>),
    MarcXml(xml::Writer<BufWriter<File>>),
    MarcJson(json::Writer<BufWriter<File>>),
}

impl Export {
    /// Creates the file.
    pub(crate) fn create(path: &Path, format: Format) -> std::io::Result<Export> {
        let out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(match format {
            Format::Iso2709 => Export::Iso2709(iso2709::Writer::new(out)),
            Format::MarcXml => Export::MarcXml(xml::Writer::new(out)),
            Format::MarcJson => Export::MarcJson(json::Writer::new(out, json::Container::Lines)),
        })
    }

    /// Writes one record; a record the format cannot carry (a field over
    /// 9 999 bytes in ISO 2709) is an error and nothing is written.
    pub(crate) fn write(&mut self, record: &Record) -> Result<(), WriteError> {
        match self {
            Export::Iso2709(w) => w.write(record),
            Export::MarcXml(w) => w.write(record),
            Export::MarcJson(w) => w.write(record),
        }
    }

    /// Closes and flushes the file.
    pub(crate) fn finish(self) -> Result<(), WriteError> {
        let out = match self {
            Export::Iso2709(w) => w.finish()?,
            Export::MarcXml(w) => w.finish()?,
            Export::MarcJson(w) => w.finish()?,
        };
        out.into_inner()
            .map_err(|e| WriteError::Io(e.into_error()))?
            .sync_all()?;
        Ok(())
    }
}

/// One line of `truth.jsonl`.
#[derive(Serialize)]
pub(crate) struct TruthLine<'a> {
    pub(crate) library: &'a str,
    pub(crate) record_id: &'a str,
    pub(crate) manifestation: &'a str,
    /// The work: the original's manifestation for a copy or a sibling (its
    /// other edition, format or volume), its own for a generic title.
    pub(crate) work: &'a str,
    pub(crate) source: &'a str,
    pub(crate) variant: &'a str,
    /// The record's classes (left out when it has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) classes: Vec<&'static str>,
}

/// Appends a truth line (with its newline) to `out`.
pub(crate) fn truth_line(line: &TruthLine<'_>, out: &mut impl Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The network's `README.md`: what was made, how, and the counts. It holds
/// nothing that changes from run to run (no times, no absolute paths beyond
/// the command line as given).
pub(crate) fn readme(config: &Config, libraries: &[Library], summary: &Summary) -> String {
    let mut s = String::new();
    let pool = &summary.pool;
    // Writing to a String cannot fail.
    let _ = write!(
        s,
        "# Labelled test network\n\n\
         Made by `netgen` (Unicat's `benches` crate, `cargo run -p unicat-benches --bin netgen`) \
         with seed {seed}:\n\n```sh\n{cmd}\n```\n\n\
         Each of the {libs} libraries below exports MARC records in its own format and holdings \
         preset. A record is either a **copy** of a real record (re-catalogued in that library's \
         style: ISBN and OCLC number forms, ISBD punctuation, subtitle, initials, 260/264, date \
         and extent forms, subjects or notes left out; the year, page count, title words and \
         identifiers never change) or a **sibling** made from it (another edition, large print, \
         audiobook, e-book repeating the print ISBN, another volume), which is another \
         manifestation and must not be merged with the original.\n\n",
        seed = config.seed,
        cmd = config.command_line,
        libs = libraries.len(),
    );
    if config.classes != ClassSelection::NONE {
        let _ = write!(
            s,
            "On top of its style, a copy may fall into harder **classes** (families: {families}), \
             each at its library's rate (see the style column below): a brief record (no main \
             entry, publisher or pages; rarely a bare title), typing slips in a long title, an \
             imprint date a year off 008 Date1 or only inferred, another first author, the OCLC \
             number in another form or merged into another one (019), the volume in another \
             place. Those change what the other rules keep (year, pages, author, title words, \
             identifiers) on purpose, and only on the copy that has them. Two more classes are \
             siblings: an **online** version of any kind of material with only some online \
             signals (for {online:.1} % of the originals that show none, {online_other:.1} % of \
             those that are not books), and groups of **generic-title** \
             manifestations, same author and year, another host item or part (for {generic:.1} % \
             of originals with a main entry and a year).\n\n",
            families = config.classes.name(),
            online = config.sibling_rate * ONLINE_SHARE * 100.0,
            online_other = (config.sibling_rate * ONLINE_SHARE_NON_BOOK * 100.0).min(100.0),
            generic = config.sibling_rate * GENERIC_SHARE * 100.0,
        );
    }
    let _ = write!(
        s,
        "`truth.jsonl` has one line per library record: `library`, `record_id` (its 001), \
         `manifestation`, `source` (the input file and record number it came from), `variant` \
         and, when it has any, `classes`. Two records are a true match if and only if they have \
         the same `manifestation`.\n\n",
    );
    let _ = write!(
        s,
        "## Counts\n\n| what | count |\n|---|---:|\n\
         | input records read | {read} |\n\
         | unreadable (skipped) | {errors} |\n",
        read = pool.inputs.iter().map(|i| i.items).sum::<u64>(),
        errors = pool.inputs.iter().map(|i| i.errors).sum::<u64>(),
    );
    for (reason, n) in &pool.skipped {
        let _ = writeln!(s, "| not used: {reason} | {n} |");
    }
    for (reason, n) in &pool.duplicates {
        let _ = writeln!(s, "| duplicate dropped: {reason} | {n} |");
    }
    let _ = write!(
        s,
        "| distinct usable records | {unique} |\n\
         | originals drawn | {selected} |\n\
         | manifestations | {manifestations} |\n\
         | library records | {records} |\n\
         | real OCLC numbers kept | {oclc_real} |\n\
         | OCLC numbers invented | {oclc_made} |\n\
         | ISBNs invented | {isbns_made} |\n\
         | siblings not derivable (dropped) | {dropped} |\n\
         | copies too long for their format (dropped) | {unwritable} |\n\n",
        unique = pool.unique,
        selected = pool.selected,
        manifestations = summary.manifestations,
        records = summary.records,
        oclc_real = summary.oclc_real,
        oclc_made = summary.oclc_invented,
        isbns_made = summary.isbns_invented,
        dropped = summary.siblings_dropped,
        unwritable = summary.copies_unwritable,
    );
    let _ = write!(
        s,
        "## Variants\n\n| variant | manifestations | library records |\n|---|---:|---:|\n"
    );
    for (variant, (m, r)) in &summary.by_variant {
        let _ = writeln!(s, "| {} | {m} | {r} |", variant.name());
    }
    if config.classes != ClassSelection::NONE {
        let _ = write!(
            s,
            "\n## Classes\n\n| class | what | library records |\n|---|---|---:|\n"
        );
        for class in Class::ALL
            .into_iter()
            .filter(|c| config.classes.has(c.family()))
        {
            let n = summary.by_class.get(&class).copied().unwrap_or(0);
            let _ = writeln!(s, "| {} | {} | {n} |", class.name(), class.describe());
        }
    }
    let _ = write!(
        s,
        "\n## Holders of the originals\n\n| libraries | manifestations |\n|---:|---:|\n"
    );
    for (k, n) in &summary.holders {
        let _ = writeln!(s, "| {k} | {n} |");
    }
    let _ = write!(
        s,
        "\n## Libraries\n\n| id | name | export | holdings | lends | records | style |\n\
         |---|---|---|---|---|---:|---|\n"
    );
    for (lib, n) in libraries.iter().zip(&summary.per_library) {
        let _ = writeln!(
            s,
            "| {} | {} | `{}` | {} | {} | {n} | {} |",
            lib.id,
            lib.name,
            lib.export_path(),
            lib.preset.name(),
            if lib.lending { "yes" } else { "no" },
            lib.style.describe(config.classes),
        );
    }
    let _ = write!(
        s,
        "\n## Inputs\n\n| file | records | unreadable | distinct usable |\n|---|---:|---:|---:|\n"
    );
    for input in &pool.inputs {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            input.label, input.items, input.errors, input.unique
        );
    }
    let _ = write!(
        s,
        "\n## Files\n\n\
         - `network.toml`: the network in Unicat's configuration format.\n\
         - `libNN/records.{{mrc,xml,json}}`: each library's export (ISO 2709 in UTF-8, MARCXML, \
         or MARC-in-JSON one record per line); the 001 is the library's record id (the OCLC \
         number, with 003 `OCoLC`, in libraries that keep WorldCat's control number).\n\
         - `truth.jsonl`: the truth, one line per library record; `classes` lists the classes \
         a record fell into (one name per class of the table above).\n"
    );
    s
}
