//! Library of Congress Control Numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An LCCN in LC's normalised form (<https://www.loc.gov/marc/lccn-namespace.html>):
/// blanks removed, anything from a `/` on dropped, and a hyphenated serial
/// part left-padded with zeros to six digits; then 0–3 lowercase letters
/// followed by 8 or 10 digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Lccn(Box<str>);

impl Lccn {
    /// Normalises any written form.
    ///
    /// ```
    /// use unicat_bib::Lccn;
    /// assert_eq!(Lccn::parse("n 78-890351").unwrap().as_str(), "n78890351");
    /// assert_eq!(Lccn::parse("   85000002 ").unwrap().as_str(), "85000002");
    /// assert_eq!(Lccn::parse("79139101 /AC/r932").unwrap().as_str(), "79139101");
    /// ```
    pub fn parse(text: &str) -> Option<Lccn> {
        // Blanks go; so does stray punctuation that MARC-8 conversions leave
        // in front of the number (a soft sign `ʹ` in real LC-derived data).
        let mut s: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/'))
            .collect();
        if let Some(slash) = s.find('/') {
            s.truncate(slash);
        }
        if let Some(hyphen) = s.find('-') {
            let (left, right) = s.split_at(hyphen);
            let right = &right[1..];
            if right.is_empty() || !right.bytes().all(|b| b.is_ascii_digit()) || right.len() > 6 {
                return None;
            }
            s = format!("{left}{right:0>6}");
        }
        let s = s.to_ascii_lowercase();
        let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
        let digits = &s[letters..];
        let ok = letters <= 3
            && (digits.len() == 8 || digits.len() == 10)
            && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| Lccn(s.into_boxed_str()))
    }

    /// The normalised form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lccn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Lccn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lccn({})", self.0)
    }
}

impl From<Lccn> for String {
    fn from(l: Lccn) -> String {
        l.0.into_string()
    }
}

impl TryFrom<String> for Lccn {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Lccn::parse(&s).ok_or_else(|| format!("not a valid LCCN: {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lc_examples() {
        // The examples on LC's normalisation page.
        for (input, want) in [
            ("n78-890351", "n78890351"),
            ("n78-89035", "n78089035"),
            ("n 78890351 ", "n78890351"),
            (" 85000002 ", "85000002"),
            ("85-2 ", "85000002"),
            ("2001-000002", "2001000002"),
            ("75-425165//r75", "75425165"),
            (" 79139101 /AC/r932", "79139101"),
            ("\u{2b9}  75002321 ", "75002321"),
            ("n 78-890351", "n78890351"),
        ] {
            assert_eq!(Lccn::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn rejects_non_lccns() {
        assert!(Lccn::parse("abcd12345678").is_none());
        assert!(Lccn::parse("1234").is_none());
        assert!(Lccn::parse("").is_none());
    }
}
