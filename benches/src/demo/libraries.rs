//! The libraries of the demo consortium (six placed by the plan, two more
//! in [`EXTRA`]): who they are, where, which ILS exports their records in
//! which form, and their cataloguing habits (a netgen [`Style`] each), plus
//! the `network.toml` that describes them.

use crate::netgen::classes::ClassRates;
use crate::netgen::ids::IsbnForm;
use crate::netgen::style::{
    DateForm, ExtentForm, ImprintForm, OclcForm, QualifierPlace, Style, SubtitleForm,
};
use std::fmt::Write as _;

pub(crate) const RIDEAU: usize = 0;
pub(crate) const OVRL: usize = 1;
pub(crate) const BYTOWN: usize = 2;
pub(crate) const TIC: usize = 3;
pub(crate) const NVPL: usize = 4;
pub(crate) const CHAMPLAIN: usize = 5;

/// How a library's export file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Export {
    /// MARCXML collection in the MARC 21 slim default namespace.
    MarcXml,
    /// MARCXML with the `marc:` namespace prefix on every element.
    MarcXmlPrefixed,
    /// ISO 2709 in MARC-8 (leader/09 blank).
    Iso2709Marc8,
    /// ISO 2709 in UTF-8 (leader/09 `a`).
    Iso2709Utf8,
    /// MARC-in-JSON, one record per line.
    MarcJsonLines,
}

impl Export {
    /// The `format` in `network.toml`.
    pub(crate) fn format_name(self) -> &'static str {
        match self {
            Export::MarcXml | Export::MarcXmlPrefixed => "marcxml",
            Export::Iso2709Marc8 | Export::Iso2709Utf8 => "iso2709",
            Export::MarcJsonLines => "marc-json",
        }
    }
}

/// One library.
#[derive(Clone, Debug)]
pub(crate) struct Library {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    /// What kind of library, for the README.
    pub(crate) kind: &'static str,
    /// Its ILS, for the README.
    pub(crate) ils: &'static str,
    pub(crate) town: &'static str,
    pub(crate) lat: &'static str,
    pub(crate) lon: &'static str,
    pub(crate) lending: bool,
    pub(crate) export: Export,
    /// Path of the export below the network folder.
    pub(crate) path: &'static str,
    /// The `holdings` value in `network.toml`, as TOML.
    pub(crate) holdings_toml: &'static str,
    pub(crate) id_field: &'static str,
    pub(crate) opac_url: &'static str,
    /// Its MARC organisation code (040 $d on records it edited).
    pub(crate) code: &'static str,
}

/// The libraries, in the order of `network.toml`.
pub(crate) const LIBRARIES: [Library; 6] = [
    Library {
        id: "rideau",
        name: "Rideau Lakes Public Library",
        kind: "public library, three branches",
        ils: "Koha",
        town: "Smiths Falls, Ontario",
        lat: "44.90",
        lon: "-76.02",
        lending: true,
        export: Export::MarcXml,
        path: "libraries/rideau/koha_export_bibs.xml",
        holdings_toml: "\"koha\"",
        id_field: "999$c",
        opac_url: "https://catalog.rideau.example/cgi-bin/koha/opac-detail.pl?biblionumber={id}",
        code: "CaORLPL",
    },
    Library {
        id: "ovrl",
        name: "Ottawa Valley Regional Library",
        kind: "regional library system, six branches and a bookmobile",
        ils: "Evergreen",
        town: "Arnprior, Ontario",
        lat: "45.43",
        lon: "-76.36",
        lending: true,
        export: Export::Iso2709Marc8,
        path: "libraries/ovrl/marc_export.mrc",
        holdings_toml: "\"852\"",
        id_field: "901$c",
        opac_url: "https://catalog.ovrl.example/eg/opac/record/{id}",
        code: "CaOOVRL",
    },
    Library {
        id: "bytown",
        name: "Bytown University Library",
        kind: "university library, four campus libraries",
        ils: "Alma",
        town: "Ottawa, Ontario",
        lat: "45.42",
        lon: "-75.68",
        lending: true,
        export: Export::MarcXml,
        path: "libraries/bytown/alma_publishing_bibs.xml",
        holdings_toml: "\"alma\"",
        id_field: "001",
        opac_url: "https://catalog.bytown.example/discovery/fulldisplay?docid=alma{id}&vid=01BYTOWN_INST:MAIN",
        code: "CaOOBU",
    },
    Library {
        id: "tic",
        name: "Thousand Islands College Library",
        kind: "college library",
        ils: "Sierra",
        town: "Brockville, Ontario",
        lat: "44.59",
        lon: "-75.69",
        lending: true,
        export: Export::Iso2709Utf8,
        path: "libraries/tic/sierra_bibs.out",
        holdings_toml: "\"sierra\"",
        id_field: "907$a",
        opac_url: "https://catalog.tic.example/record={id}",
        code: "CaOBTIC",
    },
    Library {
        id: "nvpl",
        name: "Nation Valley Public Library",
        kind: "public library, three branches, a strong jazz collection",
        ils: "SirsiDynix Symphony",
        town: "Casselman, Ontario",
        lat: "45.31",
        lon: "-75.09",
        lending: true,
        export: Export::MarcJsonLines,
        path: "libraries/nvpl/catalog.ndjson",
        holdings_toml: "{ tag = \"949\", library = \"m\", call_number = \"a\", location = \"l\", barcode = \"i\", status = \"s\" }",
        id_field: "001",
        opac_url: "https://catalog.nvpl.example/client/en_CA/default/search/results?qu={id}",
        code: "CaONVPL",
    },
    Library {
        id: "champlain",
        name: "Bibliothèque historique Champlain",
        kind: "historical society library (French, pre-1923), reference only",
        ils: "PMB",
        town: "Gatineau, Québec",
        lat: "45.48",
        lon: "-75.70",
        lending: false,
        export: Export::MarcXmlPrefixed,
        path: "libraries/champlain/notices_marcxml.xml",
        holdings_toml: "\"852\"",
        id_field: "001",
        opac_url: "https://catalogue.champlain.example/notice/{id}",
        code: "CaQHBHC",
    },
];

