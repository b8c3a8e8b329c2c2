use super::*;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("exports")).unwrap();
        std::fs::write(d.path().join("exports/ccpl.xml"), "<collection/>").unwrap();
        std::fs::write(d.path().join("exports/a.mrc"), "").unwrap();
        std::fs::write(d.path().join("exports/b.mrc"), "").unwrap();
        Dir(d)
    }
    fn parse(&self, text: &str) -> Result<Network, ConfigError> {
        Network::parse(text, &self.0.path().join("network.toml"))
    }
}

const GOOD: &str = r#"
index_dir = "index"

[[library]]
id = "ccpl"
name = "Cedar County Public Library"
opac_url = "https://catalog.ccpl.example/record/{id}"
lat = 41.97
lon = -91.67

[library.source]
kind = "file"
path = "exports/ccpl.xml"
format = "marcxml"

[[library]]
id = "evg_2"
name = "Evergreen Branch"
lending = false
holdings = { tag = "924", library = "b", call_number = "g", location = "c" }
id_field = "999$c"

[library.source]
kind = "oai-pmh"
url = "https://oai.example/oai"
set = "books"

[[library]]
id = "glob"
name = "Globbed"
holdings = "sierra"
[library.source]
kind = "file"
path = "exports/*.mrc"
"#;

#[test]
fn a_good_network() {
    let d = Dir::new();
    let n = d.parse(GOOD).unwrap();
    assert_eq!(n.libraries.len(), 3);
    assert_eq!(n.index_dir, d.0.path().join("index"));
    let ccpl = &n.libraries[0];
    assert!(ccpl.lending);
    assert_eq!(ccpl.location, Some((41.97, -91.67)));
    assert_eq!(ccpl.holdings, HoldingsMapping::Marc852);
    assert_eq!(
        ccpl.record_url("a b/1").as_deref(),
        Some("https://catalog.ccpl.example/record/a%20b%2F1")
    );
    assert!(matches!(
        &ccpl.sources[0],
        Source::File {
            kind: FileKind::File,
            format: Some(Format::MarcXml),
            ..
        }
    ));
    let evg = &n.libraries[1];
    assert!(!evg.lending);
    assert_eq!(
        evg.id_fields,
        vec![IdField {
            tag: "999".into(),
            subfield: Some('c')
        }]
    );
    assert_eq!(ccpl.id_fields, vec![IdField::default()]);
    assert!(
        matches!(&evg.sources[0], Source::OaiPmh { metadata_prefix, set: Some(s), .. } if metadata_prefix == "marc21" && s == "books")
    );
    assert!(matches!(&evg.holdings, HoldingsMapping::Custom(c) if c.tag == "924"));
    assert!(matches!(
        &n.libraries[2].sources[0],
        Source::File {
            kind: FileKind::Glob,
            ..
        }
    ));
}

fn error_of(text: &str) -> String {
    Dir::new().parse(text).unwrap_err().to_string()
}

