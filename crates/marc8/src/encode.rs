//! The MARC-8 encoder: Unicode to escape sequences, working sets and combining
//! marks written before their base character.
//!
//! The reverse lookup is built once from the same generated tables the
//! decoder uses ([`crate::tables`]); nothing here is generated separately.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::charset::Charset;
use crate::error::{EncodeError, EncodeReason};
use crate::table::{self, Cell};
use crate::tables;

const ESC: u8 = 0x1B;

/// Whether encoding stops at the first unencodable character or writes it as
/// a numeric character reference and goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Strict,
    Lossy,
}

/// One way to write a character: a code in a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Code {
    set: Charset,
    /// 7-bit bytes: one for single-byte sets, three for EACC.
    bytes: [u8; 3],
}

impl Code {
    fn bytes(&self) -> &[u8] {
        if self.set.is_multibyte() {
            &self.bytes
        } else {
            &self.bytes[..1]
        }
    }
}

/// Every way to write a character, best first, and whether MARC-8 treats it as
/// a combining mark (written before its base). The flag does not depend on the
/// set: no character is combining in one MARC-8 set and spacing in another.
#[derive(Clone, Debug, Default)]
struct Entry {
    codes: Vec<Code>,
    combining: bool,
}

/// Rank of a set when a character is in several: Basic Latin and ANSEL (the
/// default working sets, so no escape is needed), then the sets for whole
/// scripts before the special ones (α, β and γ from Basic Greek, not Greek
/// Symbols), EACC last (three bytes per character).
fn rank(set: Charset) -> usize {
    const ORDER: [Charset; 12] = [
        Charset::BasicLatin,
        Charset::ExtendedLatin,
        Charset::BasicCyrillic,
        Charset::ExtendedCyrillic,
        Charset::BasicGreek,
        Charset::BasicHebrew,
        Charset::BasicArabic,
        Charset::ExtendedArabic,
        Charset::Subscripts,
        Charset::Superscripts,
        Charset::GreekSymbols,
        Charset::Eacc,
    ];
    ORDER.iter().position(|&s| s == set).unwrap_or(ORDER.len())
}

/// The reverse code tables: Unicode character to MARC-8 codes.
static REVERSE: LazyLock<HashMap<char, Entry>> = LazyLock::new(build_reverse);

fn build_reverse() -> HashMap<char, Entry> {
    let mut map: HashMap<char, Entry> = HashMap::with_capacity(tables::EACC_LEN + 1024);
    let mut add = |ch: char, code: Code, combining: bool| {
        let entry = map.entry(ch).or_default();
        entry.combining |= combining;
        entry.codes.push(code);
    };
    for set in Charset::ALL {
        let Some(table) = table::single_byte_table(set) else {
            continue;
        };
        for (index, cell) in table.iter().enumerate() {
            // The table has 94 cells, 0x21..=0x7E.
            let byte = 0x21 + u8::try_from(index).unwrap_or(0);
            let (ch, combining) = match *cell {
                Cell::Base(ch) | Cell::BaseNotInert(ch) => (ch, false),
                Cell::Combining(ch) => (ch, true),
                Cell::Unassigned => continue,
            };
            let code = Code {
                set,
                bytes: [byte, 0, 0],
            };
            add(ch, code, combining);
        }
    }
    for (&code, &ch) in tables::EACC_CODES.iter().zip(tables::EACC_CHARS.iter()) {
        let [_, b1, b2, b3] = code.to_be_bytes();
        add(
            ch,
            Code {
                set: Charset::Eacc,
                bytes: [b1, b2, b3],
            },
            false,
        );
    }
    for entry in map.values_mut() {
        // Best first: by set; within EACC, codes made of graphic bytes only
        // (0x212320, one of the two IDEOGRAPHIC SPACEs, contains 0x20), then
        // the lowest code. The sort is stable and keys are total, so the
        // choice is deterministic.
        entry.codes.sort_by_key(|code| {
            (
                rank(code.set),
                code.bytes().iter().any(|b| !(0x21..=0x7E).contains(b)),
                code.bytes,
            )
        });
        entry.codes.dedup();
    }
    map
}

