//! The MARC-8 decoder: escape sequences, working sets, combining marks.

use unicode_normalization::char::{canonical_combining_class, compose};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::charset::Charset;
use crate::error::{ErrorReason, Marc8Error, WorkingSet};
use crate::table::{self, Cell, SingleByteTable};

const ESC: u8 = 0x1B;

/// Whether decoding stops at the first error or substitutes and goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Stop at the first error.
    Strict,
    /// Emit U+FFFD for the undecodable unit, record the error, continue.
    Lossy,
}

/// Decodes `input` from the default state (G0 Basic Latin, G1 ANSEL). Returns the
/// NFC text and the errors met; in [`Mode::Strict`] there is at most one error
/// and the text is then incomplete.
pub(crate) fn decode(input: &[u8], mode: Mode) -> (String, Vec<Marc8Error>) {
    let (text, needs_nfc, errors) = decode_unnormalized(input, mode);
    let text = if needs_nfc { to_nfc(text) } else { text };
    (text, errors)
}

/// [`decode`] before normalisation: the text, whether it may not be in NFC, and
/// the errors.
pub(crate) fn decode_unnormalized(input: &[u8], mode: Mode) -> (String, bool, Vec<Marc8Error>) {
    let mut decoder = Decoder {
        input,
        pos: 0,
        g0: Designated::new(Charset::BasicLatin),
        g1: Designated::new(Charset::ExtendedLatin),
        out: String::with_capacity(input.len() + input.len() / 2),
        marks: Vec::new(),
        open_double: None,
        needs_nfc: false,
        errors: Vec::new(),
    };
    decoder.run(mode);
    decoder.flush_marks();
    (decoder.out, decoder.needs_nfc, decoder.errors)
}

