//! FOLIO inventory JSON: an instance with its holdings records and items,
//! as FOLIO's Inventory and Source Record Storage APIs return them (and as
//! exports such as Stanford's SearchWorks keep them: `instance`,
//! `holdings`, `items`, `source_record`), read into a MARC [`Record`] and
//! [`HoldingsRecord`]s.
//!
//! A MARC source record (`source_record`, or SRS's `parsedRecord.content`)
//! wins: it is the record as catalogued. Without one, the instance is
//! written as a MARC record — title (245), contributors (100/110/111,
//! 700/710/711), identifiers by type (020, 022, 010, 035), publication
//! (264), edition (250), physical description (300), series (490),
//! subjects (650), classification (050, 082), languages (008, 041),
//! alternative titles (246), links to the resource (856), and the resource
//! type and mode of issuance as leader/06–07 — so that everything
//! downstream (description, matching, SRU) reads it like any other record.
//!
//! Reference data arrive as UUIDs; those of FOLIO's shipped reference data
//! (identifier, contributor name, classification types, modes of issuance,
//! instance types) are known here, and a name given beside the id wins.

use crate::holdings::{Availability, HoldingsRecord, HoldingsStatement, Item, StatementKind};
use serde_json::Value;
use unicat_marc::{Format, Indicators, Leader, Position, RawRecord, Record, Subfield, Tag};

/// One FOLIO instance, read.
#[derive(Clone, Debug)]
pub struct FolioInstance {
    /// The instance's human-readable id (`hrid`), else its UUID.
    pub id: Option<String>,
    /// The instance's UUID.
    pub uuid: Option<String>,
    /// The bibliographic record: the MARC source record, or the instance
    /// written as MARC.
    pub record: Record,
    /// True when `record` is the MARC source record.
    pub from_source_record: bool,
    /// Its holdings records, each with its items.
    pub holdings: Vec<HoldingsRecord>,
}

