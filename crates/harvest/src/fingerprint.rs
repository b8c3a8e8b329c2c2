//! Whether a file export changed since it was last read: each file's size
//! and modification time first, then, when those moved, a hash of its
//! bytes (an export job that rewrites the same records gives a new
//! modification time, not new records). An unchanged export is not read
//! again, which makes a nightly harvest of unchanged exports nearly free.

use crate::HarvestError;
use std::io::Read;
use std::path::{Path, PathBuf};
use unicat_config::Library;
use unicat_store::{ExportFile, ExportFingerprint};

/// What [`take`] found.
pub(crate) struct Taken {
    /// The export as it is now, to store with the harvest.
    pub fingerprint: ExportFingerprint,
    /// True when it is the export last read, with the same settings.
    pub unchanged: bool,
}

/// Fingerprints the files of an export and compares them with the last
/// read. A file's bytes are hashed only when its size or modification time
/// is not the one stored (or there is none).
pub(crate) fn take(
    files: &[PathBuf],
    library: &Library,
    previous: Option<&ExportFingerprint>,
) -> Result<Taken, HarvestError> {
    let settings = settings_hash(library);
    let comparable = previous
        .filter(|p| p.settings == settings && p.files.len() == files.len())
        .map(|p| p.files.as_slice());
    let mut out = Vec::with_capacity(files.len());
    let mut unchanged = comparable.is_some();
    for (i, path) in files.iter().enumerate() {
        let err = |reason: String| HarvestError::File {
            path: path.display().to_string(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = path.display().to_string();
        let before = comparable.and_then(|p| p.get(i)).filter(|f| f.path == name);
        let hash = match before {
            Some(f) if f.size == meta.len() && f.modified_ns == modified_ns && modified_ns != 0 => {
                f.hash
            }
            _ => hash_file(path)?,
        };
        if before.is_none_or(|f| f.size != meta.len() || f.hash != hash) {
            unchanged = false;
        }
        out.push(ExportFile {
            path: name,
            size: meta.len(),
            modified_ns,
            hash,
        });
    }
    Ok(Taken {
        fingerprint: ExportFingerprint {
            settings,
            files: out,
        },
        unchanged,
    })
}

/// A hash of what shapes the records read from an export: the library's
/// settings as written (its id, id fields, holdings mapping, sources…).
fn settings_hash(library: &Library) -> u64 {
    unicat_store::content_hash(format!("{library:?}").as_bytes())
}

/// A stable 64-bit hash of a file's bytes, read in blocks: four lanes of
/// the store's record hash, so that the multiplications overlap.
pub(crate) fn hash_file(path: &Path) -> Result<u64, HarvestError> {
    let err = |e: std::io::Error| HarvestError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(err)?;
    let mut hasher = BlockHasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        // Fill the buffer whole, so that blocks fall at the same offsets
        // however the reads are cut.
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(err(e)),
            }
        }
        hasher.update(&buf[..filled]);
        if filled < buf.len() {
            return Ok(hasher.finish());
        }
    }
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Four independent lanes over 32-byte blocks; `update` must be given whole
/// blocks until the last call.
struct BlockHasher {
    lanes: [u64; 4],
    len: u64,
    tail: Vec<u8>,
}

impl BlockHasher {
    fn new() -> BlockHasher {
        BlockHasher {
            lanes: [
                0x243F_6A88_85A3_08D3,
                0x1319_8A2E_0370_7344,
                0xA409_3822_299F_31D0,
                0x082E_FA98_EC4E_6C89,
            ],
            len: 0,
            tail: Vec::new(),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        debug_assert!(self.tail.is_empty(), "only the last update is partial");
        self.len += bytes.len() as u64;
        let mut blocks = bytes.chunks_exact(32);
        for block in &mut blocks {
            for (lane, word) in self.lanes.iter_mut().zip(block.chunks_exact(8)) {
                let v = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                *lane = (*lane ^ v).wrapping_mul(K).rotate_left(29);
            }
        }
        self.tail.extend_from_slice(blocks.remainder());
    }

    fn finish(self) -> u64 {
        let mut h = self.len;
        for lane in self.lanes {
            h = (h ^ lane).wrapping_mul(K).rotate_left(31);
        }
        h ^ unicat_store::content_hash(&self.tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_bytes(bytes: &[u8]) -> u64 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        hash_file(&path).unwrap()
    }

    #[test]
    fn the_file_hash_sees_every_byte_and_the_length() {
        let base: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let h = hash_bytes(&base);
        assert_eq!(h, hash_bytes(&base), "stable");
        for at in [0, 31, 32, 1 << 20, (1 << 20) + 5, base.len() - 1] {
            let mut changed = base.clone();
            changed[at] ^= 1;
            assert_ne!(h, hash_bytes(&changed), "byte {at}");
        }
        assert_ne!(h, hash_bytes(&base[..base.len() - 1]));
        let mut longer = base.clone();
        longer.push(0);
        assert_ne!(h, hash_bytes(&longer));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }
}
