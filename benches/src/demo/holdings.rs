//! Item fields as each library's ILS exports them: Koha 952, Evergreen 852,
//! Alma AVA, Sierra 945 (with the 907 bib number), a Symphony-style 949 and
//! the historical library's 852. Real item data is used where the source has
//! it (Koha's items, Evergreen's copies with their statuses, the Sirsi 949s
//! of the Laurentian records); the rest — items of copied records, call
//! numbers the Koha sample lacks, circulation states — is drawn from the
//! seed.

use super::libraries::{BYTOWN, CHAMPLAIN, LIBRARIES, NVPL, OVRL, RIDEAU, TIC};
use super::plan::{Kind, fiction};
use super::sources::{EgCopy, KohaItem, RealItems};
use crate::Rng;
use crate::netgen::marcedit::{data, insert_in_order, remove_tags};
use unicat_bib::fold::fold;
use unicat_marc::{Field, Record};

/// The circulation state of one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Available,
    CheckedOut,
    InTransit,
    Missing,
    Lost,
    InProcess,
    OnOrder,
    /// Reference copies, and everything at the historical library.
    LibraryUseOnly,
}

impl Status {
    /// A state drawn for an item whose source does not say: most on the
    /// shelf, about one in nine on loan, a few missing, lost or in process.
    fn draw(rng: &mut Rng) -> Status {
        const STATES: [(Status, u64); 7] = [
            (Status::Available, 838),
            (Status::CheckedOut, 112),
            (Status::InTransit, 14),
            (Status::Missing, 12),
            (Status::Lost, 10),
            (Status::InProcess, 9),
            (Status::OnOrder, 5),
        ];
        let weights: Vec<u64> = STATES.iter().map(|s| s.1).collect();
        STATES[rng.weighted(&weights)].0
    }

    /// Evergreen's name for it (`config.copy_status`), also used as free text.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::Available => "Available",
            Status::CheckedOut => "Checked out",
            Status::InTransit => "In transit",
            Status::Missing => "Missing",
            Status::Lost => "Lost",
            Status::InProcess => "In process",
            Status::OnOrder => "On order",
            Status::LibraryUseOnly => "Library use only",
        }
    }

    fn from_evergreen(name: &str) -> Status {
        match name {
            "Available" | "Reshelving" => Status::Available,
            "Checked out" => Status::CheckedOut,
            "In transit" => Status::InTransit,
            "Missing" => Status::Missing,
            "Lost" | "Long Overdue" | "Lost and Paid" => Status::Lost,
            "In process" | "Cataloging" => Status::InProcess,
            "On order" => Status::OnOrder,
            _ => Status::LibraryUseOnly,
        }
    }
}

/// Per-library running numbers: barcodes, item and holdings record numbers.
#[derive(Clone, Debug)]
pub(crate) struct Counters {
    next: [u64; LIBRARIES.len()],
    /// Items written, per library and state.
    pub(crate) states: Vec<std::collections::BTreeMap<Status, u64>>,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            next: [0; LIBRARIES.len()],
            states: vec![Default::default(); LIBRARIES.len()],
        }
    }
}

impl Counters {
    fn take(&mut self, library: usize) -> u64 {
        self.next[library] += 1;
        self.next[library]
    }

    fn count(&mut self, library: usize, status: Status) {
        *self.states[library].entry(status).or_default() += 1;
    }

    /// Items written for a library.
    pub(crate) fn items(&self, library: usize) -> u64 {
        self.states[library].values().sum()
    }
}

/// A due date in March or April 2026 (the exports are dated 1 March 2026).
fn due_date(rng: &mut Rng) -> String {
    let day = 2 + rng.below(45);
    if day <= 31 {
        format!("2026-03-{day:02}")
    } else {
        format!("2026-04-{:02}", day - 31)
    }
}

/// A date between 2012 and 2025.
fn past_date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2012 + rng.below(14),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

/// Three letters of the main entry (or title) for a cutter.
fn cutter(record: &Record) -> String {
    let source = record
        .data_fields_any(&["100", "110", "111"])
        .next()
        .and_then(|f| f.first('a'))
        .or_else(|| record.data_field("245").and_then(|f| f.first('a')))
        .unwrap_or("");
    let words: Vec<String> = fold(source)
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "a" | "an" | "le" | "la" | "les" | "l"))
        .map(str::to_string)
        .collect();
    let letters: String = words
        .concat()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect();
    letters.to_ascii_uppercase()
}

