//! The demo's README.md, NOTICE.md and examples.md, written from what was
//! built so that they always agree with the exports.

use super::holdings::{OVRL_BRANCHES, Status};
use super::libraries::{LIBRARIES, export_description};
use super::plan::{Kind, Manifestation};
use super::{Network, Substitution};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use unicat_bib::BibRecord;
use unicat_marc::Field;

/// Source folders: repository, commit, licence (from
/// `fixtures/data/MANIFEST.md`).
const PROVENANCE: &[(&str, &str, &str, &str)] = &[
    (
        "koha-sample/",
        "joubu/koha-misc4dev",
        "b08c8109691be867b330a7a28b4cbac76e651614",
        "GPL-3.0",
    ),
    (
        "evergreen/",
        "evergreen-library-system/Evergreen",
        "921164cbfe938ca0ea3865f8cabaa4bc21a88e35",
        "GPL-2.0",
    ),
    (
        "openlibrary-marc/",
        "internetarchive/openlibrary",
        "026d3d4fa51d894469a5f9b6180e0b61754a68a7",
        "AGPL-3.0",
    ),
    (
        "marc-perl/",
        "gmcharlt/marc-perl",
        "e8e0ecc92946d6dcb3c2270706041a30eff0f68d",
        "Perl (Artistic or GPL)",
    ),
    (
        "stanford-searchworks/",
        "sul-dlss/searchworks_traject_indexer",
        "c218a4f27c1c903e3c20f115500657e01cb67cb7",
        "Apache-2.0",
    ),
    (
        "traject/",
        "traject/traject",
        "5afeefee99931fc7382d72a31c0bf8ef9b36a818",
        "MIT",
    ),
    (
        "vufindharvest-oai/",
        "vufind-org/vufindharvest",
        "c68b4743f428cbd05e11bccdb1ade20f08e2602f",
        "GPL-2.0",
    ),
];

/// Where each source file came from upstream (its path there).
/// Libraries 7 and 8 and the regional library's serials.
fn extra_section(s: &mut String) {
    use super::extra::OVRL_SERIALS;
    use super::libraries::EXTRA;
    s.push_str(
        "## Serials and FOLIO\n\n\
         Two libraries joined the consortium after the first six; their exports are real\n\
         files copied as they are (not re-catalogued, not placed by the plan below):\n\n\
         | id | library | ILS | exports | holdings | record id | lends |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for lib in &EXTRA {
        let paths: Vec<String> = lib
            .sources
            .iter()
            .map(|(p, f)| format!("`{p}` ({f})"))
            .collect();
        let _ = writeln!(
            s,
            "| `{}` | {}, {} ({}) | {} | {}: {} | {} | {} | {} |",
            lib.id,
            lib.name,
            lib.town,
            lib.kind,
            lib.ils,
            paths.join(", "),
            lib.exports,
            lib.holdings_toml
                .map_or("(FOLIO holdings records)".to_string(), |h| format!(
                    "`{}`",
                    h.trim_matches('"')
                )),
            lib.id_field
                .map_or("(instance hrid)".to_string(), |f| format!("`{f}`")),
            if lib.lending { "yes" } else { "no" },
        );
    }
    s.push_str(
        "\n`riverside` exports Evergreen's sample serials (7 bibliographic records) and, in a\n\
         second file, their 7 MARC holdings records as Evergreen's `marc2sre` writes them (the\n\
         bib's 901 $a in the first of two 001s; 852 locations; 853/863 issues or 866\n\
         statements). `glebe` exports five of Stanford's FOLIO records (instances with their\n\
         MARC source records, holdings and items; their locations are Stanford's).\n\n\
         The regional library `ovrl` also holds three of `riverside`'s serials, exported\n\
         separately from its catalogue (two more `[[library.source]]`s): the bibliographic\n\
         records as they are, and holdings records **derived by `demogen`** — written for the\n\
         demo, not real data — that name their bib by 004 and state other runs, so that\n\
         coverage differs by library (`/api/holdings?issn=…&year=…` names the library whose\n\
         run covers the year):\n\n\
         | ISSN | title | `ovrl` (derived 866) | `riverside` (real) |\n|---|---|---|---|\n",
    );
    for (_, issn, title, ovrl, riverside) in OVRL_SERIALS {
        let _ = writeln!(s, "| {issn} | {title} | {ovrl} | {riverside} |");
    }
    s.push('\n');
}