/// Puts decoded text into NFC, normalising only the pieces that need it.
///
/// Called only when the decoder wrote a combining mark or a non-inert base
/// character; otherwise the text is NFC by construction (see [`Cell::Base`]).
///
/// A position just before an ASCII character is a safe boundary for NFC: ASCII
/// characters are starters that never compose with a preceding character, so
/// normalisation never reorders or composes across them. Each piece from an
/// ASCII character (which may take combining marks) through the non-ASCII
/// characters after it is normalised on its own, and pure ASCII stretches are
/// copied. `unicode-normalization` costs tens of nanoseconds per byte even on
/// ASCII, and most MARC-8 text is ASCII with a few marks.
fn to_nfc(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(first_non_ascii) = rest.bytes().position(|byte| !byte.is_ascii()) {
        let start = first_non_ascii.saturating_sub(1);
        let end = rest
            .bytes()
            .skip(first_non_ascii)
            .position(|byte| byte.is_ascii())
            .map_or(rest.len(), |offset| first_non_ascii + offset);
        // Both split points are at ASCII bytes (or the ends), hence char
        // boundaries; the checked splits only guard that reasoning.
        let Some((ascii, tail)) = rest.split_at_checked(start) else {
            return text.nfc().collect();
        };
        let Some((piece, tail)) = tail.split_at_checked(end - start) else {
            return text.nfc().collect();
        };
        out.push_str(ascii);
        push_nfc(&mut out, piece);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// What one decoding step did: bytes consumed, or an error and the number of
/// bytes a lossy decoder skips to resynchronise.
type Step = Result<usize, (usize, ErrorReason)>;

/// The second halves of MARC-8's two-part double diacritics, keyed by the first
/// half, as the code tables map them: ANSEL EB/EC (ligature) and FA/FB (double
/// tilde). Unicode has a single mark spanning both letters (U+0361, U+0360)
/// written after the first letter, which is what the first half maps to; the
/// second half is then redundant and dropped. A second half with no open first
/// half is kept as its (deprecated) half mark, U+FE21 or U+FE23, so that no data
/// is lost.
const DOUBLE_DIACRITICS: [(char, char); 2] = [('\u{0361}', '\u{FE21}'), ('\u{0360}', '\u{FE23}')];

/// A set designated as a working set, with its table resolved once.
#[derive(Clone, Copy)]
struct Designated {
    set: Charset,
    /// `None` for EACC.
    table: Option<&'static SingleByteTable>,
}

impl Designated {
    fn new(set: Charset) -> Self {
        Self {
            set,
            table: table::single_byte_table(set),
        }
    }
}

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    g0: Designated,
    g1: Designated,
    out: String,
    /// Combining marks read but not yet written: MARC-8 puts them before the
    /// base character, Unicode after it.
    marks: Vec<char>,
    /// The second half that would close the last double diacritic written.
    open_double: Option<char>,
    /// Whether anything but NFC-inert characters was written (a combining mark
    /// or a [`Cell::BaseNotInert`] character); if not, the text is in NFC.
    needs_nfc: bool,
    errors: Vec<Marc8Error>,
}

impl Decoder<'_> {
    fn run(&mut self, mode: Mode) {
        while let Some(&byte) = self.input.get(self.pos) {
            let step = match byte {
                ESC => self.escape(),
                0x20 => {
                    self.base(' ');
                    Ok(1)
                }
                0x21..=0x7E => self.graphic(byte, WorkingSet::G0),
                0x7F if self.g0.set == Charset::Eacc => self.graphic(byte, WorkingSet::G0),
                0x00..=0x1F | 0x7F => {
                    self.control(char::from(byte));
                    Ok(1)
                }
                0x80..=0x9F => match table::lookup_c1(byte) {
                    Some(ch) => {
                        self.control(ch);
                        Ok(1)
                    }
                    None => Err((1, ErrorReason::UndefinedControl { byte })),
                },
                0xA0..=0xFF => self.graphic(byte, WorkingSet::G1),
            };
            match step {
                Ok(consumed) => self.pos += consumed,
                Err((skip, reason)) => {
                    let replaces_character = matches!(
                        reason,
                        ErrorReason::Unassigned { .. }
                            | ErrorReason::UnassignedEacc { .. }
                            | ErrorReason::TruncatedEacc { .. }
                    );
                    self.errors.push(Marc8Error {
                        offset: self.pos,
                        reason,
                    });
                    if mode == Mode::Strict {
                        return;
                    }
                    if replaces_character {
                        // Pending marks were meant for this character.
                        self.base(char::REPLACEMENT_CHARACTER);
                    } else {
                        self.out.push(char::REPLACEMENT_CHARACTER);
                    }
                    self.pos += skip.max(1);
                }
            }
        }
    }

    /// Writes a base character followed by the marks that preceded it.
    fn base(&mut self, ch: char) {
        self.out.push(ch);
        if !self.marks.is_empty() {
            self.flush_marks();
        }
    }

    /// Writes pending marks (after a base character, or dangling before a
    /// control character or at the end of the input).
    fn flush_marks(&mut self) {
        self.needs_nfc |= !self.marks.is_empty();
        for mark in self.marks.drain(..) {
            if let Some(&(_, second)) = DOUBLE_DIACRITICS.iter().find(|(first, _)| *first == mark) {
                self.open_double = Some(second);
            }
            self.out.push(mark);
        }
    }

    fn mark(&mut self, ch: char) {
        if self.open_double == Some(ch) {
            self.open_double = None;
        } else {
            self.marks.push(ch);
        }
    }

    fn control(&mut self, ch: char) {
        self.flush_marks();
        self.open_double = None;
        self.out.push(ch);
    }

    /// A graphic byte (the one at `pos`) in 0x21..=0x7E (G0) or 0xA0..=0xFF (G1).
    fn graphic(&mut self, byte: u8, working_set: WorkingSet) -> Step {
        let Designated { set, table } = match working_set {
            WorkingSet::G0 => self.g0,
            WorkingSet::G1 => self.g1,
        };
        let Some(table) = table else {
            return self.eacc(working_set);
        };
        match table::lookup_single(table, byte) {
            Cell::Base(ch) => self.base(ch),
            Cell::BaseNotInert(ch) => {
                self.needs_nfc = true;
                self.base(ch);
            }
            Cell::Combining(ch) => self.mark(ch),
            Cell::Unassigned => {
                return Err((
                    1,
                    ErrorReason::Unassigned {
                        byte,
                        set,
                        working_set,
                    },
                ));
            }
        }
        Ok(1)
    }

    /// A three-byte EACC character starting at `pos`.
    fn eacc(&mut self, working_set: WorkingSet) -> Step {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        // All three bytes must come from the same half: G1 bytes have the high
        // bit set, G0 bytes not. Looking the code up first accepts III's
        // extensions, whose bytes include 0x14, 0x19, 0x20 and 0x7F.
        let in_half = |byte: &u8| match working_set {
            WorkingSet::G0 => *byte < 0x80,
            WorkingSet::G1 => *byte >= 0x80,
        };
        if let Some(bytes @ [_, _, _]) = rest.get(..3) {
            if bytes.iter().all(in_half) {
                let code = bytes
                    .iter()
                    .fold(0_u32, |code, &byte| (code << 8) | u32::from(byte & 0x7F));
                if let Some(ch) = table::lookup_eacc(code) {
                    self.base(ch);
                    return Ok(3);
                }
            }
        }
        // Not a character: cut short (by the end, ESC, another control, or a byte
        // of the other half), or a complete but unassigned code.
        let continues = |byte: &u8| in_half(byte) && *byte >= 0x20;
        let available = 1 + rest
            .iter()
            .skip(1)
            .take(2)
            .take_while(|b| continues(b))
            .count();
        if available < 3 {
            return Err((
                available,
                ErrorReason::TruncatedEacc {
                    available,
                    next: rest.get(available).copied(),
                },
            ));
        }
        let code = rest
            .iter()
            .take(3)
            .fold(0_u32, |code, &byte| (code << 8) | u32::from(byte));
        Err((3, ErrorReason::UnassignedEacc { code, working_set }))
    }

    /// An escape sequence starting at `pos`.
    fn escape(&mut self) -> Step {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let (working_set, set, len) = parse_escape(rest)?;
        match working_set {
            WorkingSet::G0 => self.g0 = Designated::new(set),
            WorkingSet::G1 => self.g1 = Designated::new(set),
        }
        Ok(len)
    }
}

