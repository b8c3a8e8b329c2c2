//! The shared search index: one tantivy document per cluster.
//!
//! This crate owns the schema (keyword fields with folded text, exact
//! identifier fields, facets that count clusters), the cluster document
//! ([`ClusterDoc`], with its merged holdings), the single writer
//! ([`IndexUpdate`], one per index, with a sized memory budget, committed
//! once per harvest), and the read side: [`CatalogIndex::search`] with
//! facets, paging and sorting, identifier lookups and fetching by id.
//!
//! Queries arrive as the backend-neutral [`Query`] tree; only this crate
//! knows tantivy, so another engine could stand beside it without touching
//! the catalog or the server. It does not parse query languages (that is
//! the catalog's) and does not decide clusters (that is `unicat-match`).
//!
//! Start from [`CatalogIndex::open`].

mod doc;
mod facets;
mod fields;
mod query;
mod schema;
mod snapshot;
mod suggest;
mod works;

pub use doc::{ClusterDoc, Holding, LibraryInfo, Member, build};
pub use fields::{FieldValue, IndexField, document_fields};

/// The ranking's weights, for another engine that must rank as this one
/// does (see [`Text`]).
pub mod ranking {
    pub use crate::HOLDERS_WEIGHT;
    pub use crate::query::{
        ALL_WORDS_BONUS, ANY_FIELDS, COMMON_FLOOR, COMMON_SHARE, EXACT_TITLE_BONUS, FUZZY_SCORE,
        MAIN_ENTRY_BOOST, MAX_FUZZY_WORDS, MAX_NAME_WORDS, OPTIONAL_WEIGHT, PART_TITLE_BONUS,
        TITLE_PHRASE_BONUS,
    };
}
pub use query::{
    Minimum, Query, SearchField, Text, fuzzy_distance, most_of, title_key, title_key_term, tokens,
};
pub use schema::SearchText;
pub use snapshot::IndexSnapshot;
pub use suggest::Correction;
pub use works::{FormatHoldings, WorkHoldings};

use schema::Fields;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, TantivyDocument,
};

/// The folder inside `index_dir`.
pub const INDEX_FOLDER: &str = "tantivy";

/// The crate's one error.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index could not be opened or created.
    #[error("cannot open the search index {path}: {reason}")]
    Open {
        /// Its folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Another process holds the index writer.
    #[error("the search index is being written by another process (a harvest in progress?): {0}")]
    Locked(String),
    /// A tantivy error.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A stored document cannot be read.
    #[error("corrupt document in the search index: {0}")]
    Corrupt(String),
}

/// How results are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    YearNewest,
    /// Oldest first.
    YearOldest,
    /// Title A–Z.
    Title,
}

/// A facet's values and how many clusters have each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Holding library.
    pub library: Vec<(String, u64)>,
    /// Format.
    pub format: Vec<(String, u64)>,
    /// Language.
    pub language: Vec<(String, u64)>,
    /// Year.
    pub year: Vec<(String, u64)>,
}

/// A page of results.
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// Clusters matching in all.
    pub total: u64,
    /// This page.
    pub hits: Vec<ClusterDoc>,
    /// Facet counts over all matches (counting clusters).
    pub facets: FacetCounts,
}

/// A page of results grouped by work.
#[derive(Clone, Debug)]
pub struct WorkResults {
    /// Works matching in all.
    pub total: u64,
    /// Clusters matching in all.
    pub clusters: u64,
    /// This page: one line per work.
    pub hits: Vec<WorkHit>,
    /// Facet counts over all matches (counting clusters).
    pub facets: FacetCounts,
}

/// One work among the results.
#[derive(Clone, Debug)]
pub struct WorkHit {
    /// Its best-ranked matching cluster (its `work` names the work).
    pub best: ClusterDoc,
    /// Its clusters that match.
    pub matched: u32,
    /// All its clusters, by format, with their holding libraries.
    pub holdings: WorkHoldings,
}

