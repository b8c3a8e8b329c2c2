//! A copy of the index as last committed, taken while a writer may commit
//! (a backup while a harvest runs). Committed segment files never change;
//! a commit writes new ones, replaces `meta.json` atomically and then
//! deletes the files no meta names. So the snapshot reads `meta.json`, opens
//! every file it names (an open file survives its deletion) and copies
//! those; a file deleted between the two reads starts it again.

use crate::{CatalogIndex, IndexError};
use std::io::Read;
use std::path::Path;

/// The files of one committed state of the index, held open.
pub struct IndexSnapshot {
    meta: Vec<u8>,
    files: Vec<(String, std::fs::File)>,
    documents: u64,
}

const META: &str = "meta.json";
const ATTEMPTS: usize = 20;

impl CatalogIndex {
    /// Takes a snapshot of the last committed state of the index (see the
    /// module's documentation), to copy with [`IndexSnapshot::copy_to`].
    pub fn snapshot(&self) -> Result<IndexSnapshot, IndexError> {
        let io = |what: &str, e: std::io::Error| {
            IndexError::Tantivy(tantivy::TantivyError::InternalError(format!("{what}: {e}")))
        };
        for _ in 0..ATTEMPTS {
            let meta = std::fs::read(self.path.join(META)).map_err(|e| io(META, e))?;
            let metas = self.index.load_metas()?;
            if std::fs::read(self.path.join(META)).map_err(|e| io(META, e))? != meta {
                continue; // a commit came in between: read again
            }
            let mut files = Vec::new();
            let mut gone = false;
            for segment in &metas.segments {
                use tantivy::index::SegmentComponent as C;
                let mut components = vec![
                    C::Postings,
                    C::Positions,
                    C::FastFields,
                    C::FieldNorms,
                    C::Terms,
                    C::Store,
                ];
                if segment.has_deletes() {
                    components.push(C::Delete);
                }
                for component in components {
                    let name = segment
                        .relative_path(component)
                        .to_string_lossy()
                        .into_owned();
                    match std::fs::File::open(self.path.join(&name)) {
                        Ok(f) => files.push((name, f)),
                        // Components a segment does not have (no
                        // positions, say) are listed too.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            if name.ends_with(".del") || name.ends_with(".idx") {
                                gone = true;
                            }
                        }
                        Err(e) => return Err(io(&name, e)),
                    }
                }
            }
            if gone {
                continue;
            }
            let documents = metas.segments.iter().map(|s| u64::from(s.num_docs())).sum();
            return Ok(IndexSnapshot {
                meta,
                files,
                documents,
            });
        }
        Err(IndexError::Tantivy(tantivy::TantivyError::InternalError(
            "the index kept changing while its files were being listed".into(),
        )))
    }
}

impl IndexSnapshot {
    /// Documents in the snapshot.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Writes the snapshot into `dir` (created; it must be empty or not
    /// exist), as an index folder that [`CatalogIndex::open`] opens.
    /// Returns the bytes written.
    pub fn copy_to(&mut self, dir: &Path) -> Result<u64, IndexError> {
        let io = |what: &Path, e: std::io::Error| IndexError::Open {
            path: what.to_path_buf(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut bytes = 0;
        let mut names = Vec::new();
        for (name, file) in &mut self.files {
            let to = dir.join(name.as_str());
            let mut out = std::fs::File::create(&to).map_err(|e| io(&to, e))?;
            // The file is read from its start whatever was read before.
            let mut reader = std::io::BufReader::with_capacity(1 << 20, &*file);
            std::io::Seek::rewind(&mut reader).map_err(|e| io(&to, e))?;
            bytes += std::io::copy(&mut reader.by_ref(), &mut out).map_err(|e| io(&to, e))?;
            out.sync_all().map_err(|e| io(&to, e))?;
            names.push(name.clone());
        }
        names.push(META.to_string());
        let managed = format!(
            "[{}]",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let meta = dir.join(META);
        std::fs::write(&meta, &self.meta).map_err(|e| io(&meta, e))?;
        let managed_path = dir.join(".managed.json");
        std::fs::write(&managed_path, managed).map_err(|e| io(&managed_path, e))?;
        Ok(bytes + self.meta.len() as u64)
    }
}
