//! OCLC (WorldCat) control numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An OCLC number: digits only, leading zeros dropped.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OclcNumber(u64);

impl OclcNumber {
    /// Parses the written forms seen in 035 and in queries: `(OCoLC)ocm00012345`,
    /// `(OCoLC)ocn123456789`, `(OCoLC)on1234567890`, `(OCoLC)12345`, `ocm12345`,
    /// or bare digits.
    ///
    /// ```
    /// use unicat_bib::OclcNumber;
    /// assert_eq!(OclcNumber::parse("(OCoLC)ocm00012345").unwrap().to_string(), "12345");
    /// ```
    pub fn parse(text: &str) -> Option<OclcNumber> {
        let mut s = text.trim();
        for prefix in ["(OCoLC)", "(ocolc)", "(OCOLC)"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
            }
        }
        // ocm/ocn/on are OCLC's own prefixes; some systems add others
        // (`(OCoLC)cis10504687`): any leading letters go.
        s = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let s = s.trim();
        if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = s.parse().ok()?;
        (n > 0).then_some(OclcNumber(n))
    }

    /// Reads an 035 $a value: one marked `(OCoLC)`, or one carrying OCLC's
    /// own `ocm`/`ocn`/`on` prefix without the mark. Other systems' numbers
    /// (`(DLC)…`, `(Sirsi)…`) are not OCLC numbers.
    pub fn from_035(text: &str) -> Option<OclcNumber> {
        let t = text.trim_start();
        let marked = t.len() >= 7 && t[..7].eq_ignore_ascii_case("(OCoLC)");
        let prefixed = ["ocm", "ocn", "on"].iter().any(|p| {
            t.strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        });
        if marked || prefixed {
            OclcNumber::parse(t)
        } else {
            None
        }
    }

    /// The number.
    pub fn value(self) -> u64 {
        self.0
    }
}

impl fmt::Display for OclcNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for OclcNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OclcNumber({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_stripped() {
        for (input, want) in [
            ("(OCoLC)ocm00012345", 12345),
            ("(OCoLC)ocn123456789", 123456789),
            ("(OCoLC)on1234567890", 1234567890),
            ("(OCoLC)12345", 12345),
            ("(OCoLC) 12345", 12345),
            ("ocm12345", 12345),
            ("00012345", 12345),
        ] {
            assert_eq!(OclcNumber::parse(input).unwrap().value(), want, "{input}");
        }
    }

    #[test]
    fn other_035s_are_not_oclc_numbers() {
        assert!(OclcNumber::from_035("(DLC)   85012345").is_none());
        assert!(OclcNumber::from_035("(Sirsi) a123").is_none());
        assert!(OclcNumber::from_035("(OCoLC)ocm0001234x").is_none());
        assert!(OclcNumber::from_035("(OCoLC)0").is_none());
        assert_eq!(
            OclcNumber::from_035("(OCoLC)ocm00012345").unwrap().value(),
            12345
        );
    }
}
