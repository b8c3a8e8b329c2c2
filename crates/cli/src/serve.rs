//! `unicat serve` (and the serving half of `unicat demo`): the HTTP service,
//! with admin harvests run in the background by this process.

use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use unicat_catalog::Catalog;
use unicat_config::Network;
use unicat_index::CatalogIndex;
use unicat_server::admin::StartError;
use unicat_server::{AppState, HarvestStatus, HarvestTrigger};
use unicat_store::Store;

#[derive(Args)]
pub struct ServeArgs {
    /// The network configuration.
    #[arg(long, short)]
    pub config: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

/// Runs admin-requested harvests in the background, one at a time.
pub struct BackgroundHarvester {
    network: Arc<Network>,
    store: Arc<Store>,
    index: Arc<CatalogIndex>,
    runtime: tokio::runtime::Handle,
    status: Arc<Mutex<HarvestStatus>>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl HarvestTrigger for BackgroundHarvester {
    fn start(&self, library: Option<String>) -> Result<(), StartError> {
        {
            let mut s = self.status.lock().unwrap_or_else(|e| e.into_inner());
            if s.running {
                return Err(StartError::Busy);
            }
            *s = HarvestStatus {
                running: true,
                libraries: library.iter().cloned().collect(),
                started: Some(now()),
                finished: s.finished,
                outcome: Vec::new(),
                error: None,
            };
        }
        let (network, store, index, status) = (
            self.network.clone(),
            self.store.clone(),
            self.index.clone(),
            self.status.clone(),
        );
        let options = unicat_harvest::HarvestOptions {
            libraries: library.into_iter().collect(),
            full: false,
        };
        self.runtime.spawn(async move {
            let result = unicat_harvest::harvest_and_publish(
                network,
                store,
                index,
                options,
                Arc::new(unicat_harvest::LogObserver),
            )
            .await;
            let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
            s.running = false;
            s.finished = Some(now());
            match result {
                Ok((report, _)) => {
                    s.outcome = report
                        .libraries
                        .iter()
                        .map(|l| (l.library.clone(), l.outcome.to_string()))
                        .collect();
                }
                Err(e) => s.error = Some(e.to_string()),
            }
        });
        Ok(())
    }

    fn status(&self) -> HarvestStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Opens the network's catalog and serves it until Ctrl-C or SIGTERM.
pub async fn serve_network(
    network: Arc<Network>,
    addr: SocketAddr,
    banner: impl FnOnce(&str, &Catalog),
) -> anyhow::Result<()> {
    if let unicat_config::IndexBackend::Solr(settings) = &network.index {
        // Stateless: the collection is everything this node serves; harvests
        // run where the store is (`unicat harvest`), not from here.
        let solr = unicat_solr::SolrIndex::new(settings);
        solr.check()?;
        let catalog = Arc::new(Catalog::over(
            network.clone(),
            None,
            unicat_catalog::Engine::Solr(Arc::new(solr)),
        ));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let url = format!("http://{}/", listener.local_addr()?);
        banner(&url, &catalog);
        unicat_server::serve_on(listener, AppState::new(catalog)).await?;
        return Ok(());
    }
    let store = Arc::new(Store::open_with_cache(
        &network.index_dir,
        unicat_store::SERVING_CACHE_BYTES,
    )?);
    let index = Arc::new(CatalogIndex::open(&network.index_dir)?);
    let catalog = Arc::new(Catalog::with(network.clone(), store.clone(), index.clone()));
    let mut state = AppState::new(catalog.clone());
    if state.admin_token.is_some() {
        state.harvester = Some(Arc::new(BackgroundHarvester {
            network,
            store,
            index,
            runtime: tokio::runtime::Handle::current(),
            status: Arc::new(Mutex::new(HarvestStatus::default())),
        }));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let url = format!("http://{}/", listener.local_addr()?);
    banner(&url, &catalog);
    unicat_server::serve_on(listener, state).await?;
    Ok(())
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let network = Arc::new(Network::load(&args.config)?);
    let runtime = unicat_server::runtime()?;
    runtime.block_on(serve_network(network, args.addr, |url, catalog| {
        println!(
            "Unicat serving {} clusters from {} libraries at {url}",
            catalog.cluster_count(),
            catalog.network.libraries.len()
        );
    }))?;
    Ok(ExitCode::SUCCESS)
}
