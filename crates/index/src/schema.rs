//! The tantivy schema: keyword fields (folded text), exact identifier
//! fields, column (fast) fields that facets count clusters on and results
//! sort by, and the stored cluster document.

use crate::doc::ClusterDoc;
use crate::fields::{FieldValue, IndexField};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument, Term};

/// The analyzer of keyword fields: words, lowercase, diacritics folded (so
/// `Misérables` finds `miserables` and the reverse).
pub const ANALYZER: &str = "unicat_folded";

pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The schema's fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub author: Field,
    pub subject: Field,
    pub publisher: Field,
    pub notes: Field,
    pub isbn: Field,
    pub issn: Field,
    pub oclc: Field,
    pub lccn: Field,
    pub library: Field,
    pub format: Field,
    pub lc_class: Field,
    pub language: Field,
    pub year: Field,
    pub sort_title: Field,
    /// Every wording of the title as one folded term ([`crate::title_key`]):
    /// title proper, title with subtitle, each member's and alternate
    /// titles. A query equal to one is the known item.
    pub title_key: Field,
    /// The members' main entries (1XX), which count more than other names.
    pub main_entry: Field,
    pub holders: Field,
    /// The cluster's work ([`ClusterDoc::work`]) as a number: grouped
    /// searches collapse on it. A column only: indexing it as terms (one
    /// random 64-bit term per work) made tantivy's term dictionaries and
    /// postings the largest cost of indexing, and split10's index stage
    /// twice as long. A work's editions are found by their cluster ids.
    pub work: Field,
    /// The [`ClusterDoc`] in postcard: compact, and quick to write and to
    /// read back (until 2026-12 it was JSON in a field named `data`; an
    /// index from then has another schema, so a harvest rebuilds it).
    pub data: Field,
}

thread_local! {
    /// Each document-building thread's buffer for the stored document
    /// (reused: no allocation per cluster).
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let words_only = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            title: b.add_text_field("title", text.clone()),
            author: b.add_text_field("author", text.clone()),
            subject: b.add_text_field("subject", text.clone()),
            publisher: b.add_text_field("publisher", text.clone()),
            notes: b.add_text_field("notes", text),
            title_key: b.add_text_field("title_key", STRING),
            main_entry: b.add_text_field("main_entry", words_only),
            isbn: b.add_text_field("isbn", STRING),
            issn: b.add_text_field("issn", STRING),
            oclc: b.add_text_field("oclc", STRING),
            lccn: b.add_text_field("lccn", STRING),
            library: b.add_text_field("library", STRING | FAST),
            format: b.add_text_field("format", STRING | FAST),
            lc_class: b.add_text_field("lc_class", STRING | FAST),
            language: b.add_text_field("language", STRING | FAST),
            year: b.add_i64_field("year", INDEXED | FAST),
            sort_title: b.add_text_field("sort_title", FAST),
            holders: b.add_u64_field("holders", FAST),
            work: b.add_u64_field("work", FAST),
            // Renamed with each change of `ClusterDoc` (the holdings gained
            // their summary statements and coverage in 2026-12): an index
            // written with the old shape has another schema, and a harvest
            // rebuilds it from the store.
            // (v3: the cluster's work; v4: title keys hashed.)
            data: b.add_bytes_field("cluster_v4", STORED),
        };
        (b.build(), fields)
    }

    pub(crate) fn register(index: &Index) {
        index.tokenizers().register(ANALYZER, analyzer());
    }

    /// The tantivy document of a cluster. `search_text` carries the extra
    /// words only indexed (alternate titles, notes, …).
    pub(crate) fn document(&self, doc: &ClusterDoc, extra: &SearchText) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        crate::fields::document_fields(doc, extra, |field, value| {
            let f = self.field(field);
            match value {
                FieldValue::Words(t) => d.add_text(f, t),
                FieldValue::Exact(t) => d.add_text(f, t),
                FieldValue::Int(n) => d.add_i64(f, n),
                FieldValue::Count(n) => d.add_u64(f, n),
            }
        });
        SCRATCH.with_borrow_mut(|buf| {
            buf.clear();
            // Serialising these plain structs into a Vec cannot fail.
            *buf = postcard::to_extend(doc, std::mem::take(buf)).unwrap_or_default();
            d.add_bytes(self.data, buf.as_slice());
        });
        d
    }

    fn field(&self, f: IndexField) -> Field {
        match f {
            IndexField::Id => self.id,
            IndexField::Title => self.title,
            IndexField::TitleKey => self.title_key,
            IndexField::MainEntry => self.main_entry,
            IndexField::Author => self.author,
            IndexField::Subject => self.subject,
            IndexField::Publisher => self.publisher,
            IndexField::Notes => self.notes,
            IndexField::Isbn => self.isbn,
            IndexField::Issn => self.issn,
            IndexField::Oclc => self.oclc,
            IndexField::Lccn => self.lccn,
            IndexField::Library => self.library,
            IndexField::Format => self.format,
            IndexField::LcClass => self.lc_class,
            IndexField::Language => self.language,
            IndexField::Year => self.year,
            IndexField::SortTitle => self.sort_title,
            IndexField::Holders => self.holders,
            IndexField::Work => self.work,
        }
    }

    pub(crate) fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.id, id)
    }
}