fn lookup(ch: char) -> Option<&'static Entry> {
    REVERSE.get(&ch)
}

/// C0 and DEL pass through as they are (the decoder passes them through);
/// four C1 positions carry MARC-8's own controls.
fn control_byte(ch: char) -> Option<u8> {
    match ch {
        '\u{1B}' => None,
        '\u{00}'..='\u{1F}' | '\u{7F}' => u8::try_from(u32::from(ch)).ok(),
        _ => tables::C1_CONTROLS
            .iter()
            .find(|&&(_, c)| c == ch)
            .map(|&(byte, _)| byte),
    }
}

/// ANSEL's first halves of the double diacritics (ligature, double tilde) and
/// the byte of the second half that goes before the next letter.
fn second_half(mark: char) -> Option<u8> {
    match mark {
        '\u{0361}' => Some(0xEC),
        '\u{0360}' => Some(0xFB),
        _ => None,
    }
}

/// A base character and the marks that follow it in Unicode order.
struct Cluster {
    base: char,
    marks: Vec<char>,
}

struct Encoder {
    out: Vec<u8>,
    /// The set designated as G0. G1 stays ANSEL throughout.
    g0: Charset,
    mode: Mode,
    errors: Vec<EncodeError>,
    /// The base read last, waiting for its marks.
    pending: Option<Cluster>,
    /// Marks with no base before them (at the start, or after a control), with
    /// their offsets.
    orphans: Vec<(usize, char)>,
    /// The second half of a double diacritic written on the last base, due
    /// before the next one.
    due_second_half: Option<u8>,
}

impl Encoder {
    fn new(capacity: usize, mode: Mode) -> Self {
        Encoder {
            out: Vec::with_capacity(capacity),
            g0: Charset::BasicLatin,
            mode,
            errors: Vec::new(),
            pending: None,
            orphans: Vec::new(),
            due_second_half: None,
        }
    }

    /// Records an unencodable character; in lossy mode writes it as LC's
    /// numeric character reference (`&#x2014;`), which decodes as ASCII text.
    /// Returns false in strict mode (stop).
    fn fail(&mut self, offset: usize, ch: char, reason: EncodeReason) -> bool {
        self.errors.push(EncodeError {
            offset,
            character: ch,
            reason,
        });
        if self.mode == Mode::Strict {
            return false;
        }
        // The reference stands where the character stood.
        self.flush();
        self.designate(Charset::BasicLatin);
        self.out
            .extend_from_slice(format!("&#x{:04X};", u32::from(ch)).as_bytes());
        true
    }

    /// Makes `set` the G0 set, writing the escape sequence if it is not.
    fn designate(&mut self, set: Charset) {
        if self.g0 == set || set == Charset::ExtendedLatin {
            return;
        }
        let from_special = matches!(
            self.g0,
            Charset::GreekSymbols | Charset::Subscripts | Charset::Superscripts
        );
        self.out.push(ESC);
        match set {
            Charset::BasicLatin if from_special => self.out.push(b's'),
            Charset::GreekSymbols | Charset::Subscripts | Charset::Superscripts => {
                self.out.push(set.final_byte());
            }
            Charset::Eacc => self.out.extend_from_slice(&[b'$', set.final_byte()]),
            _ => self.out.extend_from_slice(&[b'(', set.final_byte()]),
        }
        self.g0 = set;
    }

    /// Writes one character by the best of its codes: ASCII characters in
    /// Basic Latin (as LC's converters write them, even inside text in other
    /// sets that have them too), others from a set already designated if one
    /// has it, else by the first code.
    fn put(&mut self, entry: &Entry) {
        let Some(&best) = entry.codes.first() else {
            return;
        };
        let designated = entry
            .codes
            .iter()
            .find(|code| code.set == self.g0 || code.set == Charset::ExtendedLatin);
        let code = match designated {
            Some(&code) if best.set != Charset::BasicLatin => code,
            _ => best,
        };
        if code.set == Charset::ExtendedLatin {
            self.out.push(code.bytes[0] | 0x80);
        } else {
            self.designate(code.set);
            self.out.extend_from_slice(code.bytes());
        }
    }

