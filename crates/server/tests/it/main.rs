//! The service against a small real index built from `fixtures/labelled`
//! (857 records from 6 libraries), called with `tower::ServiceExt::oneshot`.

mod api;
mod browser;
mod check;
mod export;
mod oai;
mod pages;
mod search_box;
mod sru;
mod yaz;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;
use unicat_catalog::Catalog;
use unicat_server::AppState;

/// The labelled network, harvested once per test binary into a temporary
/// index.
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub catalog: Arc<Catalog>,
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    // Built on a thread of its own: tests run inside a tokio runtime, and
    // the harvester needs one of its own.
    F.get_or_init(|| {
        std::thread::spawn(build)
            .join()
            .expect("the fixture builds")
    })
}

/// The demo network (`fixtures/demo`, eight libraries of real records),
/// harvested once per test binary.
pub fn demo() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        std::thread::spawn(|| build_from("../../fixtures/demo/network.toml"))
            .join()
            .expect("the demo builds")
    })
}

fn build() -> Fixture {
    build_from("../../fixtures/labelled/network.toml")
}

fn build_from(network_toml: &str) -> Fixture {
    {
        let dir = tempfile::tempdir().unwrap();
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join(network_toml);
        let mut network = unicat_config::Network::load(&config).unwrap();
        network.index_dir = dir.path().to_path_buf();
        let network = Arc::new(network);
        let store = Arc::new(unicat_store::Store::open(&network.index_dir).unwrap());
        let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir).unwrap());
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (report, published) = rt
            .block_on(unicat_harvest::harvest_and_publish(
                network.clone(),
                store.clone(),
                index.clone(),
                Default::default(),
                Arc::new(unicat_harvest::LogObserver),
            ))
            .unwrap();
        assert!(!report.any_failed());
        assert!(published.unwrap().documents > 300);
        Fixture {
            catalog: Arc::new(Catalog::with(network, store, index)),
            _dir: dir,
        }
    }
}

pub(crate) use yaz::python;

pub fn app() -> Router {
    unicat_server::router(AppState::new(fixture().catalog.clone()))
}

/// GETs a path; returns status, content type and body.
pub async fn get(router: Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let res = router
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, ctype, body)
}

/// GETs a JSON path.
pub async fn get_json(uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, ctype, body) = get(app(), uri).await;
    assert!(
        ctype.starts_with("application/json"),
        "{uri}: content type {ctype}"
    );
    (
        status,
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{uri}: {e}")),
    )
}
