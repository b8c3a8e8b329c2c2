//! `unicat lenders` and `unicat overlap`: interlibrary loan and collection
//! development on the command line.

use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use unicat_catalog::Catalog;

fn open(config: &std::path::Path) -> anyhow::Result<Catalog> {
    let network = Arc::new(unicat_config::Network::load(config)?);
    Catalog::open(network).context("cannot open the catalog (has the network been harvested?)")
}

#[derive(Args)]
pub struct LendersArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    /// The cluster to borrow (its id, from search or holdings).
    #[arg(long)]
    id: String,
    /// The requesting library's id.
    #[arg(long)]
    requester: String,
    /// Print the JSON the API gives.
    #[arg(long)]
    json: bool,
}

pub fn lenders(args: LendersArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let r = catalog.lenders(&args.id, &args.requester)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "Lenders for {} ({}), requested by {}:",
        r.title, r.id, r.requester
    )?;
    if r.lenders.is_empty() {
        writeln!(out, "  no library can lend it")?;
    }
    for (i, l) in r.lenders.iter().enumerate() {
        writeln!(out, "  {}. {:<30} {}", i + 1, l.library_name, l.reason)?;
    }
    for e in &r.excluded {
        writeln!(out, "  not suggested: {e}")?;
    }
    writeln!(
        out,
        "Lender string: {}",
        r.lenders
            .iter()
            .map(|l| l.library.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(out, "OpenURL: {}", r.openurl)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct OverlapArgs {
    /// The network configuration.
    #[arg(long, short)]
    config: PathBuf,
    /// Print JSON (as /api/overlap).
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV: the per-library table, then the matrix.
    #[arg(long)]
    csv: bool,
}

pub fn overlap(args: OverlapArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let r = catalog.overlap()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &*r)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.csv {
        out.write_all(r.to_csv().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "Collection overlap over {} titles (clusters)\n",
        r.clusters
    )?;
    writeln!(
        out,
        "{:<32} {:>8} {:>8} {:>10} {:>12}",
        "library", "held", "unique", "2-3 libs", "4+ libs"
    )?;
    for l in &r.libraries {
        writeln!(
            out,
            "{:<32} {:>8} {:>8} {:>10} {:>12}",
            l.library_name, l.total, l.unique, l.shared_2_3, l.widely_held
        )?;
    }
    writeln!(out, "\nHeld by both (row library and column library):")?;
    write!(out, "{:<12}", "")?;
    for id in &r.matrix.libraries {
        write!(out, " {id:>10}")?;
    }
    writeln!(out)?;
    for (id, row) in r.matrix.libraries.iter().zip(&r.matrix.counts) {
        write!(out, "{id:<12}")?;
        for c in row {
            write!(out, " {c:>10}")?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
