//! Who holds what: the real records grouped into manifestations (a record
//! that two sources both have is one manifestation, held by both libraries
//! with their own records), and each manifestation placed in further
//! libraries the way real collections overlap — popular titles in most
//! public libraries, academic titles in the university and the college,
//! French books before 1923 with the historical library, and a long tail held
//! by one library only.

use super::libraries::{LIBRARIES, OVRL, RIDEAU};
use super::sources::SourceRecord;
use crate::Rng;
use std::collections::{BTreeMap, HashMap};
use unicat_bib::{BibRecord, MaterialFormat};
use unicat_marc::Record;

const N: usize = LIBRARIES.len();

/// Seeded stream of the placement.
const PLACE: u64 = 21;

/// What a manifestation is, for where it is likely held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Fiction and popular non-fiction in English.
    Popular,
    /// Children's and young adults' books.
    Children,
    /// Other books in English.
    General,
    /// Scholarly books (an LC class, no fiction) and textbooks.
    Academic,
    Video,
    Audiobook,
    Ebook,
    Music,
    Score,
    Map,
    Serial,
    /// French-language books published before 1923.
    FrenchHistoric,
    /// Other books published before 1923.
    Historic,
    /// Books in other languages and scripts.
    Foreign,
    /// E-readers, laptops: things lent, not catalogued elsewhere.
    Equipment,
}

impl Kind {
    /// How much each library collects this kind (0: never).
    fn affinity(self) -> [u64; N] {
        // rideau, ovrl, bytown, tic, nvpl, champlain
        match self {
            Kind::Popular => [4, 4, 1, 2, 4, 0],
            Kind::Children => [4, 4, 0, 1, 4, 0],
            Kind::General => [3, 3, 2, 2, 2, 0],
            Kind::Academic => [1, 1, 4, 4, 1, 0],
            Kind::Video => [3, 3, 1, 2, 4, 0],
            Kind::Audiobook => [3, 3, 0, 1, 4, 0],
            Kind::Ebook => [2, 2, 2, 2, 1, 0],
            Kind::Music => [1, 1, 2, 2, 4, 0],
            Kind::Score => [0, 1, 4, 2, 1, 0],
            Kind::Map => [1, 1, 3, 1, 0, 0],
            Kind::Serial => [2, 2, 2, 1, 1, 0],
            Kind::FrenchHistoric => [0, 1, 3, 1, 0, 4],
            Kind::Historic => [0, 0, 3, 2, 0, 1],
            Kind::Foreign => [0, 0, 3, 1, 0, 0],
            Kind::Equipment => [0; N],
        }
    }

    /// Weights of 0, 1, 2 … further holders besides the record's own
    /// libraries.
    fn extra_weights(self, modern_isbn: bool) -> &'static [u64] {
        match self {
            Kind::Popular | Kind::Children | Kind::General if modern_isbn => {
                &[40, 25, 15, 10, 7, 3]
            }
            Kind::Popular | Kind::Children | Kind::General => &[70, 18, 8, 4],
            Kind::Academic if modern_isbn => &[45, 27, 15, 9, 4],
            Kind::Academic => &[75, 18, 7],
            Kind::Video | Kind::Audiobook => &[50, 25, 15, 7, 3],
            Kind::Music => &[72, 18, 7, 3],
            Kind::Serial => &[80, 15, 5],
            Kind::FrenchHistoric => &[65, 28, 7],
            Kind::Historic => &[70, 22, 8],
            Kind::Foreign | Kind::Score | Kind::Map | Kind::Ebook => &[78, 17, 5],
            Kind::Equipment => &[1],
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Popular => "popular",
            Kind::Children => "children's",
            Kind::General => "general",
            Kind::Academic => "academic",
            Kind::Video => "video",
            Kind::Audiobook => "audiobook",
            Kind::Ebook => "e-book",
            Kind::Music => "music",
            Kind::Score => "score",
            Kind::Map => "map",
            Kind::Serial => "serial",
            Kind::FrenchHistoric => "French before 1923",
            Kind::Historic => "other before 1923",
            Kind::Foreign => "other languages",
            Kind::Equipment => "equipment",
        }
    }
}

