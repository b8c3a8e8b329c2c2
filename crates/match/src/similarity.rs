//! Do two folded titles, names or publishers say the same thing?

use crate::features::Manifestation;

use std::cell::RefCell;

thread_local! {
    /// Scratch for the distances: both texts as characters, and the rows.
    /// Comparisons run per candidate pair on every clustering thread; they
    /// allocate nothing once the buffers have grown.
    static SCRATCH: RefCell<(Vec<char>, Vec<char>, Vec<usize>)> =
        const { RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
}

/// Levenshtein distance between two strings (by characters), stopping early
/// once it exceeds `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    distance(a.chars(), b.chars(), limit, false)
}

/// Optimal string alignment distance (Levenshtein with transpositions of
/// two adjacent characters counted as one edit), by characters, stopping
/// early once it exceeds `limit`. `"hte"` and `"the"` are one edit apart.
pub fn typo_distance(a: &str, b: &str, limit: usize) -> usize {
    distance(a.chars(), b.chars(), limit, true)
}

/// The distance between two character sequences, with or without
/// transpositions, stopping at `limit + 1`.
fn distance(
    a: impl Iterator<Item = char>,
    b: impl Iterator<Item = char>,
    limit: usize,
    transpositions: bool,
) -> usize {
    SCRATCH.with_borrow_mut(|(a_chars, b_chars, rows)| {
        a_chars.clear();
        a_chars.extend(a);
        b_chars.clear();
        b_chars.extend(b);
        let (a, b) = (&a_chars[..], &b_chars[..]);
        if a.len().abs_diff(b.len()) > limit {
            return limit + 1;
        }
        let w = b.len() + 1;
        // Three rows: two back (for transpositions), one back, current.
        rows.clear();
        rows.resize(3 * w, 0);
        for (j, v) in rows[w..2 * w].iter_mut().enumerate() {
            *v = j;
        }
        for i in 1..=a.len() {
            let (back2, rest) = rows.split_at_mut(w);
            let (prev, cur) = rest.split_at_mut(w);
            cur[0] = i;
            let mut row_min = cur[0];
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
                if transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                {
                    d = d.min(back2[j - 2] + 1);
                }
                cur[j] = d;
                row_min = row_min.min(d);
            }
            if row_min > limit {
                return limit + 1;
            }
            rows.rotate_left(w);
        }
        // After the last rotation the current row sits in the middle third.
        rows[w + b.len()]
    })
}

/// Similarity in [0, 1]: 1 − distance / length of the longer.
pub fn similarity(a: &str, b: &str) -> f64 {
    let n = a.chars().count().max(b.chars().count());
    if n == 0 {
        return 1.0;
    }
    let limit = n / 4 + 1;
    let d = edit_distance(a, b, limit);
    if d > limit {
        0.0
    } else {
        1.0 - d as f64 / n as f64
    }
}

/// How many typing slips a title of `len` letters (spaces not counted) may
/// carry and still be the same title: none in a short title (where one
/// letter makes another word: `cats` and `bats`), one from 8 letters, two
/// from 16, three from 40.
pub fn slips_allowed(len: usize) -> usize {
    match len {
        0..8 => 0,
        8..16 => 1,
        16..40 => 2,
        _ => 3,
    }
}

