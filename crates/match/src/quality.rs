//! Pairwise precision and recall of a clustering against the truth: the
//! measure the matching is tuned on (a pair of records is a true match
//! when the truth puts them in one manifestation).

use std::collections::HashMap;
use std::hash::Hash;

/// Pair counts and the figures derived from them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairwiseQuality {
    /// Pairs clustered together that the truth also puts together.
    pub true_positives: u64,
    /// Pairs clustered together.
    pub predicted: u64,
    /// Pairs the truth puts together.
    pub actual: u64,
}

impl PairwiseQuality {
    /// TP / predicted (1 when nothing was merged).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.predicted as f64
        }
    }

    /// TP / actual (1 when nothing should be merged).
    pub fn recall(&self) -> f64 {
        if self.actual == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.actual as f64
        }
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Compares a clustering with the truth. Both map each record to a label;
/// records missing from either side are ignored.
pub fn pairwise<K: Eq + Hash, C: Eq + Hash, T: Eq + Hash>(
    clusters: &HashMap<K, C>,
    truth: &HashMap<K, T>,
) -> PairwiseQuality {
    let mut by_cluster: HashMap<&C, u64> = HashMap::new();
    let mut by_truth: HashMap<&T, u64> = HashMap::new();
    let mut by_both: HashMap<(&C, &T), u64> = HashMap::new();
    for (k, c) in clusters {
        let Some(t) = truth.get(k) else { continue };
        *by_cluster.entry(c).or_default() += 1;
        *by_truth.entry(t).or_default() += 1;
        *by_both.entry((c, t)).or_default() += 1;
    }
    PairwiseQuality {
        true_positives: by_both.values().map(|&n| pairs(n)).sum(),
        predicted: by_cluster.values().map(|&n| pairs(n)).sum(),
        actual: by_truth.values().map(|&n| pairs(n)).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pairs() {
        // Truth: {a, b, c} and {d}; clustering: {a, b} and {c, d}.
        let truth: HashMap<&str, u8> = [("a", 1), ("b", 1), ("c", 1), ("d", 2)].into();
        let clusters: HashMap<&str, u8> = [("a", 7), ("b", 7), ("c", 8), ("d", 8)].into();
        let q = pairwise(&clusters, &truth);
        assert_eq!(
            q,
            PairwiseQuality {
                true_positives: 1,
                predicted: 2,
                actual: 3
            }
        );
        assert_eq!(q.precision(), 0.5);
        assert!((q.recall() - 1.0 / 3.0).abs() < 1e-9);
    }
}
