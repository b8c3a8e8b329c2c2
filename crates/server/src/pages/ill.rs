//! The "Request through interlibrary loan" block of a cluster's detail
//! page: a choice of requesting library, the lenders Unicat suggests for it
//! (best first, each with its reason), the lender string an ILL librarian
//! types into a request, and the item as an OpenURL an ILL system can take.

use super::{labels, safe_url, segment};
use unicat_catalog::lenders::{LenderSuggestion, LendersResponse};
use unicat_config::Network;

/// A library in the requester list.
pub(crate) struct Choice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// One suggested lender.
pub(crate) struct Lender {
    pub library: String,
    pub id: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub distance: Option<String>,
    pub call_number: Option<String>,
    pub reason: String,
    pub url: Option<String>,
    /// For "any edition": the edition it would lend, and its page.
    pub edition: Option<(String, String)>,
}

/// The block.
pub(crate) struct Ill {
    /// Where the requester form goes (the page itself).
    pub action: String,
    pub libraries: Vec<Choice>,
    /// The chosen requester's name, once one is chosen.
    pub requester: Option<String>,
    pub lenders: Vec<Lender>,
    /// The lender ids in order, as ILL systems take them.
    pub lender_string: String,
    /// Why some holders were left out.
    pub excluded: Vec<String>,
    /// What went wrong with the requester, if anything.
    pub error: Option<String>,
    /// The item as a Z39.88-2004 KEV ContextObject.
    pub openurl: String,
    /// The same suggestion as JSON.
    pub api: Option<String>,
}

/// The lender's availability, as ILL staff read it.
fn status(s: &LenderSuggestion) -> (&'static str, &'static str) {
    match s.status.as_str() {
        "available" => ("Available", "available"),
        "checked_out" => ("Checked out", "checked-out"),
        _ => ("Availability not reported", "unknown"),
    }
}

pub(crate) fn lender(s: &LenderSuggestion) -> Lender {
    let (status, status_class) = status(s);
    Lender {
        library: if s.library_name.is_empty() {
            s.library.clone()
        } else {
            s.library_name.clone()
        },
        id: s.library.clone(),
        status,
        status_class,
        distance: s.distance_km.map(|d| {
            if d < 10.0 {
                format!("{d:.1} km away")
            } else {
                format!("{} km away", labels::number(d.round() as u64))
            }
        }),
        call_number: s.call_number.clone().filter(|c| !c.trim().is_empty()),
        reason: super::sentence(&s.reason),
        url: safe_url(s.url.as_deref()),
        edition: s.edition.clone().zip(
            s.cluster
                .as_ref()
                .map(|c| format!("/clusters/{}", segment(c))),
        ),
    }
}

/// The requester list, with the chosen library selected.
pub(crate) fn choices(network: &Network, requester: Option<&str>) -> Vec<Choice> {
    let chosen = requester.map(|r| r.trim().to_lowercase());
    network
        .libraries
        .iter()
        .map(|l| Choice {
            id: l.id.to_string(),
            name: l.name.clone(),
            selected: chosen.as_deref() == Some(l.id.as_str()),
        })
        .collect()
}

/// What a suggestion shows, for one cluster or any edition of a work.
pub(crate) struct Shown {
    /// The requesting library's name.
    pub requester: String,
    pub lenders: Vec<Lender>,
    /// The lender ids in order, as ILL systems take them.
    pub lender_string: String,
    /// Why some holders were left out, as sentences.
    pub excluded: Vec<String>,
}

pub(crate) fn shown(
    network: &Network,
    requester: &str,
    lenders: &[LenderSuggestion],
    excluded: &[String],
) -> Shown {
    Shown {
        requester: network
            .library(requester)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| requester.to_string()),
        lenders: lenders.iter().map(lender).collect(),
        lender_string: lenders
            .iter()
            .map(|l| l.library.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        excluded: excluded.iter().map(|e| super::sentence(e)).collect(),
    }
}

/// Builds the block. `suggestion` is the lenders answer for the chosen
/// requester (or the error message when the requester is not in the
/// network); `openurl` the item's ContextObject.
pub(crate) fn block(
    network: &Network,
    cluster: &str,
    requester: Option<&str>,
    suggestion: Option<Result<LendersResponse, String>>,
    openurl: String,
) -> Ill {
    let libraries = choices(network, requester);
    let mut ill = Ill {
        action: format!("/clusters/{}", segment(cluster)),
        libraries,
        requester: None,
        lenders: Vec::new(),
        lender_string: String::new(),
        excluded: Vec::new(),
        error: None,
        openurl,
        api: None,
    };
    match suggestion {
        None => {}
        Some(Err(message)) => ill.error = Some(super::sentence(&message)),
        Some(Ok(r)) => {
            let shown = shown(network, &r.requester, &r.lenders, &r.excluded);
            ill.requester = Some(shown.requester);
            ill.lenders = shown.lenders;
            ill.lender_string = shown.lender_string;
            ill.excluded = shown.excluded;
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("id", &r.id);
            q.append_pair("requester", &r.requester);
            ill.api = Some(format!("/api/lenders?{}", q.finish()));
        }
    }
    ill
}
