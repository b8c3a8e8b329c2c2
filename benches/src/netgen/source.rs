//! The input files: opening them (format given or detected), walking every
//! record item in a fixed order (read errors included, so that both passes
//! count items the same way), and the label that names a record's origin in
//! `truth.jsonl` (`koha-sample/biblio_metadata.marcxml.xml#17`).

use super::NetgenError;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use unicat_marc::{ErrorKind, Format, Reader, Record, RecordError};

/// One input file.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    /// Where it is.
    pub(crate) path: PathBuf,
    /// How `truth.jsonl` names it: the path below `fixtures/data/` for the
    /// repository's test data, else the path as given (the file name alone
    /// for an absolute path), so that labels do not depend on the machine.
    pub(crate) label: String,
}

impl Input {
    pub(crate) fn new(path: &Path) -> Input {
        Input {
            path: path.to_path_buf(),
            label: label_for(path),
        }
    }
}

fn label_for(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    const FIXTURES: &str = "fixtures/data/";
    if let Some(i) = text.find(FIXTURES) {
        return text[i + FIXTURES.len()..].to_string();
    }
    if path.is_absolute() {
        if let Some(name) = path.file_name() {
            return name.to_string_lossy().into_owned();
        }
    }
    text
}

/// One record item of an input: a record or the reason it could not be read.
pub(crate) struct Item {
    /// Position among all items of all inputs (0-based), the same in both passes.
    pub(crate) global: u64,
    /// Which input.
    pub(crate) input: usize,
    /// Position in that input (1-based, as a librarian counts).
    pub(crate) ordinal: u64,
    /// The record.
    pub(crate) record: Result<Record, RecordError>,
    /// True when the reader had to repair the record to read it (a bad
    /// indicator, subfield code or byte): not a faithful original.
    pub(crate) repaired: bool,
}

fn open(path: &Path, format: Option<Format>) -> Result<Reader<BufReader<File>>, NetgenError> {
    let io = |source| NetgenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    match format {
        Some(format) => Ok(Reader::new(file, format)),
        None => Reader::detect(file)
            .map_err(io)?
            .ok_or_else(|| NetgenError::NotMarc {
                path: path.to_path_buf(),
            }),
    }
}

/// Calls `visit` for every item of every input, in order. A failing input
/// stream (not a bad record) stops the walk with an error.
pub(crate) fn for_each_item(
    inputs: &[Input],
    format: Option<Format>,
    mut visit: impl FnMut(Item) -> Result<(), NetgenError>,
) -> Result<(), NetgenError> {
    let mut global = 0u64;
    for (input, source) in inputs.iter().enumerate() {
        let mut reader = open(&source.path, format)?;
        let mut ordinal = 0;
        while let Some(decoded) = reader.next_with_warnings() {
            ordinal += 1;
            if let Err(e) = &decoded
                && let ErrorKind::Io(reason) = &e.kind
            {
                return Err(NetgenError::Io {
                    path: source.path.clone(),
                    source: std::io::Error::other(reason.clone()),
                });
            }
            let repaired = decoded.as_ref().is_ok_and(|d| !d.warnings.is_empty());
            visit(Item {
                global,
                input,
                ordinal,
                record: decoded.map(|d| d.record),
                repaired,
            })?;
            global += 1;
        }
    }
    Ok(())
}

/// The inputs of `--small`: real records from the repository's fixtures,
/// in a fixed order.
pub(crate) fn small_inputs(fixtures_data: &Path) -> Result<Vec<PathBuf>, NetgenError> {
    let mut paths = vec![fixtures_data.join("koha-sample/biblio_metadata.marcxml.xml")];
    for (dir, ext) in [
        ("evergreen/concerto_marcxml", "xml"),
        ("openlibrary-marc/bin_input", "mrc"),
        ("vufind/tests_data", "mrc"),
    ] {
        let dir = fixtures_data.join(dir);
        let entries = std::fs::read_dir(&dir).map_err(|source| NetgenError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        found.sort();
        paths.extend(found);
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_do_not_depend_on_the_machine() {
        assert_eq!(
            label_for(Path::new(
                "/home/x/unicat/benches/../fixtures/data/koha-sample/a.xml"
            )),
            "koha-sample/a.xml"
        );
        assert_eq!(label_for(Path::new("/data/BooksAll.utf8")), "BooksAll.utf8");
        assert_eq!(label_for(Path::new("in/a.mrc")), "in/a.mrc");
    }
}
