//! The read side of Unicat: what the CLI and the HTTP service answer.
//!
//! This crate owns the query language librarians type ([`query`]), the
//! answers' shapes (INTERFACE.md's Cluster and Holding, search results with
//! facets, cluster details with their members' MARC and the evidence for
//! their merge), and one [`ErrorCode`] that the server maps to HTTP statuses
//! and SRU diagnostics. It also checks lists of identifiers against the
//! network ([`check`], streamed, constant memory), writes clusters out as
//! MARCXML, MARC-in-JSON, ISO 2709, CSV, RIS and BibTeX ([`export`]), and
//! reads the change log the OAI-PMH provider lists from ([`changes`]). It
//! reads the index and the store; it never writes.
//! It knows nothing of HTTP.
//!
//! Start from [`Catalog::open`].

pub mod changes;
pub mod check;
mod error;
pub mod export;
pub mod lenders;
pub mod overlap;
pub mod query;
pub mod serials;
pub mod works;

pub use error::{CatalogError, ErrorCode};
pub use unicat_index::{ClusterDoc, Holding, Minimum, Query, SearchField, Sort, Text};

use serde::Serialize;
use std::ops::Bound;
use std::sync::Arc;
use unicat_bib::{Isbn13, Issn, Lccn, OclcNumber};
use unicat_config::Network;
use unicat_index::{CatalogIndex, SearchResults};
use unicat_match::{ClusterId, Manifestation, MatchEvidence};
use unicat_store::{MemberRef, Store};

/// The most results a page may hold.
pub const MAX_PER_PAGE: usize = 100;
/// The deepest result served (page × per_page); deeper paging is refused:
/// nobody reads that far, and it would cost every other search.
pub const MAX_DEPTH: usize = 10_000;

/// A word in at most this many documents may be a slip for a far more
/// common one.
const RARE: u64 = 2;

/// A search finding at most this many results gets a suggestion, and is
/// widened to most of its words when none of them is the item its words
/// name.
const FEW: u64 = 3;

/// Whether some result is what the query's words name: every plain word of
/// the query is in its title, statement of responsibility or names (a
/// known-item search), not somewhere in its notes or subjects.
fn any_known_item(q: &Query, results: &[unicat_index::ClusterDoc]) -> bool {
    let mut words = Vec::new();
    plain_words(q, &mut words);
    let wanted: Vec<String> = words.iter().flat_map(|w| unicat_index::tokens(w)).collect();
    if wanted.len() < 2 {
        return true;
    }
    results.iter().any(|doc| {
        let mut named: Vec<String> = unicat_index::tokens(&doc.title);
        for part in doc.subtitle.iter().chain(&doc.authors).chain(&doc.series) {
            named.extend(unicat_index::tokens(part));
        }
        wanted.iter().all(|w| named.contains(w))
    })
}

/// The query widened: every plain-words [`Text`] of the query's required
/// part matching close spellings (`fuzzy`) and `minimum` of its words;
/// `None` when there is none to widen.
pub(crate) fn widen(q: &Query, fuzzy: bool, minimum: Minimum) -> Option<Query> {
    match q {
        Query::Text(t)
            if unicat_index::tokens(&t.words).len() > usize::from(minimum != Minimum::All) =>
        {
            Some(Query::Text(unicat_index::Text {
                fuzzy,
                minimum,
                ..t.clone()
            }))
        }
        Query::And(parts) => {
            let mut any = false;
            let parts = parts
                .iter()
                .map(|p| match widen(p, fuzzy, minimum) {
                    Some(r) => {
                        any = true;
                        r
                    }
                    None => p.clone(),
                })
                .collect();
            any.then_some(Query::And(parts))
        }
        Query::Not(a, b) => widen(a, fuzzy, minimum).map(|a| Query::Not(Box::new(a), b.clone())),
        _ => None,
    }
}

/// The plain words of a query (those a suggestion may correct).
fn plain_words(q: &Query, out: &mut Vec<String>) {
    match q {
        Query::Text(t) => out.extend(t.words.split_whitespace().map(str::to_string)),
        Query::Words(_, w) | Query::Phrase(_, w) => out.push(w.clone()),
        Query::And(parts) | Query::Or(parts) => parts.iter().for_each(|p| plain_words(p, out)),
        Query::Not(a, _) => plain_words(a, out),
        _ => {}
    }
}

