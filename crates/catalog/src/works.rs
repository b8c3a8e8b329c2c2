//! Works: the editions, formats, volumes and translations of one work,
//! each a manifestation cluster with its holdings (see
//! `unicat_match::works` for how they are grouped).

use crate::{Catalog, CatalogError, ClusterDoc, ErrorCode, FacetValue};
use serde::Serialize;
use unicat_match::works::WorkId;
use unicat_store::{MemberRef, WorkLinkEntry};

/// One work, for exports (`unicat works`): one JSON line each.
#[derive(Clone, Debug, Serialize)]
pub struct WorkLine {
    /// Work id.
    pub id: String,
    /// The title of its most widely held manifestation.
    pub title: String,
    /// Its manifestation clusters.
    pub clusters: Vec<String>,
    /// Every library record of every cluster.
    pub members: Vec<MemberRef>,
}

/// One manifestation of a work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkManifestation {
    /// The cluster, with its holdings.
    #[serde(flatten)]
    pub doc: ClusterDoc,
    /// Libraries holding it.
    pub libraries: usize,
}

/// Why two manifestations are one work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkLinkLine {
    /// A cluster id.
    pub a: String,
    /// The other cluster id.
    pub b: String,
    /// The title they share (folded).
    pub title: String,
    /// Where each gives it: `uniform` (130/240) or `title` (245).
    pub from: (String, String),
    /// A name both give (folded).
    pub name: Option<String>,
}

impl WorkDetail {
    /// Keeps the manifestations in an accepted format and, if given, a
    /// language (`formats` and `languages` still list the whole work).
    pub fn retain(&mut self, formats: &FormatChoice, language: Option<&str>) {
        self.manifestations.retain(|m| {
            formats.accepts(&m.doc.format)
                && language.is_none_or(|l| {
                    m.doc
                        .language
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(l.trim()))
                })
        });
    }
}

/// A work with every manifestation, grouped by format, then newest first.
#[derive(Clone, Debug, Serialize)]
pub struct WorkDetail {
    /// Work id.
    pub id: String,
    /// The title of its most widely held manifestation.
    pub title: String,
    /// Its creators (of that manifestation).
    pub authors: Vec<String>,
    /// Distinct libraries holding any manifestation.
    pub libraries: usize,
    /// Manifestations, by format then year (newest first).
    pub manifestations: Vec<WorkManifestation>,
    /// Every format of the work and its manifestations (before any filter).
    pub formats: Vec<FacetValue>,
    /// Every language of the work and its manifestations (translations).
    pub languages: Vec<FacetValue>,
    /// Why they are one work.
    pub evidence: Vec<WorkLinkLine>,
    /// Related works (a film and the novel it adapts): their ids.
    pub related: Vec<String>,
}

fn cluster_id(id: u64) -> String {
    unicat_match::ClusterId(id).to_string()
}

fn link_line(l: &WorkLinkEntry) -> WorkLinkLine {
    WorkLinkLine {
        a: cluster_id(l.a),
        b: cluster_id(l.b),
        title: l.title.clone(),
        from: l.from.clone(),
        name: l.name.clone(),
    }
}

/// The most clusters of one work shown (a work is a handful of editions;
/// this bounds a runaway one).
const MAX_WORK_CLUSTERS: usize = 1000;

impl Catalog {
    /// The documents of a work's clusters (those still in the index).
    fn work_docs(&self, clusters: &[u64]) -> Result<Vec<ClusterDoc>, CatalogError> {
        let mut docs = Vec::with_capacity(clusters.len());
        for &c in clusters {
            if let Some(doc) = self.get_doc(&cluster_id(c))? {
                docs.push(doc);
            }
        }
        Ok(docs)
    }

