//! Libraries 7 and 8, whose exports are real files copied as they are, and
//! the regional library's serials: library 7 (`riverside`) exports
//! Evergreen's sample serials as bibliographic records and, separately,
//! their MARC holdings records; the regional library (`ovrl`) holds three of
//! the same serials with holdings records of its own, **derived** by
//! `demogen` (other runs than `riverside`'s, so that coverage differs by
//! library); library 8 (`glebe`) exports FOLIO inventory JSON (Stanford's
//! instances with their holdings and items).

use super::DemoError;
use std::path::Path;

/// Real files copied as they are: (below `fixtures/data/`, below the
/// network folder). Of the six Stanford records with a MARC source record,
/// `a7770475` (198 kB, 49 items) is left out to keep the demo under 6 MB.
pub(crate) const COPIES: &[(&str, &str)] = &[
    (
        "evergreen/serials_marc21.xml",
        "libraries/riverside/serials_bibs.xml",
    ),
    (
        "evergreen/serials_mfhd.xml",
        "libraries/riverside/serials_mfhd.xml",
    ),
    (
        "stanford-searchworks/folio_records/a1572.json",
        "libraries/glebe/folio/a1572.json",
    ),
    (
        "stanford-searchworks/folio_records/a2499.json",
        "libraries/glebe/folio/a2499.json",
    ),
    (
        "stanford-searchworks/folio_records/a9012.json",
        "libraries/glebe/folio/a9012.json",
    ),
    (
        "stanford-searchworks/folio_records/a10791164.json",
        "libraries/glebe/folio/a10791164.json",
    ),
    (
        "stanford-searchworks/folio_records/a11384345.json",
        "libraries/glebe/folio/a11384345.json",
    ),
];

/// The serials the regional library also holds: Evergreen's record id
/// (901 $c, the regional library's id field), ISSN, title, and the run its
/// derived holdings record states in 866 ($a), beside `riverside`'s.
pub(crate) const OVRL_SERIALS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "814666",
        "1913-1607",
        "NRC newslink",
        "2009-2012",
        "2007:21 … 2008:22 (853/863)",
    ),
    (
        "814871",
        "1700-8050",
        "Rapport annuel de la Commission canadienne de sûreté nucléaire",
        "2004/2005 - 2009/2010",
        "2000/2001 - 2003/2004 (866)",
    ),
    (
        "814872",
        "1700-8042",
        "Annual report : Canadian Nuclear Safety Commission",
        "2004/2005 - 2009/2010",
        "2000/2001 - 2003/2004 (866)",
    ),
];

/// The regional library's serials exports, derived from Evergreen's sample:
/// the three bibliographic records as they are (MARCXML), and one holdings
/// record (leader/06 `y`) for each, naming its bib by 004, with a location
/// of the regional library and its own 866.
pub(crate) fn ovrl_serials(data: &Path) -> Result<(String, String), DemoError> {
    let path = data.join("evergreen/serials_marc21.xml");
    let text = std::fs::read_to_string(&path).map_err(|source| DemoError::Io {
        path: path.clone(),
        source,
    })?;
    let mut bibs = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n",
    );
    let mut mfhd = bibs.clone();
    for (n, (id, _, _, run, _)) in OVRL_SERIALS.iter().enumerate() {
        let needle = format!("<subfield code=\"c\">{id}</subfield>");
        let record = text
            .split("<record")
            .skip(1)
            .map(|r| &r[..r.find("</record>").map_or(r.len(), |e| e + 9)])
            .find(|r| r.contains(&needle))
            .ok_or_else(|| DemoError::Data(format!("{}: no record {id}", path.display())))?;
        bibs.push_str("  <record");
        bibs.push_str(record);
        bibs.push('\n');
        mfhd.push_str(&format!(
            "  <record>\n    <leader>00000cy  a22000003  4500</leader>\n    \
             <controlfield tag=\"001\">ovrl-h{}</controlfield>\n    \
             <controlfield tag=\"004\">{id}</controlfield>\n    \
             <datafield tag=\"852\" ind1=\" \" ind2=\" \">\n      \
             <subfield code=\"a\">OVRL</subfield>\n      \
             <subfield code=\"b\">OVRL-ARN</subfield>\n      \
             <subfield code=\"c\">Periodicals</subfield>\n    </datafield>\n    \
             <datafield tag=\"866\" ind1=\" \" ind2=\"0\">\n      \
             <subfield code=\"8\">0</subfield>\n      \
             <subfield code=\"a\">{run}</subfield>\n    </datafield>\n  </record>\n",
            n + 1
        ));
    }
    bibs.push_str("</collection>\n");
    mfhd.push_str("</collection>\n");
    Ok((bibs, mfhd))
}