/// The LC call number of a record (050/090 `$a $b`).
fn lc_call_number(record: &Record) -> Option<String> {
    let f = record.data_fields_any(&["050", "090"]).next()?;
    let parts: Vec<&str> = f
        .subfields
        .iter()
        .filter(|s| matches!(s.code, 'a' | 'b'))
        .map(|s| s.value.trim())
        .filter(|v| !v.is_empty())
        .take(2)
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A public library's call number: `FIC`, `DVD` or `CD` and a cutter for
/// fiction and media, else the Dewey number (082) and a cutter.
fn public_call_number(record: &Record, kind: Kind) -> String {
    let cutter = cutter(record);
    let prefix = match kind {
        Kind::Video => Some("DVD"),
        Kind::Audiobook => Some("CD BOOK"),
        Kind::Music => Some("CD"),
        Kind::Popular if fiction(record) || !has_dewey(record) => Some("FIC"),
        Kind::Children => Some("J"),
        _ => None,
    };
    if let Some(p) = prefix {
        return format!("{p} {cutter}");
    }
    match dewey(record) {
        Some(number) => format!("{number} {cutter}"),
        None => cutter,
    }
}

fn has_dewey(record: &Record) -> bool {
    dewey(record).is_some()
}

fn dewey(record: &Record) -> Option<String> {
    let a = record.data_field("082")?.first('a')?;
    let number: String = a
        .replace('/', "")
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let number = number.trim_end_matches('.');
    (number.len() >= 3).then(|| number.to_string())
}

/// An academic library's call number: LC (050/090), else the one the source
/// library shelved it under (`hint`), else Dewey, else a cutter.
fn academic_call_number(record: &Record, kind: Kind, hint: Option<&str>) -> String {
    lc_call_number(record)
        .or_else(|| hint.map(str::to_string))
        .unwrap_or_else(|| public_call_number(record, kind))
}

/// The LC call number a Sirsi 949 of the source record shelves it under
/// (`BL 545 F4`), if any: passed on to the libraries that copy the record,
/// since the copy loses the source's local fields.
pub(crate) fn call_number_hint(record: &Record) -> Option<String> {
    record
        .data_fields("949")
        .filter(|f| f.first('w') == Some("LC"))
        .find_map(|f| f.first('a'))
        .map(|a| a.trim().to_string())
        .filter(|a| {
            let letters = a.chars().take_while(char::is_ascii_uppercase).count();
            (1..=3).contains(&letters)
        })
}

/// Adds a library's items to a record. `real` is the item data of the
/// library's own record, if any.
pub(crate) fn add_items(
    library: usize,
    record: &mut Record,
    kind: Kind,
    real: &RealItems,
    hint: Option<&str>,
    rng: &mut Rng,
    counters: &mut Counters,
) {
    match library {
        RIDEAU => koha(record, kind, real, rng, counters),
        OVRL => evergreen(record, kind, real, rng, counters),
        BYTOWN => alma(record, kind, hint, rng, counters),
        TIC => sierra(record, kind, hint, rng, counters),
        NVPL => symphony(record, kind, rng, counters),
        CHAMPLAIN => historical(record, kind, hint, rng, counters),
        _ => {}
    }
}

/// How many items a copied record gets: mostly one, some two or three.
fn copy_count(rng: &mut Rng, kind: Kind) -> usize {
    match kind {
        Kind::Popular | Kind::Children | Kind::Video | Kind::Audiobook => {
            1 + rng.weighted(&[55, 30, 15])
        }
        _ => 1 + rng.weighted(&[80, 17, 3]),
    }
}

// --- Koha ---------------------------------------------------------------

const KOHA_BRANCHES: [&str; 3] = ["CPL", "MPL", "FPL"];

fn koha(record: &mut Record, kind: Kind, real: &RealItems, rng: &mut Rng, counters: &mut Counters) {
    let call_number = public_call_number(record, kind);
    let (itype, default_location) = match kind {
        Kind::Video => ("VM", "AV"),
        Kind::Music | Kind::Audiobook => ("MU", "AV"),
        Kind::Popular => ("BK", "FIC"),
        Kind::Children => ("BK", "CHILD"),
        Kind::Serial => ("BK", "REF"),
        _ => ("BK", "GEN"),
    };
    let items: Vec<KohaItem> = match real {
        RealItems::Koha(items) => items.clone(),
        _ => (0..copy_count(rng, kind))
            .map(|_| {
                let n = counters.take(RIDEAU);
                let branch = KOHA_BRANCHES[rng.index(3)].to_string();
                let accessioned = past_date(rng);
                KohaItem {
                    // The sample's item numbers and barcodes end at 961.
                    itemnumber: (961 + n).to_string(),
                    barcode: format!("39999{:08}", 961 + n),
                    datelastseen: accessioned.clone(),
                    dateaccessioned: accessioned,
                    homebranch: branch.clone(),
                    holdingbranch: branch,
                    location: default_location.to_string(),
                    itype: itype.to_string(),
                }
            })
            .collect(),
    };
    for item in items {
        let mut status = Status::draw(rng);
        if item.location == "REF" {
            status = Status::LibraryUseOnly;
        }
        counters.count(RIDEAU, status);
        let holding = if status == Status::InTransit {
            // On its way between branches: held elsewhere than home.
            let other = KOHA_BRANCHES
                .iter()
                .find(|b| **b != item.homebranch)
                .copied()
                .unwrap_or("CPL");
            other.to_string()
        } else {
            item.holdingbranch.clone()
        };
        let lost = match status {
            Status::Lost => "1",
            Status::Missing => "4",
            _ => "0",
        };
        let notforloan = match status {
            Status::LibraryUseOnly => "1",
            Status::OnOrder | Status::InProcess => "-1",
            _ => "0",
        };
        let due = (status == Status::CheckedOut).then(|| due_date(rng));
        let mut subs: Vec<(char, &str)> = vec![
            ('0', "0"),
            ('1', lost),
            ('7', notforloan),
            ('9', &item.itemnumber),
            ('a', &item.homebranch),
            ('b', &holding),
            ('c', &item.location),
            ('d', &item.dateaccessioned),
            ('o', &call_number),
            ('p', &item.barcode),
        ];
        if let Some(due) = &due {
            subs.push(('q', due));
        }
        subs.push(('r', &item.datelastseen));
        subs.push(('y', &item.itype));
        insert_in_order(record, data("952", ' ', ' ', &subs));
    }
    if record.data_field("942").is_none() {
        insert_in_order(record, data("942", ' ', ' ', &[('c', itype)]));
    }
}

// --- Evergreen ----------------------------------------------------------

/// Evergreen org units of the concerto data → the demo system's branches.
pub(crate) const OVRL_BRANCHES: [(u32, &str, &str); 6] = [
    (4, "OVRL-ARN", "Arnprior"),
    (5, "OVRL-REN", "Renfrew"),
    (6, "OVRL-ALM", "Almonte"),
    (7, "OVRL-CP", "Carleton Place"),
    (9, "OVRL-BKM", "Bookmobile"),
    (103, "OVRL-PAK", "Pakenham"),
];

fn ovrl_branch(org: u32) -> &'static str {
    OVRL_BRANCHES
        .iter()
        .find(|b| b.0 == org)
        .map_or("OVRL", |b| b.1)
}

