//! The pairwise decision: shared keys, then every guard.

use crate::evidence::{GuardCheck, MatchEvidence, SharedKey, Verdict};
use crate::features::Manifestation;
use crate::guards::GUARDS;

/// True when the pair may be merged: it shares `keys` (non-empty) and no
/// guard vetoes. Allocates nothing; use [`explain`] for the evidence.
pub fn passes(a: &Manifestation, b: &Manifestation, keys: &[SharedKey]) -> bool {
    let strong = keys.iter().any(SharedKey::is_identifier);
    !keys.is_empty()
        && GUARDS
            .iter()
            .all(|g| g.check(a, b, strong) != Verdict::Veto)
}

/// True when no guard vetoes the pair (whatever keys it shares): used to
/// check a record against every member of a cluster it would join.
pub fn compatible(a: &Manifestation, b: &Manifestation, strong: bool) -> bool {
    GUARDS
        .iter()
        .all(|g| g.check(a, b, strong) != Verdict::Veto)
}

/// The full evidence for a pair.
pub fn explain(a: &Manifestation, b: &Manifestation, keys: &[SharedKey]) -> MatchEvidence {
    let strong = keys.iter().any(SharedKey::is_identifier);
    MatchEvidence {
        keys: keys.to_vec(),
        checks: GUARDS
            .iter()
            .map(|g| GuardCheck {
                guard: g.name().to_string(),
                verdict: g.check(a, b, strong),
                detail: g.detail(a, b),
            })
            .collect(),
    }
}

/// Compares two records from scratch: their shared keys and every guard.
pub fn compare(a: &Manifestation, b: &Manifestation) -> MatchEvidence {
    explain(a, b, &crate::keys::shared(a, b))
}
