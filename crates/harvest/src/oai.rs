//! OAI-PMH: ListRecords with resumption tokens, incremental by `from`.
//!
//! The first harvest asks `Identify` for the repository's datestamp
//! granularity, then lists everything. Each later harvest lists only what
//! changed since the `responseDate` of the previous successful harvest's
//! first response (at the repository's granularity), so a harvest that
//! finds nothing new costs one request. Records with `status="deleted"`
//! remove the library's record. Resumption tokens are percent-encoded
//! (they may hold `+` and `/`). `noRecordsMatch` is success; a
//! `badResumptionToken` restarts the list once, as the protocol intends;
//! HTTP 503 with `Retry-After` is waited out by the fetcher.

use crate::HarvestError;
use crate::http::Fetcher;
use crate::process::{BATCH, ready, record_problem};
use crate::report::{LibraryReport, RecordProblem};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use quick_xml::events::Event;
use rayon::prelude::*;
use unicat_config::Library;
use unicat_marc::{Format, Framer, RawRecord};
use unicat_store::HarvestSession;

/// Characters left as they are in query values: RFC 3986 unreserved.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

/// One OAI-PMH response, as far as a harvester needs it.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub response_date: Option<String>,
    pub error: Option<(String, String)>,
    pub token: Option<String>,
    pub records: Vec<RawRecord>,
    pub granularity: Option<String>,
}

/// Reads the protocol envelope: responseDate, error, resumptionToken,
/// granularity (Identify); the records are cut out by the MARCXML framer.
pub(crate) fn parse_page(body: &[u8], url: &str) -> Result<Page, HarvestError> {
    let bad = |reason: String| HarvestError::OaiResponse {
        url: url.to_string(),
        reason,
    };
    let text = std::str::from_utf8(body).map_err(|e| bad(format!("not UTF-8: {e}")))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut page = Page::default();
    let mut current: Option<&'static str> = None;
    let mut value = String::new();
    let mut depth_in_record = 0usize;
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("{e} at byte {}", reader.buffer_position())))?;
        match event {
            Event::Start(ref e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == "OAI-PMH" {
                    saw_root = true;
                }
                if name == "metadata" || depth_in_record > 0 {
                    depth_in_record += 1;
                    continue;
                }
                current = match name {
                    "responseDate" => Some("responseDate"),
                    "resumptionToken" => Some("resumptionToken"),
                    "granularity" => Some("granularity"),
                    "error" => {
                        let code = e
                            .try_get_attribute("code")
                            .ok()
                            .flatten()
                            .map(|a| a.value.to_string())
                            .unwrap_or_else(|| "unknown".into());
                        page.error = Some((code, String::new()));
                        Some("error")
                    }
                    _ => None,
                };
                value.clear();
            }
            Event::Empty(ref e) if depth_in_record == 0 && e.local_name().as_ref() == "error" => {
                let code = e
                    .try_get_attribute("code")
                    .ok()
                    .flatten()
                    .map(|a| a.value.to_string())
                    .unwrap_or_else(|| "unknown".into());
                page.error = Some((code, String::new()));
            }
            Event::Text(t) if current.is_some() => value.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if current.is_some() => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match r.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(bad(format!("unknown entity &{other};"))),
                    },
                };
                value.push(c);
            }
            Event::End(_) if depth_in_record > 0 => depth_in_record -= 1,
            Event::End(ref e) => {
                if let Some(field) = current.take() {
                    let v = value.trim().to_string();
                    match field {
                        "responseDate" => page.response_date = Some(v),
                        "resumptionToken" => page.token = (!v.is_empty()).then_some(v),
                        "granularity" => page.granularity = Some(v),
                        "error" => {
                            if let Some(err) = page.error.as_mut() {
                                err.1 = v;
                            }
                        }
                        _ => {}
                    }
                }
                let _ = e;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(bad("not an OAI-PMH response (no <OAI-PMH> element)".into()));
    }
    let mut framer = Framer::new(body, Format::MarcXml);
    while let Some(raw) = framer.next_raw() {
        match raw {
            Ok(r) => page.records.push(r),
            Err(e) => return Err(bad(format!("broken record element: {e}"))),
        }
    }
    Ok(page)
}

/// The OAI header of one record element.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Header {
    pub identifier: String,
    pub datestamp: String,
    pub deleted: bool,
}

