//! Format and carrier: what kind of thing a record describes, from the
//! leader, 008, 007, 33x and a few phrases that catch miscoded records.

use serde::{Deserialize, Serialize};
use std::fmt;
use unicat_marc::Record;

/// The manifestation's format and carrier, as a patron would name it.
/// Two records of different formats are never the same manifestation.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum MaterialFormat {
    /// Printed book.
    #[default]
    Book,
    /// Large-print book.
    LargePrint,
    /// Braille.
    Braille,
    /// Electronic book.
    Ebook,
    /// Spoken-word recording on a physical carrier.
    Audiobook,
    /// Downloadable or streamed spoken-word recording.
    Eaudiobook,
    /// Music recording.
    MusicRecording,
    /// Video (DVD, Blu-ray, streaming, videocassette).
    Video,
    /// Printed music.
    Score,
    /// Map or atlas.
    Map,
    /// Serial or other continuing resource in print.
    Serial,
    /// Electronic serial.
    Ejournal,
    /// Microfilm, microfiche.
    Microform,
    /// Software, data set, other computer file.
    ComputerFile,
    /// Picture, photograph, projected graphic.
    Image,
    /// Kit.
    Kit,
    /// Manuscript language material.
    Manuscript,
    /// Mixed or archival material.
    Archival,
    /// Three-dimensional object or anything else.
    Other,
}

impl MaterialFormat {
    /// Every format, for facets and documentation.
    pub const ALL: [MaterialFormat; 19] = [
        MaterialFormat::Book,
        MaterialFormat::LargePrint,
        MaterialFormat::Braille,
        MaterialFormat::Ebook,
        MaterialFormat::Audiobook,
        MaterialFormat::Eaudiobook,
        MaterialFormat::MusicRecording,
        MaterialFormat::Video,
        MaterialFormat::Score,
        MaterialFormat::Map,
        MaterialFormat::Serial,
        MaterialFormat::Ejournal,
        MaterialFormat::Microform,
        MaterialFormat::ComputerFile,
        MaterialFormat::Image,
        MaterialFormat::Kit,
        MaterialFormat::Manuscript,
        MaterialFormat::Archival,
        MaterialFormat::Other,
    ];

    /// The stable code used in the index, the API and queries (`large-print`).
    pub fn code(self) -> &'static str {
        match self {
            MaterialFormat::Book => "book",
            MaterialFormat::LargePrint => "large-print",
            MaterialFormat::Braille => "braille",
            MaterialFormat::Ebook => "ebook",
            MaterialFormat::Audiobook => "audiobook",
            MaterialFormat::Eaudiobook => "eaudiobook",
            MaterialFormat::MusicRecording => "music-recording",
            MaterialFormat::Video => "video",
            MaterialFormat::Score => "score",
            MaterialFormat::Map => "map",
            MaterialFormat::Serial => "serial",
            MaterialFormat::Ejournal => "ejournal",
            MaterialFormat::Microform => "microform",
            MaterialFormat::ComputerFile => "computer-file",
            MaterialFormat::Image => "image",
            MaterialFormat::Kit => "kit",
            MaterialFormat::Manuscript => "manuscript",
            MaterialFormat::Archival => "archival",
            MaterialFormat::Other => "other",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            MaterialFormat::Book => "Book",
            MaterialFormat::LargePrint => "Large print",
            MaterialFormat::Braille => "Braille",
            MaterialFormat::Ebook => "E-book",
            MaterialFormat::Audiobook => "Audiobook",
            MaterialFormat::Eaudiobook => "E-audiobook",
            MaterialFormat::MusicRecording => "Music recording",
            MaterialFormat::Video => "Video",
            MaterialFormat::Score => "Score",
            MaterialFormat::Map => "Map",
            MaterialFormat::Serial => "Journal / serial",
            MaterialFormat::Ejournal => "E-journal",
            MaterialFormat::Microform => "Microform",
            MaterialFormat::ComputerFile => "Computer file",
            MaterialFormat::Image => "Image",
            MaterialFormat::Kit => "Kit",
            MaterialFormat::Manuscript => "Manuscript",
            MaterialFormat::Archival => "Archival material",
            MaterialFormat::Other => "Other",
        }
    }

    /// Parses a code or a common name (`large-print`, `large print`, `e-book`, `dvd`).
    pub fn parse(text: &str) -> Option<MaterialFormat> {
        let t: String = text
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Some(match t.as_str() {
            "book" | "books" | "print" => MaterialFormat::Book,
            "largeprint" | "largetype" | "lp" => MaterialFormat::LargePrint,
            "braille" => MaterialFormat::Braille,
            "ebook" | "ebooks" | "electronicbook" => MaterialFormat::Ebook,
            "audiobook" | "audiobooks" | "bookoncd" | "audio" => MaterialFormat::Audiobook,
            "eaudiobook" | "eaudio" => MaterialFormat::Eaudiobook,
            "musicrecording" | "music" | "cd" | "sound" => MaterialFormat::MusicRecording,
            "video" | "dvd" | "bluray" | "film" | "videorecording" => MaterialFormat::Video,
            "score" | "scores" | "sheetmusic" => MaterialFormat::Score,
            "map" | "maps" | "atlas" => MaterialFormat::Map,
            "serial" | "journal" | "periodical" | "magazine" => MaterialFormat::Serial,
            "ejournal" | "ejournals" => MaterialFormat::Ejournal,
            "microform" | "microfilm" | "microfiche" => MaterialFormat::Microform,
            "computerfile" | "software" | "dataset" => MaterialFormat::ComputerFile,
            "image" | "picture" | "photograph" => MaterialFormat::Image,
            "kit" => MaterialFormat::Kit,
            "manuscript" => MaterialFormat::Manuscript,
            "archival" | "archive" | "mixed" => MaterialFormat::Archival,
            "other" | "object" => MaterialFormat::Other,
            _ => return None,
        })
    }

    /// True for formats delivered online.
    pub fn is_electronic(self) -> bool {
        matches!(
            self,
            MaterialFormat::Ebook | MaterialFormat::Eaudiobook | MaterialFormat::Ejournal
        )
    }
}

