//! What matching looks at: a [`Manifestation`] built from the bibliographic
//! crate's getters (never from raw MARC), with edition, part and publisher
//! reduced to comparable keys.

use serde::{Deserialize, Serialize};
use unicat_bib::fold::{fold, strip_leading_article, strip_nonfiling};
use unicat_bib::{BibRecord, Isbn13, Issn, Lccn, MaterialFormat, OclcNumber};

/// The version of [`Manifestation::from_bib`]: the record store keeps each
/// record's view and recomputes those written under another version. Bump
/// it whenever `from_bib`, or anything it calls, would give another result.
pub const VIEW_VERSION: u8 = 3;

/// The matching view of one library record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifestation {
    /// Title proper ($a), folded, without a leading article.
    pub title: String,
    /// Remainder of title ($b), folded.
    pub subtitle: String,
    /// The main author's surname (or first word of a body), folded.
    pub author: Option<String>,
    /// Every name of a person, body or meeting (1xx and 7xx): a person's
    /// surname, a body's name, folded.
    pub names: Vec<String>,
    /// Surnames named by the statement of responsibility (245 $c): the last
    /// word of each name it lists, folded (`Lucas Carlson and Leonard
    /// Richardson` → `carlson`, `richardson`). Brief records often name
    /// their authors only there.
    pub statement: Vec<String>,
    /// Year of publication.
    pub year: Option<u16>,
    /// Every year the record gives for its publication: the imprint's
    /// (publication and copyright), 008 Date 1, and 008 Date 2 when it is
    /// the copyright date. Sorted, without repeats.
    pub years: Vec<u16>,
    /// Publisher words that identify it (folded, without "press", "inc"…).
    pub publisher: Vec<String>,
    /// Format.
    pub format: MaterialFormat,
    /// Delivered online (the carrier), whatever the format.
    pub online: bool,
    /// The edition reduced to a key: `1`, `2`, …, `rev`, or the folded
    /// statement when it has no number.
    pub edition: Option<String>,
    /// Part or volume: 245 $n/$p, normalised (`v. 2` → `2`).
    pub part: Option<String>,
    /// Series numbering (490 $v), normalised.
    pub series_number: Option<String>,
    /// Number of volumes in a set (300 `9 v.`).
    pub volumes: Option<u32>,
    /// Pages.
    pub pages: Option<u32>,
    /// Language of the text.
    pub language: Option<String>,
    /// Valid ISBNs, with a flag for those qualified as a set's.
    pub isbns: Vec<(Isbn13, bool)>,
    /// ISSNs.
    pub issns: Vec<Issn>,
    /// OCLC numbers.
    pub oclc: Vec<OclcNumber>,
    /// OCLC numbers merged into this record's (019).
    pub merged_oclc: Vec<OclcNumber>,
    /// LCCN.
    pub lccn: Option<Lccn>,
    /// The host item of a component part (773 $t $g), folded.
    pub host: Option<String>,
    /// True when the title is generic ("Annual report", "Poems", "Editor's
    /// notes"): it says little about which manifestation this is.
    pub generic_title: bool,
    /// The uniform title (130, 240), folded: the work the record names,
    /// whatever its language or title page says. `None` without one, and
    /// for a collective title (`Works`, `Works. Selections`, `Poems`),
    /// which names a kind of compilation, not a work.
    pub work_title: Option<String>,
    /// True when the uniform title is collective: the record is a
    /// compilation, and its title proper names no work either.
    pub uniform_is_collective: bool,
}

const PUBLISHER_NOISE: &[&str] = &[
    "press",
    "publishing",
    "publishers",
    "publisher",
    "pub",
    "publ",
    "publications",
    "inc",
    "ltd",
    "co",
    "company",
    "corp",
    "corporation",
    "books",
    "book",
    "verlag",
    "editions",
    "editorial",
    "edition",
    "the",
    "and",
    "sons",
    "son",
    "group",
    "house",
    "distributed",
    "by",
    "limited",
    "llc",
    "gmbh",
    "s",
    "a",
    "de",
    "et",
    "cie",
    "of",
    "und",
    "univ",
    "university",
];

