//! The bundled demo network (`fixtures/demo/`): what `unicat demo` harvests
//! and serves, the first thing a consortium's sysadmin sees.
//!
//! Eight libraries of one consortium in the Ottawa Valley; the first six export their
//! catalogue the way its ILS does — Koha MARCXML with 952 items, Evergreen
//! ISO 2709 in MARC-8 with 852s, Alma MARCXML with AVA, Sierra ISO 2709 with
//! 945s, a Symphony catalogue as MARC-in-JSON with 949s read through a custom
//! mapping, and a historical society's reference-only collection as MARCXML
//! with the `marc:` prefix — built only from real records under
//! `fixtures/data/` (see `fixtures/demo/NOTICE.md`). Libraries 7 and 8
//! export real files as they are: serials with their MARC holdings records
//! in a separate file, and FOLIO inventory JSON; the regional library also
//! holds three of those serials with derived holdings of other runs
//! ([`extra`]). The first six are made in four steps:
//!
//! 1. [`sources`] reads the records and the real item data that goes with
//!    them (Koha's items table, Evergreen's copies, Sirsi 949s);
//! 2. [`plan`] groups records two sources share into one manifestation and
//!    places each manifestation in further libraries, by what each library
//!    collects: popular titles in four to six, a long tail in one;
//! 3. [`build`] makes each library's records — its own real records with
//!    their items, and copies of the others' re-catalogued in its style
//!    (netgen's [`Style`](crate::netgen::style::Style));
//! 4. [`write`] writes the exports, MARC-8 with `unicat-marc8`'s encoder.
//!
//! Everything random comes from [`crate::Rng`] streams derived from the seed:
//! the same seed and fixtures give the same bytes.

mod build;
mod docs;
mod extra;
mod holdings;
mod libraries;
mod plan;
mod sources;
mod write;

/// The example searches `unicat demo` prints: description, tab, path.
const EXAMPLES_TXT: &str = "# Example searches printed by `unicat demo`: description<TAB>path (see examples.md)\n\
A keyword search\t/?q=perl\n\
A fielded search\t/?q=author%3Atolkien\n\
Who holds this? (ISBN 1-56592-699-4, JSON)\t/api/holdings?isbn=1-56592-699-4\n";

pub use build::LibraryRecord;
pub use write::{Substitution, write_marc8_record};

use libraries::LIBRARIES;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The seed of the committed demo network.
pub const SEED: u64 = 1923;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// The real records: the repository's `fixtures/data/`.
    pub data: PathBuf,
    /// The folder to write the network into (created if needed; files of the
    /// same names are overwritten, nothing else is touched).
    pub out: PathBuf,
    /// The seed.
    pub seed: u64,
}

impl Config {
    /// The committed network's settings, writing into `out`.
    pub fn new(out: PathBuf, seed: u64) -> Config {
        Config {
            data: crate::fixtures_dir().join("data"),
            out,
            seed,
        }
    }
}

/// Why the demo could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// An input is not what the generator expects.
    #[error("{0}")]
    Data(String),
    /// A record could not be written.
    #[error("writing {library}: {source}")]
    Write {
        /// The library.
        library: String,
        /// The reason.
        source: unicat_marc::WriteError,
    },
}

/// One library of the built network.
#[derive(Clone, Debug)]
pub struct Library {
    /// Its id in `network.toml`.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its export, relative to the network folder.
    pub path: &'static str,
    /// `iso2709`, `marcxml` or `marc-json`.
    pub format: &'static str,
    /// Whether the export is ISO 2709 in MARC-8.
    pub marc8: bool,
    /// Its holdings mapping as written in `network.toml` (a preset name, or
    /// a custom mapping as a TOML table).
    pub holdings: &'static str,
    /// Where its record ids are.
    pub id_field: &'static str,
    /// Whether it lends.
    pub lending: bool,
    /// Its records, in export order.
    pub records: Vec<LibraryRecord>,
}

/// The network in memory, before it is written.
#[derive(Clone, Debug)]
pub struct Network {
    /// The libraries, in `network.toml` order.
    pub libraries: Vec<Library>,
    /// Manifestations (distinct bibliographic records after grouping).
    pub manifestations: usize,
    /// Manifestations by the number of libraries holding them.
    pub holders: BTreeMap<usize, usize>,
    /// Real records read, by input file below `fixtures/data/`: (read, used).
    pub inputs: Vec<(String, usize, usize)>,
    plan: Vec<plan::Manifestation>,
    sources: Vec<sources::SourceRecord>,
    counters: holdings::Counters,
}

