//! List checking: a list of identifiers (a vendor's cart, a weeding list)
//! against the network, one answer per line.
//!
//! A list is identifiers one per line, or CSV with the identifiers in a
//! named column ([`CheckOptions::column`]; the first row names the
//! columns). Each line is read as an ISBN, ISSN, OCLC number or LCCN: a
//! label (`isbn:`, `issn:`, `oclc:`, `lccn:`, `(OCoLC)`, `ocm…`) says which;
//! a bare number is tried as every kind whose form it has (ISBN, ISSN,
//! LCCN, OCLC number, in that order) and the first that finds something
//! answers. A line that is no identifier is `invalid` with the reason, and
//! the rest go on; empty lines are skipped (their numbers still count).
//!
//! Lines are read, looked up and handed on one at a time
//! ([`Catalog::check_list`]), so a list of any length is checked in
//! constant memory; [`CheckWriter`] writes the answers as CSV or JSON as
//! they come.

use crate::{
    Catalog, CatalogError, ClusterDoc, ErrorCode, IdentifierKind, MAX_PER_PAGE, SearchField,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::sync::Arc;
use unicat_bib::{Isbn13, Issn, Lccn, OclcNumber};
use unicat_match::ClusterId;
use unicat_match::works::WorkId;

/// Cluster → work, of one index generation.
pub(crate) type WorkMap = Arc<HashMap<u64, u64>>;

/// The most lines a list may have.
pub const MAX_LINES: u64 = 100_000;

/// The longest line read (longer ones are `invalid`).
const MAX_LINE_BYTES: usize = 64 * 1024;

/// How a list is read.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// CSV with the identifiers in the column of this name (the first row
    /// names the columns); None: one identifier per line.
    pub column: Option<String>,
    /// Read every line as this kind; None: recognised by its form.
    pub kind: Option<IdentifierKind>,
}

/// What a line found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Some library holds it.
    Held,
    /// A valid identifier no library holds.
    NotHeld,
    /// Not an identifier.
    Invalid,
}

impl LineStatus {
    /// As written in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LineStatus::Held => "held",
            LineStatus::NotHeld => "not_held",
            LineStatus::Invalid => "invalid",
        }
    }
}

/// The answer for one line.
#[derive(Clone, Debug, Serialize)]
pub struct CheckLine {
    /// The line's number in the list (1-based, the header row included).
    pub line: u64,
    /// The identifier as given.
    pub input: String,
    /// `isbn`, `issn`, `oclc` or `lccn`; None when invalid.
    #[serde(rename = "type")]
    pub kind: Option<&'static str>,
    /// The identifier normalised.
    pub identifier: Option<String>,
    /// held, not_held or invalid.
    pub status: LineStatus,
    /// Why the line is invalid.
    pub message: Option<String>,
    /// The title of the first cluster found.
    pub title: Option<String>,
    /// The clusters carrying it.
    pub clusters: Vec<String>,
    /// How many libraries hold it (any of those clusters).
    pub holding_libraries: usize,
    /// True when exactly one library in the network holds it.
    pub last_copy: bool,
    /// The libraries holding it.
    pub libraries: Vec<String>,
    /// The works those clusters belong to.
    pub works: Vec<String>,
    /// How many libraries hold any manifestation of those works (other
    /// editions and formats too).
    pub work_libraries: usize,
}

/// Counts over a whole list.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct CheckSummary {
    /// Lines answered (empty lines aside).
    pub lines: u64,
    /// Held by some library.
    pub held: u64,
    /// Valid identifiers nobody holds.
    pub not_held: u64,
    /// Not identifiers.
    pub invalid: u64,
    /// Held by exactly one library.
    pub last_copies: u64,
}

impl CheckSummary {
    fn count(&mut self, l: &CheckLine) {
        self.lines += 1;
        match l.status {
            LineStatus::Held => self.held += 1,
            LineStatus::NotHeld => self.not_held += 1,
            LineStatus::Invalid => self.invalid += 1,
        }
        if l.last_copy {
            self.last_copies += 1;
        }
    }
}

