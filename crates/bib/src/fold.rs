//! Text folding for match keys and sorting: Unicode compatibility
//! decomposition, diacritics dropped, lowercase, `&` read as `and`,
//! punctuation turned into single spaces.

use unicode_normalization::char::is_combining_mark;

/// Folds text for comparison: `"Les Misérables : roman / par Victor Hugo"` →
/// `"les miserables roman par victor hugo"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`] appending to a reused buffer.
///
/// ASCII is folded byte by byte; only other characters are decomposed
/// (compatibility decomposition, one character at a time: the canonical
/// reordering a whole-string NFKD would add only moves combining marks,
/// which are dropped anyway).
pub fn fold_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending: &mut bool| {
        if *pending && out.len() > start {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    let one = |c: char, out: &mut String, pending_space: &mut bool| {
        if c.is_ascii_alphanumeric() {
            push(out, c.to_ascii_lowercase(), pending_space);
        } else if c == '&' {
            *pending_space = true;
            for a in "and".chars() {
                push(out, a, pending_space);
            }
            *pending_space = true;
        } else if c == '\'' || c == '\u{2019}' || c == '\u{02BC}' || c == '\u{02BB}' {
            // Apostrophes and the ayn/alif modifier letters join words:
            // "children's" → "childrens", "Qur'an" → "quran".
        } else if c.is_ascii() {
            *pending_space = true;
        } else if is_combining_mark(c) {
        } else if c.is_alphanumeric() {
            match special_letter(c) {
                Some(s) => s.chars().for_each(|l| push(out, l, pending_space)),
                None => c.to_lowercase().for_each(|l| push(out, l, pending_space)),
            }
        } else {
            *pending_space = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            one(c, out, &mut pending_space);
        } else {
            unicode_normalization::char::decompose_compatible(c, |d| {
                one(d, out, &mut pending_space)
            });
        }
    }
}

/// Letters that compatibility decomposition leaves whole.
fn special_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' | 'Ø' => "o",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ł' | 'Ł' => "l",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// Drops the first `count` characters (the non-filing characters given by a
/// title field's second indicator: 4 for "The ").
pub fn strip_nonfiling(title: &str, count: u32) -> &str {
    if count == 0 {
        return title;
    }
    match title.char_indices().nth(count as usize) {
        Some((i, _)) => &title[i..],
        None => title,
    }
}

/// Leading articles in the languages most catalogued here, folded.
const ARTICLES: &[&str] = &[
    "the", "a", "an", "le", "la", "les", "l", "un", "une", "der", "die", "das", "ein", "eine",
    "el", "los", "las", "il", "lo", "gli", "i", "de", "het", "een", "o", "os", "as", "um", "uma",
];

/// Drops one leading article from an already folded title, for titles whose
/// non-filing indicator was not set (common in records from small libraries).
/// Both sides of a comparison go through it, so "die" in English costs
/// nothing.
pub fn strip_leading_article(folded: &str) -> &str {
    if let Some((first, rest)) = folded.split_once(' ')
        && ARTICLES.contains(&first)
        && !rest.is_empty()
    {
        return rest;
    }
    folded
}

/// Abbreviations whose final period is part of the word.
const ABBREVIATIONS: &[&str] = &[
    "ed", "eds", "rev", "enl", "p", "pp", "v", "vol", "vols", "no", "etc", "jr", "sr", "co", "inc",
    "ltd", "st", "dept", "univ", "illus", "ill", "col", "cm", "pbk", "corp", "bros", "mr", "mrs",
    "dr", "ca", "cent", "pt", "ser", "suppl", "publ",
];

/// Trims ISBD punctuation from the end of a displayed value: `"Moby Dick /"`
/// → `"Moby Dick"`, `"New York :"` → `"New York"`, `"1998."` → `"1998"`. A
/// final period after an initial (`"Smith, J."`) or an abbreviation with
/// inner periods (`"U.S.A."`) stays.
pub fn trim_isbd(text: &str) -> &str {
    let mut s = text.trim();
    loop {
        let before = s;
        s = s
            .trim_end_matches([' ', '/', ':', ';', ',', '='])
            .trim_end();
        if let Some(stripped) = s.strip_suffix('.') {
            let last_word = stripped.rsplit([' ', ',']).next().unwrap_or("");
            let keep = last_word.chars().count() == 1
                || last_word.contains('.')
                || ABBREVIATIONS.contains(&last_word.to_ascii_lowercase().as_str());
            if !keep {
                s = stripped.trim_end();
            }
        }
        if s == before {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(
            fold("Les Misérables : roman / par Victor Hugo"),
            "les miserables roman par victor hugo"
        );
        assert_eq!(fold("Pride & Prejudice"), "pride and prejudice");
        assert_eq!(fold("Pride and prejudice."), "pride and prejudice");
        assert_eq!(fold("  Ærø  Łódź—Straße "), "aero lodz strasse");
        assert_eq!(fold("Children's books"), "childrens books");
        assert_eq!(fold("ＦＵＬＬＷＩＤＴＨ ﬁ"), "fullwidth fi");
        assert_eq!(fold("Mötley Crüe"), fold("Motley Crue"));
        assert_eq!(fold("...!"), "");
    }

    /// The fold as first written: NFKD over the whole string.
    fn fold_whole_nfkd(text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        let mut pending = false;
        for c in text.nfkd() {
            let push = |l: char, out: &mut String, pending: &mut bool| {
                if *pending && !out.is_empty() {
                    out.push(' ');
                }
                *pending = false;
                out.push(l);
            };
            if c.is_ascii_alphanumeric() {
                push(c.to_ascii_lowercase(), &mut out, &mut pending);
            } else if c == '&' {
                pending = true;
                "and".chars().for_each(|a| push(a, &mut out, &mut pending));
                pending = true;
            } else if matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{02BB}')
                || is_combining_mark(c)
            {
            } else if c.is_alphanumeric() {
                match special_letter(c) {
                    Some(s) => s.chars().for_each(|l| push(l, &mut out, &mut pending)),
                    None => c
                        .to_lowercase()
                        .for_each(|l| push(l, &mut out, &mut pending)),
                }
            } else {
                pending = true;
            }
        }
        out
    }

    #[test]
    fn folding_one_character_at_a_time_equals_whole_string_nfkd() {
        for text in [
            "Les Misérables : roman / par Victor Hugo",
            "Tiếng Việt: ngữ pháp và chính tả", // stacked diacritics
            "Ｆｕｌｌｗｉｄｔｈ ﬁnance ½ Ⅻ ㎏", // compatibility forms
            "한국어 문법 — 조선말",
            "Ελληνικά · Ἀριστοτέλης",
            "Dostoevskiĭ, Fedor Mikhaĭlovich, 1821-1881",
            "A\u{0301}\u{0323}b c\u{0327}\u{0301} Æsop ß Łódź Þór",
            "Qur\u{2019}an & ḥadīth",
            "e\u{0301}\u{0301}\u{0301}",
        ] {
            assert_eq!(fold(text), fold_whole_nfkd(text), "{text}");
        }
    }

    #[test]
    fn nonfiling_and_articles() {
        assert_eq!(strip_nonfiling("The Hobbit", 4), "Hobbit");
        assert_eq!(strip_nonfiling("L'étranger", 2), "étranger");
        assert_eq!(strip_nonfiling("Hi", 9), "Hi");
        assert_eq!(strip_leading_article("the hobbit"), "hobbit");
        assert_eq!(strip_leading_article("the"), "the");
        assert_eq!(strip_leading_article("hobbit"), "hobbit");
    }

    #[test]
    fn isbd_trimming() {
        assert_eq!(trim_isbd("Moby Dick /"), "Moby Dick");
        assert_eq!(trim_isbd("New York :"), "New York");
        assert_eq!(trim_isbd("Penguin,"), "Penguin");
        assert_eq!(trim_isbd("2nd ed."), "2nd ed.");
        assert_eq!(trim_isbd("Smith, J."), "Smith, J.");
        assert_eq!(trim_isbd("Printed in the U.S.A."), "Printed in the U.S.A.");
        assert_eq!(trim_isbd("A history of Rome."), "A history of Rome");
        assert_eq!(trim_isbd("Title : "), "Title");
    }
}
