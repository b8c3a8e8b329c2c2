//! Real peers the tests talk to: the OAI-PMH provider (`tests/peers/
//! oai_server.py`, on PyPI's oaipmh 4.0) and a tiny static HTTP server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn python() -> String {
    std::env::var("UNICAT_PYTHON").unwrap_or_else(|_| {
        let venv = root().join(".venv/bin/python");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "python3".into()
        }
    })
}

/// The OAI-PMH provider, killed when dropped.
pub struct OaiServer {
    pub url: String,
    child: Child,
}

impl OaiServer {
    /// Starts the provider on a free port and waits for its LISTENING line.
    pub fn start(dir: &Path, flags: &[&str]) -> OaiServer {
        let mut child = Command::new(python())
            .arg("-u")
            .arg(root().join("tests/peers/oai_server.py"))
            .arg("--dir")
            .arg(dir)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tests/peers/oai_server.py (needs python3 with oaipmh==4.0.0: run scripts/test.sh)");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the OAI-PMH provider did not start within 60 s");
        let url = line
            .trim()
            .strip_prefix("LISTENING ")
            .unwrap_or_else(|| {
                panic!("unexpected first line from the provider: {line:?} (is oaipmh installed?)")
            })
            .to_string();
        OaiServer { url, child }
    }

    /// The server's root, for a URL that is not the OAI endpoint (404).
    pub fn missing_url(&self) -> String {
        self.url.replace("/oai", "/no-such-export.mrc")
    }
}

impl Drop for OaiServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves one file at `/export` with an ETag, answering 304 to a matching
/// If-None-Match; counts requests.
pub struct FileServer {
    pub url: String,
    pub requests: Arc<AtomicU64>,
}

impl FileServer {
    pub fn start(body: Vec<u8>) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/export", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicU64::new(0));
        let counter = requests.clone();
        let etag = format!("\"{}\"", body.len());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 8192];
                let mut req = Vec::new();
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let req = String::from_utf8_lossy(&req).to_lowercase();
                let head = if req.contains(&format!("if-none-match: {}", etag.to_lowercase())) {
                    format!(
                        "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Length: {}\r\nContent-Type: application/marc\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                };
                let _ = stream.write_all(head.as_bytes());
                if head.starts_with("HTTP/1.1 200") {
                    let _ = stream.write_all(&body);
                }
            }
        });
        FileServer { url, requests }
    }
}
