//! A real SRU client: `yaz-client` (Debian package `yaz`) searches the
//! served fixture over SRU 1.2 and 2.0, its hit counts are compared with the
//! JSON API's, and the MARCXML records are read back with pymarc.
//!
//! The server runs on 127.0.0.1:0 in a runtime of its own; every child
//! process is killed after 60 s, so a hang cannot block CI.

use crate::fixture;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);
const ISBN: &str = "9780131103627";

/// The service on a free loopback port, for as long as it lives.
struct Served {
    addr: SocketAddr,
    _rt: tokio::runtime::Runtime,
}

fn serve() -> Served {
    let state = unicat_server::AppState::new(fixture().catalog.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Bound before serving starts: clients may connect at once.
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(unicat_server::serve_on(listener, state));
    Served { addr, _rt: rt }
}

/// Runs a command with `stdin` fed in, killed after [`LIMIT`].
fn run_bounded(mut cmd: Command, stdin: &str) -> Output {
    let program = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e} (scripts/test.sh installs yaz and pymarc)")
        });
    let pid = child.id();
    let mut input = child.stdin.take().expect("piped stdin");
    let stdin = stdin.to_string();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(output) => {
            let _ = writer.join();
            output.unwrap()
        }
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{program} did not finish within {LIMIT:?}; killed");
        }
    }
}

/// A plain HTTP/1.1 GET; returns status and body.
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("headers end");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "expected a sized body"
    );
    (status, body.to_string())
}

fn api_total(addr: SocketAddr, query_string: &str) -> u64 {
    let (status, body) = http_get(addr, &format!("/api/search?{query_string}&per_page=1"));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["total"].as_u64().unwrap()
}

/// Runs yaz-client with these commands; returns what it printed.
fn yaz_client(commands: &[String]) -> String {
    let mut script = commands.join("\n");
    script.push_str("\nquit\n");
    let out = run_bounded(Command::new("yaz-client"), &script);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "yaz-client failed: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The "Number of hits: N" yaz-client printed for each response, split
/// into the answers to `find` and those to `show` (which searches again and
/// prints `pos=…` before the record).
fn hits(output: &str) -> (Vec<u64>, Vec<u64>) {
    let (mut find, mut show) = (Vec::new(), Vec::new());
    for block in output.split("Received SRW SearchRetrieve Response").skip(1) {
        let n: u64 = block
            .lines()
            .find_map(|l| l.trim().strip_prefix("Number of hits:"))
            .map(|n| n.trim().parse().expect("a hit count"))
            .unwrap_or_else(|| panic!("a response without a hit count:\n{block}"));
        if block.lines().any(|l| l.starts_with("pos=")) {
            show.push(n);
        } else {
            find.push(n);
        }
    }
    (find, show)
}

pub(crate) fn python() -> String {
    std::env::var("UNICAT_PYTHON").unwrap_or_else(|_| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "python3".into()
        }
    })
}