#[test]
fn errors_name_file_library_and_key() {
    let e = error_of(&GOOD.replace(
        "kind = \"file\"\npath = \"exports/ccpl.xml\"",
        "kind = \"file\"\npath = \"exports/missing.xml\"",
    ));
    assert!(
        e.contains("network.toml: library \"ccpl\": key \"source.path\": no such file or folder"),
        "{e}"
    );
    let e = error_of(&GOOD.replace("lat = 41.97", "latitude = 41.97"));
    assert!(
        e.contains("library \"ccpl\"") && e.contains("unknown field \"latitude\""),
        "{e}"
    );
    let e = error_of(&GOOD.replace("id = \"evg_2\"", "id = \"ccpl\""));
    assert!(e.contains("key \"id\": duplicate id"), "{e}");
    let e = error_of(&GOOD.replace("id = \"evg_2\"", "id = \"../etc\""));
    assert!(e.contains("library \"../etc\": key \"id\""), "{e}");
    let e = error_of(&GOOD.replace("holdings = \"sierra\"", "holdings = \"voyager\""));
    assert!(
        e.contains("library \"glob\": key \"holdings\": unknown holdings preset \"voyager\""),
        "{e}"
    );
    let e = error_of(&GOOD.replace("index_dir", "index_folder"));
    assert!(e.contains("key \"index_folder\": unknown key"), "{e}");
    let e = error_of(&GOOD.replace("lon = -91.67", ""));
    assert!(e.contains("give both lat and lon"), "{e}");
    let e = error_of(&GOOD.replace("path = \"exports/*.mrc\"", "path = \"exports/*.xyz\""));
    assert!(e.contains("no file matches"), "{e}");
    let e = error_of(&GOOD.replace("kind = \"oai-pmh\"", "kind = \"z3950\""));
    assert!(e.contains("key \"source.kind\""), "{e}");
    let e = error_of("[[library]\nid=");
    assert!(e.contains("line 1"), "{e}");
    let e = error_of(&GOOD.replace("{id}", "X"));
    assert!(e.contains("key \"opac_url\""), "{e}");
    let e = error_of(&GOOD.replace("call_number = \"g\"", "call_number = \"g\", shelf = \"x\""));
    assert!(e.contains("library \"evg_2\""), "{e}");
}

#[test]
fn library_ids() {
    assert!(LibraryId::parse("ccpl").is_ok());
    assert!(LibraryId::parse("lib-01_x").is_ok());
    for bad in ["", "CCPL", "-x", "a/b", "..", "a b", "é"] {
        assert!(LibraryId::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn id_fields() {
    assert_eq!(IdField::parse("001").unwrap(), IdField::default());
    assert_eq!(IdField::parse("999c").unwrap().subfield, Some('c'));
    assert!(IdField::parse("999").is_err());
    assert!(IdField::parse("001$a").is_err());
    assert!(IdField::parse("1").is_err());
}

#[test]
fn a_library_may_have_several_sources() {
    let text = r#"
[[library]]
id = "split"
name = "Bibs and holdings apart"
[[library.source]]
kind = "file"
path = "exports/a.mrc"
[[library.source]]
kind = "file"
path = "exports/b.mrc"
format = "iso2709"
"#;
    let n = Dir::new().parse(text).unwrap();
    assert_eq!(n.libraries[0].sources.len(), 2);
    assert!(matches!(
        &n.libraries[0].sources[1],
        Source::File {
            format: Some(Format::Iso2709),
            ..
        }
    ));
    let e = error_of(&format!(
        "{text}[[library.source]]\nkind = \"oai-pmh\"\nurl = \"https://x.example/oai\"\n"
    ));
    assert!(
        e.contains("library \"split\": key \"source.kind\": an OAI-PMH repository"),
        "{e}"
    );
    let e = error_of(&text.replace("path = \"exports/b.mrc\"", "path = \"exports/c.mrc\""));
    assert!(e.contains("key \"source.path\": no such file"), "{e}");
}

#[test]
fn folio_sources() {
    let text = r#"
[[library]]
id = "fol"
name = "A FOLIO library"
[library.source]
kind = "file"
path = "exports"
format = "folio"
"#;
    let n = Dir::new().parse(text).unwrap();
    assert!(matches!(
        &n.libraries[0].sources[0],
        Source::Folio {
            kind: FileKind::Folder,
            ..
        }
    ));
    let e = error_of(&text.replace(
        "kind = \"file\"\npath = \"exports\"",
        "kind = \"http\"\nurl = \"https://folio.example/x.json\"",
    ));
    assert!(e.contains("key \"source.format\": FOLIO"), "{e}");
    let e = error_of(&text.replace("\"folio\"", "\"folio-ish\""));
    assert!(
        e.contains("not a format (marcxml, iso2709, marc-json, folio)"),
        "{e}"
    );
}
