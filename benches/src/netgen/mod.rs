//! The labelled test network generator.
//!
//! [`generate`] turns real MARC records into a network of libraries whose
//! exports disagree the way real catalogues do, and writes the truth beside
//! them, so that the matcher's pairwise precision and recall can be
//! measured (two library records are a true match iff `truth.jsonl` gives
//! them the same `manifestation`).
//!
//! It reads its inputs twice, streaming, with one original in memory at a
//! time:
//!
//! 1. [`pool`] keeps the records that can be manifestations (bibliographic
//!    monographs with a title and a year, author or publisher), drops those
//!    that may describe the same manifestation as an earlier one (same
//!    ISBN, OCLC number, LCCN, or folded title + author + year), and draws
//!    `--max-records` of them;
//! 2. [`generate`](generate::Generator) places each original in between
//!    `--min-holders` and `--max-holders` libraries (skewed towards few),
//!    adds siblings ([`sibling`]: other editions, large print, audiobooks,
//!    e-books repeating the print ISBN, other volumes; [`online`] versions
//!    of any material with only some online signals; [`generic`]-title
//!    groups) for `--sibling-rate` of them, re-catalogues every copy in its
//!    library's [`style`], then in the harder [`classes`] at the library's
//!    rates (brief records, typing slips, dates a year off, another first
//!    author, OCLC number forms, the volume moved), gives it a
//!    library-local 001, an OCLC number in the library's form and items in
//!    the library's [`holdings`] preset, and writes it with `unicat-marc`.
//!
//! `truth.jsonl` names each record's variant and, in `classes`, the
//! [`Class`]es it fell into, so that a matcher can be scored per class.
//! `--classes none` leaves the classes out and gives, byte for byte, the
//! network netgen made before them.
//!
//! Output is byte-identical for a seed on every machine: all randomness
//! comes from [`crate::Rng`] streams derived from the seed.
//!
//! ```no_run
//! use unicat_benches::netgen::{Config, generate};
//! let config = Config::small("target/net".into(), 7)?;
//! let summary = generate(&config)?;
//! println!("{} library records", summary.records);
//! # Ok::<(), unicat_benches::netgen::NetgenError>(())
//! ```

pub mod classes;
mod generate;
mod generic;
mod holdings;
pub(crate) mod ids;
mod library;
pub(crate) mod marcedit;
mod online;
mod output;
mod pool;
pub mod score;
mod sibling;
mod source;
pub(crate) mod style;

pub use classes::{Class, ClassSelection};
pub use pool::{InputStats, PoolStats};
pub use sibling::Variant;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unicat_marc::{Format, WriteError};

/// Identifiers of the seeded random streams (see [`crate::Rng::derive`]).
pub(crate) mod stream {
    pub(crate) const SELECT: u64 = 1;
    pub(crate) const STYLE: u64 = 2;
    pub(crate) const LENDING: u64 = 3;
    pub(crate) const PLACE: u64 = 4;
    pub(crate) const ORIGINAL: u64 = 5;
    pub(crate) const COPY: u64 = 6;
    /// The classes of one copy (apart from `COPY`, so that a network
    /// without classes draws what it drew before they existed).
    pub(crate) const CLASS: u64 = 7;
    /// The class siblings (online versions, generic titles) of one original.
    pub(crate) const CLASS_SIBLING: u64 = 8;
}

/// Originals drawn by `--small` (with siblings, about 400 manifestations
/// and 930 library records over six libraries; 350 and 860 without classes).
pub const SMALL_ORIGINALS: usize = 300;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// MARC files to take the originals from, in order.
    pub inputs: Vec<PathBuf>,
    /// Their format, or None to detect it per file.
    pub format_in: Option<Format>,
    /// The folder to write the network into (created if needed; files of
    /// the same names are overwritten, nothing else is removed).
    pub out: PathBuf,
    /// Number of libraries.
    pub libraries: usize,
    /// The seed: the same seed and inputs give the same bytes.
    pub seed: u64,
    /// At most this many originals, drawn evenly from the usable records.
    pub max_records: Option<usize>,
    /// Fewest libraries holding an original.
    pub min_holders: usize,
    /// Most libraries holding an original (capped at `libraries`).
    pub max_holders: usize,
    /// Share of originals that get siblings.
    pub sibling_rate: f64,
    /// Which class families the network gets (`--classes`).
    pub classes: ClassSelection,
    /// The command line, shown in the network's README.
    pub command_line: String,
}