    /// How many manifestations a work has (0 for None or an unknown id).
    pub fn work_size(&self, work: Option<&str>) -> Result<usize, CatalogError> {
        let Some(id) = work.and_then(WorkId::parse) else {
            return Ok(0);
        };
        if let crate::Engine::Solr(solr) = self.engine() {
            return Ok(solr
                .clusters_of_work(&id.to_string(), MAX_WORK_CLUSTERS)
                .map_err(CatalogError::solr)?
                .len());
        }
        Ok(self
            .store()?
            .work(id.0)
            .map_err(CatalogError::internal)?
            .map_or(0, |w| w.clusters.len()))
    }

    /// One work, by id.
    pub fn work(&self, id: &str) -> Result<WorkDetail, CatalogError> {
        let not_found = || CatalogError::new(ErrorCode::NotFound, format!("no work '{id}'"));
        let wid = WorkId::parse(id.trim()).ok_or_else(not_found)?;
        // A node serving SolrCloud keeps no store: the work's clusters come
        // from the collection, without the links that grouped them.
        let (mut docs, entry) = match self.engine() {
            crate::Engine::Solr(solr) => (
                solr.clusters_of_work(&wid.to_string(), MAX_WORK_CLUSTERS)
                    .map_err(CatalogError::solr)?,
                unicat_store::WorkEntry::default(),
            ),
            crate::Engine::Tantivy(_) => {
                let entry = self
                    .store()?
                    .work(wid.0)
                    .map_err(CatalogError::internal)?
                    .ok_or_else(not_found)?;
                (self.work_docs(&entry.clusters)?, entry)
            }
        };
        if docs.is_empty() {
            return Err(not_found());
        }
        let held = |d: &ClusterDoc| {
            d.libraries()
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        let best = docs
            .iter()
            .max_by_key(|d| (held(d), std::cmp::Reverse(d.id.clone())))
            .cloned()
            .expect("not empty");
        let libraries = docs
            .iter()
            .flat_map(|d| d.libraries())
            .collect::<std::collections::HashSet<_>>()
            .len();
        docs.sort_by(|a, b| {
            a.format
                .cmp(&b.format)
                .then(b.year.cmp(&a.year))
                .then(a.id.cmp(&b.id))
        });
        let tally = |values: Vec<String>| {
            let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
            let mut v: Vec<FacetValue> = counts
                .into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v
        };
        let formats = tally(docs.iter().map(|d| d.format.clone()).collect());
        let languages = tally(docs.iter().filter_map(|d| d.language.clone()).collect());
        Ok(WorkDetail {
            formats,
            languages,
            id: wid.to_string(),
            title: best.title.clone(),
            authors: best.authors.clone(),
            libraries,
            manifestations: docs
                .into_iter()
                .map(|doc| WorkManifestation {
                    libraries: held(&doc),
                    doc,
                })
                .collect(),
            evidence: entry.links.iter().map(link_line).collect(),
            related: entry
                .related
                .iter()
                .map(|&r| WorkId(r).to_string())
                .collect(),
        })
    }

    /// Every work, for exports.
    pub fn for_each_work(&self, mut f: impl FnMut(WorkLine)) -> Result<(), CatalogError> {
        let mut failed = None;
        self.store()?
            .for_each_work(|id, w| {
                if failed.is_some() {
                    return Ok(());
                }
                match self.work_docs(&w.clusters) {
                    Ok(docs) if !docs.is_empty() => {
                        let title = docs
                            .iter()
                            .max_by_key(|d| d.holdings.len())
                            .map(|d| d.title.clone())
                            .unwrap_or_default();
                        let mut members: Vec<MemberRef> = docs
                            .iter()
                            .flat_map(|d| &d.holdings)
                            .map(|h| MemberRef::new(&h.library, &h.record_id))
                            .collect();
                        members.sort_unstable();
                        members.dedup();
                        f(WorkLine {
                            id: WorkId(id).to_string(),
                            title,
                            clusters: docs.iter().map(|d| d.id.clone()).collect(),
                            members,
                        });
                    }
                    Ok(_) => {}
                    Err(e) => failed = Some(e),
                }
                Ok(())
            })
            .map_err(CatalogError::internal)?;
        failed.map_or(Ok(()), Err)
    }
}

/// The formats a requester accepts for "any edition": format codes and
/// the words `print` (book, large print), `audio` (audiobook,
/// e-audiobook), `electronic` (e-book, e-audiobook) and `any`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormatChoice(Option<Vec<String>>);

impl FormatChoice {
    /// Any format.
    pub fn any() -> FormatChoice {
        FormatChoice(None)
    }