fn kind_name(k: IdentifierKind) -> &'static str {
    match k {
        IdentifierKind::Isbn => "isbn",
        IdentifierKind::Issn => "issn",
        IdentifierKind::Oclc => "oclc",
        IdentifierKind::Lccn => "lccn",
        IdentifierKind::Cluster => "id",
    }
}

impl IdentifierKind {
    /// Reads `isbn`, `issn`, `oclc`, `lccn` or `id`.
    pub fn parse(name: &str) -> Option<IdentifierKind> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "isbn" => IdentifierKind::Isbn,
            "issn" => IdentifierKind::Issn,
            "oclc" => IdentifierKind::Oclc,
            "lccn" => IdentifierKind::Lccn,
            "id" | "cluster" => IdentifierKind::Cluster,
            _ => return None,
        })
    }
}

/// The identifier as a kind, normalised; None when it has not that form.
fn normalise(kind: IdentifierKind, text: &str) -> Option<(SearchField, String)> {
    match kind {
        IdentifierKind::Isbn => Isbn13::parse(text).map(|i| (SearchField::Isbn, i.to_string())),
        IdentifierKind::Issn => Issn::parse(text).map(|i| (SearchField::Issn, i.to_string())),
        IdentifierKind::Oclc => OclcNumber::parse(text).map(|i| (SearchField::Oclc, i.to_string())),
        IdentifierKind::Lccn => Lccn::parse(text).map(|i| (SearchField::Lccn, i.to_string())),
        IdentifierKind::Cluster => {
            ClusterId::parse(text.trim()).map(|i| (SearchField::Id, i.to_string()))
        }
    }
}

/// The kinds a line may be, most likely first, and the text to read.
fn candidates(text: &str) -> (Vec<IdentifierKind>, &str) {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    for (label, kind) in [
        ("isbn", IdentifierKind::Isbn),
        ("issn", IdentifierKind::Issn),
        ("oclc", IdentifierKind::Oclc),
        ("lccn", IdentifierKind::Lccn),
    ] {
        if let Some(rest) = lower.strip_prefix(label)
            && (rest.starts_with([':', ' ', '=']) || rest.is_empty())
        {
            let rest = &t[label.len()..];
            return (vec![kind], rest.trim_start_matches([':', ' ', '=']));
        }
    }
    if lower.starts_with("(ocolc)")
        || ["ocm", "ocn", "on"].iter().any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
    {
        return (vec![IdentifierKind::Oclc], t);
    }
    let mut kinds = vec![
        IdentifierKind::Isbn,
        IdentifierKind::Issn,
        IdentifierKind::Lccn,
    ];
    // Bare digits may be an OCLC number; OclcNumber::parse would take any
    // letters in front, so only bare digits are tried as one.
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        kinds.push(IdentifierKind::Oclc);
    }
    (kinds, t)
}

/// Reads one CSV record (RFC 4180: quoted fields may hold commas, quotes
/// and newlines); None at the end. Counts the physical lines it used.
fn csv_record(
    input: &mut (impl BufRead + ?Sized),
    lines: &mut u64,
) -> io::Result<Option<Vec<String>>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = String::new();
    let mut any = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            if !any {
                return Ok(None);
            }
            fields.push(std::mem::take(&mut field));
            return Ok(Some(fields));
        }
        any = true;
        *lines += 1;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                (false, ',') => fields.push(std::mem::take(&mut field)),
                (false, '\r' | '\n') => {}
                (false, c) => field.push(c),
            }
        }
        if !quoted {
            fields.push(std::mem::take(&mut field));
            return Ok(Some(fields));
        }
        if field.len() > MAX_LINE_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a quoted CSV field does not end",
            ));
        }
    }
}

/// Looks identifiers up, keeping the cluster → work map of one index
/// generation.
struct Checker<'a> {
    catalog: &'a Catalog,
    works: Arc<HashMap<u64, u64>>,
    kind: Option<IdentifierKind>,
}