/// Reads MARCXML with pymarc (strictly in the MARC namespace, so the SRU
/// envelope around the records is skipped); one line per record:
/// `001 <tab> number of 852s <tab> 852 $a values`.
fn pymarc_read(file: &Path) -> Vec<(String, usize, Vec<String>)> {
    const SCRIPT: &str = r#"
import sys, pymarc
records = pymarc.parse_xml_to_array(sys.argv[1], strict=True)
for r in records:
    f001 = r.get("001")
    holdings = r.get_fields("852")
    libs = ",".join(f.get_subfields("a")[0] for f in holdings)
    title = r.get("245")
    assert title is not None and title.get_subfields("a"), "no 245 $a"
    print("%s\t%d\t%s" % (f001.data if f001 else "", len(holdings), libs))
"#;
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(SCRIPT).arg(file);
    let out = run_bounded(cmd, "");
    assert!(
        out.status.success(),
        "pymarc could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut p = l.split('\t');
            let id = p.next().unwrap().to_string();
            let n = p.next().unwrap().parse().unwrap();
            let libs = p
                .next()
                .unwrap_or("")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            (id, n, libs)
        })
        .collect()
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn temp_file(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn yaz_client_searches_over_sru_1_2_and_2_0() {
    let served = serve();
    let addr = served.addr;
    let url = format!("http://{addr}/sru");
    let searches = [
        (format!("bath.isbn={ISBN}"), format!("q=isbn:{ISBN}")),
        (
            "dc.title=programming".to_string(),
            "q=title:programming".to_string(),
        ),
        (
            "bath.possessingInstitution=lib03".to_string(),
            "q=&library=lib03".to_string(),
        ),
    ];
    let expected: Vec<u64> = searches.iter().map(|(_, q)| api_total(addr, q)).collect();
    assert_eq!(expected[0], 1, "one cluster carries the ISBN");
    assert!(expected[1] > 0 && expected[2] > 0, "{expected:?}");

    let dir = tempfile::tempdir().unwrap();
    for version in ["1.2", "2.0"] {
        let dump = dir.path().join(format!("yaz-{version}.xml"));
        let mut commands = vec![
            format!("sru get {version}"),
            format!("open {url}"),
            format!("set_marcdump {}", dump.display()),
        ];
        for (cql, _) in &searches {
            commands.push(format!("find {cql}"));
            commands.push("show 1".into());
        }
        let output = yaz_client(&commands);
        let (found, shown) = hits(&output);
        eprintln!("yaz-client (SRU {version}) hit counts: {found:?}");
        assert_eq!(
            found, expected,
            "SRU {version}: yaz-client printed\n{output}"
        );
        assert_eq!(shown, expected, "SRU {version}: show searched again");
        assert!(
            output.contains("9780131103627") || output.contains("programming language"),
            "yaz-client showed the record:\n{output}"
        );

        // What yaz-client received and dumped reads as MARCXML in pymarc.
        let dumped = std::fs::read_to_string(&dump).unwrap_or_default();
        assert!(
            dumped.contains("<record"),
            "yaz-client dumped no record:\n{output}"
        );
        let wrapped = temp_file(
            dir.path(),
            &format!("dump-{version}.xml"),
            &format!(
                "<collection xmlns=\"http://www.loc.gov/MARC21/slim\">{}</collection>",
                strip_declarations(&dumped)
            ),
        );
        let read = pymarc_read(&wrapped);
        assert_eq!(read.len(), searches.len(), "one record per show: {read:?}");
        assert_eq!(read[0].1, 6, "the ISBN's record carries 6 852s: {read:?}");
    }

    // The same search fetched raw, as a client would, reads in pymarc: every
    // record has a cluster id and one 852 per holding library.
    for (version, path) in [
        (
            "1.2",
            format!(
                "/sru?version=1.2&operation=searchRetrieve&recordSchema=marcxml&maximumRecords=20&query={}",
                enc("bath.possessingInstitution=lib03")
            ),
        ),
        (
            "2.0",
            format!(
                "/sru?recordSchema=info:srw/schema/1/marcxml-v1.1&maximumRecords=20&query={}",
                enc(&format!("bath.isbn={ISBN}"))
            ),
        ),
    ] {
        let (status, body) = http_get(addr, &path);
        assert_eq!(status, 200);
        let file = temp_file(dir.path(), &format!("raw-{version}.xml"), &body);
        let read = pymarc_read(&file);
        assert!(!read.is_empty(), "{body}");
        for (id, n, libs) in &read {
            assert_eq!(id.len(), 10, "cluster id in 001: {id}");
            assert_eq!(*n, libs.len());
            assert!(*n >= 1);
            if version == "1.2" {
                assert!(libs.iter().any(|l| l == "lib03"), "{libs:?}");
            }
        }
        if version == "2.0" {
            assert_eq!(read.len(), 1);
            assert_eq!(read[0].1, 6);
        }
    }
}

/// yaz-client's dump file may hold XML declarations between records.
fn strip_declarations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<?xml") {
        out.push_str(&rest[..i]);
        match rest[i..].find("?>") {
            Some(j) => rest = &rest[i + j + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
