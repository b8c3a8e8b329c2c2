//! Holdings: the items (or holdings summaries) a library's record carries,
//! read through one of the presets seen in real exports — MARC `852`, Koha
//! `952`, Sierra `945`, Alma `AVA` — or a custom field mapping; and their
//! summary per record (copies, copies available, call number, status).

pub mod coverage;
mod mapping;
mod mfhd;

pub use coverage::{Coverage, CoverageVerdict};
pub use mapping::{CustomMapping, HoldingsMapping, MappingError};
pub use mfhd::{HoldingsRecord, HoldingsStatement, StatementKind};

use serde::{Deserialize, Serialize};

/// Whether an item can be had now, as far as the export says.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// On the shelf.
    Available,
    /// The export does not say.
    #[default]
    Unknown,
    /// On loan.
    CheckedOut,
    /// Lost, missing, withdrawn, on order, in process, library use only, …
    Unavailable,
}

impl Availability {
    /// The word used in the API (`available`, `unknown`, `checked_out`, `unavailable`).
    pub fn code(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Unknown => "unknown",
            Availability::CheckedOut => "checked_out",
            Availability::Unavailable => "unavailable",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Availability::Available => "Available",
            Availability::Unknown => "Ask the library",
            Availability::CheckedOut => "Checked out",
            Availability::Unavailable => "Unavailable",
        }
    }

    /// Classifies a free-text status as written by an ILS ("Available",
    /// "Checked out", "Due 12/01/2026", "Lost", "In process", Sierra's `-`).
    pub fn from_text(text: &str) -> Availability {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return Availability::Unknown;
        }
        if t == "-" {
            return Availability::Available;
        }
        const UNAVAILABLE: &[&str] = &[
            "unavailable",
            "not available",
            "lost",
            "missing",
            "withdrawn",
            "damaged",
            "in process",
            "on order",
            "in transit",
            "repair",
            "not for loan",
            "reference",
            "library use only",
            "claims returned",
            "billed",
            "discard",
            "bindery",
            "on hold",
            "holdshelf",
            "long overdue",
        ];
        const OUT: &[&str] = &[
            "checked out",
            "checkedout",
            "on loan",
            "due ",
            "charged",
            "loaned",
            "overdue",
        ];
        if UNAVAILABLE.iter().any(|w| t.contains(w)) {
            return Availability::Unavailable;
        }
        if OUT.iter().any(|w| t.contains(w)) || t.starts_with("due") {
            return Availability::CheckedOut;
        }
        if t.contains("available") || t == "in" || t == "on shelf" || t == "check_holdings" {
            return if t == "check_holdings" {
                Availability::Unknown
            } else {
                Availability::Available
            };
        }
        Availability::Unknown
    }
}

/// One item (copy), or one holdings summary where the export gives counts
/// rather than items (Alma AVA).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Item {
    /// The library's own branch or institution code (952 $a, 852 $b, 945 $l…).
    pub branch: Option<String>,
    /// Shelving location.
    pub location: Option<String>,
    /// Call number.
    pub call_number: Option<String>,
    /// Barcode.
    pub barcode: Option<String>,
    /// Availability as classified.
    pub availability: Option<Availability>,
    /// Status as the library wrote it.
    pub status: Option<String>,
    /// Copies this entry stands for, when the export gives a count.
    pub copies: Option<u32>,
    /// Copies available, when the export gives a count.
    pub available_copies: Option<u32>,
}

/// A record's holdings summed up: what the union catalog shows per library.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct HoldingsSummary {
    /// Copies, when known.
    pub items: Option<u32>,
    /// Copies available, when known.
    pub available: Option<u32>,
    /// The first call number.
    pub call_number: Option<String>,
    /// Distinct locations (branch and shelving location), in order.
    pub locations: Vec<String>,
    /// The best availability across the items.
    pub availability: Availability,
}

