//! Records out: clusters written as MARCXML, MARC-in-JSON, ISO 2709
//! (UTF-8), CSV, RIS or BibTeX, one at a time into any `Write`, so that an
//! export of 10,000 clusters holds one cluster in memory, never the lot.
//!
//! The MARC of a cluster ([`union_record`]) is the member record whose
//! description the cluster displays (same title, subtitle, authors,
//! publisher and year as the cluster; else the member with the most
//! fields), changed so:
//!
//! - `001` is the cluster id; the member's `001` and `003` go, and an
//!   `035 $a (library)record_id` keeps where the record came from;
//! - the member's own `852` fields go, and one `852` per holding of the
//!   cluster (every member, in the cluster's order) is added:
//!
//! | subfield | holds |
//! |---|---|
//! | `$a` | library id (`lib03`) |
//! | `$b` | library name |
//! | `$c` | location(s), when the library says |
//! | `$h` | call number, when known |
//! | `$z` | availability: `available`, `checked_out`, `unavailable` or `unknown`; a second `$z` "N of M copies available" when the library gives counts |
//! | `$u` | the record in the library's own catalogue (its `opac_url`) |
//!
//! When no member record can be read (the store and the index disagree for
//! a moment during a harvest) the record is built from the cluster's
//! description instead. SRU and the OAI-PMH provider serve the same record.
//!
//! CSV has one row per holding (the cluster's fields repeated, then the
//! holding's), RFC 4180 quoting; RIS and BibTeX are for reference managers
//! (Zotero, EndNote, JabRef), one entry per cluster.

use crate::{
    Catalog, CatalogError, ClusterDoc, ErrorCode, MAX_DEPTH, Minimum, Query, SearchRequest, query,
    widen,
};
use std::io::{self, Write};
use unicat_index::Holding;
use unicat_marc::{DataField, Field, Indicators, Leader, Record, Subfield, Tag};
use unicat_store::{Snapshot, StoredRecord};

/// The formats clusters are exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// MARCXML: a `<collection>` in the MARC 21 slim namespace.
    MarcXml,
    /// MARC-in-JSON: a JSON array of records.
    MarcJson,
    /// ISO 2709, UTF-8 (leader/09 `a`), records one after another.
    Iso2709,
    /// CSV, one row per holding.
    Csv,
    /// RIS.
    Ris,
    /// BibTeX.
    Bibtex,
}

impl ExportFormat {
    /// Every format, in the order menus list them.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Ris,
        ExportFormat::Bibtex,
        ExportFormat::Csv,
        ExportFormat::MarcXml,
        ExportFormat::MarcJson,
        ExportFormat::Iso2709,
    ];

    /// Reads a format's name (`marcxml`, `marc-json`, `iso2709`, `csv`,
    /// `ris`, `bibtex`, and a few common spellings).
    pub fn parse(name: &str) -> Option<ExportFormat> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "marcxml" | "marc-xml" | "marc21-xml" | "xml" => ExportFormat::MarcXml,
            "marc-json" | "marcjson" | "marc-in-json" | "json-marc" => ExportFormat::MarcJson,
            "iso2709" | "marc" | "mrc" | "marc21" | "usmarc" => ExportFormat::Iso2709,
            "csv" => ExportFormat::Csv,
            "ris" => ExportFormat::Ris,
            "bibtex" | "bib" => ExportFormat::Bibtex,
            _ => return None,
        })
    }

    /// The format an `Accept` header asks for, if it names one of them.
    pub fn from_media_type(accept: &str) -> Option<ExportFormat> {
        accept.split(',').find_map(|part| {
            let media = part.split(';').next().unwrap_or("").trim();
            ExportFormat::ALL.into_iter().find(|f| {
                f.media_types()
                    .contains(&media.to_ascii_lowercase().as_str())
            })
        })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::MarcXml => "marcxml",
            ExportFormat::MarcJson => "marc-json",
            ExportFormat::Iso2709 => "iso2709",
            ExportFormat::Csv => "csv",
            ExportFormat::Ris => "ris",
            ExportFormat::Bibtex => "bibtex",
        }
    }

    /// A label for menus.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::MarcXml => "MARCXML",
            ExportFormat::MarcJson => "MARC-in-JSON",
            ExportFormat::Iso2709 => "MARC (ISO 2709, UTF-8)",
            ExportFormat::Csv => "CSV (spreadsheet)",
            ExportFormat::Ris => "RIS (Zotero, EndNote)",
            ExportFormat::Bibtex => "BibTeX",
        }
    }

    /// Media types it answers to; the first is the one served.
    fn media_types(self) -> &'static [&'static str] {
        match self {
            ExportFormat::MarcXml => &["application/marcxml+xml", "application/marc+xml"],
            ExportFormat::MarcJson => &["application/marc-in-json", "application/marc+json"],
            ExportFormat::Iso2709 => &["application/marc"],
            ExportFormat::Csv => &["text/csv"],
            ExportFormat::Ris => &["application/x-research-info-systems"],
            ExportFormat::Bibtex => &["application/x-bibtex", "text/x-bibtex"],
        }
    }

    /// The `Content-Type` served.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::MarcXml => "application/marcxml+xml; charset=utf-8",
            ExportFormat::MarcJson => "application/marc-in-json; charset=utf-8",
            ExportFormat::Iso2709 => "application/marc",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Ris => "application/x-research-info-systems; charset=utf-8",
            ExportFormat::Bibtex => "application/x-bibtex; charset=utf-8",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::MarcXml => "xml",
            ExportFormat::MarcJson => "json",
            ExportFormat::Iso2709 => "mrc",
            ExportFormat::Csv => "csv",
            ExportFormat::Ris => "ris",
            ExportFormat::Bibtex => "bib",
        }
    }

    /// True for the MARC formats (which read the members' records).
    pub fn is_marc(self) -> bool {
        matches!(
            self,
            ExportFormat::MarcXml | ExportFormat::MarcJson | ExportFormat::Iso2709
        )
    }
}

