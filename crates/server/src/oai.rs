//! OAI-PMH 2.0 provider of the merged catalogue at `/oai`.
//!
//! Every cluster is one item, `oai:unicat:{cluster id}`, in two formats:
//! `marc21` (the union record of [`unicat_catalog::export::union_record`]:
//! the displayed member's MARC with one 852 per holding, as SRU serves it)
//! and `oai_dc`. There is one set per library (`setSpec` = library id): the
//! clusters it holds. Datestamps are the time a cluster's record last
//! changed (seconds granularity, UTC), from the store's change log; a
//! cluster that disappears is a deleted record for good (`deletedRecord`
//! is `persistent`).
//!
//! Lists come in pages (100 records, 250 identifiers). A resumption token
//! carries the request and the position reached in the change log — the
//! last (datestamp, id) sent — and an `until` fixed when the listing began:
//! the last stamp in the log at that moment (never the clock, which a
//! harvest in the same second would share). Entries only ever move forward
//! in the log (a change gets a stamp later than every earlier one), so a listing resumed after a re-harvest of
//! Unicat neither repeats nor skips a record that did not change, never
//! shows a wrong page, and leaves the records that changed meanwhile to
//! the next incremental harvest (their datestamps are after its `until`).
//! A token that cannot be read is `badResumptionToken`.
//!
//! Every error of the protocol is answered: `badArgument`,
//! `badResumptionToken`, `badVerb`, `cannotDisseminateFormat`,
//! `idDoesNotExist`, `noRecordsMatch`, `noMetadataFormats` (never: both
//! formats exist for every item) and `noSetHierarchy` (a network without
//! libraries).

use crate::sru::records::dc_elements;
use crate::sru::xml::escape_into;
use crate::{ApiError, AppState};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write as _;
use unicat_catalog::Catalog;
use unicat_catalog::changes::Changed;
use unicat_match::ClusterId;

/// Records per ListRecords page.
pub const RECORDS_PER_PAGE: usize = 100;
/// Headers per ListIdentifiers page.
pub const IDENTIFIERS_PER_PAGE: usize = 250;

const PREFIX: &str = "oai:unicat:";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/oai", get(get_oai).post(post_oai))
}

async fn get_oai(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(state, &headers, q.unwrap_or_default().into_bytes()).await
}

async fn post_oai(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(state, &headers, body.to_vec()).await
}

/// The protocol's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoSetHierarchy,
    /// Not a protocol error: the catalogue failed (an HTTP 500).
    Internal,
}

impl Code {
    fn as_str(self) -> &'static str {
        match self {
            Code::BadArgument => "badArgument",
            Code::BadResumptionToken => "badResumptionToken",
            Code::BadVerb => "badVerb",
            Code::CannotDisseminateFormat => "cannotDisseminateFormat",
            Code::IdDoesNotExist => "idDoesNotExist",
            Code::NoRecordsMatch => "noRecordsMatch",
            Code::NoSetHierarchy => "noSetHierarchy",
            Code::Internal => "internal",
        }
    }
}

struct OaiError(Code, String);

