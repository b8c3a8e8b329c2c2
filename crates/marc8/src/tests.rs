//! Unit tests of the public decoding functions.

use unicode_normalization::{UnicodeNormalization, is_nfc};

use super::*;
use crate::table::{self, Cell};

fn ok(input: &[u8]) -> String {
    match marc8_to_unicode(input) {
        Ok(text) => text,
        Err(error) => panic!("{input:?}: {error}"),
    }
}

fn err(input: &[u8]) -> Marc8Error {
    match marc8_to_unicode(input) {
        Ok(text) => panic!("{input:?} decoded to {text:?}, expected an error"),
        Err(error) => error,
    }
}

#[test]
fn combining_diacritic_moves_after_its_base_letter() {
    assert_eq!(ok(b"\xe2e"), "\u{e9}");
    assert_eq!(
        ok(b"De la solitude \xe1a la communaut\xe2e."),
        "De la solitude à la communauté."
    );
    // Two marks on one letter keep MARC-8 order, then NFC composes: a + dot
    // below + circumflex = U+1EAD.
    assert_eq!(ok(b"\xf2\xe3a"), "\u{1EAD}");
    assert_eq!(ok(b"\xe3\xf2a"), "\u{1EAD}");
    // No precomposed form: the mark follows the letter.
    assert_eq!(ok(b"\xe5q"), "q\u{0304}");
    // A mark before a space is a spacing diacritic in MARC-8 practice.
    assert_eq!(ok(b"x\xe2 y"), "x \u{0301}y");
}

#[test]
fn every_ansel_diacritic_on_every_ascii_graphic_is_nfc() {
    for mark_byte in 0xE0..=0xFE_u8 {
        let Cell::Combining(mark) = table::lookup_single(&tables::EXTENDED_LATIN_ANSEL, mark_byte)
        else {
            continue;
        };
        for letter in 0x21..=0x7E_u8 {
            let decoded = ok(&[mark_byte, letter]);
            let expected: String = [char::from(letter), mark].into_iter().nfc().collect();
            assert_eq!(decoded, expected, "{mark_byte:02X} {letter:02X}");
        }
    }
}

#[test]
fn dangling_marks_are_kept() {
    // At the end of the input, and before a control byte (subfield delimiter).
    assert_eq!(ok(b"ab\xe2"), "ab\u{0301}");
    assert_eq!(ok(b"q\xe8\x1fbc"), "q\u{0308}\u{1f}bc");
}

#[test]
fn ligature_and_double_tilde_halves_become_one_double_diacritic() {
    // t͡s: ANSEL EB before the first letter, EC before the second.
    assert_eq!(ok(b"\xebt\xecs"), "t\u{0361}s");
    assert_eq!(ok(b"\xfan\xfbg"), "n\u{0360}g");
    // A second half with no first half is kept as the half mark.
    assert_eq!(ok(b"(\xeco)"), "(o\u{FE21})");
    assert_eq!(ok(b"\xfbo"), "o\u{FE23}");
    // Only the matching second half closes a first half.
    assert_eq!(ok(b"\xebt\xfbs"), "t\u{0361}s\u{FE23}");
}

#[test]
fn escape_to_cyrillic_and_back() {
    assert_eq!(ok(b"\x1b(NmOSKWA\x1b(B 1990"), "Москва 1990");
    // Technique 2 with G1: Extended Cyrillic in the high half, ASCII stays G0.
    assert_eq!(
        ok(b"\x1b)Q\xc7\xe7\x1b)!E a\xe2e"),
        "\u{457}\u{407} a\u{e9}"
    );
    // ANSEL diacritics (G1) apply to Cyrillic letters (G0); pending marks
    // survive an escape sequence.
    assert_eq!(ok(b"\x1b(N\xe2A"), "\u{430}\u{301}");
    assert_eq!(ok(b"\xe8\x1b(NE\x1b(B"), "\u{451}");
    // Sets persist until changed: space and ASCII digits in Cyrillic.
    assert_eq!(ok(b"\x1b(NDOM 2\x1b(B!"), "дом 2!");
}

#[test]
fn technique_one_sets() {
    assert_eq!(ok(b"CO\x1bb2\x1bs is a gas"), "CO\u{2082} is a gas");
    assert_eq!(ok(b"x\x1bp2\x1bs"), "x\u{00B2}");
    assert_eq!(ok(b"\x1bga\x1bs"), "\u{03B1}");
    // A subscript set has no letters.
    let error = err(b"\x1bbx");
    assert_eq!(error.offset, 2);
    assert_eq!(
        error.reason,
        ErrorReason::Unassigned {
            byte: b'x',
            set: Charset::Subscripts,
            working_set: WorkingSet::G0
        }
    );
}