pub(crate) fn parse_header(chunk: &[u8]) -> Option<Header> {
    let text = std::str::from_utf8(chunk).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut h = Header::default();
    let mut field: Option<bool> = None; // Some(true) identifier, Some(false) datestamp
    let mut in_header = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                "header" => {
                    in_header = true;
                    h.deleted = e
                        .try_get_attribute("status")
                        .ok()
                        .flatten()
                        .is_some_and(|a| &*a.value == "deleted");
                }
                "identifier" if in_header => field = Some(true),
                "datestamp" if in_header => field = Some(false),
                _ => field = None,
            },
            Event::Text(t) => match field {
                Some(true) => h.identifier.push_str(t.xml10_content().trim()),
                Some(false) => h.datestamp.push_str(t.xml10_content().trim()),
                None => {}
            },
            Event::End(ref e) => {
                field = None;
                if e.local_name().as_ref() == "header" {
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (!h.identifier.is_empty()).then_some(h)
}

/// The library's record id for an OAI identifier: the part after the last
/// `:` (`oai:koha.example:1234` → `1234`), which repositories build from
/// their own record id; so deletions, which carry no MARC, find the record.
pub(crate) fn record_id(identifier: &str) -> &str {
    identifier
        .rsplit(':')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(identifier)
}

/// Truncates a datestamp to the repository's granularity.
pub(crate) fn at_granularity(date: &str, granularity: Option<&str>) -> String {
    match granularity {
        Some(g) if g.len() <= 10 => date.chars().take(10).collect(),
        _ => date.to_string(),
    }
}

pub(crate) struct OaiRequest<'a> {
    pub base: &'a str,
    pub metadata_prefix: &'a str,
    pub set: Option<&'a str>,
    pub from: Option<String>,
}

impl OaiRequest<'_> {
    fn first_url(&self) -> String {
        let mut url = format!(
            "{}{}verb=ListRecords&metadataPrefix={}",
            self.base,
            if self.base.contains('?') { "&" } else { "?" },
            enc(self.metadata_prefix)
        );
        if let Some(s) = self.set {
            url.push_str("&set=");
            url.push_str(&enc(s));
        }
        if let Some(f) = &self.from {
            url.push_str("&from=");
            url.push_str(&enc(f));
        }
        url
    }

    fn token_url(&self, token: &str) -> String {
        format!(
            "{}{}verb=ListRecords&resumptionToken={}",
            self.base,
            if self.base.contains('?') { "&" } else { "?" },
            enc(token)
        )
    }
}

/// Asks Identify for the datestamp granularity.
pub(crate) fn identify(
    fetcher: &mut Fetcher<'_>,
    base: &str,
) -> Result<Option<String>, HarvestError> {
    let url = format!(
        "{base}{}verb=Identify",
        if base.contains('?') { "&" } else { "?" }
    );
    let fetched = fetcher.get(&url, &[])?;
    let page = parse_page(&fetched.body, &url)?;
    if let Some((code, message)) = page.error {
        return Err(HarvestError::Oai { url, code, message });
    }
    Ok(page.granularity)
}

/// What a ListRecords run brought.
pub(crate) struct Listed {
    /// The responseDate of the first response.
    pub response_date: Option<String>,
    /// The repository had nothing to list.
    pub no_records: bool,
}

/// Lists records into the session. Returns Err(None) when the list must be
/// restarted (badResumptionToken), Err(Some(e)) on failure.
pub(crate) fn list_records(
    fetcher: &mut Fetcher<'_>,
    request: &OaiRequest<'_>,
    library: &Library,
    session: &mut HarvestSession<'_>,
    report: &mut LibraryReport,
) -> Result<Listed, Option<HarvestError>> {
    let mut url = request.first_url();
    let mut listed = Listed {
        response_date: None,
        no_records: false,
    };
    let mut first = true;
    loop {
        let fetched = fetcher.get(&url, &[]).map_err(Some)?;
        report.bytes += fetched.body.len() as u64;
        let page = parse_page(&fetched.body, &url).map_err(Some)?;
        if first {
            listed.response_date = page.response_date.clone();
            first = false;
        }
        if let Some((code, message)) = page.error {
            match code.as_str() {
                "noRecordsMatch" => {
                    listed.no_records = true;
                    return Ok(listed);
                }
                "badResumptionToken" if url != request.first_url() => {
                    fetcher.observer.note(
                        fetcher.library,
                        &format!("badResumptionToken ({message}); restarting the list"),
                    );
                    return Err(None);
                }
                _ => return Err(Some(HarvestError::Oai { url, code, message })),
            }
        }
        let source = url.clone();
        let prepared: Vec<_> = page
            .records
            .par_iter()
            .with_min_len(BATCH / 8)
            .map(|raw| prepare(raw, library, &source))
            .collect();
        for p in prepared {
            match p {
                Prepared::Upsert(mut r) => {
                    r.account(report);
                    r.stage(session).map_err(|e| Some(e.into()))?;
                }
                Prepared::Delete(id) => session.delete(id).map_err(|e| Some(e.into()))?,
                Prepared::Problem(p) => report.problem(p),
            }
        }
        fetcher
            .observer
            .progress(fetcher.library, report.read, report.bytes);
        match page.token {
            Some(token) => url = request.token_url(&token),
            None => return Ok(listed),
        }
    }
}

