//! Why two records were (or were not) merged: the keys they share and the
//! verdict of every guard, kept with the cluster so `/api/clusters/{id}`
//! can explain it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A candidate key two records share.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "key", content = "value", rename_all = "snake_case")]
pub enum SharedKey {
    /// An OCLC number.
    Oclc(u64),
    /// An ISBN (13 digits).
    Isbn(String),
    /// An LCCN.
    Lccn(String),
    /// An ISSN.
    Issn(String),
    /// The first words of the title and the main author's surname.
    TitleAuthor(String),
    /// The first words of the title and the year (records without author).
    TitleYear(String),
}

impl SharedKey {
    /// True for identifiers (as opposed to title keys).
    pub fn is_identifier(&self) -> bool {
        !matches!(self, SharedKey::TitleAuthor(_) | SharedKey::TitleYear(_))
    }

    /// Strength used to choose between candidate clusters: OCLC numbers
    /// first, then ISBN, LCCN, ISSN, then title keys.
    pub fn strength(&self) -> u8 {
        match self {
            SharedKey::Oclc(_) => 6,
            SharedKey::Isbn(_) => 5,
            SharedKey::Lccn(_) => 4,
            SharedKey::Issn(_) => 3,
            SharedKey::TitleAuthor(_) => 2,
            SharedKey::TitleYear(_) => 1,
        }
    }
}

impl fmt::Display for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SharedKey::Oclc(n) => write!(f, "OCLC number {n}"),
            SharedKey::Isbn(i) => write!(f, "ISBN {i}"),
            SharedKey::Lccn(l) => write!(f, "LCCN {l}"),
            SharedKey::Issn(i) => write!(f, "ISSN {i}"),
            SharedKey::TitleAuthor(k) => write!(f, "title and author \"{k}\""),
            SharedKey::TitleYear(k) => write!(f, "title and year \"{k}\""),
        }
    }
}

/// What one guard said about a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The guard checked and found no reason to keep them apart.
    Pass,
    /// The guard keeps them apart.
    Veto,
    /// Nothing to check (e.g. neither record has pages).
    NotApplicable,
}

/// One guard's verdict, with the values it compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardCheck {
    /// The guard's name (`format`, `edition`, `year`…).
    pub guard: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The values compared, in words.
    pub detail: String,
}

/// The evidence for a decision about two records.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchEvidence {
    /// Keys the two records share.
    pub keys: Vec<SharedKey>,
    /// Every guard's verdict.
    pub checks: Vec<GuardCheck>,
}

impl MatchEvidence {
    /// True when keys are shared and no guard vetoed.
    pub fn is_match(&self) -> bool {
        !self.keys.is_empty() && self.checks.iter().all(|c| c.verdict != Verdict::Veto)
    }

    /// The guards that vetoed.
    pub fn vetoes(&self) -> impl Iterator<Item = &GuardCheck> {
        self.checks.iter().filter(|c| c.verdict == Verdict::Veto)
    }
}