impl Config {
    /// The small test network: about 300 originals from the repository's
    /// fixtures, six libraries, the other settings at their defaults.
    pub fn small(out: PathBuf, seed: u64) -> Result<Config, NetgenError> {
        Ok(Config {
            inputs: small_inputs()?,
            format_in: None,
            command_line: format!("netgen --small --seed {seed} --out {}", out.display()),
            out,
            libraries: 6,
            seed,
            max_records: Some(SMALL_ORIGINALS),
            min_holders: 1,
            max_holders: 6,
            sibling_rate: 0.15,
            classes: ClassSelection::ALL,
        })
    }

    fn validate(&self) -> Result<(), NetgenError> {
        let bad = |m: &str| Err(NetgenError::Config(m.to_string()));
        if self.inputs.is_empty() {
            return bad("no input files");
        }
        if !(1..=999).contains(&self.libraries) {
            return bad("--libraries must be between 1 and 999");
        }
        if self.min_holders == 0 || self.min_holders > self.max_holders {
            return bad("--min-holders must be at least 1 and at most --max-holders");
        }
        if !(0.0..=1.0).contains(&self.sibling_rate) {
            return bad("--sibling-rate must be between 0 and 1");
        }
        if self.max_records == Some(0) {
            return bad("--max-records must be at least 1");
        }
        Ok(())
    }
}

/// The inputs of `--small`: the Koha sample, Evergreen's concerto set,
/// Open Library's and VuFind's test records, all under `fixtures/data/`.
pub fn small_inputs() -> Result<Vec<PathBuf>, NetgenError> {
    source::small_inputs(&crate::fixtures_dir().join("data"))
}

/// What a run made.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Library records written.
    pub records: u64,
    /// Manifestations (originals and siblings).
    pub manifestations: u64,
    /// Records written per library, in library order.
    pub per_library: Vec<u64>,
    /// Per variant: (manifestations, library records).
    pub by_variant: BTreeMap<Variant, (u64, u64)>,
    /// Library records per class.
    pub by_class: BTreeMap<Class, u64>,
    /// Originals by how many libraries hold them.
    pub holders: BTreeMap<u64, u64>,
    /// Originals whose own OCLC number was kept.
    pub oclc_real: u64,
    /// OCLC numbers invented (for originals and siblings without one).
    pub oclc_invented: u64,
    /// ISBNs invented for siblings.
    pub isbns_invented: u64,
    /// Siblings drawn but not derivable from their original (no year to
    /// move, no volume number, a description that a real record has).
    pub siblings_dropped: u64,
    /// Copies their library's format could not carry.
    pub copies_unwritable: u64,
    /// What pass one found in the inputs.
    pub pool: PoolStats,
}

/// Why a network could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum NetgenError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// An input is not in any MARC format.
    #[error("{}: not MARC (ISO 2709, MARCXML or MARC-in-JSON)", path.display())]
    NotMarc {
        /// The file.
        path: PathBuf,
    },
    /// A library's export could not be written.
    #[error("writing the export of {library}: {source}")]
    Write {
        /// The library.
        library: String,
        /// The reason.
        source: WriteError,
    },
    /// The settings are inconsistent.
    #[error("{0}")]
    Config(String),
}

/// Generates a network as `config` says, writing it under `config.out`.
pub fn generate(config: &Config) -> Result<Summary, NetgenError> {
    config.validate()?;
    let inputs: Vec<source::Input> = config
        .inputs
        .iter()
        .map(|p| source::Input::new(p))
        .collect();
    let pool = pool::scan(&inputs, config.format_in, config.seed, config.max_records)?;
    let libraries = library::libraries(config.libraries, config.seed);
    create_dir(&config.out)?;
    let selected = pool.selected.clone();
    let summary = generate::Generator::new(config, &libraries, pool)?.run(&inputs, &selected)?;
    write_file(
        &config.out.join("network.toml"),
        &library::network_toml(&libraries, config.seed),
    )?;
    write_file(
        &config.out.join("README.md"),
        &output::readme(config, &libraries, &summary),
    )?;
    Ok(summary)
}

fn create_dir(path: &Path) -> Result<(), NetgenError> {
    std::fs::create_dir_all(path).map_err(|source| NetgenError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn write_file(path: &Path, text: &str) -> Result<(), NetgenError> {
    std::fs::write(path, text).map_err(|source| NetgenError::Io {
        path: path.to_path_buf(),
        source,
    })
}
