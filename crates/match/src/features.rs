//! What matching looks at: a [`Manifestation`] built from the bibliographic
//! crate's getters (never from raw MARC), with edition, part and publisher
//! reduced to comparable keys.

use serde::{Deserialize, Serialize};
use unicat_bib::fold::{fold, strip_leading_article, strip_nonfiling};
use unicat_bib::{BibRecord, Isbn13, Issn, Lccn, MaterialFormat, OclcNumber};

/// The version of [`Manifestation::from_bib`]: the record store keeps each
/// record's view and recomputes those written under another version. Bump
/// it whenever `from_bib`, or anything it calls, would give another result.
pub const VIEW_VERSION: u8 = 1;

/// The matching view of one library record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifestation {
    /// Title proper ($a), folded, without a leading article.
    pub title: String,
    /// Remainder of title ($b), folded.
    pub subtitle: String,
    /// The main author's surname (or first word of a body), folded.
    pub author: Option<String>,
    /// Year of publication.
    pub year: Option<u16>,
    /// Publisher words that identify it (folded, without "press", "inc"…).
    pub publisher: Vec<String>,
    /// Format and carrier.
    pub format: MaterialFormat,
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
    /// LCCN.
    pub lccn: Option<Lccn>,
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
        // (a subtitle may be dropped; a part never may).
        let title = strip_leading_article(&fold(&bib.title)).to_string();
        let subtitle = bib.subtitle.as_deref().map(fold).unwrap_or_default();
        let part = {
            let joined: Vec<&str> = bib
                .part_numbers
                .iter()
                .chain(&bib.part_names)
                .map(String::as_str)
                .collect();
            if joined.is_empty() {
                None
            } else {
                part_key(&joined.join(" "))
            }
        };
        Manifestation {
            title,
            subtitle,
            author: bib.author_key.clone(),
            year: bib.year,
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
            lccn: bib.lccn.clone(),
        }
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