/// Parses the escape sequence at the start of `seq` (which begins with ESC) into
/// the working set it designates, the set, and its length in bytes.
///
/// The syntax is ISO 2022's: ESC, intermediate bytes 0x20..=0x2F, one final byte
/// 0x30..=0x7E. MARC-8 uses (LC, *Character Sets: MARC-8 Encoding Environment*):
///
/// * `ESC ( F`, `ESC , F`: single-byte set F to G0; `ESC ) F`, `ESC - F`: to G1;
/// * `ESC $ F`, `ESC $ , F` (G0) and `ESC $ ) F`, `ESC $ - F` (G1) for the
///   multi-byte EACC set, F = `1`;
/// * `!E` (an intermediate `!` before the final `E`) for ANSEL; a bare `E` is
///   also accepted, as marc4j and pymarc do;
/// * `ESC g`, `ESC b`, `ESC p`: Greek symbols, subscripts, superscripts to G0;
///   `ESC s`: Basic Latin back to G0.
///
/// A malformed sequence's error length covers ESC, its intermediate bytes and
/// its final byte (when there is one), so a lossy decoder skips exactly it.
fn parse_escape(seq: &[u8]) -> Result<(WorkingSet, Charset, usize), (usize, ErrorReason)> {
    let intermediates = seq
        .iter()
        .skip(1)
        .take_while(|byte| (0x20..=0x2F).contains(*byte))
        .count();
    let final_at = 1 + intermediates;
    let Some(&final_byte) = seq.get(final_at) else {
        return Err((
            seq.len(),
            ErrorReason::TruncatedEscape {
                sequence: seq.to_vec(),
            },
        ));
    };
    if !(0x30..=0x7E).contains(&final_byte) {
        return Err((
            final_at,
            ErrorReason::UnknownEscape {
                sequence: seq.get(..final_at).unwrap_or_default().to_vec(),
            },
        ));
    }
    let len = final_at + 1;
    let unknown = || {
        Err((
            len,
            ErrorReason::UnknownEscape {
                sequence: seq.get(..len).unwrap_or_default().to_vec(),
            },
        ))
    };
    let mut intermediate_bytes = seq.get(1..final_at).unwrap_or_default();
    // ANSEL's registered final is the pair `!E`.
    let ansel_bang = match intermediate_bytes.split_last() {
        Some((b'!', head)) if final_byte == b'E' => {
            intermediate_bytes = head;
            true
        }
        _ => false,
    };
    let (working_set, multibyte) = match intermediate_bytes {
        [] if !ansel_bang => {
            let set = match final_byte {
                b'g' => Charset::GreekSymbols,
                b'b' => Charset::Subscripts,
                b'p' => Charset::Superscripts,
                b's' => Charset::BasicLatin,
                _ => return unknown(),
            };
            return Ok((WorkingSet::G0, set, len));
        }
        [b'(' | b','] => (WorkingSet::G0, false),
        [b')' | b'-'] => (WorkingSet::G1, false),
        [b'$'] | [b'$', b'(' | b','] => (WorkingSet::G0, true),
        [b'$', b')' | b'-'] => (WorkingSet::G1, true),
        _ => return unknown(),
    };
    match Charset::from_final_byte(final_byte) {
        Some(set) if set.is_multibyte() == multibyte => Ok((working_set, set, len)),
        _ => unknown(),
    }
}