/// The letters of a text given in parts (a title and its subtitle),
/// spaces left out: a missing or misplaced space (`MilesD avis`, `Dis
/// cjockey jump`) is not a difference.
fn letters<'a>(parts: &'a [&'a str]) -> impl Iterator<Item = char> + 'a {
    parts.iter().flat_map(|p| p.chars()).filter(|c| *c != ' ')
}

/// True when two folded texts are the same but for a few typing slips (see
/// [`slips_allowed`]), spaces ignored.
pub fn nearly_same(a: &str, b: &str) -> bool {
    nearly_same_parts(&[a], &[b])
}

/// [`nearly_same`] for texts given in parts, without joining them. Texts
/// whose lengths alone rule out a match cost one count of their letters.
fn nearly_same_parts(a: &[&str], b: &[&str]) -> bool {
    let (la, lb) = (letters(a).count(), letters(b).count());
    let allowed = slips_allowed(la.max(lb));
    if la.abs_diff(lb) > allowed {
        return false;
    }
    if letters(a).eq(letters(b)) {
        return true;
    }
    allowed > 0 && distance(letters(a), letters(b), allowed, true) <= allowed
}

/// True when two texts give the same numbers, in order: `annual report
/// 1998` and `annual report 1999` do not. In a long text (30 letters or
/// more) a number that lost or gained one digit is a typing slip
/// (`2008-2009` typed `008-2009`).
pub fn same_numbers(a: &str, b: &str) -> bool {
    same_numbers_parts(&[a], &[b])
}

/// [`same_numbers`] for texts given in parts.
fn same_numbers_parts(a: &[&str], b: &[&str]) -> bool {
    fn numbers<'a>(parts: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
        parts
            .iter()
            .flat_map(|p| p.split(' '))
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
    }
    if numbers(a).eq(numbers(b)) {
        return true;
    }
    let (x, y): (Vec<&str>, Vec<&str>) = (numbers(a).collect(), numbers(b).collect());
    // One number that lost or gained a digit at either end, in a long text.
    let slip = |p: &str, q: &str| {
        let (short, long) = if p.len() < q.len() { (p, q) } else { (q, p) };
        long.len() == short.len() + 1 && (long.starts_with(short) || long.ends_with(short))
    };
    let differing: Vec<(&&str, &&str)> = x.iter().zip(&y).filter(|(p, q)| p != q).collect();
    let len = |parts: &[&str]| parts.iter().map(|p| p.len()).sum::<usize>();
    len(a).min(len(b)) >= 30
        && x.len() == y.len()
        && differing.len() == 1
        && slip(differing[0].0, differing[0].1)
}

/// How two titles relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TitleAgreement {
    /// Title and subtitle the same.
    Same,
    /// Same title; one record lacks the subtitle, or folded it into the title.
    SubtitleDiffers,
    /// Nearly the same: a typing slip or two in a long title, a missing
    /// space.
    Close,
    /// Different titles.
    Different,
}

/// Compares the titles of two records, allowing for the ways cataloguers
/// differ: a subtitle dropped or folded into the title proper, a typing
/// slip or a missing space.
pub fn titles(a: &Manifestation, b: &Manifestation) -> TitleAgreement {
    if a.title.is_empty() || b.title.is_empty() {
        return TitleAgreement::Different;
    }
    if a.title == b.title {
        if a.subtitle == b.subtitle {
            return TitleAgreement::Same;
        }
        if a.subtitle.is_empty() || b.subtitle.is_empty() {
            return TitleAgreement::SubtitleDiffers;
        }
    }
    // The whole titles, as parts: title proper, then the subtitle.
    let (fa, fb) = (
        [a.title.as_str(), &a.subtitle],
        [b.title.as_str(), &b.subtitle],
    );
    fn words(parts: [&str; 2]) -> impl Iterator<Item = &str> {
        parts
            .into_iter()
            .flat_map(|p| p.split(' '))
            .filter(|w| !w.is_empty())
    }
    if words(fa).eq(words(fb)) {
        return TitleAgreement::SubtitleDiffers;
    }
    // Typing slips. The titles proper must be nearly the same (a long
    // shared subtitle must not make "Arias for bass" and "Arias for
    // soprano" look alike), and so must the subtitles when both have one;
    // or the whole titles, when one record folded its subtitle into the
    // title proper. Titles that differ in a number (a year, a volume, a
    // report number) are different titles however alike the rest.
    let subtitles_agree = a.subtitle.is_empty()
        || b.subtitle.is_empty()
        || (nearly_same(&a.subtitle, &b.subtitle) && same_numbers(&a.subtitle, &b.subtitle));
    if subtitles_agree && nearly_same(&a.title, &b.title) && same_numbers(&a.title, &b.title) {
        return TitleAgreement::Close;
    }
    let folded_in = a.subtitle.is_empty() != b.subtitle.is_empty();
    if folded_in && nearly_same_parts(&fa, &fb) && same_numbers_parts(&fa, &fb) {
        return TitleAgreement::Close;
    }
    TitleAgreement::Different
}

