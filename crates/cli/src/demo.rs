//! `unicat demo`: harvests the bundled demo network (`fixtures/demo/`) into
//! `indexes/demo` and serves it, printing the address and example searches.

use crate::harvest::{observer, print_publish, print_report};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args)]
pub struct DemoArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The demo network configuration (default: fixtures/demo/network.toml
    /// of this checkout).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Where to build the demo's index (default: the configuration's
    /// index_dir, indexes/demo).
    #[arg(long)]
    index_dir: Option<PathBuf>,
}

fn demo_config(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p);
    }
    let candidates = [
        PathBuf::from("fixtures/demo/network.toml"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo/network.toml"),
    ];
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow::anyhow!("cannot find fixtures/demo/network.toml: run `unicat demo` from the root of the Unicat checkout, or give --config"))
}

/// Example searches, from `examples.txt` beside the demo's configuration:
/// one per line, `description<TAB>path`.
fn examples(config: &std::path::Path) -> Vec<(String, String)> {
    let path = config.with_file_name("examples.txt");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        })
        .collect()
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let config = demo_config(args.config)?;
    let mut network = unicat_config::Network::load(&config)?;
    if let Some(dir) = args.index_dir {
        network.index_dir = dir;
    }
    let network = Arc::new(network);
    println!(
        "Harvesting the demo network ({} libraries) into {} …",
        network.libraries.len(),
        network.index_dir.display()
    );
    let runtime = unicat_server::runtime()?;
    let published = runtime.block_on(async {
        // A store or index left by another version of Unicat is rebuilt.
        let (store, _) = unicat_store::Store::open_or_replace(&network.index_dir)?;
        let store = Arc::new(store);
        let (index, _) = unicat_index::CatalogIndex::open_or_replace(&network.index_dir)?;
        let index = Arc::new(index);
        let (report, published) = unicat_harvest::harvest_and_publish(
            network.clone(),
            store,
            index,
            Default::default(),
            observer(),
        )
        .await?;
        print_report(&report, &network.index_dir);
        anyhow::Ok(published)
    })?;
    print_publish(published.as_ref());
    let examples = examples(&config);
    runtime.block_on(crate::serve::serve_network(
        network.clone(),
        args.addr,
        |url, catalog| {
            println!();
            println!(
                "Unicat demo: {} clusters from {} libraries",
                catalog.cluster_count(),
                catalog.network.libraries.len()
            );
            println!("Serving at {url}");
            if !examples.is_empty() {
                println!("Try:");
                for (what, path) in &examples {
                    println!("  {what}: {}{}", url.trim_end_matches('/'), path);
                }
            }
            println!("Press Ctrl-C to stop.");
            use std::io::Write;
            let _ = std::io::stdout().flush();
        },
    ))?;
    Ok(ExitCode::SUCCESS)
}