/// The index of one network.
pub struct CatalogIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
    columns: facets::ColumnCache,
}

/// How much holding libraries weigh in relevance (see [`CatalogIndex::search`]).
pub const HOLDERS_WEIGHT: f32 = 0.03;

/// Doc-store block size of new indexes (see [`CatalogIndex::open`]).
const DOCSTORE_BLOCK_BYTES: usize = 4096;

/// Part of the error for an index built with another schema.
const OTHER_VERSION: &str = "it was built by another version of Unicat";

impl CatalogIndex {
    /// Opens the index for a harvest: an index built by another version of
    /// Unicat (another schema) is derived data, so it is removed and created
    /// empty, and the harvest then rebuilds every cluster's document from
    /// the record store. Returns whether that happened.
    pub fn open_or_replace(index_dir: &Path) -> Result<(CatalogIndex, bool), IndexError> {
        match CatalogIndex::open(index_dir) {
            Err(IndexError::Open { reason, .. }) if reason.contains(OTHER_VERSION) => {
                let path = index_dir.join(INDEX_FOLDER);
                std::fs::remove_dir_all(&path).map_err(|e| IndexError::Open {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                Ok((CatalogIndex::open(index_dir)?, true))
            }
            other => other.map(|i| (i, false)),
        }
    }

    /// Opens (creating if needed) the index in `index_dir/tantivy`.
    pub fn open(index_dir: &Path) -> Result<CatalogIndex, IndexError> {
        let path = index_dir.join(INDEX_FOLDER);
        let open_err = |reason: String| IndexError::Open {
            path: path.clone(),
            reason,
        };
        std::fs::create_dir_all(&path).map_err(|e| open_err(e.to_string()))?;
        let (schema, fields) = Fields::schema();
        let dir = MmapDirectory::open(&path).map_err(|e| open_err(e.to_string()))?;
        // Small doc-store blocks: a page of results reads 20 documents at
        // random, and each read decompresses a whole block (tantivy's
        // default is 16 KiB, about ten cluster documents). Blocks are
        // compressed by the indexing thread that fills them, not handed to
        // a compressor thread per segment: on two cores the hand-off (a
        // futex wake per 4 KiB block) cost more than the compression, and
        // split10's index stage went from 5.2 to 4.7 s. Used when the
        // index is created; an existing index keeps its own.
        let settings = IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            docstore_compress_dedicated_thread: false,
            ..IndexSettings::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .open_or_create(dir)
            .map_err(|e| match e {
                tantivy::TantivyError::SchemaError(m) => open_err(format!(
                    "{m}; {OTHER_VERSION}: delete the folder and harvest again"
                )),
                other => open_err(other.to_string()),
            })?;
        Fields::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e: tantivy::TantivyError| open_err(e.to_string()))?;
        Ok(CatalogIndex {
            index,
            reader,
            fields,
            path,
            columns: facets::ColumnCache::default(),
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes committed changes visible to searches now (they also become
    /// visible on their own shortly after a commit).
    pub fn reload(&self) -> Result<(), IndexError> {
        Ok(self.reader.reload()?)
    }

    /// Starts an update: the index's single writer, with `memory` bytes of
    /// indexing budget.
    pub fn update(&self, memory: usize) -> Result<IndexUpdate, IndexError> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let per_thread_min = 15 << 20;
        let threads = threads.min((memory / per_thread_min).max(1));
        let writer: IndexWriter = self
            .index
            .writer_with_num_threads(threads, memory.max(per_thread_min * threads))
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked(e.to_string()),
                other => IndexError::Tantivy(other),
            })?;
        Ok(IndexUpdate {
            writer,
            fields: self.fields,
        })
    }

    /// Clusters in the index.
    pub fn count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes on disk.
    pub fn size_on_disk(&self) -> u64 {
        std::fs::read_dir(&self.path)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn decode(&self, doc: &TantivyDocument) -> Result<ClusterDoc, IndexError> {
        postcard::from_bytes(self.data(doc)?).map_err(|e| IndexError::Corrupt(e.to_string()))
    }

    fn data<'d>(&self, doc: &'d TantivyDocument) -> Result<&'d [u8], IndexError> {
        doc.get_first(self.fields.data)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| IndexError::Corrupt("document without data".into()))
    }

