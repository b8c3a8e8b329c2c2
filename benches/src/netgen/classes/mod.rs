//! Classes: the harder ways in which real catalogues describe one
//! manifestation differently (or two manifestations alike), each one
//! recorded in `truth.jsonl` so that a matcher can be scored per class.
//!
//! A class belongs to one of eight families (issue 17), selected with
//! `--classes`:
//!
//! | family | what | where |
//! |---|---|---|
//! | `brief` | a copy without main entry, publisher or pages; rarely a bare title | [`brief`] |
//! | `typo` | one or two typing slips in a long enough title | [`typo`] |
//! | `date` | 260/264 `$c` a year off 008 Date1 (copyright, printing) or only inferred | [`date`] |
//! | `author` | the same people, another first author (100 ↔ 700, names only in 700 or 245 `$c`) | [`author`] |
//! | `oclc` | the OCLC number in another form, or only as a merged number in 019 | [`oclc`] |
//! | `volume` | the volume in 245 `$a`, only in 490 `$v`, or only in 245 `$n` | [`volume`] |
//! | `online` | an online version of any kind of material with only some online signals (a sibling) | `super::online` |
//! | `generic-title` | "Editor's notes", "Works": same author and year, another host item or part (siblings) | `super::generic` |
//!
//! The first six re-catalogue a copy: [`recatalogue`] draws them with the
//! library's [`ClassRates`] after the library's style has been applied, from
//! a random stream of their own, so that a network made with `--classes
//! none` is, byte for byte, the network made before the classes existed. The
//! last two are siblings, drawn in the generator's sibling mix.
//!
//! Nothing a class does hides what tells a sibling from its original: bare
//! copies are made of originals only, and an online version keeps its
//! online signals.

pub(crate) mod author;
pub(crate) mod brief;
pub(crate) mod date;
pub(crate) mod oclc;
pub(crate) mod typo;
pub(crate) mod volume;

use super::sibling::Variant;
use super::style::Style;
use crate::Rng;
use oclc::OclcWriting;
use unicat_marc::Record;

/// One class: what makes a library record harder to match (or to keep
/// apart), as named in `truth.jsonl`'s `classes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// No 1XX, 7XX or 245 `$c`: the title, date and publisher remain.
    BriefNoAuthor,
    /// No place or publisher; an identifier remains.
    BriefNoPublisher,
    /// No extent (300 left out or `1 v.`).
    BriefNoPages,
    /// The title alone (rare).
    BriefBare,
    /// One or two typing slips in the title proper.
    Typo,
    /// `$c` the copyright year, a year before 008 Date1 (`c1978` for 1979).
    DateCopyright,
    /// `$c` a later printing's year (`1980`, `1980 printing` for 1979).
    DatePrinting,
    /// `$c` only a bracketed inferred date (`[1979?]`, `[ca. 1979]`).
    DateInferred,
    /// 100 moved to 700 and a 700 promoted to 100.
    AuthorSwapped,
    /// No 100: the main entry is an added entry (700).
    AuthorAddedOnly,
    /// No 100 or 700: the names only in 245 `$c`.
    AuthorStatementOnly,
    /// The OCLC number in a form the library does not usually write.
    OclcForm,
    /// Another (invented, current) OCLC number in 035 and the
    /// manifestation's number in 019, as merged into it.
    OclcMerged,
    /// The volume appended to 245 `$a` (`Title. Volume 2`).
    VolumeInTitle,
    /// The volume only in 490 `$v`.
    VolumeInSeries,
    /// The volume only in 245 `$n`.
    VolumeInPart,
    /// Online version: 008 form of item `o`, `q` or `s`.
    Online008,
    /// Online version: 300 `1 online resource`.
    Online300,
    /// Online version: 337/338 computer, online resource.
    Online33x,
    /// Online version: 007 `cr`.
    Online007,
    /// Online version: 856 with second indicator 0.
    Online856,
    /// Generic title in a host item (773 `$g` differs).
    GenericHostItem,
    /// Generic title with a part (245 `$n` differs).
    GenericPart,
}

/// The families, in the order of issue 17.
pub const FAMILIES: [&str; 8] = [
    "brief",
    "typo",
    "date",
    "author",
    "oclc",
    "volume",
    "online",
    "generic-title",
];