/// What cannot be read as FOLIO JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FolioError(pub String);

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Reads one JSON value: an instance with its holdings and items (a
/// composite, `{"instance": …, "holdings": […], "items": […]}`), an SRS
/// record (`{"parsedRecord": {"content": …}}`), a bare instance, or a list
/// response (`{"instances": […], "holdingsRecords": […], "items": […]}`);
/// an array of any of these.
pub fn read_value(value: &Value) -> Vec<Result<FolioInstance, FolioError>> {
    match value {
        Value::Array(list) => list.iter().flat_map(read_value).collect(),
        Value::Object(o) if o.contains_key("instances") => {
            let holdings = arr(value, "holdingsRecords");
            let items = arr(value, "items");
            arr(value, "instances")
                .iter()
                .map(|instance| {
                    let id = s(instance, "id");
                    let own: Vec<&Value> = holdings
                        .iter()
                        .filter(|h| id.is_some() && s(h, "instanceId") == id)
                        .collect();
                    read_parts(Some(instance), None, &own, items)
                })
                .collect()
        }
        Value::Object(o) if o.contains_key("instance") => {
            let instance = value.get("instance");
            let holdings: Vec<&Value> = arr(value, "holdings").iter().collect();
            let source = value
                .get("source_record")
                .or_else(|| value.get("sourceRecord"));
            vec![read_parts(instance, source, &holdings, arr(value, "items"))]
        }
        Value::Object(o) if o.contains_key("parsedRecord") => {
            let source = value.get("parsedRecord").and_then(|p| p.get("content"));
            let ids = value.get("externalIdsHolder");
            let mut r = read_parts(None, source, &[], &[]);
            if let (Ok(i), Some(ids)) = (&mut r, ids) {
                i.id = s(ids, "instanceHrid").map(str::to_string).or(i.id.take());
                i.uuid = s(ids, "instanceId").map(str::to_string);
            }
            vec![r]
        }
        Value::Object(o) if o.contains_key("title") || o.contains_key("hrid") => {
            vec![read_parts(Some(value), None, &[], &[])]
        }
        _ => vec![Err(FolioError(
            "not a FOLIO instance, instance with holdings, SRS record or list of instances".into(),
        ))],
    }
}

fn read_parts(
    instance: Option<&Value>,
    source: Option<&Value>,
    holdings: &[&Value],
    items: &[Value],
) -> Result<FolioInstance, FolioError> {
    // A source record: one MARC-in-JSON object, or a list holding one.
    let source = match source {
        Some(Value::Array(list)) => list.first(),
        other => other,
    }
    .filter(|v| v.get("fields").is_some());
    let from_source = match source {
        Some(marc) => {
            let bytes = serde_json::to_vec(marc).map_err(|e| FolioError(e.to_string()))?;
            let raw = RawRecord {
                position: Position {
                    record: 1,
                    offset: 0,
                },
                bytes,
            };
            Some(
                unicat_marc::decode(Format::MarcJson, &raw)
                    .map_err(|e| FolioError(format!("source record: {}", e.kind)))?,
            )
        }
        None => None,
    };
    let (record, from_source_record) = match (from_source, instance) {
        (Some(r), _) => (r, true),
        (None, Some(i)) => (instance_as_marc(i), false),
        (None, None) => return Err(FolioError("neither an instance nor a source record".into())),
    };
    let id = instance
        .and_then(|i| s(i, "hrid").or_else(|| s(i, "id")))
        .map(str::to_string)
        .or_else(|| record.control_number().map(|c| c.trim().to_string()));
    let uuid = instance.and_then(|i| s(i, "id")).map(str::to_string);
    let holdings = holdings
        .iter()
        .map(|h| {
            let hid = s(h, "id");
            let own: Vec<&Value> = items
                .iter()
                .filter(|it| hid.is_some() && s(it, "holdingsRecordId") == hid)
                .collect();
            holdings_record(h, &own, id.as_deref())
        })
        .collect();
    Ok(FolioInstance {
        id,
        uuid,
        record,
        from_source_record,
        holdings,
    })
}

/// Where a holdings record or an item is: (library name, location name).
fn location(v: &Value) -> (Option<String>, Option<String>) {
    let loc = v
        .get("location")
        .and_then(|l| {
            l.get("effectiveLocation")
                .or_else(|| l.get("permanentLocation"))
        })
        .or_else(|| v.get("effectiveLocation"))
        .filter(|l| l.is_object());
    match loc {
        Some(l) => (
            l.get("library")
                .and_then(|lib| s(lib, "name"))
                .map(str::to_string),
            s(l, "name").or_else(|| s(l, "code")).map(str::to_string),
        ),
        None => (None, None),
    }
}

fn call_number(h: &Value) -> Option<String> {
    let parts: Vec<&str> = ["callNumberPrefix", "callNumber", "callNumberSuffix"]
        .iter()
        .filter_map(|k| s(h, k))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn holdings_record(h: &Value, items: &[&Value], instance: Option<&str>) -> HoldingsRecord {
    let (library, shelf) = location(h);
    let call = call_number(h);
    let mut statements = Vec::new();
    for (key, kind) in [
        ("holdingsStatements", StatementKind::Basic),
        (
            "holdingsStatementsForSupplements",
            StatementKind::Supplements,
        ),
        ("holdingsStatementsForIndexes", StatementKind::Indexes),
    ] {
        for st in arr(h, key) {
            if let Some(text) = s(st, "statement") {
                statements.push(HoldingsStatement::new(
                    kind,
                    text,
                    s(st, "note").map(str::to_string),
                ));
            }
        }
    }
    let mut out_items: Vec<Item> = items
        .iter()
        .map(|it| {
            let (lib, loc) = location(it);
            let status = s(it, "status")
                .or_else(|| it.get("status").and_then(|st| s(st, "name")))
                .map(str::to_string);
            let item_call = it
                .get("callNumber")
                .and_then(|c| s(c, "callNumber"))
                .or_else(|| {
                    it.get("effectiveCallNumberComponents")
                        .and_then(|c| s(c, "callNumber"))
                })
                .or_else(|| s(it, "itemLevelCallNumber"))
                .map(str::to_string);
            let mut call_number = item_call.or_else(|| call.clone());
            if let (Some(c), Some(e)) = (&mut call_number, s(it, "enumeration")) {
                c.push(' ');
                c.push_str(e);
            }
            Item {
                branch: lib.or_else(|| library.clone()),
                location: loc.or_else(|| shelf.clone()),
                call_number,
                barcode: s(it, "barcode").map(str::to_string),
                availability: status.as_deref().map(Availability::from_text),
                status,
                copies: None,
                available_copies: None,
            }
        })
        .collect();
    if out_items.is_empty() {
        out_items.push(Item {
            branch: library,
            location: shelf,
            call_number: call,
            ..Item::default()
        });
    }
    HoldingsRecord {
        id: s(h, "hrid").or_else(|| s(h, "id")).map(str::to_string),
        bib_links: instance.map(str::to_string).into_iter().collect(),
        items: out_items,
        statements,
    }
}

/// FOLIO's shipped identifier types.
fn identifier_tag(type_id: &str, name: Option<&str>) -> Option<&'static str> {
    let by_name = name.map(str::to_lowercase);
    match (type_id, by_name.as_deref()) {
        ("8261054f-be78-422d-bd51-4ed9f33c3422", _) | (_, Some("isbn")) => Some("020"),
        ("913300b2-03ed-469a-8179-c1092c991227", _) | (_, Some("issn")) => Some("022"),
        ("c858e4f2-2b6b-4385-842b-60732ee14abb", _) | (_, Some("lccn")) => Some("010"),
        ("439bfbae-75bc-4f74-9fc7-b2a2d47ce3ef", _) | (_, Some("oclc")) => Some("oclc"),
        ("7e591197-f335-4afb-bc6d-a6d76ca3bace", _) | (_, Some("system control number")) => {
            Some("035")
        }
        _ => None,
    }
}

fn push(r: &mut Record, tag: &str, ind: (char, char), subs: Vec<(char, String)>) {
    let subs: Vec<Subfield> = subs
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(c, v)| Subfield::new(c, v))
        .collect();
    if subs.is_empty() {
        return;
    }
    if let Some(t) = Tag::parse(tag) {
        r.push_data(t, Indicators::new(ind.0, ind.1), subs);
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(t) => Some(t.trim().to_string()),
        Value::Object(_) => s(v, "value").or_else(|| s(v, "name")).map(str::to_string),
        _ => None,
    }
    .filter(|t| !t.is_empty())
}