/// Titles most libraries of the network hold (3–5 of the five that lend): well-known
/// books, films and recordings of the sources, named by their source record
/// (`koha:` biblionumber, `eg:` Evergreen record id) or an ISBN.
pub(crate) const POPULAR: &[&str] = &[
    // Evergreen's popular fiction, films and audiobooks.
    "eg:248", // Ready player one (2011)
    "eg:253", // Ready player two : a novel
    "eg:265", // The city we became
    "eg:258", // The hobbit, or, There and back again (2001)
    "eg:210", // Harry Potter and the goblet of fire
    "eg:243", // At the mountains of madness
    "eg:225", // Kraken
    "eg:223", // Throne of the Crescent Moon
    "eg:227", // The running man
    "eg:263", // Earwig and the witch
    "eg:216", // Blueberry girl
    "eg:329", // Encanto
    "eg:336", // Spider-Man: No Way Home
    "eg:344", // West Side Story
    "eg:325", // The Paris apartment (audiobook)
    "eg:337", // Steal (audiobook)
    // The Koha sample's much-held books.
    "koha:4",   // The C programming language
    "koha:13",  // Programming the Perl DBI
    "koha:11",  // CGI programming with Perl
    "koha:5",   // Perl best practices
    "koha:114", // Clean code
    "koha:101", // Refactoring
    "koha:435", // The shock doctrine
    "koha:372", // Chronicles (Bob Dylan)
    "koha:15",  // Bleak House
    "koha:27",  // The idiot
    "koha:108", // The three Theban plays
    "koha:371", // The metaphysics
    "koha:423", // After the funeral
    "koha:424", // The boy in the striped pyjamas
    "koha:428", // The cleverness of ladies
    "koha:333", // The hydrogen sonata
    "koha:123", // Before the frost
    "koha:436", // The singing mermaid
    "koha:329", // Learning SQL
    "koha:343", // Advanced programming in the UNIX environment
    // LC's record of Programming Perl.
    "isbn:9780596000271",
];

/// Titles every lending library holds: the examples' ISBN lookup
/// (Programming the Perl DBI) and the best-known novel of the sources.
pub(crate) const EVERYWHERE: &[&str] = &["koha:13", "eg:248"];

/// Format siblings of popular titles, held by two or three libraries: the
/// e-book and audiobooks next to the print book.
pub(crate) const SIBLINGS: &[&str] = &[
    "eg:246", // Ready player one [electronic resource]
    "eg:251", // Ready player two (audiobook)
    "eg:266", // The city we became (audiobook)
    "eg:244", // At the mountains of madness (audiobook)
    "eg:262", // Earwig and the witch (audiobook)
    "eg:218", // Coraline [large print]
];

/// A manifestation: one or more real records of it, and its holders.
#[derive(Clone, Debug)]
pub(crate) struct Manifestation {
    /// Index into the sources of each real record, by library (a library
    /// holding it through its own record).
    pub(crate) natives: BTreeMap<usize, usize>,
    /// The record copies are made from (the first source's).
    pub(crate) primary: usize,
    pub(crate) kind: Kind,
    /// Libraries holding it through a copy of the primary record.
    pub(crate) copies: Vec<usize>,
    pub(crate) popular: bool,
}

impl Manifestation {
    /// Every library holding it, in library order.
    pub(crate) fn holders(&self) -> Vec<usize> {
        let mut h: Vec<usize> = self
            .natives
            .keys()
            .copied()
            .chain(self.copies.clone())
            .collect();
        h.sort_unstable();
        h.dedup();
        h
    }
}

/// The names a source record is listed under in [`POPULAR`] and [`SIBLINGS`].
fn names(source: &SourceRecord, bib: &BibRecord) -> Vec<String> {
    let mut out: Vec<String> = bib.isbn_list().map(|i| format!("isbn:{i}")).collect();
    let id = |tag: &str, code: char| {
        source
            .record
            .data_fields(tag)
            .find_map(|f| f.first(code))
            .map(|v| v.trim().to_string())
    };
    match source.native {
        RIDEAU => out.extend(id("999", 'c').map(|c| format!("koha:{c}"))),
        OVRL => out.extend(id("901", 'c').map(|c| format!("eg:{c}"))),
        _ => {}
    }
    out
}

fn language(record: &Record) -> String {
    record
        .control("008")
        .and_then(|f| f.get(35..38))
        .unwrap_or("")
        .to_string()
}

/// Fiction by 008/33 (novels, short stories, drama, poetry…).
pub(crate) fn fiction(record: &Record) -> bool {
    record
        .control("008")
        .and_then(|f| f.as_bytes().get(33).copied())
        .is_some_and(|c| matches!(c, b'1' | b'f' | b'j' | b'd' | b'p'))
}

/// Classifies a record.
pub(crate) fn kind(record: &Record, bib: &BibRecord) -> Kind {
    if record.leader.record_type() == b'r' {
        return Kind::Equipment;
    }
    let lang = language(record);
    let old = bib.year.is_some_and(|y| y < 1923);
    match bib.format {
        MaterialFormat::Video => return Kind::Video,
        MaterialFormat::Audiobook | MaterialFormat::Eaudiobook => return Kind::Audiobook,
        MaterialFormat::Ebook => return Kind::Ebook,
        MaterialFormat::MusicRecording => return Kind::Music,
        MaterialFormat::Score => return Kind::Score,
        MaterialFormat::Map => return Kind::Map,
        MaterialFormat::Serial | MaterialFormat::Ejournal => return Kind::Serial,
        _ => {}
    }
    if old && lang == "fre" {
        return Kind::FrenchHistoric;
    }
    if old {
        return Kind::Historic;
    }
    if !(lang == "eng" || lang.trim().is_empty()) {
        return Kind::Foreign;
    }
    // 008/22, target audience: juvenile, preschool, primary, pre-adolescent.
    let juvenile = record
        .control("008")
        .and_then(|f| f.as_bytes().get(22).copied())
        .is_some_and(|c| matches!(c, b'a' | b'b' | b'c' | b'j'));
    if juvenile && bib.format == MaterialFormat::Book {
        return Kind::Children;
    }
    // Fiction, or literature shelved by Dewey only (public-library records).
    let literature = record
        .data_fields("082")
        .filter_map(|f| f.first('a'))
        .any(|a| a.starts_with('8'));
    if fiction(record) || (literature && bib.lc_class.is_none()) {
        return Kind::Popular;
    }
    if bib.lc_class.is_some() || record.data_field("050").is_some() {
        return Kind::Academic;
    }
    Kind::General
}