impl Class {
    /// Every class.
    pub const ALL: [Class; 23] = [
        Class::BriefNoAuthor,
        Class::BriefNoPublisher,
        Class::BriefNoPages,
        Class::BriefBare,
        Class::Typo,
        Class::DateCopyright,
        Class::DatePrinting,
        Class::DateInferred,
        Class::AuthorSwapped,
        Class::AuthorAddedOnly,
        Class::AuthorStatementOnly,
        Class::OclcForm,
        Class::OclcMerged,
        Class::VolumeInTitle,
        Class::VolumeInSeries,
        Class::VolumeInPart,
        Class::Online008,
        Class::Online300,
        Class::Online33x,
        Class::Online007,
        Class::Online856,
        Class::GenericHostItem,
        Class::GenericPart,
    ];

    /// The name in `truth.jsonl`; it starts with its family's name.
    pub fn name(self) -> &'static str {
        match self {
            Class::BriefNoAuthor => "brief-no-author",
            Class::BriefNoPublisher => "brief-no-publisher",
            Class::BriefNoPages => "brief-no-pages",
            Class::BriefBare => "brief-bare",
            Class::Typo => "typo",
            Class::DateCopyright => "date-copyright",
            Class::DatePrinting => "date-printing",
            Class::DateInferred => "date-inferred",
            Class::AuthorSwapped => "author-swapped",
            Class::AuthorAddedOnly => "author-700-only",
            Class::AuthorStatementOnly => "author-245c-only",
            Class::OclcForm => "oclc-form",
            Class::OclcMerged => "oclc-merged",
            Class::VolumeInTitle => "volume-in-title",
            Class::VolumeInSeries => "volume-in-series",
            Class::VolumeInPart => "volume-in-part",
            Class::Online008 => "online-008",
            Class::Online300 => "online-300",
            Class::Online33x => "online-33x",
            Class::Online007 => "online-007",
            Class::Online856 => "online-856",
            Class::GenericHostItem => "generic-title-host-item",
            Class::GenericPart => "generic-title-part",
        }
    }

    /// Parses a name from `truth.jsonl`.
    pub fn from_name(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Its family, one of [`FAMILIES`].
    pub fn family(self) -> &'static str {
        use Class as C;
        match self {
            C::BriefNoAuthor | C::BriefNoPublisher | C::BriefNoPages | C::BriefBare => "brief",
            C::Typo => "typo",
            C::DateCopyright | C::DatePrinting | C::DateInferred => "date",
            C::AuthorSwapped | C::AuthorAddedOnly | C::AuthorStatementOnly => "author",
            C::OclcForm | C::OclcMerged => "oclc",
            C::VolumeInTitle | C::VolumeInSeries | C::VolumeInPart => "volume",
            C::Online008 | C::Online300 | C::Online33x | C::Online007 | C::Online856 => "online",
            C::GenericHostItem | C::GenericPart => "generic-title",
        }
    }

    /// What it looks like, for the network's README.
    pub fn describe(self) -> &'static str {
        match self {
            Class::BriefNoAuthor => "brief: no 1XX, 7XX or 245 $c (title, date, publisher remain)",
            Class::BriefNoPublisher => "brief: no place or publisher (an identifier remains)",
            Class::BriefNoPages => "brief: no 300, or `1 v.`",
            Class::BriefBare => "bare: the title alone, no identifier, no date",
            Class::Typo => "one or two typing slips in 245 $a",
            Class::DateCopyright => "$c `c1978` / `©1978` while 008 Date1 says 1979",
            Class::DatePrinting => "$c `1980` / `1980 printing` while 008 Date1 says 1979",
            Class::DateInferred => "$c only inferred: `[1979?]`, `[ca. 1979]`, `[1980?]`",
            Class::AuthorSwapped => "100 moved to 700, a 700 promoted to 100",
            Class::AuthorAddedOnly => "no 100: its name among the 700s",
            Class::AuthorStatementOnly => "no 100 or 700: names only in 245 $c",
            Class::OclcForm => "OCLC number in another form (ocm/ocn/ocn0…/bare/001+003)",
            Class::OclcMerged => "another OCLC number in 035, this one in 019",
            Class::VolumeInTitle => "volume appended to 245 $a (`Title. Volume 2`)",
            Class::VolumeInSeries => "volume only in 490 $v",
            Class::VolumeInPart => "volume only in 245 $n",
            Class::Online008 => "online version shows 008 form of item o/q/s",
            Class::Online300 => "online version shows 300 `1 online resource`",
            Class::Online33x => "online version shows 337/338 computer/online resource",
            Class::Online007 => "online version shows 007 `cr`",
            Class::Online856 => "online version shows 856 with second indicator 0",
            Class::GenericHostItem => "generic title, same author and year, another 773 $g",
            Class::GenericPart => "generic title, same author and year, another 245 $n",
        }
    }
}

/// Which families a network gets (`--classes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassSelection(u16);

