//! `unicat solr init` and `unicat reindex`: the SolrCloud collection's
//! set-up, and rebuilding the index from the record store.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use unicat_config::{IndexBackend, Network, SolrSettings};
use unicat_solr::{InitOutcome, SolrIndex};

#[derive(Subcommand)]
pub enum SolrCommand {
    /// Uploads Unicat's configset and creates the collection named in
    /// `[index]` (idempotent; refuses a collection of another version).
    Init(ConfigArgs),
}

#[derive(Args)]
pub struct ConfigArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
}

/// The network's Solr settings, or an error saying how to get some.
pub fn settings(network: &Network) -> anyhow::Result<&SolrSettings> {
    match &network.index {
        IndexBackend::Solr(s) => Ok(s),
        IndexBackend::Tantivy => bail!(
            "{} keeps its index in tantivy; set [index] backend = \"solr\" and solr = [\"http://host:8983/solr\"] to use SolrCloud",
            network.config_path.display()
        ),
    }
}

pub fn run(cmd: SolrCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SolrCommand::Init(args) => {
            let network = Network::load(&args.config)?;
            let settings = settings(&network)?;
            let solr = SolrIndex::new(settings);
            match solr.init()? {
                InitOutcome::Created { configset } => println!(
                    "created the Solr collection {:?} ({} shard(s) × {} replica(s), configset {configset}); fill it with `unicat harvest` or `unicat reindex`",
                    settings.collection, settings.shards, settings.replicas
                ),
                InitOutcome::Exists => println!(
                    "the Solr collection {:?} exists with this version's schema ({}); nothing to do",
                    settings.collection,
                    unicat_solr::SCHEMA_NAME
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `unicat reindex`: the index (and the collection) rebuilt from the store.
pub fn reindex(args: ConfigArgs) -> anyhow::Result<ExitCode> {
    let network = Network::load(&args.config)?;
    if let IndexBackend::Solr(s) = &network.index {
        SolrIndex::new(s).check()?;
    }
    let store = unicat_store::Store::open(&network.index_dir).with_context(|| {
        format!(
            "cannot open the record store in {}",
            network.index_dir.display()
        )
    })?;
    let (index, _) = unicat_index::CatalogIndex::open_or_replace(&network.index_dir)?;
    let report = unicat_harvest::reindex(&network, &store, &index)?;
    println!(
        "reindexed {} clusters from the record store in {:.1} s{}",
        report.documents,
        report.elapsed.as_secs_f64(),
        match &network.index {
            IndexBackend::Solr(s) =>
                format!(" (Solr collection {:?} and the local index)", s.collection),
            IndexBackend::Tantivy => String::new(),
        }
    );
    Ok(ExitCode::SUCCESS)
}
