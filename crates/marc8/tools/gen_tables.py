#!/usr/bin/env python3
"""Generate crates/marc8/src/tables.rs from the Library of Congress MARC-8 code tables.

Usage (from anywhere; paths are resolved relative to this script):

    python3 crates/marc8/tools/gen_tables.py            # (re)write src/tables.rs
    python3 crates/marc8/tools/gen_tables.py --check    # exit 1 if src/tables.rs is stale

Input: fixtures/marc8/codetables.xml, LC's XML publication of the MARC-8 code
tables (public domain) as distributed with marc4j. Python 3 standard library only.

What the generator does with the XML:

* Every <characterSet> becomes one table, keyed by its ISO final byte
  (ISOcode attribute). An unknown set, a duplicate code or a code outside the
  expected range aborts the run, so a changed XML file cannot silently produce
  a half-right table.
* The Unicode value is <ucs>, falling back to <alt> where <ucs> is empty (the
  ligature and double-tilde second halves, ANSEL EC and FB), as marc4j and
  pymarc do. <isCombining>true</isCombining> sets the combining flag.
* Single-byte sets are stored as dense 94-cell tables for the 7-bit positions
  0x21..=0x7E. Some sets are published with their G1 (high-bit) codes (ANSEL,
  Extended Cyrillic, Extended Arabic) and the others with G0 codes; both are
  folded to 7 bits, because in MARC-8 any set may be designated as G0 or G1.
* Basic Latin codes below 0x21 (ESC, the three MARC delimiters, space) and the
  ANSEL codes 0x88, 0x89, 0x8D, 0x8E (the MARC-8 C1 controls NSB, NSE, ZWJ,
  ZWNJ) are not graphic characters of a working set: the C0 codes are checked
  to be identity mappings and left to the decoder, the C1 codes go to a
  separate table.
* EACC (ISO final '1', three bytes per character) becomes two parallel arrays
  sorted by code, for binary search. The file has no combining EACC characters;
  the generator checks that.
* Base characters are classed as NFC-inert or not (Python's unicodedata): inert
  means canonical combining class 0, unchanged by NFC, and never the second
  character of a canonical composition. Text made only of inert characters is
  already NFC, so the decoder skips normalisation for it. The few non-inert base
  characters (Greek numeral sign, ano teleia, question mark; Arabic superscript
  alef) are written `N` instead of `B`. Every EACC character must be inert.
"""

import argparse
import hashlib
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
ROOT = CRATE.parent.parent
XML_PATH = ROOT / "fixtures" / "marc8" / "codetables.xml"
OUT_PATH = CRATE / "src" / "tables.rs"

# ISO final byte (as written in the XML) -> Rust static name.
SINGLE_BYTE_SETS = {
    "42": "BASIC_LATIN",
    "45": "EXTENDED_LATIN_ANSEL",
    "67": "GREEK_SYMBOLS",
    "62": "SUBSCRIPTS",
    "70": "SUPERSCRIPTS",
    "32": "BASIC_HEBREW",
    "4E": "BASIC_CYRILLIC",
    "51": "EXTENDED_CYRILLIC",
    "33": "BASIC_ARABIC",
    "34": "EXTENDED_ARABIC",
    "53": "BASIC_GREEK",
}
EACC = "31"

# MARC-8 C1 control codes published in the ANSEL table.
C1_CODES = {0x88, 0x89, 0x8D, 0x8E}


class TableError(Exception):
    pass


def composition_seconds():
    """Code points that are the second character of a canonical composition."""
    seconds = set()
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    # Hangul: vowel and trailing consonant jamo compose algorithmically.
    seconds.update(range(0x1161, 0x1176))
    seconds.update(range(0x11A8, 0x11C3))
    return seconds


SECONDS = composition_seconds()


def nfc_inert(value):
    ch = chr(value)
    return unicodedata.combining(ch) == 0 and unicodedata.is_normalized("NFC", ch) and value not in SECONDS