impl Checker<'_> {
    fn answer(&self, line: u64, input: &str) -> Result<(CheckLine, Vec<ClusterDoc>), CatalogError> {
        let mut answer = CheckLine {
            line,
            input: input.to_string(),
            kind: None,
            identifier: None,
            status: LineStatus::Invalid,
            message: None,
            title: None,
            clusters: Vec::new(),
            holding_libraries: 0,
            last_copy: false,
            libraries: Vec::new(),
            works: Vec::new(),
            work_libraries: 0,
        };
        let (kinds, text) = match self.kind {
            Some(k) => (vec![k], input.trim()),
            None => candidates(input),
        };
        let mut docs = Vec::new();
        for kind in kinds {
            let Some((field, value)) = normalise(kind, text) else {
                continue;
            };
            let found = self.catalog.lookup_docs(field, &value, MAX_PER_PAGE)?;
            if answer.kind.is_none() || !found.is_empty() {
                answer.kind = Some(kind_name(kind));
                answer.identifier = Some(value);
            }
            if !found.is_empty() {
                docs = found;
                break;
            }
        }
        if answer.kind.is_none() {
            answer.message = Some(match self.kind {
                Some(k) => format!("not a valid {}", kind_name(k).to_uppercase()),
                None => "not an ISBN, ISSN, OCLC number or LCCN".to_string(),
            });
            return Ok((answer, docs));
        }
        if docs.is_empty() {
            answer.status = LineStatus::NotHeld;
            return Ok((answer, docs));
        }
        answer.status = LineStatus::Held;
        answer.title = docs.first().map(|d| d.title.clone());
        let mut libraries: Vec<String> = docs
            .iter()
            .flat_map(|d| d.libraries())
            .map(str::to_string)
            .collect();
        libraries.sort_unstable();
        libraries.dedup();
        answer.holding_libraries = libraries.len();
        answer.last_copy = libraries.len() == 1;
        answer.libraries = libraries;
        answer.clusters = docs.iter().map(|d| d.id.clone()).collect();
        let mut works: Vec<u64> = docs
            .iter()
            .filter_map(|d| ClusterId::parse(&d.id))
            .filter_map(|c| self.works.get(&c.0).copied())
            .collect();
        works.sort_unstable();
        works.dedup();
        let mut work_libraries: HashSet<String> = answer.libraries.iter().cloned().collect();
        let seen: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        for &w in &works {
            let Some(entry) = self
                .catalog
                .store()?
                .work(w)
                .map_err(CatalogError::internal)?
            else {
                continue;
            };
            for c in entry.clusters {
                let id = ClusterId(c).to_string();
                if seen.contains(id.as_str()) {
                    continue;
                }
                if let Some(doc) = self.catalog.get_doc(&id)? {
                    work_libraries.extend(doc.libraries().map(str::to_string));
                }
            }
        }
        answer.works = works.iter().map(|&w| WorkId(w).to_string()).collect();
        answer.work_libraries = work_libraries.len();
        Ok((answer, docs))
    }
}

/// Why a list check stopped: the catalog's error, or the caller's.
#[derive(Debug)]
pub enum CheckStop<E> {
    /// The catalog could not answer (or the list could not be read).
    Catalog(CatalogError),
    /// The caller's callback failed (a client that went away).
    Caller(E),
}

impl<E> From<CatalogError> for CheckStop<E> {
    fn from(e: CatalogError) -> Self {
        CheckStop::Catalog(e)
    }
}

impl Catalog {
    /// The cluster → work map of the current index generation (cached).
    fn works_map(&self) -> Result<Arc<HashMap<u64, u64>>, CatalogError> {
        let generation = self.generation()?;
        if let Ok(cache) = self.works_cache.lock()
            && let Some((g, map)) = cache.as_ref()
            && *g == generation
        {
            return Ok(map.clone());
        }
        let map = Arc::new(
            self.store()?
                .work_of_clusters()
                .map_err(CatalogError::internal)?,
        );
        if let Ok(mut cache) = self.works_cache.lock() {
            *cache = Some((generation, map.clone()));
        }
        Ok(map)
    }

