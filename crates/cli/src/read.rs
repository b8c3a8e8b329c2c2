//! `unicat search`, `unicat holdings`, `unicat clusters`: the read side on
//! the command line, the same answers as the HTTP API.

use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use unicat_catalog::{Catalog, ClusterDoc, Group, IdentifierKind, SearchRequest, Sort};

pub fn open(config: &std::path::Path) -> anyhow::Result<Catalog> {
    let network = Arc::new(unicat_config::Network::load(config)?);
    let catalog = Catalog::open(network)
        .context("cannot open the catalog (has the network been harvested?)")?;
    Ok(catalog)
}

#[derive(Args)]
pub struct SearchArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    /// The query (words, "phrases", title:, author:, isbn:, year:[1990 TO 2000], AND/OR/NOT, histor*).
    query: String,
    /// Page (from 1).
    #[arg(long, default_value_t = 1)]
    page: usize,
    /// Results per page (at most 100).
    #[arg(long, default_value_t = 20)]
    per_page: usize,
    /// Only clusters held by this library.
    #[arg(long)]
    library: Option<String>,
    /// Only this format (book, ebook, large-print, audiobook, …).
    #[arg(long)]
    format: Option<String>,
    /// Order: relevance, year, year-asc, title.
    #[arg(long, default_value = "relevance")]
    sort: String,
    /// Print the JSON the API gives.
    #[arg(long)]
    json: bool,
    /// Read the query as written: a malformed query is an error (with where
    /// and why), words match exactly, nothing is relaxed or suggested. By
    /// default the query is read as the search page reads it (punctuation
    /// and stray operators ignored, close spellings matched).
    #[arg(long)]
    strict: bool,
    /// One result per `manifestation` (each edition in each format) or per
    /// `work` (its best-matching edition, with every format it is held in).
    #[arg(long, default_value = "manifestation", value_parser = parse_group)]
    group: Group,
}

fn parse_group(s: &str) -> Result<Group, String> {
    Group::parse(s).ok_or_else(|| format!("--group must be manifestation or work, not {s:?}"))
}

pub fn parse_sort(s: &str) -> Result<Sort, String> {
    match s {
        "relevance" | "" => Ok(Sort::Relevance),
        "year" | "year-desc" | "newest" => Ok(Sort::YearNewest),
        "year-asc" | "oldest" => Ok(Sort::YearOldest),
        "title" => Ok(Sort::Title),
        other => Err(format!(
            "unknown sort {other:?} (relevance, year, year-asc, title)"
        )),
    }
}

fn line(d: &ClusterDoc) -> String {
    let mut s = d.title.clone();
    if let Some(a) = d.authors.first() {
        s.push_str(" — ");
        s.push_str(a);
    }
    if let Some(y) = d.year {
        s.push_str(&format!(" ({y})"));
    }
    let available = d
        .holdings
        .iter()
        .filter(|h| h.status == "available")
        .count();
    format!(
        "{s} [{}] held by {} {}{}  id {}",
        d.format,
        d.holdings.len(),
        if d.holdings.len() == 1 {
            "library"
        } else {
            "libraries"
        },
        if available > 0 {
            format!(" ({available} available)")
        } else {
            String::new()
        },
        d.id
    )
}

pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let req = SearchRequest {
        q: args.query.clone(),
        page: args.page,
        per_page: args.per_page,
        library: args.library,
        format: args.format,
        sort: parse_sort(&args.sort).map_err(anyhow::Error::msg)?,
        strict: args.strict,
        group: args.group,
        ..SearchRequest::default()
    };
    let r = catalog.search(&req)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if r.group == Group::Work {
        writeln!(
            out,
            "{} works ({} clusters) for {:?}",
            r.total, r.clusters, args.query
        )?;
    } else {
        writeln!(out, "{} clusters for {:?}", r.total, args.query)?;
    }
    match (r.relaxed, r.all_words) {
        (true, Some(n)) => writeln!(
            out,
            "Only {n} for all the words; results with most of them follow"
        )?,
        (true, None) => writeln!(
            out,
            "No results for all words; showing results for most of them"
        )?,
        _ => {}
    }
    if let Some(s) = &r.suggestion {
        writeln!(out, "Did you mean {s:?}?")?;
    }
    for (i, d) in r.results.iter().enumerate() {
        writeln!(out, "{:>4}. {}", (r.page - 1) * r.per_page + i + 1, line(d))?;
        if let Some(w) = r.works.get(i) {
            let formats: Vec<String> = w
                .formats
                .iter()
                .map(|f| {
                    format!(
                        "{} ({} editions, {} libraries)",
                        f.format, f.editions, f.libraries
                    )
                })
                .collect();
            writeln!(
                out,
                "      work {}: {} editions, held by {} libraries: {}",
                w.id.as_deref().unwrap_or("-"),
                w.editions,
                w.libraries,
                formats.join(" · ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct Identifier {
    /// An ISBN in any form (10 or 13 digits, hyphens, qualifiers).
    #[arg(long)]
    isbn: Option<String>,
    /// An ISSN.
    #[arg(long)]
    issn: Option<String>,
    /// An OCLC number in any form ((OCoLC)ocm…, digits).
    #[arg(long)]
    oclc: Option<String>,
    /// An LCCN in any form.
    #[arg(long)]
    lccn: Option<String>,
    /// A cluster id.
    #[arg(long)]
    id: Option<String>,
}

#[derive(Args)]
pub struct HoldingsArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    #[command(flatten)]
    identifier: Identifier,
    /// Print the JSON the API gives.
    #[arg(long)]
    json: bool,
}

pub fn holdings(args: HoldingsArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let i = args.identifier;
    let (kind, value) = if let Some(v) = i.isbn {
        (IdentifierKind::Isbn, v)
    } else if let Some(v) = i.issn {
        (IdentifierKind::Issn, v)
    } else if let Some(v) = i.oclc {
        (IdentifierKind::Oclc, v)
    } else if let Some(v) = i.lccn {
        (IdentifierKind::Lccn, v)
    } else if let Some(v) = i.id {
        (IdentifierKind::Cluster, v)
    } else {
        anyhow::bail!("give one of --isbn, --issn, --oclc, --lccn, --id");
    };
    let r = catalog.holdings(kind, &value)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if r.clusters.is_empty() {
        writeln!(out, "no library in the network holds {value}")?;
        return Ok(ExitCode::SUCCESS);
    }
    for d in &r.clusters {
        writeln!(out, "{}", line(d))?;
        for h in &d.holdings {
            writeln!(
                out,
                "    {:<28} {:<12} {:<22} {:<24} {}",
                h.library_name,
                h.status.replace('_', " "),
                h.call_number.as_deref().unwrap_or("-"),
                h.location.as_deref().unwrap_or("-"),
                h.url.as_deref().unwrap_or("")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes what `each` yields to standard output, one JSON line each
/// (`unicat clusters`, `unicat works`).
fn json_lines<T: serde::Serialize>(
    each: impl FnOnce(&mut dyn FnMut(T)) -> Result<(), unicat_catalog::CatalogError>,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut result = Ok(());
    each(&mut |item| {
        if result.is_ok() {
            // As an io::Error, so that a closed pipe (`unicat clusters |
            // head`) is recognised as the reader having had enough.
            result = serde_json::to_writer(&mut out, &item)
                .map_err(|e| anyhow::Error::from(std::io::Error::from(e)))
                .and_then(|_| writeln!(out).map_err(Into::into));
        }
    })?;
    result?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `unicat works`: one JSON line per work.
pub fn works(args: ClustersArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    json_lines(|f| catalog.for_each_work(f))
}

#[derive(Args)]
pub struct ClustersArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
}

pub fn clusters(args: ClustersArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    json_lines(|f| catalog.for_each_cluster(f))
}