fn evergreen(
    record: &mut Record,
    kind: Kind,
    real: &RealItems,
    rng: &mut Rng,
    counters: &mut Counters,
) {
    // Holdings stored in the bib record by an earlier system are not this
    // library's; the export writes the copies.
    remove_tags(record, &["852"]);
    let copies: Vec<EgCopy> = match real {
        RealItems::Evergreen(copies) => copies.clone(),
        _ => {
            let label = public_call_number(record, kind);
            let location = match kind {
                Kind::Video => "Audio/Video",
                Kind::Audiobook | Kind::Music => "Music",
                Kind::Popular => "Fiction",
                Kind::Children => "Children's Fiction",
                _ => "Non-Fiction",
            };
            (0..copy_count(rng, kind))
                .map(|_| {
                    let (org, _, _) = OVRL_BRANCHES[rng.weighted(&[30, 22, 18, 18, 4, 8])];
                    let status = Status::draw(rng);
                    EgCopy {
                        circ_lib: org,
                        owning_lib: org,
                        location: location.to_string(),
                        call_number: label.clone(),
                        barcode: format!("CONC{}{:06}", org % 10, 700_000 + counters.take(OVRL)),
                        price: "25.00".to_string(),
                        status: status.name().to_string(),
                    }
                })
                .collect()
        }
    };
    for copy in copies {
        counters.count(OVRL, Status::from_evergreen(&copy.status));
        let mut subs: Vec<(char, &str)> = vec![
            ('a', "OVRL"),
            ('b', ovrl_branch(copy.circ_lib)),
            ('b', ovrl_branch(copy.owning_lib)),
            ('c', &copy.location),
            ('j', &copy.call_number),
            ('p', &copy.barcode),
        ];
        if !copy.price.is_empty() {
            subs.push(('y', &copy.price));
        }
        subs.push(('z', &copy.status));
        insert_in_order(record, data("852", '4', ' ', &subs));
    }
}