#[test]
fn revised_ansel_mappings() {
    assert_eq!(ok(b"\xc7"), "\u{00DF}");
    assert_eq!(ok(b"\xc8"), "\u{20AC}");
    assert_eq!(ok(b"\xae"), "\u{02BC}");
}

#[test]
fn eacc_three_byte_character() {
    assert_eq!(ok(b"\x1b$1!0d\x1b(B"), "\u{4EBA}");
    // Single-byte space inside an EACC run; IDEOGRAPHIC SPACE is 0x212320.
    assert_eq!(
        ok(b"\x1b$1!0d !0d!# !0d"),
        "\u{4EBA} \u{4EBA}\u{3000}\u{4EBA}"
    );
    // EACC designated as G1: the same code with the high bits set.
    assert_eq!(ok(b"a\x1b$)1\xa1\xb0\xe4b"), "a\u{4EBA}b");
    // ANSEL stays in G1 while EACC is G0.
    assert_eq!(ok(b"\x1b$1!0d\xc3!0d"), "\u{4EBA}\u{a9}\u{4EBA}");
    // III's EACC punctuation (not in LC's tables).
    assert_eq!(ok(b"\x1b$1\x7f!\""), "\u{2122}");
}

#[test]
fn truncated_eacc_is_an_error() {
    let error = err(b"\x1b$1!0");
    assert_eq!(error.offset, 3);
    assert_eq!(
        error.reason,
        ErrorReason::TruncatedEacc {
            available: 2,
            next: None
        }
    );
    let error = err(b"\x1b$1!0d!\x1b(B");
    assert_eq!(error.offset, 6);
    assert_eq!(
        error.reason,
        ErrorReason::TruncatedEacc {
            available: 1,
            next: Some(0x1B)
        }
    );
    let error = err(b"\x1b$1\x7e\x7e\x7e");
    assert_eq!(
        error.reason,
        ErrorReason::UnassignedEacc {
            code: 0x7E7E7E,
            working_set: WorkingSet::G0
        }
    );
}

#[test]
fn unknown_escape_is_an_error_with_offset() {
    let error = err(b"abc\x1b(Zdef");
    assert_eq!(error.offset, 3);
    assert_eq!(
        error.reason,
        ErrorReason::UnknownEscape {
            sequence: b"\x1b(Z".to_vec()
        }
    );
    assert_eq!(
        error.to_string(),
        "invalid MARC-8 at byte offset 3: unknown escape sequence ESC 28 5A"
    );
    let error = err(b"La Soci\xe2et\xe2e\x1b,");
    assert_eq!(error.offset, 12);
    assert!(matches!(error.reason, ErrorReason::TruncatedEscape { .. }));
}

#[test]
fn undecodable_bytes_are_errors() {
    // 0xFD is unassigned in ANSEL; 0xA0 and 0xFF are never graphic.
    for (input, byte) in [(&b"ab\xfd"[..], 0xFD), (b"ab\xa0", 0xA0), (b"ab\xff", 0xFF)] {
        let error = err(input);
        assert_eq!(error.offset, 2);
        assert_eq!(
            error.reason,
            ErrorReason::Unassigned {
                byte,
                set: Charset::ExtendedLatin,
                working_set: WorkingSet::G1
            }
        );
    }
    assert_eq!(
        err(b"\x80").reason,
        ErrorReason::UndefinedControl { byte: 0x80 }
    );
}

#[test]
fn controls() {
    // C0 pass through; MARC-8's C1 controls map to Unicode.
    assert_eq!(
        ok(b"\x1fa\x88The \x89title\x1e"),
        "\u{1f}a\u{98}The \u{9c}title\u{1e}"
    );
    assert_eq!(ok(b"t\x8ds\x8e"), "t\u{200D}s\u{200C}");
}

#[test]
fn hebrew_points_follow_their_letter() {
    // Basic Hebrew: 0x60 ALEF, 0x41 QAMATS (combining, written first in MARC-8).
    assert_eq!(ok(b"\x1b(2A`\x1b(B"), "\u{05D0}\u{05B8}");
}