/// Sums up a record's items.
pub fn summarize(items: &[Item]) -> HoldingsSummary {
    let mut s = HoldingsSummary::default();
    if items.is_empty() {
        return s;
    }
    let mut total = 0u32;
    let mut available = 0u32;
    let mut availability_known = true;
    let mut best = Availability::Unavailable;
    let mut any_status = false;
    for item in items {
        let copies = item.copies.unwrap_or(1);
        total += copies;
        match (item.available_copies, item.availability) {
            (Some(a), _) => available += a,
            (None, Some(Availability::Available)) => available += copies,
            (None, Some(Availability::CheckedOut | Availability::Unavailable)) => {}
            (None, Some(Availability::Unknown) | None) => availability_known = false,
        }
        let a = match (item.available_copies, item.availability) {
            (Some(n), _) if n > 0 => Availability::Available,
            (_, Some(a)) => a,
            (Some(0), None) => Availability::Unavailable,
            _ => Availability::Unknown,
        };
        if a != Availability::Unknown {
            any_status = true;
        }
        best = best.min(a);
        if s.call_number.is_none() {
            s.call_number = item.call_number.clone();
        }
        let loc = match (&item.branch, &item.location) {
            (Some(b), Some(l)) => format!("{b} — {l}"),
            (Some(b), None) => b.clone(),
            (None, Some(l)) => l.clone(),
            (None, None) => String::new(),
        };
        if !loc.is_empty() && !s.locations.contains(&loc) {
            s.locations.push(loc);
        }
    }
    s.items = Some(total);
    s.available = availability_known.then_some(available);
    s.availability = if any_status {
        best
    } else {
        Availability::Unknown
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            Availability::from_text("Available"),
            Availability::Available
        );
        assert_eq!(
            Availability::from_text("Checked out"),
            Availability::CheckedOut
        );
        assert_eq!(
            Availability::from_text("Due 12-01-2026"),
            Availability::CheckedOut
        );
        assert_eq!(
            Availability::from_text("In process"),
            Availability::Unavailable
        );
        assert_eq!(
            Availability::from_text("Not available"),
            Availability::Unavailable
        );
        assert_eq!(Availability::from_text("-"), Availability::Available);
        assert_eq!(Availability::from_text("whatever"), Availability::Unknown);
        assert_eq!(
            Availability::from_text("check_holdings"),
            Availability::Unknown
        );
    }

    #[test]
    fn summary_counts_and_best_status() {
        let items = vec![
            Item {
                availability: Some(Availability::CheckedOut),
                call_number: Some("PS3545 .H16".into()),
                branch: Some("MAIN".into()),
                ..Item::default()
            },
            Item {
                availability: Some(Availability::Available),
                branch: Some("EAST".into()),
                location: Some("Stacks".into()),
                ..Item::default()
            },
        ];
        let s = summarize(&items);
        assert_eq!(s.items, Some(2));
        assert_eq!(s.available, Some(1));
        assert_eq!(s.availability, Availability::Available);
        assert_eq!(s.call_number.as_deref(), Some("PS3545 .H16"));
        assert_eq!(
            s.locations,
            vec!["MAIN".to_string(), "EAST — Stacks".to_string()]
        );
    }

    #[test]
    fn unknown_availability_gives_no_available_count() {
        let items = vec![
            Item::default(),
            Item {
                availability: Some(Availability::Available),
                ..Item::default()
            },
        ];
        let s = summarize(&items);
        assert_eq!(s.items, Some(2));
        assert_eq!(s.available, None);
        assert_eq!(s.availability, Availability::Available);
        assert_eq!(summarize(&[]).items, None);
    }

    #[test]
    fn summary_counts_from_alma() {
        let items = vec![Item {
            copies: Some(3),
            available_copies: Some(0),
            availability: Some(Availability::Unavailable),
            ..Item::default()
        }];
        let s = summarize(&items);
        assert_eq!(
            (s.items, s.available, s.availability),
            (Some(3), Some(0), Availability::Unavailable)
        );
    }
}