/// A library added to the consortium after the first six, whose exports are
/// real files copied as they are (not placed by [`super::plan`]): each
/// source is a path below the network folder with its `format`.
#[derive(Clone, Debug)]
pub(crate) struct Extra {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) ils: &'static str,
    /// Its exports in words, for `network.toml` and the README.
    pub(crate) exports: &'static str,
    pub(crate) town: &'static str,
    pub(crate) lat: &'static str,
    pub(crate) lon: &'static str,
    pub(crate) lending: bool,
    /// The `holdings` value in `network.toml`, as TOML, if any.
    pub(crate) holdings_toml: Option<&'static str>,
    pub(crate) id_field: Option<&'static str>,
    pub(crate) opac_url: &'static str,
    /// (path, format) of each `[[library.source]]`.
    pub(crate) sources: &'static [(&'static str, &'static str)],
}

/// Library 7: bibliographic records and, in a separate export, MARC
/// holdings records of its serials (Evergreen's sample serials, as they
/// are). Library 8: FOLIO inventory JSON (Stanford's instances, as they
/// are).
pub(crate) const EXTRA: [Extra; 2] = [
    Extra {
        id: "riverside",
        name: "Riverside Health Sciences Library",
        kind: "hospital and government research library, serials",
        ils: "Evergreen",
        exports: "bibs as MARCXML and the serials' MARC holdings records (marc2sre) exported separately",
        town: "Ottawa, Ontario",
        lat: "45.40",
        lon: "-75.65",
        lending: true,
        holdings_toml: Some("\"852\""),
        id_field: Some("901$a"),
        opac_url: "https://catalog.riverside.example/eg/opac/record/{id}",
        sources: &[
            ("libraries/riverside/serials_bibs.xml", "marcxml"),
            ("libraries/riverside/serials_mfhd.xml", "marcxml"),
        ],
    },
    Extra {
        id: "glebe",
        name: "Glebe Institute Library",
        kind: "research institute library",
        ils: "FOLIO",
        exports: "FOLIO inventory JSON, instances with their holdings and items, one file each",
        town: "Ottawa, Ontario",
        lat: "45.40",
        lon: "-75.69",
        lending: true,
        holdings_toml: None,
        id_field: None,
        opac_url: "https://catalog.glebe.example/inventory/view/{id}",
        sources: &[("libraries/glebe/folio/", "folio")],
    },
];

/// Further sources of the regional library: the same serials as
/// [`EXTRA`]'s first library, with holdings records of its own (derived:
/// other runs, see the README), exported separately from its catalogue.
pub(crate) const OVRL_SERIALS: &[(&str, &str)] = &[
    ("libraries/ovrl/serials_bibs.xml", "marcxml"),
    ("libraries/ovrl/serials_mfhd.xml", "marcxml"),
];

