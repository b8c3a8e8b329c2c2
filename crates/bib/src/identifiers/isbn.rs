//! ISBNs, always held as ISBN-13.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid ISBN in its 13-digit form (ISBN-10s are converted with the `978`
/// prefix). Only a value whose check digit is right can be built, so a
/// matcher holding an `Isbn13` never compares an unvalidated string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Isbn13(u64);

impl Isbn13 {
    /// Parses any common written form: ISBN-10 or -13, with hyphens or
    /// spaces, with a trailing qualifier (`0940787083 (pbk.)`), with an
    /// `ISBN` label. None when no valid ISBN is found.
    ///
    /// ```
    /// use unicat_bib::Isbn13;
    /// assert_eq!(Isbn13::parse("0940787083").unwrap().to_string(), "9780940787087");
    /// assert_eq!(Isbn13::parse("978-0-940787-08-7 (pbk.)").unwrap().to_string(), "9780940787087");
    /// assert!(Isbn13::parse("9514920096").is_none()); // wrong check digit
    /// ```
    pub fn parse(text: &str) -> Option<Isbn13> {
        let digits = isbn_digits(text)?;
        // "0940787083 9780940787087": the run may have swallowed the start of
        // a second number; fall back to its first ten digits.
        Isbn13::from_digits(&digits).or_else(|| {
            (digits.len() > 10)
                .then(|| Isbn13::from_digits(&digits[..10]))
                .flatten()
        })
    }

    fn from_digits(d: &[u8]) -> Option<Isbn13> {
        match d.len() {
            10 => {
                let sum: u32 = d
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        let v = if c == b'X' { 10 } else { u32::from(c - b'0') };
                        v * (10 - i as u32)
                    })
                    .sum();
                if sum % 11 != 0 || d[..9].contains(&b'X') {
                    return None;
                }
                let mut thirteen = [0u8; 13];
                thirteen[..3].copy_from_slice(b"978");
                thirteen[3..12].copy_from_slice(&d[..9]);
                thirteen[12] = b'0' + ean_check(&thirteen[..12]);
                Some(Isbn13(to_number(&thirteen)))
            }
            13 => {
                if d.contains(&b'X') || !(d.starts_with(b"978") || d.starts_with(b"979")) {
                    return None;
                }
                (ean_check(&d[..12]) == d[12] - b'0').then(|| Isbn13(to_number(d)))
            }
            _ => None,
        }
    }

    /// The ISBN-10 form, for ISBNs with the `978` prefix.
    pub fn to_isbn10(self) -> Option<String> {
        let s = self.to_string();
        let body = s.strip_prefix("978")?;
        let body = &body[..9];
        let sum: u32 = body
            .bytes()
            .enumerate()
            .map(|(i, c)| u32::from(c - b'0') * (10 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        let c = if check == 10 {
            'X'
        } else {
            char::from(b'0' + check as u8)
        };
        Some(format!("{body}{c}"))
    }
}

fn to_number(d: &[u8]) -> u64 {
    d.iter().fold(0u64, |n, &c| n * 10 + u64::from(c - b'0'))
}

fn ean_check(d: &[u8]) -> u8 {
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &c)| u32::from(c - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Extracts the digits (and a final X) of the first ISBN-like run in `text`:
/// digits with hyphens or single spaces between them, stopping at anything
/// else. `"ISBN 0-940787-08-3 (pbk.)"` → `0940787083`.
pub(crate) fn isbn_digits(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit)?;
    let mut out = Vec::with_capacity(13);
    let mut i = start;
    while i < bytes.len() && out.len() < 13 {
        match bytes[i] {
            b'0'..=b'9' => out.push(bytes[i]),
            b'X' | b'x' => {
                out.push(b'X');
                break;
            }
            b'-' | b' '
                if i + 1 < bytes.len()
                    && (bytes[i + 1].is_ascii_digit() || matches!(bytes[i + 1], b'X' | b'x')) => {}
            _ => break,
        }
        i += 1;
    }
    if out.len() > 10 && out.len() != 13 {
        out.truncate(10);
    }
    matches!(out.len(), 10 | 13).then_some(out)
}

impl fmt::Display for Isbn13 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}", self.0)
    }
}

impl fmt::Debug for Isbn13 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Isbn13({self})")
    }
}

impl From<Isbn13> for String {
    fn from(i: Isbn13) -> String {
        i.to_string()
    }
}

impl TryFrom<String> for Isbn13 {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Isbn13::parse(&s).ok_or_else(|| format!("not a valid ISBN: {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn10_to_13() {
        assert_eq!(
            Isbn13::parse("0940787083").unwrap().to_string(),
            "9780940787087"
        );
        assert_eq!(
            Isbn13::parse("0-940787-08-3").unwrap().to_string(),
            "9780940787087"
        );
        assert_eq!(
            Isbn13::parse("080442957X").unwrap().to_string(),
            "9780804429573"
        );
        assert_eq!(
            Isbn13::parse("080442957x").unwrap().to_string(),
            "9780804429573"
        );
    }

    #[test]
    fn bad_check_digits_are_rejected() {
        assert!(Isbn13::parse("9514920096").is_none());
        assert!(Isbn13::parse("9780940787088").is_none());
        assert!(Isbn13::parse("12345").is_none());
        assert!(Isbn13::parse("pbk.").is_none());
        // RecordManager's test: a valid Finnish ISBN with hyphens.
        assert_eq!(
            Isbn13::parse("951-492-098-8").unwrap().to_string(),
            "9789514920981"
        );
    }

    #[test]
    fn qualifiers_and_labels_are_stripped() {
        for s in [
            "0940787083 (pbk.)",
            "0940787083 :",
            "ISBN 0-940787-08-3 (alk. paper)",
            "9780940787087 (v. 1)",
            "978 0 940787 08 7",
            "0940787083 9780940787087",
        ] {
            assert_eq!(
                Isbn13::parse(s).unwrap().to_string(),
                "9780940787087",
                "{s}"
            );
        }
    }

    #[test]
    fn only_bookland_prefixes() {
        // A valid EAN-13 that is not an ISBN.
        assert!(Isbn13::parse("4006381333931").is_none());
        assert_eq!(
            Isbn13::parse("9791034302222").unwrap().to_string(),
            "9791034302222"
        );
    }

    #[test]
    fn back_to_isbn10() {
        let i = Isbn13::parse("080442957X").unwrap();
        assert_eq!(i.to_isbn10().as_deref(), Some("080442957X"));
        assert!(
            Isbn13::parse("9791034302222")
                .unwrap()
                .to_isbn10()
                .is_none()
        );
    }
}