// --- Alma ---------------------------------------------------------------

/// Bytown's campus libraries: code, name, location code, location name.
const BYTOWN_LIBRARIES: [(&str, &str, &str, &str); 5] = [
    ("MAIN", "Main Library", "STACK", "Main Stacks"),
    ("SCI", "Science and Engineering Library", "STACK", "Stacks"),
    ("MUS", "Music Library", "MUSIC", "Music Collection"),
    (
        "RARE",
        "Archives and Special Collections",
        "RBSC",
        "Rare Books",
    ),
    ("MAIN", "Main Library", "MEDIA", "Media Centre"),
];

fn alma(
    record: &mut Record,
    kind: Kind,
    hint: Option<&str>,
    rng: &mut Rng,
    counters: &mut Counters,
) {
    let call_number = academic_call_number(record, kind, hint);
    let science = call_number.starts_with('Q') || call_number.starts_with('T');
    let home = match kind {
        Kind::Music | Kind::Score => 2,
        Kind::FrenchHistoric | Kind::Historic => 3,
        Kind::Video => 4,
        _ if science => 1,
        _ => 0,
    };
    // Most titles are in one library; some also in the main stacks.
    let mut places = vec![home];
    if home != 0 && home != 3 && rng.per_mille(200) {
        places.push(0);
    }
    for place in places {
        let (code, name, location_code, location) = BYTOWN_LIBRARIES[place];
        let holdings_id = format!("22{:09}7401", 100_000 + counters.take(BYTOWN));
        let mut subs: Vec<(char, String)> = vec![
            ('a', "01BYTOWN_INST".to_string()),
            ('b', code.to_string()),
            ('c', location.to_string()),
            ('d', call_number.clone()),
        ];
        if rng.per_mille(30) {
            // A holdings record without items: Alma cannot tell.
            counters.count(BYTOWN, Status::Available);
            subs.push(('e', "check_holdings".to_string()));
        } else {
            let total = if place == 3 {
                1
            } else {
                1 + rng.weighted(&[70, 22, 8]) as u64
            };
            let mut unavailable = 0;
            for _ in 0..total {
                let status = if place == 3 {
                    Status::LibraryUseOnly
                } else {
                    Status::draw(rng)
                };
                counters.count(BYTOWN, status);
                if !matches!(status, Status::Available | Status::LibraryUseOnly) {
                    unavailable += 1;
                }
            }
            let availability = if unavailable < total {
                "available"
            } else {
                "unavailable"
            };
            subs.push(('e', availability.to_string()));
            subs.push(('f', total.to_string()));
            subs.push(('g', unavailable.to_string()));
        }
        subs.push(('j', location_code.to_string()));
        subs.push(('k', "0".to_string()));
        subs.push(('p', "1".to_string()));
        subs.push(('q', name.to_string()));
        subs.push(('8', holdings_id));
        let refs: Vec<(char, &str)> = subs.iter().map(|(c, v)| (*c, v.as_str())).collect();
        insert_in_order(record, data("AVA", ' ', ' ', &refs));
    }
}

// --- Sierra -------------------------------------------------------------