    /// Searches: a page of clusters, the total, and facet counts.
    pub fn search(
        &self,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
    ) -> Result<SearchResults, IndexError> {
        let searcher = self.reader.searcher();
        let (addresses, total, tally) = self.addresses(&searcher, query, offset, limit, sort)?;
        let hits = if limit == 0 {
            Vec::new()
        } else {
            addresses
                .into_iter()
                .map(|a| {
                    let d: TantivyDocument = searcher.doc(a)?;
                    self.decode(&d)
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(SearchResults {
            total: total as u64,
            hits,
            facets: FacetCounts {
                library: facets::top(tally.library, 100),
                format: facets::top(tally.format, 30),
                language: facets::top(tally.language, 30),
                year: facets::top(tally.year, 30),
            },
        })
    }

    /// Calls `f` with the first `limit` clusters of a search, in its
    /// order, one at a time from one snapshot: only the hits' addresses
    /// are held, never their documents (exports of up to 10,000 results).
    /// Returns the number of clusters matching in all; stops at `f`'s
    /// first error.
    pub fn for_each_hit<E: From<IndexError>>(
        &self,
        query: &Query,
        limit: usize,
        sort: Sort,
        mut f: impl FnMut(ClusterDoc) -> Result<(), E>,
    ) -> Result<u64, E> {
        let searcher = self.reader.searcher();
        let (addresses, total, _) = self.addresses(&searcher, query, 0, limit, sort)?;
        if limit > 0 {
            for a in addresses {
                let d: TantivyDocument = searcher.doc(a).map_err(IndexError::from)?;
                f(self.decode(&d)?)?;
            }
        }
        Ok(total as u64)
    }

    /// The addresses of a page of hits, the total and the facet tally.
    fn addresses(
        &self,
        searcher: &tantivy::Searcher,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
    ) -> Result<(Vec<tantivy::DocAddress>, usize, facets::Tally), IndexError> {
        let q = query.to_tantivy(&self.fields, searcher);
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let tally_of = self.columns.collector(searcher)?;
        Ok(match sort {
            Sort::Relevance => {
                // More holding libraries break ties: a title many libraries
                // hold is more likely the one meant. The factor is small
                // (+2 % for one library, +7 % for ten) so that it orders
                // near-equal scores and never a kind of match above another.
                let by_holders = top.tweak_score(|segment: &tantivy::SegmentReader| {
                    let holders = segment
                        .fast_fields()
                        .u64("holders")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    move |doc: tantivy::DocId, score: tantivy::Score| {
                        let n = holders.as_ref().map_or(0, |c| c.get_val(doc));
                        score * (1.0 + HOLDERS_WEIGHT * (1.0 + n as f32).ln())
                    }
                });
                let (docs, total, tally) = searcher.search(&q, &(by_holders, Count, tally_of))?;
                (docs.into_iter().map(|(_, a)| a).collect(), total, tally)
            }
            Sort::YearNewest | Sort::YearOldest => {
                let order = if sort == Sort::YearNewest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (docs, total, tally) = searcher.search(
                    &q,
                    &(
                        top.order_by_fast_field::<i64>("year", order),
                        Count,
                        tally_of,
                    ),
                )?;
                (docs.into_iter().map(|(_, a)| a).collect(), total, tally)
            }
            Sort::Title => {
                let (docs, total, tally) = searcher.search(
                    &q,
                    &(
                        top.order_by_string_fast_field("sort_title", Order::Asc),
                        Count,
                        tally_of,
                    ),
                )?;
                (docs.into_iter().map(|(_, a)| a).collect(), total, tally)
            }
        })
    }

    /// Searches, one result per work: each work's best-ranked matching
    /// cluster, in the order of `sort`, with what the work holds in every
    /// format (its clusters, given by `clusters_of` for the page's work
    /// ids, read from their columns in one search). Facets count clusters,
    /// as in [`search`](Self::search).
    pub fn search_works(
        &self,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
        clusters_of: impl FnOnce(&[u64]) -> Vec<Vec<String>>,
    ) -> Result<WorkResults, IndexError> {
        let searcher = self.reader.searcher();
        let q = query.to_tantivy(&self.fields, &searcher);
        let tally_of = self.columns.collector(&searcher)?;
        let by_work = works::ByWork {
            sort,
            holders_weight: HOLDERS_WEIGHT,
        };
        let (groups, tally) = searcher.search(&q, &(by_work, tally_of))?;
        let clusters = groups.iter().map(|(_, g)| u64::from(g.matched)).sum();
        let page: Vec<&(u64, works::GroupBest)> = groups.iter().skip(offset).take(limit).collect();
        // Every cluster of the page's works, tallied by work in one search.
        let keys: Vec<u64> = page
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| works::is_work(*k))
            .collect();
        let mut tallied = if keys.is_empty() {
            Default::default()
        } else {
            // A union of term lookups: a `TermSetQuery` streams the whole
            // id dictionary and allocates a bitset per segment, which made
            // it most of a grouped search's time.
            let ids: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)> =
                clusters_of(&keys)
                    .iter()
                    .flatten()
                    .map(|c| {
                        let q: Box<dyn tantivy::query::Query> =
                            Box::new(tantivy::query::TermQuery::new(
                                self.fields.id_term(c),
                                tantivy::schema::IndexRecordOption::Basic,
                            ));
                        (tantivy::query::Occur::Should, q)
                    })
                    .collect();
            searcher.search(&tantivy::query::BooleanQuery::new(ids), &works::Tally)?
        };
        let mut hits = Vec::with_capacity(page.len());
        for (key, group) in page {
            let d: TantivyDocument = searcher.doc(group.doc)?;
            let best = self.decode(&d)?;
            let holdings = match tallied.remove(key) {
                Some(formats) if works::is_work(*key) => works::summarise(formats),
                _ => WorkHoldings::of_one(&best),
            };
            hits.push(WorkHit {
                best,
                matched: group.matched,
                holdings,
            });
        }
        Ok(WorkResults {
            total: groups.len() as u64,
            clusters,
            hits,
            facets: FacetCounts {
                library: facets::top(tally.library, 100),
                format: facets::top(tally.format, 30),
                language: facets::top(tally.language, 30),
                year: facets::top(tally.year, 30),
            },
        })
    }

    /// Every cluster carrying an exact value (an identifier, a cluster id).
    pub fn lookup(
        &self,
        field: SearchField,
        value: &str,
        limit: usize,
    ) -> Result<Vec<ClusterDoc>, IndexError> {
        Ok(self
            .search(
                &Query::Exact(field, value.to_string()),
                0,
                limit,
                Sort::Relevance,
            )?
            .hits)
    }

    /// One cluster by id.
    pub fn get(&self, id: &str) -> Result<Option<ClusterDoc>, IndexError> {
        Ok(self.lookup(SearchField::Id, id, 1)?.into_iter().next())
    }

    /// The index's version: changes with every commit that readers see.
    /// Caches of whole-index figures key on it.
    pub fn generation(&self) -> u64 {
        let searcher = self.reader.searcher();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for s in searcher.segment_readers() {
            for b in s.segment_id().uuid_string().bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            h = (h ^ u64::from(s.num_docs())).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }

    /// Calls `f(libraries, format, lc_class_letter)` for every cluster,
    /// reading only column data (no stored documents): the one pass the
    /// collection-overlap report needs.
    pub fn for_each_profile(
        &self,
        mut f: impl FnMut(&[&str], &str, Option<&str>),
    ) -> Result<(), IndexError> {
        self.for_each_work_profile(|libs, format, class, _| f(libs, format, class))
    }

    /// [`for_each_profile`](Self::for_each_profile) with each cluster's work
    /// (None for a cluster not yet grouped).
    pub fn for_each_work_profile(
        &self,
        mut f: impl FnMut(&[&str], &str, Option<&str>, Option<u64>),
    ) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        let names = |col: &tantivy::columnar::StrColumn| -> Result<Vec<String>, IndexError> {
            (0..col.num_terms() as u64)
                .map(|ord| {
                    let mut s = String::new();
                    col.ord_to_str(ord, &mut s)
                        .map_err(|e| IndexError::Corrupt(e.to_string()))?;
                    Ok(s)
                })
                .collect()
        };
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let (Some(library), Some(format)) = (ff.str("library")?, ff.str("format")?) else {
                continue;
            };
            let class = ff.str("lc_class")?;
            let work = ff.u64("work").ok();
            let library_names = names(&library)?;
            let format_names = names(&format)?;
            let class_names = class.as_ref().map(names).transpose()?.unwrap_or_default();
            let mut libs: Vec<&str> = Vec::with_capacity(16);
            for doc in segment.doc_ids_alive() {
                libs.clear();
                libs.extend(
                    library
                        .term_ords(doc)
                        .filter_map(|o| library_names.get(o as usize))
                        .map(String::as_str),
                );
                let fmt = format
                    .term_ords(doc)
                    .next()
                    .and_then(|o| format_names.get(o as usize))
                    .map(String::as_str)
                    .unwrap_or("");
                let cls = class
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .and_then(|o| class_names.get(o as usize))
                    .map(String::as_str);
                f(&libs, fmt, cls, work.as_ref().and_then(|w| w.first(doc)));
            }
        }
        Ok(())
    }