/// Appends the NFC form of `piece`, one ASCII character (or none) followed by
/// non-ASCII characters.
fn push_nfc(out: &mut String, piece: &str) {
    // The common case, a letter and one diacritic, composes directly: for an
    // ASCII starter and one mark of non-zero combining class that NFC keeps
    // (quick check Yes or Maybe, not No), NFC is the primary composite if there
    // is one, else the pair unchanged.
    let mut chars = piece.chars();
    if let (Some(base), Some(mark), None) = (chars.next(), chars.next(), chars.next()) {
        if base.is_ascii()
            && canonical_combining_class(mark) != 0
            && is_nfc_quick(std::iter::once(mark)) != IsNormalized::No
        {
            match compose(base, mark) {
                Some(composed) => out.push(composed),
                None => out.push_str(piece),
            }
            return;
        }
    }
    if is_nfc_quick(piece.chars()) == IsNormalized::Yes {
        out.push_str(piece);
    } else {
        out.extend(piece.nfc());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(seq: &[u8]) -> Result<(WorkingSet, Charset, usize), (usize, ErrorReason)> {
        parse_escape(seq)
    }

    #[test]
    fn piecewise_nfc_equals_whole_string_nfc() {
        let samples = [
            "",
            "plain",
            "e\u{301}",
            "\u{301}leading mark",
            "De la solitude a\u{300} la communaute\u{301}.",
            "a\u{323}\u{302}b q\u{304}\u{308} \u{5D0}\u{5B8} x",
            "\u{2126}\u{37E} Greek question mark and ohm",
            "t\u{361}s \u{1100}\u{1161}\u{11A8} jamo compose",
            "\u{4EBA}\u{3000}\u{E8D0}\u{FFFD}\u{301}",
            "trailing a\u{308}",
            "a\u{340}",
            "q\u{304}",
            "x\u{E01}y",
            "A\u{30A}\u{301} \u{670}\u{64E}",
        ];
        for sample in samples {
            let whole: String = sample.nfc().collect();
            assert_eq!(to_nfc(sample.to_owned()), whole, "{sample:?}");
        }
    }

    #[test]
    fn escape_designations() {
        use Charset::*;
        use WorkingSet::*;
        let cases: [(&[u8], WorkingSet, Charset, usize); 16] = [
            (b"\x1b(B", G0, BasicLatin, 3),
            (b"\x1b,B", G0, BasicLatin, 3),
            (b"\x1b)!E", G1, ExtendedLatin, 4),
            (b"\x1b-!E", G1, ExtendedLatin, 4),
            (b"\x1b(!E", G0, ExtendedLatin, 4),
            (b"\x1b)E", G1, ExtendedLatin, 3),
            (b"\x1b(N", G0, BasicCyrillic, 3),
            (b"\x1b)Q", G1, ExtendedCyrillic, 3),
            (b"\x1b(2", G0, BasicHebrew, 3),
            (b"\x1b(3", G0, BasicArabic, 3),
            (b"\x1b)4", G1, ExtendedArabic, 3),
            (b"\x1b(S", G0, BasicGreek, 3),
            (b"\x1b$1", G0, Eacc, 3),
            (b"\x1b$,1", G0, Eacc, 4),
            (b"\x1b$)1", G1, Eacc, 4),
            (b"\x1bp", G0, Superscripts, 2),
        ];
        for (seq, working_set, set, len) in cases {
            // Trailing data after the sequence must not matter.
            let mut with_tail = seq.to_vec();
            with_tail.extend_from_slice(b"abc");
            assert_eq!(parse(&with_tail), Ok((working_set, set, len)), "{seq:?}");
        }
        assert_eq!(parse(b"\x1bg"), Ok((G0, GreekSymbols, 2)));
        assert_eq!(parse(b"\x1bb"), Ok((G0, Subscripts, 2)));
        assert_eq!(parse(b"\x1bs"), Ok((G0, BasicLatin, 2)));
    }

    #[test]
    fn bad_escapes() {
        let unknown = |seq: &[u8]| {
            Err((
                seq.len(),
                ErrorReason::UnknownEscape {
                    sequence: seq.to_vec(),
                },
            ))
        };
        let truncated = |seq: &[u8]| {
            Err((
                seq.len(),
                ErrorReason::TruncatedEscape {
                    sequence: seq.to_vec(),
                },
            ))
        };
        assert_eq!(parse(b"\x1b(Zxyz"), unknown(b"\x1b(Z"));
        assert_eq!(parse(b"\x1bZ"), unknown(b"\x1bZ"));
        assert_eq!(parse(b"\x1b( B"), unknown(b"\x1b( B"));
        assert_eq!(parse(b"\x1b$B"), unknown(b"\x1b$B")); // multi-byte form of a one-byte set
        assert_eq!(parse(b"\x1b(1"), unknown(b"\x1b(1")); // one-byte form of EACC
        assert_eq!(parse(b"\x1b(!B"), unknown(b"\x1b(!B"));
        assert_eq!(parse(b"\x1b!E"), unknown(b"\x1b!E"));
        assert_eq!(parse(b"\x1b"), truncated(b"\x1b"));
        assert_eq!(parse(b"\x1b("), truncated(b"\x1b("));
        assert_eq!(parse(b"\x1b$)"), truncated(b"\x1b$)"));
        // A control byte where the final byte should be ends the sequence.
        assert_eq!(
            parse(b"\x1b(\x1f"),
            Err((
                2,
                ErrorReason::UnknownEscape {
                    sequence: b"\x1b(".to_vec()
                }
            ))
        );
    }
}
