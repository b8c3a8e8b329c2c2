//! The pairwise decision: every comparison, summed against the threshold.

use crate::comparisons::COMPARISONS;
use crate::evidence::{GuardCheck, MatchEvidence, SharedKey, Verdict};
use crate::features::Manifestation;
use crate::weights::{STRONGLY_AGAINST, THRESHOLD};

/// The outcome of comparing two records, without the details.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Decision {
    /// The sum of the weights (0 after a veto).
    pub score: f32,
    /// A decisive difference was found.
    pub veto: bool,
    /// A shared OCLC number decides it.
    pub decisive: bool,
    /// Some comparison is strong evidence against (see
    /// [`STRONGLY_AGAINST`]).
    pub strongly_against: bool,
}

impl Decision {
    /// The pair is one manifestation.
    pub fn is_match(&self) -> bool {
        !self.veto && (self.decisive || self.score >= THRESHOLD)
    }

    /// The pair may sit in one cluster (complete linkage): no veto, and
    /// either it is a match on its own or there is no strong evidence
    /// against it and not more evidence against than for.
    pub fn is_compatible(&self) -> bool {
        self.is_match() || (!self.veto && !self.strongly_against && self.score >= 0.0)
    }
}

/// Compares two records: every comparison, stopping at a veto. Allocates
/// nothing; use [`explain`] for the evidence in words.
pub fn decide(a: &Manifestation, b: &Manifestation) -> Decision {
    let mut d = Decision::default();
    for c in COMPARISONS {
        let o = c.compare(a, b);
        if o.verdict == Verdict::Veto {
            return Decision {
                veto: true,
                ..Decision::default()
            };
        }
        d.score += o.weight;
        d.decisive |= o.decisive;
        d.strongly_against |= o.weight <= STRONGLY_AGAINST;
    }
    d
}

/// True when the pair may be merged: it shares `keys` (non-empty) and the
/// evidence says one manifestation.
pub fn passes(a: &Manifestation, b: &Manifestation, keys: &[SharedKey]) -> bool {
    !keys.is_empty() && decide(a, b).is_match()
}

/// True when the pair may sit in one cluster (see
/// [`Decision::is_compatible`]).
pub fn compatible(a: &Manifestation, b: &Manifestation) -> bool {
    decide(a, b).is_compatible()
}

/// The full evidence for a pair.
pub fn explain(a: &Manifestation, b: &Manifestation, keys: &[SharedKey]) -> MatchEvidence {
    let mut score = 0.0;
    let mut decisive = false;
    let checks = COMPARISONS
        .iter()
        .map(|c| {
            let o = c.compare(a, b);
            score += o.weight;
            decisive |= o.decisive;
            GuardCheck {
                guard: c.name().to_string(),
                verdict: o.verdict,
                weight: o.weight,
                detail: c.detail(a, b),
            }
        })
        .collect();
    MatchEvidence {
        keys: keys.to_vec(),
        checks,
        score,
        threshold: THRESHOLD,
        decisive,
    }
}

/// Compares two records from scratch: their shared keys and every
/// comparison.
pub fn compare(a: &Manifestation, b: &Manifestation) -> MatchEvidence {
    explain(a, b, &crate::keys::shared(a, b))
}
