//! Do two folded titles, names or publishers say the same thing?

use crate::features::Manifestation;

/// Levenshtein distance between two strings (by characters), stopping early
/// once it exceeds `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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

/// How two titles relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TitleAgreement {
    /// Title and subtitle the same.
    Same,
    /// Same title; one record lacks the subtitle, or folded it into the title.
    SubtitleDiffers,
    /// Nearly the same (a typo, a word's spelling).
    Close,
    /// Different titles.
    Different,
}

/// Compares the titles of two records, allowing for the ways cataloguers
/// differ: a subtitle dropped or folded into the title proper, a typo.
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
    let (fa, fb) = (a.full_title(), b.full_title());
    if fa == fb {
        return TitleAgreement::SubtitleDiffers;
    }
    // One side has no subtitle and its title begins the other's full title:
    // the subtitle was dropped, or folded into the title proper.
    let begins = |long: &str, short: &Manifestation| {
        short.subtitle.is_empty()
            && long.len() > short.title.len()
            && long.starts_with(&short.title)
            && long.as_bytes()[short.title.len()] == b' '
    };
    if begins(&fa, b) || begins(&fb, a) {
        return TitleAgreement::SubtitleDiffers;
    }
    // Titles that differ in a number (a year, a volume, a report number)
    // are different titles however alike the rest.
    let numbers = |t: &str| -> Vec<String> {
        t.split(' ')
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
            .map(str::to_string)
            .collect()
    };
    if numbers(&fa) != numbers(&fb) {
        return TitleAgreement::Different;
    }
    // A typo or a spelling: the titles proper must be nearly the same (a
    // long shared subtitle must not make "Arias for bass" and "Arias for
    // soprano" look alike), and so must the subtitles when both have one.
    let subtitles_agree = a.subtitle.is_empty()
        || b.subtitle.is_empty()
        || similarity(&a.subtitle, &b.subtitle) >= 0.85;
    if similarity(&a.title, &b.title) >= 0.9 && subtitles_agree {
        return TitleAgreement::Close;
    }
    TitleAgreement::Different
}

/// Two folded surnames: the same, or one letter apart in a long name.
pub fn authors_agree(a: &str, b: &str) -> bool {
    a == b || (a.chars().count() >= 6 && edit_distance(a, b, 1) <= 1)
}

/// Two publishers share an identifying word (or one word begins the other:
/// `scribner` and `scribners`).
pub fn publishers_agree(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            x == y
                || (x.len() >= 4
                    && y.len() >= 4
                    && (x.starts_with(y.as_str()) || y.starts_with(x.as_str())))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(title: &str, subtitle: &str) -> Manifestation {
        Manifestation {
            title: title.into(),
            subtitle: subtitle.into(),
            author: None,
            year: None,
            publisher: vec![],
            format: unicat_bib::MaterialFormat::Book,
            edition: None,
            part: None,
            series_number: None,
            volumes: None,
            pages: None,
            language: None,
            isbns: vec![],
            issns: vec![],
            oclc: vec![],
            lccn: None,
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
        assert_eq!(
            titles(
                &m("age of innocence a novel", ""),
                &m("age of innocence", "")
            ),
            SubtitleDiffers
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
        assert!(!publishers_agree(&[], &["vintage".into()]));
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting", 10), 3);
        assert_eq!(edit_distance("abc", "abc", 0), 0);
        assert!(edit_distance("abcdefgh", "zzzzzzzz", 2) > 2);
    }
}
