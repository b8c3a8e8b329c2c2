//! `network.toml`: the libraries of a Unicat network.
//!
//! This crate owns reading the network configuration and turning it, in one
//! place, into a validated, typed [`Network`]: library ids checked and unique,
//! paths resolved against the configuration file's folder and checked to
//! exist, holdings presets resolved, coordinates in range. The rest of Unicat
//! never sees raw TOML. Errors name the file, the library and the key, so a
//! sysadmin can fix them without reading code:
//!
//! ```text
//! fixtures/demo/network.toml: library "ccpl": key "source.path": no such file or folder: …/exports/ccpl.xml
//! ```
//!
//! It reads one file and checks that source paths exist; it does not fetch
//! anything. Start from [`Network::load`].

mod error;
mod raw;

pub use error::ConfigError;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use unicat_bib::HoldingsMapping;
use unicat_marc::Format;

/// A library's short code: `[a-z0-9][a-z0-9_-]*`, at most 64 characters.
/// It is used in URLs, queries (`library:ccpl`) and as a key in the record
/// store, never as a file name.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LibraryId(String);

impl LibraryId {
    /// Checks the form of an id.
    pub fn parse(text: &str) -> Result<LibraryId, String> {
        let ok_first = text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let ok_rest = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok_first || !ok_rest || text.len() > 64 {
            return Err(format!(
                "{text:?} is not a library id: use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
            ));
        }
        Ok(LibraryId(text.to_string()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LibraryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a library's records come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A file, every file in a folder, or every file matching a glob.
    File {
        /// The path as resolved (absolute or relative to the working folder).
        path: PathBuf,
        /// Whether `path` is a single file, a folder or a glob pattern.
        kind: FileKind,
        /// The format, or None to detect it from each file's content.
        format: Option<Format>,
    },
    /// FOLIO inventory JSON (`format = "folio"`): instances with their
    /// holdings and items, from a file, every file in a folder, or a glob.
    Folio {
        /// The path as resolved.
        path: PathBuf,
        /// Whether `path` is a single file, a folder or a glob pattern.
        kind: FileKind,
    },
    /// One export file fetched over HTTP(S); gzip allowed.
    Http {
        /// The URL.
        url: String,
        /// The format, or None to detect it.
        format: Option<Format>,
    },
    /// An OAI-PMH repository harvested with ListRecords.
    OaiPmh {
        /// The base URL.
        url: String,
        /// The metadataPrefix (`marc21`, `marcxml`).
        metadata_prefix: String,
        /// An optional setSpec.
        set: Option<String>,
    },
}

/// What a file source's path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// One file.
    File,
    /// Every file in a folder (not descending into subfolders).
    Folder,
    /// Every file matching a glob pattern.
    Glob,
}

/// Where a library's own record id is: a control field (`001`) or a data
/// field's subfield (`999$c`, `035$a`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdField {
    /// The tag.
    pub tag: String,
    /// The subfield code, for data fields.
    pub subfield: Option<char>,
}

impl std::fmt::Display for IdField {
    /// `001`, `999$c`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.tag)?;
        if let Some(c) = self.subfield {
            write!(f, "${c}")?;
        }
        Ok(())
    }
}

impl IdField {
    /// Parses `001`, `999$c`, `999c`.
    pub fn parse(text: &str) -> Result<IdField, String> {
        let t = text.trim();
        let (tag, code) = match t.len() {
            3 => (t, None),
            4 => (&t[..3], t[3..].chars().next()),
            5 if t.as_bytes()[3] == b'$' => (&t[..3], t[4..].chars().next()),
            _ => return Err(format!("{text:?} is not a field: write 001 or 999$c")),
        };
        let parsed = unicat_marc::Tag::parse(tag).ok_or_else(|| format!("{tag:?} is not a tag"))?;
        match (parsed.is_control(), code) {
            (true, Some(_)) => Err(format!("{tag} is a control field: it has no subfields")),
            (false, None) => Err(format!(
                "{tag} is a data field: name the subfield, as in {tag}$a"
            )),
            (_, Some(c)) if !c.is_ascii_alphanumeric() => {
                Err(format!("{c:?} is not a subfield code"))
            }
            _ => Ok(IdField {
                tag: tag.to_string(),
                subfield: code,
            }),
        }
    }

    /// Reads the id from a record (trimmed; None when absent or empty).
    pub fn read<'r>(&self, record: &'r unicat_marc::Record) -> Option<&'r str> {
        let v = match self.subfield {
            None => record.control(&self.tag),
            Some(code) => record.data_fields(&self.tag).find_map(|f| f.first(code)),
        }?;
        let v = v.trim();
        (!v.is_empty()).then_some(v)
    }
}

impl Default for IdField {
    fn default() -> Self {
        IdField {
            tag: "001".into(),
            subfield: None,
        }
    }
}

