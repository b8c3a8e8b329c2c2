//! The patron pages, over the labelled network: what they show, the status
//! they answer with, and a structural check of their HTML.
//!
//! The HTML check is our own small parser ([`html`]), not an HTML5 parser:
//! it requires every non-void element to be closed in order (stricter than
//! HTML5, which our templates meet), skips comments and the doctype, and
//! decodes the entities askama writes. On top of it the tests check a few
//! accessibility rules: `lang`, one `h1`, no skipped heading levels, unique
//! ids, a label for every field, `alt` on images, table headers.

use crate::{app, fixture, get, get_json};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A tiny, strict HTML reader for the tests.
pub mod html {
    /// An element with its attributes and children.
    #[derive(Debug, Default)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Node>,
    }

    /// A child.
    #[derive(Debug)]
    pub enum Node {
        Element(Element),
        Text(String),
    }

    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];

    /// Decodes the entities askama and the templates write.
    pub fn decode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
                out.push('&');
                rest = &rest[1..];
                continue;
            };
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            match c {
                Some(c) => {
                    out.push(c);
                    rest = &rest[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn parse_attrs(s: &str) -> Result<Vec<(String, String)>, String> {
        let mut attrs = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
                i += 1;
            }
            let name = s[start..i].to_ascii_lowercase();
            if name.contains(['"', '\'', '<']) {
                return Err(format!("bad attribute name {name:?}"));
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let q = b.get(i).copied().ok_or("attribute without a value")?;
                if q != b'"' && q != b'\'' {
                    return Err(format!("unquoted value of {name}"));
                }
                let end = s[i + 1..]
                    .find(char::from(q))
                    .ok_or_else(|| format!("unterminated value of {name}"))?;
                value = decode(&s[i + 1..i + 1 + end]);
                i += end + 2;
            }
            if attrs.iter().any(|(n, _)| *n == name) {
                return Err(format!("attribute {name} given twice"));
            }
            attrs.push((name, value));
        }
        Ok(attrs)
    }

    /// Parses a document; every element must be closed in order.
    pub fn parse(doc: &str) -> Result<Element, String> {
        let mut stack: Vec<Element> = vec![Element {
            name: "#document".into(),
            ..Element::default()
        }];
        let mut rest = doc;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                push_text(&mut stack, rest);
                break;
            };
            push_text(&mut stack, &rest[..lt]);
            rest = &rest[lt..];
            if let Some(r) = rest.strip_prefix("<!--") {
                let end = r.find("-->").ok_or("unterminated comment")?;
                rest = &r[end + 3..];
                continue;
            }
            if rest.len() >= 9 && rest.as_bytes()[..9].eq_ignore_ascii_case(b"<!doctype") {
                let end = rest.find('>').ok_or("unterminated doctype")?;
                rest = &rest[end + 1..];
                continue;
            }
            // Find the tag's end, skipping quoted attribute values.
            let bytes = rest.as_bytes();
            let mut i = 1;
            let mut quote = None;
            while i < bytes.len() {
                match (quote, bytes[i]) {
                    (None, b'"' | b'\'') => quote = Some(bytes[i]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    (None, b'<') => return Err(format!("'<' inside a tag near {:?}", &rest[..i])),
                    _ => {}
                }
                i += 1;
            }
            if i >= bytes.len() {
                return Err("unterminated tag".into());
            }
            let inner = &rest[1..i];
            rest = &rest[i + 1..];
            if let Some(name) = inner.strip_prefix('/') {
                let name = name.trim().to_ascii_lowercase();
                let open = stack.pop().ok_or("stack underflow")?;
                if open.name != name {
                    return Err(format!("</{name}> closes <{}>", open.name));
                }
                stack
                    .last_mut()
                    .ok_or_else(|| format!("</{name}> closes the document"))?
                    .children
                    .push(Node::Element(open));
                continue;
            }
            let name_end = inner
                .find(|c: char| c.is_ascii_whitespace() || c == '/')
                .unwrap_or(inner.len());
            let name = inner[..name_end].to_ascii_lowercase();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad tag <{inner}>"));
            }
            if name == "script" {
                return Err("the pages run no script".into());
            }
            let el = Element {
                attrs: parse_attrs(&inner[name_end..])?,
                name: name.clone(),
                children: Vec::new(),
            };
            if VOID.contains(&name.as_str()) || inner.ends_with('/') {
                stack
                    .last_mut()
                    .expect("root")
                    .children
                    .push(Node::Element(el));
            } else {
                stack.push(el);
            }
        }
        if stack.len() != 1 {
            let open: Vec<&str> = stack.iter().skip(1).map(|e| e.name.as_str()).collect();
            return Err(format!("unclosed elements: {open:?}"));
        }
        Ok(stack.pop().expect("root"))
    }

    fn push_text(stack: &mut [Element], text: &str) {
        if !text.is_empty() {
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Text(decode(text)));
            }
        }
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }

        /// The text inside, whitespace collapsed.
        pub fn text(&self) -> String {
            fn walk(e: &Element, out: &mut String) {
                for c in &e.children {
                    match c {
                        Node::Text(t) => out.push_str(t),
                        Node::Element(e) => walk(e, out),
                    }
                }
            }
            let mut s = String::new();
            walk(self, &mut s);
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }

        /// Every element below, in document order.
        pub fn descendants(&self) -> Vec<&Element> {
            fn walk<'a>(e: &'a Element, out: &mut Vec<&'a Element>) {
                for c in &e.children {
                    if let Node::Element(e) = c {
                        out.push(e);
                        walk(e, out);
                    }
                }
            }
            let mut v = Vec::new();
            walk(self, &mut v);
            v
        }

        fn matches(&self, compound: &str) -> bool {
            // tag, #id, .class and [attr] / [attr=value], in any mix.
            let mut rest = compound;
            let tag_end = rest.find(['#', '.', '[']).unwrap_or(rest.len());
            let tag = &rest[..tag_end];
            if !tag.is_empty() && tag != "*" && tag != self.name {
                return false;
            }
            rest = &rest[tag_end..];
            while !rest.is_empty() {
                let kind = rest.as_bytes()[0];
                if kind == b'[' {
                    let end = rest.find(']').expect("closed [");
                    let spec = &rest[1..end];
                    rest = &rest[end + 1..];
                    let ok = match spec.split_once('=') {
                        Some((n, v)) => self.attr(n) == Some(v.trim_matches('"')),
                        None => self.attr(spec).is_some(),
                    };
                    if !ok {
                        return false;
                    }
                    continue;
                }
                let end = rest[1..]
                    .find(['#', '.', '['])
                    .map(|e| e + 1)
                    .unwrap_or(rest.len());
                let value = &rest[1..end];
                rest = &rest[end..];
                let ok = match kind {
                    b'#' => self.attr("id") == Some(value),
                    _ => self
                        .attr("class")
                        .is_some_and(|c| c.split_whitespace().any(|c| c == value)),
                };
                if !ok {
                    return false;
                }
            }
            true
        }

        /// Elements matching a descendant selector (`table.holdings tbody tr`).
        pub fn select(&self, selector: &str) -> Vec<&Element> {
            let parts: Vec<&str> = selector.split_whitespace().collect();
            let mut current: Vec<&Element> = vec![self];
            for part in parts {
                let mut next: Vec<&Element> = Vec::new();
                for e in &current {
                    for d in e.descendants() {
                        if d.matches(part) && !next.iter().any(|n| std::ptr::eq(*n, d)) {
                            next.push(d);
                        }
                    }
                }
                current = next;
            }
            current
        }

        pub fn one(&self, selector: &str) -> &Element {
            let all = self.select(selector);
            assert_eq!(all.len(), 1, "{selector}: {} elements", all.len());
            all[0]
        }
    }
}