/// Each library's cataloguing habits for the records it copied (its own
/// records are exported as they are).
pub(crate) fn style(library: usize) -> Style {
    let base = Style {
        isbn_form: IsbnForm::AsCatalogued,
        isbn_qualifier: QualifierPlace::InA,
        isbn_dropped_per_mille: 0,
        oclc: OclcForm::Prefixed,
        isbd: true,
        subtitle: SubtitleForm::Keep,
        caps_title: false,
        initials: false,
        drop_dates: false,
        imprint: ImprintForm::AsCatalogued,
        date_form: DateForm::AsCatalogued,
        extent: ExtentForm::AsCatalogued,
        drop_subjects: false,
        drop_notes: false,
        // The demo shows libraries' habits, not the test classes.
        classes: ClassRates::NONE,
    };
    match library {
        // Koha public library: ISBN-13 with the qualifier in $q, no OCLC
        // numbers kept, notes dropped.
        RIDEAU => Style {
            isbn_form: IsbnForm::Thirteen,
            isbn_qualifier: QualifierPlace::InQ,
            oclc: OclcForm::Dropped,
            drop_notes: true,
            ..base
        },
        // Evergreen: records as the vendor sent them; OCLC `(OCoLC)ocm…`.
        OVRL => Style {
            isbn_qualifier: QualifierPlace::InA,
            date_form: DateForm::CopyrightC,
            ..base
        },
        // Alma, RDA practice: 264, "345 pages", ISBN-13 hyphenated, $q.
        BYTOWN => Style {
            isbn_form: IsbnForm::Hyphenated13,
            isbn_qualifier: QualifierPlace::InQ,
            oclc: OclcForm::Bare,
            imprint: ImprintForm::Rda264,
            date_form: DateForm::Plain,
            extent: ExtentForm::Spelled,
            ..base
        },
        // Sierra college: records from WorldCat (OCLC number in 001), ISBN-10,
        // AACR2 260, no name dates, some copies without ISBN.
        TIC => Style {
            isbn_form: IsbnForm::Ten,
            isbn_qualifier: QualifierPlace::InA,
            isbn_dropped_per_mille: 50,
            oclc: OclcForm::ControlNumber,
            imprint: ImprintForm::Aacr260,
            drop_dates: true,
            ..base
        },
        // Symphony public library: brief records, ISBD stripped, subtitle
        // folded into the title, no subjects.
        NVPL => Style {
            isbn_form: IsbnForm::Thirteen,
            isbn_qualifier: QualifierPlace::Dropped,
            isbn_dropped_per_mille: 30,
            isbd: false,
            subtitle: SubtitleForm::Fold,
            initials: true,
            date_form: DateForm::Plain,
            extent: ExtentForm::Abbreviated,
            drop_subjects: true,
            ..base
        },
        // The historical library: bracketed dates, AACR2.
        _ => Style {
            imprint: ImprintForm::Aacr260,
            date_form: DateForm::Bracketed,
            oclc: OclcForm::Dropped,
            ..base
        },
    }
}

/// `network.toml` for the demo.
pub(crate) fn network_toml(seed: u64) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "# The bundled demo network: eight libraries of one consortium, each exporting its\n\
         # records the way its ILS does. Made by demogen (seed {seed}); see README.md.\n\
         # `unicat demo` harvests it into indexes/demo (git-ignored) and serves it.\n\
         index_dir = \"../../indexes/demo\"\n"
    );
    for lib in &LIBRARIES {
        let _ = write!(
            out,
            "\n# {kind}; {ils}, {export}.\n\
             [[library]]\n\
             id = \"{id}\"\n\
             name = \"{name}\"\n\
             opac_url = \"{opac}\"\n\
             lat = {lat}\n\
             lon = {lon}\n\
             lending = {lending}\n\
             holdings = {holdings}\n\
             id_field = \"{id_field}\"\n\
             \n\
             {header}\n\
             kind = \"file\"\n\
             path = \"{path}\"\n\
             format = \"{format}\"\n",
            kind = lib.kind,
            ils = lib.ils,
            export = export_description(lib.export),
            id = lib.id,
            name = lib.name,
            opac = lib.opac_url,
            lat = lib.lat,
            lon = lib.lon,
            lending = lib.lending,
            holdings = lib.holdings_toml,
            id_field = lib.id_field,
            path = lib.path,
            format = lib.export.format_name(),
            header = if lib.id == "ovrl" {
                "[[library.source]]"
            } else {
                "[library.source]"
            },
        );
        if lib.id == "ovrl" {
            sources_toml(&mut out, OVRL_SERIALS, true);
        }
    }
    for lib in &EXTRA {
        let _ = write!(
            out,
            "\n# {kind}; {ils}, {exports}.\n\
             [[library]]\n\
             id = \"{id}\"\n\
             name = \"{name}\"\n\
             opac_url = \"{opac}\"\n\
             lat = {lat}\n\
             lon = {lon}\n\
             lending = {lending}\n",
            kind = lib.kind,
            ils = lib.ils,
            exports = lib.exports,
            id = lib.id,
            name = lib.name,
            opac = lib.opac_url,
            lat = lib.lat,
            lon = lib.lon,
            lending = lib.lending,
        );
        if let Some(h) = lib.holdings_toml {
            let _ = writeln!(out, "holdings = {h}");
        }
        if let Some(f) = lib.id_field {
            let _ = writeln!(out, "id_field = \"{f}\"");
        }
        sources_toml(&mut out, lib.sources, lib.sources.len() > 1);
    }
    out
}

/// `[library.source]` tables (`[[library.source]]` when `list`).
fn sources_toml(out: &mut String, sources: &[(&str, &str)], list: bool) {
    let header = if list {
        "[[library.source]]"
    } else {
        "[library.source]"
    };
    for (path, format) in sources {
        let _ = write!(
            out,
            "\n{header}\nkind = \"file\"\npath = \"{path}\"\nformat = \"{format}\"\n"
        );
    }
}

/// The export form in words.
pub(crate) fn export_description(export: Export) -> &'static str {
    match export {
        Export::MarcXml => "MARCXML",
        Export::MarcXmlPrefixed => "MARCXML with the marc: namespace prefix",
        Export::Iso2709Marc8 => "ISO 2709 in MARC-8",
        Export::Iso2709Utf8 => "ISO 2709 in UTF-8",
        Export::MarcJsonLines => "MARC-in-JSON, one record per line",
    }
}