/// Leader/06–07 from the instance type and mode of issuance.
fn leader_codes(i: &Value) -> (u8, u8) {
    let type_name = i
        .get("instanceType")
        .and_then(|t| s(t, "name"))
        .or_else(|| s(i, "instanceTypeName"))
        .map(str::to_lowercase);
    let type_id = s(i, "instanceTypeId").unwrap_or("");
    let kind = match (type_id, type_name.as_deref()) {
        ("497b5090-3da2-486c-b57f-de5bb3c2e26d", _) | (_, Some("notated music")) => b'c',
        ("3be24c14-3551-4180-9292-26a786649c8b", _) | (_, Some("performed music")) => b'j',
        ("c208544b-9e28-44fa-a13c-f4093d72f798", _) | (_, Some("computer program")) => b'm',
        ("526aa04d-9289-4511-8866-349299592c18", _) | (_, Some("cartographic image")) => b'e',
        ("535e3160-763a-42f9-b0c0-d8ed7df6e2a2", _) | (_, Some("two-dimensional moving image")) => {
            b'g'
        }
        (_, Some("spoken word")) => b'i',
        _ => b'a',
    };
    let mode_name = i
        .get("modeOfIssuance")
        .and_then(|m| s(m, "name"))
        .or_else(|| s(i, "modeOfIssuanceName"))
        .map(str::to_lowercase);
    let level = match (s(i, "modeOfIssuanceId").unwrap_or(""), mode_name.as_deref()) {
        ("068b5344-e2a6-40df-9186-1829e13cd344", _) | (_, Some("serial")) => b's',
        ("4fc0f4fe-06fd-490a-a078-c4da1754e03a", _) | (_, Some("integrating resource")) => b'i',
        _ => b'm',
    };
    (kind, level)
}

fn first_year(text: &str) -> Option<u16> {
    crate::date::year_in(text)
}