/// Where a folded word stands in the query text (as the index folds it): the
/// byte range of the first word of the text that folds to it.
fn find_folded(text: &str, token: &str) -> Option<std::ops::Range<usize>> {
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if unicat_index::tokens(&text[s..i])
                    .first()
                    .map(String::as_str)
                    == Some(token)
                {
                    return Some(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

/// An overlap report and the index generation it was computed at.
type CachedOverlap = (u64, Arc<overlap::OverlapReport>);

/// A search, as the API takes it.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// 1-based page.
    pub page: usize,
    /// Results per page (1–100).
    pub per_page: usize,
    /// Only clusters held by this library.
    pub library: Option<String>,
    /// Only this format.
    pub format: Option<String>,
    /// Only this language.
    pub language: Option<String>,
    /// Published in or after.
    pub year_from: Option<i64>,
    /// Published in or before.
    pub year_to: Option<i64>,
    /// Order.
    pub sort: Sort,
    /// Read the query as written ([`query::parse`]): a malformed query is
    /// an error, words match exactly, nothing is relaxed or suggested. The
    /// default is the lenient reading ([`query::parse_lenient`]).
    pub strict: bool,
    /// One result per manifestation (cluster) or per work.
    pub group: Group,
}

/// What one search result is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// A manifestation cluster (one edition in one format): the API's
    /// default, and SRU's only level.
    #[default]
    Manifestation,
    /// A work: its best-matching manifestation, with what the work holds
    /// in every format (the patron page's default).
    Work,
}

impl Group {
    /// Reads `manifestation` (or `cluster`, `edition`) or `work`.
    pub fn parse(text: &str) -> Option<Group> {
        match text.trim().to_ascii_lowercase().as_str() {
            "manifestation" | "manifestations" | "cluster" | "edition" | "editions" => {
                Some(Group::Manifestation)
            }
            "work" | "works" => Some(Group::Work),
            _ => None,
        }
    }
}

/// A work among grouped results (parallel to [`SearchResponse::results`],
/// whose entry is its best-matching manifestation).
#[derive(Clone, Debug, Serialize)]
pub struct WorkResult {
    /// Work id (`/api/works/{id}`); None for a cluster not yet grouped.
    pub id: Option<String>,
    /// Its manifestations that match the search.
    pub matched: u32,
    /// All its manifestations in the index.
    pub editions: u32,
    /// Distinct libraries holding any of them.
    pub libraries: u32,
    /// By format, most editions first.
    pub formats: Vec<WorkFormat>,
}

/// One format of a work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkFormat {
    /// Format code.
    pub format: String,
    /// Manifestations in this format.
    pub editions: u32,
    /// Distinct libraries holding one.
    pub libraries: u32,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            page: 1,
            per_page: 20,
            library: None,
            format: None,
            language: None,
            year_from: None,
            year_to: None,
            sort: Sort::Relevance,
            strict: false,
            group: Group::Manifestation,
        }
    }
}

/// A facet value and how many clusters have it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacetValue {
    /// The value (library id, format code, language code, year).
    pub value: String,
    /// Clusters.
    pub count: u64,
}

/// Facets of a search.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Facets {
    /// Holding libraries.
    pub library: Vec<FacetValue>,
    /// Formats.
    pub format: Vec<FacetValue>,
    /// Languages.
    pub language: Vec<FacetValue>,
    /// Years.
    pub year: Vec<FacetValue>,
}

/// A search's answer: a page of [`ClusterDoc`]s and the facet counts.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResponse {
    /// What a result is: `manifestation` or `work`.
    pub group: Group,
    /// Results matching: clusters, or works when grouped by work.
    pub total: u64,
    /// Manifestation clusters matching (equal to `total` unless grouped).
    pub clusters: u64,
    /// The page.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
    /// The page's clusters (grouped by work: each work's best match).
    pub results: Vec<ClusterDoc>,
    /// Grouped by work: the works, one per result, in the same order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub works: Vec<WorkResult>,
    /// Facet counts: always manifestation clusters, also when grouped.
    pub facets: Facets,
    /// True when the words found nothing together and the results are
    /// those with most of them (the lenient reading only).
    pub relaxed: bool,
    /// A query with mistyped words corrected from the index's own words,
    /// when the words as typed find nothing or few results (the lenient
    /// reading only).
    pub suggestion: Option<String>,
    /// When the words together found only a few results and none of them
    /// the item the words name, the results with most of the words follow
    /// them (`relaxed` is true): how many have all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_words: Option<u64>,
}