/// A Sierra record number with its check digit (`.b1000001x`, `.i…`).
pub(crate) fn sierra_number(prefix: char, n: u64) -> String {
    let digits = n.to_string();
    let sum: u64 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u64::from(b - b'0') * (i as u64 + 2))
        .sum();
    let check = match sum % 11 {
        10 => 'x',
        c => char::from(b'0' + c as u8),
    };
    format!(".{prefix}{digits}{check}")
}

fn sierra(
    record: &mut Record,
    kind: Kind,
    hint: Option<&str>,
    rng: &mut Rng,
    counters: &mut Counters,
) {
    let call_number = academic_call_number(record, kind, hint);
    let (location, itype) = match kind {
        Kind::Video | Kind::Music | Kind::Audiobook => ("tmav", "5"),
        Kind::Historic | Kind::FrenchHistoric | Kind::Foreign => ("tmspc", "0"),
        Kind::Serial => ("tmper", "3"),
        _ => ("tmstk", "0"),
    };
    for copy in 1..=copy_count(rng, kind) {
        let n = counters.take(TIC);
        let mut status = Status::draw(rng);
        let mut location = location;
        if location == "tmstk" && rng.per_mille(60) {
            location = "tmref";
            status = Status::LibraryUseOnly;
        }
        if location == "tmspc" {
            status = Status::LibraryUseOnly;
        }
        counters.count(TIC, status);
        // Sierra's status codes; a checked-out item keeps `-` (the loan is
        // in its checkout record, not in the status).
        let code = match status {
            Status::Available | Status::CheckedOut => "-",
            Status::InTransit => "t",
            Status::Missing => "m",
            Status::Lost => "$",
            Status::InProcess | Status::OnOrder => "p",
            Status::LibraryUseOnly => "o",
        };
        let copy_no = copy.to_string();
        let barcode = format!("31162{:09}", 4_000_000 + n);
        let item = sierra_number('i', 1_200_000 + n);
        let subs: Vec<(char, &str)> = vec![
            ('a', &call_number),
            ('g', &copy_no),
            ('i', &barcode),
            ('l', location),
            ('s', code),
            ('t', itype),
            ('y', &item),
        ];
        insert_in_order(record, data("945", ' ', ' ', &subs));
    }
}

// --- Symphony 949 -------------------------------------------------------

const NVPL_BRANCHES: [&str; 3] = ["CASSELMAN", "EMBRUN", "LIMOGES"];

fn symphony(record: &mut Record, kind: Kind, rng: &mut Rng, counters: &mut Counters) {
    let (location, item_type) = match kind {
        Kind::Video => ("DVD", "DVD"),
        Kind::Music => ("AUDIO-CD", "SOUND"),
        Kind::Score => ("SCORES", "MUSICSCORE"),
        Kind::Audiobook => ("AUDIOBOOK", "SOUND"),
        Kind::Popular => ("ADULT-FIC", "BOOK"),
        Kind::Children => ("JUV-BOOKS", "JBOOK"),
        _ => ("ADULT-NF", "BOOK"),
    };
    // The record's own Sirsi 949s (the jazz collection): call number,
    // barcode and item type are real; library and location become this
    // library's, and the export adds the item's status in $s.
    let own: Vec<Field> = record
        .fields
        .iter()
        .filter(|f| f.tag() == "949")
        .cloned()
        .collect();
    remove_tags(record, &["949"]);
    let mut items: Vec<Vec<(char, String)>> = Vec::new();
    for field in &own {
        let Some(f) = field.as_data() else { continue };
        let keep: Vec<(char, String)> = f
            .subfields
            .iter()
            .filter(|s| matches!(s.code, 'a' | 'v' | 'w' | 'i' | 't' | 'x'))
            .map(|s| (s.code, s.value.clone()))
            .collect();
        items.push(keep);
    }
    if items.is_empty() {
        let call_number = public_call_number(record, kind);
        let scheme = if has_dewey(record) && !call_number.starts_with(['F', 'D', 'C']) {
            "DEWEY"
        } else {
            "ASIS"
        };
        for _ in 0..copy_count(rng, kind) {
            let n = counters.take(NVPL);
            items.push(vec![
                ('a', call_number.clone()),
                ('w', scheme.to_string()),
                ('i', format!("3900200{:07}", 100_000 + n)),
                ('t', item_type.to_string()),
            ]);
        }
    }
    for mut item in items {
        let status = Status::draw(rng);
        counters.count(NVPL, status);
        let branch = NVPL_BRANCHES[rng.weighted(&[60, 25, 15])];
        // Sirsi order: call number, class scheme, barcode, type, home
        // location, library, then the status the export adds.
        let at = item
            .iter()
            .position(|(c, _)| *c == 'x')
            .unwrap_or(item.len());
        item.insert(at, ('m', branch.to_string()));
        item.insert(at, ('l', location.to_string()));
        item.push(('s', status.name().to_string()));
        let refs: Vec<(char, &str)> = item.iter().map(|(c, v)| (*c, v.as_str())).collect();
        insert_in_order(record, data("949", ' ', ' ', &refs));
    }
}

