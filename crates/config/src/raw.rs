//! The raw TOML shapes (`deny_unknown_fields`) and their validation into
//! typed values.

use crate::{
    ConfigError, FileKind, HarvestSettings, IdField, IndexBackend, Library, LibraryId, Network,
    SolrSettings, Source,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use unicat_bib::HoldingsMapping;
use unicat_bib::holdings::CustomMapping;
use unicat_marc::Format;

const TOP_KEYS: &[&str] = &["index_dir", "admin_token", "harvest", "index", "library"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHarvest {
    concurrency: Option<usize>,
    connect_timeout_secs: Option<u64>,
    read_timeout_secs: Option<u64>,
    retries: Option<u32>,
    retry_base_ms: Option<u64>,
    index_memory_mb: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndex {
    backend: Option<String>,
    solr: Option<Vec<String>>,
    collection: Option<String>,
    shards: Option<u32>,
    replicas: Option<u32>,
}

/// Makes a configuration error: library, key, message.
type ErrorAt<'a> = &'a dyn Fn(Option<&str>, Option<&str>, String) -> ConfigError;

/// The `[index]` table: which search engine holds the index.
fn index_settings(
    value: Option<&toml::Value>,
    err: ErrorAt<'_>,
) -> Result<IndexBackend, ConfigError> {
    let Some(v) = value else {
        return Ok(IndexBackend::Tantivy);
    };
    let raw: RawIndex = v
        .clone()
        .try_into()
        .map_err(|e| err(None, Some("index"), serde_message(&e)))?;
    match raw.backend.as_deref().unwrap_or("tantivy") {
        "tantivy" => {
            if raw.solr.is_some() || raw.collection.is_some() {
                return Err(err(
                    None,
                    Some("index.solr"),
                    "Solr settings need backend = \"solr\"".into(),
                ));
            }
            Ok(IndexBackend::Tantivy)
        }
        "solr" => {
            let nodes = raw.solr.unwrap_or_default();
            if nodes.is_empty() {
                return Err(err(
                    None,
                    Some("index.solr"),
                    "list the Solr nodes' base URLs, e.g. solr = [\"http://solr1:8983/solr\"]"
                        .into(),
                ));
            }
            let mut urls = Vec::with_capacity(nodes.len());
            for n in nodes {
                let n = n.trim();
                let rest = n
                    .strip_prefix("http://")
                    .or_else(|| n.strip_prefix("https://"));
                if rest.is_none_or(|r| {
                    r.is_empty() || r.starts_with('/') || r.contains(char::is_whitespace)
                }) {
                    return Err(err(
                        None,
                        Some("index.solr"),
                        format!(
                            "{n:?} must be the http(s) base URL of a Solr node, e.g. http://solr1:8983/solr"
                        ),
                    ));
                }
                urls.push(n.trim_end_matches('/').to_string());
            }
            let collection = raw.collection.unwrap_or_else(|| "unicat".to_string());
            if collection.is_empty()
                || !collection
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(err(
                    None,
                    Some("index.collection"),
                    "must be letters, digits, '_' or '-'".into(),
                ));
            }
            let shards = raw.shards.unwrap_or(1);
            let replicas = raw.replicas.unwrap_or(1);
            if !(1..=1024).contains(&shards) || !(1..=16).contains(&replicas) {
                return Err(err(
                    None,
                    Some("index.shards"),
                    "shards must be 1 to 1024 and replicas 1 to 16".into(),
                ));
            }
            Ok(IndexBackend::Solr(SolrSettings {
                nodes: urls,
                collection,
                shards,
                replicas,
            }))
        }
        other => Err(err(
            None,
            Some("index.backend"),
            format!("unknown backend {other:?} (expected \"tantivy\" or \"solr\")"),
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    id: String,
    name: String,
    opac_url: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    lending: Option<bool>,
    source: toml::Value,
    holdings: Option<RawHoldings>,
    id_field: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawHoldings {
    Preset(String),
    Custom(CustomMapping),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: String,
    path: Option<String>,
    url: Option<String>,
    format: Option<String>,
    metadata_prefix: Option<String>,
    set: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Turns a serde error on a value into a readable sentence.
fn serde_message(e: &toml::de::Error) -> String {
    e.message().trim().replace('`', "\"")
}

pub(crate) fn parse(text: &str, path: &Path) -> Result<Network, ConfigError> {
    let err = |library: Option<&str>, key: Option<&str>, msg: String| {
        ConfigError::new(path, library, key, msg)
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|s| format!("line {}: ", line_of(text, s.start)))
            .unwrap_or_default();
        err(None, None, format!("{place}{}", e.message().trim()))
    })?;
    for key in table.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            return Err(err(
                None,
                Some(key),
                format!("unknown key (expected one of {})", TOP_KEYS.join(", ")),
            ));
        }
    }
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let index_dir = match table.get("index_dir") {
        None => base.join("index"),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => base.join(s),
        Some(_) => return Err(err(None, Some("index_dir"), "must be a folder path".into())),
    };
    let admin_token = match table.get("admin_token") {
        None => None,
        Some(toml::Value::String(s)) if s.trim().len() >= 16 => Some(s.trim().to_string()),
        Some(toml::Value::String(_)) => {
            return Err(err(
                None,
                Some("admin_token"),
                "must be at least 16 characters; leave it out to disable the admin routes".into(),
            ));
        }
        Some(_) => return Err(err(None, Some("admin_token"), "must be a string".into())),
    };
    let mut harvest = HarvestSettings::default();
    if let Some(h) = table.get("harvest") {
        let raw: RawHarvest = h
            .clone()
            .try_into()
            .map_err(|e| err(None, Some("harvest"), serde_message(&e)))?;
        if let Some(c) = raw.concurrency {
            if c == 0 || c > 256 {
                return Err(err(
                    None,
                    Some("harvest.concurrency"),
                    "must be between 1 and 256".into(),
                ));
            }
            harvest.concurrency = c;
        }
        if let Some(s) = raw.connect_timeout_secs {
            harvest.connect_timeout = Duration::from_secs(s.max(1));
        }
        if let Some(s) = raw.read_timeout_secs {
            harvest.read_timeout = Duration::from_secs(s.max(1));
        }
        if let Some(r) = raw.retries {
            harvest.retries = r.min(20);
        }
        if let Some(ms) = raw.retry_base_ms {
            harvest.retry_base = Duration::from_millis(ms.clamp(1, 60_000));
        }
        if let Some(mb) = raw.index_memory_mb {
            if !(16..=8192).contains(&mb) {
                return Err(err(
                    None,
                    Some("harvest.index_memory_mb"),
                    "must be between 16 and 8192".into(),
                ));
            }
            harvest.index_memory = mb << 20;
        }
    }
    let index = index_settings(table.get("index"), &err)?;
    let libraries_raw = match table.get("library") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(err(
                None,
                Some("library"),
                "write each library as a [[library]] table".into(),
            ));
        }
    };
    if libraries_raw.is_empty() {
        return Err(err(
            None,
            Some("library"),
            "the network has no [[library]]".into(),
        ));
    }
    let mut libraries = Vec::with_capacity(libraries_raw.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, value) in libraries_raw.into_iter().enumerate() {
        let label = value
            .get("id")
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1));
        let lib = Some(label.as_str());
        let raw: RawLibrary = value
            .try_into()
            .map_err(|e| err(lib, None, serde_message(&e)))?;
        let id = LibraryId::parse(&raw.id).map_err(|m| err(lib, Some("id"), m))?;
        if let Some(first) = seen.insert(raw.id.clone(), i) {
            return Err(err(
                lib,
                Some("id"),
                format!(
                    "duplicate id: libraries #{} and #{} both use it",
                    first + 1,
                    i + 1
                ),
            ));
        }
        if raw.name.trim().is_empty() {
            return Err(err(lib, Some("name"), "must not be empty".into()));
        }
        if let Some(u) = &raw.opac_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(err(
                lib,
                Some("opac_url"),
                format!("{u:?} is not an http(s) URL"),
            ));
        }
        if let Some(u) = &raw.opac_url
            && !u.contains("{id}")
        {
            return Err(err(
                lib,
                Some("opac_url"),
                "put {id} where the library's record id goes".into(),
            ));
        }
        let location = match (raw.lat, raw.lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(err(lib, Some("lat"), format!("{lat} is not a latitude")));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(err(lib, Some("lon"), format!("{lon} is not a longitude")));
                }
                Some((lat, lon))
            }
            _ => {
                return Err(err(
                    lib,
                    Some(if raw.lat.is_some() { "lon" } else { "lat" }),
                    "give both lat and lon, or neither".into(),
                ));
            }
        };
        let holdings = match raw.holdings {
            None => HoldingsMapping::Marc852,
            Some(RawHoldings::Preset(p)) => HoldingsMapping::preset(&p)
                .map_err(|e| err(lib, Some("holdings"), e.to_string()))?,
            Some(RawHoldings::Custom(c)) => {
                let m = HoldingsMapping::Custom(c);
                m.validate()
                    .map_err(|e| err(lib, Some("holdings"), e.to_string()))?;
                m
            }
        };
        let id_fields = match raw.id_field {
            Some(f) => vec![IdField::parse(&f).map_err(|m| err(lib, Some("id_field"), m))?],
            None if holdings == HoldingsMapping::Koha => vec![
                IdField {
                    tag: "999".into(),
                    subfield: Some('c'),
                },
                IdField::default(),
            ],
            None => vec![IdField::default()],
        };
        let sources = match &raw.source {
            toml::Value::Array(list) => {
                if list.is_empty() {
                    return Err(err(
                        lib,
                        Some("source"),
                        "give at least one [[library.source]]".into(),
                    ));
                }
                let mut sources = Vec::with_capacity(list.len());
                for value in list {
                    sources.push(source(value, &base, |key, msg| err(lib, Some(key), msg))?);
                }
                if sources.len() > 1 && sources.iter().any(|s| matches!(s, Source::OaiPmh { .. })) {
                    return Err(err(
                        lib,
                        Some("source.kind"),
                        "an OAI-PMH repository is harvested incrementally and must be the library's only source; several sources must be files or HTTP exports".into(),
                    ));
                }
                sources
            }
            other => vec![source(other, &base, |key, msg| err(lib, Some(key), msg))?],
        };
        libraries.push(Library {
            id,
            name: raw.name.trim().to_string(),
            opac_url: raw.opac_url,
            location,
            lending: raw.lending.unwrap_or(true),
            sources,
            holdings,
            id_fields,
        });
    }
    Ok(Network {
        config_path: path.to_path_buf(),
        index_dir,
        libraries,
        harvest,
        index,
        admin_token,
    })
}

