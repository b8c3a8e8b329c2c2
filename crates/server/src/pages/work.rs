//! A work's page (`/works/{id}`): every edition and format of a title,
//! grouped by format then newest first, each with its holdings summary and
//! a link to its cluster page; filters by format and language; the works
//! it is related to (a film and its novel); and interlibrary loan for "any
//! edition" in the formats the requester accepts.

use super::ill::{self, Choice, Lender};
use super::{Layout, error_page, html, labels, segment};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use unicat_catalog::works::{FormatChoice, WorkDetail, WorkLendersResponse};

/// A filter link (a format or a language).
pub(crate) struct FilterLink {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

/// One edition.
pub(crate) struct Edition {
    href: String,
    title: String,
    details: String,
    language: Option<String>,
    held: String,
    availability: Option<String>,
    available: bool,
    libraries: String,
}

/// A format's editions.
pub(crate) struct FormatSection {
    id: String,
    heading: String,
    editions: Vec<Edition>,
}

/// An accepted-formats choice of the ILL form.
pub(crate) struct FormatOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// The "any edition" ILL block.
pub(crate) struct AnyEdition {
    action: String,
    libraries: Vec<Choice>,
    formats: Vec<FormatOption>,
    requester: Option<String>,
    lenders: Vec<Lender>,
    lender_string: String,
    excluded: Vec<String>,
    error: Option<String>,
    api: Option<String>,
}

/// The page.
#[derive(Template)]
#[template(path = "work.html")]
pub(crate) struct WorkPage {
    layout: Layout,
    title: String,
    byline: Option<String>,
    summary: String,
    formats: Vec<FilterLink>,
    languages: Vec<FilterLink>,
    clear: Option<String>,
    sections: Vec<FormatSection>,
    related: Vec<(String, String)>,
    evidence: Vec<String>,
    ill: AnyEdition,
    json: String,
}

/// The page's query: `format`, `language`, `requester`, `accept`.
#[derive(Default)]
struct Asked {
    format: Option<String>,
    language: Option<String>,
    requester: Option<String>,
    accept: Option<String>,
}

impl Asked {
    fn read(query: Option<&str>) -> Asked {
        let mut a = Asked::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            match k.as_ref() {
                "format" => a.format = Some(v),
                "language" => a.language = Some(v),
                "requester" => a.requester = Some(v),
                "accept" => a.accept = Some(v),
                _ => {}
            }
        }
        a
    }

    fn href(&self, id: &str, change: impl FnOnce(&mut Asked)) -> String {
        let mut a = Asked {
            format: self.format.clone(),
            language: self.language.clone(),
            requester: self.requester.clone(),
            accept: self.accept.clone(),
        };
        change(&mut a);
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("format", &a.format),
            ("language", &a.language),
            ("requester", &a.requester),
            ("accept", &a.accept),
        ] {
            if let Some(v) = v {
                s.append_pair(k, v);
            }
        }
        let q = s.finish();
        let base = format!("/works/{}", segment(id));
        if q.is_empty() {
            base
        } else {
            format!("{base}?{q}")
        }
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let asked = Asked::read(query.as_deref());
    let filter = match asked.format.as_deref().map(FormatChoice::parse) {
        None => FormatChoice::any(),
        Some(Ok(f)) => f,
        Some(Err(e)) => return error_page(&ApiError::from(e)),
    };
    let accept = match asked.accept.as_deref().map(FormatChoice::parse) {
        None => FormatChoice::any(),
        Some(Ok(f)) => f,
        Some(Err(e)) => return error_page(&ApiError::from(e)),
    };
    let wanted = id.clone();
    let language = asked.language.clone();
    let requester = asked.requester.clone();
    let found = state
        .blocking(move |c| {
            let mut work = c.work(&wanted)?;
            let lenders =
                requester.map(|r| c.work_lenders(&work.id, &r, &accept).map_err(|e| e.message));
            work.retain(&filter, language.as_deref());
            // Related works by title and format ("The Hobbit (Video)").
            let related: Vec<(String, String)> = work
                .related
                .iter()
                .filter_map(|r| {
                    let w = c.work(r).ok()?;
                    let format = w.formats.first().map(|f| labels::format(&f.value));
                    Some((
                        r.clone(),
                        match format {
                            Some(f) => format!("{} ({f})", w.title),
                            None => w.title,
                        },
                    ))
                })
                .collect();
            Ok((work, lenders, related))
        })
        .await;
    let (work, lenders, related) = match found {
        Ok(found) => found,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return error_page(&ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!(
                    "there is no work with the id “{id}” in this catalogue; its editions may \
                     have been grouped anew. Try searching for the title instead"
                ),
            ));
        }
        Err(e) => return error_page(&e),
    };
    if work.id != id {
        let mut to = format!("/works/{}", segment(&work.id));
        if let Some(q) = query.as_deref().filter(|q| !q.is_empty()) {
            to.push('?');
            to.push_str(q);
        }
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response();
    }
    html(
        StatusCode::OK,
        &view(&state, &asked, work, lenders, related),
    )
}