/// Words indexed for a cluster beyond its displayed fields: every member's
/// alternate titles (246, 880), names in original script, other publishers,
/// notes. They make a cluster findable by any member's cataloguing.
#[derive(Clone, Debug, Default)]
pub struct SearchText {
    /// Other titles.
    pub titles: Vec<String>,
    /// Other names.
    pub names: Vec<String>,
    /// Other publishers.
    pub publishers: Vec<String>,
    /// Notes, contents, summaries.
    pub notes: Vec<String>,
    /// Statements of responsibility (245 $c), indexed with the notes: the
    /// names a pasted title carries, even where no 1XX/7XX gives them.
    pub responsibilities: Vec<String>,
    /// Title keys of every member's wordings ([`crate::title_key`]).
    pub title_keys: Vec<String>,
    /// Every member's main entry, once each. The displayed main entry is
    /// among them and is indexed again beside them, so it counts twice in
    /// `main_entry` (a term frequency of 2, which BM25 scores 1.375 times
    /// 1): dropping the repeat saves about 6 % of the tokens but changes
    /// every score, and an index and a Solr collection built before would
    /// rank differently from new documents until rebuilt whole.
    pub main_entries: Vec<String>,
}

impl SearchText {
    /// Gathers the extra words of the members.
    pub fn from_members<'a>(
        bibs: impl IntoIterator<Item = &'a unicat_bib::BibRecord>,
    ) -> SearchText {
        let mut s = SearchText::default();
        let add = |list: &mut Vec<String>, v: &str| {
            if !v.is_empty() && !list.iter().any(|x| x == v) && list.len() < 64 {
                list.push(v.to_string());
            }
        };
        let key = |list: &mut Vec<String>, v: &str| {
            let k = crate::title_key(v);
            if !k.is_empty() && !list.contains(&k) && list.len() < 64 {
                list.push(k);
            }
        };
        for b in bibs {
            key(&mut s.title_keys, &b.title);
            key(&mut s.title_keys, &b.display_title());
            if let Some(st) = &b.subtitle {
                key(&mut s.title_keys, &format!("{} {st}", b.title));
            }
            for t in &b.alternate_titles {
                key(&mut s.title_keys, t);
            }
            if let Some(main) = b.authors.first() {
                add(&mut s.main_entries, main);
            }
            if let Some(r) = &b.responsibility {
                add(&mut s.responsibilities, r);
            }
            add(&mut s.titles, &b.title);
            if let Some(st) = &b.subtitle {
                add(&mut s.titles, st);
            }
            for t in &b.alternate_titles {
                add(&mut s.titles, t);
            }
            for n in b.authors.iter().chain(&b.alternate_names) {
                add(&mut s.names, n);
            }
            for p in &b.publishers {
                add(&mut s.publishers, p);
            }
            for n in b.notes.iter().take(8) {
                add(&mut s.notes, n);
            }
            for n in &b.subjects {
                add(&mut s.notes, n);
            }
        }
        s
    }
}
