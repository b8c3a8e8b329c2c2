//! The libraries of a generated network: names, codes, places, branches,
//! export format and holdings preset (both rotating), cataloguing
//! [`Style`], and the `network.toml` that describes them in Unicat's
//! configuration format.

use super::style::Style;
use crate::Rng;
use std::fmt::Write as _;
use unicat_marc::Format;

/// The holdings field a library's ILS exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Preset {
    /// MARC 21 852.
    Marc852,
    /// Koha 952.
    Koha,
    /// Sierra 945.
    Sierra,
    /// Alma AVA.
    Alma,
}

impl Preset {
    /// The name in `network.toml`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Preset::Marc852 => "852",
            Preset::Koha => "koha",
            Preset::Sierra => "sierra",
            Preset::Alma => "alma",
        }
    }
}

/// A branch or campus library.
#[derive(Clone, Debug)]
pub(crate) struct Branch {
    /// Short code (`CCPL`, `CCPLE`).
    pub(crate) code: String,
    /// Name for people.
    pub(crate) name: String,
}

/// One library of the network.
#[derive(Clone, Debug)]
pub(crate) struct Library {
    /// 0-based position.
    pub(crate) index: usize,
    /// `lib01`…
    pub(crate) id: String,
    pub(crate) name: String,
    /// Its MARC organisation code, written in 003 and 040.
    pub(crate) code: String,
    /// Latitude and longitude in hundredths of a degree.
    pub(crate) lat_centi: i32,
    pub(crate) lon_centi: i32,
    pub(crate) lending: bool,
    pub(crate) format: Format,
    pub(crate) preset: Preset,
    /// Academic libraries shelve by LC classification, public ones by Dewey.
    pub(crate) academic: bool,
    pub(crate) branches: Vec<Branch>,
    pub(crate) style: Style,
}

/// Name, organisation code, academic?
const NAMES: &[(&str, &str, bool)] = &[
    ("Cedar County Public Library", "CCPL", false),
    ("Prairie Hills Regional Library", "PHRL", false),
    ("Riverbend College Library", "RBC", true),
    ("Maple Grove Public Library", "MGPL", false),
    ("Lakeside University Library", "LSU", true),
    ("Oak Valley Public Library", "OVPL", false),
    ("North Fork District Library", "NFDL", false),
    ("Stone Ridge Community College Library", "SRCC", true),
    ("Willow Creek Public Library", "WCPL", false),
    ("Harbor Point Library", "HPL", false),
    ("Eastfield Seminary Library", "EFS", true),
    ("Pine Bluff Public Library", "PBPL", false),
    ("Silver Lake Public Library", "SLPL", false),
    ("Granite Falls City Library", "GFCL", false),
    ("Bluestem Academy Library", "BSA", true),
    ("Red Oak Public Library", "ROPL", false),
];

const PUBLIC_BRANCHES: &[(&str, &str)] = &[
    ("", "Main Library"),
    ("E", "Eastside Branch"),
    ("W", "Westside Branch"),
];
const ACADEMIC_BRANCHES: &[(&str, &str)] = &[
    ("", "Main Library"),
    ("S", "Science Library"),
    ("M", "Music Library"),
];

const FORMATS: [Format; 3] = [Format::Iso2709, Format::MarcXml, Format::MarcJson];
const PRESETS: [Preset; 4] = [Preset::Marc852, Preset::Koha, Preset::Sierra, Preset::Alma];

/// The file name of a library's export in `format`.
pub(crate) fn export_file(format: Format) -> &'static str {
    match format {
        Format::Iso2709 => "records.mrc",
        Format::MarcXml => "records.xml",
        Format::MarcJson => "records.json",
    }
}

/// The `n` libraries of a network.
pub(crate) fn libraries(n: usize, seed: u64) -> Vec<Library> {
    let non_lending = Rng::derive(seed, &[super::stream::LENDING]).index(n);
    (0..n)
        .map(|index| {
            let (base, base_code, academic) = NAMES[index % NAMES.len()];
            let round = index / NAMES.len();
            let (name, code) = if round == 0 {
                (base.to_string(), base_code.to_string())
            } else {
                (
                    format!("{base} {}", round + 1),
                    format!("{base_code}{}", round + 1),
                )
            };
            // Eastern Iowa and around: 41.00–43.40 N, 95.80–90.30 W.
            let mut rng = Rng::derive(seed, &[super::stream::PLACE, index as u64]);
            let lat_centi = 4100 + rng.below(241) as i32;
            let lon_centi = -9580 + rng.below(551) as i32;
            let table = if academic {
                ACADEMIC_BRANCHES
            } else {
                PUBLIC_BRANCHES
            };
            let branches = table[..1 + index % table.len()]
                .iter()
                .map(|(suffix, branch)| Branch {
                    code: format!("{code}{suffix}"),
                    name: if suffix.is_empty() {
                        name.clone()
                    } else {
                        format!("{name}, {branch}")
                    },
                })
                .collect();
            Library {
                index,
                id: format!("lib{:02}", index + 1),
                name,
                code,
                lat_centi,
                lon_centi,
                lending: index != non_lending,
                format: FORMATS[index % FORMATS.len()],
                preset: PRESETS[index % PRESETS.len()],
                academic,
                branches,
                style: Style::for_library(index, seed),
            }
        })
        .collect()
}

fn degrees(centi: i32) -> String {
    let sign = if centi < 0 { "-" } else { "" };
    let abs = centi.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

impl Library {
    /// The export's path relative to the network folder.
    pub(crate) fn export_path(&self) -> String {
        format!("{}/{}", self.id, export_file(self.format))
    }
}

/// `network.toml` for these libraries.
pub(crate) fn network_toml(libraries: &[Library], seed: u64) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "# A labelled test network made by netgen (seed {seed}); truth.jsonl says which records match.\n\
         index_dir = \"index\""
    );
    for lib in libraries {
        let _ = write!(
            out,
            "\n[[library]]\n\
             id = \"{id}\"\n\
             name = \"{name}\"\n\
             opac_url = \"https://catalog.{id}.example/record/{{id}}\"\n\
             lat = {lat}\n\
             lon = {lon}\n\
             lending = {lending}\n\
             holdings = \"{holdings}\"\n\
             id_field = \"001\"\n\
             \n\
             [library.source]\n\
             kind = \"file\"\n\
             path = \"{path}\"\n\
             format = \"{format}\"\n",
            id = lib.id,
            name = lib.name,
            lat = degrees(lib.lat_centi),
            lon = degrees(lib.lon_centi),
            lending = lib.lending,
            path = lib.export_path(),
            format = lib.format.name(),
            holdings = lib.preset.name(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_library_does_not_lend_and_formats_rotate() {
        let libs = libraries(6, 1);
        assert_eq!(libs.iter().filter(|l| !l.lending).count(), 1);
        assert_eq!(libs[3].format, Format::Iso2709);
        assert_eq!(libs[4].preset, Preset::Marc852);
        assert_eq!(libs[5].id, "lib06");
        let toml = network_toml(&libs, 1);
        assert_eq!(toml.matches("[[library]]").count(), 6);
        assert!(toml.contains("path = \"lib02/records.xml\""));
        assert_eq!(degrees(-9167), "-91.67");
        assert_eq!(degrees(4105), "41.05");
        let many = libraries(20, 1);
        assert_eq!(many[16].code, "CCPL2");
    }
}
