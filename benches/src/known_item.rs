//! The known-item benchmark (`bench known-item`): does the search box put
//! the manifestation a patron has in mind first?
//!
//! For each manifestation of a labelled network (a truth file says which
//! library records are the same manifestation), four queries a patron
//! would type, built from one of its records:
//!
//! - [`Kind::Pasted`]: the title as a cataloguer's record shows it, 245
//!   `$a $b $n $p / $c`, ISBD punctuation and statement of responsibility
//!   included (pasted from another catalogue or a citation);
//! - [`Kind::TitleAuthor`]: the title proper and the main author's surname;
//! - [`Kind::Slip`]: the title proper with one typing slip (a letter
//!   dropped, doubled, swapped with the next or replaced by a neighbour on
//!   the keyboard; never the first letter) in a word of four letters or more;
//! - [`Kind::FirstWords`]: the first three significant words of the title.
//!
//! A query scores at rank *k* when the *k*th result holds a record of the
//! manifestation. The figures are the shares at rank 1 and in the top 10,
//! for pasted titles and title + author split by whether the title is
//! unique in the network (no other manifestation has a record with the
//! same folded title proper).

use crate::Rng;

/// The kinds of query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// (a) 245 as the record shows it.
    Pasted,
    /// (b) title proper + main author's surname.
    TitleAuthor,
    /// (c) title proper with one typing slip.
    Slip,
    /// (d) the first three significant title words.
    FirstWords,
}

impl Kind {
    /// Every kind, in the report's order.
    pub const ALL: [Kind; 4] = [
        Kind::Pasted,
        Kind::TitleAuthor,
        Kind::Slip,
        Kind::FirstWords,
    ];

    /// The report's label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pasted => "(a) title as the record shows it (245 $a $b / $c)",
            Kind::TitleAuthor => "(b) title + author surname",
            Kind::Slip => "(c) title with one typing slip",
            Kind::FirstWords => "(d) first three significant title words",
        }
    }
}

/// Words that do not count as significant (English, French, German,
/// Spanish, Italian articles, prepositions and conjunctions).
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "by", "with", "at", "from", "as",
    "is", "le", "la", "les", "l", "de", "des", "du", "et", "un", "une", "d", "der", "die", "das",
    "und", "ein", "eine", "el", "los", "las", "y", "del", "il", "lo", "gli", "e", "di",
];

/// The words of a text, split where the index splits them (keeping the
/// characters of each word as written).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// (d): the first three significant words of a title (title proper, then
/// the subtitle when the title proper has fewer than three).
pub fn first_words(title: &str, subtitle: Option<&str>) -> String {
    let all = format!("{title} {}", subtitle.unwrap_or(""));
    words(&all)
        .into_iter()
        .filter(|w| !STOPWORDS.contains(&w.to_lowercase().as_str()))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Keys next to each key on a QWERTY keyboard.
fn neighbour(c: char) -> Option<char> {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let lower = c.to_ascii_lowercase();
    for row in ROWS {
        if let Some(i) = row.find(lower) {
            let b = row.as_bytes();
            let j = if i + 1 < b.len() { i + 1 } else { i - 1 };
            return Some(b[j] as char);
        }
    }
    None
}

/// (c): the text with one typing slip in a word of four letters or more
/// (`None` when it has no such word).
pub fn slip(text: &str, rng: &mut Rng) -> Option<String> {
    let spans: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_alphabetic(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if text[s..i].chars().count() >= 4 {
                        v.push((s, i));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        v
    };
    let &(s, e) = rng.pick(&spans)?;
    let mut w: Vec<char> = text[s..e].chars().collect();
    // Never the first letter.
    let at = 1 + rng.index(w.len() - 1);
    match rng.below(4) {
        0 => {
            w.remove(at);
        }
        1 => w.insert(at, w[at]),
        2 if at + 1 < w.len() && w[at] != w[at + 1] => w.swap(at, at + 1),
        2 => {
            w.remove(at);
        }
        _ => match neighbour(w[at]) {
            Some(n) => w[at] = n,
            None => {
                w.remove(at);
            }
        },
    }
    let word: String = w.into_iter().collect();
    Some(format!("{}{word}{}", &text[..s], &text[e..]))
}

/// (a): 245 as written: `$a $b $n $p $c` in field order, joined by spaces.
pub fn pasted(field: &unicat_marc::DataField) -> String {
    field
        .subfields
        .iter()
        .filter(|s| matches!(s.code, 'a' | 'b' | 'n' | 'p' | 'c'))
        .map(|s| s.value.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// (b): the surname of a main entry (`Tolkien, J. R. R.` → `Tolkien`).
pub fn surname(name: &str) -> &str {
    name.split(',').next().unwrap_or(name).trim()
}

/// Shares at rank 1 and in the top 10.
#[derive(Clone, Copy, Debug, Default)]
pub struct Score {
    /// Queries.
    pub n: u64,
    /// Right cluster first.
    pub first: u64,
    /// Right cluster in the first ten.
    pub top10: u64,
}

impl Score {
    /// Adds one query's rank (1-based; `None`: not in the first ten).
    pub fn add(&mut self, rank: Option<usize>) {
        self.n += 1;
        if rank == Some(1) {
            self.first += 1;
        }
        if rank.is_some_and(|r| r <= 10) {
            self.top10 += 1;
        }
    }

    /// Adds another score.
    pub fn merge(&mut self, other: &Score) {
        self.n += other.n;
        self.first += other.first;
        self.top10 += other.top10;
    }

    /// Share at rank 1, in per cent.
    pub fn first_pct(&self) -> f64 {
        100.0 * self.first as f64 / self.n.max(1) as f64
    }

    /// Share in the top 10, in per cent.
    pub fn top10_pct(&self) -> f64 {
        100.0 * self.top10 as f64 / self.n.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_words() {
        assert_eq!(
            first_words("The lord of the rings", Some("the fellowship")),
            "lord rings fellowship"
        );
        assert_eq!(first_words("Perl", None), "Perl");
        assert_eq!(
            first_words("Études sur les barbares et le Moyen Age", None),
            "Études sur barbares"
        );
    }

    #[test]
    fn one_slip_never_in_the_first_letter() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let s = slip("The hobbit", &mut rng).unwrap();
            assert!(s.starts_with("The h"), "{s}");
            assert_ne!(s, "The hobbit");
            let d = s.len() as i64 - "The hobbit".len() as i64;
            assert!(d.abs() <= 1, "{s}");
        }
        assert!(slip("A to Z", &mut rng).is_none());
    }

    #[test]
    fn surnames() {
        assert_eq!(surname("Tolkien, J. R. R. (John Ronald Reuel)"), "Tolkien");
        assert_eq!(surname("Homer"), "Homer");
    }
}