fn ordinal(word: &str) -> Option<u32> {
    const WORDS: &[(&str, u32)] = &[
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("premiere", 1),
        ("deuxieme", 2),
        ("erste", 1),
        ("zweite", 2),
        ("dritte", 3),
        ("primera", 1),
        ("segunda", 2),
        ("nouvelle", 0),
    ];
    if let Some((_, n)) = WORDS.iter().find(|(w, _)| *w == word) {
        return Some(*n);
    }
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = &word[digits.len()..];
    if !digits.is_empty()
        && matches!(
            rest,
            "" | "st" | "nd" | "rd" | "th" | "e" | "er" | "eme" | "ed" | "a" | "o" | "d"
        )
    {
        return digits.parse().ok();
    }
    None
}

/// Reduces an edition statement to a key: `2nd ed.` and `Second edition`
/// → `2`; `Rev. ed.` → `rev`; `1st American ed.` → `1`; `Large print ed.`
/// → `large print`. None for nothing.
pub fn edition_key(statement: &str) -> Option<String> {
    let f = fold(statement);
    if f.is_empty() {
        return None;
    }
    let words: Vec<&str> = f.split(' ').collect();
    if let Some(n) = words.iter().find_map(|w| ordinal(w)) {
        return Some(if n == 0 {
            "new".to_string()
        } else {
            n.to_string()
        });
    }
    if words.iter().any(|w| {
        matches!(
            *w,
            "rev" | "revised" | "revisee" | "revue" | "uberarbeitete"
        )
    }) {
        return Some("rev".into());
    }
    let kept: Vec<&str> = words
        .into_iter()
        .filter(|w| {
            !matches!(
                *w,
                "ed" | "edition"
                    | "edn"
                    | "eds"
                    | "aufl"
                    | "auflage"
                    | "edicion"
                    | "editio"
                    | "the"
            )
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

fn roman(word: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut prev = 0u32;
    for c in word.chars().rev() {
        let v = match c {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            'l' => 50,
            'c' => 100,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

/// Normalises a part or volume designation: `v. 2`, `Vol. II`, `Part 2`,
/// `Band 2`, `2` → `2`; a name with no number is kept folded.
pub fn part_key(text: &str) -> Option<String> {
    let f = fold(text);
    if f.is_empty() {
        return None;
    }
    for w in f.split(' ') {
        if w.bytes().all(|b| b.is_ascii_digit()) && !w.is_empty() {
            return Some(w.trim_start_matches('0').to_string())
                .filter(|s| !s.is_empty())
                .or(Some("0".into()));
        }
    }
    let words: Vec<&str> = f.split(' ').collect();
    for (i, w) in words.iter().enumerate() {
        let is_label = matches!(
            *w,
            "v" | "vol"
                | "volume"
                | "pt"
                | "part"
                | "bd"
                | "band"
                | "t"
                | "tome"
                | "book"
                | "bk"
                | "no"
                | "tomo"
                | "teil"
                | "livre"
                | "partie"
        );
        if is_label && let Some(next) = words.get(i + 1) {
            if let Some(n) = roman(next) {
                return Some(n.to_string());
            }
            if let Some(n) = ordinal(next).filter(|n| *n > 0) {
                return Some(n.to_string());
            }
        }
    }
    if let Some(n) = words.iter().find_map(|w| ordinal(w)).filter(|n| *n > 0) {
        return Some(n.to_string());
    }
    Some(f)
}

/// Publisher words worth comparing.
pub fn publisher_words(publisher: &str) -> Vec<String> {
    fold(publisher)
        .split(' ')
        .filter(|w| w.len() > 1 && !PUBLISHER_NOISE.contains(w))
        .map(|w| w.trim_end_matches('s').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Manifestation {
    /// The matching view of a description.
    pub fn from_bib(bib: &BibRecord) -> Manifestation {
        // The title proper alone: subtitles and parts are compared apart
        // (a subtitle may be dropped; a part never may). A part written
        // into the title proper (`Ruby cookbook. Volume 2`) is taken out
        // of it, so that it compares with 245 $n.
        // A subtitle written into the title proper (`Title : subtitle` in
        // $a, no $b) is read as a subtitle.
        let (proper, folded_subtitle) = match (&bib.subtitle, bib.title.split_once(':')) {
            (None, Some((t, rest))) if !t.trim().is_empty() && !rest.trim().is_empty() => {
                (t, Some(rest))
            }
            _ => (bib.title.as_str(), None),
        };
        let folded = fold(proper);
        let (title, part_in_title) = split_part(strip_leading_article(&folded));
        let subtitle = bib
            .subtitle
            .as_deref()
            .or(folded_subtitle)
            .map(fold)
            .unwrap_or_default();
        let part = {
            let joined: Vec<&str> = bib
                .part_numbers
                .iter()
                .chain(&bib.part_names)
                .map(String::as_str)
                .collect();
            if joined.is_empty() {
                part_in_title
            } else {
                part_key(&joined.join(" "))
            }
        };
        let mut years: Vec<u16> = bib
            .year
            .iter()
            .chain(&bib.imprint_years)
            .chain(&bib.date1)
            .chain(&bib.date2)
            .copied()
            .collect();
        years.sort_unstable();
        years.dedup();
        let mut names: Vec<String> = Vec::new();
        for a in &bib.authors {
            let key = name_key(a);
            if !key.is_empty() && !names.contains(&key) {
                names.push(key);
            }
        }
        let generic_title = is_generic_title(&title, &subtitle);
        // `Works. Selections`, `Poems. English`: a collective title is the
        // first element, or a `Selections` anywhere.
        let uniform_is_collective = bib.uniform_title.as_deref().is_some_and(|u| {
            u.split(". ").enumerate().any(|(i, element)| {
                let e = fold(element);
                e == "selections" || (i == 0 && GENERIC_TITLES.contains(&e.as_str()))
            })
        });
        let work_title = bib.uniform_title.as_deref().and_then(|u| {
            let folded = fold(u);
            let t = strip_leading_article(&folded);
            (!t.is_empty() && !uniform_is_collective).then(|| t.to_string())
        });
        Manifestation {
            work_title,
            uniform_is_collective,
            title,
            subtitle,
            author: bib.author_key.clone(),
            names,
            statement: bib
                .responsibility
                .as_deref()
                .map(statement_surnames)
                .unwrap_or_default(),
            year: bib.year,
            years,
            publisher: {
                let mut words: Vec<String> = bib
                    .publishers
                    .iter()
                    .flat_map(|p| publisher_words(p))
                    .collect();
                words.sort();
                words.dedup();
                words
            },
            format: bib.format,
            online: bib.online,
            edition: bib.edition.as_deref().and_then(edition_key),
            part,
            series_number: bib.series_numbers.first().and_then(|v| part_key(v)),
            volumes: bib.extent.volumes.filter(|v| *v > 1),
            pages: bib.extent.pages,
            language: bib.language.clone(),
            isbns: bib
                .isbns
                .iter()
                .map(|e| {
                    let set = e.qualifier.as_deref().is_some_and(|q| {
                        let q = fold(q);
                        q.contains("set")
                            || q.contains("series")
                            || q.split(' ')
                                .any(|w| w == "v" || w == "vol" || w == "volumes")
                    });
                    (e.isbn, set)
                })
                .collect(),
            issns: bib.issns.clone(),
            oclc: bib.oclc_numbers.clone(),
            merged_oclc: bib.merged_oclc_numbers.clone(),
            lccn: bib.lccn.clone(),
            host: bib.host_item.as_deref().map(fold).filter(|h| !h.is_empty()),
            generic_title,
        }
    }

    /// Every name the record gives: its 1xx/7xx names, then the surnames
    /// of its statement of responsibility.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().chain(&self.statement).map(String::as_str)
    }

    /// The title with its subtitle, as one folded string.
    pub fn full_title(&self) -> String {
        if self.subtitle.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.title, self.subtitle)
        }
    }
}

/// A name's key: a person's surname (the part before the first comma of
/// an inverted name), or a body's or a forename-order name, folded.
pub fn name_key(display: &str) -> String {
    let head = display.split(',').next().unwrap_or(display);
    fold(head)
}

/// Words that are not names in a statement of responsibility.
const STATEMENT_NOISE: &[&str] = &[
    "by",
    "and",
    "with",
    "edited",
    "editor",
    "editors",
    "ed",
    "eds",
    "translated",
    "translator",
    "trans",
    "introduction",
    "intro",
    "notes",
    "foreword",
    "preface",
    "afterword",
    "illustrated",
    "illustrations",
    "illustrator",
    "compiled",
    "compiler",
    "selected",
    "written",
    "others",
    "al",
    "et",
    "the",
    "of",
    "an",
    "a",
    "in",
    "for",
    "from",
    "revised",
    "prepared",
    "text",
    "commentary",
    "contributions",
    "directed",
    "produced",
    "presents",
    "jr",
    "sr",
    "ii",
    "iii",
    "phd",
    "md",
    "dr",
    "sir",
];

/// The surnames a statement of responsibility names: the last word (of
/// three letters or more, not a role word) of each name it lists. Names
/// are separated by `;`, `,`, `&` and ` and `. At most six.
pub fn statement_surnames(statement: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for segment in statement.split([';', ',', '&', '/', '[', ']', '(', ')', ':']) {
        let folded = fold(segment);
        // " and " joins two names in one segment.
        for name in folded.split(" and ") {
            let last = name
                .split(' ')
                .rev()
                .find(|w| w.chars().count() >= 3 && !STATEMENT_NOISE.contains(w));
            if let Some(w) = last
                && !w.bytes().all(|b| b.is_ascii_digit())
                && !out.iter().any(|o| o == w)
            {
                out.push(w.to_string());
            }
            if out.len() == 6 {
                return out;
            }
        }
    }
    out
}

/// Titles that name a kind of text rather than a text: a record with one of
/// them is matched only with more than its title, author and year (an
/// identifier, a host item or a part that agrees).
const GENERIC_TITLES: &[&str] = &[
    "abstracts",
    "annual report",
    "bulletin",
    "catalogue",
    "catalog",
    "chairs message",
    "chairmans message",
    "collected poems",
    "collected works",
    "complete works",
    "contents",
    "correspondence",
    "editorial",
    "editors note",
    "editors notes",
    "essays",
    "foreword",
    "from the editor",
    "errata",
    "in memoriam",
    "letters to the editor",
    "obituaries",
    "obituary",
    "presidents column",
    "presidents report",
    "index",
    "introduction",
    "letters",
    "letter from the editor",
    "minutes",
    "news",
    "newsletter",
    "notes",
    "novels",
    "plays",
    "poems",
    "poetry",
    "preface",
    "presidents message",
    "proceedings",
    "report",
    "reports",
    "review",
    "reviews",
    "book reviews",
    "selected poems",
    "selected works",
    "selected writings",
    "selections",
    "short stories",
    "songs",
    "stories",
    "untitled",
    "works",
    "writings",
];

/// Is a folded title (with its subtitle) generic? The title proper is
/// generic and the subtitle, if any, does not name the text either.
pub fn is_generic_title(title: &str, subtitle: &str) -> bool {
    GENERIC_TITLES.contains(&title) && (subtitle.is_empty() || GENERIC_TITLES.contains(&subtitle))
}

/// Takes a part designation out of a folded title proper: `ruby cookbook
/// volume 2` → (`ruby cookbook`, `2`); `histoire part ii` → (`histoire`,
/// `2`); `hearings 1951 56 volume xiv u s foreign policy` → (`hearings 1951
/// 56 u s foreign policy`, `14`). At the end of the title any part label
/// counts (`v`, `no`, `book`, `t`…); inside it only the unambiguous ones
/// (`volume`, `vol`, `part`, `band`, `tome`…), so that "The no 1 ladies
/// detective agency" keeps its number. A title that is nothing but the part
/// is kept whole.
pub fn split_part(title: &str) -> (String, Option<String>) {
    const LABELS: &[&str] = &[
        "v", "vol", "volume", "pt", "part", "bd", "band", "t", "tome", "book", "bk", "no", "teil",
        "livre", "partie", "tomo",
    ];
    const INSIDE: &[&str] = &[
        "vol", "volume", "part", "band", "tome", "teil", "livre", "partie", "tomo",
    ];
    let number = |w: &str| -> Option<String> {
        if !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()) {
            let n = w.trim_start_matches('0');
            return Some(if n.is_empty() { "0" } else { n }.to_string());
        }
        roman(w).map(|n| n.to_string())
    };
    let words: Vec<&str> = title.split(' ').collect();
    let n = words.len();
    for i in (1..n.saturating_sub(1)).rev() {
        let at_end = i + 2 == n;
        let label = words[i];
        let is_label = if at_end {
            LABELS.contains(&label)
        } else {
            INSIDE.contains(&label)
        };
        if !is_label {
            continue;
        }
        if let Some(part) = number(words[i + 1]) {
            let rest: Vec<&str> = words[..i].iter().chain(&words[i + 2..]).copied().collect();
            return (rest.join(" "), Some(part));
        }
    }
    (title.to_string(), None)
}

/// Folds a title the way [`Manifestation`] does, for callers that have only
/// text (tests, the er-cora conversion).
pub fn title_key(title: &str, nonfiling: u32) -> String {
    strip_leading_article(&fold(strip_nonfiling(title, nonfiling))).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions() {
        assert_eq!(edition_key("2nd ed.").as_deref(), Some("2"));
        assert_eq!(edition_key("Second edition").as_deref(), Some("2"));
        assert_eq!(edition_key("1st American ed.").as_deref(), Some("1"));
        assert_eq!(edition_key("Rev. ed.").as_deref(), Some("rev"));
        assert_eq!(
            edition_key("Large print ed.").as_deref(),
            Some("large print")
        );
        assert_eq!(edition_key("3e éd.").as_deref(), Some("3"));
        assert_eq!(
            edition_key("Dover Thrift ed.").as_deref(),
            Some("dover thrift")
        );
        assert_eq!(edition_key("").as_deref(), None);
    }

    #[test]
    fn parts() {
        assert_eq!(part_key("v. 2").as_deref(), Some("2"));
        assert_eq!(part_key("Vol. II").as_deref(), Some("2"));
        assert_eq!(part_key("Part 2").as_deref(), Some("2"));
        assert_eq!(part_key("Second part").as_deref(), Some("2"));
        assert_eq!(part_key("Bd. 02").as_deref(), Some("2"));
        assert_eq!(
            part_key("The return of the king").as_deref(),
            Some("the return of the king")
        );
    }

    #[test]
    fn publishers() {
        assert_eq!(
            publisher_words("Charles Scribner's Sons"),
            vec!["charle", "scribner"]
        );
        assert_eq!(publisher_words("Scribner,"), vec!["scribner"]);
        assert_eq!(publisher_words("Penguin Books Ltd."), vec!["penguin"]);
        assert_eq!(publisher_words("Thorndike Press"), vec!["thorndike"]);
    }
}
