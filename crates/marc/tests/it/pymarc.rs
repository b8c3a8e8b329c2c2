//! Every record pymarc 5.4 reads must come out of our readers with the same
//! fields, indicators and subfield values.
//!
//! Records we read leniently (a bad indicator, subfield code or byte, with a
//! warning) are compared too: pymarc is the reference for the repairs.
//!
//! Two kinds of record are compared on structure only, and counted:
//! - records with MARC-8 the code tables cannot decode: pymarc drops what it
//!   cannot decode, we put U+FFFD there (with a warning);
//! - records labelled MARC-8 whose bytes are valid UTF-8 (Evergreen's
//!   `FSL.marc`, `map_data.mrc`): pymarc decodes them as MARC-8 and produces
//!   mojibake, we read them as the UTF-8 they are.

use crate::{data, norm, python, read_file, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use unicat_marc::{Decoded, Field, Format, Framer, Record, WarningKind};

fn iso_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![data("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_string())
                .unwrap_or_default();
            let deliberately_broken = crate::broken::BROKEN
                .iter()
                .any(|(b, ..)| path.ends_with(b))
                || KNOWN_DIVERGENCES.iter().any(|(k, _)| path.ends_with(k));
            if !deliberately_broken
                && (matches!(ext.as_str(), "mrc" | "dat" | "marc" | "001" | "usmarc")
                    || name.contains(".records.utf8--"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Files where we knowingly differ from pymarc, and why.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    (
        "openlibrary-marc/bin_input/collingswood_bad_008.mrc",
        "Open Library's deliberate bad-input case (MARC-8 diacritic in 008)",
    ),
    (
        "openlibrary-marc/bin_input/upei_short_008.mrc",
        "Open Library's deliberate bad-input case (its leader's base address cuts the directory short: a bad record here, read shifted by pymarc)",
    ),
    (
        "yaz/marc-files/marc12.marc",
        "a MARC-8 escape right after a subfield delimiter: pymarc takes ESC as the code, yaz glues it to the previous subfield, we leave the subfield out (with a warning)",
    ),
];

fn ours_as_json(rec: &Record, text: bool) -> Value {
    let fields: Vec<Value> = rec
        .fields
        .iter()
        .map(|f| match f {
            Field::Control { tag, value } => {
                serde_json::json!([tag.as_str(), if text { norm(value) } else { String::new() }])
            }
            Field::Data(d) => serde_json::json!([
                d.tag.as_str(),
                d.indicators.first.to_string(),
                d.indicators.second.to_string(),
                d.subfields
                    .iter()
                    .map(|s| serde_json::json!([
                        s.code.to_string(),
                        if text { norm(&s.value) } else { String::new() }
                    ]))
                    .collect::<Vec<_>>()
            ]),
        })
        .collect();
    serde_json::json!({ "leader": rec.leader.as_str(), "fields": fields })
}

/// pymarc's text as we read it: pymarc keeps a raw field or record
/// terminator inside a value (labelled-network-b carries Open Library's
/// `upei_short_008` record as a shifted reader left it, terminators inside
/// subfields); we replace each with a space, with a warning.
fn theirs_text(s: &str) -> String {
    norm(&s.replace(['\u{1d}', '\u{1e}'], " "))
}

fn theirs_normalised(v: &Value, text: bool) -> Value {
    let fields: Vec<Value> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let a = f.as_array().unwrap();
            if a.len() == 2 {
                serde_json::json!([
                    a[0],
                    if text {
                        theirs_text(a[1].as_str().unwrap())
                    } else {
                        String::new()
                    }
                ])
            } else {
                let subs: Vec<Value> = a[3]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let s = s.as_array().unwrap();
                        serde_json::json!([
                            s[0],
                            if text {
                                theirs_text(s[1].as_str().unwrap())
                            } else {
                                String::new()
                            }
                        ])
                    })
                    .collect();
                serde_json::json!([a[0], a[1], a[2], subs])
            }
        })
        .collect();
    serde_json::json!({ "leader": v["leader"], "fields": fields })
}

fn run_pymarc(args: &[String]) -> BTreeMap<String, Vec<Value>> {
    let script = root().join("crates/marc/tests/pymarc_dump.py");
    let out = Command::new(python())
        .arg(&script)
        .args(args)
        .output()
        .expect("run python with pymarc (pip install pymarc==5.4.0, or run .ci/run)");
    assert!(
        out.status.success(),
        "pymarc_dump.py failed (is pymarc 5.4 installed? .ci/run installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pymarc dump is JSON")
}

