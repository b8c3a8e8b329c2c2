//! `unicat harvest`: harvest the network, print a report per library.

use anyhow::Context;
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use unicat_harvest::{HarvestOptions, LibraryReport, LogObserver, NetworkReport, Observer};

#[derive(Args)]
pub struct HarvestArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
    /// Harvest only this library (repeatable).
    #[arg(long = "library", value_name = "ID")]
    pub libraries: Vec<String>,
    /// Ignore checkpoints: re-read every library in full, removing records
    /// it no longer exports.
    #[arg(long)]
    pub full: bool,
}

/// Progress bars, one per library, on a terminal.
struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn bar(&self, library: &str) -> ProgressBar {
        let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        bars.entry(library.to_string())
            .or_insert_with(|| {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{prefix:>12.bold} {spinner} {msg}")
                        .expect("static template"),
                );
                bar.set_prefix(library.to_string());
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            })
            .clone()
    }
}

impl Observer for Bars {
    fn started(&self, library: &str, total_bytes: Option<u64>) {
        let bar = self.bar(library);
        if let Some(total) = total_bytes {
            bar.set_length(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12.bold} [{bar:30}] {bytes}/{total_bytes} {msg}",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
        }
        bar.set_message("starting");
    }
    fn progress(&self, library: &str, records: u64, bytes: u64) {
        let bar = self.bar(library);
        bar.set_position(bytes);
        bar.set_message(format!("{records} records"));
    }
    fn note(&self, library: &str, message: &str) {
        self.bar(library).set_message(message.to_string());
    }
    fn finished(&self, report: &LibraryReport) {
        let bar = self.bar(&report.library);
        bar.finish_with_message(format!(
            "{} ({} records, {} bad, {} with warnings)",
            report.outcome, report.read, report.problems_total, report.warned
        ));
    }
}

pub fn observer() -> Arc<dyn Observer> {
    if std::io::stderr().is_terminal() {
        Arc::new(Bars {
            multi: MultiProgress::new(),
            bars: Mutex::new(HashMap::new()),
        })
    } else {
        Arc::new(LogObserver)
    }
}

pub fn print_report(report: &NetworkReport, index_dir: &std::path::Path) {
    println!(
        "{:<14} {:<10} {:>9} {:>8} {:>8} {:>8} {:>6} {:>7} {:>9} {:>8} {:>9}",
        "library",
        "outcome",
        "read",
        "added",
        "updated",
        "deleted",
        "bad",
        "warned",
        "held",
        "time",
        "rec/s"
    );
    for l in &report.libraries {
        let outcome = match &l.outcome {
            unicat_harvest::Outcome::Harvested if l.incremental => "updated",
            unicat_harvest::Outcome::Harvested => "harvested",
            unicat_harvest::Outcome::Unchanged => "unchanged",
            unicat_harvest::Outcome::Failed(_) => "FAILED",
        };
        println!(
            "{:<14} {:<10} {:>9} {:>8} {:>8} {:>8} {:>6} {:>7} {:>9} {:>7.1}s {:>9.0}",
            l.library,
            outcome,
            l.read,
            l.changes.added.len(),
            l.changes.updated.len(),
            l.changes.deleted.len(),
            l.problems_total,
            l.warned,
            l.changes.total,
            l.elapsed.as_secs_f64(),
            l.rate()
        );
    }
    for l in &report.libraries {
        if let unicat_harvest::Outcome::Failed(why) = &l.outcome {
            println!(
                "\n{}: could not be harvested: {why}\n  (its previous records are kept)",
                l.library
            );
        }
        for note in &l.notes {
            println!("\n{}: {note}", l.library);
        }
        for line in l.ignored_lines() {
            println!("\n{}: {line}", l.library);
        }
        if l.holdings_read > 0 {
            println!(
                "\n{}: {} holdings record(s), {} attached to their bibliographic record",
                l.library, l.holdings_read, l.holdings_attached
            );
        }
        if !l.orphans.is_empty() {
            println!(
                "\n{}: {} holdings record(s) whose bibliographic record was not exported (kept; see the report){}:",
                l.library,
                l.orphans.len(),
                if l.orphans.len() > 10 {
                    ", the first ones"
                } else {
                    ""
                }
            );
            for o in l.orphans.iter().take(10) {
                println!("  {o}");
            }
        }
        if !l.changes.duplicates.is_empty() {
            println!(
                "\n{}: {} record id(s) repeated in the export, the last record of each kept (see the report)",
                l.library,
                l.changes.duplicates.len()
            );
        }
        if !l.problems.is_empty() {
            println!(
                "\n{}: {} bad record(s) skipped{}:",
                l.library,
                l.problems_total,
                if l.problems_total as usize > l.problems.len() {
                    ", the first ones"
                } else {
                    ""
                }
            );
            for p in &l.problems {
                println!("  {p}");
            }
        }
        if !l.warnings.is_empty() {
            println!(
                "\n{}: {} record(s) read with warnings (kept, with a repair){}:",
                l.library,
                l.warned,
                if l.warnings_total as usize > l.warnings.len() {
                    ", the first warnings"
                } else {
                    ""
                }
            );
            for w in &l.warnings {
                println!("  {w}");
            }
        }
    }
    println!(
        "\n{} records from {} libraries in {:.1}s; full reports in {}",
        report.records(),
        report.libraries.len(),
        report.elapsed.as_secs_f64(),
        index_dir.join("reports").display()
    );
}