impl ClassSelection {
    /// Every family (the default).
    pub const ALL: ClassSelection = ClassSelection((1 << FAMILIES.len()) - 1);
    /// None: the network netgen made before the classes.
    pub const NONE: ClassSelection = ClassSelection(0);

    /// `all`, `none`, or families separated by commas (`brief,typo`).
    pub fn parse(text: &str) -> Result<ClassSelection, String> {
        match text.trim() {
            "all" => return Ok(ClassSelection::ALL),
            "none" | "" => return Ok(ClassSelection::NONE),
            _ => {}
        }
        let mut mask = 0;
        for name in text.split(',').map(str::trim) {
            let Some(i) = FAMILIES.iter().position(|f| *f == name) else {
                return Err(format!(
                    "unknown class {name:?}: use all, none or some of {}",
                    FAMILIES.join(", ")
                ));
            };
            mask |= 1 << i;
        }
        Ok(ClassSelection(mask))
    }

    /// Whether the family is selected.
    pub fn has(self, family: &str) -> bool {
        FAMILIES
            .iter()
            .position(|f| *f == family)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// `all`, `none`, or the families with commas, as `parse` reads them.
    pub fn name(self) -> String {
        match self {
            ClassSelection::ALL => "all".to_string(),
            ClassSelection::NONE => "none".to_string(),
            _ => FAMILIES
                .iter()
                .filter(|f| self.has(f))
                .copied()
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// How often a library's copies fall into each re-cataloguing class, per
/// mille of the copies the class can apply to (a volume can only move in a
/// record that has one). Like the rest of a [`Style`], each rate rotates
/// across libraries, so that some libraries make many brief records and
/// others none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClassRates {
    /// Brief records (no main entry, no publisher or no pages).
    pub(crate) brief: u32,
    /// Bare records (title only), of copies of originals.
    pub(crate) bare: u32,
    /// Typing slips, of copies with a title long enough.
    pub(crate) typo: u32,
    /// Imprint dates a year off 008 or only inferred.
    pub(crate) date: u32,
    /// Another first author, of copies with a 100.
    pub(crate) author: u32,
    /// The OCLC number in another form or merged, of copies with one.
    pub(crate) oclc: u32,
    /// The volume in another place, of copies with a volume.
    pub(crate) volume: u32,
}

impl ClassRates {
    /// No classes at all.
    pub(crate) const NONE: ClassRates = ClassRates {
        brief: 0,
        bare: 0,
        typo: 0,
        date: 0,
        author: 0,
        oclc: 0,
        volume: 0,
    };

    /// The rates of library number `index`, drawn from the style stream.
    pub(crate) fn for_library(index: usize, rng: &mut Rng) -> ClassRates {
        let mut rotate = |values: &[u32]| {
            let offset = rng.index(values.len());
            values[(index + offset) % values.len()]
        };
        ClassRates {
            brief: rotate(&[40, 100, 0, 70, 20]),
            bare: rotate(&[0, 8, 0, 4]),
            typo: rotate(&[20, 0, 40, 10, 60]),
            date: rotate(&[60, 20, 100, 40, 150]),
            author: rotate(&[30, 80, 10, 50]),
            oclc: rotate(&[100, 0, 60, 150]),
            volume: rotate(&[300, 0, 600, 150]),
        }
    }

    /// The non-zero rates of the selected families, for the README.
    pub(crate) fn describe(&self, selection: ClassSelection) -> Vec<String> {
        let percent = |per_mille: u32| {
            if per_mille % 10 == 0 {
                format!("{}%", per_mille / 10)
            } else {
                format!("{}.{}%", per_mille / 10, per_mille % 10)
            }
        };
        [
            ("brief", "brief", self.brief),
            ("brief", "bare", self.bare),
            ("typo", "typos", self.typo),
            ("date", "dates off", self.date),
            ("author", "author order", self.author),
            ("oclc", "OCLC forms", self.oclc),
            ("volume", "volume moved", self.volume),
        ]
        .into_iter()
        .filter(|(family, _, rate)| *rate > 0 && selection.has(family))
        .map(|(_, label, rate)| format!("{label} {}", percent(rate)))
        .collect()
    }
}

/// What a copy is and where it goes, as the classes need it.
pub(crate) struct LibraryCopy<'a> {
    /// Its library's style (ISBD punctuation, OCLC form, class rates).
    pub(crate) style: &'a Style,
    /// Original or which sibling.
    pub(crate) variant: Variant,
    /// The manifestation's OCLC number, if it has one.
    pub(crate) oclc: Option<u64>,
    /// The selected families.
    pub(crate) selection: ClassSelection,
}

/// The classes drawn for one copy, and how its OCLC number is to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Recatalogued {
    pub(crate) classes: Vec<Class>,
    pub(crate) oclc: OclcWriting,
}

/// Draws the classes of one copy, already in its library's style, and
/// applies those that change the record (the OCLC number is written later,
/// as [`Recatalogued::oclc`] says).
pub(crate) fn recatalogue(
    record: &mut Record,
    copy: &LibraryCopy<'_>,
    rng: &mut Rng,
) -> Recatalogued {
    let rates = &copy.style.classes;
    let has = |family| copy.selection.has(family);
    let mut out = Recatalogued {
        classes: Vec::new(),
        oclc: OclcWriting::AsLibrary,
    };
    if has("brief") && copy.variant == Variant::Copy && rng.per_mille(rates.bare) {
        brief::bare(record);
        out.classes.push(Class::BriefBare);
        out.oclc = OclcWriting::Omitted;
        return out;
    }
    if has("oclc")
        && let Some(n) = copy.oclc
        && rng.per_mille(rates.oclc)
    {
        out.oclc = oclc::choose(copy.style.oclc, n, rng);
        out.classes.push(match out.oclc {
            OclcWriting::Merged => Class::OclcMerged,
            _ => Class::OclcForm,
        });
    }
    let oclc_written = copy.oclc.is_some()
        && match out.oclc {
            OclcWriting::AsLibrary => copy.style.oclc != super::style::OclcForm::Dropped,
            OclcWriting::Omitted => false,
            OclcWriting::Form(_) | OclcWriting::Merged => true,
        };
    if has("brief") && rng.per_mille(rates.brief) {
        let forms = brief::forms_for(record, copy.variant, oclc_written);
        if let Some(&form) = rng.pick(&forms) {
            brief::apply(record, form, copy.style.isbd, rng);
            out.classes.push(form);
        }
    }
    if has("author") && !out.classes.contains(&Class::BriefNoAuthor) && rng.per_mille(rates.author)
    {
        let forms = author::forms_for(record);
        let weights: Vec<u64> = forms.iter().map(|f| author::weight(*f)).collect();
        if let Some(&form) = forms.get(rng.weighted(&weights)) {
            author::apply(record, form, copy.style.isbd, rng);
            out.classes.push(form);
        }
    }
    if has("typo")
        && typo::slippable(record)
        && rng.per_mille(rates.typo)
        && typo::apply(record, rng) > 0
    {
        out.classes.push(Class::Typo);
    }
    if has("date")
        && rng.per_mille(rates.date)
        && let Some(form) = date::apply(record, rng)
    {
        out.classes.push(form);
    }
    if has("volume") && rng.per_mille(rates.volume) {
        let forms = volume::forms_for(record);
        if let Some(&form) = rng.pick(&forms) {
            volume::apply(record, form, copy.style.isbd, rng);
            out.classes.push(form);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_start_with_their_family_and_read_back() {
        for class in Class::ALL {
            assert!(class.name().starts_with(class.family()), "{class:?}");
            assert!(FAMILIES.contains(&class.family()));
            assert_eq!(Class::from_name(class.name()), Some(class));
        }
        for family in FAMILIES {
            assert!(Class::ALL.iter().any(|c| c.family() == family), "{family}");
        }
    }

    #[test]
    fn selections_parse() {
        assert_eq!(ClassSelection::parse("all"), Ok(ClassSelection::ALL));
        assert_eq!(ClassSelection::parse("none"), Ok(ClassSelection::NONE));
        let some = ClassSelection::parse("brief, online").expect("known families");
        assert!(some.has("brief") && some.has("online") && !some.has("typo"));
        assert_eq!(some.name(), "brief,online");
        assert!(ClassSelection::ALL.has("generic-title"));
        assert!(!ClassSelection::NONE.has("brief"));
        assert!(ClassSelection::parse("brief,typos").is_err());
    }

    #[test]
    fn rates_rotate_across_libraries() {
        let rates: Vec<ClassRates> = (0..5).map(|i| Style::for_library(i, 1).classes).collect();
        let brief: std::collections::BTreeSet<u32> = rates.iter().map(|r| r.brief).collect();
        assert_eq!(brief.len(), 5);
        assert!(rates.iter().any(|r| r.bare == 0) && rates.iter().any(|r| r.bare > 0));
        let text = rates[0].describe(ClassSelection::ALL).join(", ");
        assert!(text.is_empty() || text.contains('%'));
        assert!(rates[0].describe(ClassSelection::NONE).is_empty());
    }
}
