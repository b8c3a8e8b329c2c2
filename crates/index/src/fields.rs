//! A cluster's search document as named fields and values, whatever
//! engine holds it: tantivy's document and a Solr update are both written
//! from [`document_fields`], so the two index the same words.

use crate::doc::ClusterDoc;
use crate::schema::SearchText;
use unicat_match::works::WorkId;

/// A field of a cluster's search document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexField {
    /// The cluster id (exact).
    Id,
    /// Titles (words).
    Title,
    /// Every wording of the title as one folded value ([`crate::title_key`]),
    /// hashed ([`crate::title_key_term`]).
    TitleKey,
    /// The members' main entries (words, no positions).
    MainEntry,
    /// Names (words).
    Author,
    /// Subjects (words).
    Subject,
    /// Publishers (words).
    Publisher,
    /// Notes, statements of responsibility, series, edition (words).
    Notes,
    /// ISBN-13s (exact).
    Isbn,
    /// ISSNs (exact).
    Issn,
    /// OCLC numbers (exact).
    Oclc,
    /// LCCNs (exact).
    Lccn,
    /// Holding libraries (exact, a facet).
    Library,
    /// Format code (exact, a facet).
    Format,
    /// LC class letter (exact, a facet).
    LcClass,
    /// Language code (exact, a facet).
    Language,
    /// Year (a number, a facet and a sort).
    Year,
    /// The folded title (a sort).
    SortTitle,
    /// Number of holding libraries (ranks).
    Holders,
    /// The work as a number (grouping).
    Work,
}

impl IndexField {
    /// Its name in the schema (tantivy's and Solr's).
    pub fn name(self) -> &'static str {
        match self {
            IndexField::Id => "id",
            IndexField::Title => "title",
            IndexField::TitleKey => "title_key",
            IndexField::MainEntry => "main_entry",
            IndexField::Author => "author",
            IndexField::Subject => "subject",
            IndexField::Publisher => "publisher",
            IndexField::Notes => "notes",
            IndexField::Isbn => "isbn",
            IndexField::Issn => "issn",
            IndexField::Oclc => "oclc",
            IndexField::Lccn => "lccn",
            IndexField::Library => "library",
            IndexField::Format => "format",
            IndexField::LcClass => "lc_class",
            IndexField::Language => "language",
            IndexField::Year => "year",
            IndexField::SortTitle => "sort_title",
            IndexField::Holders => "holders",
            IndexField::Work => "work",
        }
    }
}

/// A value of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// Text, analysed into words ([`crate::tokens`]).
    Words(&'a str),
    /// One exact value.
    Exact(&'a str),
    /// A signed number.
    Int(i64),
    /// An unsigned number.
    Count(u64),
}

/// Calls `emit` with every field value of a cluster's search document.
/// `extra` carries the words only indexed (alternate titles, notes, …).
pub fn document_fields(
    doc: &ClusterDoc,
    extra: &SearchText,
    mut emit: impl FnMut(IndexField, FieldValue<'_>),
) {
    use FieldValue::{Count, Exact, Int, Words};
    emit(IndexField::Id, Exact(&doc.id));
    emit(IndexField::Title, Words(&doc.title));
    if let Some(s) = &doc.subtitle {
        emit(IndexField::Title, Words(s));
    }
    // The members' other wordings, each once: the chosen member's own
    // words are already there (indexing them twice only costs time).
    for t in &extra.titles {
        if *t != doc.title && doc.subtitle.as_ref() != Some(t) {
            emit(IndexField::Title, Words(t));
        }
    }
    let mut keys: Vec<String> = Vec::with_capacity(4 + extra.title_keys.len());
    let mut key = |k: String| {
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    };
    key(crate::title_key(&doc.title));
    if let Some(s) = &doc.subtitle {
        key(crate::title_key(&format!("{} {s}", doc.title)));
    }
    for k in &extra.title_keys {
        key(k.clone());
    }
    for k in &keys {
        emit(IndexField::TitleKey, Exact(&crate::title_key_term(k)));
    }
    for a in doc.authors.first().into_iter().chain(&extra.main_entries) {
        emit(IndexField::MainEntry, Words(a));
    }
    for a in &doc.authors {
        emit(IndexField::Author, Words(a));
    }
    for a in &extra.names {
        if !doc.authors.contains(a) {
            emit(IndexField::Author, Words(a));
        }
    }
    for s in &doc.subjects {
        emit(IndexField::Subject, Words(s));
    }
    for p in doc.publisher.iter() {
        emit(IndexField::Publisher, Words(p));
    }
    for p in &extra.publishers {
        if doc.publisher.as_ref() != Some(p) {
            emit(IndexField::Publisher, Words(p));
        }
    }
    for n in extra
        .notes
        .iter()
        .filter(|n| !doc.subjects.contains(n))
        .chain(&extra.responsibilities)
        .chain(&doc.series)
        .chain(doc.edition.iter())
    {
        emit(IndexField::Notes, Words(n));
    }
    for i in &doc.isbns {
        emit(IndexField::Isbn, Exact(i));
    }
    for i in &doc.issns {
        emit(IndexField::Issn, Exact(i));
    }
    for o in &doc.oclc {
        emit(IndexField::Oclc, Exact(o));
    }
    for l in &doc.lccn {
        emit(IndexField::Lccn, Exact(l));
    }
    let mut libs: Vec<&str> = doc.libraries().collect();
    libs.sort();
    libs.dedup();
    for l in &libs {
        emit(IndexField::Library, Exact(l));
    }
    emit(IndexField::Format, Exact(&doc.format));
    if let Some(class) = doc
        .lc_class
        .as_deref()
        .and_then(|c| c.chars().next())
        .filter(char::is_ascii_alphabetic)
    {
        let mut buf = [0u8; 4];
        emit(
            IndexField::LcClass,
            Exact(class.to_ascii_uppercase().encode_utf8(&mut buf)),
        );
    }
    if let Some(l) = &doc.language {
        emit(IndexField::Language, Exact(l));
    }
    if let Some(y) = doc.year {
        emit(IndexField::Year, Int(i64::from(y)));
    }
    emit(
        IndexField::SortTitle,
        Exact(&unicat_bib::fold::fold(&doc.title)),
    );
    emit(IndexField::Holders, Count(libs.len() as u64));
    if let Some(w) = doc.work.as_deref().and_then(WorkId::parse) {
        emit(IndexField::Work, Count(w.0));
    }
}
