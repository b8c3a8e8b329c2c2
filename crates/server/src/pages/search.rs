//! The search page (`/`): the form, an introduction when nothing is asked,
//! otherwise the results with facets, current filters and paging.

use super::{Layout, error_page, html, labels, phrase, segment};
use crate::params::Params;
use crate::{ApiError, AppState, api};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use unicat_catalog::{ClusterDoc, FacetValue, Group, MAX_DEPTH, SearchResponse, WorkResult};

/// Subjects shown with a result.
const SUBJECTS_SHOWN: usize = 3;
/// Facet values shown before "More …".
const FACET_SHOWN: usize = 8;
/// Page links either side of the current page.
const PAGE_WINDOW: usize = 2;

/// The search parameters as given (trimmed), to rebuild links that change
/// one of them and keep the others.
#[derive(Clone, Debug, Default)]
pub(crate) struct Given {
    q: String,
    library: Option<String>,
    format: Option<String>,
    language: Option<String>,
    year_from: Option<String>,
    year_to: Option<String>,
    sort: Option<String>,
    per_page: Option<String>,
    page: Option<String>,
    /// `manifestation` to show each edition (the page groups by work).
    group: Option<String>,
    /// `true` keeps the precise reading through every link.
    strict: Option<String>,
}

impl Given {
    fn from_params(p: &Params) -> Given {
        let text = |name: &str| p.text(name).map(str::to_string);
        Given {
            q: p.text("q").unwrap_or("").to_string(),
            library: text("library"),
            format: text("format"),
            language: text("language"),
            year_from: text("year_from"),
            year_to: text("year_to"),
            sort: text("sort"),
            per_page: text("per_page"),
            page: text("page"),
            group: text("group"),
            strict: text("strict"),
        }
    }

    /// Nothing asked (an empty form sends `q=&sort=relevance`): show the
    /// introduction. Any filter, a sort order, a page size or a page browses
    /// the whole catalogue.
    fn is_empty(&self) -> bool {
        self.q.is_empty()
            && !self.has_filters()
            && self.page.is_none()
            && self.per_page.is_none()
            && matches!(self.sort.as_deref(), None | Some("relevance"))
    }

    fn has_filters(&self) -> bool {
        self.library.is_some()
            || self.format.is_some()
            || self.language.is_some()
            || self.year_from.is_some()
            || self.year_to.is_some()
    }

    /// The parameters, in a stable order, without the page.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut v = Vec::with_capacity(10);
        if !self.q.is_empty() {
            v.push(("q", self.q.as_str()));
        }
        for (name, value) in [
            ("library", &self.library),
            ("format", &self.format),
            ("language", &self.language),
            ("year_from", &self.year_from),
            ("year_to", &self.year_to),
            ("sort", &self.sort),
            ("per_page", &self.per_page),
            ("group", &self.group),
            ("strict", &self.strict),
        ] {
            if let Some(value) = value {
                v.push((name, value.as_str()));
            }
        }
        v
    }

    /// The URL of these parameters at a page (page 1 unwritten).
    fn href_at(&self, page: usize) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() && page <= 1 {
            return "/".to_string();
        }
        let mut s = form_urlencoded::Serializer::for_suffix(String::from("/?"), 2);
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        s.finish()
    }

    /// The search's API URL (for exports: every result, not a page).
    fn export_base(&self) -> String {
        let mut s = form_urlencoded::Serializer::for_suffix(String::from("/api/search?"), 12);
        s.append_pair("q", &self.q);
        for (k, v) in self.pairs() {
            if k != "q" && k != "per_page" {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }

    /// The URL with a change, back at page 1.
    fn with(&self, change: impl FnOnce(&mut Given)) -> String {
        let mut g = self.clone();
        change(&mut g);
        g.href_at(1)
    }

    /// Hidden form fields that carry the filters (and page size) into a new
    /// search; `except` leaves some out (the year form has its own).
    fn hidden(&self, except: &[&str]) -> Vec<Hidden> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| *k != "q" && *k != "sort" && !except.contains(k))
            .map(|(name, value)| Hidden {
                name,
                value: value.to_string(),
            })
            .collect()
    }
}

