//! `netgen`: generates a labelled test network (see `unicat_benches::netgen`).

use anyhow::{Context, bail};
use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use unicat_benches::netgen::{self, ClassSelection, Config, SMALL_ORIGINALS};
use unicat_marc::Format;

/// Generates a labelled test network from real MARC records: copies placed
/// in several libraries and re-catalogued in each library's style, siblings
/// that must not be merged, and the truth (`truth.jsonl`) beside them.
///
/// Writes network.toml, libNN/records.{mrc,xml,json}, truth.jsonl and
/// README.md into --out. The same seed and inputs give byte-identical output.
/// truth.jsonl names each record's variant and classes, for scoring per
/// class (`bench quality`).
#[derive(Parser, Debug)]
#[command(name = "netgen", version)]
struct Args {
    /// MARC files to take originals from (ISO 2709, MARCXML, MARC-in-JSON).
    #[arg(long = "input", value_name = "FILE", num_args = 1..)]
    input: Vec<PathBuf>,
    /// Format of the inputs: auto, iso2709, marcxml or marc-json.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    format_in: String,
    /// Folder to write the network into (created if needed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Number of libraries.
    #[arg(long, value_name = "N", default_value_t = 6)]
    libraries: usize,
    /// Seed of every random choice.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Use at most this many originals, drawn evenly over the inputs
    /// (default: all; with --small, 300).
    #[arg(long, value_name = "M")]
    max_records: Option<usize>,
    /// Fewest libraries holding an original.
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_holders: usize,
    /// Most libraries holding an original (skewed: most are held by 1–2).
    #[arg(long, value_name = "N", default_value_t = 6)]
    max_holders: usize,
    /// Share of originals that get siblings (other edition, large print,
    /// audiobook, e-book, other volume; with the classes, online versions
    /// and generic-title groups too, at shares of this rate).
    #[arg(long, value_name = "RATE", default_value_t = 0.15)]
    sibling_rate: f64,
    /// The harder classes of issue 17: `all`, `none` (the network made
    /// before them), or some of brief, typo, date, author, oclc, volume
    /// (copies, at each library's rates), online, generic-title (siblings).
    #[arg(long, value_name = "LIST", default_value = "all")]
    classes: String,
    /// The small test network: originals from the repository's fixtures
    /// (when no --input is given) and --max-records 300.
    #[arg(long)]
    small: bool,
}

fn main() -> anyhow::Result<()> {
    let command_line = std::iter::once("netgen".to_string())
        .chain(std::env::args().skip(1).map(|a| shell_quote(&a)))
        .collect::<Vec<_>>()
        .join(" ");
    let args = Args::parse();
    let format_in = match args.format_in.as_str() {
        "auto" => None,
        name => match Format::from_name(name) {
            Some(f) => Some(f),
            None => bail!("unknown --format-in {name:?} (auto, iso2709, marcxml, marc-json)"),
        },
    };
    let classes = ClassSelection::parse(&args.classes).map_err(anyhow::Error::msg)?;
    let inputs = if args.input.is_empty() && args.small {
        netgen::small_inputs().context("listing the fixtures for --small")?
    } else if args.input.is_empty() {
        bail!("give --input FILE... (or --small)");
    } else {
        args.input
    };
    let config = Config {
        inputs,
        format_in,
        out: args.out,
        libraries: args.libraries,
        seed: args.seed,
        max_records: args.max_records.or(args.small.then_some(SMALL_ORIGINALS)),
        min_holders: args.min_holders,
        max_holders: args.max_holders,
        sibling_rate: args.sibling_rate,
        classes,
        command_line,
    };
    let started = Instant::now();
    let summary = netgen::generate(&config)?;
    let pool = &summary.pool;
    let read: u64 = pool.inputs.iter().map(|i| i.items).sum();
    let errors: u64 = pool.inputs.iter().map(|i| i.errors).sum();
    let skipped: u64 = pool.skipped.values().sum();
    let duplicates: u64 = pool.duplicates.values().sum();
    for example in &pool.examples {
        eprintln!("note: {example}");
    }
    println!(
        "read {read} records from {} files ({errors} unreadable, {skipped} not usable, {duplicates} duplicates)",
        pool.inputs.len()
    );
    println!(
        "{} originals → {} manifestations → {} library records in {} libraries, in {:.2}s",
        pool.selected,
        summary.manifestations,
        summary.records,
        config.libraries,
        started.elapsed().as_secs_f64()
    );
    for (variant, (m, r)) in &summary.by_variant {
        println!(
            "  {:<12} {m:>8} manifestations {r:>9} records",
            variant.name()
        );
    }
    for (class, r) in &summary.by_class {
        println!("  {:<24} {r:>9} records", class.name());
    }
    println!("wrote {}", config.out.display());
    Ok(())
}

/// Quotes an argument for the README's command line when it needs it.
fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}