/// How the names of two records relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameAgreement {
    /// A name of one is a name of the other (1xx/7xx or statement of
    /// responsibility, in any order).
    Agree,
    /// Both have 1xx/7xx names and none is shared, nor named by the other's
    /// statement of responsibility.
    Differ,
    /// No name in common, but one side's names come only from a statement
    /// of responsibility, which may name only the editor or translator.
    Unconfirmed,
    /// One side names nobody.
    Missing,
}

/// Compares every name of two records (main and added entries, and the
/// surnames of the statements of responsibility), not only the main
/// entries: catalogues differ in who comes first.
pub fn names(a: &Manifestation, b: &Manifestation) -> NameAgreement {
    let any = |m: &Manifestation| !m.names.is_empty() || !m.statement.is_empty();
    if !any(a) || !any(b) {
        return NameAgreement::Missing;
    }
    let shared = a
        .all_names()
        .any(|x| b.all_names().any(|y| name_matches(x, y)));
    if shared {
        NameAgreement::Agree
    } else if !a.names.is_empty() && !b.names.is_empty() {
        NameAgreement::Differ
    } else {
        NameAgreement::Unconfirmed
    }
}

/// One name against another: equal, one letter apart in a long name, or a
/// body's name against one of its words (`heylin` in a statement against
/// the 100 `heylin`; `united states congress` against `congress`).
fn name_matches(x: &str, y: &str) -> bool {
    if authors_agree(x, y) {
        return true;
    }
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    !short.contains(' ') && short.len() >= 4 && long.split(' ').any(|w| w == short)
}

/// Two folded surnames: the same, or one letter apart in a long name.
pub fn authors_agree(a: &str, b: &str) -> bool {
    a == b
        || (a.len().abs_diff(b.len()) <= 4
            && a.chars().count() >= 6
            && a.chars().count().abs_diff(b.chars().count()) <= 1
            && edit_distance(a, b, 1) <= 1)
}