fn upstream_path(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("koha-sample/") {
        return format!(
            "data/sql/marc21/1812/after_22155/{{biblio_metadata,items}}.sql (DERIVED: {rest} extracted by the collector)"
        );
    }
    if let Some(rest) = path.strip_prefix("evergreen/concerto_enhanced_holdings/") {
        return format!(
            "Open-ILS/tests/datasets/sql/concerto_enhanced/*.sql (DERIVED: {rest} extracted by the collector)"
        );
    }
    if let Some(rest) = path.strip_prefix("evergreen/") {
        return format!("Open-ILS/tests/datasets/{rest}");
    }
    if let Some(rest) = path.strip_prefix("openlibrary-marc/add_book_test_data/") {
        return format!("openlibrary/catalog/add_book/tests/test_data/{rest}");
    }
    if let Some(rest) = path.strip_prefix("openlibrary-marc/") {
        return format!("openlibrary/catalog/marc/tests/test_data/{rest}");
    }
    if let Some(rest) = path.strip_prefix("marc-perl/marc-record/") {
        return format!("marc-record/t/{rest}");
    }
    if let Some(rest) = path.strip_prefix("traject/") {
        return format!("test/test_support/{rest}");
    }
    if let Some(rest) = path.strip_prefix("vufindharvest-oai/") {
        return format!("tests/fixtures/{rest}");
    }
    path.to_string()
}

fn provenance(path: &str) -> (&'static str, &'static str, &'static str) {
    PROVENANCE
        .iter()
        .find(|(folder, ..)| path.starts_with(folder))
        .map_or(("?", "?", "?"), |(_, repo, commit, licence)| {
            (repo, commit, licence)
        })
}

/// The writer of the three documents.
pub(crate) struct Docs<'a> {
    pub(crate) seed: u64,
    pub(crate) net: &'a Network,
    pub(crate) substitutions: &'a [Substitution],
    /// Export files and their sizes.
    pub(crate) sizes: &'a [(String, u64)],
    /// Records of the MARC-8 export with an escape or a byte above 0x7F.
    pub(crate) marc8_non_ascii: usize,
    /// Ids of MARC-8 records whose bytes happen to be valid UTF-8 too.
    pub(crate) marc8_also_utf8: &'a [String],
}

/// A field in the line format of MARCBreaker (`=952  \\$aCPL$bCPL`).
fn breaker(field: &Field) -> String {
    match field {
        Field::Control { tag, value } => format!("={tag}  {value}"),
        Field::Data(d) => {
            let ind = |c: char| if c == ' ' { '\\' } else { c };
            let mut line = format!(
                "={}  {}{}",
                d.tag,
                ind(d.indicators.first),
                ind(d.indicators.second)
            );
            for sub in &d.subfields {
                let _ = write!(line, "${}{}", sub.code, sub.value);
            }
            line
        }
    }
}

/// The item field tag of each library's export.
const ITEM_TAGS: [&str; 6] = ["952", "852", "AVA", "945", "949", "852"];