    /// Calls `f` with every cluster, from one consistent snapshot.
    pub fn for_each(&self, mut f: impl FnMut(ClusterDoc)) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(64)
                .map_err(|e| IndexError::Corrupt(e.to_string()))?;
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument = store.get(doc_id)?;
                f(self.decode(&d)?);
            }
        }
        Ok(())
    }
}

/// A cluster's tantivy document, made ahead of [`IndexUpdate::add_prepared`]
/// so that callers can make many at once on their own threads.
pub struct PreparedDoc(TantivyDocument, tantivy::schema::Field);

impl PreparedDoc {
    /// The cluster document as stored (postcard): all the index serves of
    /// it, so a hash of it tells whether it changed.
    pub fn stored(&self) -> &[u8] {
        self.0
            .get_first(self.1)
            .and_then(|v| v.as_bytes())
            .unwrap_or_default()
    }
}

impl CatalogIndex {
    /// Makes a cluster's document (the work [`IndexUpdate::add`] does
    /// before handing it to the writer).
    pub fn prepare(&self, doc: &ClusterDoc, extra: &SearchText) -> PreparedDoc {
        PreparedDoc(self.fields.document(doc, extra), self.fields.data)
    }
}

/// The index's single writer, for one harvest's changes.
pub struct IndexUpdate {
    writer: IndexWriter,
    fields: Fields,
}

impl IndexUpdate {
    /// Removes a cluster.
    pub fn delete(&mut self, id: &str) {
        self.writer.delete_term(self.fields.id_term(id));
    }

    /// Adds (or, after [`delete`](Self::delete), replaces) a cluster.
    pub fn add(&mut self, doc: &ClusterDoc, extra: &SearchText) -> Result<(), IndexError> {
        self.writer.add_document(self.fields.document(doc, extra))?;
        Ok(())
    }

    /// Adds a document made by [`CatalogIndex::prepare`] (on any thread).
    pub fn add_prepared(&mut self, doc: PreparedDoc) -> Result<(), IndexError> {
        self.writer.add_document(doc.0)?;
        Ok(())
    }

    /// Removes every cluster (before a full rebuild).
    pub fn delete_all(&mut self) -> Result<(), IndexError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits: all changes become visible at once.
    pub fn commit(mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