    /// Checks a list, calling `f` with each line's answer and the clusters
    /// it found, as each is read. A list longer than [`MAX_LINES`], or CSV
    /// without the named column, is an error (`bad_parameter`); lines
    /// already answered stay answered.
    pub fn check_list<E>(
        &self,
        mut input: impl BufRead,
        options: &CheckOptions,
        mut f: impl FnMut(&CheckLine, &[ClusterDoc]) -> Result<(), E>,
    ) -> Result<CheckSummary, CheckStop<E>> {
        let input: &mut dyn BufRead = &mut input;
        let checker = Checker {
            catalog: self,
            works: self.works_map()?,
            kind: options.kind,
        };
        let unreadable = |e: io::Error| {
            CatalogError::new(
                ErrorCode::BadParameter,
                format!("the list cannot be read: {e}"),
            )
        };
        let mut summary = CheckSummary::default();
        let mut number: u64 = 0;
        let column = match &options.column {
            None => None,
            Some(name) => {
                let header = csv_record(input, &mut number)
                    .map_err(unreadable)?
                    .unwrap_or_default();
                let wanted = name.trim().to_lowercase();
                let at = header
                    .iter()
                    .position(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase() == wanted)
                    .ok_or_else(|| {
                        CatalogError::new(
                            ErrorCode::BadParameter,
                            format!(
                                "the list has no column {name:?} (its first row has: {})",
                                header.join(", ")
                            ),
                        )
                    })?;
                Some(at)
            }
        };
        let mut line = String::new();
        loop {
            let (at, value) = match column {
                Some(c) => {
                    let at = number + 1;
                    match csv_record(input, &mut number).map_err(unreadable)? {
                        None => break,
                        Some(fields) => (at, fields.into_iter().nth(c).unwrap_or_default()),
                    }
                }
                None => {
                    line.clear();
                    let n = io::Read::take(&mut *input, MAX_LINE_BYTES as u64 + 1)
                        .read_line(&mut line)
                        .map_err(unreadable)?;
                    if n == 0 {
                        break;
                    }
                    number += 1;
                    if n > MAX_LINE_BYTES && !line.ends_with('\n') {
                        // Skip the rest of an overlong line.
                        let mut rest = Vec::new();
                        input.read_until(b'\n', &mut rest).map_err(unreadable)?;
                        line.truncate(60);
                    }
                    (
                        number,
                        line.trim().trim_start_matches('\u{feff}').to_string(),
                    )
                }
            };
            if value.trim().is_empty() {
                continue;
            }
            if summary.lines >= MAX_LINES {
                return Err(CatalogError::new(
                    ErrorCode::BadParameter,
                    format!("a list may have at most {MAX_LINES} lines; split it"),
                )
                .into());
            }
            let (answer, docs) = if value.len() > 256 {
                let mut a = checker.answer(at, "")?.0;
                a.input = value.chars().take(60).collect();
                a.message = Some("the line is too long to be an identifier".into());
                (a, Vec::new())
            } else {
                checker.answer(at, &value)?
            };
            summary.count(&answer);
            f(&answer, &docs).map_err(CheckStop::Caller)?;
        }
        Ok(summary)
    }
}

/// How a list check's answers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// `{"lines": [CheckLine…], "summary": CheckSummary}`.
    Json,
    /// One row per line with [`CHECK_COLUMNS`].
    Csv,
}

/// The CSV columns of a list check.
pub const CHECK_COLUMNS: &[&str] = &[
    "line",
    "input",
    "type",
    "identifier",
    "status",
    "title",
    "clusters",
    "holding_libraries",
    "last_copy",
    "libraries",
    "works",
    "work_libraries",
    "message",
];

/// Writes a list check's answers as they come.
pub struct CheckWriter<W: Write> {
    format: CheckFormat,
    out: W,
    first: bool,
}

impl<W: Write> CheckWriter<W> {
    /// Starts the answer (the CSV header, the JSON object).
    pub fn new(format: CheckFormat, mut out: W) -> io::Result<Self> {
        match format {
            CheckFormat::Json => out.write_all(b"{\"lines\":[")?,
            CheckFormat::Csv => {
                let mut s = String::new();
                crate::export::csv_row(&mut s, CHECK_COLUMNS.iter().copied());
                out.write_all(s.as_bytes())?;
            }
        }
        Ok(CheckWriter {
            format,
            out,
            first: true,
        })
    }