    /// Writes the waiting cluster: the due second half, the marks, the base.
    fn flush(&mut self) {
        let Some(cluster) = self.pending.take() else {
            return;
        };
        if let Some(byte) = self.due_second_half.take() {
            self.out.push(byte);
        }
        for &mark in &cluster.marks {
            if let Some(entry) = lookup(mark) {
                self.put(entry);
            }
            if let Some(byte) = second_half(mark) {
                self.due_second_half = Some(byte);
            }
        }
        if cluster.base == ' ' {
            // A space is a space in every working set, but LC-converted data
            // (pymarc's table) returns to ASCII for it, and so do we: the
            // output then matches it byte for byte, and no reader has to know
            // that 0x20 inside EACC text is not part of a character.
            self.designate(Charset::BasicLatin);
            self.out.push(b' ');
        } else if let Some(entry) = lookup(cluster.base) {
            self.put(entry);
        }
    }

    /// Writes marks that have no base where the decoder keeps them in place:
    /// before a control character or at the end.
    fn flush_orphans(&mut self) {
        for (_, mark) in std::mem::take(&mut self.orphans) {
            if let Some(entry) = lookup(mark) {
                self.put(entry);
            }
        }
    }

    /// A new base character: the previous cluster is complete.
    fn base(&mut self, base: char) -> bool {
        // Marks with no base before them would attach to this one when
        // decoded.
        for (at, mark) in std::mem::take(&mut self.orphans) {
            if !self.fail(at, mark, EncodeReason::NoBaseCharacter) {
                return false;
            }
        }
        self.flush();
        self.pending = Some(Cluster {
            base,
            marks: Vec::new(),
        });
        true
    }

    fn mark(&mut self, offset: usize, mark: char) {
        match &mut self.pending {
            Some(cluster) => cluster.marks.push(mark),
            None => self.orphans.push((offset, mark)),
        }
    }

    fn control(&mut self, byte: u8) {
        self.flush();
        self.flush_orphans();
        // The decoder forgets an open double diacritic at a control.
        self.due_second_half = None;
        if byte == 0x7F && self.g0 == Charset::Eacc {
            // In EACC, 0x7F is a graphic byte.
            self.designate(Charset::BasicLatin);
        }
        self.out.push(byte);
    }

    /// Encodes one character of NFC text.
    fn char(&mut self, offset: usize, ch: char) -> bool {
        if ch == ' ' {
            return self.base(ch);
        }
        if let Some(byte) = control_byte(ch) {
            self.control(byte);
            return true;
        }
        if ch == '\u{1B}' {
            return self.fail(offset, ch, EncodeReason::Escape);
        }
        if let Some(entry) = lookup(ch) {
            if entry.combining {
                self.mark(offset, ch);
                return true;
            }
            return self.base(ch);
        }
        match decompose(ch) {
            Some((base, marks)) => {
                if !self.base(base) {
                    return false;
                }
                for mark in marks {
                    self.mark(offset, mark);
                }
                true
            }
            None => self.fail(offset, ch, EncodeReason::NotInMarc8),
        }
    }

    fn finish(mut self) -> (Vec<u8>, Vec<EncodeError>) {
        self.flush();
        self.flush_orphans();
        self.designate(Charset::BasicLatin);
        (self.out, self.errors)
    }
}