impl fmt::Display for MaterialFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

fn contains_ci(haystack: &str, needles: &[&str]) -> bool {
    let h = haystack.to_lowercase();
    needles.iter().any(|n| h.contains(n))
}

/// The form of item (008/23, or 008/29 for maps and visual materials).
fn form_of_item(record: &Record) -> Option<u8> {
    let f008 = record.control("008").unwrap_or("").as_bytes();
    match record.leader.record_type() {
        b'e' | b'f' | b'g' | b'k' | b'o' | b'r' => f008.get(29).copied(),
        _ => f008.get(23).copied(),
    }
}

/// Is the resource delivered online, whatever its type (a streamed
/// recording or film, an online score or map, an e-book)? Any of: 008 form
/// of item `o`/`q`/`s`; a remote-access 007 (`cr`); RDA carrier (338)
/// "online resource" or `cr`; media type (337) "computer" or `c`; 300
/// "online resource"; an "[electronic resource]" GMD; or a link to the
/// resource itself (856 second indicator 0, without a $3 naming what it
/// links to). A DVD record that links to a shop page (856 40 $3 Amazon.com)
/// stays physical. (Of 60,000 LC records, one print book carries a bare
/// 856 40, to its publisher's site: rare enough to accept.)
pub fn is_online(record: &Record) -> bool {
    if matches!(form_of_item(record), Some(b'o' | b'q' | b's')) {
        return true;
    }
    let remote_007 = record
        .fields
        .iter()
        .filter(|f| f.tag() == "007")
        .filter_map(|f| f.as_control())
        .any(|v| v.as_bytes().first() == Some(&b'c') && v.as_bytes().get(1) == Some(&b'r'));
    if remote_007 {
        return true;
    }
    let online_extent =
        |f: &unicat_marc::DataField| f.values('a').any(|v| contains_ci(v, &["online resource"]));
    if record
        .data_fields("338")
        .any(|f| online_extent(f) || f.values('b').any(|v| v.trim() == "cr"))
        || record.data_fields("337").any(|f| {
            f.values('a')
                .any(|v| v.trim().eq_ignore_ascii_case("computer"))
                || f.values('b').any(|v| v.trim() == "c")
        })
        || record.data_fields("245").any(|f| {
            f.values('h')
                .any(|v| contains_ci(v, &["electronic resource"]))
        })
        || record.data_fields("300").any(online_extent)
    {
        return true;
    }
    record
        .data_fields("856")
        .any(|f| f.indicators.second == '0' && f.first('u').is_some() && f.first('3').is_none())
}

fn looks_large_print(record: &Record) -> bool {
    const PHRASES: &[&str] = &[
        "large print",
        "large type",
        "gros caractères",
        "grossdruck",
        "letra grande",
    ];
    record
        .data_fields_any(&["250", "300", "340"])
        .any(|f| f.subfields.iter().any(|s| contains_ci(&s.value, PHRASES)))
        || record
            .data_fields("245")
            .any(|f| f.values('h').any(|v| contains_ci(v, PHRASES)))
        || record
            .data_fields("655")
            .any(|f| f.values('a').any(|v| contains_ci(v, &["large type books"])))
}

