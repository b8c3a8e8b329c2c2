//! What kind of record a leader announces (leader/06), and so what a union
//! catalogue does with it.

use serde::{Deserialize, Serialize};
use unicat_marc::Leader;

/// The kind of a MARC record, from leader/06.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum RecordKind {
    /// A bibliographic record (`a c d e f g i j k m o p r t`): catalogued.
    /// A leader/06 that no MARC 21 format defines is read as bibliographic
    /// too, as it always was: a record is never dropped for a bad leader byte.
    Bibliographic,
    /// A holdings record (`u v x y`): attached to its bibliographic record.
    Holdings,
    /// An authority record (`z`): not bibliographic, ignored.
    Authority,
    /// A classification record (`w`): not bibliographic, ignored.
    Classification,
    /// A community information record (`q`): not bibliographic, ignored.
    Community,
}

impl RecordKind {
    /// The kind a leader announces.
    pub fn of(leader: &Leader) -> RecordKind {
        match leader.record_type() {
            b'u' | b'v' | b'x' | b'y' => RecordKind::Holdings,
            b'z' => RecordKind::Authority,
            b'w' => RecordKind::Classification,
            b'q' => RecordKind::Community,
            _ => RecordKind::Bibliographic,
        }
    }

    /// True for the kinds a union catalogue ignores.
    pub fn is_ignored(self) -> bool {
        matches!(
            self,
            RecordKind::Authority | RecordKind::Classification | RecordKind::Community
        )
    }

    /// The kind in words, plural (`authority records`), for reports.
    pub fn plural(self) -> &'static str {
        match self {
            RecordKind::Bibliographic => "bibliographic records",
            RecordKind::Holdings => "holdings records",
            RecordKind::Authority => "authority records",
            RecordKind::Classification => "classification records",
            RecordKind::Community => "community information records",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leader_06_code() {
        let kind =
            |c: char| RecordKind::of(&Leader::from_text(&format!("00000n{c}m a2200000 i 4500")));
        for c in "acdefgijkmoprt".chars() {
            assert_eq!(kind(c), RecordKind::Bibliographic, "{c}");
        }
        for c in "uvxy".chars() {
            assert_eq!(kind(c), RecordKind::Holdings, "{c}");
        }
        assert_eq!(kind('z'), RecordKind::Authority);
        assert_eq!(kind('w'), RecordKind::Classification);
        assert_eq!(kind('q'), RecordKind::Community);
        // Not a MARC 21 code: kept as bibliographic, never dropped.
        assert_eq!(kind(' '), RecordKind::Bibliographic);
        assert!(kind('z').is_ignored() && !kind('y').is_ignored() && !kind('a').is_ignored());
    }
}