fn source(
    value: &toml::Value,
    base: &Path,
    err: impl Fn(&str, String) -> ConfigError,
) -> Result<Source, ConfigError> {
    let raw: RawSource = value
        .clone()
        .try_into()
        .map_err(|e| err("source", serde_message(&e)))?;
    let folio = raw
        .format
        .as_deref()
        .is_some_and(|f| f.trim().eq_ignore_ascii_case("folio"));
    let format = match &raw.format {
        None => None,
        Some(_) if folio => None,
        Some(f) => Some(Format::from_name(f).ok_or_else(|| {
            err(
                "source.format",
                format!("{f:?} is not a format (marcxml, iso2709, marc-json, folio)"),
            )
        })?),
    };
    if folio && raw.kind != "file" {
        return Err(err(
            "source.format",
            "FOLIO inventory JSON is read from files (kind = \"file\")".into(),
        ));
    }
    let url = |kind: &str| -> Result<String, ConfigError> {
        let u = raw
            .url
            .clone()
            .ok_or_else(|| err("source.url", format!("a {kind} source needs a url")))?;
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(err("source.url", format!("{u:?} is not an http(s) URL")));
        }
        Ok(u)
    };
    match raw.kind.as_str() {
        "file" => {
            if raw.url.is_some() {
                return Err(err(
                    "source.url",
                    "a file source takes a path, not a url".into(),
                ));
            }
            let p = raw
                .path
                .as_deref()
                .ok_or_else(|| err("source.path", "a file source needs a path".into()))?;
            let full = base.join(p);
            let text = full.to_string_lossy().to_string();
            if p.contains(['*', '?', '[']) {
                let matches = glob::glob(&text)
                    .map_err(|e| err("source.path", format!("bad pattern: {e}")))?;
                if matches.filter_map(Result::ok).next().is_none() {
                    return Err(err("source.path", format!("no file matches {text}")));
                }
                Ok(file_source(full, FileKind::Glob, format, folio))
            } else if full.is_dir() {
                Ok(file_source(full, FileKind::Folder, format, folio))
            } else if full.is_file() {
                Ok(file_source(full, FileKind::File, format, folio))
            } else {
                Err(err(
                    "source.path",
                    format!("no such file or folder: {text}"),
                ))
            }
        }
        "http" => Ok(Source::Http {
            url: url("http")?,
            format,
        }),
        "oai-pmh" | "oai" | "oaipmh" => {
            if raw
                .format
                .as_deref()
                .is_some_and(|f| Format::from_name(f) != Some(Format::MarcXml))
            {
                return Err(err("source.format", "OAI-PMH delivers MARCXML".into()));
            }
            Ok(Source::OaiPmh {
                url: url("oai-pmh")?,
                metadata_prefix: raw.metadata_prefix.unwrap_or_else(|| "marc21".into()),
                set: raw.set.filter(|s| !s.is_empty()),
            })
        }
        other => Err(err(
            "source.kind",
            format!("{other:?} is not a source kind (file, http, oai-pmh)"),
        )),
    }
}

fn file_source(path: PathBuf, kind: FileKind, format: Option<Format>, folio: bool) -> Source {
    if folio {
        Source::Folio { path, kind }
    } else {
        Source::File { path, kind, format }
    }
}
