//! Where a library's export keeps its holdings, and how to read them.

use super::{Availability, Item};
use serde::{Deserialize, Serialize};
use unicat_marc::{DataField, Record};

/// A holdings mapping: a preset or a custom field.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum HoldingsMapping {
    /// MARC 21 852 location fields, one per copy or holding (Evergreen,
    /// Voyager, many exports): $a/$b institution and branch, $c shelving
    /// location, $k$h$i$m or $j call number, $p barcode, $t copy, $z status
    /// or note.
    Marc852,
    /// Koha 952 item fields: $a home branch, $b holding branch, $c location,
    /// $o call number, $p barcode; status from $0 withdrawn, $1 lost,
    /// $7 not for loan, $q on loan (due date).
    Koha,
    /// Sierra / Millennium 945 item fields: $a call number, $i barcode,
    /// $l location code, $s status code (`-` available).
    Sierra,
    /// Alma AVA availability fields: $b library, $q library name,
    /// $c location, $d call number, $e availability, $f items,
    /// $g unavailable items.
    Alma,
    /// A field of the library's own choosing.
    Custom(CustomMapping),
}

/// A custom holdings field: which tag, and which subfield holds what.
/// Unset parts are not read.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomMapping {
    /// The field tag (`924`, `949`, `999`).
    pub tag: String,
    /// Subfield for the branch or institution.
    #[serde(default, alias = "branch")]
    pub library: Option<String>,
    /// Subfield(s) of the call number, joined with spaces (`"hi"`).
    #[serde(default)]
    pub call_number: Option<String>,
    /// Subfield for the shelving location.
    #[serde(default)]
    pub location: Option<String>,
    /// Subfield for the barcode.
    #[serde(default)]
    pub barcode: Option<String>,
    /// Subfield for a free-text status.
    #[serde(default)]
    pub status: Option<String>,
    /// Subfield for a count of copies.
    #[serde(default)]
    pub items: Option<String>,
    /// Subfield for a count of available copies.
    #[serde(default)]
    pub available: Option<String>,
}

/// A holdings mapping that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// The preset name is not one we know.
    #[error("unknown holdings preset {0:?} (expected 852, koha, sierra, alma, or a table)")]
    UnknownPreset(String),
    /// The custom mapping is malformed.
    #[error("custom holdings mapping: {0}")]
    BadCustom(String),
}

