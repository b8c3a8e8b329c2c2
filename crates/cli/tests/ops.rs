//! The operator's commands through the binary: `unicat config check` on
//! good and bad sources, `unicat backup` and `unicat restore` with the
//! catalogue answering as before, and JSON logs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn unicat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(args)
        .env_remove("UNICAT_LOG_FORMAT")
        .output()
        .expect("run unicat")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn library(id: &str, source: &str) -> String {
    format!("[[library]]\nid = \"{id}\"\nname = \"{id}\"\n[library.source]\n{source}\n")
}

fn write_config(dir: &Path, libraries: &[String]) -> PathBuf {
    let path = dir.join("network.toml");
    let text = format!(
        "index_dir = \"index\"\n[harvest]\nretries = 3\nread_timeout_secs = 1\nconnect_timeout_secs = 1\n\n{}",
        libraries.concat()
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_check_tries_every_source_without_harvesting() {
    let work = tempfile::tempdir().unwrap();
    let good = root().join("fixtures/data/evergreen/map_data.mrc");
    let not_marc = work.path().join("hours.txt");
    std::fs::write(&not_marc, "Open Monday to Friday, 9 to 5.\n").unwrap();
    // A port nobody listens on, and a server that accepts and never answers.
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_url = format!("http://{}/export.mrc", refused.local_addr().unwrap());
    drop(refused);
    let stalled = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stalled_url = format!("http://{}/export.mrc", stalled.local_addr().unwrap());
    let config = write_config(
        work.path(),
        &[
            library(
                "good",
                &format!("kind = \"file\"\npath = \"{}\"", good.display()),
            ),
            library(
                "notmarc",
                &format!("kind = \"file\"\npath = \"{}\"", not_marc.display()),
            ),
            library(
                "refused",
                &format!("kind = \"http\"\nurl = \"{refused_url}\""),
            ),
            library(
                "stalled",
                &format!("kind = \"http\"\nurl = \"{stalled_url}\""),
            ),
        ],
    );
    let started = std::time::Instant::now();
    let out = unicat(&["config", "check", "--config", config.to_str().unwrap()]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "no retries, the timeouts apply"
    );
    let line = |id: &str| {
        all.lines()
            .find(|l| l.contains(&format!(" {id}: ")))
            .unwrap_or_else(|| panic!("no line for {id} in {all}"))
            .to_string()
    };
    let good_line = line("good");
    assert!(good_line.starts_with("ok"), "{good_line}");
    assert!(good_line.contains("iso2709"), "{good_line}");
    assert!(line("notmarc").starts_with("FAILED") && line("notmarc").contains("not MARC"));
    assert!(line("refused").starts_with("FAILED") && line("refused").contains("reach"));
    assert!(line("stalled").starts_with("FAILED"), "{}", line("stalled"));
    assert!(all.contains("3 of 4 sources cannot be harvested"), "{all}");
    // Nothing was harvested.
    assert!(!work.path().join("index/store.redb").exists());

    // A missing export is a configuration error that names it.
    let config = write_config(
        work.path(),
        &[library(
            "missing",
            &format!(
                "kind = \"file\"\npath = \"{}\"",
                work.path().join("gone.mrc").display()
            ),
        )],
    );
    let out = unicat(&["config", "check", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("library \"missing\"") && text(&out).contains("gone.mrc"),
        "{}",
        text(&out)
    );

    // A good network passes; a bad file is named.
    let config = write_config(
        work.path(),
        &[library(
            "good",
            &format!("kind = \"file\"\npath = \"{}\"", good.display()),
        )],
    );
    let out = unicat(&["config", "check", "--config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(&config, "index_dir = 3\n").unwrap();
    let out = unicat(&["config", "check", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("network.toml"), "{}", text(&out));
}

#[test]
fn backup_and_restore_through_the_command_line() {
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("export.mrc");
    std::fs::copy(root().join("fixtures/data/evergreen/jazz_1k.mrc"), &export).unwrap();
    let config = write_config(
        work.path(),
        &[library(
            "jazz",
            &format!("kind = \"file\"\npath = \"{}\"", export.display()),
        )],
    );
    let config = config.to_str().unwrap();
    assert!(unicat(&["harvest", "--config", config]).status.success());
    let search = || {
        let out = unicat(&["search", "--config", config, "jazz", "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        out.stdout
    };
    let clusters = || unicat(&["clusters", "--config", config]).stdout;
    let before = (search(), clusters());
    assert!(before.0.len() > 100);
    let to = work.path().join("backups/monday");
    let out = unicat(&["backup", "--config", config, "--to", to.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(to.join("backup.json").exists());

    std::fs::copy(root().join("fixtures/data/evergreen/map_data.mrc"), &export).unwrap();
    assert!(unicat(&["harvest", "--config", config]).status.success());
    assert_ne!(clusters(), before.1);

    let out = unicat(&[
        "restore",
        "--config",
        config,
        "--from",
        to.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!((search(), clusters()), before);

    let out = unicat(&[
        "restore",
        "--config",
        config,
        "--from",
        "/nonexistent/backup",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not a Unicat backup"), "{}", text(&out));
}

#[test]
fn logs_are_json_lines_when_asked() {
    let work = tempfile::tempdir().unwrap();
    let export = root().join("fixtures/data/evergreen/map_data.mrc");
    let config = write_config(
        work.path(),
        &[library(
            "maps",
            &format!("kind = \"file\"\npath = \"{}\"", export.display()),
        )],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_unicat"))
        .args(["harvest", "--config", config.to_str().unwrap()])
        .env("UNICAT_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "some log lines");
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
}

/// `deploy/verify.sh`: `systemd-analyze verify` on the unit files, which
/// must not say a word; the script skips, saying so, without systemd.
#[test]
fn the_systemd_units_verify() {
    let out = Command::new("bash")
        .arg(root().join("deploy/verify.sh"))
        .output()
        .expect("bash");
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("unit files verified") || said.contains("skipped"),
        "{said}"
    );
}
