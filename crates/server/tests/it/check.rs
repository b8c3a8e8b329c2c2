//! List checking on the demo network: answers recounted from every
//! cluster document, CSV read by Python's csv, long lists past the API's
//! ordinary body limit, CSV input by column, bad lines and bad requests.

use crate::{demo, python};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::collections::{BTreeSet, HashMap};
use tower::ServiceExt;
use unicat_server::AppState;

fn demo_app() -> Router {
    unicat_server::router(AppState::new(demo().catalog.clone()))
}

async fn post(uri: &str, content_type: &str, body: String) -> (StatusCode, String, Vec<u8>) {
    let res = demo_app()
        .oneshot(
            Request::post(uri)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        ct,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

/// ISBN → libraries holding a cluster with it, from every document.
fn recount() -> HashMap<String, BTreeSet<String>> {
    let mut by_isbn: HashMap<String, BTreeSet<String>> = HashMap::new();
    demo()
        .catalog
        .index()
        .unwrap()
        .for_each(|d| {
            for i in &d.isbns {
                by_isbn
                    .entry(i.clone())
                    .or_default()
                    .extend(d.holdings.iter().map(|h| h.library.clone()));
            }
        })
        .unwrap();
    by_isbn
}

/// ISBN-10 of an ISBN-13 beginning 978 (to give the list other forms).
fn isbn10(isbn13: &str) -> String {
    let body = &isbn13[3..12];
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (10 - i as u32))
        .sum();
    let check = (11 - sum % 11) % 11;
    format!(
        "{body}{}",
        if check == 10 {
            "X".to_string()
        } else {
            check.to_string()
        }
    )
}

#[tokio::test]
async fn a_list_check_answers_as_a_recount_of_the_clusters_says() {
    let truth = recount();
    let mut held: Vec<(&String, &BTreeSet<String>)> = truth.iter().collect();
    held.sort();
    let mut list = Vec::new();
    let mut want = Vec::new();
    for (i, (isbn, libs)) in held.iter().take(300).enumerate() {
        // Every other held ISBN written as ISBN-10 with hyphens.
        let line = if i % 2 == 0 && isbn.starts_with("978") {
            let t = isbn10(isbn);
            format!("{}-{}", &t[..3], &t[3..])
        } else {
            isbn.to_string()
        };
        list.push(line);
        want.push(("held", libs.len(), libs.len() == 1));
    }
    list.push("9780000000002".into()); // valid, not held
    want.push(("not_held", 0, false));
    list.push("not an isbn".into());
    want.push(("invalid", 0, false));
    let (status, ct, body) = post("/api/check", "text/plain", list.join("\n")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), want.len());
    for (l, (status, n, last)) in lines.iter().zip(&want) {
        assert_eq!(l["status"], *status, "{l}");
        assert_eq!(l["holding_libraries"], *n, "{l}");
        assert_eq!(l["last_copy"], *last, "{l}");
        if *status == "held" {
            let libs: BTreeSet<String> = l["libraries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            assert_eq!(&libs, truth.get(l["identifier"].as_str().unwrap()).unwrap());
            assert!(l["work_libraries"].as_u64().unwrap() >= *n as u64);
        }
    }
    let last_copies = want.iter().filter(|w| w.2).count() as u64;
    assert_eq!(v["summary"]["held"], 300);
    assert_eq!(v["summary"]["not_held"], 1);
    assert_eq!(v["summary"]["invalid"], 1);
    assert_eq!(v["summary"]["last_copies"], last_copies);
    assert!(last_copies > 0 && last_copies < 300, "{last_copies}");
}

#[tokio::test]
async fn a_long_list_in_csv_by_column_is_answered_as_csv() {
    let truth = recount();
    let isbns: Vec<&String> = truth.keys().collect();
    // 20,000 lines: past the 64 KiB other routes accept.
    let mut body = String::from("title,ISBN,price\n");
    for i in 0..20_000 {
        body.push_str(&format!(
            "\"Title {i}, with \"\"quotes\"\"\",{},12.50\n",
            isbns[i % isbns.len()]
        ));
    }
    assert!(body.len() > 64 * 1024);
    let (status, ct, out) = post("/api/check?column=isbn&format=csv", "text/csv", body).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    std::fs::write(&file, &out).unwrap();
    let summary = std::process::Command::new(python())
        .arg("-c")
        .arg(
            r#"
import sys, csv, collections
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
print(len(rows), collections.Counter(r["status"] for r in rows)["held"], rows[0]["line"], rows[-1]["line"])
"#,
        )
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        summary.status.success(),
        "{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    assert_eq!(
        String::from_utf8(summary.stdout).unwrap().trim(),
        "20000 20000 2 20001"
    );
}

#[tokio::test]
async fn a_missing_column_and_a_bad_type_say_so() {
    let (status, _, body) = post(
        "/api/check?column=isbn",
        "text/csv",
        "title,issn\nx,y\n".into(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the answer had started");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "bad_parameter");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no column"),
        "{v}"
    );
    let (status, _, body) = post("/api/check?type=upc", "text/plain", "1\n".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "bad_parameter");
}

#[tokio::test]
async fn the_check_page_takes_a_pasted_list() {
    let truth = recount();
    let isbn = truth.keys().next().unwrap().clone();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("list", &format!("{isbn}\nrubbish\n"))
        .finish();
    let (status, ct, body) = post("/check", "application/x-www-form-urlencoded", form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("2 lines checked"), "{html}");
    assert!(html.contains("1 held"), "{html}");
    assert!(html.contains("Not an identifier"));
    assert!(html.contains("id=\"download-csv\""));
}