// --- The historical library's 852 ----------------------------------------

/// Splits an LC call number into classification and item parts (852 $h,
/// $i): `BL 545 F4` → (`BL 545`, `F4`).
fn split_call_number(call_number: &str) -> (String, Option<String>) {
    let words: Vec<&str> = call_number.split_whitespace().collect();
    let class_len = match words.as_slice() {
        [first, second, ..]
            if first.chars().all(|c| c.is_ascii_uppercase())
                && second.chars().next().is_some_and(|c| c.is_ascii_digit()) =>
        {
            2
        }
        _ => 1,
    };
    let class_len = class_len.min(words.len());
    let class = words[..class_len].join(" ");
    let item = words[class_len..].join(" ");
    (class, (!item.is_empty()).then_some(item))
}

fn historical(
    record: &mut Record,
    kind: Kind,
    hint: Option<&str>,
    rng: &mut Rng,
    counters: &mut Counters,
) {
    // The Laurentian records' Sirsi 949s: call number and barcode are real.
    let own: Vec<(String, String)> = record
        .data_fields("949")
        .map(|f| {
            (
                f.first('a').unwrap_or("").trim().to_string(),
                f.first('i').unwrap_or("").trim().to_string(),
            )
        })
        .filter(|(a, _)| !a.is_empty())
        .collect();
    remove_tags(record, &["949", "852"]);
    let items: Vec<(String, String)> = if own.is_empty() {
        let call_number = academic_call_number(record, kind, hint);
        (0..1)
            .map(|_| {
                let n = counters.take(CHAMPLAIN);
                (call_number.clone(), format!("BHC{:07}", 20_000 + n))
            })
            .collect()
    } else {
        own
    };
    for (call_number, barcode) in items {
        let (location, status) = match rng.weighted(&[900, 50, 25, 25]) {
            0 => {
                let location = if rng.per_mille(300) {
                    "Réserve"
                } else {
                    "Salle de lecture"
                };
                (location, "Disponible / Available")
            }
            1 => ("Fonds ancien", "Disponible / Available"),
            2 => ("Salle de lecture", "Manquant / Missing"),
            _ => ("Salle de lecture", "En traitement / In process"),
        };
        counters.count(
            CHAMPLAIN,
            if status.starts_with("Disponible") {
                Status::LibraryUseOnly
            } else if status.contains("Missing") {
                Status::Missing
            } else {
                Status::InProcess
            },
        );
        let (class, item) = split_call_number(&call_number);
        let mut subs: Vec<(char, &str)> = vec![
            ('a', "CaQHBHC"),
            ('b', "BHC"),
            ('c', location),
            ('h', &class),
        ];
        if let Some(item) = &item {
            subs.push(('i', item));
        }
        if !barcode.is_empty() {
            subs.push(('p', &barcode));
        }
        subs.push(('z', status));
        insert_in_order(record, data("852", '0', ' ', &subs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_numbers_split() {
        assert_eq!(
            split_call_number("BL 545 F4"),
            ("BL 545".to_string(), Some("F4".to_string()))
        );
        assert_eq!(
            split_call_number("PQ2603.E378 A24"),
            ("PQ2603.E378".to_string(), Some("A24".to_string()))
        );
        assert_eq!(split_call_number("5490"), ("5490".to_string(), None));
        assert_eq!(sierra_number('b', 1_000_001).len(), 10);
    }
}