impl HoldingsMapping {
    /// Looks up a preset by the name used in `network.toml`.
    pub fn preset(name: &str) -> Result<HoldingsMapping, MappingError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "852" | "marc852" | "marc" | "evergreen" => Ok(HoldingsMapping::Marc852),
            "koha" | "952" => Ok(HoldingsMapping::Koha),
            "sierra" | "945" | "millennium" | "iii" => Ok(HoldingsMapping::Sierra),
            "alma" | "ava" => Ok(HoldingsMapping::Alma),
            _ => Err(MappingError::UnknownPreset(name.to_string())),
        }
    }

    /// Checks a custom mapping: a three-character tag and one-character
    /// subfield codes (the call number may list several).
    pub fn validate(&self) -> Result<(), MappingError> {
        let HoldingsMapping::Custom(c) = self else {
            return Ok(());
        };
        if unicat_marc::Tag::parse(&c.tag).is_none()
            || unicat_marc::Tag::parse(&c.tag).is_some_and(|t| t.is_control())
        {
            return Err(MappingError::BadCustom(format!(
                "tag {:?} is not a data field tag",
                c.tag
            )));
        }
        let singles = [
            ("library", &c.library),
            ("location", &c.location),
            ("barcode", &c.barcode),
            ("status", &c.status),
            ("items", &c.items),
            ("available", &c.available),
        ];
        for (name, code) in singles {
            if let Some(code) = code
                && (code.chars().count() != 1 || !code.chars().all(|ch| ch.is_ascii_alphanumeric()))
            {
                return Err(MappingError::BadCustom(format!(
                    "{name} = {code:?} must be one subfield code"
                )));
            }
        }
        if let Some(cn) = &c.call_number
            && (cn.is_empty() || !cn.chars().all(|ch| ch.is_ascii_alphanumeric()))
        {
            return Err(MappingError::BadCustom(format!(
                "call_number = {cn:?} must be subfield codes"
            )));
        }
        Ok(())
    }

    /// The tag this mapping reads.
    pub fn tag(&self) -> &str {
        match self {
            HoldingsMapping::Marc852 => "852",
            HoldingsMapping::Koha => "952",
            HoldingsMapping::Sierra => "945",
            HoldingsMapping::Alma => "AVA",
            HoldingsMapping::Custom(c) => &c.tag,
        }
    }

    /// Reads the items of a record.
    pub fn extract(&self, record: &Record) -> Vec<Item> {
        record
            .data_fields(self.tag())
            .filter_map(|f| self.item(f))
            .collect()
    }

    fn item(&self, f: &DataField) -> Option<Item> {
        let get = |code: char| {
            f.first(code)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let join = |codes: &str| {
            let parts: Vec<&str> = f
                .subfields
                .iter()
                .filter(|s| codes.contains(s.code))
                .map(|s| s.value.trim())
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        };
        let item = match self {
            HoldingsMapping::Marc852 => {
                let status =
                    get('z').filter(|z| Availability::from_text(z) != Availability::Unknown);
                Item {
                    branch: get('b').or_else(|| get('a')),
                    location: get('c'),
                    call_number: join("khim").or_else(|| get('j')),
                    barcode: get('p'),
                    availability: status.as_deref().map(Availability::from_text),
                    status,
                    copies: None,
                    available_copies: None,
                }
            }
            HoldingsMapping::Koha => {
                let flag = |code: char| get(code).is_some_and(|v| v != "0");
                let (availability, status) = if flag('0') {
                    (Availability::Unavailable, "Withdrawn".to_string())
                } else if flag('1') {
                    (Availability::Unavailable, "Lost".to_string())
                } else if get('7').is_some_and(|v| v.starts_with('-')) {
                    (Availability::Unavailable, "On order".to_string())
                } else if flag('7') {
                    (Availability::Unavailable, "Not for loan".to_string())
                } else if let Some(due) = get('q') {
                    (Availability::CheckedOut, format!("Checked out, due {due}"))
                } else {
                    (Availability::Available, "Available".to_string())
                };
                Item {
                    branch: get('a').or_else(|| get('b')),
                    location: get('c'),
                    call_number: get('o'),
                    barcode: get('p'),
                    availability: Some(availability),
                    status: Some(status),
                    copies: None,
                    available_copies: None,
                }
            }
            HoldingsMapping::Sierra => {
                let code = get('s');
                let (availability, status) = match code.as_deref() {
                    Some("-") => (Some(Availability::Available), Some("Available".to_string())),
                    Some(c) => {
                        let (a, label) = sierra_status(c);
                        (Some(a), Some(label.to_string()))
                    }
                    None => (None, None),
                };
                Item {
                    branch: get('l'),
                    location: None,
                    call_number: get('a'),
                    barcode: get('i'),
                    availability,
                    status,
                    copies: None,
                    available_copies: None,
                }
            }
            HoldingsMapping::Alma => {
                let total = get('f').and_then(|v| v.parse::<u32>().ok());
                let unavailable = get('g').and_then(|v| v.parse::<u32>().ok());
                let status = get('e');
                Item {
                    branch: get('q').or_else(|| get('b')),
                    location: get('c'),
                    call_number: get('d'),
                    barcode: None,
                    availability: status.as_deref().map(Availability::from_text),
                    status,
                    copies: total,
                    available_copies: match (total, unavailable) {
                        (Some(t), Some(u)) => Some(t.saturating_sub(u)),
                        _ => None,
                    },
                }
            }
            HoldingsMapping::Custom(c) => {
                let one = |code: &Option<String>| {
                    code.as_deref().and_then(|s| s.chars().next()).and_then(get)
                };
                let status = one(&c.status);
                Item {
                    branch: one(&c.library),
                    location: one(&c.location),
                    call_number: c.call_number.as_deref().and_then(join),
                    barcode: one(&c.barcode),
                    availability: status.as_deref().map(Availability::from_text),
                    status,
                    copies: one(&c.items).and_then(|v| v.parse().ok()),
                    available_copies: one(&c.available).and_then(|v| v.parse().ok()),
                }
            }
        };
        Some(item)
    }
}