/// Decomposes a character that no MARC-8 set has into a base and marks that
/// all are in MARC-8: its canonical decomposition, with the base recomposed
/// with those marks for which the result is a MARC-8 base character (`ờ` is
/// ANSEL's `ơ` and a grave accent, since ANSEL has no combining horn). None
/// when some part is not in MARC-8.
fn decompose(ch: char) -> Option<(char, Vec<char>)> {
    let mut parts = Vec::with_capacity(4);
    decompose_canonical(ch, |part| parts.push(part));
    let (&first, rest) = parts.split_first()?;
    if parts.len() == 1 && first == ch {
        return None;
    }
    let mut base = first;
    let mut marks: Vec<char> = rest.to_vec();
    // Compose as NFC would (a mark is blocked by an earlier remaining mark of
    // the same or higher class), but only into characters MARC-8 has.
    let mut index = 0;
    while index < marks.len() {
        let mark = marks[index];
        let class = canonical_combining_class(mark);
        let blocked = class == 0
            || marks[..index]
                .iter()
                .any(|&earlier| canonical_combining_class(earlier) >= class);
        let composed = compose(base, mark).filter(|c| lookup(*c).is_some_and(|e| !e.combining));
        match composed {
            Some(composed) if !blocked => {
                base = composed;
                marks.remove(index);
            }
            _ => index += 1,
        }
    }
    let base_ok = lookup(base).is_some_and(|e| !e.combining);
    let marks_ok = marks
        .iter()
        .all(|&m| lookup(m).is_some_and(|e| e.combining));
    (base_ok && marks_ok).then_some((base, marks))
}