/// Detects the format of a record.
pub fn detect(record: &Record) -> MaterialFormat {
    let leader = &record.leader;
    let f008 = record.control("008").unwrap_or("").as_bytes();
    let ty = leader.record_type();
    let level = leader.bibliographic_level();
    let form = form_of_item(record);
    let online = is_online(record);
    let first_007 = record
        .fields
        .iter()
        .find(|f| f.tag() == "007")
        .and_then(|f| f.as_control())
        .and_then(|v| v.as_bytes().first().copied());
    match ty {
        b'a' | b't' if matches!(level, b's' | b'i') => {
            if online {
                MaterialFormat::Ejournal
            } else {
                MaterialFormat::Serial
            }
        }
        b'a' | b't' => {
            if online {
                MaterialFormat::Ebook
            } else if form == Some(b'd') || looks_large_print(record) {
                MaterialFormat::LargePrint
            } else if form == Some(b'f') {
                MaterialFormat::Braille
            } else if matches!(form, Some(b'a' | b'b' | b'c')) || first_007 == Some(b'h') {
                MaterialFormat::Microform
            } else if ty == b't' {
                MaterialFormat::Manuscript
            } else {
                MaterialFormat::Book
            }
        }
        b'i' => {
            if online {
                MaterialFormat::Eaudiobook
            } else {
                MaterialFormat::Audiobook
            }
        }
        b'j' => MaterialFormat::MusicRecording,
        b'c' | b'd' => MaterialFormat::Score,
        b'e' | b'f' => MaterialFormat::Map,
        b'g' => {
            // Projected medium: video unless 008/33 says slide or transparency.
            match f008.get(33) {
                Some(b's' | b't' | b'f') if first_007 != Some(b'v') => MaterialFormat::Image,
                _ => MaterialFormat::Video,
            }
        }
        b'k' => MaterialFormat::Image,
        b'm' => {
            if level == b's' {
                MaterialFormat::Ejournal
            } else if f008.get(26) == Some(&b'd') {
                // Computer file whose content is a document: an e-book as
                // catalogued before RDA.
                MaterialFormat::Ebook
            } else {
                MaterialFormat::ComputerFile
            }
        }
        b'o' => MaterialFormat::Kit,
        b'p' => MaterialFormat::Archival,
        _ => MaterialFormat::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_marc::{Indicators, Leader, Subfield, Tag};

    fn rec(leader: &str, f008: &str) -> Record {
        let mut r = Record::new();
        r.leader = Leader::from_text(leader);
        r.push_control(Tag::parse("008").unwrap(), f008);
        r
    }

    const BOOK_008: &str = "830506s1983    nyu           000 1 eng  ";

    fn with_008_pos(pos: usize, c: char) -> String {
        let mut s: Vec<char> = BOOK_008.chars().collect();
        s[pos] = c;
        s.into_iter().collect()
    }

    #[test]
    fn leader_and_008() {
        assert_eq!(
            detect(&rec("00000cam a2200000 a 4500", BOOK_008)),
            MaterialFormat::Book
        );
        assert_eq!(
            detect(&rec("00000cam a2200000 a 4500", &with_008_pos(23, 'd'))),
            MaterialFormat::LargePrint
        );
        assert_eq!(
            detect(&rec("00000cam a2200000 a 4500", &with_008_pos(23, 'o'))),
            MaterialFormat::Ebook
        );
        assert_eq!(
            detect(&rec("00000cam a2200000 a 4500", &with_008_pos(23, 'f'))),
            MaterialFormat::Braille
        );
        assert_eq!(
            detect(&rec("00000cim a2200000 a 4500", BOOK_008)),
            MaterialFormat::Audiobook
        );
        assert_eq!(
            detect(&rec("00000cjm a2200000 a 4500", BOOK_008)),
            MaterialFormat::MusicRecording
        );
        assert_eq!(
            detect(&rec("00000cgm a2200000 a 4500", BOOK_008)),
            MaterialFormat::Video
        );
        assert_eq!(
            detect(&rec("00000ccm a2200000 a 4500", BOOK_008)),
            MaterialFormat::Score
        );
        assert_eq!(
            detect(&rec("00000cem a2200000 a 4500", BOOK_008)),
            MaterialFormat::Map
        );
        assert_eq!(
            detect(&rec("00000cas a2200000 a 4500", BOOK_008)),
            MaterialFormat::Serial
        );
        assert_eq!(
            detect(&rec("00000cas a2200000 a 4500", &with_008_pos(23, 'o'))),
            MaterialFormat::Ejournal
        );
    }

    #[test]
    fn phrases_catch_miscoded_large_print_and_ebooks() {
        let mut r = rec("00000cam a2200000 a 4500", BOOK_008);
        r.push_data(
            Tag::parse("250").unwrap(),
            Indicators::BLANK,
            vec![Subfield::new('a', "Large print edition.")],
        );
        assert_eq!(detect(&r), MaterialFormat::LargePrint);
        let mut r = rec("00000cam a2200000 a 4500", BOOK_008);
        r.push_data(
            Tag::parse("338").unwrap(),
            Indicators::BLANK,
            vec![
                Subfield::new('a', "online resource"),
                Subfield::new('b', "cr"),
            ],
        );
        assert_eq!(detect(&r), MaterialFormat::Ebook);
        let mut r = rec("00000cim a2200000 a 4500", BOOK_008);
        r.push_control(Tag::parse("007").unwrap(), "cr un|||||||||");
        assert_eq!(detect(&r), MaterialFormat::Eaudiobook);
    }

    #[test]
    fn codes_round_trip() {
        for f in MaterialFormat::ALL {
            assert_eq!(MaterialFormat::parse(f.code()), Some(f));
        }
        assert_eq!(MaterialFormat::parse("DVD"), Some(MaterialFormat::Video));
    }
}