pub fn print_publish(published: Option<&unicat_harvest::PublishReport>) {
    match published {
        None => println!("nothing changed: clusters and index left as they were"),
        Some(p) => {
            if p.upgraded > 0 {
                println!(
                    "upgraded {} records written by an earlier version of Unicat, from the MARC the store kept",
                    p.upgraded
                );
            }
            for f in &p.upgrade_failures {
                println!("could not upgrade {f}: the next harvest of its library replaces it");
            }
            if p.rules_changed {
                println!(
                    "the matching rules changed since the clusters were made: every record is placed again, cluster ids kept where clusters persist"
                );
            }
            println!(
                "clustered {} records ({} placed again{}): {} clusters changed, {} removed, {} in all, in {:.1}s",
                p.clusters.records,
                p.clusters.placed,
                if p.clusters.full {
                    ", full rebuild"
                } else {
                    ""
                },
                p.clusters.upserted.len(),
                p.clusters.removed.len(),
                p.clusters.total,
                p.cluster_time.as_secs_f64()
            );
            println!(
                "indexed {} cluster documents in {:.1}s",
                p.documents,
                p.index_time.as_secs_f64()
            );
            for l in &p.removed_libraries {
                println!("library {l} is no longer in the network: its records were removed");
            }
        }
    }
}

pub fn run(args: HarvestArgs) -> anyhow::Result<ExitCode> {
    let network = Arc::new(unicat_config::Network::load(&args.config)?);
    // A collection that is missing or of another version is found before
    // anything is harvested.
    if let unicat_config::IndexBackend::Solr(s) = &network.index {
        unicat_solr::SolrIndex::new(s).check()?;
    }
    let (store, store_replaced) = unicat_store::Store::open_or_replace(&network.index_dir)?;
    let mut args = args;
    if store_replaced {
        eprintln!(
            "unicat: the record store in {} was written by another version of Unicat; it was replaced and every library is harvested in full",
            network.index_dir.display()
        );
        args.libraries.clear();
        args.full = true;
    }
    let store = Arc::new(store);
    let (index, replaced) = unicat_index::CatalogIndex::open_or_replace(&network.index_dir)?;
    if replaced {
        eprintln!(
            "unicat: the search index in {} was built by another version of Unicat; rebuilding it from the record store",
            network.index_dir.display()
        );
    }
    let index = Arc::new(index);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = HarvestOptions {
        libraries: args.libraries,
        full: args.full,
    };
    let (report, published) = runtime.block_on(unicat_harvest::harvest_and_publish(
        network.clone(),
        store,
        index,
        options,
        observer(),
    ))?;
    print_report(&report, &network.index_dir);
    print_publish(published.as_ref());
    if report.any_failed() {
        let failed: Vec<_> = report
            .libraries
            .iter()
            .filter(|l| l.is_failure())
            .map(|l| l.library.as_str())
            .collect();
        eprintln!(
            "unicat: harvest incomplete: {} could not be harvested",
            failed.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
