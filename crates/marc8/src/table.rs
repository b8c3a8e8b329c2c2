//! Lookup over the generated code tables ([`crate::tables`]).

use crate::charset::Charset;
use crate::tables;

/// One position of a single-byte MARC-8 character set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    /// A spacing (base) character that is NFC-inert: combining class 0,
    /// unchanged by NFC, never the second character of a composition. Text
    /// made only of such characters is already in NFC.
    Base(char),
    /// A base character that NFC may replace or combine (four in all: the
    /// Greek numeral sign, ano teleia and question mark, and the Arabic
    /// superscript alef, which has combining class 35).
    BaseNotInert(char),
    /// A combining mark; MARC-8 stores it *before* the character it modifies.
    Combining(char),
    /// The position is not assigned in this set.
    Unassigned,
}

/// A single-byte set: the 94 graphic positions 0x21..=0x7E (G0 form; a G1 byte
/// is looked up with its high bit cleared).
pub(crate) type SingleByteTable = [Cell; 94];

/// East Asian codes that are not in LC's tables but are written by Innovative
/// Interfaces (III) systems inside EACC runs: punctuation that III exports with a
/// 0x20 or 0x7F byte, which no LC EACC code contains, so they cannot collide with
/// a real EACC character. The same six codes are decoded by pymarc (its
/// `ODD_MAP`) and appear in its conformance file (`test_marc8.txt`, line 1515).
/// Sorted by code.
const III_EACC_EXTENSIONS: [(u32, char); 6] = [
    (0x21_20_3D, '\u{2026}'), // HORIZONTAL ELLIPSIS
    (0x21_20_40, '\u{201C}'), // LEFT DOUBLE QUOTATION MARK
    (0x7F_20_14, '\u{2014}'), // EM DASH
    (0x7F_20_19, '\u{2019}'), // RIGHT SINGLE QUOTATION MARK
    (0x7F_20_20, '\u{201D}'), // RIGHT DOUBLE QUOTATION MARK
    (0x7F_21_22, '\u{2122}'), // TRADE MARK SIGN
];

/// The table of a single-byte set, `None` for the multi-byte EACC set.
pub(crate) fn single_byte_table(charset: Charset) -> Option<&'static SingleByteTable> {
    Some(match charset {
        Charset::BasicLatin => &tables::BASIC_LATIN,
        Charset::ExtendedLatin => &tables::EXTENDED_LATIN_ANSEL,
        Charset::GreekSymbols => &tables::GREEK_SYMBOLS,
        Charset::Subscripts => &tables::SUBSCRIPTS,
        Charset::Superscripts => &tables::SUPERSCRIPTS,
        Charset::BasicHebrew => &tables::BASIC_HEBREW,
        Charset::BasicCyrillic => &tables::BASIC_CYRILLIC,
        Charset::ExtendedCyrillic => &tables::EXTENDED_CYRILLIC,
        Charset::BasicArabic => &tables::BASIC_ARABIC,
        Charset::ExtendedArabic => &tables::EXTENDED_ARABIC,
        Charset::BasicGreek => &tables::BASIC_GREEK,
        Charset::Eacc => return None,
    })
}

/// Looks up a graphic byte (0x21..=0x7E or 0xA1..=0xFE) in a single-byte table.
pub(crate) fn lookup_single(table: &SingleByteTable, byte: u8) -> Cell {
    let position = usize::from(byte & 0x7F);
    position
        .checked_sub(0x21)
        .and_then(|index| table.get(index))
        .copied()
        .unwrap_or(Cell::Unassigned)
}

/// Looks up a three-byte EACC code (7-bit bytes, big-endian): LC's table first,
/// then the III extensions.
pub(crate) fn lookup_eacc(code: u32) -> Option<char> {
    if let Ok(index) = tables::EACC_CODES.binary_search(&code) {
        return tables::EACC_CHARS.get(index).copied();
    }
    III_EACC_EXTENSIONS
        .binary_search_by_key(&code, |&(extension, _)| extension)
        .ok()
        .and_then(|index| III_EACC_EXTENSIONS.get(index))
        .map(|&(_, ch)| ch)
}

/// The MARC-8 meaning of a C1 control byte (0x80..=0x9F), if it has one.
pub(crate) fn lookup_c1(byte: u8) -> Option<char> {
    tables::C1_CONTROLS
        .iter()
        .find(|&&(code, _)| code == byte)
        .map(|&(_, ch)| ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eacc_codes_are_sorted_unique_and_seven_bit() {
        assert!(tables::EACC_CODES.windows(2).all(|w| w[0] < w[1]));
        for &code in &tables::EACC_CODES {
            for shift in [16, 8, 0] {
                let byte = (code >> shift) & 0xFF;
                // 0x20 occurs once: 0x212320 is IDEOGRAPHIC SPACE.
                assert!((0x20..=0x7E).contains(&byte), "{code:06X}");
            }
        }
    }

    #[test]
    fn iii_extensions_are_sorted_and_do_not_shadow_lc_codes() {
        assert!(III_EACC_EXTENSIONS.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _) in III_EACC_EXTENSIONS {
            assert!(
                tables::EACC_CODES.binary_search(&code).is_err(),
                "{code:06X}"
            );
        }
    }

    #[test]
    fn every_single_byte_set_has_a_table() {
        for charset in Charset::ALL {
            assert_eq!(
                single_byte_table(charset).is_none(),
                charset == Charset::Eacc,
                "{charset:?}"
            );
        }
    }

    #[test]
    fn known_mappings() {
        let ansel = &tables::EXTENDED_LATIN_ANSEL;
        assert_eq!(lookup_single(ansel, 0xE2), Cell::Combining('\u{0301}'));
        assert_eq!(lookup_single(ansel, 0xAE), Cell::Base('\u{02BC}')); // 2005 alif revision
        assert_eq!(lookup_single(ansel, 0xC7), Cell::Base('\u{00DF}')); // 2004 eszett
        assert_eq!(lookup_single(ansel, 0xC8), Cell::Base('\u{20AC}')); // 2004 euro
        assert_eq!(lookup_single(ansel, 0xEB), Cell::Combining('\u{0361}')); // ucs
        assert_eq!(lookup_single(ansel, 0xEC), Cell::Combining('\u{FE21}')); // alt
        assert_eq!(lookup_single(ansel, 0xFA), Cell::Combining('\u{0360}'));
        assert_eq!(lookup_single(ansel, 0xFB), Cell::Combining('\u{FE23}'));
        assert_eq!(lookup_single(ansel, 0xFD), Cell::Unassigned);
        assert_eq!(lookup_single(&tables::BASIC_LATIN, b'A'), Cell::Base('A'));
        assert_eq!(lookup_single(&tables::BASIC_LATIN, b' '), Cell::Unassigned);
        assert_eq!(
            lookup_single(&tables::BASIC_GREEK, b'?'),
            Cell::BaseNotInert('\u{037E}')
        );
        assert_eq!(
            lookup_single(&tables::BASIC_CYRILLIC, b'A'),
            Cell::Base('\u{0430}')
        );
        assert_eq!(
            lookup_single(&tables::EXTENDED_CYRILLIC, 0xC0),
            lookup_single(&tables::EXTENDED_CYRILLIC, 0x40)
        );
        assert_eq!(lookup_eacc(0x21_3064), Some('\u{4EBA}'));
        assert_eq!(lookup_eacc(0x7F_21_22), Some('\u{2122}'));
        assert_eq!(lookup_eacc(0x7E_7E_7E), None);
        assert_eq!(lookup_c1(0x88), Some('\u{0098}'));
        assert_eq!(lookup_c1(0x80), None);
    }
}