#[test]
fn pymarc_agrees_on_every_iso2709_record_it_reads() {
    let files = iso_files();
    assert!(
        files.len() > 100,
        "expected the fixture corpus, found {} files",
        files.len()
    );
    let args: Vec<String> = files
        .iter()
        .map(|f| format!("iso2709:{}", f.display()))
        .collect();
    let theirs = run_pymarc(&args);
    let (mut compared, mut lossy, mut mislabelled, mut pymarc_failed) = (0, 0, 0, 0);
    let mut repaired = Vec::new();
    let mut mismatches = Vec::new();
    for file in &files {
        let key = file.display().to_string();
        let entries = &theirs[&key];
        // Ours, by byte offset, with the raw bytes to spot mislabelling.
        let mut ours = BTreeMap::new();
        let f = std::fs::File::open(file).unwrap();
        let mut framer = Framer::new(std::io::BufReader::new(f), Format::Iso2709);
        while let Some(raw) = framer.next_raw() {
            match raw {
                Ok(raw) => {
                    let decoded = unicat_marc::decode_with_warnings(Format::Iso2709, &raw);
                    let body = &raw.bytes[24.min(raw.bytes.len())..];
                    let mislabelled = raw.bytes.get(9) != Some(&b'a')
                        && !body.is_ascii()
                        && !body.contains(&0x1B)
                        && std::str::from_utf8(body).is_ok();
                    ours.insert(raw.position.offset, (decoded, mislabelled));
                }
                Err(e) => {
                    ours.insert(e.position.offset, (Err(e), false));
                }
            }
        }
        for entry in entries {
            let Some(theirs_rec) = entry.get("record").filter(|r| !r.is_null()) else {
                pymarc_failed += 1;
                continue;
            };
            let offset = entry["offset"].as_u64().unwrap();
            let name = format!(
                "{}@{offset}",
                file.strip_prefix(root()).unwrap_or(file).display()
            );
            let Some((decoded, is_mislabelled)) = ours.get(&offset) else {
                mismatches.push(format!("{name}: pymarc read a record where we framed none"));
                continue;
            };
            let warned = entry["warnings"].as_bool().unwrap_or(false);
            match decoded {
                Ok(Decoded {
                    record: rec,
                    warnings,
                }) => {
                    // Undecodable MARC-8 is U+FFFD here; pymarc drops it,
                    // whether or not it says so.
                    let warned = warned
                        || warnings
                            .iter()
                            .any(|w| matches!(w.kind, WarningKind::InvalidMarc8Replaced { .. }));
                    let text = !warned && !is_mislabelled;
                    if warned {
                        lossy += 1;
                    } else if *is_mislabelled {
                        mislabelled += 1;
                    } else {
                        compared += 1;
                        if !warnings.is_empty() {
                            repaired.push(name.clone());
                        }
                    }
                    let a = ours_as_json(rec, text);
                    let b = theirs_normalised(theirs_rec, text);
                    if a != b {
                        mismatches.push(format!("{name}: differs\n ours:   {a}\n pymarc: {b}"));
                    }
                }
                Err(e) => mismatches.push(format!("{name}: pymarc reads it, we say: {e}")),
            }
        }
    }
    for (file, why) in KNOWN_DIVERGENCES {
        println!("not compared: {file}: {why}");
    }
    println!(
        "pymarc comparison over {} files: {compared} records identical, {mislabelled} mislabelled UTF-8 \
         (structure identical), {lossy} lossy MARC-8 in pymarc (structure identical or error here), \
         {pymarc_failed} records pymarc rejects",
        files.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(compared > 2500, "compared only {compared} records");
    // Records read with repairs (issue 17), identical to pymarc's reading:
    // non-ASCII subfield codes folded as pymarc folds them.
    println!("read with repairs, as pymarc reads them: {repaired:?}");
    for file in [
        "pymarc/utf8_invalid.mrc",
        "traject/bad_subfield_code.marc",
        "yaz/marc-files/marc5.json.marc",
        "yaz/marc-files/marc5.xml.marc",
    ] {
        assert!(
            repaired.iter().any(|r| r.contains(file)),
            "{file} is not among the repaired records compared: {repaired:?}"
        );
    }
}

#[test]
fn pymarc_agrees_on_marcxml_and_json() {
    let xml = [
        "pymarc/batch.xml",
        "pymarc/utf8.xml",
        "ruby-marc/batch.xml",
        "ruby-marc/one.xml",
        "traject/test_data.utf8.marc.xml",
        "evergreen/concerto_marcxml/bibs_concerto.xml",
        "evergreen/concerto_marcxml/bibs_fre.xml",
        "evergreen/concerto_marcxml/bibs_graphic_880.xml",
        "evergreen/serials_marc21.xml",
        "vufindharvest-oai/marc.xml",
        "koha-sample/export_with_952_DERIVED.marcxml.xml",
    ];
    let json = [
        "pymarc/batch.json",
        "pymarc/test.json",
        "pymarc/one.json",
        "traject/test_data.utf8.json",
    ];
    let mut args = Vec::new();
    for x in xml {
        args.push(format!("marcxml:{}", data(x).display()));
    }
    for j in json {
        args.push(format!("json:{}", data(j).display()));
    }
    let theirs = run_pymarc(&args);
    let mut compared = 0;
    let mut problems = Vec::new();
    for (files, format) in [(&xml[..], Format::MarcXml), (&json[..], Format::MarcJson)] {
        for name in files {
            let path = data(name);
            if !path.exists() {
                problems.push(format!("{name}: missing fixture"));
                continue;
            }
            let entries = &theirs[&path.display().to_string()];
            if entries.len() == 1 && entries[0]["record"].is_null() {
                // pymarc could not parse the file at all (e.g. Koha's raw
                // control characters); nothing to compare against.
                continue;
            }
            let ours: Vec<_> = read_file(&path, format)
                .into_iter()
                .filter_map(Result::ok)
                .collect();
            if ours.len() != entries.len() {
                problems.push(format!(
                    "{name}: pymarc read {} records, we read {}",
                    entries.len(),
                    ours.len()
                ));
                continue;
            }
            for (i, (o, t)) in ours.iter().zip(entries).enumerate() {
                let a = ours_as_json(o, true);
                let b = theirs_normalised(&t["record"], true);
                if a != b {
                    problems.push(format!(
                        "{name} record {}: differs\n ours:   {a}\n pymarc: {b}",
                        i + 1
                    ));
                }
                compared += 1;
            }
        }
    }
    println!("pymarc MARCXML/JSON comparison: {compared} records identical");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(compared > 300, "compared only {compared}");
}