/// Two publishers agree when most identifying words of the shorter name are
/// in the other (one word begins another: `scribner` and `scribners`):
/// `Scribner` and `Charles Scribner's Sons` agree, `Allen Lane` and `Allen
/// & Unwin` do not.
pub fn publishers_agree(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let word_agrees = |x: &String| {
        long.iter().any(|y| {
            x == y
                || (x.len() >= 4
                    && y.len() >= 4
                    && (x.starts_with(y.as_str()) || y.starts_with(x.as_str())))
        })
    };
    let shared = short.iter().filter(|x| word_agrees(x)).count();
    shared > 0 && shared * 2 > short.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(title: &str, subtitle: &str) -> Manifestation {
        Manifestation {
            title: title.into(),
            subtitle: subtitle.into(),
            author: None,
            names: vec![],
            statement: vec![],
            year: None,
            years: vec![],
            publisher: vec![],
            format: unicat_bib::MaterialFormat::Book,
            online: false,
            edition: None,
            part: None,
            series_number: None,
            volumes: None,
            pages: None,
            language: None,
            isbns: vec![],
            issns: vec![],
            oclc: vec![],
            merged_oclc: vec![],
            lccn: None,
            host: None,
            generic_title: false,
            work_title: None,
            uniform_is_collective: false,
        }
    }

    #[test]
    fn title_variants() {
        use TitleAgreement::*;
        assert_eq!(
            titles(
                &m("age of innocence", "a novel"),
                &m("age of innocence", "a novel")
            ),
            Same
        );
        assert_eq!(
            titles(
                &m("age of innocence", "a novel"),
                &m("age of innocence", "")
            ),
            SubtitleDiffers
        );
        assert_eq!(
            titles(
                &m("age of innocence a novel", ""),
                &m("age of innocence", "a novel")
            ),
            SubtitleDiffers
        );
        // Without the punctuation that would mark a subtitle, longer is
        // another title ("Girls with guitars" and "Girls with guitars live").
        assert_eq!(
            titles(
                &m("girls with guitars live", ""),
                &m("girls with guitars", "")
            ),
            Different
        );
        assert_eq!(
            titles(&m("age of inocence", ""), &m("age of innocence", "")),
            Close
        );
        assert_eq!(
            titles(&m("house of mirth", ""), &m("age of innocence", "")),
            Different
        );
        assert_eq!(
            titles(&m("poems", "selected"), &m("poems", "complete")),
            Different
        );
        assert_eq!(titles(&m("", ""), &m("", "")), Different);
        assert_eq!(
            titles(
                &m("test publication 201704", ""),
                &m("test publication 201723", "")
            ),
            Different
        );
        assert_eq!(
            titles(&m("annual report 1998", ""), &m("annual report 1999", "")),
            Different
        );
        // Evergreen's demo set: two scores with one long subtitle.
        let long = "complete package with diction coach and accompaniment cds";
        assert_eq!(
            titles(&m("arias for bass", long), &m("arias for soprano", long)),
            Different
        );
    }

    #[test]
    fn names_and_publishers() {
        assert!(authors_agree("wharton", "wharton"));
        assert!(!authors_agree("dostoevsky", "dostoevskii"));
        assert!(authors_agree("tolstoy", "tolstoi"));
        assert!(!authors_agree("smith", "smyth"));
        assert!(publishers_agree(
            &["scribner".into()],
            &["charle".into(), "scribner".into()]
        ));
        assert!(!publishers_agree(&["penguin".into()], &["vintage".into()]));
        assert!(!publishers_agree(
            &["allen".into(), "lane".into()],
            &["allen".into(), "unwin".into()]
        ));
        assert!(publishers_agree(
            &["little".into(), "brown".into()],
            &[
                "arcade".into(),
                "brown".into(),
                "little".into(),
                "riverrun".into()
            ]
        ));
        assert!(!publishers_agree(&[], &["vintage".into()]));
    }

    #[test]
    fn typing_slips() {
        use TitleAgreement::*;
        // A dropped, doubled or transposed letter, a missing space.
        for (x, y) in [
            ("dixiland", "dixieland"),
            ("separate awlking", "separate walking"),
            ("dis cjockey jump", "disc jockey jump"),
            ("milesd avis", "miles davis"),
            (
                "ideas behind hte chess openings",
                "ideas behind the chess openings",
            ),
        ] {
            assert_eq!(titles(&m(x, ""), &m(y, "")), Close, "{x} / {y}");
        }
        // Not in a short title.
        assert_eq!(titles(&m("cats", ""), &m("bats", "")), Different);
        assert_eq!(titles(&m("letters", ""), &m("setters", "")), Different);
        // Not three slips in a title of 20 letters.
        assert_eq!(
            titles(
                &m("history of the world", ""),
                &m("hsitory fo hte world", "")
            ),
            Different
        );
        // A subtitle folded into the title proper, with a slip.
        assert_eq!(
            titles(
                &m(
                    "gadamer on celan who am i and who are you and other essays",
                    ""
                ),
                &m(
                    "gadame on celan",
                    "who am i and who are you and other essays"
                )
            ),
            Close
        );
    }

    #[test]
    fn distances() {
        assert_eq!(typo_distance("hte", "the", 5), 1);
        assert_eq!(typo_distance("kitten", "sitting", 10), 3);
        assert!(typo_distance("abcdefgh", "zzzzzzzz", 2) > 2);
        assert_eq!(edit_distance("kitten", "sitting", 10), 3);
        assert_eq!(edit_distance("abc", "abc", 0), 0);
        assert!(edit_distance("abcdefgh", "zzzzzzzz", 2) > 2);
    }
}