impl Docs<'_> {
    fn bib(&self, m: &Manifestation) -> BibRecord {
        BibRecord::from_marc(&self.net.sources[m.primary].record)
    }

    fn holder_names(m: &Manifestation) -> String {
        m.holders()
            .iter()
            .map(|&l| format!("`{}`", LIBRARIES[l].id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// README.md.
    pub(crate) fn readme(&self) -> String {
        let net = self.net;
        let seed = self.seed;
        let mut s = String::new();
        let total: usize = net.libraries.iter().map(|l| l.records.len()).sum();
        let _ = write!(
            s,
            "# The demo network\n\n\
             `unicat demo` harvests this network into `indexes/demo` (git-ignored) and serves it.\n\
             By hand:\n\n\
             ```sh\n\
             cargo run --release -- harvest --config fixtures/demo/network.toml\n\
             cargo run --release -- serve --config fixtures/demo/network.toml\n\
             ```\n\n\
             Eight libraries of one consortium in the Ottawa Valley (Ontario and Québec, at most\n\
             about 110 km apart), each exporting its catalogue the way its ILS does. Every\n\
             bibliographic record is a real one from `fixtures/data/` ({sources} real records from {files}\n\
             files; sources, commits and licences in [NOTICE.md](NOTICE.md)). The first six\n\
             libraries together: **{m} manifestations** (distinct bibliographic records) in\n\
             **{total} library records**; libraries 7 and 8 and the regional library's serials\n\
             are described in [Serials and FOLIO](#serials-and-folio). Three searches that show it off are in [examples.md](examples.md).\n\n\
             Nothing in this folder is written by hand: `demogen` makes all of it (see\n\
             [How it was made](#how-it-was-made)).\n\n",
            sources = net.sources.len(),
            files = net.inputs.iter().filter(|i| i.2 > 0).count(),
            m = net.manifestations,
        );
        s.push_str(
            "## Libraries\n\n\
             | id | library | ILS | export | holdings | record id | lends | records (own + copied) | items |\n\
             |---|---|---|---|---|---|---|---:|---:|\n",
        );
        for (i, (lib, spec)) in net.libraries.iter().zip(LIBRARIES.iter()).enumerate() {
            let own = lib.records.iter().filter(|r| r.native).count();
            let _ = writeln!(
                s,
                "| `{}` | {}, {} ({}) | {} | `{}`: {} | `{}` | `{}` | {} | {} ({own} + {}) | {} |",
                lib.id,
                lib.name,
                spec.town,
                spec.kind,
                spec.ils,
                lib.path,
                export_description(spec.export),
                lib.holdings.trim_matches('"'),
                lib.id_field,
                if lib.lending { "yes" } else { "no" },
                lib.records.len(),
                lib.records.len() - own,
                net.counters.items(i),
            );
        }
        s.push_str(
            "\n\"Own\" records are the library's real records, exported as they are with their \
             items; \"copied\" ones are another library's record as this library would have \
             catalogued it (netgen's re-cataloguing styles: ISBN forms, ISBD punctuation, 260 or \
             264, OCLC number form, …), with its own record id and items. Titles, authors, \
             years and identifiers always stay those of the real record.\n\n",
        );
        extra_section(&mut s);
        self.exports_section(&mut s);
        self.overlap_section(&mut s);
        self.status_section(&mut s);
        let _ = write!(
            s,
            "## MARC-8\n\n\
             `ovrl`'s export is ISO 2709 in MARC-8 (leader/09 blank), written with\n\
             `unicat_marc8::unicode_to_marc8`: {n} of its {total} records contain escape sequences\n\
             or ANSEL bytes (diacritics before their letter, Cyrillic, Hebrew, Arabic, CJK).\n",
            n = self.marc8_non_ascii,
            total = net.libraries[1].records.len(),
        );
        for id in self.marc8_also_utf8 {
            let _ = writeln!(
                s,
                "Record {id}'s MARC-8 bytes happen to be valid UTF-8 as well: its source text reads\n\
                 \"Fran©ʹois\" (`&#xA9;&#x2B9;` in Evergreen's data), which is the UTF-8 of \"François\"\n\
                 once read as MARC-8, and encoding it again gives those bytes back. Readers that\n\
                 trust valid UTF-8 over leader/09 (Unicat's does) read \"François\" — the text the\n\
                 cataloguer meant.\n"
            );
        }
        if self.substitutions.is_empty() {
            s.push_str("Every character of its records is in MARC-8.\n\n");
        } else {
            let mut by_char: BTreeMap<char, Vec<String>> = BTreeMap::new();
            for sub in self.substitutions {
                let at = format!("{} {}", sub.record, sub.field);
                let list = by_char.entry(sub.character).or_default();
                if !list.contains(&at) {
                    list.push(at);
                }
            }
            let _ = writeln!(
                s,
                "{} characters are in no MARC-8 character set (or, U+FFFD, stand for one a source\n\
                 had already lost); they are written as numeric character references (`&#x2014;`,\n\
                 the Library of Congress's lossless-conversion convention):\n",
                self.substitutions.len()
            );
            for (c, places) in by_char {
                let _ = writeln!(
                    s,
                    "- U+{:04X} {}: record {}",
                    u32::from(c),
                    char_name(c),
                    places.join(", ")
                );
            }
            s.push('\n');
        }
        let _ = write!(
            s,
            "## How it was made\n\n\
             ```sh\n\
             cargo run --release -p unicat-benches --bin demogen -- --seed {seed} --out fixtures/demo\n\
             ```\n\n\
             The same seed and `fixtures/data/` give the same bytes, on every machine\n\
             (`benches/tests/demo.rs` checks that this folder is current, that every export reads\n\
             back, and that the network validates). The generator (`benches/src/demo/`):\n\n\
             1. reads the real records and their real item data: the Koha sample's items table,\n\
                Evergreen's copies at six org units (with their statuses), the Sirsi 949 items of\n\
                Laurentian's French and jazz records;\n\
             2. groups records two sources share into one manifestation (the same ISBN, LCCN,\n\
                Sirsi record number, or title, author and year, in the same format): Laurentian's\n\
                French records that Evergreen's demo set also converted, the Perl books LC and\n\
                the Koha sample both catalogued, *The swing era* in the Koha sample and the jazz\n\
                collection;\n\
             3. places each manifestation in further libraries by what they collect (popular\n\
                titles in the public libraries, scholarly ones at the university and the college,\n\
                French books before 1923 at the historical library): a list of well-known titles\n\
                goes to four to six libraries, their e-book and audiobook siblings to two or\n\
                three, the rest mostly stays with one;\n\
             4. writes each library's records: its own with their items in its ILS's form, and\n\
                copies of the others' re-catalogued in its style, with items drawn from the seed\n\
                (the Koha sample's items have no call numbers and no circulation, so call numbers\n\
                and states are drawn for them too).\n\n\
             Evergreen's org units become `ovrl`'s branches: {branches}. The Koha sample's\n\
             branches keep their codes (`CPL` Centerville, `MPL` Midway, `FPL` Fairview).\n\n",
            branches = OVRL_BRANCHES
                .iter()
                .map(|(org, code, name)| format!("{org} → `{code}` ({name})"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s.push_str("## Files\n\n| file | bytes |\n|---|---:|\n");
        for (path, size) in self.sizes {
            let _ = writeln!(s, "| `{path}` | {size} |");
        }
        s.push_str("| `network.toml`, `README.md`, `NOTICE.md`, `examples.md` | |\n");
        s
    }

    fn exports_section(&self, s: &mut String) {
        s.push_str("## What the exports look like\n\nOne item field of each (MARCBreaker notation):\n\n```text\n");
        for (lib, tag) in self.net.libraries.iter().zip(ITEM_TAGS) {
            let example = lib
                .records
                .iter()
                .filter(|r| r.native)
                .flat_map(|r| r.record.fields.iter())
                .find(|f| f.tag() == tag);
            if let Some(field) = example {
                let _ = writeln!(s, "{:<10} {}", lib.id, breaker(field));
            }
        }
        s.push_str("```\n\n");
    }

    fn overlap_section(&self, s: &mut String) {
        let net = self.net;
        s.push_str("## Overlap\n\n| held by | manifestations |\n|---:|---:|\n");
        for (k, n) in &net.holders {
            let _ = writeln!(
                s,
                "| {k} {} | {n} |",
                if *k == 1 { "library" } else { "libraries" }
            );
        }
        let mut kinds: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
        for m in &net.plan {
            let e = kinds.entry(m.kind).or_default();
            e.0 += 1;
            e.1 += m.holders().len();
        }
        s.push_str("\n| kind | manifestations | library records |\n|---|---:|---:|\n");
        for (kind, (m, r)) in kinds {
            let _ = writeln!(s, "| {} | {m} | {r} |", kind.name());
        }
        s.push_str("\nThe most held titles:\n\n");
        let mut popular: Vec<&Manifestation> = net.plan.iter().filter(|m| m.popular).collect();
        popular.sort_by_key(|m| std::cmp::Reverse(m.holders().len()));
        for m in popular {
            let bib = self.bib(m);
            let _ = writeln!(
                s,
                "- *{}* ({}{}, {}): {}",
                bib.title,
                bib.main_author()
                    .map(|a| format!("{a}, "))
                    .unwrap_or_default(),
                bib.year.map(|y| y.to_string()).unwrap_or_default(),
                format_name(&bib),
                Self::holder_names(m)
            );
        }
        s.push('\n');
    }

    fn status_section(&self, s: &mut String) {
        let states = [
            Status::Available,
            Status::CheckedOut,
            Status::InTransit,
            Status::Missing,
            Status::Lost,
            Status::InProcess,
            Status::OnOrder,
            Status::LibraryUseOnly,
        ];
        s.push_str("## Item states\n\n| library |");
        for st in states {
            let _ = write!(s, " {} |", st.name());
        }
        s.push_str("\n|---|");
        s.push_str(&"---:|".repeat(states.len()));
        s.push('\n');
        for (i, lib) in self.net.libraries.iter().enumerate() {
            let _ = write!(s, "| `{}` |", lib.id);
            for st in states {
                let n = self.net.counters.states[i].get(&st).copied().unwrap_or(0);
                let _ = write!(s, " {n} |");
            }
            s.push('\n');
        }
        s.push_str(
            "\nEvergreen's states are the concerto copies' own. Sierra has no state for a loan\n\
             (a checked-out item keeps status `-`), so `tic`'s loans read as available; `bytown`'s\n\
             AVA fields count items per holding, and a few say `check_holdings`. Everything at\n\
             `champlain` is for use in the reading room.\n\n",
        );
    }

    /// NOTICE.md.
    pub(crate) fn notice(&self) -> String {
        let mut s = String::from(
            "# Sources of the demo network\n\n\
             Every bibliographic record in this folder is a real record, or a copy of one\n\
             re-catalogued by `demogen`, from the repository's `fixtures/data/` (see\n\
             `fixtures/data/NOTICE.md` and `MANIFEST.md`). Unicat's authors wrote none of them.\n\
             The records keep the licences of the projects they come from; each export file\n\
             mixes records of several sources (below), so it is covered by all of their\n\
             licences. They are demonstration data only: they are not compiled into Unicat, and\n\
             their licences do not extend to Unicat's code (MIT OR Apache-2.0).\n\n\
             Item data: the Koha sample's items (`items.tsv`) and Evergreen's copies\n\
             (`asset.copy.tsv` with call numbers, locations and statuses) are real demo data of\n\
             those projects; the Sirsi 949 fields of Laurentian University's records are real\n\
             item data. Everything else in the item fields (and every record id of a copy) was\n\
             drawn by `demogen` from its seed.\n\n\
             ## Input files\n\n\
             | file under `fixtures/data/` | upstream repository @ commit | upstream path | licence | records used |\n\
             |---|---|---|---|---:|\n",
        );
        for (path, read, used) in &self.net.inputs {
            if *used == 0 {
                continue;
            }
            let (repo, commit, licence) = provenance(path);
            let _ = writeln!(
                s,
                "| `{path}` | {repo} @ `{commit}` | `{}` | {licence} | {used} of {read} |",
                upstream_path(path)
            );
        }
        s.push_str(
            "\nThe Koha sample's branch names come from Koha-Community/Koha @\n\
             `4c7f72e4ed0f61053d3344d11ab844cd901697fc`\n\
             (`installer/data/mysql/en/optional/sample_libraries.yml`, GPL-3.0+).\n\n\
             ## Records per export, by source\n\n\
             | export | source | own | copied |\n|---|---|---:|---:|\n",
        );
        for (from, to) in super::extra::COPIES {
            let (repo, commit, licence) = provenance(from);
            let _ = writeln!(
                s,
                "| `{to}` | `{from}` ({repo} @ `{commit}`, {licence}), copied as it is | all | 0 |"
            );
        }
        let _ = writeln!(
            s,
            "| `{}` | `evergreen/serials_marc21.xml` (evergreen-library-system/Evergreen, GPL-2.0), three records as they are | 3 | 0 |\n\
             | `{}` | DERIVED by `demogen`: holdings records for those three, naming them by 004, with runs of its own | 3 | 0 |",
            super::libraries::OVRL_SERIALS[0].0,
            super::libraries::OVRL_SERIALS[1].0,
        );
        for lib in &self.net.libraries {
            let mut by_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for r in &lib.records {
                let file = r.origin.split('#').next().unwrap_or("").to_string();
                let folder = PROVENANCE
                    .iter()
                    .find(|(f, ..)| file.starts_with(f))
                    .map_or(file.clone(), |(f, repo, _, licence)| {
                        format!("`{f}` ({repo}, {licence})")
                    });
                let e = by_source.entry(folder).or_default();
                if r.native {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
            for (source, (own, copied)) in by_source {
                let _ = writeln!(s, "| `{}` | {source} | {own} | {copied} |", lib.path);
            }
        }
        s
    }

    /// The manifestations a query would find by a word of the title.
    fn by_title_word(&self, word: &str) -> Vec<&Manifestation> {
        let mut found: Vec<&Manifestation> = self
            .net
            .plan
            .iter()
            .filter(|m| {
                self.bib(m)
                    .title_key
                    .split_whitespace()
                    .any(|w| w.contains(word))
            })
            .collect();
        found.sort_by_key(|m| std::cmp::Reverse(m.holders().len()));
        found
    }

    /// examples.md.
    pub(crate) fn examples(&self) -> String {
        let mut s = String::from(
            "# Three searches to try\n\n\
             After `unicat demo` (or a harvest of `fixtures/demo/network.toml`), on the search\n\
             page at <http://127.0.0.1:8080/>, through the API, or on the command line:\n\n",
        );
        // 1. A keyword with many holders.
        let perl = self.by_title_word("perl");
        let wide = perl.iter().filter(|m| m.holders().len() >= 4).count();
        let _ = write!(
            s,
            "## 1. A keyword: `perl`\n\n\
             ```sh\n\
             cargo run --release -- search --config fixtures/demo/network.toml \"perl\"\n\
             curl 'http://127.0.0.1:8080/api/search?q=perl'\n\
             ```\n\n\
             The Perl books: the Koha sample's and the Library of Congress's records of them\n\
             (at `rideau` and `bytown`), copied by the other lending libraries. {n} titles have\n\
             \"Perl\" in the title; {wide} are held by four libraries or more, each one result\n\
             with all its holdings:\n\n",
            n = perl.len(),
        );
        for m in perl.iter().take(8) {
            let bib = self.bib(m);
            let _ = writeln!(
                s,
                "- *{}* ({}): {} libraries — {}",
                bib.title,
                bib.year.map(|y| y.to_string()).unwrap_or_default(),
                m.holders().len(),
                Self::holder_names(m)
            );
        }
        s.push_str("\nThe facets show the libraries, formats and years of the results.\n\n");
        // 2. A fielded search.
        let mut tolkien: Vec<&Manifestation> = self
            .net
            .plan
            .iter()
            .filter(|m| {
                let bib = self.bib(m);
                bib.author_key
                    .as_deref()
                    .is_some_and(|a| a.contains("tolkien"))
                    || bib.authors.iter().any(|a| a.contains("Tolkien"))
            })
            .collect();
        tolkien.sort_by_key(|m| std::cmp::Reverse(m.holders().len()));
        let _ = write!(
            s,
            "## 2. A fielded search: `author:tolkien`\n\n\
             ```sh\n\
             cargo run --release -- search --config fixtures/demo/network.toml \"author:tolkien\"\n\
             curl 'http://127.0.0.1:8080/api/search?q=author:tolkien'\n\
             ```\n\n\
             Evergreen's demo set has *The hobbit* many times over: print editions of several\n\
             years, an e-book, audiobooks, the films, and *The lord of the rings* — {n}\n\
             manifestations, which stay apart (a format or a year differs) while each gathers\n\
             its holders:\n\n",
            n = tolkien.len(),
        );
        for m in &tolkien {
            let bib = self.bib(m);
            let _ = writeln!(
                s,
                "- *{}* ({}{}): {}",
                bib.title,
                format_name(&bib),
                bib.year.map(|y| format!(", {y}")).unwrap_or_default(),
                Self::holder_names(m)
            );
        }
        s.push_str(
            "\nOther fields: `title:`, `subject:` (`subject:jazz` finds the jazz collection of\n\
             `nvpl`), `publisher:`, `year:[1900 TO 1922]`, `language:fre`, `library:champlain`.\n\n",
        );
        // 3. Who holds this ISBN?
        let dbi = self.net.plan.iter().find(|m| {
            self.bib(m)
                .isbn_list()
                .any(|i| i.to_string() == EXAMPLE_ISBN)
        });
        if let Some(m) = dbi {
            let bib = self.bib(m);
            let own: Vec<String> = m
                .natives
                .keys()
                .map(|&l| format!("`{}`", LIBRARIES[l].id))
                .collect();
            let _ = write!(
                s,
                "## 3. Who holds this? ISBN {EXAMPLE_ISBN}\n\n\
                 ```sh\n\
                 cargo run --release -- holdings --config fixtures/demo/network.toml --isbn {isbn10}\n\
                 curl 'http://127.0.0.1:8080/api/holdings?isbn={EXAMPLE_ISBN}'\n\
                 ```\n\n\
                 *{title}* ({year}) is held by {n} libraries: {holders}. {own} catalogued it\n\
                 independently (the Koha sample's record and the Library of Congress's); the\n\
                 others copied one of them, each writing the ISBN its own way (13 digits, 10\n\
                 digits, hyphenated). The answer is one cluster with {n} holdings, each with the\n\
                 library's call number, location, availability and a link to its catalogue. The\n\
                 cluster's id then gives interlibrary-loan lenders:\n\n\
                 ```sh\n\
                 cargo run --release -- lenders --config fixtures/demo/network.toml --id <cluster id> --requester champlain\n\
                 ```\n",
                isbn10 = ISBN10_FORM,
                title = bib.title,
                year = bib.year.map(|y| y.to_string()).unwrap_or_default(),
                n = m.holders().len(),
                holders = Self::holder_names(m),
                own = own.join(" and "),
            );
        }
        s
    }
}

/// The ISBN of the third example (Programming the Perl DBI), and a written
/// form of it as a user might type it.
pub(crate) const EXAMPLE_ISBN: &str = "9781565926998";
const ISBN10_FORM: &str = "1-56592-699-4";

fn format_name(bib: &BibRecord) -> String {
    format!("{:?}", bib.format)
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec![' ', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn char_name(c: char) -> &'static str {
    match c {
        '\u{2014}' => "EM DASH",
        '\u{2013}' => "EN DASH",
        '\u{2019}' => "RIGHT SINGLE QUOTATION MARK",
        '\u{2018}' => "LEFT SINGLE QUOTATION MARK",
        '\u{2026}' => "HORIZONTAL ELLIPSIS",
        '\u{00A0}' => "NO-BREAK SPACE",
        '\u{FE20}' => "COMBINING LIGATURE LEFT HALF",
        '\u{FFFD}' => "REPLACEMENT CHARACTER",
        _ => "",
    }
}
