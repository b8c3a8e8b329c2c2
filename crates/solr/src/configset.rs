//! Unicat's configset and the collection's set-up.

use crate::SolrError;
use crate::client::{Body, Client};
use unicat_config::SolrSettings;

/// The schema's name, which is its version: a collection whose schema has
/// another name was made by another version of Unicat.
pub const SCHEMA_NAME: &str = "unicat-cluster_v4-solr1";

/// The configset's files, as uploaded.
pub const CONFIGSET_FILES: &[(&str, &str)] = &[
    ("schema.xml", include_str!("../configset/schema.xml")),
    (
        "solrconfig.xml",
        include_str!("../configset/solrconfig.xml"),
    ),
];

/// What [`crate::SolrIndex::init`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitOutcome {
    /// The collection was created.
    Created {
        /// Its configset.
        configset: String,
    },
    /// It existed already, with this version's schema.
    Exists,
}

fn collections(client: &Client) -> Result<Vec<String>, SolrError> {
    let v = client.call(
        "GET",
        "admin/collections",
        &[("action", "LIST")],
        Body::None,
    )?;
    let list = v
        .get("collections")
        .and_then(|c| c.as_array())
        .ok_or_else(|| SolrError::Answer("LIST without collections".into()))?;
    Ok(list
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect())
}

/// The schema name of an existing collection.
fn schema_name(client: &Client, collection: &str) -> Result<String, SolrError> {
    let v = match client.call("GET", &format!("{collection}/schema/name"), &[], Body::None) {
        Err(SolrError::NotFound { .. }) => {
            return Err(SolrError::NoCollection {
                collection: collection.to_string(),
            });
        }
        r => r?,
    };
    v.get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .ok_or_else(|| SolrError::Answer("schema without a name".into()))
}

pub(crate) fn check_schema(client: &Client, collection: &str) -> Result<(), SolrError> {
    let found = schema_name(client, collection)?;
    if found != SCHEMA_NAME {
        return Err(SolrError::SchemaVersion {
            collection: collection.to_string(),
            found,
            expected: SCHEMA_NAME.to_string(),
        });
    }
    Ok(())
}

pub(crate) fn init(client: &Client, settings: &SolrSettings) -> Result<InitOutcome, SolrError> {
    let collection = &settings.collection;
    if collections(client)?.iter().any(|c| c == collection) {
        check_schema(client, collection)?;
        return Ok(InitOutcome::Exists);
    }
    let configset = SCHEMA_NAME.to_string();
    for (file, text) in CONFIGSET_FILES {
        client.call(
            "POST",
            "admin/configs",
            &[
                ("action", "UPLOAD"),
                ("name", &configset),
                ("filePath", file),
                ("overwrite", "true"),
            ],
            Body::Bytes(text.as_bytes()),
        )?;
    }
    let shards = settings.shards.to_string();
    let replicas = settings.replicas.to_string();
    client.call(
        "POST",
        "admin/collections",
        &[
            ("action", "CREATE"),
            ("name", collection),
            ("numShards", &shards),
            ("replicationFactor", &replicas),
            ("collection.configName", &configset),
            ("router.name", "compositeId"),
            ("router.field", "route"),
            ("waitForFinalState", "true"),
        ],
        Body::None,
    )?;
    check_schema(client, collection)?;
    Ok(InitOutcome::Created { configset })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_file_carries_the_version_name() {
        let schema = CONFIGSET_FILES[0].1;
        assert!(schema.contains(&format!("<schema name=\"{SCHEMA_NAME}\"")));
    }

    #[test]
    fn the_schema_has_every_field_tantivy_indexes() {
        use unicat_index::{ClusterDoc, Holding, IndexField, SearchText, document_fields};
        let doc = ClusterDoc {
            id: "C1".into(),
            title: "T".into(),
            subtitle: Some("s".into()),
            authors: vec!["A".into()],
            publisher: Some("P".into()),
            year: Some(2000),
            edition: Some("2nd".into()),
            format: "book".into(),
            language: Some("eng".into()),
            isbns: vec!["9780000000002".into()],
            issns: vec!["1234-5679".into()],
            oclc: vec!["1".into()],
            lccn: vec!["n1".into()],
            subjects: vec!["S".into()],
            series: vec!["Se".into()],
            lc_class: Some("QA76".into()),
            work: Some(unicat_match_work()),
            holdings: vec![Holding {
                library: "lib".into(),
                ..Holding::default()
            }],
            ..ClusterDoc::default()
        };
        let mut seen = std::collections::HashSet::new();
        document_fields(&doc, &SearchText::default(), |f, _| {
            seen.insert(f);
        });
        let schema = CONFIGSET_FILES[0].1;
        for f in seen {
            if f == IndexField::Work {
                continue; // written as the work's id, a string
            }
            assert!(
                schema.contains(&format!("<field name=\"{}\"", f.name())),
                "{} missing from the schema",
                f.name()
            );
        }
    }

    fn unicat_match_work() -> String {
        // Any valid work id: the schema test only needs one.
        "W0000000000000".into()
    }
}
