//! `unicat config check`: tries each source of a network without
//! harvesting it — the files exist and open, the server answers, the
//! format is recognised, the first record reads — and stores nothing.

use crate::HarvestError;
use crate::http::Fetcher;
use crate::observer::Observer;
use crate::report::LibraryReport;
use std::io::{BufRead, Read};
use unicat_config::{Network, Source};
use unicat_marc::{Format, Framer};

/// What probing one source found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceProbe {
    /// The library.
    pub library: String,
    /// The source: a path or URL.
    pub source: String,
    /// What was found (format, size, the first record), or why the source
    /// cannot be harvested.
    pub outcome: Result<String, String>,
}

/// The most of an HTTP export read to find its first record.
const HTTP_PREFIX: usize = 1 << 20;

struct Silent;
impl Observer for Silent {
    fn started(&self, _: &str, _: Option<u64>) {}
    fn progress(&self, _: &str, _: u64, _: u64) {}
    fn note(&self, _: &str, _: &str) {}
    fn finished(&self, _: &LibraryReport) {}
}

/// Probes every source of every library, libraries at once up to `[harvest]
/// concurrency`, one attempt per request (no retries: a dead server is
/// reported after the configured timeouts, not after the backoff).
pub async fn probe(network: std::sync::Arc<Network>) -> Result<Vec<SourceProbe>, HarvestError> {
    use futures::StreamExt;
    let mut settings = network.harvest.clone();
    settings.retries = 0;
    let client = crate::http::client(&settings)?;
    let settings = std::sync::Arc::new(settings);
    let jobs: Vec<(String, Source)> = network
        .libraries
        .iter()
        .flat_map(|l| l.sources.iter().map(|s| (l.id.to_string(), s.clone())))
        .collect();
    let probes = futures::stream::iter(jobs)
        .map(|(library, source)| {
            let client = client.clone();
            let settings = settings.clone();
            let handle = tokio::runtime::Handle::current();
            async move {
                let name = source_name(&source);
                let (l, n) = (library.clone(), name.clone());
                let outcome = tokio::task::spawn_blocking(move || {
                    let mut fetcher = Fetcher::new(&client, &settings, &handle, &Silent, &l);
                    probe_source(&source, &mut fetcher, &client, &handle)
                })
                .await
                .unwrap_or_else(|e| Err(format!("the probe failed: {e}")));
                SourceProbe {
                    library,
                    source: n,
                    outcome,
                }
            }
        })
        .buffered(network.harvest.concurrency.max(1))
        .collect()
        .await;
    Ok(probes)
}

fn source_name(source: &Source) -> String {
    match source {
        Source::File { path, .. } | Source::Folio { path, .. } => path.display().to_string(),
        Source::Http { url, .. } | Source::OaiPmh { url, .. } => url.clone(),
    }
}

