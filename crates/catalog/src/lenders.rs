//! Interlibrary loan: a ranked "lender string" for a cluster and a
//! requesting library, and an OpenURL an ILL system can take.
//!
//! Ranking: never the requester; only libraries that lend; copies reported
//! available first, then those whose availability is unknown, then checked
//! out (libraries whose every copy is lost, missing, withdrawn or for
//! library use only are left out: a request to them would come back
//! unfilled). Within a group, nearer libraries first (great-circle distance
//! from `lat`/`lon`, where both libraries have them; libraries without
//! coordinates after those with). Equal lenders take turns at the top: a
//! rotation advanced by every call, so that one library does not carry the
//! whole network's load.

use crate::serials::{Issue, verdict};
use crate::{Catalog, CatalogError, ClusterDoc, ErrorCode};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use unicat_bib::{Availability, CoverageVerdict};

/// The most lenders suggested (a typical ILL lender string).
pub const MAX_LENDERS: usize = 5;

/// One suggested lender, with the reason for its place.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LenderSuggestion {
    /// Library id.
    pub library: String,
    /// Library name.
    pub library_name: String,
    /// Copies available, when the library reports it.
    pub available: Option<u32>,
    /// `available`, `unknown` or `checked_out`.
    pub status: String,
    /// Distance from the requester in km, when both have coordinates.
    pub distance_km: Option<f64>,
    /// The library's record id.
    pub record_id: String,
    /// Call number.
    pub call_number: Option<String>,
    /// Link to the library's own record.
    pub url: Option<String>,
    /// Why it is where it is, in words.
    pub reason: String,
    /// For a serial asked with a year or a volume: `held` or `unknown`
    /// (libraries whose coverage leaves the issue out are not suggested).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageVerdict>,
    /// The library's summary holdings, verbatim.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub summary_holdings: Vec<String>,
    /// For a work ("any edition"): the cluster this library would lend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// For a work: that edition in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
}

/// `/api/lenders`.
#[derive(Clone, Debug, Serialize)]
pub struct LendersResponse {
    /// The cluster.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The requesting library.
    pub requester: String,
    /// Best first; at most five.
    pub lenders: Vec<LenderSuggestion>,
    /// The item as a Z39.88-2004 OpenURL ContextObject (KEV).
    pub openurl: String,
    /// Why some holders were left out.
    pub excluded: Vec<String>,
    /// The issue asked (year, volume), for a serial.
    #[serde(skip_serializing_if = "Issue::is_empty")]
    pub issue: Issue,
}

