//! The command line at the work level, on a copy of the demo network:
//! `unicat search --group work`, `unicat lenders --work` and
//! `unicat overlap --level work` answer as the API does.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn unicat(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "unicat {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "unicat {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn searches_lenders_and_overlap_by_work_on_the_command_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    // At the same depth as in the checkout: the demo's index_dir is
    // `../../indexes/demo`, inside the temporary folder.
    let demo = dir.path().join("fixtures/demo");
    copy_dir(&root.join("fixtures/demo"), &demo);
    let config = demo.join("network.toml");
    let config = config.to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(["harvest", "--config", config])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let each = unicat(&["search", "--config", config, "hobbit", "--json"]);
    let grouped = unicat(&[
        "search", "--config", config, "hobbit", "--group", "work", "--json",
    ]);
    assert_eq!(each["group"], "manifestation");
    assert_eq!(grouped["group"], "work");
    assert_eq!(grouped["clusters"], each["total"]);
    assert!(grouped["total"].as_u64() < each["total"].as_u64());
    let work = grouped["works"][0]["id"].as_str().unwrap();

    let lenders = unicat(&[
        "lenders",
        "--config",
        config,
        "--work",
        work,
        "--requester",
        "rideau",
        "--formats",
        "print",
        "--json",
    ]);
    assert_eq!(lenders["work"], work);
    assert!(!lenders["lenders"].as_array().unwrap().is_empty());
    for l in lenders["lenders"].as_array().unwrap() {
        let e = l["edition"].as_str().unwrap();
        assert!(e.starts_with("Book") || e.starts_with("Large print"), "{e}");
    }

    let editions = unicat(&["overlap", "--config", config, "--json"]);
    let works = unicat(&["overlap", "--config", config, "--json", "--level", "work"]);
    assert_eq!(works["level"], "work");
    assert!(works["clusters"].as_u64() < editions["clusters"].as_u64());

    // `unicat works | head -1`: the reader closes the pipe early, and that
    // is not a failure.
    let mut child = Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(["works", "--config", config])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.starts_with("{\"id\""), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
