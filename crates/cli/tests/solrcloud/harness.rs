//! Starting a SolrCloud (`scripts/solrcloud.sh`), the demo network's
//! configurations for it, `unicat serve` processes and HTTP requests.
#![allow(dead_code)] // each test binary uses its part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn unicat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(args)
        .env_remove("UNICAT_LOG_FORMAT")
        .output()
        .expect("run unicat")
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn java_available() -> bool {
    let found = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("SolrCloud tests skipped: no java on the PATH (.ci/run installs it)");
    }
    found
}

/// A running cluster; stopped when dropped (and its JVMs end with this
/// process in any case: `SOLRCLOUD_OWNER_PID`).
pub struct SolrCloud {
    pub dir: tempfile::TempDir,
    pub urls: Vec<String>,
}

fn script(args: &[&str]) -> Output {
    Command::new(root().join("scripts/solrcloud.sh"))
        .args(args)
        .env("SOLRCLOUD_OWNER_PID", std::process::id().to_string())
        .output()
        .expect("run scripts/solrcloud.sh")
}

impl SolrCloud {
    /// Starts ZooKeeper and two nodes; None (after saying why) when Java
    /// is not installed.
    pub fn start() -> Option<SolrCloud> {
        if !java_available() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = script(&["start", dir.path().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "scripts/solrcloud.sh start failed:\n{}",
            text(&out)
        );
        let urls = std::fs::read_to_string(dir.path().join("urls"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert_eq!(urls.len(), 2, "{urls:?}");
        Some(SolrCloud { dir, urls })
    }

    /// kill -9 of node `n` (1-based).
    pub fn kill_node(&self, n: usize) {
        let out = script(&[
            "node-stop",
            self.dir.path().to_str().unwrap(),
            &n.to_string(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }

    /// Starts node `n` again; returns once its replicas are active.
    pub fn start_node(&self, n: usize) {
        let out = script(&[
            "node-start",
            self.dir.path().to_str().unwrap(),
            &n.to_string(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }
}

impl Drop for SolrCloud {
    fn drop(&mut self) {
        let _ = script(&["stop", self.dir.path().to_str().unwrap()]);
    }
}

/// The `[index]` table for these nodes.
fn index_table(urls: &[String], collection: &str, shards: u32, replicas: u32) -> String {
    let nodes: Vec<String> = urls.iter().map(|u| format!("{u:?}")).collect();
    format!(
        "[index]\nbackend = \"solr\"\nsolr = [{}]\ncollection = \"{collection}\"\nshards = {shards}\nreplicas = {replicas}\n\n",
        nodes.join(", ")
    )
}

/// The demo network's configuration with its index in `dir`, twice: with
/// the collection as its index, and (same store and local index) without.
pub fn demo_configs(
    dir: &Path,
    cloud: &SolrCloud,
    collection: &str,
    shards: u32,
    replicas: u32,
) -> (PathBuf, PathBuf) {
    network_configs("fixtures/demo", dir, cloud, collection, shards, replicas)
}

/// A network's configuration (`network` relative to the repository) with
/// its index in `dir`, with and without the collection.
pub fn network_configs(
    network: &str,
    dir: &Path,
    cloud: &SolrCloud,
    collection: &str,
    shards: u32,
    replicas: u32,
) -> (PathBuf, PathBuf) {
    let from = root().join(network);
    let text = std::fs::read_to_string(from.join("network.toml")).unwrap();
    let index = dir.join(format!("{collection}-index"));
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("index_dir = ") {
                format!("index_dir = {:?}", index.display().to_string())
            } else if let Some(rest) = l.strip_prefix("path = \"") {
                format!("path = \"{}/{rest}", from.display())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let solr = dir.join(format!("{collection}-solr.toml"));
    let at = text.find("[[library]]").unwrap();
    std::fs::write(
        &solr,
        format!(
            "{}{}{}",
            &text[..at],
            index_table(&cloud.urls, collection, shards, replicas),
            &text[at..]
        ),
    )
    .unwrap();
    let tantivy = dir.join(format!("{collection}-tantivy.toml"));
    std::fs::write(&tantivy, &text).unwrap();
    (solr, tantivy)
}

/// A one-library configuration whose index is a collection on `urls`.
pub fn config_with_nodes(dir: &Path, urls: &[String], collection: &str) -> PathBuf {
    let path = dir.join("nodes.toml");
    let marc = root().join("fixtures/data/evergreen/map_data.mrc");
    std::fs::write(
        &path,
        format!(
            "index_dir = \"index\"\n{}[[library]]\nid = \"one\"\nname = \"One\"\n[library.source]\nkind = \"file\"\npath = {:?}\n",
            index_table(urls, collection, 1, 1),
            marc.display().to_string()
        ),
    )
    .unwrap();
    path
}

/// A `unicat serve` process on a free port; killed when dropped.
pub struct Serve {
    child: Child,
    pub url: String,
}

impl Serve {
    pub fn start(config: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_unicat"))
            .args(["serve", "--addr", "127.0.0.1:0", "--config"])
            .arg(config)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) else {
                continue;
            };
            if let Some(at) = line.find("http://") {
                let url = line[at..].trim_end_matches('/').to_string();
                return Serve { child, url };
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("unicat serve did not start with {}", config.display());
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET; the status and the JSON body (a string value when not JSON).
pub fn get(base: &str, path: &str) -> (u16, serde_json::Value) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let (status, body) = match agent.get(&format!("{base}{path}")).call() {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => panic!("GET {base}{path}: {e}"),
    };
    let v = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    (status, v)
}

/// Percent-encodes a query-string value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