/// Writes an instance as a MARC record.
pub fn instance_as_marc(i: &Value) -> Record {
    let mut r = Record::new();
    let (kind, level) = leader_codes(i);
    let mut leader = Leader::from_text("00000nam a2200000 i 4500");
    leader.set(6, kind);
    leader.set(7, level);
    r.leader = leader;
    if let Some(hrid) = s(i, "hrid").or_else(|| s(i, "id")) {
        r.push_control(Tag::parse("001").expect("tag"), hrid);
    }
    let publication = arr(i, "publication").first();
    let year = i
        .get("publicationPeriod")
        .and_then(|p| p.get("start"))
        .and_then(Value::as_u64)
        .map(|y| y as u16)
        .or_else(|| {
            publication
                .and_then(|p| s(p, "dateOfPublication"))
                .and_then(first_year)
        });
    let languages: Vec<String> = arr(i, "languages").iter().filter_map(text_of).collect();
    let mut f008 = String::from("000000s");
    f008.push_str(
        &year
            .map(|y| format!("{y:04}"))
            .unwrap_or_else(|| "    ".into()),
    );
    f008.push_str("    xx            000 0 ");
    f008.push_str(languages.first().map(String::as_str).unwrap_or("   "));
    f008.push_str(" d");
    r.push_control(Tag::parse("008").expect("tag"), f008);
    for id in arr(i, "identifiers") {
        let Some(value) = s(id, "value") else {
            continue;
        };
        let tag = identifier_tag(
            s(id, "identifierTypeId").unwrap_or(""),
            id.get("identifierTypeObject")
                .and_then(|o| s(o, "name"))
                .or_else(|| s(id, "identifierTypeName")),
        );
        match tag {
            Some("oclc") => {
                let v = if value.starts_with('(') {
                    value.to_string()
                } else {
                    format!("(OCoLC){value}")
                };
                push(&mut r, "035", (' ', ' '), vec![('a', v)]);
            }
            Some(t) => push(&mut r, t, (' ', ' '), vec![('a', value.to_string())]),
            None => {}
        }
    }
    for c in arr(i, "classifications") {
        let Some(n) = s(c, "classificationNumber") else {
            continue;
        };
        match s(c, "classificationTypeId").unwrap_or("") {
            "ce176ace-a53e-4b4d-aa89-725ed7b2edac" => {
                push(&mut r, "050", (' ', '4'), vec![('a', n.to_string())])
            }
            "42471af9-7d25-4f3a-bf78-60d29dcf463b" => {
                push(&mut r, "082", ('0', '4'), vec![('a', n.to_string())])
            }
            _ => {}
        }
    }
    let contributors = arr(i, "contributors");
    let main = contributors
        .iter()
        .position(|c| c.get("primary").and_then(Value::as_bool) == Some(true))
        .or((!contributors.is_empty()).then_some(0));
    for (n, c) in contributors.iter().enumerate() {
        let Some(name) = s(c, "name") else { continue };
        let base = match s(c, "contributorNameTypeId").unwrap_or("") {
            "2e48e713-17f3-4c13-a9f8-23845bb210aa" => 10,
            "e8b311a6-3b21-43f2-a269-dd9310cb2d0a" => 11,
            _ => 0,
        };
        let tag = if Some(n) == main {
            100 + base
        } else {
            700 + base
        };
        push(
            &mut r,
            &tag.to_string(),
            ('1', ' '),
            vec![('a', name.to_string())],
        );
    }
    if let Some(title) = s(i, "title") {
        let (proper, responsibility) = match title.split_once(" / ") {
            Some((t, c)) => (t, Some(c)),
            None => (title, None),
        };
        let (a, b) = match proper.split_once(" : ") {
            Some((a, b)) => (a, Some(b)),
            None => (proper, None),
        };
        let mut subs = vec![('a', a.to_string())];
        if let Some(b) = b {
            subs.push(('b', b.to_string()));
        }
        if let Some(c) = responsibility {
            subs.push(('c', c.to_string()));
        }
        push(&mut r, "245", ('0', '0'), subs);
    }
    for t in arr(i, "alternativeTitles") {
        if let Some(a) = s(t, "alternativeTitle") {
            push(&mut r, "246", ('3', ' '), vec![('a', a.to_string())]);
        }
    }
    if let Some(e) = arr(i, "editions").iter().find_map(text_of) {
        push(&mut r, "250", (' ', ' '), vec![('a', e)]);
    }
    if let Some(p) = publication {
        push(
            &mut r,
            "264",
            (' ', '1'),
            vec![
                ('a', s(p, "place").unwrap_or("").to_string()),
                ('b', s(p, "publisher").unwrap_or("").to_string()),
                ('c', s(p, "dateOfPublication").unwrap_or("").to_string()),
            ],
        );
    }
    if let Some(d) = arr(i, "physicalDescriptions").iter().find_map(text_of) {
        push(&mut r, "300", (' ', ' '), vec![('a', d)]);
    }
    for series in arr(i, "series").iter().filter_map(text_of) {
        push(&mut r, "490", ('0', ' '), vec![('a', series)]);
    }
    if languages.len() > 1 {
        push(
            &mut r,
            "041",
            ('0', ' '),
            languages.iter().map(|l| ('a', l.clone())).collect(),
        );
    }
    for subject in arr(i, "subjects").iter().filter_map(text_of) {
        push(&mut r, "650", (' ', '4'), vec![('a', subject)]);
    }
    for link in arr(i, "electronicAccess") {
        if let Some(u) = s(link, "uri") {
            let resource = s(link, "relationshipId")
                == Some("f5d0068e-6272-458e-8a81-b85e7b9a14aa")
                || link
                    .get("relationship")
                    .and_then(|x| s(x, "name"))
                    .is_some_and(|n| n.eq_ignore_ascii_case("resource"));
            push(
                &mut r,
                "856",
                ('4', if resource { '0' } else { '2' }),
                vec![('u', u.to_string())],
            );
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BibRecord;

    fn sample(name: &str) -> Value {
        let path = format!(
            "{}/../../fixtures/data/stanford-searchworks/folio_records/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_composite_with_its_source_record_holdings_and_items() {
        let v = sample("a7770475.json");
        let read = read_value(&v);
        assert_eq!(read.len(), 1);
        let i = read[0].as_ref().unwrap();
        assert_eq!(i.id.as_deref(), Some("a7770475"));
        assert!(i.from_source_record);
        assert!(!i.holdings.is_empty());
        let statements: Vec<&str> = i
            .holdings
            .iter()
            .flat_map(|h| h.statements.iter().map(|s| s.text.as_str()))
            .collect();
        assert!(statements.contains(&"2020:no.17"), "{statements:?}");
        let items: Vec<&Item> = i.holdings.iter().flat_map(|h| &h.items).collect();
        let on_shelf = items
            .iter()
            .find(|it| it.availability == Some(Availability::Available))
            .expect("an available item");
        assert_eq!(on_shelf.status.as_deref(), Some("Available"));
        assert!(on_shelf.call_number.is_some());
        assert!(on_shelf.barcode.is_some());
    }

    #[test]
    fn an_instance_without_a_source_record_is_written_as_marc() {
        let mut v = sample("a1572.json");
        v.as_object_mut().unwrap().remove("source_record");
        let i = read_value(&v).remove(0).unwrap();
        assert!(!i.from_source_record);
        let b = BibRecord::from_marc(&i.record);
        assert!(b.title.starts_with("65 Vor- und Nachspiele"), "{}", b.title);
        assert_eq!(b.authors[0], "Eberlin, Johann Ernst, 1702-1762");
        assert_eq!(b.publisher.as_deref(), Some("Verlag Doblinger"));
        assert_eq!(b.year, Some(1975));
        assert_eq!(b.language.as_deref(), Some("ger"));
        assert_eq!(b.lccn.as_ref().map(|l| l.as_str()), Some("75765718"));
        assert_eq!(b.lc_call_number.as_deref(), Some("M7.E13.W3"));
        assert_eq!(b.pagination.as_deref(), Some("2 v. 30cm"));
        let h = &i.holdings[0];
        assert_eq!(h.id.as_deref(), Some("ah1572_1"));
        assert_eq!(
            h.items[0].branch.as_deref(),
            Some("SAL3 (off-campus storage)")
        );
        assert_eq!(h.items[0].location.as_deref(), Some("Stacks"));
        assert_eq!(h.items[0].barcode.as_deref(), Some("36105041854022"));
    }

    #[test]
    fn srs_records_lists_and_junk() {
        let v = sample("a12451243.json");
        let i = read_value(&v).remove(0).unwrap();
        assert_eq!(i.id.as_deref(), Some("a12451243"));
        assert!(i.from_source_record);
        let list = serde_json::json!({
            "instances": [{"id": "u1", "hrid": "in1", "title": "A title : its subtitle / by Someone",
                           "modeOfIssuanceId": "068b5344-e2a6-40df-9186-1829e13cd344"}],
            "holdingsRecords": [{"id": "h1", "hrid": "ho1", "instanceId": "u1", "callNumber": "Z1",
                                 "holdingsStatements": [{"statement": "v.1-5 (1990-1994)"}]}],
            "items": [{"id": "i1", "holdingsRecordId": "h1", "status": {"name": "Checked out"}}]
        });
        let i = read_value(&list).remove(0).unwrap();
        assert_eq!(i.record.leader.bibliographic_level(), b's');
        let b = BibRecord::from_marc(&i.record);
        assert_eq!(
            (b.title.as_str(), b.subtitle.as_deref()),
            ("A title", Some("its subtitle"))
        );
        assert_eq!(
            i.holdings[0].items[0].availability,
            Some(Availability::CheckedOut)
        );
        assert_eq!(i.holdings[0].items[0].call_number.as_deref(), Some("Z1"));
        assert_eq!(i.holdings[0].coverage().volumes, vec![(1, Some(5))]);
        assert!(read_value(&serde_json::json!({"nothing": 1}))[0].is_err());
        assert!(read_value(&serde_json::json!(42))[0].is_err());
    }
}
