//! Interpreting a raw term: words, escapes, masking and anchoring.
//!
//! CQL terms keep three special characters: `*` masks zero or more
//! characters, `?` masks exactly one, and `^` anchors the term at the start
//! or end of the field. A backslash makes the next character literal
//! (`\*`, `\"`, `\\`). Words are separated by unescaped whitespace; how the
//! words combine (`all`, `any`, `adj`, `=` …) is up to the relation.

/// A piece of a [`Word`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermPart {
    /// Literal text, escapes resolved (`\*` becomes `*`).
    Text(String),
    /// `*`: zero or more characters.
    AnyChars,
    /// `?`: exactly one character.
    OneChar,
    /// `^`: anchor at the start or end of the field.
    Anchor,
}

/// One whitespace-separated word of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word's pieces in order; adjacent literal characters are merged
    /// into one [`TermPart::Text`]. Never empty.
    pub parts: Vec<TermPart>,
}

/// How a word uses the masking characters `*` and `?` (anchors aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masking {
    /// No masking: an exact word.
    None,
    /// A single `*` after some text, at the end of the word (`histor*`):
    /// a prefix (right-truncation) search for [`Word::text`].
    Trailing,
    /// Any other use of `*` or `?` (`*ology`, `wom?n`, `a*b`, `*`, `ab**`).
    /// A server that only does right truncation answers with diagnostic 28
    /// (masking character not supported) or 49 (masking character in
    /// unsupported position).
    Other,
}

impl Word {
    /// The literal text with masking and anchor characters left out
    /// (`histor*` gives `histor`).
    #[must_use]
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                TermPart::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// How the word uses masking; see [`Masking`].
    #[must_use]
    pub fn masking(&self) -> Masking {
        let unanchored: Vec<&TermPart> = self
            .parts
            .iter()
            .filter(|p| !matches!(p, TermPart::Anchor))
            .collect();
        let masks = unanchored
            .iter()
            .filter(|p| matches!(p, TermPart::AnyChars | TermPart::OneChar))
            .count();
        match (masks, unanchored.as_slice()) {
            (0, _) => Masking::None,
            (1, [.., TermPart::Text(_), TermPart::AnyChars]) => Masking::Trailing,
            _ => Masking::Other,
        }
    }

    /// Whether the word starts with `^`.
    #[must_use]
    pub fn anchored_start(&self) -> bool {
        matches!(self.parts.first(), Some(TermPart::Anchor))
    }

    /// Whether the word ends with `^` (and is not just a lone `^`, which
    /// counts as a start anchor).
    #[must_use]
    pub fn anchored_end(&self) -> bool {
        self.parts.len() > 1 && matches!(self.parts.last(), Some(TermPart::Anchor))
    }

    /// Whether a `^` appears other than at the word's start or end; a
    /// server answers that with diagnostic 32 (anchoring character in
    /// unsupported position).
    #[must_use]
    pub fn has_inner_anchor(&self) -> bool {
        let inner = self.parts.len().saturating_sub(2);
        self.parts
            .iter()
            .skip(1)
            .take(inner)
            .any(|p| matches!(p, TermPart::Anchor))
    }
}

/// Splits a raw term (as stored in [`crate::SearchClause::term`]) into
/// words and identifies masking, anchors and escapes.
///
/// An empty or all-space term gives no words (a server that cannot search
/// for an empty term answers with diagnostic 27). A backslash before any
/// character makes it literal; a trailing lone backslash is kept as a
/// literal backslash.
///
/// ```
/// use unicat_cql::{analyse_term, Masking};
/// let words = analyse_term(r"histor* wom?n \*star\*");
/// assert_eq!(words.len(), 3);
/// assert_eq!(words[0].masking(), Masking::Trailing);
/// assert_eq!(words[0].text(), "histor");
/// assert_eq!(words[1].masking(), Masking::Other);
/// assert_eq!(words[2].masking(), Masking::None);
/// assert_eq!(words[2].text(), "*star*");
/// ```
#[must_use]
pub fn analyse_term(raw: &str) -> Vec<Word> {
    fn push_char(parts: &mut Vec<TermPart>, c: char) {
        if let Some(TermPart::Text(t)) = parts.last_mut() {
            t.push(c);
        } else {
            parts.push(TermPart::Text(c.to_string()));
        }
    }
    let mut words = Vec::new();
    let mut parts: Vec<TermPart> = Vec::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => push_char(&mut parts, chars.next().unwrap_or('\\')),
            '*' => parts.push(TermPart::AnyChars),
            '?' => parts.push(TermPart::OneChar),
            '^' => parts.push(TermPart::Anchor),
            c if c.is_whitespace() => {
                if !parts.is_empty() {
                    words.push(Word {
                        parts: std::mem::take(&mut parts),
                    });
                }
            }
            c => push_char(&mut parts, c),
        }
    }
    if !parts.is_empty() {
        words.push(Word { parts });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> TermPart {
        TermPart::Text(s.to_owned())
    }

    #[test]
    fn right_truncation() {
        let words = analyse_term("histor*");
        assert_eq!(
            words,
            vec![Word {
                parts: vec![text("histor"), TermPart::AnyChars]
            }]
        );
        assert_eq!(words[0].masking(), Masking::Trailing);
        assert_eq!(words[0].text(), "histor");
    }

    #[test]
    fn unsupported_masking_is_reported() {
        for raw in ["*ology", "wom?n", "a*b", "*", "ab**", "ab?", "a*b*"] {
            let words = analyse_term(raw);
            assert_eq!(words.len(), 1, "{raw}");
            assert_eq!(words[0].masking(), Masking::Other, "{raw}");
        }
    }

    #[test]
    fn escapes_make_masking_characters_literal() {
        let words = analyse_term(r#"a\*b \"q\" c\\ d\"#);
        let texts: Vec<String> = words.iter().map(Word::text).collect();
        assert_eq!(texts, ["a*b", "\"q\"", "c\\", "d\\"]);
        assert!(words.iter().all(|w| w.masking() == Masking::None));
    }

    #[test]
    fn escaped_space_joins_words() {
        let words = analyse_term(r"new\ york  city");
        let texts: Vec<String> = words.iter().map(Word::text).collect();
        assert_eq!(texts, ["new york", "city"]);
    }

    #[test]
    fn anchors() {
        let words = analyse_term("^start end^ mid^dle ^ ^both^");
        assert!(words[0].anchored_start() && !words[0].anchored_end());
        assert!(!words[1].anchored_start() && words[1].anchored_end());
        assert!(words[2].has_inner_anchor());
        assert!(words[3].anchored_start() && !words[3].anchored_end());
        assert!(words[4].anchored_start() && words[4].anchored_end());
        assert!(!words[4].has_inner_anchor());
        assert_eq!(words[4].text(), "both");
        // Anchors do not count as masking.
        assert_eq!(analyse_term("^histor*")[0].masking(), Masking::Trailing);
    }

    #[test]
    fn empty_terms_have_no_words() {
        assert!(analyse_term("").is_empty());
        assert!(analyse_term("  \t ").is_empty());
    }
}