/// A hidden form field.
pub(crate) struct Hidden {
    name: &'static str,
    value: String,
}

/// An option of the sort menu.
pub(crate) struct SortOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// The search form.
pub(crate) struct Form {
    q: String,
    sorts: Vec<SortOption>,
    hidden: Vec<Hidden>,
}

impl Form {
    fn new(g: &Given) -> Form {
        let current = match g.sort.as_deref() {
            Some("year" | "year_desc" | "newest") => "year",
            Some("year_asc" | "oldest") => "year_asc",
            Some("title") => "title",
            _ => "relevance",
        };
        let sorts = [
            ("relevance", "Best match"),
            ("year", "Newest first"),
            ("year_asc", "Oldest first"),
            ("title", "Title A–Z"),
        ]
        .into_iter()
        .map(|(value, label)| SortOption {
            value,
            label,
            selected: value == current,
        })
        .collect();
        Form {
            q: g.q.clone(),
            sorts,
            hidden: g.hidden(&[]),
        }
    }
}

/// A link to a library's holdings, for the introduction.
pub(crate) struct LibraryLink {
    name: String,
    href: String,
}

/// What the page says when nothing was asked.
pub(crate) struct Intro {
    clusters: String,
    libraries: Vec<LibraryLink>,
    library_count: String,
}

/// A filter in force.
pub(crate) struct Filter {
    label: &'static str,
    value: String,
    remove: String,
}

/// A name or a subject, a link to the search for it.
pub(crate) struct Link {
    text: String,
    href: String,
}

/// "Did you mean …?"
pub(crate) struct Suggestion {
    q: String,
    href: String,
}

/// A result.
pub(crate) struct Item {
    href: String,
    title: String,
    subtitle: Option<String>,
    authors: Vec<Link>,
    subjects: Vec<Link>,
    year: Option<u16>,
    format: String,
    edition: Option<String>,
    held: String,
    availability: Option<String>,
    available: bool,
    /// Grouped by work: what the work holds.
    work: Option<WorkLine>,
}

/// A work's line under its best-matching edition.
pub(crate) struct WorkLine {
    /// `/works/{id}`, when grouped.
    href: Option<String>,
    /// "Book (3 editions, 9 libraries) · Audiobook (2)".
    formats: String,
    /// "Held by 9 libraries".
    held: String,
    /// "All 7 editions and formats" (more than one).
    editions: Option<String>,
}

/// One value of a facet.
pub(crate) struct FacetLink {
    label: String,
    count: String,
    href: String,
    selected: bool,
}

/// A facet.
pub(crate) struct FacetGroup {
    id: &'static str,
    heading: &'static str,
    more_label: &'static str,
    shown: Vec<FacetLink>,
    more: Vec<FacetLink>,
}

/// A link in the paging bar; `number` 0 is a gap.
pub(crate) struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

