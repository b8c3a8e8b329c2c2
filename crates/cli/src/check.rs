//! `unicat check`: a list of identifiers against the network, as CSV (the
//! default) or JSON, one answer per line.

use anyhow::Context;
use clap::Args;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use unicat_catalog::check::{CheckFormat, CheckOptions, CheckStop, CheckWriter};
use unicat_catalog::export::Exporter;
use unicat_catalog::{Catalog, IdentifierKind};

#[derive(Args)]
pub struct CheckArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    /// The list: identifiers one per line, or CSV with --column; `-` for
    /// standard input.
    list: PathBuf,
    /// The list is CSV with the identifiers in this column (named in its first row).
    #[arg(long)]
    column: Option<String>,
    /// Read every line as this kind (isbn, issn, oclc, lccn); by default
    /// each line's form says.
    #[arg(long = "type")]
    kind: Option<String>,
    /// Print JSON instead of CSV.
    #[arg(long)]
    json: bool,
}

fn options(column: Option<&str>, kind: Option<&str>) -> anyhow::Result<CheckOptions> {
    Ok(CheckOptions {
        column: column.map(str::to_string),
        kind: kind
            .map(|k| {
                IdentifierKind::parse(k)
                    .with_context(|| format!("unknown --type {k:?} (isbn, issn, oclc, lccn)"))
            })
            .transpose()?,
    })
}

fn input(list: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    if list == Path::new("-") {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file =
        std::fs::File::open(list).with_context(|| format!("cannot read {}", list.display()))?;
    Ok(Box::new(std::io::BufReader::with_capacity(64 * 1024, file)))
}

fn stop(e: CheckStop<std::io::Error>) -> anyhow::Error {
    match e {
        CheckStop::Catalog(e) => e.into(),
        CheckStop::Caller(e) => e.into(),
    }
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let catalog = crate::read::open(&args.config)?;
    let opts = options(args.column.as_deref(), args.kind.as_deref())?;
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let format = if args.json {
        CheckFormat::Json
    } else {
        CheckFormat::Csv
    };
    let mut w = CheckWriter::new(format, out)?;
    let summary = catalog
        .check_list(input(&args.list)?, &opts, |line, _| w.line(line))
        .map_err(stop)?;
    w.finish(&summary)?.flush()?;
    eprintln!(
        "{} lines: {} held ({} last copies), {} not held, {} invalid",
        summary.lines, summary.held, summary.last_copies, summary.not_held, summary.invalid
    );
    Ok(ExitCode::SUCCESS)
}

/// `unicat export --check LIST`: the clusters a list check finds, each once.
pub fn export_hits<W: Write>(
    catalog: &Catalog,
    list: &Path,
    column: Option<&str>,
    exporter: &mut Exporter<W>,
) -> anyhow::Result<()> {
    let opts = options(column, None)?;
    let mut seen = std::collections::HashSet::new();
    catalog
        .check_list(input(list)?, &opts, |_, docs| {
            for d in docs {
                if seen.insert(d.id.clone()) {
                    exporter.write(d)?;
                }
            }
            Ok(())
        })
        .map_err(stop)?;
    Ok(())
}