def text(elem, tag):
    """Stripped text of a child element, '' when absent or empty."""
    child = elem.find(tag)
    if child is None or child.text is None:
        return ""
    return child.text.strip()


def one_line(name):
    """Collapse the XML's wrapped character names to one line for a comment."""
    return " ".join(name.split()).replace("*/", "* /")


def scalar(hex_value, where):
    value = int(hex_value, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise TableError(f"{where}: U+{hex_value} is not a Unicode scalar value")
    return value


def read_sets(xml_path):
    root = ET.parse(xml_path).getroot()
    sets = {}
    for charset in root.iter("characterSet"):
        iso = charset.get("ISOcode", "").strip().upper()
        if iso != EACC and iso not in SINGLE_BYTE_SETS:
            raise TableError(f"unknown character set {charset.get('name')!r} ISOcode={iso!r}")
        if iso in sets:
            raise TableError(f"character set {iso} appears twice")
        entries = []
        for code in charset.iter("code"):
            marc = text(code, "marc")
            ucs = text(code, "ucs") or text(code, "alt")
            where = f"set {iso} code {marc}"
            if not marc or not ucs:
                raise TableError(f"{where}: missing <marc> or both <ucs> and <alt>")
            combining = text(code, "isCombining").lower() == "true"
            entries.append((int(marc, 16), len(marc), scalar(ucs, where), combining, one_line(text(code, "name"))))
        sets[iso] = (charset.get("name", "").strip(), entries)
    missing = (set(SINGLE_BYTE_SETS) | {EACC}) - set(sets)
    if missing:
        raise TableError(f"character sets missing from the XML: {sorted(missing)}")
    return sets


def rust_char(value):
    return f"'\\u{{{value:04X}}}'"


def gen_single_byte(iso, set_name, entries, c1):
    static = SINGLE_BYTE_SETS[iso]
    cells = [None] * 94
    for marc, width, ucs, combining, name in entries:
        if width != 2:
            raise TableError(f"set {iso}: code {marc:X} is not one byte")
        if marc < 0x21:
            # C0 codes and space in Basic Latin: the decoder handles them itself.
            if iso != "42" or marc != ucs or combining:
                raise TableError(f"set {iso}: unexpected control code {marc:02X} -> U+{ucs:04X}")
            continue
        if iso == "45" and marc in C1_CODES:
            c1.append((marc, ucs, name))
            continue
        low = marc & 0x7F
        if not 0x21 <= low <= 0x7E or (marc >= 0x80 and not 0xA1 <= marc <= 0xFE):
            raise TableError(f"set {iso}: code {marc:02X} is not a graphic position")
        if cells[low - 0x21] is not None:
            raise TableError(f"set {iso}: code {marc:02X} collides after folding to 7 bits")
        cells[low - 0x21] = (ucs, combining, name)
    lines = [
        f"/// {set_name} (ISO final 0x{iso}), 7-bit positions 0x21..=0x7E.",
        f"pub(crate) static {static}: SingleByteTable = [",
    ]
    for index, cell in enumerate(cells):
        position = 0x21 + index
        if cell is None:
            lines.append(f"    X, // 0x{position:02X} (not in this set)")
        else:
            ucs, combining, name = cell
            kind = "C" if combining else ("B" if nfc_inert(ucs) else "N")
            lines.append(f"    {kind}({rust_char(ucs)}), // 0x{position:02X} {name}")
    lines.append("];")
    return "\n".join(lines)


def gen_eacc(set_name, entries):
    rows = []
    for marc, width, ucs, combining, _name in entries:
        if width != 6:
            raise TableError(f"EACC code {marc:X} is not three bytes")
        if combining or not nfc_inert(ucs):
            raise TableError(f"EACC code {marc:06X} -> U+{ucs:04X} is combining or not NFC-inert; the decoder does not expect that")
        rows.append((marc, ucs))
    rows.sort()
    for (a, _), (b, _) in zip(rows, rows[1:]):
        if a == b:
            raise TableError(f"EACC code {a:06X} appears twice")
    per_line = 10
    out = [
        f"/// Number of characters in the {set_name} table.",
        f"pub(crate) const EACC_LEN: usize = {len(rows)};",
        "",
        "/// EACC codes (three 7-bit bytes, big-endian), sorted ascending; parallel to [`EACC_CHARS`].",
        "pub(crate) static EACC_CODES: [u32; EACC_LEN] = [",
    ]
    for start in range(0, len(rows), per_line):
        chunk = rows[start : start + per_line]
        out.append("    " + " ".join(f"0x{marc:06X}," for marc, _ in chunk))
    out += [
        "];",
        "",
        "/// Unicode characters for [`EACC_CODES`], index for index.",
        "pub(crate) static EACC_CHARS: [char; EACC_LEN] = [",
    ]
    for start in range(0, len(rows), per_line):
        chunk = rows[start : start + per_line]
        out.append("    " + " ".join(f"{rust_char(ucs)}," for _, ucs in chunk))
    out.append("];")
    return "\n".join(out)


def generate(xml_path):
    raw = xml_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    sets = read_sets(xml_path)
    c1 = []
    parts = [
        "// @generated by crates/marc8/tools/gen_tables.py -- DO NOT EDIT BY HAND.",
        "//",
        "// Source: fixtures/marc8/codetables.xml, the Library of Congress MARC-8 code",
        "// tables (public domain) as distributed with marc4j;",
        f"// sha256 {digest}.",
        "// Regenerate from the workspace root with:",
        "//     python3 crates/marc8/tools/gen_tables.py",
        "// and check that it is current with `--check` (the crate's tests do that too).",
        "",
        "//! MARC-8 to Unicode code tables generated from the Library of Congress XML.",
        "//!",
        "//! Single-byte sets: 94 cells for the 7-bit positions 0x21..=0x7E; `B` is a",
        "//! base (spacing) character that is NFC-inert, `N` a base character that NFC",
        "//! may change or combine, `C` a combining mark, `X` an unassigned position.",
        "//! (NFC-inertness is computed with Python's `unicodedata`; for these",
        "//! long-encoded characters it does not depend on the Unicode version.)",
        "",
        "use crate::table::Cell::{Base as B, BaseNotInert as N, Combining as C, Unassigned as X};",
        "use crate::table::SingleByteTable;",
        "",
    ]
    order = ["42", "45", "67", "62", "70", "32", "4E", "51", "33", "34", "53"]
    for iso in order:
        set_name, entries = sets[iso]
        parts.append(gen_single_byte(iso, set_name, entries, c1))
        parts.append("")
    if sorted(code for code, _, _ in c1) != sorted(C1_CODES):
        raise TableError(f"expected C1 codes {sorted(C1_CODES)}, found {[code for code, _, _ in c1]}")
    parts.append("/// MARC-8 C1 control characters (published in the ANSEL table), sorted by byte.")
    parts.append(f"pub(crate) static C1_CONTROLS: [(u8, char); {len(c1)}] = [")
    for marc, ucs, name in sorted(c1):
        parts.append(f"    (0x{marc:02X}, {rust_char(ucs)}), // {name}")
    parts.append("];")
    parts.append("")
    set_name, entries = sets[EACC]
    parts.append(gen_eacc(set_name, entries))
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xml", type=Path, default=XML_PATH, help="code tables XML (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT_PATH, help="Rust file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write; fail if --out is not up to date")
    args = parser.parse_args()
    try:
        generated = generate(args.xml)
    except (TableError, ET.ParseError, OSError) as err:
        print(f"gen_tables: {err}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != generated:
            print(f"gen_tables: {args.out} is stale; rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(generated, encoding="utf-8")
    print(f"gen_tables: wrote {args.out} ({len(generated)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
