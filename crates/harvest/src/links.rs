//! Holdings records find their bibliographic records: a harvest notes
//! every bib it reads (its id, and its 001 when that is not its id) and
//! every holdings record's link (004), whatever the order — the same file,
//! interleaved, or another source of the library — and, once everything is
//! read, relinks holdings that named a bib by its 001 and reports those
//! whose bib never arrived.

use crate::report::RecordProblem;
use std::collections::{HashMap, HashSet};
use unicat_store::{HarvestSession, Store, StoreError, content_hash};

/// A holdings record not (yet) attached.
#[derive(Clone, Debug)]
struct Pending {
    link: String,
    id: String,
    source: String,
    position: Option<unicat_marc::Position>,
}

/// What a harvest has seen of bibs and holdings links.
#[derive(Debug, Default, Clone)]
pub(crate) struct Links {
    /// Hashes of the bib ids read (hashes: a million ids in 16 MB).
    bibs: HashSet<u64>,
    /// 001s of bibs whose id is another field, to their ids.
    controls: HashMap<u64, String>,
    /// Holdings whose bib had not been read when they were.
    pending: Vec<Pending>,
    /// Holdings attached as they came.
    attached: u64,
}

fn h(s: &str) -> u64 {
    content_hash(s.as_bytes())
}

/// The outcome, for the report.
#[derive(Debug, Default, Clone)]
pub(crate) struct Linked {
    pub attached: u64,
    pub orphans: Vec<RecordProblem>,
}

impl Links {
    pub(crate) fn bib(&mut self, id: &str, control_number: Option<&str>) {
        self.bibs.insert(h(id));
        if let Some(c) = control_number {
            self.controls.insert(h(c.trim()), id.to_string());
        }
    }

    pub(crate) fn holdings(
        &mut self,
        link: &str,
        id: &str,
        source: &str,
        position: Option<unicat_marc::Position>,
    ) {
        if self.bibs.contains(&h(link)) {
            self.attached += 1;
        } else {
            self.pending.push(Pending {
                link: link.to_string(),
                id: id.to_string(),
                source: source.to_string(),
                position,
            });
        }
    }

    /// Settles the pending holdings once every source is read: relinks
    /// those that named a bib by its 001, and reports those whose bib is
    /// neither in this harvest nor (for an incremental harvest) in the
    /// store already.
    pub(crate) fn finish(
        &mut self,
        session: &mut HarvestSession<'_>,
        store: &Store,
        library: &str,
        incremental: bool,
    ) -> Result<Linked, StoreError> {
        let mut linked = Linked {
            attached: self.attached,
            orphans: Vec::new(),
        };
        let mut moves: Vec<(String, String)> = Vec::new();
        for p in std::mem::take(&mut self.pending) {
            let key = h(&p.link);
            if self.bibs.contains(&key) {
                linked.attached += 1;
            } else if let Some(id) = self.controls.get(&key) {
                if !moves.iter().any(|(from, _)| *from == p.link) {
                    moves.push((p.link.clone(), id.clone()));
                }
                linked.attached += 1;
            } else if incremental && store.record(library, &p.link)?.is_some() {
                linked.attached += 1;
            } else {
                linked.orphans.push(RecordProblem {
                    source: p.source,
                    position: p.position,
                    record_id: Some(p.id),
                    reason: format!(
                        "holdings record of bibliographic record {:?} (004), which this library did not export",
                        p.link
                    ),
                });
            }
        }
        session.relink_holdings(&moves)?;
        Ok(linked)
    }
}
