//! MARC holdings records (MFHD, leader/06 `u v x y`) and the holdings
//! statements a bibliographic record may carry itself.
//!
//! A [`HoldingsRecord`] says which bibliographic record it belongs to (004,
//! the bib's 001), where the library keeps it (852: location and call
//! number), what it holds (866/867/868 textual summary holdings, or the
//! captions of 853–855 with the enumeration and chronology of 863–865) and
//! its items (876–878: barcode, status).

use super::coverage::{self, Coverage};
use super::{Availability, HoldingsMapping, Item};
use serde::{Deserialize, Serialize};
use unicat_marc::{DataField, Record};

/// What a summary statement describes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// The title itself (866, 863).
    Basic,
    /// Its supplements (867, 864).
    Supplements,
    /// Its indexes (868, 865).
    Indexes,
}

impl StatementKind {
    /// The word used in the API.
    pub fn code(self) -> &'static str {
        match self {
            StatementKind::Basic => "basic",
            StatementKind::Supplements => "supplements",
            StatementKind::Indexes => "indexes",
        }
    }
}

/// A summary holdings statement, as the library wrote it, with its ranges.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct HoldingsStatement {
    /// Basic unit, supplements or indexes.
    pub kind: StatementKind,
    /// The statement verbatim (866 $a), or built from 853/863.
    pub text: String,
    /// The public note ($z).
    pub note: Option<String>,
    /// Its ranges, best effort.
    pub coverage: Coverage,
}

impl HoldingsStatement {
    /// A statement and its ranges.
    pub fn new(kind: StatementKind, text: &str, note: Option<String>) -> HoldingsStatement {
        let text = text.trim().to_string();
        let coverage = coverage::parse(&text, note.as_deref());
        HoldingsStatement {
            kind,
            text,
            note,
            coverage,
        }
    }
}

/// One holdings record: its link to a bibliographic record, its items and
/// its summary statements.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct HoldingsRecord {
    /// Its own id (001), when it has one.
    pub id: Option<String>,
    /// The bibliographic record(s) it belongs to: 004; Evergreen's
    /// `marc2sre` exports, which have no 004, put the bib's id in the
    /// first of two 001s.
    pub bib_links: Vec<String>,
    /// Location and call number (852), with the items of 876–878.
    pub items: Vec<Item>,
    /// Summary holdings.
    pub statements: Vec<HoldingsStatement>,
}

impl HoldingsRecord {
    /// Reads a MARC holdings record.
    pub fn from_marc(record: &Record) -> HoldingsRecord {
        let ids: Vec<&str> = record
            .fields
            .iter()
            .filter(|f| f.tag() == "001")
            .filter_map(|f| f.as_control())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let mut bib_links: Vec<String> = record
            .fields
            .iter()
            .filter(|f| f.tag() == "004")
            .filter_map(|f| f.as_control())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let id = if bib_links.is_empty() && ids.len() >= 2 {
            bib_links.push(ids[0].to_string());
            ids.last().map(|s| s.to_string())
        } else {
            ids.first().map(|s| s.to_string())
        };
        HoldingsRecord {
            id,
            bib_links,
            items: items(record),
            statements: statements(record),
        }
    }

    /// The statements a bibliographic record carries itself (866–868,
    /// 853–855 with 863–865: Alma and Voyager embed them in bib exports).
    pub fn embedded_statements(record: &Record) -> Vec<HoldingsStatement> {
        statements(record)
    }

    /// Every statement's ranges together.
    pub fn coverage(&self) -> Coverage {
        let mut c = Coverage::default();
        for s in self
            .statements
            .iter()
            .filter(|s| s.kind == StatementKind::Basic)
        {
            c.extend(&s.coverage);
        }
        c
    }
}

