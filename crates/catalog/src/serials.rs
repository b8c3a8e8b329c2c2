//! Serials: who holds the year or the volume an article is in, from each
//! library's summary holdings (`v.1-25 (1990-2014)`), and the article an
//! ILL system names in its own OpenURL (`rft.issn`, `rft.jtitle`,
//! `rft.volume`, `rft.date`).

use crate::{Catalog, CatalogError, ClusterDoc, ErrorCode, IdentifierKind};
use serde::Serialize;
use unicat_bib::CoverageVerdict;
use unicat_index::{Holding, Query, SearchField, Sort};

/// An issue of a serial: a year, a volume, or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The year (of publication of the issue).
    pub year: Option<u16>,
    /// The volume.
    pub volume: Option<u32>,
}

impl Issue {
    /// True when neither a year nor a volume is asked.
    pub fn is_empty(&self) -> bool {
        self.year.is_none() && self.volume.is_none()
    }

    /// Reads an OpenURL date (`1998`, `1998-05-01`) and volume (`12`,
    /// `v.12`); None where they give no number.
    pub fn from_openurl(date: Option<&str>, volume: Option<&str>) -> Issue {
        let year = date.and_then(|d| {
            let digits: String = d.trim().chars().take(4).collect();
            digits
                .parse::<u16>()
                .ok()
                .filter(|y| (1400..=2100).contains(y))
        });
        let volume = volume.and_then(|v| {
            let digits: String = v
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u32>().ok().filter(|v| *v > 0)
        });
        Issue { year, volume }
    }

    /// The issue in words: `1998, volume 12`.
    pub fn describe(&self) -> String {
        match (self.year, self.volume) {
            (Some(y), Some(v)) => format!("volume {v} ({y})"),
            (Some(y), None) => format!("{y}"),
            (None, Some(v)) => format!("volume {v}"),
            (None, None) => "it".to_string(),
        }
    }
}

/// One library's answer for an issue.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LibraryCoverage {
    /// Library id.
    pub library: String,
    /// Library name.
    pub library_name: String,
    /// The cluster it holds the serial in.
    pub cluster: String,
    /// Its record id.
    pub record_id: String,
    /// `held`, `unknown` (no statement, or one that could not be read) or
    /// `not_held`.
    pub coverage: CoverageVerdict,
    /// Its summary holdings, verbatim.
    pub statements: Vec<String>,
    /// Link to its record.
    pub url: Option<String>,
}

/// `/api/holdings?issn=…&year=…&volume=…`.
#[derive(Clone, Debug, Serialize)]
pub struct IssueHoldingsResponse {
    /// Every cluster carrying the identifier, with its holdings.
    pub clusters: Vec<ClusterDoc>,
    /// The year asked.
    pub year: Option<u16>,
    /// The volume asked.
    pub volume: Option<u32>,
    /// The libraries whose coverage includes the issue.
    pub held_by: Vec<String>,
    /// Every holding library with its verdict: held first, then unknown,
    /// then not held.
    pub libraries: Vec<LibraryCoverage>,
}

/// The verdict of one holding for an issue (`Held` when no issue is asked).
pub fn verdict(h: &Holding, issue: Issue) -> CoverageVerdict {
    if issue.is_empty() {
        return CoverageVerdict::Held;
    }
    h.covers(issue.year, issue.volume)
}

fn statements(h: &Holding) -> Vec<String> {
    h.summary_holdings
        .iter()
        .map(|s| match s.kind.as_str() {
            "basic" => s.statement.clone(),
            other => format!("{other}: {}", s.statement),
        })
        .collect()
}

impl Catalog {
    /// Who holds an issue of a serial: every library holding a cluster
    /// with the identifier, with its coverage verdict and statements.
    pub fn issue_holdings(
        &self,
        kind: IdentifierKind,
        value: &str,
        issue: Issue,
    ) -> Result<IssueHoldingsResponse, CatalogError> {
        let clusters = self.holdings(kind, value)?.clusters;
        let mut libraries: Vec<LibraryCoverage> = Vec::new();
        for doc in &clusters {
            for h in &doc.holdings {
                let c = LibraryCoverage {
                    library: h.library.clone(),
                    library_name: h.library_name.clone(),
                    cluster: doc.id.clone(),
                    record_id: h.record_id.clone(),
                    coverage: verdict(h, issue),
                    statements: statements(h),
                    url: h.url.clone(),
                };
                match libraries.iter_mut().find(|l| l.library == c.library) {
                    Some(existing) if c.coverage < existing.coverage => *existing = c,
                    Some(_) => {}
                    None => libraries.push(c),
                }
            }
        }
        libraries.sort_by(|a, b| {
            a.coverage
                .cmp(&b.coverage)
                .then_with(|| a.library.cmp(&b.library))
        });
        Ok(IssueHoldingsResponse {
            held_by: libraries
                .iter()
                .filter(|l| l.coverage == CoverageVerdict::Held)
                .map(|l| l.library.clone())
                .collect(),
            clusters,
            year: issue.year,
            volume: issue.volume,
            libraries,
        })
    }

    /// The cluster of the journal an OpenURL names: by ISSN (print or
    /// electronic), else by journal title; among several, the one held by
    /// most libraries.
    pub fn journal_cluster(
        &self,
        issn: Option<&str>,
        jtitle: Option<&str>,
    ) -> Result<ClusterDoc, CatalogError> {
        let mut found: Vec<ClusterDoc> = Vec::new();
        if let Some(i) = issn.filter(|i| !i.trim().is_empty()) {
            found = self.holdings(IdentifierKind::Issn, i)?.clusters;
        }
        if found.is_empty()
            && let Some(t) = jtitle.filter(|t| !t.trim().is_empty())
        {
            if let Ok(q) = crate::query::parse(&format!("title:\"{}\"", t.replace('"', " "))) {
                let serials = Query::Or(vec![
                    Query::Exact(SearchField::Format, "serial".into()),
                    Query::Exact(SearchField::Format, "ejournal".into()),
                ]);
                found = self
                    .search_index(&Query::And(vec![q, serials]), 0, 20, Sort::Relevance)?
                    .hits;
            }
        }
        found
            .into_iter()
            .max_by_key(|d| d.holdings.len())
            .ok_or_else(|| {
                CatalogError::new(
                    ErrorCode::NotFound,
                    "no journal in the catalog with that ISSN or title",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openurl_dates_and_volumes() {
        assert_eq!(
            Issue::from_openurl(Some("1998-05-01"), Some("v.12")),
            Issue {
                year: Some(1998),
                volume: Some(12)
            }
        );
        assert_eq!(
            Issue::from_openurl(Some("May 1998"), None),
            Issue::default()
        );
        assert_eq!(Issue::from_openurl(None, Some("xii")), Issue::default());
        assert!(Issue::default().is_empty());
    }
}