enum Prepared {
    Upsert(crate::process::Ready),
    Delete(String),
    Problem(RecordProblem),
}

fn prepare(raw: &RawRecord, library: &Library, source: &str) -> Prepared {
    let Some(header) = parse_header(&raw.bytes) else {
        return Prepared::Problem(RecordProblem {
            source: source.to_string(),
            position: Some(raw.position),
            record_id: None,
            reason: "OAI-PMH record without an identifier in its header".into(),
        });
    };
    let id = record_id(&header.identifier).to_string();
    if header.deleted {
        return Prepared::Delete(id);
    }
    match unicat_marc::xml::decode_with_warnings(&raw.bytes, raw.position) {
        Ok(decoded) => match ready(&decoded, Some(id), library, source, Some(raw.position)) {
            Ok(r) => Prepared::Upsert(r),
            Err(p) => Prepared::Problem(p),
        },
        Err(e) => {
            let mut p = record_problem(&e, source);
            p.record_id = Some(id);
            Prepared::Problem(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_and_records() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-29T10:00:00Z</responseDate>
<request verb="ListRecords">http://x/oai</request><ListRecords>
<record><header><identifier>oai:x:1</identifier><datestamp>2026-01-01T00:00:00Z</datestamp></header>
<metadata><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader>
<marc:controlfield tag="001">1</marc:controlfield></marc:record></metadata></record>
<record><header status="deleted"><identifier>oai:x:2</identifier><datestamp>2026-01-02</datestamp></header></record>
<resumptionToken completeListSize="9" cursor="0">abc+/def==</resumptionToken></ListRecords></OAI-PMH>"#;
        let page = parse_page(body, "u").unwrap();
        assert_eq!(page.response_date.as_deref(), Some("2026-11-29T10:00:00Z"));
        assert_eq!(page.token.as_deref(), Some("abc+/def=="));
        assert_eq!(page.records.len(), 2);
        let h = parse_header(&page.records[1].bytes).unwrap();
        assert!(h.deleted);
        assert_eq!(h.identifier, "oai:x:2");
        assert!(!parse_header(&page.records[0].bytes).unwrap().deleted);
    }

    #[test]
    fn errors_and_empty_tokens() {
        let body = br#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-29</responseDate>
<error code="noRecordsMatch">nothing</error></OAI-PMH>"#;
        let page = parse_page(body, "u").unwrap();
        assert_eq!(
            page.error,
            Some(("noRecordsMatch".into(), "nothing".into()))
        );
        let body = br#"<OAI-PMH><ListRecords><resumptionToken completeListSize="3"/></ListRecords></OAI-PMH>"#;
        assert_eq!(parse_page(body, "u").unwrap().token, None);
        assert!(parse_page(b"<html>not oai</html>", "u").is_err());
        assert!(parse_page(b"\xff\xfe", "u").is_err());
    }

    #[test]
    fn urls_encode_tokens_and_ids() {
        let r = OaiRequest {
            base: "http://h/oai",
            metadata_prefix: "marc21",
            set: Some("a:b"),
            from: Some("2026-01-01T00:00:00Z".into()),
        };
        assert_eq!(
            r.first_url(),
            "http://h/oai?verb=ListRecords&metadataPrefix=marc21&set=a%3Ab&from=2026-01-01T00%3A00%3A00Z"
        );
        assert_eq!(
            r.token_url("a+b/c=="),
            "http://h/oai?verb=ListRecords&resumptionToken=a%2Bb%2Fc%3D%3D"
        );
        assert_eq!(record_id("oai:koha.example:1234"), "1234");
        assert_eq!(record_id("plain"), "plain");
        assert_eq!(
            at_granularity("2026-11-29T10:00:00Z", Some("YYYY-MM-DD")),
            "2026-11-29"
        );
        assert_eq!(
            at_granularity("2026-11-29T10:00:00Z", Some("YYYY-MM-DDThh:mm:ssZ")),
            "2026-11-29T10:00:00Z"
        );
    }
}
