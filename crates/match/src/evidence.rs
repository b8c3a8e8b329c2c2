//! Why two records were (or were not) merged: the keys they share, the
//! verdict and weight of every comparison, and the total against the
//! threshold, so that `/api/clusters/{id}` can explain a merge.

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
    /// The beginning of the title and a name.
    TitleAuthor(String),
    /// The beginning of the title and the year (records without names).
    TitleYear(String),
    /// The main name and the year (finds a title with a typing slip).
    NameYear(String),
}

impl SharedKey {
    /// True for identifiers (as opposed to title keys).
    pub fn is_identifier(&self) -> bool {
        !matches!(
            self,
            SharedKey::TitleAuthor(_) | SharedKey::TitleYear(_) | SharedKey::NameYear(_)
        )
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
            SharedKey::NameYear(_) => 0,
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
            SharedKey::NameYear(k) => write!(f, "name and year \"{k}\""),
        }
    }
}

/// How far two records agree on one aspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// They agree.
    Agree,
    /// They nearly agree (a typing slip, a year apart).
    Close,
    /// They disagree.
    Disagree,
    /// One side (or both) lacks it: no evidence either way.
    Missing,
    /// A decisive difference: never the same manifestation.
    Veto,
}

/// One comparison's outcome, with the values it compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuardCheck {
    /// The comparison's name (`format`, `title`, `year`…).
    pub guard: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The weight of evidence it adds, in bits (negative against a match).
    pub weight: f32,
    /// The values compared, in words.
    pub detail: String,
}

/// The evidence for a decision about two records.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct MatchEvidence {
    /// Keys the two records share (candidates are only compared when they
    /// share one).
    pub keys: Vec<SharedKey>,
    /// Every comparison's outcome.
    pub checks: Vec<GuardCheck>,
    /// The sum of the weights.
    pub score: f32,
    /// The score a match needs.
    pub threshold: f32,
    /// True when a shared OCLC number decides it (only a veto overrules).
    pub decisive: bool,
}

impl MatchEvidence {
    /// True when keys are shared, nothing vetoed, and the evidence is
    /// decisive or reaches the threshold.
    pub fn is_match(&self) -> bool {
        !self.keys.is_empty()
            && self.checks.iter().all(|c| c.verdict != Verdict::Veto)
            && (self.decisive || self.score >= self.threshold)
    }

    /// The comparisons that vetoed.
    pub fn vetoes(&self) -> impl Iterator<Item = &GuardCheck> {
        self.checks.iter().filter(|c| c.verdict == Verdict::Veto)
    }
}