fn get(f: &DataField, code: char) -> Option<String> {
    f.first(code)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// 852s, each one item or, with 876–878 items, the place of those items.
fn items(record: &Record) -> Vec<Item> {
    let places: Vec<Item> = HoldingsMapping::Marc852.extract(record);
    let place = places.first().cloned().unwrap_or_default();
    let mut items = Vec::new();
    for f in record.data_fields_any(&["876", "877", "878"]) {
        let status = get(f, 'j');
        let mut item = Item {
            barcode: get(f, 'p'),
            availability: status.as_deref().map(Availability::from_text),
            status,
            ..place.clone()
        };
        if let Some(temporary) = get(f, 'l') {
            item.location = Some(temporary);
        }
        items.push(item);
    }
    if items.is_empty() { places } else { items }
}

fn link_of(f: &DataField) -> Option<&str> {
    let l = f.first('8')?.trim();
    Some(l.split('.').next().unwrap_or(l))
}

fn statements(record: &Record) -> Vec<HoldingsStatement> {
    let mut out = Vec::new();
    for (textual, caption, enumeration, kind) in [
        ("866", "853", "863", StatementKind::Basic),
        ("867", "854", "864", StatementKind::Supplements),
        ("868", "855", "865", StatementKind::Indexes),
    ] {
        let mut any_text = false;
        for f in record.data_fields(textual) {
            if let Some(a) = get(f, 'a') {
                let note = f.values('z').collect::<Vec<_>>().join("; ");
                out.push(HoldingsStatement::new(
                    kind,
                    &a,
                    (!note.trim().is_empty()).then(|| note.trim().to_string()),
                ));
                any_text = true;
            }
        }
        // Textual holdings, where given, say it all (866 is often the
        // display of the 853/863 pairs).
        if any_text {
            continue;
        }
        let mut by_link: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
        for f in record.data_fields(enumeration) {
            let link = link_of(f).unwrap_or("").to_string();
            let captions = record
                .data_fields(caption)
                .find(|c| link_of(c) == Some(link.as_str()));
            let text = render(f, captions);
            if text.is_empty() {
                continue;
            }
            let note = get(f, 'z');
            match by_link.iter_mut().find(|(l, _, _)| *l == link) {
                Some((_, parts, n)) => {
                    parts.push(text);
                    if n.is_none() {
                        *n = note;
                    }
                }
                None => by_link.push((link, vec![text], note)),
            }
        }
        for (_, parts, note) in by_link {
            out.push(HoldingsStatement::new(kind, &parts.join(", "), note));
        }
    }
    out
}

/// One 863–865 as text with the captions of its 853–855: `v.12:no.3
/// (1998:Jan.)`; captions in parentheses (`(year)`) are not displayed.
fn render(f: &DataField, captions: Option<&DataField>) -> String {
    let caption = |code: char| {
        captions
            .and_then(|c| c.first(code))
            .map(str::trim)
            .filter(|c| !c.starts_with('(') && !c.is_empty())
            .unwrap_or("")
    };
    let mut enumeration = Vec::new();
    for code in ['a', 'b', 'c', 'd', 'e', 'f'] {
        if let Some(v) = get(f, code) {
            enumeration.push(format!("{}{v}", caption(code)));
        }
    }
    let mut chronology = Vec::new();
    for code in ['i', 'j', 'k', 'l'] {
        if let Some(v) = get(f, code) {
            chronology.push(format!("{}{v}", caption(code)));
        }
    }
    match (enumeration.is_empty(), chronology.is_empty()) {
        (true, true) => String::new(),
        (false, true) => enumeration.join(":"),
        (true, false) => chronology.join(":"),
        (false, false) => format!("{} ({})", enumeration.join(":"), chronology.join(":")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_marc::{Format, Reader};

    fn records(xml: &str) -> Vec<Record> {
        Reader::new(xml.as_bytes(), Format::MarcXml)
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn a_holdings_record_with_004_852_866_and_876() {
        let xml = r#"<collection>
<record><leader>00000cy  a2200000   4500</leader>
<controlfield tag="001">h77</controlfield><controlfield tag="004">b12</controlfield>
<datafield tag="852" ind1="0" ind2=" "><subfield code="b">MAIN</subfield><subfield code="c">PER</subfield><subfield code="h">QD1</subfield><subfield code="i">.J6</subfield></datafield>
<datafield tag="866" ind1="3" ind2="1"><subfield code="8">0</subfield><subfield code="a">v.1-25 (1990-2014)</subfield><subfield code="z">Some issues missing</subfield></datafield>
<datafield tag="868" ind1="3" ind2="1"><subfield code="8">0</subfield><subfield code="a">v.1-10 (1990-1999)</subfield></datafield>
<datafield tag="876" ind1=" " ind2=" "><subfield code="p">3900001</subfield><subfield code="j">Checked out</subfield></datafield>
<datafield tag="876" ind1=" " ind2=" "><subfield code="p">3900002</subfield><subfield code="j">Available</subfield></datafield>
</record></collection>"#;
        let h = HoldingsRecord::from_marc(&records(xml)[0]);
        assert_eq!(h.id.as_deref(), Some("h77"));
        assert_eq!(h.bib_links, vec!["b12".to_string()]);
        assert_eq!(h.items.len(), 2);
        assert_eq!(h.items[0].call_number.as_deref(), Some("QD1 .J6"));
        assert_eq!(h.items[0].branch.as_deref(), Some("MAIN"));
        assert_eq!(h.items[1].barcode.as_deref(), Some("3900002"));
        assert_eq!(h.items[1].availability, Some(Availability::Available));
        assert_eq!(h.statements.len(), 2);
        assert_eq!(h.statements[0].text, "v.1-25 (1990-2014)");
        assert_eq!(h.statements[0].note.as_deref(), Some("Some issues missing"));
        assert!(h.statements[0].coverage.incomplete);
        assert_eq!(h.statements[1].kind, StatementKind::Indexes);
        assert_eq!(h.coverage().years, vec![(1990, Some(2014))]);
    }

    #[test]
    fn evergreen_captions_and_enumeration() {
        // The third record of Evergreen's serials_mfhd.xml: no 004, the
        // bib's id in the first 001; 853 (year)(season) with six 863s.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/data/evergreen/serials_mfhd.xml"
        ))
        .unwrap();
        let all = records(&text);
        assert_eq!(all.len(), 7);
        let h = HoldingsRecord::from_marc(&all[2]);
        assert_eq!(h.bib_links, vec!["a814666".to_string()]);
        assert_eq!(h.id.as_deref(), Some("44122"));
        assert_eq!(h.items[0].branch.as_deref(), Some("DESMARAIS"));
        assert_eq!(
            h.statements[0].text,
            "2007:21, 2007:22, 2007:23, 2007:24, 2008:21, 2008:22"
        );
        assert_eq!(
            h.coverage().years,
            vec![(2007, Some(2007)), (2008, Some(2008))]
        );
        for r in &all {
            let h = HoldingsRecord::from_marc(r);
            assert_eq!(h.bib_links.len(), 1, "{h:?}");
            assert!(h.bib_links[0].starts_with('a'), "{h:?}");
        }
    }

    #[test]
    fn captions_with_enumeration_and_chronology() {
        let xml = r#"<record><leader>00000cy  a2200000   4500</leader>
<controlfield tag="001">h1</controlfield><controlfield tag="004">b1</controlfield>
<datafield tag="853" ind1="2" ind2="0"><subfield code="8">1</subfield><subfield code="a">v.</subfield><subfield code="b">no.</subfield><subfield code="i">(year)</subfield><subfield code="j">(month)</subfield></datafield>
<datafield tag="863" ind1="4" ind2="0"><subfield code="8">1.1</subfield><subfield code="a">1-25</subfield><subfield code="i">1990-2014</subfield></datafield>
<datafield tag="864" ind1="4" ind2="0"><subfield code="8">2.1</subfield><subfield code="a">3</subfield></datafield>
</record>"#;
        let h = HoldingsRecord::from_marc(&records(xml)[0]);
        assert_eq!(h.statements[0].text, "v.1-25 (1990-2014)");
        assert_eq!(h.coverage().volumes, vec![(1, Some(25))]);
        assert_eq!(h.statements[1].kind, StatementKind::Supplements);
        assert_eq!(h.statements[1].text, "3");
    }
}
