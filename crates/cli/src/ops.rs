//! Operations: `unicat backup`, `unicat restore` and `unicat config check`.

use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct BackupArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
    /// The backup folder to create (it must not exist).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// How long to wait for a running harvest's clustering and indexing to
    /// finish before giving up.
    #[arg(long, default_value_t = 3600)]
    pub wait_secs: u64,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
    /// A folder made by `unicat backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Validates the file, then tries every source without harvesting it:
    /// reachable, format detected, first record readable.
    Check(CheckArgs),
}

#[derive(Args)]
pub struct CheckArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let network = unicat_config::Network::load(&args.config)?;
    let started = std::time::Instant::now();
    let report = unicat_harvest::backup(&network, &args.to, Duration::from_secs(args.wait_secs))
        .context("backup failed")?;
    println!(
        "backup of {} in {}: {} store entries in {} tables, {} documents ({} index bytes), generation {}, {:.1} s",
        network.index_dir.display(),
        report.path.display(),
        report.store_entries,
        report.store_tables,
        report.documents,
        report.index_bytes,
        report.generation,
        started.elapsed().as_secs_f64()
    );
    if report.unpublished {
        println!(
            "note: a harvest had stored records it had not clustered yet; the restored catalogue clusters them at its next harvest"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let network = unicat_config::Network::load(&args.config)?;
    let report = unicat_harvest::restore(&network, &args.from).context("restore failed")?;
    println!(
        "restored {} into {}: {} clusters, {} documents; restart `unicat serve`",
        args.from.display(),
        network.index_dir.display(),
        report.clusters,
        report.documents
    );
    Ok(ExitCode::SUCCESS)
}

pub fn config(cmd: ConfigCommand) -> anyhow::Result<ExitCode> {
    let ConfigCommand::Check(args) = cmd;
    let network = Arc::new(unicat_config::Network::load(&args.config)?);
    println!(
        "{}: valid, {} libraries; index_dir {}",
        args.config.display(),
        network.libraries.len(),
        network.index_dir.display()
    );
    let mut index_bad = false;
    // The index: a SolrCloud collection answers, with this version's schema.
    if let unicat_config::IndexBackend::Solr(s) = &network.index {
        match unicat_solr::SolrIndex::new(s).check() {
            Ok(()) => println!(
                "ok      index: Solr collection {:?} ({})",
                s.collection,
                unicat_solr::SCHEMA_NAME
            ),
            Err(e) => {
                index_bad = true;
                println!("FAILED  index: {e}");
            }
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let probes = runtime.block_on(unicat_harvest::probe(network))?;
    let mut bad = 0;
    for p in &probes {
        match &p.outcome {
            Ok(what) => println!("ok      {}: {}: {what}", p.library, p.source),
            Err(why) => {
                bad += 1;
                println!("FAILED  {}: {}: {why}", p.library, p.source);
            }
        }
    }
    if bad > 0 {
        eprintln!(
            "unicat: {bad} of {} sources cannot be harvested",
            probes.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    if index_bad {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