/// The CSV columns: the cluster's, then the holding's.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "authors",
    "publisher",
    "place",
    "year",
    "edition",
    "format",
    "language",
    "isbns",
    "issns",
    "oclc",
    "lccn",
    "pagination",
    "series",
    "subjects",
    "lc_class",
    "lc_call_number",
    "holding_libraries",
    "library",
    "library_name",
    "record_id",
    "call_number",
    "location",
    "items",
    "available",
    "status",
    "url",
];

/// Writes clusters in one format, one at a time; [`finish`](Self::finish)
/// closes the document (the MARCXML collection, the JSON array).
pub struct Exporter<W: Write> {
    format: ExportFormat,
    out: W,
    snapshot: Option<Snapshot>,
    written: u64,
    skipped: u64,
    buf: Vec<u8>,
}

impl<W: Write> Exporter<W> {
    /// Starts an export; `snapshot` gives the members' MARC (without it
    /// MARC is built from the clusters' descriptions).
    pub fn new(format: ExportFormat, snapshot: Option<Snapshot>, mut out: W) -> io::Result<Self> {
        match format {
            ExportFormat::MarcXml => out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n",
            )?,
            ExportFormat::MarcJson => out.write_all(b"[")?,
            ExportFormat::Csv => {
                let mut line = String::new();
                csv_row(&mut line, CSV_COLUMNS.iter().copied());
                out.write_all(line.as_bytes())?;
            }
            ExportFormat::Iso2709 | ExportFormat::Ris | ExportFormat::Bibtex => {}
        }
        Ok(Exporter {
            format,
            out,
            snapshot,
            written: 0,
            skipped: 0,
            buf: Vec::with_capacity(8192),
        })
    }

    /// Writes one cluster. A cluster whose MARC cannot be written as ISO
    /// 2709 (a field over 9,999 bytes, a record over 99,999) is skipped
    /// and counted ([`skipped`](Self::skipped)).
    pub fn write(&mut self, doc: &ClusterDoc) -> io::Result<()> {
        self.buf.clear();
        match self.format {
            ExportFormat::MarcXml => {
                let mut s = String::with_capacity(4096);
                unicat_marc::xml::write_record(
                    &union_record(doc, self.snapshot.as_ref()),
                    &mut s,
                    false,
                );
                self.buf.extend_from_slice(s.as_bytes());
            }
            ExportFormat::MarcJson => {
                if self.written > 0 {
                    self.buf.push(b',');
                }
                self.buf.push(b'\n');
                unicat_marc::json::write_record(
                    &union_record(doc, self.snapshot.as_ref()),
                    &mut self.buf,
                );
            }
            ExportFormat::Iso2709 => {
                let rec = union_record(doc, self.snapshot.as_ref());
                if unicat_marc::iso2709::write_record(&rec, &mut self.buf).is_err() {
                    self.skipped += 1;
                    return Ok(());
                }
            }
            ExportFormat::Csv => {
                let mut s = String::with_capacity(1024);
                csv_rows(doc, &mut s);
                self.buf.extend_from_slice(s.as_bytes());
            }
            ExportFormat::Ris => self.buf.extend_from_slice(ris(doc).as_bytes()),
            ExportFormat::Bibtex => self.buf.extend_from_slice(bibtex(doc).as_bytes()),
        }
        self.out.write_all(&self.buf)?;
        self.written += 1;
        Ok(())
    }

    /// Clusters written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Clusters left out because their MARC was too long for ISO 2709.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Closes the document and flushes; gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            ExportFormat::MarcXml => self.out.write_all(b"</collection>\n")?,
            ExportFormat::MarcJson => self.out.write_all(b"\n]\n")?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl Catalog {
    /// Whether this catalogue can export in `format`: the MARC formats
    /// read the members' records from the store, which a node serving a
    /// SolrCloud collection does not have.
    pub fn export_available(&self, format: ExportFormat) -> Result<(), CatalogError> {
        if format.is_marc() && self.store().is_err() {
            return Err(CatalogError::not_available(
                "an export in MARC (the members' records are in the harvesting machine's record store)",
            ));
        }
        Ok(())
    }

    /// A store snapshot for an export in `format` (the MARC formats read
    /// the members' records), or None.
    pub fn export_snapshot(&self, format: ExportFormat) -> Result<Option<Snapshot>, CatalogError> {
        if format.is_marc() {
            Ok(Some(
                self.store()?.snapshot().map_err(CatalogError::internal)?,
            ))
        } else {
            Ok(None)
        }
    }

    /// The query a search request runs, as [`Catalog::search`] runs it: a
    /// lenient query whose words find nothing is widened the same way, so
    /// that an export holds what the page showed.
    pub fn search_query(&self, req: &SearchRequest) -> Result<Query, CatalogError> {
        if req.strict {
            return self.request_query(req);
        }
        let text = query::parse_lenient(&req.q);
        let first = self.with_filters(text.clone(), req)?;
        if self.count(&first)? > 0 {
            return Ok(first);
        }
        for minimum in [Minimum::All, Minimum::Most, Minimum::Third] {
            let Some(wider) = widen(&text, true, minimum) else {
                continue;
            };
            let wider = self.with_filters(wider, req)?;
            if self.count(&wider)? > 0 {
                return Ok(wider);
            }
        }
        Ok(first)
    }

    fn count(&self, q: &Query) -> Result<u64, CatalogError> {
        Ok(self.search_index(q, 0, 0, crate::Sort::Relevance)?.total)
    }

    /// Calls `f` with the first `limit` (at most 10,000) clusters of a
    /// search, in the request's order, one at a time (the request's page
    /// and `per_page` are not used). Returns how many match in all.
    pub fn search_each<E: From<CatalogError>>(
        &self,
        req: &SearchRequest,
        limit: usize,
        f: impl FnMut(ClusterDoc) -> Result<(), E>,
    ) -> Result<u64, E> {
        let q = self.search_query(req)?;
        self.each_hit(&q, limit, req.sort, f)
    }

    /// Calls `f` with the first `limit` (at most 10,000) clusters of a
    /// built query ([`Catalog::search_query`]), one at a time.
    pub fn each_hit<E: From<CatalogError>>(
        &self,
        q: &Query,
        limit: usize,
        sort: crate::Sort,
        mut f: impl FnMut(ClusterDoc) -> Result<(), E>,
    ) -> Result<u64, E> {
        if limit > MAX_DEPTH {
            return Err(CatalogError::new(
                ErrorCode::PageTooDeep,
                format!(
                    "at most {MAX_DEPTH} results are exported; narrow the search with words or filters"
                ),
            )
            .into());
        }
        let index = match self.engine() {
            crate::Engine::Tantivy(index) => index,
            crate::Engine::Solr(solr) => {
                // Pages of the search, in its order.
                const PAGE: usize = 500;
                let mut total = 0;
                let mut offset = 0;
                while offset < limit.max(1) {
                    let want = PAGE.min(limit - offset.min(limit));
                    let r = solr
                        .search(q, offset, want, sort)
                        .map_err(CatalogError::solr)?;
                    total = r.total;
                    let got = r.hits.len();
                    for doc in r.hits {
                        f(doc)?;
                    }
                    offset += got;
                    if got < want || want == 0 {
                        break;
                    }
                }
                return Ok(total);
            }
        };
        let mut failed = None;
        let total = index
            .for_each_hit(q, limit, sort, |doc| {
                if failed.is_none()
                    && let Err(e) = f(doc)
                {
                    failed = Some(e);
                }
                Ok::<(), unicat_index::IndexError>(())
            })
            .map_err(CatalogError::internal)?;
        match failed {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }

    /// The clusters of a work, in the order [`Catalog::work`] gives them.
    pub fn work_clusters(&self, id: &str) -> Result<Vec<ClusterDoc>, CatalogError> {
        Ok(self
            .work(id)?
            .manifestations
            .into_iter()
            .map(|m| m.doc)
            .collect())
    }
}

fn tag(t: &str) -> Tag {
    Tag::parse(t).expect("a valid literal tag")
}

/// The cluster's MARC record with union holdings (see the module's
/// documentation).
pub fn union_record(doc: &ClusterDoc, snapshot: Option<&Snapshot>) -> Record {
    let members: Vec<(&Holding, StoredRecord)> = snapshot
        .map(|s| {
            doc.holdings
                .iter()
                .filter_map(|h| Some((h, s.record(&h.library, &h.record_id).ok()??)))
                .collect()
        })
        .unwrap_or_default();
    let displayed = |r: &StoredRecord| {
        r.bib.display_title() == doc.title
            && r.bib.subtitle == doc.subtitle
            && r.bib.authors == doc.authors
            && r.bib.publisher == doc.publisher
            && r.bib.year == doc.year
    };
    let decode = |r: &StoredRecord| {
        unicat_marc::Reader::new(&r.marc[..], unicat_marc::Format::Iso2709)
            .next()
            .and_then(Result::ok)
    };
    let best = members
        .iter()
        .filter(|(_, r)| displayed(r))
        .find_map(|(h, r)| Some((*h, decode(r)?)))
        .or_else(|| {
            members
                .iter()
                .filter_map(|(h, r)| Some((*h, decode(r)?)))
                .max_by_key(|(_, rec)| rec.fields.len())
        });
    let mut rec = match best {
        Some((member, mut rec)) => {
            rec.fields
                .retain(|f| !matches!(f.tag().as_str(), "001" | "003" | "852"));
            insert_sorted(
                &mut rec,
                Field::Data(DataField {
                    tag: tag("035"),
                    indicators: Indicators::BLANK,
                    subfields: vec![Subfield::new(
                        'a',
                        format!("({}){}", member.library, member.record_id),
                    )],
                }),
            );
            rec
        }
        None => described(doc),
    };
    rec.fields.insert(
        0,
        Field::Control {
            tag: tag("001"),
            value: doc.id.clone(),
        },
    );
    for h in &doc.holdings {
        insert_sorted(&mut rec, Field::Data(holding_field(h)));
    }
    rec
}

/// Inserts a field after every field whose tag sorts before or with it.
fn insert_sorted(rec: &mut Record, field: Field) {
    let t = field.tag();
    let at = rec
        .fields
        .iter()
        .position(|f| f.tag() > t)
        .unwrap_or(rec.fields.len());
    rec.fields.insert(at, field);
}

/// One holding as an 852 (see the module's table).
pub fn holding_field(h: &Holding) -> DataField {
    let mut subfields = vec![
        Subfield::new('a', h.library.clone()),
        Subfield::new('b', h.library_name.clone()),
    ];
    if let Some(l) = h.location.as_deref().filter(|s| !s.trim().is_empty()) {
        subfields.push(Subfield::new('c', l));
    }
    if let Some(c) = h.call_number.as_deref().filter(|s| !s.trim().is_empty()) {
        subfields.push(Subfield::new('h', c));
    }
    subfields.push(Subfield::new('z', h.status.clone()));
    if let (Some(items), Some(available)) = (h.items, h.available) {
        subfields.push(Subfield::new(
            'z',
            format!(
                "{available} of {items} {} available",
                if items == 1 { "copy" } else { "copies" }
            ),
        ));
    }
    if let Some(u) = &h.url {
        subfields.push(Subfield::new('u', u.clone()));
    }
    DataField {
        tag: tag("852"),
        indicators: Indicators::BLANK,
        subfields,
    }
}

/// A record built from the cluster's description alone.
fn described(doc: &ClusterDoc) -> Record {
    let mut rec = Record {
        leader: Leader::DEFAULT,
        fields: Vec::new(),
    };
    let data = |t: &str, i1: char, i2: char, subs: Vec<(char, String)>| {
        Field::Data(DataField {
            tag: tag(t),
            indicators: Indicators::new(i1, i2),
            subfields: subs.into_iter().map(|(c, v)| Subfield::new(c, v)).collect(),
        })
    };
    for l in &doc.lccn {
        rec.fields
            .push(data("010", ' ', ' ', vec![('a', l.clone())]));
    }
    for i in &doc.isbns {
        rec.fields
            .push(data("020", ' ', ' ', vec![('a', i.clone())]));
    }
    for i in &doc.issns {
        rec.fields
            .push(data("022", ' ', ' ', vec![('a', i.clone())]));
    }
    for o in &doc.oclc {
        rec.fields
            .push(data("035", ' ', ' ', vec![('a', format!("(OCoLC){o}"))]));
    }
    if let Some(a) = doc.authors.first() {
        rec.fields
            .push(data("100", '1', ' ', vec![('a', a.clone())]));
    }
    let mut title = vec![('a', doc.title.clone())];
    if let Some(s) = &doc.subtitle {
        title.push(('b', s.clone()));
    }
    rec.fields.push(data(
        "245",
        if doc.authors.is_empty() { '0' } else { '1' },
        '0',
        title,
    ));
    if let Some(e) = &doc.edition {
        rec.fields
            .push(data("250", ' ', ' ', vec![('a', e.clone())]));
    }
    let mut imprint = Vec::new();
    if let Some(p) = &doc.place {
        imprint.push(('a', p.clone()));
    }
    if let Some(p) = &doc.publisher {
        imprint.push(('b', p.clone()));
    }
    if let Some(y) = doc.year {
        imprint.push(('c', y.to_string()));
    }
    if !imprint.is_empty() {
        rec.fields.push(data("264", ' ', '1', imprint));
    }
    if let Some(p) = &doc.pagination {
        rec.fields
            .push(data("300", ' ', ' ', vec![('a', p.clone())]));
    }
    for s in &doc.series {
        rec.fields
            .push(data("490", '0', ' ', vec![('a', s.clone())]));
    }
    for s in &doc.subjects {
        rec.fields
            .push(data("653", ' ', ' ', vec![('a', s.clone())]));
    }
    for a in doc.authors.iter().skip(1) {
        rec.fields
            .push(data("700", '1', ' ', vec![('a', a.clone())]));
    }
    rec
}

/// Appends one CSV row (RFC 4180: a field with a comma, quote, CR or LF is
/// quoted, quotes doubled; rows end in CRLF).
pub fn csv_row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// The cluster's rows: one per holding (one with empty holding columns
/// when it has none).
fn csv_rows(doc: &ClusterDoc, out: &mut String) {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let list = |v: &[String]| v.join("; ");
    let mut libraries: Vec<&str> = doc.libraries().collect();
    libraries.sort_unstable();
    libraries.dedup();
    let cluster = [
        doc.id.clone(),
        doc.title.clone(),
        opt(&doc.subtitle),
        list(&doc.authors),
        opt(&doc.publisher),
        opt(&doc.place),
        doc.year.map(|y| y.to_string()).unwrap_or_default(),
        opt(&doc.edition),
        doc.format.clone(),
        opt(&doc.language),
        list(&doc.isbns),
        list(&doc.issns),
        list(&doc.oclc),
        list(&doc.lccn),
        opt(&doc.pagination),
        list(&doc.series),
        list(&doc.subjects),
        opt(&doc.lc_class),
        opt(&doc.lc_call_number),
        libraries.len().to_string(),
    ];
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let empty: [String; 9] = Default::default();
    let holdings: Vec<[String; 9]> = if doc.holdings.is_empty() {
        vec![empty]
    } else {
        doc.holdings
            .iter()
            .map(|h| {
                [
                    h.library.clone(),
                    h.library_name.clone(),
                    h.record_id.clone(),
                    opt(&h.call_number),
                    opt(&h.location),
                    num(h.items),
                    num(h.available),
                    h.status.clone(),
                    opt(&h.url),
                ]
            })
            .collect()
    };
    for h in &holdings {
        csv_row(out, cluster.iter().chain(h.iter()).map(String::as_str));
    }
}

/// The RIS type of a format.
fn ris_type(format: &str) -> &'static str {
    match format {
        "book" | "large-print" | "braille" => "BOOK",
        "ebook" => "EBOOK",
        "audiobook" | "eaudiobook" => "SOUND",
        "music-recording" | "score" => "MUSIC",
        "video" => "VIDEO",
        "map" => "MAP",
        "serial" | "ejournal" => "JFULL",
        "computer-file" => "COMP",
        "image" => "ART",
        "manuscript" | "archival" => "MANSCPT",
        "kit" => "GEN",
        _ => "GEN",
    }
}