fn err(code: Code, message: impl Into<String>) -> OaiError {
    OaiError(code, message.into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Identify,
    ListMetadataFormats,
    ListSets,
    ListIdentifiers,
    ListRecords,
    GetRecord,
}

impl Verb {
    fn parse(s: &str) -> Option<Verb> {
        Some(match s {
            "Identify" => Verb::Identify,
            "ListMetadataFormats" => Verb::ListMetadataFormats,
            "ListSets" => Verb::ListSets,
            "ListIdentifiers" => Verb::ListIdentifiers,
            "ListRecords" => Verb::ListRecords,
            "GetRecord" => Verb::GetRecord,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Verb::Identify => "Identify",
            Verb::ListMetadataFormats => "ListMetadataFormats",
            Verb::ListSets => "ListSets",
            Verb::ListIdentifiers => "ListIdentifiers",
            Verb::ListRecords => "ListRecords",
            Verb::GetRecord => "GetRecord",
        }
    }

    /// The arguments it takes (besides `verb`).
    fn arguments(self) -> &'static [&'static str] {
        match self {
            Verb::Identify => &[],
            Verb::ListMetadataFormats => &["identifier"],
            Verb::ListSets => &["resumptionToken"],
            Verb::ListIdentifiers | Verb::ListRecords => {
                &["metadataPrefix", "from", "until", "set", "resumptionToken"]
            }
            Verb::GetRecord => &["identifier", "metadataPrefix"],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Marc21,
    OaiDc,
}

impl Format {
    fn parse(s: &str) -> Option<Format> {
        match s {
            "marc21" => Some(Format::Marc21),
            "oai_dc" => Some(Format::OaiDc),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Marc21 => "marc21",
            Format::OaiDc => "oai_dc",
        }
    }
}

/// The arguments of a request, checked against its verb.
struct Request {
    verb: Verb,
    args: Vec<(String, String)>,
}

impl Request {
    fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the arguments: `verb` once and known, every other argument one
/// the verb takes, none twice.
fn parse_request(raw: &[u8]) -> Result<Request, (Option<Verb>, OaiError)> {
    let mut verb = None;
    let mut verbs = 0;
    let mut args: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(raw) {
        if k == "verb" {
            verbs += 1;
            verb = Some(v.into_owned());
        } else {
            args.push((k.into_owned(), v.into_owned()));
        }
    }
    let verb = match (verbs, verb) {
        (0, _) => return Err((None, err(Code::BadVerb, "no verb given"))),
        (1, Some(v)) => Verb::parse(&v).ok_or_else(|| {
            (
                None,
                err(Code::BadVerb, format!("{v:?} is not an OAI-PMH verb")),
            )
        })?,
        _ => return Err((None, err(Code::BadVerb, "the verb is given more than once"))),
    };
    for (i, (k, _)) in args.iter().enumerate() {
        if !verb.arguments().contains(&k.as_str()) {
            return Err((
                Some(verb),
                err(
                    Code::BadArgument,
                    format!("{} does not take the argument {k:?}", verb.name()),
                ),
            ));
        }
        if args[..i].iter().any(|(k2, _)| k2 == k) {
            return Err((
                Some(verb),
                err(
                    Code::BadArgument,
                    format!("the argument {k:?} is given more than once"),
                ),
            ));
        }
    }
    Ok(Request { verb, args })
}

// ---- time ----

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A datestamp at seconds granularity.
fn datestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A date argument: `YYYY-MM-DD` (a day: its first second, or with
/// `end` its last) or `YYYY-MM-DDThh:mm:ssZ`. The bool says whether it had
/// a time.
fn parse_date(s: &str, end: bool) -> Option<(u64, bool)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    if b.len() != 10 && b.len() != 20 {
        return None;
    }
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d == 0 || d > 31 {
        return None;
    }
    let days = days_from_civil(i64::from(y), m, d);
    // Reject 2021-02-30 and the like: the date must come back the same.
    if civil_from_days(days) != (i64::from(y), m, d) || days < 0 {
        return None;
    }
    let day_start = days as u64 * 86_400;
    if b.len() == 10 {
        return Some((if end { day_start + 86_399 } else { day_start }, false));
    }
    if b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some((
        day_start + u64::from(h) * 3600 + u64::from(mi) * 60 + u64::from(sec),
        true,
    ))
}

// ---- resumption tokens ----

/// A listing's state: the request and the position reached.
#[derive(Debug, PartialEq, Eq)]
struct Token {
    format: Format,
    set: Option<String>,
    from: u64,
    until: u64,
    after: (u64, u64),
    cursor: u64,
}

impl Token {
    fn encode(&self) -> String {
        let body = format!(
            "v1.{}.{}.{}.{}.{}.{}.{}",
            self.format.name(),
            self.set.as_deref().unwrap_or("-"),
            self.from,
            self.until,
            self.after.0,
            ClusterId(self.after.1),
            self.cursor
        );
        format!("{body}.{:x}", checksum(&body))
    }

    fn decode(s: &str) -> Option<Token> {
        // A token mistyped or cut short fails its checksum.
        let (body, sum) = s.rsplit_once('.')?;
        if u64::from_str_radix(sum, 16).ok()? != checksum(body) {
            return None;
        }
        let p: Vec<&str> = body.split('.').collect();
        if p.len() != 8 || p[0] != "v1" {
            return None;
        }
        let set = match p[2] {
            "-" => None,
            s if !s.is_empty()
                && s.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                }) =>
            {
                Some(s.to_string())
            }
            _ => return None,
        };
        let t = Token {
            format: Format::parse(p[1])?,
            set,
            from: p[3].parse().ok()?,
            until: p[4].parse().ok()?,
            after: (p[5].parse().ok()?, ClusterId::parse(p[6])?.0),
            cursor: p[7].parse().ok()?,
        };
        (t.from <= t.until && t.after.0 >= t.from && t.after.0 <= t.until).then_some(t)
    }
}

/// FNV-1a of a token's fields.
fn checksum(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

// ---- writing ----

const OAI_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n";

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}/oai")
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// The response's frame: head, responseDate and the request element (with
/// its arguments unless the request was bad).
fn frame(base: &str, request: Option<&Request>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(OAI_HEAD);
    let _ = writeln!(out, "<responseDate>{}</responseDate>", datestamp(now()));
    out.push_str("<request");
    if let Some(r) = request {
        let _ = write!(out, " verb=\"{}\"", r.verb.name());
        for (k, v) in &r.args {
            let _ = write!(out, " {k}=\"{}\"", xml(v));
        }
    }
    let _ = writeln!(out, ">{}</request>", xml(base));
    out.push_str(body);
    out.push_str("</OAI-PMH>\n");
    out
}

fn xml_response(body: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    r
}

fn identifier(id: u64) -> String {
    format!("{PREFIX}{}", ClusterId(id))
}

/// An item's header; `deleted` also for an item whose document went from
/// the index since the change log was read.
fn header_xml(c: &Changed, deleted: bool, out: &mut String) {
    if deleted {
        out.push_str("<header status=\"deleted\">");
    } else {
        out.push_str("<header>");
    }
    let _ = write!(
        out,
        "<identifier>{}</identifier><datestamp>{}</datestamp>",
        identifier(c.change.id),
        datestamp(c.change.stamp)
    );
    for l in &c.change.libraries {
        let _ = write!(out, "<setSpec>{}</setSpec>", xml(l));
    }
    out.push_str("</header>");
}

fn record_xml(
    c: &Changed,
    format: Format,
    snapshot: Option<&unicat_store::Snapshot>,
    out: &mut String,
) {
    out.push_str("<record>");
    header_xml(c, c.change.deleted || c.doc.is_none(), out);
    if let (Some(doc), false) = (&c.doc, c.change.deleted) {
        out.push_str("<metadata>");
        match format {
            Format::Marc21 => {
                let mut rec = String::with_capacity(4096);
                unicat_marc::xml::write_record(
                    &unicat_catalog::export::union_record(doc, snapshot),
                    &mut rec,
                    true,
                );
                out.push_str(rec.trim_end());
            }
            Format::OaiDc => {
                out.push_str("<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">");
                dc_elements(doc, out);
                let _ = write!(
                    out,
                    "<dc:identifier>{}</dc:identifier>",
                    identifier(c.change.id)
                );
                out.push_str("</oai_dc:dc>");
            }
        }
        out.push_str("</metadata>");
    }
    out.push_str("</record>\n");
}

// ---- verbs ----

async fn answer(state: AppState, headers: &HeaderMap, raw: Vec<u8>) -> Response {
    if matches!(state.catalog.engine(), unicat_catalog::Engine::Solr(_)) {
        // The datestamps and deletions OAI-PMH lists are the record
        // store's change log, on the harvesting machine.
        return ApiError::from(unicat_catalog::CatalogError::new(
            unicat_catalog::ErrorCode::NotAvailable,
            "OAI-PMH is served by the harvesting machine, whose record store keeps the change log: run `unicat serve` there with the tantivy backend (see docs/SCALING.md)",
        ))
        .into_response();
    }
    let base = base_url(headers);
    let request = match parse_request(&raw) {
        Ok(r) => r,
        Err((_, OaiError(code, message))) => {
            return xml_response(frame(&base, None, &error_xml(code, &message)));
        }
    };
    let base2 = base.clone();
    let result = state
        .blocking(move |c| Ok(run(c, &request, &base2).map(|body| (body, request))))
        .await;
    match result {
        Ok(Ok((body, request))) => xml_response(frame(&base, Some(&request), &body)),
        Ok(Err((_, OaiError(Code::Internal, message)))) => ApiError::from(
            unicat_catalog::CatalogError::new(unicat_catalog::ErrorCode::Internal, message),
        )
        .into_response(),
        Ok(Err((request, OaiError(code, message)))) => {
            // badArgument: the request element carries no arguments.
            let r = (code != Code::BadArgument).then_some(&request);
            xml_response(frame(&base, r, &error_xml(code, &message)))
        }
        Err(e) => e.into_response(),
    }
}

fn error_xml(code: Code, message: &str) -> String {
    format!(
        "<error code=\"{}\">{}</error>\n",
        code.as_str(),
        xml(message)
    )
}

type Outcome = Result<String, (Request, OaiError)>;

fn run(c: &Catalog, r: &Request, base: &str) -> Outcome {
    let fail = |e: OaiError| {
        Err((
            Request {
                verb: r.verb,
                args: r.args.clone(),
            },
            e,
        ))
    };
    let result = match r.verb {
        Verb::Identify => identify(c, base),
        Verb::ListMetadataFormats => list_metadata_formats(c, r),
        Verb::ListSets => list_sets(c, r),
        Verb::GetRecord => get_record(c, r),
        Verb::ListIdentifiers | Verb::ListRecords => list(c, r),
    };
    match result {
        Ok(body) => Ok(body),
        Err(e) => fail(e),
    }
}

fn internal(e: unicat_catalog::CatalogError) -> OaiError {
    err(Code::Internal, e.message)
}

fn identify(c: &Catalog, base: &str) -> Result<String, OaiError> {
    let (earliest, _) = c.change_bounds().map_err(internal)?;
    let host = base
        .split("://")
        .nth(1)
        .and_then(|h| h.split(['/', ':']).next())
        .unwrap_or("localhost");
    Ok(format!(
        "<Identify><repositoryName>Unicat union catalogue ({} libraries)</repositoryName><baseURL>{}</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>unicat@{}</adminEmail><earliestDatestamp>{}</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity><description><oai-identifier xmlns=\"http://www.openarchives.org/OAI/2.0/oai-identifier\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd\"><scheme>oai</scheme><repositoryIdentifier>unicat</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>{PREFIX}0123456789</sampleIdentifier></oai-identifier></description></Identify>\n",
        c.network.libraries.len(),
        xml(base),
        xml(host),
        datestamp(earliest.unwrap_or(0)),
    ))
}

/// The cluster an OAI identifier names.
fn cluster_of(identifier: &str) -> Option<&str> {
    identifier.strip_prefix(PREFIX)
}

fn list_metadata_formats(c: &Catalog, r: &Request) -> Result<String, OaiError> {
    if let Some(id) = r.get("identifier") {
        let found = cluster_of(id)
            .map(|cid| c.changed_one(cid, false))
            .transpose()
            .map_err(internal)?
            .flatten();
        if found.is_none() {
            return Err(err(Code::IdDoesNotExist, format!("no item {id:?}")));
        }
    }
    Ok("<ListMetadataFormats><metadataFormat><metadataPrefix>marc21</metadataPrefix><schema>http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd</schema><metadataNamespace>http://www.loc.gov/MARC21/slim</metadataNamespace></metadataFormat><metadataFormat><metadataPrefix>oai_dc</metadataPrefix><schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema><metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat></ListMetadataFormats>\n".to_string())
}

fn list_sets(c: &Catalog, r: &Request) -> Result<String, OaiError> {
    if let Some(t) = r.get("resumptionToken") {
        return Err(err(
            Code::BadResumptionToken,
            format!("{t:?}: every set is listed at once; there is nothing to resume"),
        ));
    }
    if c.network.libraries.is_empty() {
        return Err(err(Code::NoSetHierarchy, "this network has no libraries"));
    }
    let mut out = String::from("<ListSets>");
    for l in &c.network.libraries {
        let _ = write!(
            out,
            "<set><setSpec>{}</setSpec><setName>{}</setName></set>",
            xml(l.id.as_str()),
            xml(&l.name)
        );
    }
    out.push_str("</ListSets>\n");
    Ok(out)
}

fn format_arg(r: &Request) -> Result<Format, OaiError> {
    let name = r
        .get("metadataPrefix")
        .ok_or_else(|| err(Code::BadArgument, "metadataPrefix is required"))?;
    Format::parse(name).ok_or_else(|| {
        err(
            Code::CannotDisseminateFormat,
            format!("{name:?} is not served (marc21, oai_dc)"),
        )
    })
}

fn get_record(c: &Catalog, r: &Request) -> Result<String, OaiError> {
    let id = r
        .get("identifier")
        .ok_or_else(|| err(Code::BadArgument, "identifier is required"))?;
    let format = format_arg(r)?;
    let found = cluster_of(id)
        .map(|cid| c.changed_one(cid, true))
        .transpose()
        .map_err(internal)?
        .flatten()
        .ok_or_else(|| err(Code::IdDoesNotExist, format!("no item {id:?}")))?;
    let snapshot = (format == Format::Marc21)
        .then(|| c.store().ok().and_then(|s| s.snapshot().ok()))
        .flatten();
    let mut out = String::from("<GetRecord>");
    record_xml(&found, format, snapshot.as_ref(), &mut out);
    out.push_str("</GetRecord>\n");
    Ok(out)
}

fn list(c: &Catalog, r: &Request) -> Result<String, OaiError> {
    let records = r.verb == Verb::ListRecords;
    let token = match r.get("resumptionToken") {
        Some(t) => {
            if r.args.len() > 1 {
                return Err(err(
                    Code::BadArgument,
                    "resumptionToken is an exclusive argument",
                ));
            }
            Some(Token::decode(t).ok_or_else(|| {
                err(
                    Code::BadResumptionToken,
                    format!("{t:?} is not a resumption token of this repository"),
                )
            })?)
        }
        None => None,
    };
    let (format, set, from, until, after, cursor) = match token {
        Some(t) => (t.format, t.set, t.from, t.until, Some(t.after), t.cursor),
        None => {
            let format = format_arg(r)?;
            let from = match r.get("from") {
                None => None,
                Some(f) => Some(parse_date(f, false).ok_or_else(|| {
                    err(
                        Code::BadArgument,
                        format!(
                            "from {f:?} is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"
                        ),
                    )
                })?),
            };
            let until = match r.get("until") {
                None => None,
                Some(u) => Some(parse_date(u, true).ok_or_else(|| {
                    err(
                        Code::BadArgument,
                        format!(
                            "until {u:?} is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"
                        ),
                    )
                })?),
            };
            if let (Some((_, a)), Some((_, b))) = (from, until)
                && a != b
            {
                return Err(err(
                    Code::BadArgument,
                    "from and until must have the same granularity",
                ));
            }
            let from = from.map_or(0, |f| f.0);
            // Only a `from` after an `until` the harvester gave is an error;
            // a `from` past the last change (a harvester asking for what
            // is new since its last visit) simply matches nothing.
            if let Some((u, _)) = until
                && from > u
            {
                return Err(err(Code::BadArgument, "from is after until"));
            }
            // A listing sees the log as it is when it begins: its until is
            // the last stamp recorded now. A later harvest's stamp is
            // greater than that one (even within the same second), so its
            // changes wait for the next harvest and never move an entry
            // into the part of the listing already walked.
            let (_, last) = c.change_bounds().map_err(internal)?;
            let until = until.map_or(last, |u| u.0.min(last));
            let set = r.get("set").map(str::to_string);
            if let Some(s) = &set
                && c.network.library(s).is_none()
            {
                if c.network.libraries.is_empty() {
                    return Err(err(Code::NoSetHierarchy, "this network has no libraries"));
                }
                return Err(err(
                    Code::NoRecordsMatch,
                    format!("there is no set {s:?} (sets are library ids)"),
                ));
            }
            (format, set, from, until, None, 0)
        }
    };
    let limit = if records {
        RECORDS_PER_PAGE
    } else {
        IDENTIFIERS_PER_PAGE
    };
    let (page, more) = c
        .changed(from, until, after, set.as_deref(), limit, records)
        .map_err(internal)?;
    if page.is_empty() && cursor == 0 {
        return Err(err(Code::NoRecordsMatch, "no record matches"));
    }
    let verb = r.verb.name();
    let mut out = String::with_capacity(page.len() * if records { 4096 } else { 200 });
    let _ = write!(out, "<{verb}>");
    let snapshot = (records && format == Format::Marc21)
        .then(|| c.store().ok().and_then(|s| s.snapshot().ok()))
        .flatten();
    for item in &page {
        if records {
            record_xml(item, format, snapshot.as_ref(), &mut out);
        } else {
            header_xml(item, item.change.deleted, &mut out);
            out.push('\n');
        }
    }
    if more || after.is_some() {
        let next = match (more, page.last()) {
            (true, Some(last)) => Token {
                format,
                set,
                from,
                until,
                after: (last.change.stamp, last.change.id),
                cursor: cursor + page.len() as u64,
            }
            .encode(),
            _ => String::new(),
        };
        let _ = write!(
            out,
            "<resumptionToken cursor=\"{cursor}\">{}</resumptionToken>",
            xml(&next)
        );
    }
    let _ = writeln!(out, "</{verb}>");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_ones_are_refused() {
        assert_eq!(datestamp(0), "1970-01-01T00:00:00Z");
        let (t, timed) = parse_date("2024-02-29T23:59:58Z", false).unwrap();
        assert!(timed);
        assert_eq!(datestamp(t), "2024-02-29T23:59:58Z");
        assert_eq!(
            datestamp(parse_date("2023-12-31", true).unwrap().0),
            "2023-12-31T23:59:59Z"
        );
        for bad in [
            "2023-02-30",
            "2023-13-01",
            "2023-1-01",
            "2023-01-01T10:00:00",
            "yesterday",
            "2023-01-01T24:00:00Z",
        ] {
            assert!(parse_date(bad, false).is_none(), "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_forgeries_are_refused() {
        let t = Token {
            format: Format::OaiDc,
            set: Some("lib-01".into()),
            from: 5,
            until: 100,
            after: (50, 12345),
            cursor: 100,
        };
        assert_eq!(Token::decode(&t.encode()), Some(t));
        let sum = |b: &str| format!("{b}.{:x}", checksum(b));
        for bad in [
            String::new(),
            "v1".into(),
            sum("v2.marc21.-.0.1.0.0000000000.0"),
            sum("v1.marc21.-.10.5.7.0000000000.0"),
            sum("v1.mods.-.0.9.1.0000000000.0"),
            sum("v1.marc21.A B.0.9.1.0000000000.0"),
            "v1.marc21.-.0.9.1.0000000000.0.0".into(),
        ] {
            assert!(Token::decode(&bad).is_none(), "{bad}");
        }
        assert!(Token::decode(&sum("v1.marc21.-.0.9.1.0000000000.0")).is_some());
    }

    #[test]
    fn arguments_are_checked_against_the_verb() {
        assert!(parse_request(b"verb=Identify").is_ok());
        let bad = |q: &str| parse_request(q.as_bytes()).err().map(|(_, e)| e.0);
        assert_eq!(bad(""), Some(Code::BadVerb));
        assert_eq!(bad("verb=Foo"), Some(Code::BadVerb));
        assert_eq!(bad("verb=Identify&verb=Identify"), Some(Code::BadVerb));
        assert_eq!(bad("verb=Identify&set=x"), Some(Code::BadArgument));
        assert_eq!(
            bad("verb=ListRecords&metadataPrefix=marc21&metadataPrefix=oai_dc"),
            Some(Code::BadArgument)
        );
    }
}