    /// Reads a comma-separated list.
    pub fn parse(text: &str) -> Result<FormatChoice, CatalogError> {
        let mut codes: Vec<String> = Vec::new();
        let mut push = |c: &str| {
            if !codes.iter().any(|x| x == c) {
                codes.push(c.to_string());
            }
        };
        for word in text.split([',', ' ', '+']).filter(|w| !w.trim().is_empty()) {
            match word.trim().to_ascii_lowercase().as_str() {
                "any" | "all" | "*" => return Ok(FormatChoice::any()),
                "print" | "printed" => {
                    push("book");
                    push("large-print");
                }
                "audio" => {
                    push("audiobook");
                    push("eaudiobook");
                }
                "electronic" | "online" | "digital" => {
                    push("ebook");
                    push("eaudiobook");
                }
                other => match unicat_bib::MaterialFormat::parse(other) {
                    Some(f) => push(f.code()),
                    None => {
                        return Err(CatalogError::new(
                            ErrorCode::BadParameter,
                            format!(
                                "unknown format '{other}': give format codes (book, large-print, \
                                 audiobook, ebook, …) or print, audio, electronic, any"
                            ),
                        ));
                    }
                },
            }
        }
        Ok(FormatChoice((!codes.is_empty()).then_some(codes)))
    }

    /// Whether a format code is accepted.
    pub fn accepts(&self, format: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|codes| codes.iter().any(|c| c == format))
    }

    /// The accepted codes; empty for any.
    pub fn codes(&self) -> &[String] {
        self.0.as_deref().unwrap_or(&[])
    }
}

/// `/api/lenders?work=…`: lenders of any accepted edition of a work.
#[derive(Clone, Debug, Serialize)]
pub struct WorkLendersResponse {
    /// The work.
    pub work: String,
    /// Its title.
    pub title: String,
    /// The requesting library.
    pub requester: String,
    /// Formats accepted; empty for any.
    pub formats: Vec<String>,
    /// Manifestations considered (of an accepted format).
    pub editions: usize,
    /// Best first, one per library, each naming the edition it would lend.
    pub lenders: Vec<crate::lenders::LenderSuggestion>,
    /// Why some holders were left out.
    pub excluded: Vec<String>,
}

impl Catalog {
    /// Lenders of any edition of a work in an accepted format ("any
    /// edition" ILL requests): each library once, with its best copy of any
    /// such edition, ranked as for one cluster.
    pub fn work_lenders(
        &self,
        work: &str,
        requester: &str,
        formats: &FormatChoice,
    ) -> Result<WorkLendersResponse, CatalogError> {
        let detail = self.work(work)?;
        let docs: Vec<ClusterDoc> = detail
            .manifestations
            .into_iter()
            .map(|m| m.doc)
            .filter(|d| formats.accepts(&d.format))
            .collect();
        let (requester, lenders, mut excluded) =
            self.rank_lenders(&docs, requester, crate::serials::Issue::default(), true)?;
        if docs.is_empty() {
            excluded.push(format!(
                "no edition of this work is in an accepted format ({})",
                formats.codes().join(", ")
            ));
        }
        Ok(WorkLendersResponse {
            work: detail.id,
            title: detail.title,
            requester,
            formats: formats.codes().to_vec(),
            editions: docs.len(),
            lenders,
            excluded,
        })
    }
}