    /// Writes one line's answer.
    pub fn line(&mut self, l: &CheckLine) -> io::Result<()> {
        match self.format {
            CheckFormat::Json => {
                if !self.first {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(b"\n")?;
                serde_json::to_writer(&mut self.out, l)?;
            }
            CheckFormat::Csv => {
                let mut s = String::with_capacity(256);
                let line = l.line.to_string();
                let held = l.holding_libraries.to_string();
                let work_held = l.work_libraries.to_string();
                let clusters = l.clusters.join(" ");
                let libraries = l.libraries.join(" ");
                let works = l.works.join(" ");
                crate::export::csv_row(
                    &mut s,
                    [
                        line.as_str(),
                        &l.input,
                        l.kind.unwrap_or(""),
                        l.identifier.as_deref().unwrap_or(""),
                        l.status.as_str(),
                        l.title.as_deref().unwrap_or(""),
                        &clusters,
                        &held,
                        if l.last_copy { "yes" } else { "no" },
                        &libraries,
                        &works,
                        &work_held,
                        l.message.as_deref().unwrap_or(""),
                    ],
                );
                self.out.write_all(s.as_bytes())?;
            }
        }
        self.first = false;
        Ok(())
    }

    /// Ends the answer (the JSON summary); gives the writer back.
    pub fn finish(mut self, summary: &CheckSummary) -> io::Result<W> {
        if self.format == CheckFormat::Json {
            self.out.write_all(b"\n],\"summary\":")?;
            serde_json::to_writer(&mut self.out, summary)?;
            self.out.write_all(b"}\n")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Ends the answer after an error: JSON gets an `"error"` instead of
    /// the summary, so that a reader knows the list was not finished; CSV
    /// gets a last row saying so.
    pub fn fail(mut self, e: &CatalogError) -> io::Result<W> {
        match self.format {
            CheckFormat::Json => {
                self.out.write_all(b"\n],\"error\":")?;
                serde_json::to_writer(
                    &mut self.out,
                    &serde_json::json!({"code": e.code.as_str(), "message": e.message}),
                )?;
                self.out.write_all(b"}\n")?;
            }
            CheckFormat::Csv => {
                let mut s = String::new();
                let message = format!("the check stopped here: {}", e.message);
                crate::export::csv_row(
                    &mut s,
                    [
                        "", "", "", "", "error", "", "", "", "", "", "", "", &message,
                    ],
                );
                self.out.write_all(s.as_bytes())?;
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_decide_the_kind_and_bare_numbers_try_each() {
        assert_eq!(candidates("isbn: 0940787083").0, vec![IdentifierKind::Isbn]);
        assert_eq!(candidates("ISBN 0940787083").1, "0940787083");
        assert_eq!(
            candidates("(OCoLC)ocm00012345").0,
            vec![IdentifierKind::Oclc]
        );
        assert_eq!(candidates("ocn123").0, vec![IdentifierKind::Oclc]);
        assert!(candidates("12345").0.contains(&IdentifierKind::Oclc));
        assert!(!candidates("hello123").0.contains(&IdentifierKind::Oclc));
    }

    #[test]
    fn csv_records_may_span_lines() {
        let mut input = &b"isbn,title\r\n0940787083,\"A, \"\"b\"\"\nc\"\n9780306406157,x\n"[..];
        let mut n = 0;
        assert_eq!(
            csv_record(&mut input, &mut n).unwrap().unwrap(),
            vec!["isbn", "title"]
        );
        assert_eq!(
            csv_record(&mut input, &mut n).unwrap().unwrap(),
            vec!["0940787083", "A, \"b\"\nc"]
        );
        assert_eq!(n, 3);
        assert_eq!(
            csv_record(&mut input, &mut n).unwrap().unwrap(),
            vec!["9780306406157", "x"]
        );
        assert!(csv_record(&mut input, &mut n).unwrap().is_none());
    }
}
