//! `unicat`: the command-line tool. It owns argument parsing, progress
//! display and wiring; every piece of work is done by the library crates.

mod check;
mod demo;
mod export;
mod harvest;
mod ill;
mod marc;
mod ops;
mod read;
mod serve;
mod solr;

// mimalloc: parsing allocates a string per subfield; the system allocator
// costs about 10 % of harvest time (measured with `bench marc`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks for
/// them (`madvise`) on its arenas, and a harvest frees and reuses memory at
/// such a rate that the kernel spends its time zeroing 2 MiB pages it has
/// just handed out: with them off, a harvest of the split10 benchmark uses
/// half the system time (3.3 → 1.5 s) and 8 % less wall time, at a lower
/// peak RSS (BENCHMARKS.md). The same as `MIMALLOC_ALLOW_THP=0`, without
/// asking every user to set it. Failure (an old kernel) changes nothing
/// but speed, so it is ignored.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Unicat: one catalog for a network of libraries.
#[derive(Parser)]
#[command(name = "unicat", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Harvests every library of the network (or those named) into the
    /// record store, incrementally where the source allows.
    Harvest(harvest::HarvestArgs),
    /// Serves the JSON API, SRU and the patron pages.
    Serve(serve::ServeArgs),
    /// Searches every library at once (the same search as /api/search).
    Search(read::SearchArgs),
    /// Who holds this? By ISBN, ISSN, OCLC number, LCCN or cluster id.
    Holdings(read::HoldingsArgs),
    /// Every cluster as one JSON line: id, title, members.
    Clusters(read::ClustersArgs),
    /// Every work (editions, formats, volumes and translations of one
    /// title), one JSON line each: id, title, clusters, members.
    Works(read::ClustersArgs),
    /// Ranked interlibrary-loan lenders for a cluster and a requesting library.
    Lenders(ill::LendersArgs),
    /// Checks a list of ISBNs, ISSNs, OCLC numbers or LCCNs against the
    /// network: who holds each, last copies, works (CSV or JSON).
    Check(check::CheckArgs),
    /// Exports a cluster, a work, a search's results or a list check's
    /// hits as MARCXML, MARC-in-JSON, ISO 2709, CSV, RIS or BibTeX.
    Export(export::ExportArgs),
    /// Collection overlap: unique and shared titles per library, and a library × library matrix.
    Overlap(ill::OverlapArgs),
    /// Harvests the bundled demo network into indexes/demo and serves it.
    Demo(demo::DemoArgs),
    /// MARC tools.
    #[command(subcommand)]
    Marc(marc::MarcCommand),
    /// Copies the record store and index, consistently, while the
    /// catalogue serves and a harvest may run.
    Backup(ops::BackupArgs),
    /// Puts a backup back (stop `unicat serve` first).
    Restore(ops::RestoreArgs),
    /// Network configuration tools.
    #[command(subcommand)]
    Config(ops::ConfigCommand),
    /// SolrCloud tools (for `[index] backend = "solr"`).
    #[command(subcommand)]
    Solr(solr::SolrCommand),
    /// Rebuilds the index (and the SolrCloud collection) from the record
    /// store, without harvesting.
    Reindex(solr::ConfigArgs),
}

/// Log lines to standard error; `RUST_LOG` chooses what (default: warnings,
/// and harvest progress when standard error is not a terminal);
/// `UNICAT_LOG_FORMAT=json` writes one JSON object per line (for journald,
/// Loki, Elasticsearch…) instead of text.
fn init_logging() {
    use std::io::IsTerminal;
    let default = if std::io::stderr().is_terminal() {
        "warn"
    } else {
        "warn,unicat_harvest=info"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let json = std::env::var("UNICAT_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if json {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_current_span(true)
            .try_init();
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Harvest(args) => harvest::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Search(args) => read::search(args),
        Command::Holdings(args) => read::holdings(args),
        Command::Clusters(args) => read::clusters(args),
        Command::Works(args) => read::works(args),
        Command::Lenders(args) => ill::lenders(args),
        Command::Overlap(args) => ill::overlap(args),
        Command::Check(args) => check::run(args),
        Command::Export(args) => export::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Marc(cmd) => marc::run(cmd),
        Command::Backup(args) => ops::backup(args),
        Command::Restore(args) => ops::restore(args),
        Command::Config(cmd) => ops::config(cmd),
        Command::Solr(cmd) => solr::run(cmd),
        Command::Reindex(args) => solr::reindex(args),
    };
    match result {
        Ok(code) => code,
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            // `unicat clusters | head`: the reader has what it wanted.
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("unicat: {e:#}");
            ExitCode::FAILURE
        }
    }
}