use html::Element;

/// Parses a page and checks the rules every page keeps.
fn page(body: &[u8]) -> Element {
    let text = std::str::from_utf8(body).expect("UTF-8");
    assert!(
        text.starts_with("<!DOCTYPE html>"),
        "no doctype: {}",
        &text[..text.len().min(80)]
    );
    let doc = html::parse(text).unwrap_or_else(|e| panic!("malformed HTML: {e}\n{text}"));
    let root = doc.one("html");
    assert_eq!(root.attr("lang"), Some("en"));
    assert_eq!(doc.one("meta[charset]").attr("charset"), Some("utf-8"));
    assert!(
        doc.one("meta[name=viewport]")
            .attr("content")
            .unwrap()
            .contains("width=device-width")
    );
    // (`head title`: inline SVG has titles of its own.)
    assert!(!doc.one("head title").text().is_empty());
    let css = doc.one("link[rel=stylesheet]").attr("href").unwrap();
    assert!(css.starts_with("/assets/unicat.css"), "{css}");
    // Nothing from outside.
    for e in doc.descendants() {
        for a in ["src", "href", "action"] {
            if let Some(v) = e.attr(a) {
                let external = v.starts_with("//") || v.contains("://");
                let allowed = e.name == "a"; // links out are fine
                assert!(
                    !external || allowed,
                    "<{} {a}={v}> loads from outside",
                    e.name
                );
            }
        }
    }
    // A skip link first, to the main landmark.
    let first_link = doc.select("a")[0];
    assert_eq!(first_link.attr("href"), Some("#main"));
    assert_eq!(first_link.text(), "Skip to main content");
    doc.one("main#main");
    // One h1; headings never skip a level.
    assert_eq!(doc.select("h1").len(), 1, "one h1");
    let mut level = 0;
    for e in doc.descendants() {
        if let Some(l) = e.name.strip_prefix('h').and_then(|l| l.parse::<u32>().ok()) {
            assert!(l <= level + 1, "<h{l}> after <h{level}>: {}", e.text());
            level = l;
        }
    }
    // Unique ids; every field labelled; images described.
    let mut ids: Vec<&str> = doc
        .descendants()
        .iter()
        .filter_map(|e| e.attr("id"))
        .collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
    for e in doc.descendants() {
        let field = (e.name == "input" && e.attr("type") != Some("hidden")) || e.name == "select";
        if field {
            let id = e.attr("id").expect("a field has an id");
            assert_eq!(
                doc.select(&format!("label[for={id}]")).len(),
                1,
                "label for #{id}"
            );
        }
        if e.name == "img" {
            assert!(e.attr("alt").is_some(), "img without alt");
        }
        if e.name == "a" {
            assert!(
                !e.text().is_empty(),
                "a link without text: {:?}",
                e.attr("href")
            );
        }
        if let Some(target) = e.attr("aria-labelledby").or(e.attr("aria-describedby")) {
            for t in target.split_whitespace() {
                assert!(ids.contains(&t), "aria reference to missing #{t}");
            }
        }
    }
    doc
}

