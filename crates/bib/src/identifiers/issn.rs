//! ISSNs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid ISSN, displayed as `NNNN-NNNC`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Issn([u8; 8]);

impl Issn {
    /// Parses `0317-8471`, `03178471`, `ISSN 0317-8471`; the check digit must
    /// be right.
    ///
    /// ```
    /// use unicat_bib::Issn;
    /// assert_eq!(Issn::parse("ISSN 0317-8471").unwrap().to_string(), "0317-8471");
    /// assert!(Issn::parse("0317-8472").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Issn> {
        let bytes = text.as_bytes();
        let start = bytes.iter().position(u8::is_ascii_digit)?;
        let mut d = Vec::with_capacity(8);
        for &b in &bytes[start..] {
            match b {
                b'0'..=b'9' if d.len() < 8 => d.push(b),
                b'X' | b'x' if d.len() == 7 => d.push(b'X'),
                b'-' | b' ' if d.len() == 4 => {}
                _ => break,
            }
        }
        if d.len() != 8 || d[..7].contains(&b'X') {
            return None;
        }
        let sum: u32 = d[..7]
            .iter()
            .enumerate()
            .map(|(i, &c)| u32::from(c - b'0') * (8 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        let expected = if check == 10 {
            b'X'
        } else {
            b'0' + check as u8
        };
        (d[7] == expected).then(|| Issn(d.try_into().expect("eight digits")))
    }
}

impl fmt::Display for Issn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = std::str::from_utf8(&self.0).map_err(|_| fmt::Error)?;
        write!(f, "{}-{}", &s[..4], &s[4..])
    }
}

impl fmt::Debug for Issn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Issn({self})")
    }
}

impl From<Issn> for String {
    fn from(i: Issn) -> String {
        i.to_string()
    }
}

impl TryFrom<String> for Issn {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Issn::parse(&s).ok_or_else(|| format!("not a valid ISSN: {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        assert_eq!(Issn::parse("0028-0836").unwrap().to_string(), "0028-0836");
        assert_eq!(Issn::parse("00280836").unwrap().to_string(), "0028-0836");
        assert_eq!(Issn::parse("2434-561X").unwrap().to_string(), "2434-561X");
        assert_eq!(Issn::parse("2434-561x").unwrap().to_string(), "2434-561X");
        assert!(Issn::parse("0028-0837").is_none());
        assert!(Issn::parse("0028").is_none());
    }
}