/// Keys under which a record may be the same manifestation as a record of
/// another source: its ISBNs, its LCCN, the Sirsi number two sources share,
/// and its folded title, main author and year — each with its format, so
/// that a film never joins a book.
fn keys(source: &SourceRecord, bib: &BibRecord) -> Vec<String> {
    let format = format!("{:?}", bib.format);
    let mut keys: Vec<String> = bib
        .isbn_list()
        .map(|i| format!("isbn:{i}:{format}"))
        .collect();
    if let Some(l) = &bib.lccn {
        keys.push(format!("lccn:{}:{format}", l.as_str()));
    }
    if let Some(link) = &source.link {
        keys.push(format!("sirsi:{link}"));
    }
    if let (Some(author), Some(year)) = (&bib.author_key, bib.year) {
        keys.push(format!("tay:{}|{author}|{year}|{format}", bib.title_key));
    }
    keys
}

/// Groups the records and places the manifestations.
pub(crate) fn plan(sources: &[SourceRecord], seed: u64) -> Vec<Manifestation> {
    let mut manifestations: Vec<Manifestation> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut popular_of: Vec<bool> = Vec::new();
    let mut everywhere_of: Vec<bool> = Vec::new();
    let mut sibling_of: Vec<bool> = Vec::new();
    let mut bibs: Vec<BibRecord> = Vec::with_capacity(sources.len());
    for (index, source) in sources.iter().enumerate() {
        let bib = BibRecord::from_marc(&source.record);
        let record_keys = keys(source, &bib);
        let names = names(source, &bib);
        let everywhere = names.iter().any(|n| EVERYWHERE.contains(&n.as_str()));
        let popular = everywhere || names.iter().any(|n| POPULAR.contains(&n.as_str()));
        let sibling = names.iter().any(|n| SIBLINGS.contains(&n.as_str()));
        // Join a manifestation of another source that has no record from this
        // library yet.
        let joined = record_keys
            .iter()
            .filter_map(|k| by_key.get(k).copied())
            .find(|&m| !manifestations[m].natives.contains_key(&source.native));
        let m = match joined {
            Some(m) => {
                manifestations[m].natives.insert(source.native, index);
                popular_of[m] |= popular;
                everywhere_of[m] |= everywhere;
                sibling_of[m] |= sibling;
                m
            }
            None => {
                manifestations.push(Manifestation {
                    natives: BTreeMap::from([(source.native, index)]),
                    primary: index,
                    kind: kind(&source.record, &bib),
                    copies: Vec::new(),
                    popular: false,
                });
                popular_of.push(popular);
                everywhere_of.push(everywhere);
                sibling_of.push(sibling);
                manifestations.len() - 1
            }
        };
        for k in record_keys {
            by_key.entry(k).or_insert(m);
        }
        bibs.push(bib);
    }
    for (m, manifestation) in manifestations.iter_mut().enumerate() {
        let mut rng = Rng::derive(seed, &[PLACE, m as u64]);
        let primary = &bibs[manifestation.primary];
        let affinity = manifestation.kind.affinity();
        let mut eligible: Vec<usize> = (0..N)
            .filter(|l| affinity[*l] > 0 && !manifestation.natives.contains_key(l))
            .collect();
        let have = manifestation.natives.len();
        let extra = if everywhere_of[m] {
            manifestation.popular = true;
            eligible.len()
        } else if popular_of[m] {
            manifestation.popular = true;
            (3 + rng.weighted(&[20, 35, 45])).saturating_sub(have)
        } else if sibling_of[m] {
            (2 + rng.index(2)).saturating_sub(have)
        } else {
            let modern_isbn =
                primary.isbn_list().next().is_some() && primary.year.is_some_and(|y| y >= 1985);
            rng.weighted(manifestation.kind.extra_weights(modern_isbn))
        };
        for _ in 0..extra.min(eligible.len()) {
            let weights: Vec<u64> = eligible.iter().map(|&l| affinity[l]).collect();
            let pick = eligible.remove(rng.weighted(&weights));
            manifestation.copies.push(pick);
        }
        manifestation.copies.sort_unstable();
    }
    manifestations
}