/// Sierra's one-character item status codes (the defaults shipped with the
/// system; libraries may add their own, which read as unknown).
fn sierra_status(code: &str) -> (Availability, &'static str) {
    match code {
        "-" => (Availability::Available, "Available"),
        "m" => (Availability::Unavailable, "Missing"),
        "n" => (Availability::Unavailable, "Billed"),
        "o" => (Availability::Unavailable, "Library use only"),
        "z" => (Availability::Unavailable, "Claims returned"),
        "$" => (Availability::Unavailable, "Lost and paid"),
        "t" => (Availability::Unavailable, "In transit"),
        "w" => (Availability::Unavailable, "Withdrawn"),
        "d" => (Availability::Unavailable, "Damaged"),
        "p" => (Availability::Unavailable, "In process"),
        "r" => (Availability::Unavailable, "In repair"),
        "j" | "!" => (Availability::Unavailable, "On holdshelf"),
        _ => (Availability::Unknown, "Unknown status"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_marc::{Indicators, Subfield, Tag};

    fn record_with(tag: &str, subs: &[(char, &str)]) -> Record {
        let mut r = Record::new();
        r.push_data(
            Tag::parse(tag).unwrap(),
            Indicators::BLANK,
            subs.iter().map(|(c, v)| Subfield::new(*c, *v)).collect(),
        );
        r
    }

    #[test]
    fn koha_952() {
        let r = record_with(
            "952",
            &[
                ('a', "CPL"),
                ('b', "CPL"),
                ('c', "GEN"),
                ('o', "823.914 ORW"),
                ('p', "39999000001"),
                ('q', "2026-12-01"),
            ],
        );
        let items = HoldingsMapping::Koha.extract(&r);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].branch.as_deref(), Some("CPL"));
        assert_eq!(items[0].call_number.as_deref(), Some("823.914 ORW"));
        assert_eq!(items[0].availability, Some(Availability::CheckedOut));
        let lost = record_with("952", &[('a', "CPL"), ('1', "1")]);
        assert_eq!(
            HoldingsMapping::Koha.extract(&lost)[0].availability,
            Some(Availability::Unavailable)
        );
        let ok = record_with("952", &[('a', "CPL"), ('7', "0"), ('1', "0")]);
        assert_eq!(
            HoldingsMapping::Koha.extract(&ok)[0].availability,
            Some(Availability::Available)
        );
    }

    #[test]
    fn evergreen_852() {
        // From Evergreen's map_data.mrc.
        let r = record_with(
            "852",
            &[
                ('a', "gaaagpl"),
                ('b', "BR1"),
                ('b', "BR1"),
                ('c', "Stacks"),
                ('j', "G4362.C6C5 s250.C37"),
                ('p', "11223344"),
                ('z', "Available"),
            ],
        );
        let item = &HoldingsMapping::Marc852.extract(&r)[0];
        assert_eq!(item.branch.as_deref(), Some("BR1"));
        assert_eq!(item.call_number.as_deref(), Some("G4362.C6C5 s250.C37"));
        assert_eq!(item.availability, Some(Availability::Available));
        let r = record_with(
            "852",
            &[
                ('b', "UMDUB"),
                ('c', "UGEN"),
                ('h', "DA574.A8"),
                ('i', "A4"),
            ],
        );
        let item = &HoldingsMapping::Marc852.extract(&r)[0];
        assert_eq!(item.call_number.as_deref(), Some("DA574.A8 A4"));
        assert_eq!(item.availability, None);
    }

    #[test]
    fn sierra_945() {
        // From a real III export (Open Library test data).
        let r = record_with(
            "945",
            &[
                ('a', "904.7 You"),
                ('g', "0"),
                ('i', "36431100233167"),
                ('l', "3cwan"),
                ('s', "-"),
                ('y', ".i1573187x"),
            ],
        );
        let item = &HoldingsMapping::Sierra.extract(&r)[0];
        assert_eq!(item.call_number.as_deref(), Some("904.7 You"));
        assert_eq!(item.barcode.as_deref(), Some("36431100233167"));
        assert_eq!(item.availability, Some(Availability::Available));
    }

    #[test]
    fn alma_ava() {
        let r = record_with(
            "AVA",
            &[
                ('b', "MAIN"),
                ('q', "Main Library"),
                ('c', "Stacks"),
                ('d', "QA76 .K5"),
                ('e', "available"),
                ('f', "3"),
                ('g', "1"),
            ],
        );
        let item = &HoldingsMapping::Alma.extract(&r)[0];
        assert_eq!(item.branch.as_deref(), Some("Main Library"));
        assert_eq!((item.copies, item.available_copies), (Some(3), Some(2)));
    }

    #[test]
    fn custom_mapping() {
        let m = HoldingsMapping::Custom(CustomMapping {
            tag: "924".into(),
            library: Some("b".into()),
            call_number: Some("g".into()),
            location: Some("c".into()),
            barcode: None,
            status: None,
            items: None,
            available: None,
        });
        m.validate().unwrap();
        let r = record_with("924", &[('b', "DE-1"), ('g', "A 123"), ('c', "Magazin")]);
        let item = &m.extract(&r)[0];
        assert_eq!(item.branch.as_deref(), Some("DE-1"));
        assert_eq!(item.location.as_deref(), Some("Magazin"));
        let bad = HoldingsMapping::Custom(CustomMapping {
            tag: "001".into(),
            library: None,
            call_number: None,
            location: None,
            barcode: None,
            status: None,
            items: None,
            available: None,
        });
        assert!(bad.validate().is_err());
        assert!(HoldingsMapping::preset("voyager").is_err());
    }
}