/// The identifiers "who holds this?" takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentifierKind {
    /// ISBN, any form.
    Isbn,
    /// ISSN.
    Issn,
    /// OCLC number, any form.
    Oclc,
    /// LCCN, any form.
    Lccn,
    /// A cluster id.
    Cluster,
}

/// "Who holds this?"
#[derive(Clone, Debug, Serialize)]
pub struct HoldingsResponse {
    /// Every cluster carrying the identifier, with its holdings.
    pub clusters: Vec<ClusterDoc>,
}

/// A member record of a cluster, with its MARC.
#[derive(Clone, Debug, Serialize)]
pub struct MemberDetail {
    /// Library.
    pub library: String,
    /// Its record id.
    pub record_id: String,
    /// The record as MARC-in-JSON.
    pub marc: serde_json::Value,
}

/// Why a member joined: the member it matched, the keys they share, every
/// comparison's verdict and weight (recomputed from the records as they are now).
#[derive(Clone, Debug, Serialize)]
pub struct JoinEvidence {
    /// The member that joined.
    pub record: MemberRef,
    /// The member it matched.
    pub matched: MemberRef,
    /// Shared keys, every comparison with its verdict and weight, and the score against the threshold.
    #[serde(flatten)]
    pub evidence: MatchEvidence,
}

/// A cluster with its members and merge evidence (`/api/clusters/{id}`).
#[derive(Clone, Debug, Serialize)]
pub struct ClusterDetail {
    /// The cluster.
    #[serde(flatten)]
    pub cluster: ClusterDoc,
    /// Its member records.
    pub members: Vec<MemberDetail>,
    /// Why they were merged.
    pub evidence: Vec<JoinEvidence>,
}

/// One line of `unicat clusters`.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterLine {
    /// Cluster id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Members.
    pub members: Vec<MemberRef>,
}

/// Where a catalog's clusters are searched.
pub enum Engine {
    /// The embedded tantivy index, beside the record store.
    Tantivy(Arc<CatalogIndex>),
    /// A SolrCloud collection: the serving node keeps no store.
    Solr(Arc<unicat_solr::SolrIndex>),
}

/// The catalog of one network.
pub struct Catalog {
    /// The network.
    pub network: Arc<Network>,
    store: Option<Arc<Store>>,
    engine: Engine,
    rotation: lenders::Rotation,
    /// By level: manifestations, works.
    overlap_cache: std::sync::Mutex<[Option<CachedOverlap>; 2]>,
    works_cache: std::sync::Mutex<Option<(u64, check::WorkMap)>>,
}

impl Catalog {
    /// Opens the store and the index of a network; with a SolrCloud
    /// index, checks the collection and opens no store.
    pub fn open(network: Arc<Network>) -> Result<Catalog, CatalogError> {
        if let unicat_config::IndexBackend::Solr(settings) = &network.index {
            let solr = unicat_solr::SolrIndex::new(settings);
            solr.check().map_err(CatalogError::solr)?;
            return Ok(Catalog::over(network, None, Engine::Solr(Arc::new(solr))));
        }
        let store = Arc::new(
            Store::open_with_cache(&network.index_dir, unicat_store::SERVING_CACHE_BYTES)
                .map_err(CatalogError::internal)?,
        );
        let index =
            Arc::new(CatalogIndex::open(&network.index_dir).map_err(CatalogError::internal)?);
        Ok(Catalog::with(network, store, index))
    }

    /// A catalog over an already open store and index (shared with a
    /// harvester in the same process).
    pub fn with(network: Arc<Network>, store: Arc<Store>, index: Arc<CatalogIndex>) -> Catalog {
        Catalog::over(network, Some(store), Engine::Tantivy(index))
    }

    /// A catalog over an engine and, where it has one, a store.
    pub fn over(network: Arc<Network>, store: Option<Arc<Store>>, engine: Engine) -> Catalog {
        Catalog {
            network,
            store,
            engine,
            rotation: lenders::Rotation::default(),
            overlap_cache: std::sync::Mutex::new([None, None]),
            works_cache: std::sync::Mutex::new(None),
        }
    }