/// Encodes `text`; see [`crate::unicode_to_marc8`].
pub(crate) fn encode(text: &str, mode: Mode) -> (Vec<u8>, Vec<EncodeError>) {
    if text.is_ascii() && !text.contains('\u{1B}') {
        // Every ASCII character but ESC is itself in the default state.
        return (text.as_bytes().to_vec(), Vec::new());
    }
    let nfc;
    let text = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        nfc = text.nfc().collect::<String>();
        nfc.as_str()
    };
    let mut encoder = Encoder::new(text.len() + 8, mode);
    for (offset, ch) in text.char_indices() {
        if !encoder.char(offset, ch) {
            break;
        }
    }
    if mode == Mode::Strict && !encoder.errors.is_empty() {
        return (Vec::new(), encoder.errors);
    }
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_character_has_a_code_and_the_flags_agree() {
        for set in Charset::ALL {
            let Some(table) = table::single_byte_table(set) else {
                continue;
            };
            for cell in table {
                match *cell {
                    Cell::Base(ch) | Cell::BaseNotInert(ch) => {
                        assert!(!lookup(ch).is_some_and(|e| e.combining), "{ch:?}");
                    }
                    Cell::Combining(ch) => {
                        assert!(lookup(ch).is_some_and(|e| e.combining), "{ch:?}");
                    }
                    Cell::Unassigned => {}
                }
            }
        }
        for &ch in &tables::EACC_CHARS {
            assert!(lookup(ch).is_some(), "{ch:?}");
        }
    }

    #[test]
    fn preferred_codes() {
        let first = |ch: char| lookup(ch).map(|e| e.codes[0]);
        assert_eq!(first('.').map(|c| c.set), Some(Charset::BasicLatin));
        assert_eq!(
            first('\u{301}').map(|c| c.set),
            Some(Charset::ExtendedLatin)
        );
        // Of the two IDEOGRAPHIC SPACEs, the one without a 0x20 byte.
        assert_eq!(first('\u{3000}').map(|c| c.bytes), Some([0x21, 0x23, 0x21]));
    }

    #[test]
    fn decomposition_recomposes_into_marc8_bases() {
        assert_eq!(decompose('é'), Some(('e', vec!['\u{301}'])));
        // o with horn and grave: ANSEL has ơ, not a combining horn.
        assert_eq!(decompose('\u{1EDD}'), Some(('\u{1A1}', vec!['\u{300}'])));
        assert_eq!(decompose('a'), None);
        assert_eq!(decompose('\u{1F600}'), None);
    }

    use crate::{marc8_to_unicode, unicode_to_marc8, unicode_to_marc8_lossy};

    fn enc(text: &str) -> Vec<u8> {
        match unicode_to_marc8(text) {
            Ok(bytes) => bytes,
            Err(error) => panic!("{text:?}: {error}"),
        }
    }

    /// Encodes, checks the bytes decode back to the NFC text, returns them.
    fn round_trip(text: &str) -> Vec<u8> {
        let bytes = enc(text);
        let decoded = marc8_to_unicode(&bytes).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(
            decoded,
            text.nfc().collect::<String>(),
            "{text:?} → {bytes:?}"
        );
        bytes
    }

    #[test]
    fn latin_with_diacritics() {
        assert_eq!(round_trip("é"), b"\xe2e");
        assert_eq!(round_trip("ø"), b"\xb2");
        assert_eq!(round_trip("Ø"), b"\xa2");
        // Decomposed input gives the same bytes.
        assert_eq!(round_trip("e\u{301}"), b"\xe2e");
        assert_eq!(
            round_trip("De la solitude à la communauté."),
            b"De la solitude \xe1a la communaut\xe2e."
        );
        // Two marks keep their Unicode order, both before the letter.
        assert_eq!(round_trip("\u{1EAD}"), b"\xf2\xe3a");
        assert_eq!(round_trip("Dvořák"), b"Dvo\xe9r\xe2ak");
        // ơ is an ANSEL letter; ờ is ơ with a grave accent.
        assert_eq!(round_trip("\u{1EDD}"), b"\xe1\xbc");
        round_trip("Nguyễn Thị Minh Khai, Đà Nẵng, ß, Æsop, Łódź, €5");
    }

    #[test]
    fn cyrillic_word() {
        assert_eq!(round_trip("Москва"), b"\x1b(NmOSKWA\x1b(B");
        // Spaces are written in ASCII, as LC's converters do.
        assert_eq!(round_trip("Москва 1990"), b"\x1b(NmOSKWA\x1b(B 1990");
        // So are ASCII punctuation and digits, which Basic Cyrillic has too.
        assert_eq!(round_trip("Москва,1990"), b"\x1b(NmOSKWA\x1b(B,1990");
        // Greek letters from Basic Greek; the accent, written before the
        // letter while G0 is still ASCII, from ANSEL (G1).
        assert_eq!(round_trip("ά"), b"\xe2\x1b(Sa\x1b(B");
        // α is in Greek Symbols too; Basic Greek is preferred.
        assert_eq!(round_trip("α"), b"\x1b(Sa\x1b(B");
        // й is one Basic Cyrillic code, ё and ї are Extended Cyrillic.
        round_trip("Чайковский, Фёдор, Київ");
        assert_eq!(round_trip("й"), b"\x1b(NJ\x1b(B");
    }

    #[test]
    fn cjk_word() {
        assert_eq!(round_trip("人"), b"\x1b$1!0d\x1b(B");
        round_trip("中國文學史 / 鄭振鐸");
        round_trip("日本の茶書 がぎ"); // kana with voicing marks stay whole
        round_trip("한국어 사전"); // Hangul syllables
    }

    #[test]
    fn other_scripts() {
        round_trip("Ἀθῆναι, Ελληνικά; ·");
        round_trip("שָׁלוֹם עֲלֵיכֶם");
        round_trip("السلام عليكم، ١٩٩٠");
        round_trip("H₂O, x², αβγ");
    }

    #[test]
    fn unrepresentable_characters_are_errors() {
        let error = unicode_to_marc8("Smile \u{1F600}!").unwrap_err();
        assert_eq!(error.character, '\u{1F600}');
        assert_eq!(error.offset, 6);
        assert_eq!(error.reason, EncodeReason::NotInMarc8);
        for text in ["a—b", "it’s", "no\u{A0}break", "…"] {
            assert_eq!(
                unicode_to_marc8(text).map_err(|e| e.reason),
                Err(EncodeReason::NotInMarc8),
                "{text:?}"
            );
        }
        assert_eq!(
            unicode_to_marc8("x\u{1B}(B").map_err(|e| (e.offset, e.reason)),
            Err((1, EncodeReason::Escape))
        );
        // A mark with nothing before it would attach to the letter after it.
        assert_eq!(
            unicode_to_marc8("\u{301}e").map_err(|e| (e.offset, e.reason)),
            Err((0, EncodeReason::NoBaseCharacter))
        );
        assert_eq!(
            unicode_to_marc8("ab\u{1F}\u{301}c").map_err(|e| (e.offset, e.reason)),
            Err((3, EncodeReason::NoBaseCharacter))
        );
    }

    #[test]
    fn marks_without_a_base_stay_where_the_decoder_keeps_them() {
        assert_eq!(round_trip("\u{301}"), b"\xe2");
        assert_eq!(round_trip("q\u{1F}\u{308}\u{1F}b"), b"q\x1f\xe8\x1fb");
        // After a space, a mark belongs to the space.
        assert_eq!(round_trip("x \u{301}y"), b"x\xe2 y");
    }

    #[test]
    fn double_diacritics() {
        assert_eq!(round_trip("t\u{361}s"), b"\xebt\xecs");
        assert_eq!(round_trip("n\u{360}g"), b"\xfan\xfbg");
        // The second half goes with the next letter's own marks.
        round_trip("I\u{361}A\u{300}kov");
        // At the end, or before a control, the second half is left out.
        assert_eq!(round_trip("t\u{361}"), b"\xebt");
        assert_eq!(round_trip("t\u{361}\u{1F}s"), b"\xebt\x1fs");
        // A half mark on its own stays one.
        round_trip("(o\u{FE21})");
        round_trip("t\u{361}s\u{FE23}");
    }

    #[test]
    fn controls_pass_through() {
        assert_eq!(round_trip("a\u{1F}b\u{1E}"), b"a\x1fb\x1e");
        assert_eq!(round_trip("\u{98}The\u{9C} end"), b"\x88The\x89 end");
        round_trip("\u{5D0}\u{200D}\u{5D1}\u{200C}");
        // DEL inside EACC text: back to ASCII first.
        let bytes = round_trip("人\u{7F}");
        assert_eq!(bytes, b"\x1b$1!0d\x1b(B\x7f");
    }

    #[test]
    fn ascii_is_unchanged_and_output_ends_in_ascii() {
        assert_eq!(enc(""), b"");
        assert_eq!(enc("Plain ASCII, 123."), b"Plain ASCII, 123.");
        for text in ["Москва", "人", "H₂", "αβγ", "x²"] {
            let bytes = enc(text);
            let tail = &bytes[bytes.len().saturating_sub(3)..];
            assert!(
                tail == b"\x1b(B" || tail.ends_with(b"\x1bs"),
                "{text:?} {bytes:?}"
            );
        }
    }

    #[test]
    fn lossy_writes_references() {
        let (bytes, errors) = unicode_to_marc8_lossy("Café — “quoted” \u{1F600}");
        assert_eq!(
            errors.iter().map(|e| e.character).collect::<Vec<_>>(),
            ['—', '\u{1F600}']
        );
        let decoded = marc8_to_unicode(&bytes).unwrap_or_default();
        assert_eq!(decoded, "Café &#x2014; “quoted” &#x1F600;");
        let (bytes, errors) = unicode_to_marc8_lossy("Москва");
        assert!(errors.is_empty());
        assert_eq!(bytes, enc("Москва"));
        let (bytes, errors) = unicode_to_marc8_lossy("\u{301}e");
        assert_eq!(errors.len(), 1);
        assert_eq!(marc8_to_unicode(&bytes).unwrap_or_default(), "&#x0301;e");
    }

    /// Every character of every table, alone and between letters, round-trips
    /// (in NFC) or is rejected as a mark with no base.
    #[test]
    fn every_table_character_round_trips() {
        let mut chars: Vec<char> = REVERSE.keys().copied().collect();
        chars.sort_unstable();
        for ch in chars {
            let lone: String = std::iter::once(ch).collect();
            let framed = format!("a{ch}b");
            for text in [lone, framed] {
                match unicode_to_marc8(&text) {
                    Ok(bytes) => {
                        let decoded = marc8_to_unicode(&bytes)
                            .unwrap_or_else(|e| panic!("{text:?} {bytes:?}: {e}"));
                        assert_eq!(decoded, text.nfc().collect::<String>(), "{bytes:?}");
                    }
                    Err(error) => {
                        assert_eq!(error.reason, EncodeReason::NoBaseCharacter, "{text:?}");
                    }
                }
            }
        }
    }
}