/// One line of a tagged format: the value on one line, trimmed.
fn one_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The title with its subtitle.
fn full_title(doc: &ClusterDoc) -> String {
    match &doc.subtitle {
        Some(s) if !s.trim().is_empty() => format!("{}: {s}", doc.title),
        _ => doc.title.clone(),
    }
}

/// Where each library holds it, in a sentence.
fn held_note(doc: &ClusterDoc) -> Option<String> {
    if doc.holdings.is_empty() {
        return None;
    }
    let parts: Vec<String> = doc
        .holdings
        .iter()
        .map(|h| match &h.call_number {
            Some(c) if !c.trim().is_empty() => format!("{} ({c})", h.library_name),
            _ => h.library_name.clone(),
        })
        .collect();
    Some(format!("Held by: {}", parts.join("; ")))
}

/// One RIS record.
pub fn ris(doc: &ClusterDoc) -> String {
    let mut out = String::with_capacity(512);
    let mut tag = |t: &str, v: &str| {
        let v = one_line(v);
        if !v.is_empty() {
            out.push_str(t);
            out.push_str("  - ");
            out.push_str(&v);
            out.push_str("\r\n");
        }
    };
    tag("TY", ris_type(&doc.format));
    tag("ID", &doc.id);
    tag("TI", &full_title(doc));
    for a in &doc.authors {
        tag("AU", a);
    }
    if let Some(y) = doc.year {
        tag("PY", &y.to_string());
    }
    if let Some(p) = &doc.publisher {
        tag("PB", p);
    }
    if let Some(p) = &doc.place {
        tag("CY", p);
    }
    if let Some(e) = &doc.edition {
        tag("ET", e);
    }
    for s in &doc.series {
        tag("T3", s);
    }
    for i in doc.isbns.iter().chain(&doc.issns) {
        tag("SN", i);
    }
    if let Some(l) = &doc.language {
        tag("LA", l);
    }
    if let Some(p) = &doc.pagination {
        tag("SP", p);
    }
    for s in &doc.subjects {
        tag("KW", s);
    }
    if let Some(c) = &doc.lc_call_number {
        tag("CN", c);
    }
    if let Some(n) = held_note(doc) {
        tag("N1", &n);
    }
    out.push_str("ER  - \r\n\r\n");
    out
}