    /// The embedded index (an error when the index is in SolrCloud).
    pub fn index(&self) -> Result<&Arc<CatalogIndex>, CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => Ok(i),
            Engine::Solr(_) => Err(CatalogError::not_available("this answer")),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The record store (an error on a node serving a SolrCloud
    /// collection, which keeps none).
    pub fn store(&self) -> Result<&Arc<Store>, CatalogError> {
        self.store
            .as_ref()
            .ok_or_else(|| CatalogError::not_available("this answer"))
    }

    /// Clusters in the index (0 when it cannot be counted).
    pub fn cluster_count(&self) -> u64 {
        match &self.engine {
            Engine::Tantivy(i) => i.count(),
            Engine::Solr(s) => s.count().unwrap_or(0),
        }
    }

    /// The index's version: changes with every commit readers see (caches
    /// of whole-index figures key on it).
    pub fn generation(&self) -> Result<u64, CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => Ok(i.generation()),
            Engine::Solr(s) => s.generation().map_err(CatalogError::solr),
        }
    }

    /// Every cluster carrying an exact value (at most `limit`).
    pub fn lookup_docs(
        &self,
        field: SearchField,
        value: &str,
        limit: usize,
    ) -> Result<Vec<ClusterDoc>, CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => i
                .lookup(field, value, limit)
                .map_err(CatalogError::internal),
            Engine::Solr(s) => s.lookup(field, value, limit).map_err(CatalogError::solr),
        }
    }

    /// One cluster's document by its id as written.
    pub fn get_doc(&self, id: &str) -> Result<Option<ClusterDoc>, CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => i.get(id).map_err(CatalogError::internal),
            Engine::Solr(s) => s.get(id).map_err(CatalogError::solr),
        }
    }

    /// Calls `f(libraries, format, lc_class, work)` for every cluster.
    pub(crate) fn for_each_work_profile(
        &self,
        f: impl FnMut(&[&str], &str, Option<&str>, Option<u64>),
    ) -> Result<(), CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => i.for_each_work_profile(f).map_err(CatalogError::internal),
            Engine::Solr(s) => s.for_each_work_profile(f).map_err(CatalogError::solr),
        }
    }

    /// Searches the engine.
    pub fn search_index(
        &self,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
    ) -> Result<SearchResults, CatalogError> {
        match &self.engine {
            Engine::Tantivy(i) => i
                .search(query, offset, limit, sort)
                .map_err(CatalogError::internal),
            Engine::Solr(s) => s
                .search(query, offset, limit, sort)
                .map_err(CatalogError::solr),
        }
    }

    /// Builds the full query of a request (its text, read strictly or
    /// leniently, and its filters).
    pub fn request_query(&self, req: &SearchRequest) -> Result<Query, CatalogError> {
        let text = if req.strict {
            query::parse(&req.q)?
        } else {
            query::parse_lenient(&req.q)
        };
        self.with_filters(text, req)
    }

    /// A query with a request's filters.
    pub(crate) fn with_filters(
        &self,
        text: Query,
        req: &SearchRequest,
    ) -> Result<Query, CatalogError> {
        let mut parts = vec![text];
        if let Some(l) = &req.library {
            let l = l.trim().to_lowercase();
            if self.network.library(&l).is_none() {
                return Err(CatalogError::new(
                    ErrorCode::BadParameter,
                    format!("no library '{l}' in this network"),
                ));
            }
            parts.push(Query::Exact(SearchField::Library, l));
        }
        if let Some(f) = &req.format {
            let f = unicat_bib::MaterialFormat::parse(f).ok_or_else(|| {
                CatalogError::new(ErrorCode::BadParameter, format!("unknown format '{f}'"))
            })?;
            parts.push(Query::Exact(SearchField::Format, f.code().to_string()));
        }
        if let Some(l) = &req.language {
            parts.push(Query::Exact(SearchField::Language, l.trim().to_lowercase()));
        }
        if req.year_from.is_some() || req.year_to.is_some() {
            let lo = req
                .year_from
                .map(Bound::Included)
                .unwrap_or(Bound::Unbounded);
            let hi = req.year_to.map(Bound::Included).unwrap_or(Bound::Unbounded);
            parts.push(Query::Year(lo, hi));
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            Query::And(parts)
        })
    }

    /// Checks paging bounds; returns the offset.
    pub fn check_paging(page: usize, per_page: usize) -> Result<usize, CatalogError> {
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(CatalogError::new(
                ErrorCode::BadParameter,
                format!("per_page must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        if page == 0 {
            return Err(CatalogError::new(
                ErrorCode::BadParameter,
                "page starts at 1",
            ));
        }
        let offset = (page - 1).saturating_mul(per_page);
        if offset.saturating_add(per_page) > MAX_DEPTH {
            return Err(CatalogError::new(
                ErrorCode::PageTooDeep,
                format!(
                    "results beyond the first {MAX_DEPTH} are not served; narrow the search with words or filters"
                ),
            ));
        }
        Ok(offset)
    }

    /// Runs a search. Read leniently, a query whose words find nothing
    /// together is run again with close spellings of its title and author
    /// words, then for most of its words (those with every word first),
    /// then a third (`relaxed`); and it gets a suggestion when the index
    /// knows a close spelling of a word it does not know. (Widening only
    /// when nothing is found keeps every other search one index search: on
    /// net500k, widening searches that found one or two titles too cost
    /// /api/search nine tenths of its throughput.)
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, CatalogError> {
        let offset = Catalog::check_paging(req.page, req.per_page)?;
        if req.strict {
            let query = self.request_query(req)?;
            return self.run_grouped(&query, offset, req);
        }
        let text = query::parse_lenient(&req.q);
        let query = self.with_filters(text.clone(), req)?;
        let mut response = self.run_grouped(&query, offset, req)?;
        if response.total > 0 {
            if response.total <= FEW && offset == 0 && !any_known_item(&text, &response.results) {
                // A word or two found nothing the words name (`learning
                // perl` finding *Intermediate Perl* by a note): the results
                // with most of the words follow those with all of them.
                if let Some(wider) = widen(&text, false, Minimum::Most) {
                    let widened = self.run_grouped(&self.with_filters(wider, req)?, offset, req)?;
                    if widened.total > response.total {
                        response = SearchResponse {
                            relaxed: true,
                            all_words: Some(response.total),
                            ..widened
                        };
                    }
                }
            }
            if response.total <= FEW {
                response.suggestion = self.suggest(req, &text, 1)?;
            }
            return Ok(response);
        }
        // Close spellings of title and author words, then most of the
        // words, then (for a long pasted citation) a third.
        for minimum in [Minimum::All, Minimum::Most, Minimum::Third] {
            let Some(wider) = widen(&text, true, minimum) else {
                continue;
            };
            let widened = self.run_grouped(&self.with_filters(wider, req)?, offset, req)?;
            if widened.total > 0 {
                response = SearchResponse {
                    relaxed: minimum != Minimum::All,
                    ..widened
                };
                break;
            }
        }
        response.suggestion = self.suggest(req, &text, 2)?;
        Ok(response)
    }

    /// A better-spelt query: each word the index does not know (or knows
    /// from a record or two, when a close spelling is far more common)
    /// replaced by its likeliest correction, if the corrected query finds
    /// something. A word is corrected by at most `max_distance` edits (one
    /// when the words found something: a slip that left a few results is
    /// one slip, and the closer search costs each of those searches less).
    fn suggest(
        &self,
        req: &SearchRequest,
        text: &Query,
        max_distance: u8,
    ) -> Result<Option<String>, CatalogError> {
        let Engine::Tantivy(index) = &self.engine else {
            return Ok(None); // the term dictionary is tantivy's
        };
        let mut words = Vec::new();
        plain_words(text, &mut words);
        let mut corrected = req.q.clone();
        let mut changed = false;
        for word in words {
            for token in unicat_index::tokens(&word) {
                let known = index
                    .word_frequency(&token)
                    .map_err(CatalogError::internal)?;
                if known > RARE {
                    continue;
                }
                let Some(c) = index
                    .closest_word(&token, max_distance)
                    .map_err(CatalogError::internal)?
                else {
                    continue;
                };
                if known > 0 && c.documents < known * 10 {
                    continue;
                }
                if let Some(at) = find_folded(&corrected, &token) {
                    corrected.replace_range(at, &c.word);
                    changed = true;
                }
            }
        }
        if !changed {
            return Ok(None);
        }
        let check = SearchRequest {
            q: corrected.clone(),
            page: 1,
            per_page: 1,
            ..req.clone()
        };
        let query = self.with_filters(query::parse_lenient(&check.q), &check)?;
        let better = self.run(&query, 0, 1, 1, Sort::Relevance)?.total;
        Ok((better > 0).then_some(corrected))
    }

    /// Runs an already built query at the request's level (manifestation
    /// or work).
    fn run_grouped(
        &self,
        query: &Query,
        offset: usize,
        req: &SearchRequest,
    ) -> Result<SearchResponse, CatalogError> {
        if req.group == Group::Manifestation {
            return self.run(query, offset, req.per_page, req.page, req.sort);
        }
        let r = match (&self.engine, &self.store) {
            (Engine::Tantivy(index), Some(store)) => index
                .search_works(query, offset, req.per_page, req.sort, |works| {
                    store
                        .clusters_of_works(works)
                        .map(|all| {
                            all.into_iter()
                                .map(|cs| {
                                    cs.into_iter().map(|c| ClusterId(c).to_string()).collect()
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .map_err(CatalogError::internal)?,
            (Engine::Solr(solr), _) => solr
                .search_works(query, offset, req.per_page, req.sort)
                .map_err(CatalogError::solr)?,
            (Engine::Tantivy(_), None) => {
                return Err(CatalogError::internal(
                    "a tantivy catalog without its store",
                ));
            }
        };
        let mut response = Catalog::response(
            SearchResults {
                total: r.total,
                hits: Vec::new(),
                facets: r.facets,
            },
            req.page,
            req.per_page,
        );
        response.group = Group::Work;
        response.clusters = r.clusters;
        for mut hit in r.hits {
            // The best match's format first, the others by editions.
            if let Some(at) = hit
                .holdings
                .formats
                .iter()
                .position(|f| f.format == hit.best.format)
            {
                hit.holdings.formats[..=at].rotate_right(1);
            }
            response.works.push(WorkResult {
                id: hit.best.work.clone(),
                matched: hit.matched,
                editions: hit.holdings.editions,
                libraries: hit.holdings.libraries,
                formats: hit
                    .holdings
                    .formats
                    .into_iter()
                    .map(|f| WorkFormat {
                        format: f.format,
                        editions: f.editions,
                        libraries: f.libraries,
                    })
                    .collect(),
            });
            response.results.push(hit.best);
        }
        Ok(response)
    }

    /// Runs an already built query.
    pub fn run(
        &self,
        query: &Query,
        offset: usize,
        per_page: usize,
        page: usize,
        sort: Sort,
    ) -> Result<SearchResponse, CatalogError> {
        let r = self.search_index(query, offset, per_page, sort)?;
        Ok(Catalog::response(r, page, per_page))
    }

    fn response(r: SearchResults, page: usize, per_page: usize) -> SearchResponse {
        let conv = |v: Vec<(String, u64)>| {
            v.into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect()
        };
        SearchResponse {
            group: Group::Manifestation,
            total: r.total,
            clusters: r.total,
            page,
            per_page,
            results: r.hits,
            works: Vec::new(),
            facets: Facets {
                library: conv(r.facets.library),
                format: conv(r.facets.format),
                language: conv(r.facets.language),
                year: conv(r.facets.year),
            },
            relaxed: false,
            suggestion: None,
            all_words: None,
        }
    }

    /// "Who holds this?": every cluster carrying the identifier, written in
    /// any common form.
    pub fn holdings(
        &self,
        kind: IdentifierKind,
        value: &str,
    ) -> Result<HoldingsResponse, CatalogError> {
        let invalid = |what: &str| {
            CatalogError::new(
                ErrorCode::BadParameter,
                format!("'{value}' is not a valid {what}"),
            )
        };
        let (field, normalised) = match kind {
            IdentifierKind::Isbn => (
                SearchField::Isbn,
                Isbn13::parse(value)
                    .ok_or_else(|| invalid("ISBN"))?
                    .to_string(),
            ),
            IdentifierKind::Issn => (
                SearchField::Issn,
                Issn::parse(value)
                    .ok_or_else(|| invalid("ISSN"))?
                    .to_string(),
            ),
            IdentifierKind::Oclc => (
                SearchField::Oclc,
                OclcNumber::parse(value)
                    .ok_or_else(|| invalid("OCLC number"))?
                    .to_string(),
            ),
            IdentifierKind::Lccn => (
                SearchField::Lccn,
                Lccn::parse(value)
                    .ok_or_else(|| invalid("LCCN"))?
                    .to_string(),
            ),
            IdentifierKind::Cluster => (
                SearchField::Id,
                ClusterId::parse(value.trim())
                    .ok_or_else(|| invalid("cluster id"))?
                    .to_string(),
            ),
        };
        let clusters = self.lookup_docs(field, &normalised, MAX_PER_PAGE)?;
        Ok(HoldingsResponse { clusters })
    }

    /// One cluster's document.
    pub fn cluster_doc(&self, id: &str) -> Result<ClusterDoc, CatalogError> {
        let not_found = || CatalogError::new(ErrorCode::NotFound, format!("no cluster '{id}'"));
        let cid = ClusterId::parse(id.trim()).ok_or_else(not_found)?;
        self.get_doc(&cid.to_string())?.ok_or_else(not_found)
    }

    /// One cluster with its members' MARC and the evidence of its merge.
    pub fn cluster(&self, id: &str) -> Result<ClusterDetail, CatalogError> {
        let doc = self.cluster_doc(id)?;
        let cid =
            ClusterId::parse(&doc.id).ok_or_else(|| CatalogError::internal("bad id in index"))?;
        let Some(store) = &self.store else {
            // A node serving SolrCloud keeps no store: the members are
            // named by their holdings, without their MARC or the evidence.
            let members = doc
                .holdings
                .iter()
                .map(|h| MemberDetail {
                    library: h.library.clone(),
                    record_id: h.record_id.clone(),
                    marc: serde_json::Value::Null,
                })
                .collect();
            return Ok(ClusterDetail {
                cluster: doc,
                members,
                evidence: Vec::new(),
            });
        };
        let entry = store
            .cluster(cid.0)
            .map_err(CatalogError::internal)?
            .unwrap_or_default();
        let snapshot = store.snapshot().map_err(CatalogError::internal)?;
        let mut members = Vec::with_capacity(entry.members.len());
        let mut manifestations = Vec::with_capacity(entry.members.len());
        for m in &entry.members {
            let rec = snapshot
                .record(&m.library, &m.record_id)
                .map_err(CatalogError::internal)?;
            let (marc, manifestation) = match rec {
                Some(r) => {
                    let marc = unicat_marc::Reader::new(&r.marc[..], unicat_marc::Format::Iso2709)
                        .next()
                        .and_then(Result::ok)
                        .map(|rec| unicat_marc::json::to_value(&rec))
                        .unwrap_or(serde_json::Value::Null);
                    (marc, Some(Manifestation::from_bib(&r.bib)))
                }
                None => (serde_json::Value::Null, None),
            };
            members.push(MemberDetail {
                library: m.library.clone(),
                record_id: m.record_id.clone(),
                marc,
            });
            manifestations.push(manifestation);
        }
        let evidence = entry
            .joins
            .iter()
            .filter_map(|&(a, b)| {
                let (ma, mb) = (
                    manifestations.get(a as usize)?.as_ref()?,
                    manifestations.get(b as usize)?.as_ref()?,
                );
                Some(JoinEvidence {
                    record: entry.members[a as usize].clone(),
                    matched: entry.members[b as usize].clone(),
                    evidence: unicat_match::compare(ma, mb),
                })
            })
            .collect();
        Ok(ClusterDetail {
            cluster: doc,
            members,
            evidence,
        })
    }

    /// Every cluster, for exports.
    pub fn for_each_cluster(&self, mut f: impl FnMut(ClusterLine)) -> Result<(), CatalogError> {
        self.index()?
            .for_each(|doc| {
                f(ClusterLine {
                    id: doc.id.clone(),
                    title: doc.title.clone(),
                    members: doc
                        .holdings
                        .iter()
                        .map(|h| MemberRef::new(&h.library, &h.record_id))
                        .collect(),
                })
            })
            .map_err(CatalogError::internal)
    }
}