/// The paging bar.
pub(crate) struct Paging {
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

/// The year range form.
pub(crate) struct YearForm {
    from: String,
    to: String,
    hidden: Vec<Hidden>,
    sort: Option<String>,
    q: String,
}

/// Results of a search.
pub(crate) struct Results {
    heading: String,
    /// The other way of showing the results: (label, link).
    switch: (String, String),
    /// What facet counts count, when grouped by work.
    facet_note: Option<&'static str>,
    q: String,
    /// Why the results have most of the words, not all.
    relaxed: Option<String>,
    suggestion: Option<Suggestion>,
    range: Option<String>,
    filters: Vec<Filter>,
    clear: Option<String>,
    items: Vec<Item>,
    start: usize,
    facets: Vec<FacetGroup>,
    years: YearForm,
    paging: Option<Paging>,
    /// The page asked for is past the last one.
    past_end: Option<String>,
    /// The "Export" menu: these results (up to 10,000) in each format.
    exports: Vec<super::ExportLink>,
}

/// The search page.
#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    layout: Layout,
    form: Form,
    intro: Option<Intro>,
    error: Option<String>,
    results: Option<Results>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    params: Result<Params, ApiError>,
) -> Response {
    let params = match params {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let given = Given::from_params(&params);
    let form = Form::new(&given);
    if given.is_empty() {
        return match state.blocking(|c| Ok(c.cluster_count())).await {
            Ok(clusters) => html(
                StatusCode::OK,
                &SearchPage {
                    layout: Layout::new("Search the catalogue", None),
                    form,
                    intro: Some(intro(&state, clusters)),
                    error: None,
                    results: None,
                },
            ),
            Err(e) => error_page(&e),
        };
    }
    let title = if given.q.is_empty() {
        "Search results".to_string()
    } else {
        format!("{} — search results", given.q)
    };
    // The page shows one result per work unless asked for each edition.
    let outcome = match api::search_request(&params).and_then(|mut req| {
        req.group = api::group(&params, Group::Work)?;
        Ok(req)
    }) {
        Ok(req) => state.blocking(move |c| c.search(&req)).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(r) => html(
            StatusCode::OK,
            &SearchPage {
                layout: Layout::new(title, None),
                form,
                intro: None,
                error: None,
                results: Some(results(&state, &given, r)),
            },
        ),
        Err(e) if e.status.is_client_error() => html(
            e.status,
            &SearchPage {
                layout: Layout::new(format!("Error: {title}"), None),
                form,
                intro: None,
                error: Some(super::sentence(&e.message)),
                results: None,
            },
        ),
        Err(e) => error_page(&e),
    }
}

fn intro(state: &AppState, clusters: u64) -> Intro {
    let libraries: Vec<LibraryLink> = state
        .catalog
        .network
        .libraries
        .iter()
        .map(|l| LibraryLink {
            name: l.name.clone(),
            href: Given {
                library: Some(l.id.as_str().to_string()),
                ..Given::default()
            }
            .href_at(1),
        })
        .collect();
    Intro {
        clusters: labels::count(clusters, "title", "titles"),
        library_count: labels::count(libraries.len() as u64, "library", "libraries"),
        libraries,
    }
}

fn library_name(state: &AppState, id: &str) -> String {
    state
        .catalog
        .network
        .library(&id.trim().to_lowercase())
        .map(|l| l.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

fn results(state: &AppState, g: &Given, r: SearchResponse) -> Results {
    let per_page = r.per_page.max(1);
    let offset = (r.page - 1) * per_page;
    let grouped = r.group == Group::Work;
    let heading = match (r.total, grouped) {
        (0, _) => "No results".to_string(),
        (n, true) => labels::count(n, "work", "works"),
        (n, false) => labels::count(n, "edition", "editions"),
    };
    let switch = if grouped {
        (
            format!("Show each edition ({})", labels::number(r.clusters)),
            g.with(|g| g.group = Some("manifestation".into())),
        )
    } else {
        (
            "Group editions by work".to_string(),
            g.with(|g| g.group = None),
        )
    };
    let range = (!r.results.is_empty()).then(|| {
        format!(
            "Showing {}–{} of {}",
            labels::number(offset as u64 + 1),
            labels::number((offset + r.results.len()) as u64),
            labels::number(r.total)
        )
    });
    let last_page = last_page(r.total, per_page);
    let past_end = (r.results.is_empty() && r.total > 0).then(|| g.href_at(1));
    let relaxed = r.relaxed.then(|| match r.all_words {
        Some(n) => format!(
            "Only {} for all the words; results with most of them follow.",
            labels::count(n, "result", "results")
        ),
        None => "No results for all words; showing results for most of them.".to_string(),
    });
    let suggestion = r.suggestion.as_ref().map(|q| Suggestion {
        q: q.clone(),
        href: g.with(|g| g.q = q.clone()),
    });
    Results {
        heading,
        switch,
        facet_note: grouped.then_some("Counts are editions."),
        q: g.q.clone(),
        relaxed,
        suggestion,
        range,
        filters: filters(state, g),
        clear: g.has_filters().then(|| {
            g.with(|g| {
                g.library = None;
                g.format = None;
                g.language = None;
                g.year_from = None;
                g.year_to = None;
            })
        }),
        items: r
            .results
            .iter()
            .enumerate()
            .map(|(i, d)| item(g, d, r.works.get(i)))
            .collect(),
        exports: if r.total > 0 {
            super::export_links(&g.export_base())
        } else {
            Vec::new()
        },
        start: offset + 1,
        facets: facets(state, g, &r),
        years: YearForm {
            from: g.year_from.clone().unwrap_or_default(),
            to: g.year_to.clone().unwrap_or_default(),
            hidden: g.hidden(&["year_from", "year_to"]),
            sort: g.sort.clone(),
            q: g.q.clone(),
        },
        paging: paging(g, r.page, last_page),
        past_end,
    }
}

/// The last page served: results beyond the catalog's depth are refused.
fn last_page(total: u64, per_page: usize) -> usize {
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(per_page);
    pages.min(MAX_DEPTH / per_page).max(1)
}

fn paging(g: &Given, page: usize, last: usize) -> Option<Paging> {
    if last <= 1 && page <= 1 {
        return None;
    }
    let mut numbers: Vec<usize> = vec![1, last];
    let lo = page.saturating_sub(PAGE_WINDOW).max(1);
    let hi = (page + PAGE_WINDOW).min(last);
    numbers.extend(lo..=hi);
    numbers.sort_unstable();
    numbers.dedup();
    let mut pages = Vec::with_capacity(numbers.len() + 2);
    let mut prev = 0;
    for n in numbers {
        if prev != 0 && n > prev + 1 {
            pages.push(PageLink {
                number: 0,
                href: String::new(),
                current: false,
            });
        }
        pages.push(PageLink {
            number: n,
            href: g.href_at(n),
            current: n == page,
        });
        prev = n;
    }
    Some(Paging {
        previous: (page > 1).then(|| g.href_at((page - 1).min(last))),
        next: (page < last).then(|| g.href_at(page + 1)),
        pages,
    })
}

/// The search for a name or a subject, as a fielded phrase, keeping the
/// filters and the page size.
fn search_link(g: &Given, field: &str, value: &str) -> String {
    g.with(|g| g.q = phrase(field, value))
}

/// "Book (3 editions, 9 libraries) · Audiobook (2)": the first format
/// in full, the others by editions.
fn formats_line(w: &WorkResult) -> String {
    w.formats
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = labels::format(&f.format);
            if i == 0 {
                format!(
                    "{name} ({}, {})",
                    labels::count(u64::from(f.editions), "edition", "editions"),
                    labels::count(u64::from(f.libraries), "library", "libraries")
                )
            } else {
                format!("{name} ({})", f.editions)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn work_line(w: &WorkResult) -> WorkLine {
    WorkLine {
        href: w.id.as_ref().map(|id| format!("/works/{}", segment(id))),
        formats: formats_line(w),
        held: format!(
            "Held by {}",
            labels::count(u64::from(w.libraries), "library", "libraries")
        ),
        editions: (w.editions > 1).then(|| format!("All {} editions and formats", w.editions)),
    }
}

fn item(g: &Given, doc: &ClusterDoc, work: Option<&WorkResult>) -> Item {
    let (held, availability) = labels::held(doc);
    Item {
        work: work.map(work_line),
        href: format!("/clusters/{}", segment(&doc.id)),
        title: doc.title.clone(),
        subtitle: doc.subtitle.clone(),
        authors: doc
            .authors
            .iter()
            .map(|a| Link {
                text: a.clone(),
                href: search_link(g, "author", a),
            })
            .collect(),
        subjects: doc
            .subjects
            .iter()
            .take(SUBJECTS_SHOWN)
            .map(|s| Link {
                text: s.clone(),
                href: search_link(g, "subject", s),
            })
            .collect(),
        year: doc.year,
        format: labels::format(&doc.format),
        edition: doc.edition.clone(),
        held,
        available: doc.any_available(),
        availability,
    }
}

fn years_text(from: Option<&str>, to: Option<&str>) -> Option<String> {
    match (from, to) {
        (Some(a), Some(b)) if a == b => Some(a.to_string()),
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
        (Some(a), None) => Some(format!("{a} or later")),
        (None, Some(b)) => Some(format!("{b} or earlier")),
        (None, None) => None,
    }
}

fn filters(state: &AppState, g: &Given) -> Vec<Filter> {
    let mut v = Vec::new();
    if let Some(l) = &g.library {
        v.push(Filter {
            label: "Library",
            value: library_name(state, l),
            remove: g.with(|g| g.library = None),
        });
    }
    if let Some(f) = &g.format {
        v.push(Filter {
            label: "Format",
            value: labels::format(f),
            remove: g.with(|g| g.format = None),
        });
    }
    if let Some(l) = &g.language {
        v.push(Filter {
            label: "Language",
            value: labels::language(l),
            remove: g.with(|g| g.language = None),
        });
    }
    if let Some(y) = years_text(g.year_from.as_deref(), g.year_to.as_deref()) {
        v.push(Filter {
            label: "Published",
            value: y,
            remove: g.with(|g| {
                g.year_from = None;
                g.year_to = None;
            }),
        });
    }
    v
}

fn group(
    id: &'static str,
    heading: &'static str,
    more_label: &'static str,
    mut links: Vec<FacetLink>,
) -> Option<FacetGroup> {
    if links.is_empty() {
        return None;
    }
    let more = if links.len() > FACET_SHOWN + 2 {
        links.split_off(FACET_SHOWN)
    } else {
        Vec::new()
    };
    Some(FacetGroup {
        id,
        heading,
        more_label,
        shown: links,
        more,
    })
}

fn facets(state: &AppState, g: &Given, r: &SearchResponse) -> Vec<FacetGroup> {
    let link = |v: &FacetValue, label: String, selected: bool, href: String| FacetLink {
        label,
        count: labels::number(v.count),
        href,
        selected,
    };
    let libraries = r
        .facets
        .library
        .iter()
        .map(|v| {
            let selected = same(g.library.as_deref(), &v.value);
            let href = g.with(|g| g.library = (!selected).then(|| v.value.clone()));
            link(v, library_name(state, &v.value), selected, href)
        })
        .collect();
    let formats = r
        .facets
        .format
        .iter()
        .map(|v| {
            let selected = same(g.format.as_deref(), &v.value);
            let href = g.with(|g| g.format = (!selected).then(|| v.value.clone()));
            link(v, labels::format(&v.value), selected, href)
        })
        .collect();
    let languages = r
        .facets
        .language
        .iter()
        .map(|v| {
            let selected = same(g.language.as_deref(), &v.value);
            let href = g.with(|g| g.language = (!selected).then(|| v.value.clone()));
            link(v, labels::language(&v.value), selected, href)
        })
        .collect();
    let mut years: Vec<&FacetValue> = r.facets.year.iter().collect();
    years.sort_by(|a, b| b.value.cmp(&a.value));
    let years = years
        .into_iter()
        .map(|v| {
            let selected =
                same(g.year_from.as_deref(), &v.value) && same(g.year_to.as_deref(), &v.value);
            let href = g.with(|g| {
                let y = (!selected).then(|| v.value.clone());
                g.year_from = y.clone();
                g.year_to = y;
            });
            link(v, v.value.clone(), selected, href)
        })
        .collect();
    [
        group("library", "Library", "More libraries", libraries),
        group("format", "Format", "More formats", formats),
        group("language", "Language", "More languages", languages),
        group("year", "Year", "More years", years),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_other_parameters() {
        let g = Given {
            q: "war & peace".into(),
            library: Some("lib01".into()),
            sort: Some("title".into()),
            page: Some("3".into()),
            ..Given::default()
        };
        assert_eq!(g.href_at(1), "/?q=war+%26+peace&library=lib01&sort=title");
        assert_eq!(
            g.href_at(3),
            "/?q=war+%26+peace&library=lib01&sort=title&page=3"
        );
        assert_eq!(g.with(|g| g.library = None), "/?q=war+%26+peace&sort=title");
        assert_eq!(Given::default().href_at(1), "/");
    }

    #[test]
    fn paging_is_bounded() {
        let g = Given::default();
        let p = paging(&g, 1, 1);
        assert!(p.is_none());
        let p = paging(&g, 7, 40).unwrap();
        let numbers: Vec<usize> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 0, 5, 6, 7, 8, 9, 0, 40]);
        assert!(p.pages.iter().any(|l| l.current && l.number == 7));
        assert_eq!(last_page(1_000_000, 20), MAX_DEPTH / 20);
        assert_eq!(last_page(0, 20), 1);
        assert_eq!(last_page(41, 20), 3);
    }
}