/// What a run wrote.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Files written, relative to the output folder, with their sizes.
    pub files: Vec<(String, u64)>,
    /// Characters the MARC-8 export wrote as numeric character references.
    pub substitutions: Vec<Substitution>,
    /// Library records written.
    pub records: usize,
    /// Manifestations.
    pub manifestations: usize,
}

/// Reads the sources and builds every library's records in memory.
pub fn build(config: &Config) -> Result<Network, DemoError> {
    let sources = sources::load(&config.data, config.seed)?;
    let plan = plan::plan(&sources.records, config.seed);
    let (records, counters) = build::build(&sources.records, &plan, config.seed);
    let mut holders = BTreeMap::new();
    for m in &plan {
        *holders.entry(m.holders().len()).or_default() += 1;
    }
    let libraries = LIBRARIES
        .iter()
        .zip(records)
        .map(|(lib, records)| Library {
            id: lib.id,
            name: lib.name,
            path: lib.path,
            format: lib.export.format_name(),
            marc8: lib.export == libraries::Export::Iso2709Marc8,
            holdings: lib.holdings_toml,
            id_field: lib.id_field,
            lending: lib.lending,
            records,
        })
        .collect();
    Ok(Network {
        libraries,
        manifestations: plan.len(),
        holders,
        inputs: sources
            .files
            .iter()
            .map(|f| (f.path.clone(), f.read, f.used))
            .collect(),
        plan,
        sources: sources.records,
        counters,
    })
}

/// Generates the demo network into `config.out`.
pub fn generate(config: &Config) -> Result<Summary, DemoError> {
    let network = build(config)?;
    let mut summary = Summary {
        manifestations: network.manifestations,
        ..Summary::default()
    };
    let mut sizes = Vec::new();
    let mut marc8_non_ascii = 0;
    let mut marc8_also_utf8 = Vec::new();
    for (lib, spec) in network.libraries.iter().zip(LIBRARIES.iter()) {
        let written = write::export(
            spec.export,
            lib.records.iter().map(|r| (r.id.as_str(), &r.record)),
        )
        .map_err(|source| DemoError::Write {
            library: lib.id.to_string(),
            source,
        })?;
        summary.records += lib.records.len();
        summary.substitutions.extend(written.substitutions);
        if lib.marc8 {
            for (raw, record) in written.bytes.split(|&b| b == 0x1D).zip(&lib.records) {
                let body = raw.get(24..).unwrap_or_default();
                let escape = body.contains(&0x1B);
                if escape || body.iter().any(|&b| b >= 0x80) {
                    marc8_non_ascii += 1;
                    if !escape && std::str::from_utf8(body).is_ok() {
                        marc8_also_utf8.push(record.id.clone());
                    }
                }
            }
        }
        write_file(&config.out, lib.path, &written.bytes)?;
        sizes.push((lib.path.to_string(), written.bytes.len() as u64));
    }
    for (from, to) in extra::COPIES {
        let path = config.data.join(from);
        let bytes = std::fs::read(&path).map_err(|source| DemoError::Io { path, source })?;
        write_file(&config.out, to, &bytes)?;
        sizes.push((to.to_string(), bytes.len() as u64));
    }
    let (bibs, mfhd) = extra::ovrl_serials(&config.data)?;
    for ((to, _), text) in libraries::OVRL_SERIALS.iter().zip([bibs, mfhd]) {
        write_file(&config.out, to, text.as_bytes())?;
        sizes.push((to.to_string(), text.len() as u64));
    }
    let docs = docs::Docs {
        seed: config.seed,
        net: &network,
        substitutions: &summary.substitutions,
        sizes: &sizes,
        marc8_non_ascii,
        marc8_also_utf8: &marc8_also_utf8,
    };
    for (name, text) in [
        ("network.toml", libraries::network_toml(config.seed)),
        ("README.md", docs.readme()),
        ("NOTICE.md", docs.notice()),
        ("examples.md", docs.examples()),
        ("examples.txt", EXAMPLES_TXT.to_string()),
    ] {
        write_file(&config.out, name, text.as_bytes())?;
        sizes.push((name.to_string(), text.len() as u64));
    }
    summary.files = sizes;
    Ok(summary)
}

fn write_file(out: &Path, rel: &str, bytes: &[u8]) -> Result<(), DemoError> {
    let path = out.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&path, bytes).map_err(|source| DemoError::Io { path, source })
}
