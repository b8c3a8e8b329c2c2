//! `unicat export`: a cluster, a work, a search's results or a list
//! check's hits as MARCXML, MARC-in-JSON, ISO 2709, CSV, RIS or BibTeX.

use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use unicat_catalog::SearchRequest;
use unicat_catalog::export::{ExportFormat, Exporter};

#[derive(Args)]
#[group(required = true, multiple = false)]
struct What {
    /// One cluster, by id.
    #[arg(long)]
    id: Option<String>,
    /// Every manifestation of a work, by work id.
    #[arg(long)]
    work: Option<String>,
    /// The results of a search (the query language of `unicat search`).
    #[arg(long)]
    query: Option<String>,
    /// The clusters found by a list check of this file (identifiers one
    /// per line, or CSV with --column).
    #[arg(long)]
    check: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    #[command(flatten)]
    what: What,
    /// marcxml, marc-json, iso2709, csv, ris or bibtex.
    #[arg(long, value_parser = parse_format)]
    to: ExportFormat,
    /// With --query: at most this many results (at most 10,000).
    #[arg(long, default_value_t = unicat_catalog::MAX_DEPTH)]
    limit: usize,
    /// With --query: only clusters held by this library.
    #[arg(long)]
    library: Option<String>,
    /// With --query: only this material format (book, ebook, …).
    #[arg(long)]
    format: Option<String>,
    /// With --query: order (relevance, year, year-asc, title).
    #[arg(long, default_value = "relevance")]
    sort: String,
    /// With --check: the CSV column holding the identifiers.
    #[arg(long)]
    column: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| {
        format!("unknown format {s:?} (marcxml, marc-json, iso2709, csv, ris, bibtex)")
    })
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let catalog = crate::read::open(&args.config)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut exporter = Exporter::new(args.to, catalog.export_snapshot(args.to)?, out)?;
    let what = args.what;
    if let Some(id) = what.id {
        exporter.write(&catalog.cluster_doc(&id)?)?;
    } else if let Some(id) = what.work {
        for doc in catalog.work_clusters(&id)? {
            exporter.write(&doc)?;
        }
    } else if let Some(q) = what.query {
        let req = SearchRequest {
            q,
            library: args.library,
            format: args.format,
            sort: crate::read::parse_sort(&args.sort).map_err(anyhow::Error::msg)?,
            ..SearchRequest::default()
        };
        catalog.search_each(&req, args.limit, |doc| {
            exporter.write(&doc).map_err(anyhow::Error::from)
        })?;
    } else if let Some(list) = what.check {
        crate::check::export_hits(&catalog, &list, args.column.as_deref(), &mut exporter)?;
    }
    let skipped = exporter.skipped();
    exporter.finish()?;
    if skipped > 0 {
        eprintln!("unicat: {skipped} cluster(s) left out: their MARC is too long for ISO 2709");
    }
    Ok(ExitCode::SUCCESS)
}
