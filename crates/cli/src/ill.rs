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
    #[arg(long, required_unless_present = "work", conflicts_with = "work")]
    id: Option<String>,
    /// Or a work, when any edition will do (its id, from `search --group work`).
    #[arg(long)]
    work: Option<String>,
    /// With --work: the formats the requester accepts (codes, or print,
    /// audio, electronic, any).
    #[arg(long, default_value = "any", requires = "work")]
    formats: String,
    /// The requesting library's id.
    #[arg(long)]
    requester: String,
    /// Print the JSON the API gives.
    #[arg(long)]
    json: bool,
}

pub fn lenders(args: LendersArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let mut out = std::io::stdout().lock();
    if let Some(work) = &args.work {
        let formats = unicat_catalog::works::FormatChoice::parse(&args.formats)?;
        let r = catalog.work_lenders(work, &args.requester, &formats)?;
        if args.json {
            serde_json::to_writer_pretty(&mut out, &r)?;
            writeln!(out)?;
            return Ok(ExitCode::SUCCESS);
        }
        writeln!(
            out,
            "Lenders of any edition of {} ({}; {} editions in {}), requested by {}:",
            r.title,
            r.work,
            r.editions,
            if r.formats.is_empty() {
                "any format".to_string()
            } else {
                r.formats.join(", ")
            },
            r.requester
        )?;
        if r.lenders.is_empty() {
            writeln!(out, "  no library can lend one")?;
        }
        for (i, l) in r.lenders.iter().enumerate() {
            writeln!(
                out,
                "  {}. {:<30} {} — {}",
                i + 1,
                l.library_name,
                l.edition.as_deref().unwrap_or(""),
                l.reason
            )?;
        }
        for e in &r.excluded {
            writeln!(out, "  not suggested: {e}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let r = catalog.lenders(id, &args.requester)?;
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
    /// Count `manifestation`s (each edition and format) or `work`s (a
    /// library holds a work when it holds any edition).
    #[arg(long, default_value = "manifestation")]
    level: String,
}

pub fn overlap(args: OverlapArgs) -> anyhow::Result<ExitCode> {
    let catalog = open(&args.config)?;
    let level = unicat_catalog::Group::parse(&args.level).with_context(|| {
        format!(
            "--level must be manifestation or work, not {:?}",
            args.level
        )
    })?;
    let r = catalog.overlap_at(level)?;
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
        "Collection overlap over {} {}\n",
        r.clusters,
        if level == unicat_catalog::Group::Work {
            "works (any edition)"
        } else {
            "titles (clusters)"
        }
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
