//! The catalogue's change log, read: when each cluster last changed and
//! which went (the store's `cluster_changes`), with the documents of those
//! that exist. The OAI-PMH provider lists from it.

use crate::{Catalog, CatalogError, ClusterDoc};
use unicat_match::ClusterId;
pub use unicat_store::ClusterChange;

/// A changed cluster and, unless it is deleted, its document.
#[derive(Clone, Debug)]
pub struct Changed {
    /// When and how it changed.
    pub change: ClusterChange,
    /// Its document (None when deleted, or gone from the index since).
    pub doc: Option<ClusterDoc>,
}

impl Catalog {
    /// Clusters changed in `from..=until` (seconds since the epoch), in
    /// change order after `after` (a (stamp, id) position), held (or last
    /// held) by `library` when given; at most `limit`, with their documents
    /// when `docs`. The bool says whether more follow.
    pub fn changed(
        &self,
        from: u64,
        until: u64,
        after: Option<(u64, u64)>,
        library: Option<&str>,
        limit: usize,
        docs: bool,
    ) -> Result<(Vec<Changed>, bool), CatalogError> {
        let (changes, more) = self
            .store()?
            .changes(from, until, after, limit, |c| {
                library.is_none_or(|l| c.libraries.iter().any(|x| x == l))
            })
            .map_err(CatalogError::internal)?;
        let mut out = Vec::with_capacity(changes.len());
        for change in changes {
            let doc = if docs && !change.deleted {
                self.get_doc(&ClusterId(change.id).to_string())?
            } else {
                None
            };
            out.push(Changed { change, doc });
        }
        Ok((out, more))
    }

    /// One cluster's last change (deleted clusters too) and its document;
    /// None when no such cluster ever existed.
    pub fn changed_one(&self, id: &str, docs: bool) -> Result<Option<Changed>, CatalogError> {
        let Some(cid) = ClusterId::parse(id.trim()) else {
            return Ok(None);
        };
        let Some(change) = self
            .store()?
            .cluster_change(cid.0)
            .map_err(CatalogError::internal)?
        else {
            return Ok(None);
        };
        let doc = if docs && !change.deleted {
            self.get_doc(&cid.to_string())?
        } else {
            None
        };
        Ok(Some(Changed { change, doc }))
    }

    /// The earliest change recorded, and the last stamp given.
    pub fn change_bounds(&self) -> Result<(Option<u64>, u64), CatalogError> {
        Ok((
            self.store()?
                .earliest_change()
                .map_err(CatalogError::internal)?,
            self.store()?
                .last_change_stamp()
                .map_err(CatalogError::internal)?,
        ))
    }
}