fn view(
    state: &AppState,
    asked: &Asked,
    work: WorkDetail,
    lenders: Option<Result<WorkLendersResponse, String>>,
    related: Vec<(String, String)>,
) -> WorkPage {
    let id = work.id.clone();
    let formats = work
        .formats
        .iter()
        .map(|f| {
            let selected = asked.format.as_deref() == Some(f.value.as_str());
            FilterLink {
                label: labels::format(&f.value),
                count: f.count,
                href: asked.href(&id, |a| a.format = (!selected).then(|| f.value.clone())),
                selected,
            }
        })
        .collect();
    let languages: Vec<FilterLink> = work
        .languages
        .iter()
        .map(|l| {
            let selected = asked
                .language
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(&l.value));
            FilterLink {
                label: labels::language(&l.value),
                count: l.count,
                href: asked.href(&id, |a| a.language = (!selected).then(|| l.value.clone())),
                selected,
            }
        })
        .collect();
    let mut sections: Vec<FormatSection> = Vec::new();
    for m in &work.manifestations {
        let d = &m.doc;
        if sections.last().is_none_or(|s| s.id != d.format) {
            sections.push(FormatSection {
                id: d.format.clone(),
                heading: labels::format(&d.format),
                editions: Vec::new(),
            });
        }
        let (held, availability) = labels::held(d);
        let mut details = Vec::new();
        if let Some(y) = d.year {
            details.push(y.to_string());
        }
        if let Some(e) = &d.edition {
            details.push(e.clone());
        }
        if let Some(p) = &d.publisher {
            details.push(p.clone());
        }
        if let Some(p) = &d.pagination {
            details.push(p.clone());
        }
        let mut libs: Vec<&str> = d.holdings.iter().map(|h| h.library_name.as_str()).collect();
        libs.sort_unstable();
        libs.dedup();
        if let Some(s) = sections.last_mut() {
            s.editions.push(Edition {
                href: format!("/clusters/{}", segment(&d.id)),
                title: match &d.subtitle {
                    Some(s) => format!("{} : {s}", d.title),
                    None => d.title.clone(),
                },
                details: details.join(" · "),
                language: d.language.as_deref().map(labels::language),
                available: d.any_available(),
                held,
                availability,
                libraries: libs.join(", "),
            });
        }
    }
    for s in &mut sections {
        s.heading = format!(
            "{} ({})",
            s.heading,
            labels::count(s.editions.len() as u64, "edition", "editions")
        );
    }
    let summary = format!(
        "{} in {} · held by {}",
        labels::count(
            work.formats.iter().map(|f| f.count).sum::<u64>(),
            "edition",
            "editions"
        ),
        labels::count(work.formats.len() as u64, "format", "formats"),
        labels::count(work.libraries as u64, "library", "libraries")
    );
    let evidence = work
        .evidence
        .iter()
        .map(|l| {
            let from = |s: &str| {
                if s == "uniform" {
                    "uniform title"
                } else {
                    "title"
                }
            };
            match &l.name {
                Some(n) => format!(
                    "{} and {}: the same title “{}” ({} / {}) by {}",
                    l.a,
                    l.b,
                    l.title,
                    from(&l.from.0),
                    from(&l.from.1),
                    n
                ),
                None => format!(
                    "{} and {}: the same title “{}” ({} / {})",
                    l.a,
                    l.b,
                    l.title,
                    from(&l.from.0),
                    from(&l.from.1)
                ),
            }
        })
        .collect();
    WorkPage {
        layout: Layout::new(
            format!("{} — all editions", work.title),
            Some(String::new()),
        ),
        byline: (!work.authors.is_empty()).then(|| work.authors.join("; ")),
        clear: (asked.format.is_some() || asked.language.is_some()).then(|| {
            asked.href(&id, |a| {
                a.format = None;
                a.language = None;
            })
        }),
        related: related
            .into_iter()
            .map(|(id, title)| (title, format!("/works/{}", segment(&id))))
            .collect(),
        ill: any_edition(state, &id, asked, lenders),
        json: format!("/api/works/{}", segment(&id)),
        title: work.title,
        summary,
        formats,
        languages,
        sections,
        evidence,
    }
}

fn any_edition(
    state: &AppState,
    id: &str,
    asked: &Asked,
    lenders: Option<Result<WorkLendersResponse, String>>,
) -> AnyEdition {
    let network = &state.catalog.network;
    let current = asked.accept.as_deref().unwrap_or("any");
    let mut block = AnyEdition {
        action: format!("/works/{}", segment(id)),
        libraries: ill::choices(network, asked.requester.as_deref()),
        formats: [
            ("any", "Any format"),
            ("print", "Any print edition (book, large print)"),
            ("book", "Book only"),
            ("large-print", "Large print only"),
            ("audio", "Any audio (audiobook, e-audiobook)"),
            ("electronic", "Any electronic (e-book, e-audiobook)"),
        ]
        .into_iter()
        .map(|(value, label)| FormatOption {
            value,
            label,
            selected: value == current,
        })
        .collect(),
        requester: None,
        lenders: Vec::new(),
        lender_string: String::new(),
        excluded: Vec::new(),
        error: None,
        api: None,
    };
    match lenders {
        None => {}
        Some(Err(message)) => block.error = Some(super::sentence(&message)),
        Some(Ok(r)) => {
            let shown = ill::shown(network, &r.requester, &r.lenders, &r.excluded);
            block.requester = Some(shown.requester);
            block.lenders = shown.lenders;
            block.lender_string = shown.lender_string;
            block.excluded = shown.excluded;
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("work", &r.work);
            q.append_pair("requester", &r.requester);
            if !r.formats.is_empty() {
                q.append_pair("formats", &r.formats.join(","));
            }
            block.api = Some(format!("/api/lenders?{}", q.finish()));
        }
    }
    block
}