fn probe_source(
    source: &Source,
    fetcher: &mut Fetcher<'_>,
    client: &reqwest::Client,
    handle: &tokio::runtime::Handle,
) -> Result<String, String> {
    match source {
        Source::File { path, kind, format } => {
            let files = crate::file::list(path, *kind).map_err(|e| e.to_string())?;
            let size: u64 = files
                .iter()
                .filter_map(|f| f.metadata().ok())
                .map(|m| m.len())
                .sum();
            let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let mut input = crate::file::open(&files[0], count).map_err(|e| e.to_string())?;
            let first = first_record(&mut input, *format)
                .map_err(|e| format!("{}: {e}", files[0].display()))?;
            Ok(format!(
                "{} file{}, {}; {first}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                human_bytes(size)
            ))
        }
        Source::Folio { path, kind } => {
            let files = crate::file::list(path, *kind).map_err(|e| e.to_string())?;
            let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let mut input = crate::file::open(&files[0], count).map_err(|e| e.to_string())?;
            let prefix = input.fill_buf().map_err(|e| e.to_string())?;
            match prefix.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{' | b'[') => Ok(format!(
                    "{} file{}, FOLIO inventory JSON",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                )),
                _ => Err(format!("{}: not JSON", files[0].display())),
            }
        }
        Source::Http { url, format } => {
            let prefix = handle.block_on(http_prefix(client, url))?;
            let bytes = prefix.len();
            let mut input = ungzip(prefix);
            let first = first_record(&mut input, *format)?;
            Ok(format!(
                "answers; first {} read: {first}",
                human_bytes(bytes as u64)
            ))
        }
        Source::OaiPmh {
            url,
            metadata_prefix,
            set,
        } => {
            let granularity = crate::oai::identify(fetcher, url).map_err(|e| e.to_string())?;
            let mut list = format!(
                "{url}{}verb=ListRecords&metadataPrefix={}",
                if url.contains('?') { "&" } else { "?" },
                crate::oai::enc(metadata_prefix)
            );
            if let Some(s) = set {
                list.push_str("&set=");
                list.push_str(&crate::oai::enc(s));
            }
            let fetched = fetcher.get(&list, &[]).map_err(|e| e.to_string())?;
            let page = crate::oai::parse_page(&fetched.body, &list).map_err(|e| e.to_string())?;
            let granularity = granularity.unwrap_or_else(|| "unknown".into());
            match (page.error, page.records.first()) {
                (Some((code, _)), _) if code == "noRecordsMatch" => Ok(format!(
                    "Identify answers (granularity {granularity}); no records to list yet"
                )),
                (Some((code, message)), _) => Err(format!("OAI-PMH error {code}: {message}")),
                (None, Some(raw)) => {
                    let record = unicat_marc::decode(Format::MarcXml, raw)
                        .map_err(|e| format!("the first record cannot be read: {e}"))?;
                    Ok(format!(
                        "Identify answers (granularity {granularity}); first page: {} records, the first {}",
                        page.records.len(),
                        describe(&record)
                    ))
                }
                (None, None) => Ok(format!(
                    "Identify answers (granularity {granularity}); the first page lists no record"
                )),
            }
        }
    }
}

/// The first `HTTP_PREFIX` bytes of an export (asked for with a Range, and
/// cut there when the server sends the whole file).
async fn http_prefix(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let mut resp = client
        .get(url)
        .header("Range", format!("bytes=0-{}", HTTP_PREFIX - 1))
        .send()
        .await
        .map_err(|e| format!("cannot reach the server: {}", crate::http::describe(&e)))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let mut body = Vec::new();
    while body.len() < HTTP_PREFIX {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => return Err(format!("reading the body: {}", crate::http::describe(&e))),
        }
    }
    body.truncate(HTTP_PREFIX);
    Ok(body)
}

/// The bytes as they are, or as much of their gzip stream as they hold.
fn ungzip(bytes: Vec<u8>) -> std::io::Cursor<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return std::io::Cursor::new(bytes);
    }
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(&bytes[..]);
    let mut buf = [0u8; 64 << 10];
    // A cut stream ends in an error: keep what came before it.
    while let Ok(n) = decoder.read(&mut buf) {
        if n == 0 || out.len() >= HTTP_PREFIX * 8 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    std::io::Cursor::new(out)
}

/// Detects the format (unless configured) and reads the first record.
fn first_record(input: &mut dyn BufRead, format: Option<Format>) -> Result<String, String> {
    let prefix = input.fill_buf().map_err(|e| e.to_string())?;
    if prefix.is_empty() {
        return Err("empty".into());
    }
    let format = match format.or_else(|| Format::detect(prefix)) {
        Some(f) => f,
        None => return Err("not MARC (neither ISO 2709, MARCXML nor MARC-in-JSON)".into()),
    };
    let mut framer = Framer::new(input, format);
    match framer.next_raw() {
        None => Err(format!("{}, but no record in it", format.name())),
        Some(Err(e)) => Err(format!(
            "{}, but the first record cannot be read: {e}",
            format.name()
        )),
        Some(Ok(raw)) => match unicat_marc::decode(format, &raw) {
            Ok(record) => Ok(format!(
                "{}; first record {}",
                format.name(),
                describe(&record)
            )),
            Err(e) => Err(format!(
                "{}, but the first record cannot be read: {e}",
                format.name()
            )),
        },
    }
}

fn describe(record: &unicat_marc::Record) -> String {
    let id = record
        .control("001")
        .unwrap_or("(no 001)")
        .trim()
        .to_string();
    let title = record
        .fields
        .iter()
        .find_map(|f| match f {
            unicat_marc::Field::Data(d) if d.tag.as_str() == "245" => d.first('a'),
            _ => None,
        })
        .unwrap_or("(no title)");
    format!("{id}: {title}")
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}