/// Great-circle distance in km.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn rank(a: Availability) -> u8 {
    match a {
        Availability::Available => 0,
        Availability::Unknown => 1,
        Availability::CheckedOut => 2,
        Availability::Unavailable => 3,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters: a KEV
/// value here, a URL path segment on the pages.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The cluster as an OpenURL 1.0 (Z39.88-2004) ContextObject in KEV form.
pub fn openurl(doc: &ClusterDoc) -> String {
    let serial = matches!(doc.format.as_str(), "serial" | "ejournal");
    let mut parts: Vec<String> = vec![
        "url_ver=Z39.88-2004".into(),
        "ctx_ver=Z39.88-2004".into(),
        "rfr_id=info%3Asid%2Funicat".into(),
    ];
    if serial {
        parts.push(format!(
            "rft_val_fmt={}",
            percent_encode("info:ofi/fmt:kev:mtx:journal")
        ));
        parts.push(format!("rft.jtitle={}", percent_encode(&doc.title)));
    } else {
        parts.push(format!(
            "rft_val_fmt={}",
            percent_encode("info:ofi/fmt:kev:mtx:book")
        ));
        parts.push("rft.genre=book".into());
        parts.push(format!("rft.btitle={}", percent_encode(&doc.title)));
    }
    for a in doc.authors.iter().take(3) {
        parts.push(format!("rft.au={}", percent_encode(a)));
    }
    if let Some(p) = &doc.publisher {
        parts.push(format!("rft.pub={}", percent_encode(p)));
    }
    if let Some(p) = &doc.place {
        parts.push(format!("rft.place={}", percent_encode(p)));
    }
    if let Some(y) = doc.year {
        parts.push(format!("rft.date={y}"));
    }
    if let Some(e) = &doc.edition {
        parts.push(format!("rft.edition={}", percent_encode(e)));
    }
    for i in &doc.isbns {
        parts.push(format!("rft.isbn={i}"));
    }
    for i in &doc.issns {
        parts.push(format!("rft.issn={i}"));
    }
    for o in &doc.oclc {
        parts.push(format!(
            "rft_id={}",
            percent_encode(&format!("info:oclcnum/{o}"))
        ));
    }
    for l in &doc.lccn {
        parts.push(format!(
            "rft_id={}",
            percent_encode(&format!("info:lccn/{l}"))
        ));
    }
    parts.join("&")
}

/// Advances the rotation among equal lenders.
#[derive(Debug, Default)]
pub struct Rotation(AtomicU64);

impl Rotation {
    fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

impl Catalog {
    /// Suggests lenders for a cluster to a requesting library.
    pub fn lenders(&self, cluster: &str, requester: &str) -> Result<LendersResponse, CatalogError> {
        self.lenders_for(cluster, requester, Issue::default())
    }

    /// Suggests lenders for an issue of a serial (a year, a volume): the
    /// libraries whose summary holdings include it first, then those whose
    /// coverage cannot be told; those whose coverage leaves it out are not
    /// suggested.
    pub fn lenders_for(
        &self,
        cluster: &str,
        requester: &str,
        issue: Issue,
    ) -> Result<LendersResponse, CatalogError> {
        let doc = self.cluster_doc(cluster)?;
        let (requester, lenders, excluded) =
            self.rank_lenders(std::slice::from_ref(&doc), requester, issue, false)?;
        Ok(LendersResponse {
            issue,
            openurl: openurl(&doc),
            id: doc.id,
            title: doc.title,
            requester,
            lenders,
            excluded,
        })
    }

    /// Ranks the lenders of some manifestations (one, or a work's editions
    /// in the formats a requester accepts; `per_edition` names the edition
    /// on each line). Returns the requester's id, the lenders (at most
    /// [`MAX_LENDERS`], one per library) and why holders were left out.
    pub(crate) fn rank_lenders(
        &self,
        docs: &[ClusterDoc],
        requester: &str,
        issue: Issue,
        per_edition: bool,
    ) -> Result<(String, Vec<LenderSuggestion>, Vec<String>), CatalogError> {
        let requester = requester.trim().to_lowercase();
        let Some(req_lib) = self.network.library(&requester) else {
            return Err(CatalogError::new(
                ErrorCode::BadParameter,
                format!("no library '{requester}' in this network"),
            ));
        };
        let mut excluded = Vec::new();
        // One entry per library: a library holding the cluster through
        // several records (or several editions) lends whichever copy is
        // best.
        let mut best: Vec<LenderSuggestion> = Vec::new();
        for (doc, h) in docs
            .iter()
            .flat_map(|d| d.holdings.iter().map(move |h| (d, h)))
        {
            if h.library == requester {
                continue;
            }
            let Some(lib) = self.network.library(&h.library) else {
                continue;
            };
            if !lib.lending {
                if !excluded.iter().any(|e: &String| e.starts_with(&lib.name)) {
                    excluded.push(format!(
                        "{} does not lend through interlibrary loan",
                        lib.name
                    ));
                }
                continue;
            }
            let covers = verdict(h, issue);
            if covers == CoverageVerdict::NotHeld {
                let statement = h
                    .summary_holdings
                    .iter()
                    .map(|s| s.statement.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let line = format!(
                    "{}: its holdings ({statement}) do not include {}",
                    lib.name,
                    issue.describe()
                );
                if !excluded.contains(&line) {
                    excluded.push(line);
                }
                continue;
            }
            let availability = h.availability();
            let distance_km = match (req_lib.location, lib.location) {
                (Some(a), Some(b)) => Some((haversine_km(a, b) * 10.0).round() / 10.0),
                _ => None,
            };
            let candidate = LenderSuggestion {
                library: h.library.clone(),
                library_name: lib.name.clone(),
                available: h.available,
                status: match availability {
                    Availability::Available => "available",
                    Availability::Unknown => "unknown",
                    Availability::CheckedOut => "checked_out",
                    Availability::Unavailable => "unavailable",
                }
                .to_string(),
                distance_km,
                record_id: h.record_id.clone(),
                call_number: h.call_number.clone(),
                url: h.url.clone(),
                reason: String::new(),
                coverage: (!issue.is_empty()).then_some(covers),
                cluster: per_edition.then(|| doc.id.clone()),
                edition: per_edition.then(|| edition_label(doc)),
                summary_holdings: h
                    .summary_holdings
                    .iter()
                    .map(|s| s.statement.clone())
                    .collect(),
            };
            match best.iter_mut().find(|b| b.library == candidate.library) {
                Some(existing) => {
                    let old = (
                        existing.coverage,
                        rank(Holding::status_of(&existing.status)),
                    );
                    if (candidate.coverage, rank(availability)) < old {
                        *existing = candidate;
                    }
                }
                None => best.push(candidate),
            }
        }
        best.retain(|b| {
            let keep = b.status != "unavailable";
            if !keep {
                excluded.push(format!(
                    "{}: no copy can be lent (lost, missing, withdrawn or library use only)",
                    b.library_name
                ));
            }
            keep
        });
        // Sort by availability, then distance (known before unknown); equal
        // lenders are grouped for the rotation.
        let key = |b: &LenderSuggestion| {
            (
                b.coverage,
                rank(Holding::status_of(&b.status)),
                b.distance_km.map(|d| d.round() as i64).unwrap_or(i64::MAX),
            )
        };
        best.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.library.cmp(&b.library)));
        let turn = self.rotation.next();
        let mut start = 0;
        while start < best.len() {
            let k = key(&best[start]);
            let end = start + best[start..].iter().take_while(|b| key(b) == k).count();
            let len = end - start;
            if len > 1 {
                best[start..end].rotate_left((turn % len as u64) as usize);
            }
            start = end;
        }
        best.truncate(MAX_LENDERS);
        for b in best.iter_mut() {
            let mut why = match b.coverage {
                Some(CoverageVerdict::Held) => format!(
                    "holds {} ({}); ",
                    issue.describe(),
                    b.summary_holdings.join("; ")
                ),
                Some(_) if b.summary_holdings.is_empty() => format!(
                    "gives no summary holdings: ask whether it holds {}; ",
                    issue.describe()
                ),
                Some(_) => format!(
                    "its holdings ({}) cannot be read: ask whether it holds {}; ",
                    b.summary_holdings.join("; "),
                    issue.describe()
                ),
                None => String::new(),
            };
            why.push_str(&match b.status.as_str() {
                "available" => match b.available {
                    Some(n) => format!("{n} {} available", if n == 1 { "copy" } else { "copies" }),
                    None => "a copy is available".to_string(),
                },
                "checked_out" => "every copy is checked out: the request may wait".to_string(),
                _ => "the library does not report availability".to_string(),
            });
            match b.distance_km {
                Some(d) => why.push_str(&format!("; {d:.0} km from {}", req_lib.name)),
                None => why.push_str("; distance unknown"),
            }
            b.reason = why;
        }
        // Say where equal lenders take turns.
        let keys: Vec<_> = best.iter().map(key).collect();
        for i in 0..best.len() {
            let ties = keys.iter().filter(|k| **k == keys[i]).count();
            if ties > 1 {
                best[i].reason.push_str(&format!(
                    "; shares this rank with {} other(s), who take turns first",
                    ties - 1
                ));
            }
        }
        Ok((requester, best, excluded))
    }
}

/// An edition in words, for a lender line: "Large print, 2012, 2nd ed.".
pub fn edition_label(doc: &ClusterDoc) -> String {
    let mut parts = vec![
        unicat_bib::MaterialFormat::parse(&doc.format)
            .map(|f| f.label().to_string())
            .unwrap_or_else(|| doc.format.clone()),
    ];
    if let Some(y) = doc.year {
        parts.push(y.to_string());
    }
    if let Some(e) = &doc.edition {
        parts.push(e.clone());
    }
    if let Some(p) = &doc.publisher {
        parts.push(p.clone());
    }
    parts.join(", ")
}

/// Reads the status words of a holding.
struct Holding;

impl Holding {
    fn status_of(s: &str) -> Availability {
        match s {
            "available" => Availability::Available,
            "checked_out" => Availability::CheckedOut,
            "unavailable" => Availability::Unavailable,
            _ => Availability::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // Cedar Rapids to Iowa City, about 40 km.
        let d = haversine_km((41.9779, -91.6656), (41.6611, -91.5302));
        assert!((35.0..45.0).contains(&d), "{d}");
        assert_eq!(haversine_km((1.0, 1.0), (1.0, 1.0)), 0.0);
    }

    #[test]
    fn openurl_is_percent_encode() {
        let doc = ClusterDoc {
            id: "x".into(),
            title: "The age of innocence".into(),
            subtitle: None,
            authors: vec!["Wharton, Edith".into()],
            publisher: Some("D. Appleton & Co.".into()),
            place: Some("New York".into()),
            year: Some(1920),
            edition: None,
            format: "book".into(),
            language: Some("eng".into()),
            isbns: vec!["9780940787087".into()],
            issns: vec![],
            oclc: vec!["12345".into()],
            lccn: vec![],
            holdings: vec![],
            pagination: None,
            series: vec![],
            subjects: vec![],
            lc_class: None,
            lc_call_number: None,
            work: None,
        };
        let u = openurl(&doc);
        assert!(u.starts_with("url_ver=Z39.88-2004&ctx_ver=Z39.88-2004"));
        assert!(u.contains("rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook"));
        assert!(u.contains("rft.btitle=The%20age%20of%20innocence"));
        assert!(u.contains("rft.pub=D.%20Appleton%20%26%20Co."));
        assert!(u.contains("rft.isbn=9780940787087"));
        assert!(u.contains("rft_id=info%3Aoclcnum%2F12345"));
        assert!(u.contains("rft.date=1920"));
    }
}
