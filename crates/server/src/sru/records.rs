//! The records a searchRetrieve returns, one per cluster: MARCXML (the
//! cluster's best member record with the union holdings as 852 fields) or
//! simple Dublin Core.
//!
//! The MARCXML record is the member record whose description the cluster
//! displays (same title, subtitle, authors, publisher and year as the
//! cluster; else the member with the most fields), changed so:
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
//! description instead.

use super::xml::{Diagnostic, escape_into};
use std::fmt::Write as _;
use unicat_index::{ClusterDoc, Holding};
use unicat_marc::{DataField, Field, Indicators, Leader, Record, Subfield, Tag};
use unicat_store::{Snapshot, StoredRecord};

/// The record schemas served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schema {
    MarcXml,
    Dc,
}

/// MARCXML's schema identifier.
pub(crate) const MARCXML_URI: &str = "info:srw/schema/1/marcxml-v1.1";
/// Dublin Core's schema identifier.
pub(crate) const DC_URI: &str = "info:srw/schema/1/dc-v1.1";

impl Schema {
    /// Reads `recordSchema` (absent: MARCXML); 66 for an unknown schema.
    pub(crate) fn parse(name: Option<&str>) -> Result<Schema, Diagnostic> {
        let Some(name) = name else {
            return Ok(Schema::MarcXml);
        };
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "marcxml"
            | "marc21-xml"
            | "marc21xml"
            | "marc21"
            | "marc"
            | "info:srw/schema/1/marcxml-v1.1"
            | "info:srw/schema/1/marcxml-v1.1-light"
            | "http://www.loc.gov/marc21/slim" => Ok(Schema::MarcXml),
            "dc"
            | "info:srw/schema/1/dc-v1.1"
            | "info:srw/schema/1/dc-schema"
            | "http://purl.org/dc/elements/1.1/" => Ok(Schema::Dc),
            _ => Err(Diagnostic::new(66, name).with_message(format!(
                "Unknown schema for retrieval: {name} (supported: marcxml, dc)"
            ))),
        }
    }

    /// The identifier written in responses.
    pub(crate) fn uri(self) -> &'static str {
        match self {
            Schema::MarcXml => MARCXML_URI,
            Schema::Dc => DC_URI,
        }
    }
}

/// Writes one cluster's record in a schema.
pub(crate) fn write(schema: Schema, doc: &ClusterDoc, snapshot: Option<&Snapshot>) -> String {
    match schema {
        Schema::MarcXml => {
            let mut out = String::with_capacity(4096);
            unicat_marc::xml::write_record(&union_record(doc, snapshot), &mut out, true);
            // The writer ends with a newline; the record is an element.
            while out.ends_with('\n') {
                out.pop();
            }
            out
        }
        Schema::Dc => dublin_core(doc),
    }
}

fn tag(t: &str) -> Tag {
    Tag::parse(t).expect("a valid literal tag")
}

/// The cluster's MARC record with union holdings.
pub(crate) fn union_record(doc: &ClusterDoc, snapshot: Option<&Snapshot>) -> Record {
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
pub(crate) fn holding_field(h: &Holding) -> DataField {
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

/// Simple Dublin Core (`info:srw/schema/1/dc-v1.1`).
pub(crate) fn dublin_core(doc: &ClusterDoc) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(
        "<srw_dc:dc xmlns:srw_dc=\"info:srw/schema/1/dc-schema\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
    );
    let mut el = |name: &str, value: &str| {
        if value.trim().is_empty() {
            return;
        }
        let _ = write!(out, "<dc:{name}>");
        escape_into(value, &mut out);
        let _ = write!(out, "</dc:{name}>");
    };
    let title = match &doc.subtitle {
        Some(s) => format!("{} : {s}", doc.title),
        None => doc.title.clone(),
    };
    el("title", &title);
    for a in &doc.authors {
        el("creator", a);
    }
    for s in &doc.subjects {
        el("subject", s);
    }
    if let Some(p) = &doc.publisher {
        el("publisher", p);
    }
    if let Some(y) = doc.year {
        el("date", &y.to_string());
    }
    el("type", &doc.format);
    if let Some(p) = &doc.pagination {
        el("format", p);
    }
    for i in &doc.isbns {
        el("identifier", &format!("URN:ISBN:{i}"));
    }
    for i in &doc.issns {
        el("identifier", &format!("URN:ISSN:{i}"));
    }
    for o in &doc.oclc {
        el("identifier", &format!("(OCoLC){o}"));
    }
    for l in &doc.lccn {
        el("identifier", &format!("info:lccn/{l}"));
    }
    if let Some(l) = &doc.language {
        el("language", l);
    }
    if let Some(e) = &doc.edition {
        el("description", e);
    }
    for s in &doc.series {
        el("relation", s);
    }
    out.push_str("</srw_dc:dc>");
    out
}
