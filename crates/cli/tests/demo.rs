//! `unicat demo` starts, harvests the bundled demo network, serves it, and
//! answers "who holds this?" for the ISBN its examples name.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    // Chunked bodies: keep what is between the chunk sizes.
    let body = if text.to_lowercase().contains("transfer-encoding: chunked") {
        let mut out = String::new();
        let mut rest = body.as_str();
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&tail[..n.min(tail.len())]);
            rest = tail.get(n + 2..).unwrap_or("");
        }
        out
    } else {
        body
    };
    (status, body)
}

#[test]
fn the_demo_serves_who_holds_this() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let examples = std::fs::read_to_string(root.join("fixtures/demo/examples.txt"))
        .expect("fixtures/demo/examples.txt");
    let holdings_path = examples
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(_, p)| p.trim().to_string()))
        .find(|p| p.starts_with("/api/holdings?isbn="))
        .expect("an example who-holds lookup by ISBN");
    let index = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_unicat"))
        .current_dir(&root)
        .args(["demo", "--addr", "127.0.0.1:0", "--index-dir"])
        .arg(index.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
    let mut addr = None;
    let mut seen = Vec::new();
    while started.elapsed() < Duration::from_secs(180) {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) else {
            continue;
        };
        if let Some(url) = line.strip_prefix("Serving at http://") {
            addr = Some(url.trim_end_matches('/').to_string());
            break;
        }
        seen.push(line);
    }
    let Some(addr) = addr else {
        let _ = child.kill();
        panic!("the demo did not start serving:\n{}", seen.join("\n"));
    };
    assert!(seen.iter().any(|l| l.contains("harvested")), "{seen:?}");
    let (status, body) = http_get(&addr, &holdings_path);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{v}");
    assert!(
        clusters[0]["holdings"].as_array().unwrap().len() >= 4,
        "{v}"
    );
}
