//! SolrCloud as Unicat's distributed index.
//!
//! The embedded tantivy index (`unicat-index`) is the default; a network
//! whose catalogue outgrows one machine keeps its index in a SolrCloud
//! collection instead (`[index] backend = "solr"`), sharded and replicated
//! by Solr. This crate owns everything Unicat says to Solr:
//!
//! - the configset (`configset/schema.xml`, `configset/solrconfig.xml`,
//!   compiled in) and setting up the collection through the Configsets and
//!   Collections APIs ([`SolrIndex::init`]), refusing a collection whose
//!   schema is another version's;
//! - the documents, written from the same field list as tantivy's
//!   ([`unicat_index::document_fields`]), text folded here so that Solr
//!   indexes exactly the words tantivy does, sent in batches
//!   ([`SolrUpdate`]) and committed once per harvest, routed so that the
//!   clusters of one work sit on one shard;
//! - the read side: the index crate's [`Query`] tree in Solr's JSON Query
//!   DSL ([`query`]; user text is never concatenated into Solr syntax),
//!   searches with facets, paging and sorting, identifier lookups and
//!   fetching by id, answering with the same [`SearchResults`] as tantivy.
//!
//! HTTP goes through `ureq`, a small blocking client: every caller is a
//! blocking thread already (the harvest's publishing thread, the server's
//! blocking pool), and requests fail over between the cluster's nodes
//! ([`client`]). Solr is a peer, not a dependency of the build: nothing
//! here runs without a cluster to talk to.

pub mod client;
mod configset;
pub mod query;
mod search;
mod update;

pub use client::Client;
pub use configset::{CONFIGSET_FILES, InitOutcome, SCHEMA_NAME};
pub use update::{SolrUpdate, solr_document};

use unicat_config::SolrSettings;
use unicat_index::{ClusterDoc, Query, SearchResults, Sort};

/// The crate's one error.
#[derive(Debug, thiserror::Error)]
pub enum SolrError {
    /// No node answered.
    #[error("cannot reach Solr at {nodes}: {reason}")]
    Unreachable {
        /// The nodes tried.
        nodes: String,
        /// The last failure.
        reason: String,
    },
    /// Solr refused the credentials.
    #[error("Solr refused the request (HTTP {status}): {message}")]
    Denied {
        /// HTTP status.
        status: u16,
        /// Solr's message.
        message: String,
    },
    /// Solr refused a request as bad (a 4xx): Solr's message, without
    /// its stack trace.
    #[error("Solr rejected the request (HTTP {status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// Solr's message.
        message: String,
    },
    /// A path Solr does not know (a collection that does not exist).
    #[error("not found in Solr: {message}")]
    NotFound {
        /// Solr's message.
        message: String,
    },
    /// The collection does not exist.
    #[error(
        "the Solr collection {collection:?} does not exist: create it with `unicat solr init --config FILE`"
    )]
    NoCollection {
        /// Its name.
        collection: String,
    },
    /// The collection was made by another version of Unicat.
    #[error(
        "the Solr collection {collection:?} has schema {found:?}, but this Unicat writes {expected:?}: create a new collection (change `collection` in [index] and run `unicat solr init`), then `unicat reindex`"
    )]
    SchemaVersion {
        /// The collection.
        collection: String,
        /// Its schema's name.
        found: String,
        /// Ours.
        expected: String,
    },
    /// An answer Unicat cannot read.
    #[error("unexpected answer from Solr: {0}")]
    Answer(String),
}

/// The collection of one network.
pub struct SolrIndex {
    client: Client,
    settings: SolrSettings,
}

impl SolrIndex {
    /// A handle on the configured collection (nothing is checked: see
    /// [`check`](Self::check)).
    pub fn new(settings: &SolrSettings) -> SolrIndex {
        SolrIndex {
            client: Client::new(&settings.nodes),
            settings: settings.clone(),
        }
    }

    /// The collection's name.
    pub fn collection(&self) -> &str {
        &self.settings.collection
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Checks that a node answers, the collection exists and its schema is
    /// this version's.
    pub fn check(&self) -> Result<(), SolrError> {
        configset::check_schema(&self.client, &self.settings.collection)
    }

    /// Sets up the collection: uploads the configset and creates the
    /// collection with the configured shards and replicas; nothing when it
    /// exists with this version's schema; an error when another version's.
    pub fn init(&self) -> Result<InitOutcome, SolrError> {
        configset::init(&self.client, &self.settings)
    }

    /// A writer: documents and deletions in batches, visible at
    /// [`SolrUpdate::commit`].
    pub fn update(&self) -> SolrUpdate<'_> {
        SolrUpdate::new(self)
    }

    /// Clusters in the collection (as readers see it).
    pub fn count(&self) -> Result<u64, SolrError> {
        Ok(search::search(self, &Query::All, 0, 0, Sort::Relevance, false)?.total)
    }

    /// Searches: a page of clusters, the total, and facet counts, as
    /// [`unicat_index::CatalogIndex::search`] answers.
    pub fn search(
        &self,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
    ) -> Result<SearchResults, SolrError> {
        search::search(self, query, offset, limit, sort, true)
    }

    /// Searches, one result per work (see
    /// [`unicat_index::CatalogIndex::search_works`]).
    pub fn search_works(
        &self,
        query: &Query,
        offset: usize,
        limit: usize,
        sort: Sort,
    ) -> Result<unicat_index::WorkResults, SolrError> {
        search::search_works(self, query, offset, limit, sort)
    }

    /// Calls `f(libraries, format, lc_class, work)` for every cluster (the
    /// collection-overlap report's one pass).
    pub fn for_each_work_profile(
        &self,
        f: impl FnMut(&[&str], &str, Option<&str>, Option<u64>),
    ) -> Result<(), SolrError> {
        search::for_each_work_profile(self, f)
    }

    /// The collection's version: changes with every commit readers see.
    pub fn generation(&self) -> Result<u64, SolrError> {
        search::generation(self)
    }

    /// The clusters of a work (at most `limit`), by id.
    pub fn clusters_of_work(&self, work: &str, limit: usize) -> Result<Vec<ClusterDoc>, SolrError> {
        search::clusters_of_work(self, work, limit)
    }

    /// Every cluster carrying an exact value (an identifier, a cluster id).
    pub fn lookup(
        &self,
        field: unicat_index::SearchField,
        value: &str,
        limit: usize,
    ) -> Result<Vec<ClusterDoc>, SolrError> {
        // No facets: a lookup only wants the clusters.
        Ok(search::search(
            self,
            &Query::Exact(field, value.to_string()),
            0,
            limit,
            Sort::Relevance,
            false,
        )?
        .hits)
    }

    /// One cluster by id.
    pub fn get(&self, id: &str) -> Result<Option<ClusterDoc>, SolrError> {
        Ok(self
            .lookup(unicat_index::SearchField::Id, id, 1)?
            .into_iter()
            .next())
    }

    fn path(&self, handler: &str) -> String {
        format!("{}/{handler}", self.settings.collection)
    }

    /// Calls a handler of the collection; a 404 means the collection is
    /// missing.
    fn call(
        &self,
        method: &str,
        handler: &str,
        params: &[(&str, &str)],
        body: client::Body<'_>,
    ) -> Result<serde_json::Value, SolrError> {
        match self.client.call(method, &self.path(handler), params, body) {
            Err(SolrError::NotFound { .. }) => Err(SolrError::NoCollection {
                collection: self.settings.collection.clone(),
            }),
            r => r,
        }
    }
}
