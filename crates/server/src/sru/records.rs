//! The records a searchRetrieve returns, one per cluster: MARCXML (the
//! cluster's best member record with the union holdings as 852 fields) or
//! simple Dublin Core.
//!
//! The MARCXML record is `unicat_catalog::export::union_record`: the
//! displayed member's record with `001` = cluster id and one `852` per
//! holding (the table of subfields is in that module's documentation).

use super::xml::{Diagnostic, escape_into};
use std::fmt::Write as _;
use unicat_index::ClusterDoc;
use unicat_store::Snapshot;

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
            unicat_marc::xml::write_record(
                &unicat_catalog::export::union_record(doc, snapshot),
                &mut out,
                true,
            );
            // The writer ends with a newline; the record is an element.
            while out.ends_with('\n') {
                out.pop();
            }
            out
        }
        Schema::Dc => dublin_core(doc),
    }
}

/// Simple Dublin Core (`info:srw/schema/1/dc-v1.1`).
pub(crate) fn dublin_core(doc: &ClusterDoc) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(
        "<srw_dc:dc xmlns:srw_dc=\"info:srw/schema/1/dc-schema\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
    );
    dc_elements(doc, &mut out);
    out.push_str("</srw_dc:dc>");
    out
}

/// The Dublin Core elements of a cluster (`dc:title`, …), for SRU's and
/// OAI-PMH's wrappers.
pub(crate) fn dc_elements(doc: &ClusterDoc, out: &mut String) {
    let mut el = |name: &str, value: &str| {
        if value.trim().is_empty() {
            return;
        }
        let _ = write!(out, "<dc:{name}>");
        escape_into(value, out);
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
}
