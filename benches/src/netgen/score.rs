//! Scoring a clustering per class: pairwise precision and recall over the
//! pairs that involve a record of the class (or variant), so that one sees
//! which class a matcher forgives and which siblings it keeps apart.
//! `bench quality` prints them beside the overall figures.

use std::collections::HashMap;
use std::hash::Hash;
use unicat_match::quality::PairwiseQuality;

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Pairs with at least one marked record among `n` records of which `k`
/// are marked.
fn pairs_touching(n: u64, k: u64) -> u64 {
    pairs(n) - pairs(n - k)
}

/// Like `unicat_match::quality::pairwise`, but counts only the pairs with
/// at least one record for which `marked` holds: recall is the share of the
/// true pairs involving such a record that were merged, precision the share
/// of the merged pairs involving one that are true.
pub fn pairwise_touching<K: Eq + Hash, C: Eq + Hash, T: Eq + Hash>(
    clusters: &HashMap<K, C>,
    truth: &HashMap<K, T>,
    marked: impl Fn(&K) -> bool,
) -> PairwiseQuality {
    // (records, marked records) per cluster, per manifestation, per both.
    let mut by_cluster: HashMap<&C, (u64, u64)> = HashMap::new();
    let mut by_truth: HashMap<&T, (u64, u64)> = HashMap::new();
    let mut by_both: HashMap<(&C, &T), (u64, u64)> = HashMap::new();
    for (k, c) in clusters {
        let Some(t) = truth.get(k) else { continue };
        let m = u64::from(marked(k));
        for entry in [
            by_cluster.entry(c).or_default(),
            by_truth.entry(t).or_default(),
            by_both.entry((c, t)).or_default(),
        ] {
            entry.0 += 1;
            entry.1 += m;
        }
    }
    let sum = |counts: &mut dyn Iterator<Item = &(u64, u64)>| {
        counts.map(|&(n, k)| pairs_touching(n, k)).sum()
    };
    PairwiseQuality {
        true_positives: sum(&mut by_both.values()),
        predicted: sum(&mut by_cluster.values()),
        actual: sum(&mut by_truth.values()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pairs_involving_a_marked_record_count() {
        // Truth: {a, b, c} and {d}; clustering: {a, b} and {c, d}.
        let truth: HashMap<&str, u8> = [("a", 1), ("b", 1), ("c", 1), ("d", 2)].into();
        let clusters: HashMap<&str, u8> = [("a", 7), ("b", 7), ("c", 8), ("d", 8)].into();
        let all = pairwise_touching(&clusters, &truth, |_| true);
        assert_eq!(all, unicat_match::quality::pairwise(&clusters, &truth));
        // c: true pairs a-c, b-c (none merged); merged pair c-d (false).
        let c = pairwise_touching(&clusters, &truth, |k| *k == "c");
        assert_eq!((c.true_positives, c.predicted, c.actual), (0, 1, 2));
        // a: true pairs a-b (merged), a-c; merged pair a-b.
        let a = pairwise_touching(&clusters, &truth, |k| *k == "a");
        assert_eq!((a.true_positives, a.predicted, a.actual), (1, 1, 2));
        let none = pairwise_touching(&clusters, &truth, |_| false);
        assert_eq!((none.precision(), none.recall()), (1.0, 1.0));
    }
}