#[test]
fn lossy_mode_substitutes_and_continues() {
    let (text, errors) = marc8_to_unicode_lossy(b"caf\xe2e \xff \x1b(Zok");
    assert_eq!(text, "café \u{FFFD} \u{FFFD}ok");
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].offset, 6);
    assert_eq!(errors[1].offset, 8);

    // A diacritic before an undecodable byte stays with its replacement.
    let (text, errors) = marc8_to_unicode_lossy(b"\xe2\xfdx");
    assert_eq!(text, "\u{FFFD}\u{0301}x");
    assert_eq!(errors.len(), 1);

    // Truncated EACC before ESC: replaced, and the escape still applies.
    let (text, errors) = marc8_to_unicode_lossy(b"\x1b$1!0d!0\x1b(Bz");
    assert_eq!(text, "\u{4EBA}\u{FFFD}z");
    assert_eq!(errors.len(), 1);

    // Valid input: no errors, same text as the strict decoder.
    let input = b"\x1b(NmIR\x1b(B \xe1a";
    assert_eq!(marc8_to_unicode_lossy(input), (ok(input), Vec::new()));
}

#[test]
fn ascii_fast_path() {
    assert_eq!(
        passthrough(b"Plain title / by A. Author."),
        Some("Plain title / by A. Author.")
    );
    assert_eq!(passthrough(b""), Some(""));
    assert_eq!(passthrough(b"a\x1b(Bb"), None);
    assert_eq!(passthrough(b"caf\xe2e"), None);
    // The fast path must agree with the full decoder on every ASCII byte but ESC.
    let all: Vec<u8> = (0_u8..0x80).filter(|&b| b != 0x1B).collect();
    assert_eq!(
        passthrough(&all),
        Some(std::str::from_utf8(&all).unwrap_or_default())
    );
    let (slow, errors) = decode::decode(&all, decode::Mode::Strict);
    assert!(errors.is_empty());
    assert_eq!(Some(slow.as_str()), passthrough(&all));
    assert_eq!(ok(b"ISBN 0-123"), "ISBN 0-123");
}

#[test]
fn empty_input() {
    assert_eq!(ok(b""), "");
    assert_eq!(marc8_to_unicode_lossy(b""), (String::new(), Vec::new()));
    // Escapes alone decode to nothing.
    assert_eq!(ok(b"\x1b(N\x1b(B"), "");
}

/// A small deterministic generator (xorshift64*), so the fuzz test needs no
/// dependency and every run checks the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or_default()
    }
}

/// Bytes that exercise the decoder's branches more often than uniform bytes do.
const INTERESTING: &[u8] = b"\x1b\x1b\x1b($,)-!E1BN2QS34gbps \x1f\x1e\x7f\x88\x8d\x80\xa0\xa1\xe2\xeb\xec\xfa\xfb\xfd\xfe\xff!0d#";

fn random_input(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(24);
    (0..len)
        .map(|_| {
            if rng.below(2) == 0 {
                INTERESTING[rng.below(INTERESTING.len())]
            } else {
                u8::try_from(rng.next() & 0xFF).unwrap_or_default()
            }
        })
        .collect()
}

#[test]
fn fuzz_never_panics_and_modes_agree() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut decoded_ok = 0;
    for _ in 0..50_000 {
        let input = random_input(&mut rng);
        let strict = marc8_to_unicode(&input);
        let (lossy, errors) = marc8_to_unicode_lossy(&input);
        // The decoder's NFC shortcuts (skipping inert text, normalising piece by
        // piece) give exactly the NFC of what it decoded.
        let (raw, needs_nfc, _) = decode::decode_unnormalized(&input, decode::Mode::Lossy);
        let whole: String = raw.nfc().collect();
        assert_eq!(lossy, whole, "{input:?}");
        assert!(needs_nfc || raw == whole, "{input:?}");
        assert!(
            errors.windows(2).all(|w| w[0].offset < w[1].offset),
            "{input:?}: {errors:?}"
        );
        assert!(errors.iter().all(|e| e.offset < input.len()), "{input:?}");
        match strict {
            Ok(text) => {
                decoded_ok += 1;
                assert!(is_nfc(&text));
                assert!(errors.is_empty(), "{input:?}: {errors:?}");
                assert_eq!(text, lossy, "{input:?}");
            }
            Err(error) => {
                assert_eq!(errors.first(), Some(&error), "{input:?}");
                assert!(lossy.contains('\u{FFFD}'), "{input:?}");
            }
        }
    }
    // The generator must reach both outcomes to be worth anything.
    assert!(decoded_ok > 1_000, "{decoded_ok}");
}

#[test]
fn every_short_byte_string_is_handled() {
    // Exhaustive over all one- and two-byte inputs.
    for first in 0..=u8::MAX {
        let _ = marc8_to_unicode(&[first]);
        let _ = marc8_to_unicode_lossy(&[first]);
        for second in 0..=u8::MAX {
            let _ = marc8_to_unicode(&[first, second]);
            let (text, _) = marc8_to_unicode_lossy(&[first, second]);
            assert!(is_nfc(&text));
        }
    }
}