/// One library of the network.
#[derive(Clone, Debug)]
pub struct Library {
    /// Its short code.
    pub id: LibraryId,
    /// Its name as patrons know it.
    pub name: String,
    /// A link to a record in the library's own catalogue, with `{id}` where
    /// the record id goes.
    pub opac_url: Option<String>,
    /// Latitude and longitude, for ranking interlibrary-loan lenders by distance.
    pub location: Option<(f64, f64)>,
    /// Whether it lends through interlibrary loan.
    pub lending: bool,
    /// Where its records come from: one source, or several
    /// (`[[library.source]]`: bibliographic records in one export, holdings
    /// records in another), read together as the library's catalogue.
    pub sources: Vec<Source>,
    /// Where its holdings are in its records.
    pub holdings: HoldingsMapping,
    /// Where its own record id is: the configured field, or by default 001
    /// (Koha exports: 999 $c, Koha's biblionumber, then 001). The first
    /// one a record has is used.
    pub id_fields: Vec<IdField>,
}

impl Library {
    /// A record's id in this library.
    pub fn record_id<'r>(&self, record: &'r unicat_marc::Record) -> Option<&'r str> {
        self.id_fields.iter().find_map(|f| f.read(record))
    }

    /// The id fields as written in messages (`999$c or 001`).
    pub fn id_fields_text(&self) -> String {
        self.id_fields
            .iter()
            .map(IdField::to_string)
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// The OPAC link for one of this library's records.
    pub fn record_url(&self, record_id: &str) -> Option<String> {
        self.opac_url.as_ref().map(|u| {
            let encoded: String = record_id
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            u.replace("{id}", &encoded)
        })
    }
}

/// How harvests behave.
#[derive(Clone, Debug)]
pub struct HarvestSettings {
    /// Libraries harvested at once.
    pub concurrency: usize,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed between bytes of a response.
    pub read_timeout: Duration,
    /// Retries of a failed request (with exponential backoff and jitter).
    pub retries: u32,
    /// The first backoff delay; it doubles with each retry (capped at 30 s).
    pub retry_base: Duration,
    /// The tantivy writer's memory budget in bytes.
    pub index_memory: usize,
}

impl Default for HarvestSettings {
    fn default() -> Self {
        HarvestSettings {
            concurrency: 4,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            retries: 4,
            retry_base: Duration::from_millis(500),
            index_memory: 256 << 20,
        }
    }
}

/// Which search engine holds the network's index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IndexBackend {
    /// The embedded tantivy index under `index_dir` (the default).
    #[default]
    Tantivy,
    /// A SolrCloud collection.
    Solr(SolrSettings),
}

/// Where the SolrCloud collection is (`[index] backend = "solr"`).
/// Credentials for Solr's basic authentication come from the environment
/// (`UNICAT_SOLR_USER`, `UNICAT_SOLR_PASSWORD`), never from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolrSettings {
    /// Base URLs of any nodes of the cluster (`http://host:8983/solr`,
    /// no trailing slash); requests fail over between them.
    pub nodes: Vec<String>,
    /// The collection's name.
    pub collection: String,
    /// Shards of a collection `unicat solr init` creates.
    pub shards: u32,
    /// Replicas of each shard.
    pub replicas: u32,
}

/// A validated network configuration.
#[derive(Clone, Debug)]
pub struct Network {
    /// The configuration file it was read from.
    pub config_path: PathBuf,
    /// Where the record store and index live.
    pub index_dir: PathBuf,
    /// The libraries, in file order.
    pub libraries: Vec<Library>,
    /// Harvest behaviour.
    pub harvest: HarvestSettings,
    /// Which search engine holds the index (`[index]`).
    pub index: IndexBackend,
    /// The bearer token guarding the admin routes (from the file, or the
    /// `UNICAT_ADMIN_TOKEN` environment variable, which wins). None disables
    /// them.
    pub admin_token: Option<String>,
}

impl Network {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Network, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(path, None, None, format!("cannot read: {e}")))?;
        let mut network = Network::parse(&text, path)?;
        if let Ok(token) = std::env::var("UNICAT_ADMIN_TOKEN")
            && !token.trim().is_empty()
        {
            network.admin_token = Some(token.trim().to_string());
        }
        Ok(network)
    }

    /// Validates configuration text as if read from `path` (relative paths
    /// resolve against its folder). Does not read the environment.
    pub fn parse(text: &str, path: &Path) -> Result<Network, ConfigError> {
        raw::parse(text, path)
    }

    /// The library with this id.
    pub fn library(&self, id: &str) -> Option<&Library> {
        self.libraries.iter().find(|l| l.id.as_str() == id)
    }
}

#[cfg(test)]
mod tests;
