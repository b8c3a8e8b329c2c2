//! The MARC-8 graphic character sets and their designation bytes.

use std::fmt;

/// One of the graphic character sets that make up MARC-8.
///
/// A set is designated into the G0 (bytes 0x21..=0x7E) or G1 (bytes 0xA1..=0xFE)
/// working set by an escape sequence naming its *final* byte; see
/// [`Charset::final_byte`]. The MARC-8 repertoire is closed (LC plans no
/// additions), so this list is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Charset {
    /// Basic Latin (ASCII), final `B` (0x42). The default G0 set.
    BasicLatin,
    /// Extended Latin (ANSEL, ANSI/NISO Z39.47), final `!E` (0x21 0x45), also
    /// accepted as a bare `E`. The default G1 set; holds the diacritics.
    ExtendedLatin,
    /// The three MARC Greek symbols (alpha, beta, gamma), `ESC g` (0x67).
    GreekSymbols,
    /// Subscript digits and signs, `ESC b` (0x62).
    Subscripts,
    /// Superscript digits and signs, `ESC p` (0x70).
    Superscripts,
    /// Basic Hebrew, final `2` (0x32).
    BasicHebrew,
    /// Basic Cyrillic, final `N` (0x4E).
    BasicCyrillic,
    /// Extended Cyrillic, final `Q` (0x51).
    ExtendedCyrillic,
    /// Basic Arabic, final `3` (0x33).
    BasicArabic,
    /// Extended Arabic, final `4` (0x34).
    ExtendedArabic,
    /// Basic Greek, final `S` (0x53).
    BasicGreek,
    /// East Asian Character Code (EACC, ANSI/NISO Z39.64) for Chinese, Japanese
    /// and Korean, final `1` (0x31); three bytes per character.
    Eacc,
}

impl Charset {
    /// Every set, in LC's code table order.
    pub const ALL: [Self; 12] = [
        Self::BasicLatin,
        Self::ExtendedLatin,
        Self::GreekSymbols,
        Self::Subscripts,
        Self::Superscripts,
        Self::BasicHebrew,
        Self::BasicCyrillic,
        Self::ExtendedCyrillic,
        Self::BasicArabic,
        Self::ExtendedArabic,
        Self::BasicGreek,
        Self::Eacc,
    ];

    /// The set's ISO 2022 final byte, as LC's code tables list it (`ISOcode`).
    /// Extended Latin's full designation is the two bytes `!E`; this returns `E`.
    #[must_use]
    pub const fn final_byte(self) -> u8 {
        match self {
            Self::BasicLatin => 0x42,
            Self::ExtendedLatin => 0x45,
            Self::GreekSymbols => 0x67,
            Self::Subscripts => 0x62,
            Self::Superscripts => 0x70,
            Self::BasicHebrew => 0x32,
            Self::BasicCyrillic => 0x4E,
            Self::ExtendedCyrillic => 0x51,
            Self::BasicArabic => 0x33,
            Self::ExtendedArabic => 0x34,
            Self::BasicGreek => 0x53,
            Self::Eacc => 0x31,
        }
    }

    /// The set whose final byte this is, if any (the inverse of
    /// [`Charset::final_byte`]).
    #[must_use]
    pub fn from_final_byte(byte: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|set| set.final_byte() == byte)
    }

    /// Whether the set uses three bytes per character (only EACC does).
    #[must_use]
    pub const fn is_multibyte(self) -> bool {
        matches!(self, Self::Eacc)
    }

    /// The set's name as in LC's code tables.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::BasicLatin => "Basic Latin (ASCII)",
            Self::ExtendedLatin => "Extended Latin (ANSEL)",
            Self::GreekSymbols => "Greek Symbols",
            Self::Subscripts => "Subscripts",
            Self::Superscripts => "Superscripts",
            Self::BasicHebrew => "Basic Hebrew",
            Self::BasicCyrillic => "Basic Cyrillic",
            Self::ExtendedCyrillic => "Extended Cyrillic",
            Self::BasicArabic => "Basic Arabic",
            Self::ExtendedArabic => "Extended Arabic",
            Self::BasicGreek => "Basic Greek",
            Self::Eacc => "Chinese, Japanese, Korean (EACC)",
        }
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_bytes_round_trip_and_are_distinct() {
        for set in Charset::ALL {
            assert_eq!(Charset::from_final_byte(set.final_byte()), Some(set));
        }
        assert_eq!(Charset::from_final_byte(b'Z'), None);
        assert!(
            Charset::ALL
                .iter()
                .filter(|s| s.is_multibyte())
                .eq([&Charset::Eacc])
        );
    }
}
