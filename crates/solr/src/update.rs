//! Writing the collection: documents from the index crate's field list,
//! batched JSON updates, deletions by query, one commit.

use crate::client::Body;
use crate::{SolrError, SolrIndex};
use serde_json::{Map, Value};
use unicat_index::{ClusterDoc, FieldValue, IndexField, SearchText, document_fields, tokens};

/// Documents per update request.
const BATCH_DOCS: usize = 1000;
/// Bytes per update request (whichever comes first).
const BATCH_BYTES: usize = 8 << 20;
/// Ids per deletion request.
const DELETE_BATCH: usize = 1000;

fn multi_valued(f: IndexField) -> bool {
    !matches!(
        f,
        IndexField::Id
            | IndexField::Format
            | IndexField::LcClass
            | IndexField::Language
            | IndexField::Year
            | IndexField::SortTitle
            | IndexField::Holders
            | IndexField::Work
    )
}

/// A cluster's Solr document in JSON: the fields tantivy indexes (text
/// folded into space-separated words), the shard key (`route`: its work,
/// else itself) and the cluster itself (`doc`, JSON) for display.
pub fn solr_document(doc: &ClusterDoc, extra: &SearchText) -> Vec<u8> {
    let mut m = Map::new();
    document_fields(doc, extra, |f, v| {
        let value = match v {
            FieldValue::Words(t) => {
                let words = tokens(t).join(" ");
                if words.is_empty() {
                    return;
                }
                Value::String(words)
            }
            FieldValue::Exact(t) => Value::String(t.to_string()),
            FieldValue::Int(n) => Value::from(n),
            FieldValue::Count(n) => Value::from(n),
        };
        if f == IndexField::Work {
            return; // the work's id, below
        }
        let name = f.name();
        if multi_valued(f) {
            match m.entry(name).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(a) => a.push(value),
                other => *other = Value::Array(vec![value]),
            }
        } else {
            m.insert(name.to_string(), value);
        }
    });
    let route = doc.work.clone().unwrap_or_else(|| doc.id.clone());
    if let Some(w) = &doc.work {
        m.insert("work".into(), Value::String(w.clone()));
    }
    m.insert("route".into(), Value::String(route));
    // A plain struct of strings and numbers always serialises.
    m.insert(
        "doc".into(),
        Value::String(serde_json::to_string(doc).unwrap_or_default()),
    );
    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
}

/// A batch writer: deletions first, then documents, visible together at
/// [`commit`](Self::commit) (the collection's readers see the harvest
/// whole or not at all). Dropped without a commit, what was sent stays
/// unseen until the next commit, which only a harvest makes: a harvest
/// that failed leaves the store's "index pending" mark, and the next one
/// rebuilds the collection from the store.
pub struct SolrUpdate<'a> {
    index: &'a SolrIndex,
    deletes: Vec<String>,
    batch: Vec<u8>,
    in_batch: usize,
    sent: u64,
}

impl<'a> SolrUpdate<'a> {
    pub(crate) fn new(index: &'a SolrIndex) -> SolrUpdate<'a> {
        SolrUpdate {
            index,
            deletes: Vec::new(),
            batch: Vec::new(),
            in_batch: 0,
            sent: 0,
        }
    }

    /// Removes every document (a rebuild).
    pub fn delete_all(&mut self) -> Result<(), SolrError> {
        self.deletes.clear();
        self.post(br#"{"delete":{"query":"*:*"}}"#)
    }

    /// Removes a cluster's document (on whichever shard it sits: a cluster
    /// whose work changed moves to its new work's shard, so deletions are by
    /// query, which every shard applies).
    pub fn delete(&mut self, id: &str) {
        self.deletes.push(id.to_string());
    }

    /// Adds a document written by [`solr_document`].
    pub fn add(&mut self, json: &[u8]) -> Result<(), SolrError> {
        self.flush_deletes()?;
        self.batch
            .push(if self.in_batch == 0 { b'[' } else { b',' });
        self.batch.extend_from_slice(json);
        self.in_batch += 1;
        if self.in_batch >= BATCH_DOCS || self.batch.len() >= BATCH_BYTES {
            self.flush_docs()?;
        }
        Ok(())
    }

    /// Documents sent so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Sends what is left and commits: the collection's readers see every
    /// change at once. Returns the documents sent in all.
    pub fn commit(mut self) -> Result<u64, SolrError> {
        self.flush_deletes()?;
        self.flush_docs()?;
        self.index.call(
            "POST",
            "update",
            &[("commit", "true"), ("waitSearcher", "true")],
            Body::Json(b"{}"),
        )?;
        Ok(self.sent)
    }

    fn flush_deletes(&mut self) -> Result<(), SolrError> {
        if self.deletes.is_empty() {
            return Ok(());
        }
        let deletes = std::mem::take(&mut self.deletes);
        for chunk in deletes.chunks(DELETE_BATCH) {
            // Cluster ids are base32; anything else cannot be a cluster.
            let ids: Vec<&str> = chunk
                .iter()
                .map(String::as_str)
                .filter(|id| id.bytes().all(|b| b.is_ascii_alphanumeric()))
                .collect();
            if ids.is_empty() {
                continue;
            }
            let body = serde_json::json!({"delete": {"query": format!("{{!terms f=id}}{}", ids.join(","))}});
            self.post(&serde_json::to_vec(&body).unwrap_or_default())?;
        }
        Ok(())
    }

    fn flush_docs(&mut self) -> Result<(), SolrError> {
        if self.in_batch == 0 {
            return Ok(());
        }
        self.batch.push(b']');
        let batch = std::mem::take(&mut self.batch);
        self.post(&batch)?;
        self.sent += self.in_batch as u64;
        self.in_batch = 0;
        self.batch = batch;
        self.batch.clear();
        Ok(())
    }

    fn post(&self, body: &[u8]) -> Result<(), SolrError> {
        self.index
            .call("POST", "update", &[], Body::Json(body))
            .map(|_| ())
    }
}
