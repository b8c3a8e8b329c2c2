//! `demogen`: generates the bundled demo network (see `unicat_benches::demo`).

use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use unicat_benches::demo::{self, Config, SEED};

/// Generates the demo network `unicat demo` serves: eight libraries of one
/// consortium, each exporting real records (from fixtures/data/) the way its
/// ILS does. The same seed gives byte-identical output.
///
/// Writes network.toml, README.md, NOTICE.md, examples.md and
/// libraries/<id>/<export> into --out.
#[derive(Parser, Debug)]
#[command(name = "demogen", version)]
struct Args {
    /// Folder to write the network into (created if needed).
    #[arg(long, value_name = "DIR", default_value = "fixtures/demo")]
    out: PathBuf,
    /// Seed of every random choice.
    #[arg(long, value_name = "S", default_value_t = SEED)]
    seed: u64,
    /// The real records to build from (the repository's fixtures/data/).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut config = Config::new(args.out, args.seed);
    if let Some(data) = args.data {
        config.data = data;
    }
    let started = Instant::now();
    let summary = demo::generate(&config)?;
    let bytes: u64 = summary.files.iter().map(|f| f.1).sum();
    for (path, size) in &summary.files {
        println!("{:>10}  {path}", size);
    }
    println!(
        "{} manifestations in {} library records, {:.1} MB, in {:.2}s",
        summary.manifestations,
        summary.records,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    for s in &summary.substitutions {
        println!(
            "note: MARC-8 cannot carry U+{:04X} ({}) in record {} {}: written as &#x{:04X};",
            u32::from(s.character),
            s.character,
            s.record,
            s.field,
            u32::from(s.character)
        );
    }
    println!("wrote {}", config.out.display());
    Ok(())
}
