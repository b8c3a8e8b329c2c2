//! Works: the editions, formats, volumes and translations of one work,
//! each a manifestation cluster with its holdings (see
//! `unicat_match::works` for how they are grouped).

use crate::{Catalog, CatalogError, ClusterDoc, ErrorCode};
use serde::Serialize;
use unicat_match::works::WorkId;
use unicat_store::{MemberRef, WorkLinkEntry};

/// One work, for exports (`unicat works`): one JSON line each.
#[derive(Clone, Debug, Serialize)]
pub struct WorkLine {
    /// Work id.
    pub id: String,
    /// The title of its most widely held manifestation.
    pub title: String,
    /// Its manifestation clusters.
    pub clusters: Vec<String>,
    /// Every library record of every cluster.
    pub members: Vec<MemberRef>,
}

/// One manifestation of a work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkManifestation {
    /// The cluster, with its holdings.
    #[serde(flatten)]
    pub doc: ClusterDoc,
    /// Libraries holding it.
    pub libraries: usize,
}

/// Why two manifestations are one work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkLinkLine {
    /// A cluster id.
    pub a: String,
    /// The other cluster id.
    pub b: String,
    /// The title they share (folded).
    pub title: String,
    /// Where each gives it: `uniform` (130/240) or `title` (245).
    pub from: (String, String),
    /// A name both give (folded).
    pub name: Option<String>,
}

/// A work with every manifestation, grouped by format, then newest first.
#[derive(Clone, Debug, Serialize)]
pub struct WorkDetail {
    /// Work id.
    pub id: String,
    /// The title of its most widely held manifestation.
    pub title: String,
    /// Its creators (of that manifestation).
    pub authors: Vec<String>,
    /// Distinct libraries holding any manifestation.
    pub libraries: usize,
    /// Manifestations, by format then year (newest first).
    pub manifestations: Vec<WorkManifestation>,
    /// Why they are one work.
    pub evidence: Vec<WorkLinkLine>,
    /// Related works (a film and the novel it adapts): their ids.
    pub related: Vec<String>,
}

fn cluster_id(id: u64) -> String {
    unicat_match::ClusterId(id).to_string()
}

fn link_line(l: &WorkLinkEntry) -> WorkLinkLine {
    WorkLinkLine {
        a: cluster_id(l.a),
        b: cluster_id(l.b),
        title: l.title.clone(),
        from: l.from.clone(),
        name: l.name.clone(),
    }
}

impl Catalog {
    /// The documents of a work's clusters (those still in the index).
    fn work_docs(&self, clusters: &[u64]) -> Result<Vec<ClusterDoc>, CatalogError> {
        let mut docs = Vec::with_capacity(clusters.len());
        for &c in clusters {
            if let Some(doc) = self
                .index()
                .get(&cluster_id(c))
                .map_err(CatalogError::internal)?
            {
                docs.push(doc);
            }
        }
        Ok(docs)
    }

    /// One work, by id.
    pub fn work(&self, id: &str) -> Result<WorkDetail, CatalogError> {
        let not_found = || CatalogError::new(ErrorCode::NotFound, format!("no work '{id}'"));
        let wid = WorkId::parse(id.trim()).ok_or_else(not_found)?;
        let entry = self
            .store()
            .work(wid.0)
            .map_err(CatalogError::internal)?
            .ok_or_else(not_found)?;
        let mut docs = self.work_docs(&entry.clusters)?;
        if docs.is_empty() {
            return Err(not_found());
        }
        let held = |d: &ClusterDoc| {
            d.libraries()
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        let best = docs
            .iter()
            .max_by_key(|d| (held(d), std::cmp::Reverse(d.id.clone())))
            .cloned()
            .expect("not empty");
        let libraries = docs
            .iter()
            .flat_map(|d| d.libraries())
            .collect::<std::collections::HashSet<_>>()
            .len();
        docs.sort_by(|a, b| {
            a.format
                .cmp(&b.format)
                .then(b.year.cmp(&a.year))
                .then(a.id.cmp(&b.id))
        });
        Ok(WorkDetail {
            id: wid.to_string(),
            title: best.title.clone(),
            authors: best.authors.clone(),
            libraries,
            manifestations: docs
                .into_iter()
                .map(|doc| WorkManifestation {
                    libraries: held(&doc),
                    doc,
                })
                .collect(),
            evidence: entry.links.iter().map(link_line).collect(),
            related: entry
                .related
                .iter()
                .map(|&r| WorkId(r).to_string())
                .collect(),
        })
    }

    /// Every work, for exports.
    pub fn for_each_work(&self, mut f: impl FnMut(WorkLine)) -> Result<(), CatalogError> {
        let mut failed = None;
        self.store()
            .for_each_work(|id, w| {
                if failed.is_some() {
                    return Ok(());
                }
                match self.work_docs(&w.clusters) {
                    Ok(docs) if !docs.is_empty() => {
                        let title = docs
                            .iter()
                            .max_by_key(|d| d.holdings.len())
                            .map(|d| d.title.clone())
                            .unwrap_or_default();
                        let mut members: Vec<MemberRef> = docs
                            .iter()
                            .flat_map(|d| &d.holdings)
                            .map(|h| MemberRef::new(&h.library, &h.record_id))
                            .collect();
                        members.sort_unstable();
                        members.dedup();
                        f(WorkLine {
                            id: WorkId(id).to_string(),
                            title,
                            clusters: docs.iter().map(|d| d.id.clone()).collect(),
                            members,
                        });
                    }
                    Ok(_) => {}
                    Err(e) => failed = Some(e),
                }
                Ok(())
            })
            .map_err(CatalogError::internal)?;
        failed.map_or(Ok(()), Err)
    }
}