async fn html_page(uri: &str) -> (StatusCode, Element) {
    let (status, ctype, body) = get(app(), uri).await;
    assert_eq!(ctype, "text/html; charset=utf-8", "{uri}");
    (status, page(&body))
}

async fn fetch(uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = app()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

/// The C programming language's cluster id, from the API.
async fn k_and_r() -> String {
    let (_, v) = get_json("/api/holdings?isbn=9780131103627").await;
    v["clusters"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_front_page_has_the_form_and_an_introduction() {
    let (status, doc) = html_page("/").await;
    assert_eq!(status, StatusCode::OK);
    let form = doc.one("form.search-form");
    assert_eq!(form.attr("method"), Some("get"));
    assert_eq!(form.attr("action"), Some("/"));
    let q = form.one("input#q");
    assert_eq!(q.attr("name"), Some("q"));
    assert_eq!(q.attr("type"), Some("search"));
    assert_eq!(
        doc.one("label[for=q]").text(),
        "Title, author, subject or ISBN"
    );
    assert_eq!(form.one("button").attr("type"), Some("submit"));
    let sort = form.one("select#sort");
    assert_eq!(sort.select("option").len(), 4);
    assert_eq!(
        sort.one("option[selected]").attr("value"),
        Some("relevance")
    );
    // The introduction counts the network.
    let intro = doc.one("section.intro").text();
    let clusters = fixture().catalog.cluster_count();
    assert!(clusters > 300);
    let expected = format!("Search {clusters} titles held by 6 libraries");
    assert!(intro.contains(&expected), "{intro}");
    let libraries = doc.select("ul.library-list li a");
    assert_eq!(libraries.len(), 6);
    assert_eq!(libraries[0].text(), "Cedar County Public Library");
    assert_eq!(libraries[0].attr("href"), Some("/?library=lib01"));
    // An empty search is the front page; a sort order alone browses everything.
    let (status, empty) = html_page("/?q=&sort=relevance").await;
    assert_eq!(status, StatusCode::OK);
    empty.one("section.intro");
    // Browsing shows works (one result per work), and each edition on
    // request.
    let (_, browse) = html_page("/?sort=title").await;
    let (_, works) = get_json("/api/search?sort=title&group=work&per_page=1").await;
    let works = works["total"].as_u64().unwrap();
    assert!(works < clusters);
    assert!(
        browse
            .one("h2#results-heading")
            .text()
            .starts_with(&format!("{works} works")),
        "{}",
        browse.one("h2#results-heading").text()
    );
    let (_, each) = html_page("/?sort=title&group=manifestation").await;
    assert!(
        each.one("h2#results-heading")
            .text()
            .starts_with(&format!("{clusters} editions"))
    );
    // No results on the front page, and no header search (the page has its own).
    assert!(doc.select("ol.result-list").is_empty());
    assert!(doc.select("#header-q").is_empty());
}

#[tokio::test]
async fn results_show_who_holds_each_title() {
    let (status, doc) = html_page("/?q=programming&group=manifestation").await;
    assert_eq!(status, StatusCode::OK);
    let (_, api) = get_json("/api/search?q=programming").await;
    let total = api["total"].as_u64().unwrap();
    assert_eq!(
        doc.one("h2#results-heading").text(),
        format!(
            "{total} edition{} for “programming”",
            if total == 1 { "" } else { "s" }
        )
    );
    // The query stays in the box.
    assert_eq!(doc.one("input#q").attr("value"), Some("programming"));
    let id = k_and_r().await;
    let items = doc.select("ol.result-list li.result");
    assert_eq!(items.len() as u64, total.min(20));
    let kr = items
        .iter()
        .find(|li| li.one("h3 a").attr("href") == Some(&format!("/clusters/{id}")))
        .expect("K&R is listed");
    assert_eq!(kr.one("h3 a").text(), "The C programming language");
    let held = kr.one("p.held").text();
    assert!(held.starts_with("Held by 6 libraries"), "{held}");
    assert!(kr.one("p.meta").text().contains("Book"));
    assert!(kr.one("p.authors").text().contains("Kernighan"));
    // Results are numbered from 1.
    assert_eq!(doc.one("ol.result-list").attr("start"), Some("1"));
    assert_eq!(
        doc.one("p.range").text(),
        format!("Showing 1–{} of {total}", total.min(20))
    );
    // Every title links to its page.
    for li in &items {
        assert!(
            li.one("h3 a")
                .attr("href")
                .unwrap()
                .starts_with("/clusters/")
        );
    }
}

#[tokio::test]
async fn facets_are_links_that_filter_and_keep_the_query() {
    let (_, doc) = html_page("/?q=programming&sort=title&group=manifestation").await;
    let facets = doc.one("aside.facets");
    let headings: Vec<String> = facets.select("h3").iter().map(|h| h.text()).collect();
    assert!(
        headings.starts_with(&["Library".to_string(), "Format".to_string()]),
        "{headings:?}"
    );
    // Library facet: names, not ids, with counts, linking to a filtered search.
    let cedar = facets
        .select("section.facet a")
        .into_iter()
        .find(|a| a.text().starts_with("Cedar County Public Library"))
        .expect("a facet link for Cedar County");
    let href = cedar.attr("href").unwrap().to_string();
    assert_eq!(
        href,
        "/?q=programming&library=lib01&sort=title&group=manifestation"
    );
    let (_, filtered_api) = get_json("/api/search?q=programming&library=lib01").await;
    let count = filtered_api["total"].as_u64().unwrap();
    assert_eq!(cedar.one("span.count").text(), format!("{count} results"));
    assert!(
        facets
            .select("a")
            .iter()
            .any(|a| a.text().starts_with("Book "))
    );

    // Following it filters, shows the filter with a remove link, and marks the
    // facet value selected (its link removes the filter).
    let (status, doc) = html_page(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc.one("h2#results-heading")
            .text()
            .starts_with(&format!("{count} edition"))
    );
    let filter = doc.one("div.filters li");
    assert!(
        filter
            .text()
            .starts_with("Library: Cedar County Public Library Remove"),
        "{}",
        filter.text()
    );
    assert_eq!(
        filter.one("a.remove").attr("href"),
        Some("/?q=programming&sort=title&group=manifestation")
    );
    let selected = doc.one("aside.facets a.selected");
    assert!(
        selected
            .text()
            .starts_with("Remove filter: Cedar County Public Library")
    );
    assert_eq!(
        selected.attr("href"),
        Some("/?q=programming&sort=title&group=manifestation")
    );
    // A new search from this page keeps the filter.
    let hidden = doc.one("form.search-form input[name=library]");
    assert_eq!(hidden.attr("type"), Some("hidden"));
    assert_eq!(hidden.attr("value"), Some("lib01"));
    assert_eq!(
        doc.one("select#sort option[selected]").attr("value"),
        Some("title")
    );
    // Every result is held by Cedar County.
    for li in doc.select("ol.result-list li.result") {
        let href = li.one("h3 a").attr("href").unwrap();
        let (_, c) = get_json(&format!("/api{href}")).await;
        assert!(
            c["holdings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["library"] == "lib01"),
            "{href}"
        );
    }

    // The same with the parameter written by hand, and other filters too.
    let (status, doc) = html_page("/?q=programming&library=lib01&format=book&language=eng").await;
    assert_eq!(status, StatusCode::OK);
    let filters: Vec<String> = doc
        .select("div.filters li strong")
        .iter()
        .map(|s| s.text())
        .collect();
    assert_eq!(filters, ["Cedar County Public Library", "Book", "English"]);
    assert!(doc.one("div.filters").text().contains("Clear all filters"));
}

#[tokio::test]
async fn year_facets_and_range() {
    let (_, doc) = html_page("/?q=&year_from=1980&year_to=1989").await;
    assert!(
        doc.one("div.filters li")
            .text()
            .starts_with("Published: 1980–1989")
    );
    assert_eq!(doc.one("input#year-from").attr("value"), Some("1980"));
    for a in doc.select("section.facet a") {
        if let Some(y) = a.attr("href").and_then(|h| h.split("year_from=").nth(1)) {
            let y: u32 = y[..4].parse().unwrap();
            assert!((1980..=1989).contains(&y), "{y}");
        }
    }
}

#[tokio::test]
async fn paging_is_bounded_and_marks_the_current_page() {
    let (status, doc) = html_page("/?sort=title&per_page=5&page=2&group=manifestation").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc.one("ol.result-list").attr("start"), Some("6"));
    let nav = doc.one("nav.paging");
    assert_eq!(nav.attr("aria-label"), Some("Result pages"));
    let current = nav.one("a[aria-current=page]");
    assert_eq!(current.text(), "Page 2");
    assert_eq!(
        nav.one("a[rel=prev]").attr("href"),
        Some("/?sort=title&per_page=5&group=manifestation")
    );
    assert_eq!(
        nav.one("a[rel=next]").attr("href"),
        Some("/?sort=title&per_page=5&group=manifestation&page=3")
    );
    // 1, 2, 3, 4, …, last: a handful of links, not one per page.
    let links = nav.select("li a");
    assert!(links.len() <= 9, "{}", links.len());
    let clusters = fixture().catalog.cluster_count();
    let last = clusters.div_ceil(5);
    assert_eq!(
        links[links.len() - 2].text(),
        format!("Page {last}"),
        "the last page is linked"
    );
    // A page past the end says so (not an error).
    let (status, doc) = html_page("/?q=programming&page=50").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc.one("main").text().contains("past the end"));
    // Paging deeper than the catalog serves is a 400 page.
    let (status, doc) = html_page("/?q=&page=100000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(doc.one("#search-error").text().contains("not served"));
}

#[tokio::test]
async fn no_results_are_explained() {
    let (status, doc) = html_page("/?q=zzxqvwy").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        doc.one("h2#results-heading").text(),
        "No results for “zzxqvwy”"
    );
    assert!(
        doc.one("div.no-results")
            .text()
            .contains("Check the spelling")
    );
}

#[tokio::test]
async fn the_detail_page_has_the_holdings_table() {
    let id = k_and_r().await;
    let (status, doc) = html_page(&format!("/clusters/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc.one("h1").text(), "The C programming language");
    assert!(
        doc.one("title")
            .text()
            .starts_with("The C programming language")
    );
    assert!(
        doc.one("p.held-summary")
            .text()
            .starts_with("Held by 6 libraries")
    );
    // The table: a caption, column headers, a row per library.
    let table = doc.one("table.holdings");
    assert!(
        table
            .one("caption")
            .text()
            .starts_with("Held by 6 libraries")
    );
    let cols: Vec<String> = table
        .select("thead th")
        .iter()
        .map(|th| {
            assert_eq!(th.attr("scope"), Some("col"));
            th.text()
        })
        .collect();
    assert_eq!(
        cols,
        [
            "Library",
            "Location",
            "Call number",
            "Status",
            "Copies",
            "Library catalogue"
        ]
    );
    let rows = table.select("tbody tr");
    assert_eq!(rows.len(), 6);
    let mut names: Vec<String> = rows.iter().map(|r| r.one("th[scope=row]").text()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Cedar County Public Library",
            "Lakeside University Library",
            "Maple Grove Public Library",
            "Oak Valley Public Library",
            "Prairie Hills Regional Library",
            "Riverbend College Library"
        ]
    );
    let (_, api) = get_json(&format!("/api/clusters/{id}")).await;
    for row in &rows {
        let name = row.one("th").text();
        let holding = api["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["library_name"] == name.as_str())
            .unwrap();
        let cells = row.select("td");
        assert_eq!(cells.len(), 5);
        let status = cells[2].text();
        let expected = match holding["status"].as_str().unwrap() {
            "available" => "Available",
            "checked_out" => "Checked out",
            "unavailable" => "Unavailable",
            _ => "Ask the library",
        };
        assert_eq!(status, expected);
        if let Some(call) = holding["call_number"].as_str() {
            assert_eq!(cells[1].text(), call);
        }
        let link = cells[4].one("a");
        assert_eq!(link.text(), format!("View in {name} catalogue"));
        assert_eq!(link.attr("href"), holding["url"].as_str());
    }
    // Details: identifiers, subjects as searches, the JSON link.
    let details = doc.one("dl.details").text();
    assert!(details.contains("9780131103627"), "{details}");
    assert!(details.contains("Kernighan"));
    for a in doc.select("dl.details a") {
        let href = a.attr("href").unwrap();
        assert!(
            href.starts_with("/?q=author%3A%22") || href.starts_with("/?q=subject%3A%22"),
            "{href}"
        );
    }
    assert_eq!(
        doc.one("a[type=application/json]").attr("href"),
        Some(format!("/api/clusters/{id}").as_str())
    );
    // The ILL block follows the holdings (its own test says what is in it).
    doc.one("section#ill");
    // The header has a search box here.
    doc.one("form.header-search input#header-q");
}

#[tokio::test]
async fn ids_are_read_leniently_and_redirect_to_the_canonical_page() {
    let id = k_and_r().await;
    let (status, headers, _) = fetch(&format!("/clusters/{}", id.to_uppercase())).await;
    if id.to_uppercase() != id {
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(
            headers["location"].to_str().unwrap(),
            format!("/clusters/{id}")
        );
    }
}

#[tokio::test]
async fn an_unknown_cluster_is_a_404_page() {
    for uri in [
        "/clusters/zzzzzzzzzz",
        "/clusters/not-an-id",
        "/clusters/%3Cb%3E",
    ] {
        let (status, doc) = html_page(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(doc.one("h1").text(), "Not found");
        assert!(doc.one("p.lead").text().contains("no title with the id"));
        assert_eq!(doc.one("main a").attr("href"), Some("/"));
    }
}

#[tokio::test]
async fn a_bad_query_is_a_400_page_with_the_reason() {
    let (_, api) = get_json("/api/search?q=%22unbalanced&strict=true").await;
    let message = api["error"]["message"].as_str().unwrap().to_string();
    let (status, doc) = html_page("/?q=%22unbalanced&strict=true").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let shown = doc.one("#search-error").text();
    assert_eq!(shown.to_lowercase(), format!("{}.", message.to_lowercase()));
    // The query stays in the box, marked invalid and described by the error.
    let q = doc.one("input#q");
    assert_eq!(q.attr("value"), Some("\"unbalanced"));
    assert_eq!(q.attr("aria-invalid"), Some("true"));
    assert_eq!(q.attr("aria-describedby"), Some("search-error"));
    assert!(doc.select("ol.result-list").is_empty());
}

#[tokio::test]
async fn bad_parameters_are_400_pages() {
    for (uri, needle) in [
        (
            "/?q=programming&per_page=100000",
            "per_page must be between 1 and 100",
        ),
        ("/?q=programming&per_page=abc", "per_page must be"),
        ("/?q=x&year_from=abc", "year_from must be a year"),
        ("/?q=x&library=nowhere", "no library 'nowhere'"),
        ("/?q=x&format=spaceship", "unknown format"),
        ("/?q=x&sort=sideways", "sort must be"),
    ] {
        let (status, doc) = html_page(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let shown = doc.one("#search-error").text();
        assert!(
            shown.to_lowercase().contains(&needle.to_lowercase()),
            "{uri}: {shown}"
        );
    }
}

#[tokio::test]
async fn everything_is_escaped() {
    let evil = "%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E%22%3E%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E";
    for uri in [format!("/?q={evil}"), format!("/?q=a&language={evil}")] {
        let (status, ctype, body) = get(app(), &uri).await;
        assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST);
        assert!(ctype.starts_with("text/html"));
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(!text.contains("<script"), "{text}");
        if let Some(i) = text.find("<img src=x") {
            panic!("unescaped: {}", &text[i.saturating_sub(200)..i + 20]);
        }
        page(&body);
    }
}

#[tokio::test]
async fn pages_send_security_headers() {
    let (status, headers, _) = fetch("/?q=programming").await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("style-src 'self'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn the_stylesheet_is_served_and_cached() {
    let (_, doc) = html_page("/").await;
    let href = doc
        .one("link[rel=stylesheet]")
        .attr("href")
        .unwrap()
        .to_string();
    let (status, headers, body) = fetch(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(headers["cache-control"], "public, max-age=86400");
    let css = String::from_utf8(body).unwrap();
    assert!(css.contains(":focus-visible"), "visible focus styles");
    assert!(css.contains("@media"), "responsive");
    // Braces balance (a cheap well-formedness check).
    assert_eq!(css.matches('{').count(), css.matches('}').count());
    let (status, headers, body) = fetch("/assets/unicat.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert!(String::from_utf8(body).unwrap().starts_with("<svg"));
}

#[test]
fn the_html_checker_rejects_broken_markup() {
    assert!(html::parse("<div><p>x</div></p>").is_err());
    assert!(html::parse("<div>").is_err());
    assert!(html::parse("<a href=x>y</a>").is_err());
    assert!(html::parse("<p class=\"a\" class=\"b\">x</p>").is_err());
    let doc = html::parse("<!DOCTYPE html><!-- <b> --><p>a &amp; b<br></p>").unwrap();
    assert_eq!(doc.one("p").text(), "a & b");
}

#[tokio::test]
async fn the_detail_page_suggests_lenders_for_a_chosen_library() {
    let id = k_and_r().await;
    // Without a requester: the form and the OpenURL, no suggestions yet.
    let (status, doc) = html_page(&format!("/clusters/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let ill = doc.one("section#ill");
    assert_eq!(ill.one("h2").text(), "Request through interlibrary loan");
    let options: Vec<String> = ill
        .select("select#requester option")
        .iter()
        .map(|o| o.attr("value").unwrap().to_string())
        .collect();
    assert_eq!(
        options,
        ["lib01", "lib02", "lib03", "lib04", "lib05", "lib06"]
    );
    assert!(ill.select("ol.lenders").is_empty());
    let openurl = ill.one("textarea#openurl").text();
    assert!(openurl.contains("url_ver=Z39.88-2004"), "{openurl}");
    assert!(openurl.contains("rft.isbn=9780131103627"), "{openurl}");

    // For lib01: every other lending library, never lib01 itself and never
    // lib05 (not lending), in the order the API gives.
    let (status, doc) = html_page(&format!("/clusters/{id}?requester=lib01")).await;
    assert_eq!(status, StatusCode::OK);
    let ill = doc.one("section#ill");
    assert_eq!(ill.one("option[selected]").attr("value"), Some("lib01"));
    let ids: Vec<String> = ill
        .select("ol.lenders .lender-id")
        .iter()
        .map(|s| s.text().trim_matches(['(', ')']).to_string())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, ["lib02", "lib03", "lib04", "lib06"], "{ids:?}");
    assert_eq!(ill.one("code.lender-string").text(), ids.join(", "));
    for li in ill.select("ol.lenders li") {
        assert!(!li.one("p.reason").text().is_empty());
    }
    // Available copies come before checked-out ones.
    let rank = |s: &str| match s {
        "Available" => 0,
        "Availability not reported" => 1,
        _ => 2,
    };
    let ranks: Vec<i32> = ill
        .select("ol.lenders .status")
        .iter()
        .map(|s| rank(&s.text()))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let excluded = ill.one("details.excluded").text();
    assert!(
        excluded.contains("Lakeside University Library does not lend"),
        "{excluded}"
    );
    let api = ill.one("p.data-links a").attr("href").unwrap().to_string();
    assert_eq!(api, format!("/api/lenders?id={id}&requester=lib01"));

    // An unknown requester is said plainly, on the page.
    let (status, doc) = html_page(&format!("/clusters/{id}?requester=nowhere")).await;
    assert_eq!(status, StatusCode::OK);
    let error = doc.one("section#ill .notice-error").text();
    assert!(error.contains("nowhere"), "{error}");
    assert!(doc.select("ol.lenders").is_empty());
}

#[tokio::test]
async fn the_overlap_page_matches_the_report() {
    let (_, report) = get_json("/api/overlap").await;
    let (status, doc) = html_page("/overlap").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc.one("h1").text(), "Collection overlap");
    // The per-library table says what the report says.
    let table = doc.select("table.overlap-table")[0];
    let rows = table.select("tbody tr");
    let libraries = report["libraries"].as_array().unwrap();
    assert_eq!(rows.len(), libraries.len());
    let number = |s: String| s.replace(',', "").parse::<u64>().unwrap();
    for (row, lib) in rows.iter().zip(libraries) {
        let cells: Vec<String> = row.select("td").iter().map(|td| td.text()).collect();
        assert!(
            row.one("th")
                .text()
                .contains(lib["library"].as_str().unwrap())
        );
        assert_eq!(number(cells[0].clone()), lib["total"].as_u64().unwrap());
        assert_eq!(number(cells[1].clone()), lib["unique"].as_u64().unwrap());
        assert_eq!(
            number(cells[3].clone()),
            lib["shared_2_3"].as_u64().unwrap()
        );
        assert_eq!(
            number(cells[4].clone()),
            lib["widely_held"].as_u64().unwrap()
        );
    }
    // One bar per library, the longest for the most unique titles; an n × n
    // heat map whose tooltips carry the matrix's counts.
    let bars = doc.one("svg.bars").select("rect");
    assert_eq!(bars.len(), libraries.len());
    let widths: Vec<u64> = bars
        .iter()
        .map(|r| r.attr("width").unwrap().parse().unwrap())
        .collect();
    let uniques: Vec<u64> = libraries
        .iter()
        .map(|l| l["unique"].as_u64().unwrap())
        .collect();
    let widest = widths
        .iter()
        .enumerate()
        .max_by_key(|(_, w)| **w)
        .unwrap()
        .0;
    assert_eq!(uniques[widest], *uniques.iter().max().unwrap());
    let cells = doc.one("svg.heat-map").select("g");
    let n = libraries.len();
    assert_eq!(cells.len(), n * n);
    let counts = &report["matrix"]["counts"];
    let both = counts[0][1].as_u64().unwrap();
    let tip = cells[1].one("title").text();
    assert!(tip.starts_with(&format!("{} of ", both)), "{tip} vs {both}");
    // The table version of the matrix has every count.
    let matrix = doc.one("table.matrix");
    let first_row: Vec<u64> = matrix.select("tbody tr")[0]
        .select("td")
        .iter()
        .map(|td| number(td.text()))
        .collect();
    let expected: Vec<u64> = counts[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(first_row, expected);
    assert!(
        doc.select("a")
            .iter()
            .any(|a| a.attr("href") == Some("/api/overlap.csv"))
    );

    // A slice narrows the figures; an unknown slice is a 400 page.
    let format = report["by_format"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v["clusters"].as_u64().unwrap()))
        .unwrap();
    let (status, doc) = html_page(&format!("/overlap?slice=format:{}", format.0)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc.one("p.lede")
            .text()
            .contains(&format!(": {} titles", format.1)),
        "{}",
        doc.one("p.lede").text()
    );
    let (status, _) = html_page("/overlap?slice=class:nothing").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_demo_groups_the_hobbit_and_its_work_page_lists_every_edition() {
    let router = unicat_server::router(unicat_server::AppState::new(crate::demo().catalog.clone()));
    let html_of = async |uri: &str| {
        let (status, ctype, body) = get(router.clone(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(ctype, "text/html; charset=utf-8", "{uri}");
        page(&body)
    };
    // One result per work by default, with the formats it is held in.
    let doc = html_of("/?q=hobbit").await;
    let (_, _, api) = get(router.clone(), "/api/search?q=hobbit&group=work").await;
    let api: serde_json::Value = serde_json::from_slice(&api).unwrap();
    let works = api["total"].as_u64().unwrap();
    assert_eq!(
        doc.one("h2#results-heading").text(),
        format!("{works} works for “hobbit”")
    );
    let first = &doc.select("ol.result-list li.result")[0];
    let formats = first.one("p.work-formats").text();
    assert!(formats.starts_with("Book ("), "{formats}");
    for f in ["Audiobook", "Large print", "E-book"] {
        assert!(formats.contains(f), "{f} missing from {formats}");
    }
    let link = first.one("a.work-link");
    assert!(link.text().starts_with("All "), "{}", link.text());
    let work_href = link.attr("href").unwrap().to_string();
    assert!(work_href.starts_with("/works/"));
    assert_eq!(
        doc.one("#group-switch").attr("href"),
        Some("/?q=hobbit&group=manifestation")
    );
    assert_eq!(doc.one("p.facet-note").text(), "Counts are editions.");
    // Each edition on request.
    let each = html_of("/?q=hobbit&group=manifestation").await;
    assert!(
        each.select("ol.result-list li.result").len()
            > doc.select("ol.result-list li.result").len()
    );
    assert!(each.select("p.work-formats").is_empty());

    // The work page: every edition, grouped by format, with its holdings.
    let work = html_of(&work_href).await;
    let editions = work.select("li.edition");
    let expected = api["works"][0]["editions"].as_u64().unwrap();
    assert_eq!(editions.len() as u64, expected);
    assert!(work.select("section.format-section").len() >= 4);
    for e in &editions {
        assert!(
            e.one("p.held").text().starts_with("Held by"),
            "{}",
            e.text()
        );
        assert!(
            e.one("h3 a")
                .attr("href")
                .unwrap()
                .starts_with("/clusters/")
        );
    }
    // The film is a related work, not an edition.
    assert!(work.one("a.related-work").text().contains("(Video)"));
    // Filtered to one format.
    let audio = html_of(&format!("{work_href}?format=audiobook")).await;
    let sections = audio.select("section.format-section");
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].attr("id"), Some("format-audiobook"));
    // ILL for any print edition names the edition each lender would send.
    let ill = html_of(&format!("{work_href}?requester=rideau&accept=print")).await;
    let lenders = ill.select("ol.lenders li");
    assert!(!lenders.is_empty());
    for l in &lenders {
        let edition = l.one("p.lender-edition").text();
        assert!(
            edition.starts_with("Edition: Book") || edition.starts_with("Edition: Large print"),
            "{edition}"
        );
    }
    // A cluster page links to its work.
    let book = html_of(first.one("h3 a").attr("href").unwrap()).await;
    assert_eq!(
        book.one("a#work-link").attr("href"),
        Some(work_href.as_str())
    );
    // An unknown work is a page that says so.
    let (status, _, _) = get(router.clone(), "/works/0000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