/// A BibTeX value in braces: braces and TeX's special characters escaped,
/// on one line.
fn bib_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 8);
    for c in one_line(v).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c => out.push(c),
        }
    }
    out
}

/// One BibTeX entry (`@book` for text, `@misc` otherwise), keyed by the
/// cluster id.
pub fn bibtex(doc: &ClusterDoc) -> String {
    let kind = match doc.format.as_str() {
        "book" | "large-print" | "braille" | "ebook" => "book",
        _ => "misc",
    };
    let mut out = format!("@{kind}{{unicat-{},\n", doc.id.to_ascii_lowercase());
    let mut field = |name: &str, v: &str| {
        let v = bib_value(v);
        if !v.is_empty() {
            out.push_str("  ");
            out.push_str(name);
            out.push_str(" = {");
            out.push_str(&v);
            out.push_str("},\n");
        }
    };
    field("title", &full_title(doc));
    if !doc.authors.is_empty() {
        // A name with " and " in it would read as two names: it is
        // braced whole.
        let names: Vec<String> = doc
            .authors
            .iter()
            .map(|a| {
                let a = bib_value(a);
                if a.to_lowercase().contains(" and ") {
                    format!("{{{a}}}")
                } else {
                    a
                }
            })
            .collect();
        out.push_str("  author = {");
        out.push_str(&names.join(" and "));
        out.push_str("},\n");
    }
    let mut field = |name: &str, v: &str| {
        let v = bib_value(v);
        if !v.is_empty() {
            out.push_str("  ");
            out.push_str(name);
            out.push_str(" = {");
            out.push_str(&v);
            out.push_str("},\n");
        }
    };
    if let Some(y) = doc.year {
        field("year", &y.to_string());
    }
    if let Some(p) = &doc.publisher {
        field("publisher", p);
    }
    if let Some(p) = &doc.place {
        field("address", p);
    }
    if let Some(e) = &doc.edition {
        field("edition", e);
    }
    if let Some(s) = doc.series.first() {
        field("series", s);
    }
    if let Some(i) = doc.isbns.first() {
        field("isbn", i);
    }
    if let Some(i) = doc.issns.first() {
        field("issn", i);
    }
    if let Some(l) = &doc.language {
        field("language", l);
    }
    if let Some(p) = &doc.pagination {
        field("pagetotal", p);
    }
    if !doc.subjects.is_empty() {
        field("keywords", &doc.subjects.join(", "));
    }
    if let Some(n) = held_note(doc) {
        field("note", &n);
    }
    if kind == "misc" {
        field("howpublished", &doc.format);
    }
    out.push_str("}\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> ClusterDoc {
        ClusterDoc {
            id: "ABC123".into(),
            title: "Tea, \"coffee\"\nand {cocoa}".into(),
            subtitle: Some("a 100% history & more".into()),
            authors: vec!["Smith, Jane".into(), "Black and Decker".into()],
            publisher: Some("Pub, Inc.".into()),
            place: None,
            year: Some(1999),
            edition: None,
            format: "book".into(),
            language: Some("eng".into()),
            isbns: vec!["9780306406157".into()],
            issns: vec![],
            oclc: vec!["123".into()],
            lccn: vec![],
            holdings: vec![],
            pagination: None,
            series: vec![],
            subjects: vec![],
            lc_class: None,
            lc_call_number: None,
            work: None,
        }
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut s = String::new();
        csv_rows(&doc(), &mut s);
        assert!(
            s.starts_with("ABC123,\"Tea, \"\"coffee\"\"\nand {cocoa}\",a 100% history & more,"),
            "{s}"
        );
        assert!(s.ends_with(",0,,,,,,,,,\r\n"), "{s}");
    }

    #[test]
    fn ris_is_one_line_per_tag_and_ends_each_record() {
        let r = ris(&doc());
        assert!(r.starts_with("TY  - BOOK\r\nID  - ABC123\r\n"));
        assert!(r.contains("TI  - Tea, \"coffee\" and {cocoa}: a 100% history & more\r\n"));
        assert!(r.contains("AU  - Smith, Jane\r\nAU  - Black and Decker\r\n"));
        assert!(r.ends_with("ER  - \r\n\r\n"));
    }

    #[test]
    fn bibtex_escapes_braces_and_braces_names_with_and() {
        let b = bibtex(&doc());
        assert!(b.starts_with("@book{unicat-abc123,\n"));
        assert!(
            b.contains("title = {Tea, \"coffee\" and \\{cocoa\\}: a 100\\% history \\& more},")
        );
        assert!(b.contains("author = {Smith, Jane and {Black and Decker}},"));
    }

    #[test]
    fn formats_by_name_and_media_type() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.name()), Some(f));
        }
        assert_eq!(
            ExportFormat::from_media_type("text/html, application/x-bibtex;q=0.9"),
            Some(ExportFormat::Bibtex)
        );
        assert_eq!(ExportFormat::from_media_type("application/json"), None);
        assert_eq!(ExportFormat::parse("book"), None);
    }

    #[test]
    fn a_described_record_has_the_cluster_id_and_its_holdings() {
        let mut d = doc();
        d.holdings.push(Holding {
            library: "ccpl".into(),
            library_name: "Cedar".into(),
            record_id: "7".into(),
            call_number: Some("641 SMI".into()),
            location: None,
            items: Some(2),
            available: Some(1),
            status: "available".into(),
            url: None,
            summary_holdings: vec![],
            coverage: None,
        });
        let r = union_record(&d, None);
        assert_eq!(r.fields[0].tag().as_str(), "001");
        let f852: Vec<_> = r
            .fields
            .iter()
            .filter(|f| f.tag().as_str() == "852")
            .collect();
        assert_eq!(f852.len(), 1);
    }
}
