//! The patron pages in a real headless Chromium, driven through chromedriver
//! by fantoccini: type a search, submit it, open a result, read the
//! holdings table; then the same pages at a phone's width.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test.sh`
//! installs them); `UNICAT_CHROMIUM` and `UNICAT_CHROMEDRIVER` name other
//! binaries. Without them the tests fail and say so: they never skip.
//!
//! [`Browser`] is reusable: it starts the server on a free port, chromedriver
//! and a fresh Chromium profile, and [`Browser::screenshot`] saves a page as
//! PNG. The ignored test `screenshots` makes the README's pictures:
//! `cargo test -p unicat-server --test it screenshots -- --ignored`.

use crate::fixture;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::error::Error;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use unicat_server::AppState;

type Res<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// How long any one wait for the page may take.
const WAIT: Duration = Duration::from_secs(15);
/// How long a whole browser test may take.
const OVERALL: Duration = Duration::from_secs(120);

/// Fails (with a reason) unless a condition holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+).into());
        }
    };
}

/// A binary from the environment variable, else the first of `names` on
/// the PATH; a clear failure when there is none.
fn binary(var: &str, names: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "the browser tests need {} on the PATH (Debian packages chromium and chromium-driver); \
         run scripts/test.sh, which installs them, or set {var}",
        names.join(" or ")
    );
}

/// chromedriver, in a process group of its own so that it and the
/// Chromium it starts are ended together.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let exe = binary("UNICAT_CHROMEDRIVER", &["chromedriver"]);
        let mut cmd = Command::new(&exe);
        cmd.arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "{} does not start ({e}); run scripts/test.sh",
                exe.display()
            )
        });
        // It prints "ChromeDriver was started successfully on port N." when
        // it listens; read its output on a thread so that a silent driver
        // cannot hang the test, and keep draining it afterwards.
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(rest) = line.split("successfully on port ").nth(1) {
                        let port = rest.trim_end_matches('.').trim().parse::<u16>().ok();
                        let _ = tx.send(port);
                        sent = true;
                    }
                }
            }
        });
        let mut driver = Driver { child, port: 0 };
        match rx.recv_timeout(WAIT) {
            Ok(Some(port)) => driver.port = port,
            other => panic!("chromedriver did not say which port it listens on: {other:?}"),
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The whole group: chromedriver and any Chromium left behind.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server on a free loopback port, a chromedriver and a headless
/// Chromium session with a fresh profile.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    server: tokio::task::JoinHandle<()>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts everything on `catalog`, the window `width`×`height` CSS pixels. A
    /// `phone` emulates a touch screen of that size (a desktop window is
    /// never narrower than 500 pixels).
    pub async fn start(
        catalog: std::sync::Arc<unicat_catalog::Catalog>,
        width: u32,
        height: u32,
        phone: bool,
    ) -> Res<Browser> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr: SocketAddr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            if let Err(e) = unicat_server::serve_on(listener, AppState::new(catalog)).await {
                eprintln!("the server stopped: {e}");
            }
        });
        let chromium = binary("UNICAT_CHROMIUM", &["chromium", "chromium-browser"]);
        let driver = Driver::start();
        let profile = tempfile::tempdir()?;
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--hide-scrollbars".into(),
            "--force-device-scale-factor=1".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads)?;
        let mut options = serde_json::json!({
            "binary": chromium,
            "args": args,
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        });
        if phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2, "touch": true }
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        // Both rustls providers are compiled in (ring for the harvester,
        // aws-lc through fantoccini): choose one before any TLS config.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .map_err(|e| format!("no Chromium session through chromedriver: {e}"))?;
        Ok(Browser {
            client,
            base: format!("http://{addr}"),
            server,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Where the browser saves downloads.
    pub fn downloads(&self) -> PathBuf {
        self._profile.path().join("downloads")
    }

    /// An absolute URL on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens a path and waits for its main landmark.
    pub async fn open(&self, path: &str) -> Res {
        self.client.goto(&self.url(path)).await?;
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("main#main"))
            .await?;
        Ok(())
    }

    /// Opens a path and saves it as a PNG, `width` CSS pixels wide and as
    /// tall as the page (up to `max_height`).
    pub async fn screenshot(&self, path: &str, width: u32, max_height: u32, out: &Path) -> Res {
        self.client.set_window_size(width, 800).await?;
        self.open(path).await?;
        let height = self
            .client
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight)",
                vec![],
            )
            .await?
            .as_u64()
            .unwrap_or(800) as u32;
        self.client
            .set_window_size(width, height.clamp(400, max_height))
            .await?;
        let png = self.client.screenshot().await?;
        ensure!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "the screenshot is not a PNG"
        );
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, png)?;
        Ok(())
    }

    /// Ends the session (Chromium exits), the server and chromedriver.
    pub async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.clone().close()).await;
        self.server.abort();
    }
}

/// Runs browser steps within the overall time limit, always closing the
/// session; fails with the steps' reason.
async fn run<F>(width: u32, height: u32, phone: bool, steps: F)
where
    F: AsyncFnOnce(&Browser) -> Res,
{
    run_on(fixture().catalog.clone(), width, height, phone, steps).await
}

/// [`run`] on another catalog.
async fn run_on<F>(
    catalog: std::sync::Arc<unicat_catalog::Catalog>,
    width: u32,
    height: u32,
    phone: bool,
    steps: F,
) where
    F: AsyncFnOnce(&Browser) -> Res,
{
    let started = Instant::now();
    let browser = tokio::time::timeout(OVERALL, Browser::start(catalog, width, height, phone))
        .await
        .expect("the browser starts in time")
        .unwrap_or_else(|e| panic!("{e}"));
    let outcome = tokio::time::timeout(OVERALL, steps(&browser)).await;
    browser.close().await;
    match outcome {
        Ok(Ok(())) => eprintln!("browser test took {:.1?}", started.elapsed()),
        Ok(Err(e)) => panic!("{e}"),
        Err(_) => panic!("the browser test took longer than {OVERALL:?}"),
    }
}

/// Text of every element matching a selector.
async fn texts(c: &Client, css: &str) -> Res<Vec<String>> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await? {
        out.push(e.text().await?);
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_title_is_suggested_and_found() {
    run_on(
        crate::demo().catalog.clone(),
        1280,
        900,
        false,
        async |b: &Browser| {
            let c = &b.client;
            b.open("/").await?;
            c.find(Locator::Id("q"))
                .await?
                .send_keys("programing perl")
                .await?;
            c.find(Locator::Css("form.search-form button[type=submit]"))
                .await?
                .click()
                .await?;
            let link = c
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css("#suggestion a"))
                .await?;
            let said = c.find(Locator::Id("suggestion")).await?.text().await?;
            ensure!(
                said == "Did you mean programming perl?",
                "the suggestion says {said:?}"
            );
            let href = link.attr("href").await?.unwrap_or_default();
            ensure!(
                href.starts_with("/?q=programming+perl"),
                "the suggestion links to {href:?}"
            );
            let corrected = c.current_url().await?.join(&href)?;
            link.click().await?;
            if let Err(e) = c.wait().at_most(WAIT).for_url(&corrected).await {
                let at = c.current_url().await?;
                return Err(format!("the suggestion led to {at}, not {corrected}: {e}").into());
            }
            ensure!(
                c.find_all(Locator::Id("suggestion")).await?.is_empty(),
                "the corrected search still suggests something"
            );
            let first = c
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css("ol.result-list li.result h3 a"))
                .await?;
            let title = first.text().await?;
            ensure!(title == "Programming Perl", "the first result is {title:?}");
            first.click().await?;
            let h1 = c
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css("h1#title"))
                .await?
                .text()
                .await?;
            ensure!(
                h1.starts_with("Programming Perl"),
                "the item page is {h1:?}"
            );
            let rows = texts(c, "table.holdings tbody tr").await?;
            ensure!(!rows.is_empty(), "the item page shows no holdings");
            Ok(())
        },
    )
    .await;
}

/// Search `hobbit`, see one result for the novel with its formats, open
/// the work's page, read every edition's holdings, and ask for lenders of
/// any print edition.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_work_groups_its_editions_and_lends_any_of_them() {
    run_on(
        crate::demo().catalog.clone(),
        1280,
        900,
        false,
        async |b: &Browser| {
            let c = &b.client;
            b.open("/").await?;
            c.find(Locator::Id("q")).await?.send_keys("hobbit").await?;
            c.find(Locator::Css("form.search-form button[type=submit]"))
                .await?
                .click()
                .await?;
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::Css("ol.result-list li.result h3 a"))
                .await?;
            let titles = texts(c, "ol.result-list li.result h3 a").await?;
            let novels = titles
                .iter()
                .filter(|t| t.to_lowercase().starts_with("the hobbit"))
                .count();
            // The novel once (the film apart), not once per edition.
            ensure!(novels <= 2, "the hobbit {novels} times: {titles:?}");
            let formats = texts(c, "ol.result-list li.result p.work-formats").await?;
            let first = formats.first().cloned().unwrap_or_default();
            ensure!(
                first.starts_with("Book (")
                    && first.contains("Audiobook")
                    && first.contains("Large print"),
                "the first result's formats: {first:?}"
            );
            let link = c.find(Locator::Css("a.work-link")).await?;
            let label = link.text().await?;
            ensure!(label.starts_with("All "), "work link {label:?}");
            link.click().await?;
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::Css("li.edition"))
                .await?;
            let kicker = c.find(Locator::Css("p.kicker")).await?.text().await?;
            ensure!(kicker == "All editions and formats", "{kicker:?}");
            let editions = texts(c, "li.edition p.held").await?;
            let n: usize = label
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            ensure!(
                editions.len() == n && editions.iter().all(|h| h.starts_with("Held by")),
                "{n} editions promised, the page shows {editions:?}"
            );
            let sections = texts(c, "section.format-section h2").await?;
            ensure!(
                sections.iter().any(|s| s.starts_with("Large print")),
                "sections {sections:?}"
            );
            // ILL: any print edition, for Rideau Lakes.
            c.find(Locator::Css("#requester option[value=rideau]"))
                .await?
                .click()
                .await?;
            c.find(Locator::Css("#accept option[value=print]"))
                .await?
                .click()
                .await?;
            c.find(Locator::Css("form.ill-form button[type=submit]"))
                .await?
                .click()
                .await?;
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::Css("ol.lenders li"))
                .await?;
            let lines = texts(c, "ol.lenders li p.lender-edition").await?;
            ensure!(!lines.is_empty(), "no lender names its edition");
            ensure!(
                lines.iter().all(
                    |l| l.starts_with("Edition: Book") || l.starts_with("Edition: Large print")
                ),
                "a lender of another format: {lines:?}"
            );
            let url = c.current_url().await?;
            ensure!(
                url.query().unwrap_or("").contains("accept=print"),
                "the form went to {url}"
            );
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_open_a_result_and_read_its_holdings() {
    run(1280, 900, false, async |b: &Browser| {
        let c = &b.client;
        b.open("/").await?;
        ensure!(
            c.title().await? == "Search the catalogue — Unicat",
            "title {:?}",
            c.title().await?
        );
        // The keyboard reaches the skip link first.
        let tab = char::from(Key::Tab);
        c.perform_actions(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: tab })
                .then(KeyAction::Up { value: tab }),
        )
        .await?;
        let focused = c.active_element().await?.text().await?;
        ensure!(
            focused == "Skip to main content",
            "Tab first reaches {focused:?}"
        );

        // Type a search into the labelled box and submit it.
        let q = c.find(Locator::Id("q")).await?;
        q.send_keys("programming").await?;
        c.find(Locator::Css("form.search-form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("ol.result-list li.result h3 a"))
            .await?;
        let url = c.current_url().await?;
        ensure!(
            url.path() == "/" && url.query().unwrap_or("").contains("q=programming"),
            "the form went to {url}"
        );
        let heading = c.find(Locator::Id("results-heading")).await?.text().await?;
        ensure!(
            heading.ends_with("works for “programming”"),
            "heading {heading:?}"
        );
        let held = texts(c, "ol.result-list li.result p.held").await?;
        ensure!(
            held.iter().any(|h| h.starts_with("Held by 6 libraries")),
            "no result held by 6 libraries: {held:?}"
        );

        // Open K&R (the first result held by all six libraries: the first
        // result of all, The Art of Computer Programming, is held by one).
        let title = "The C programming language";
        let results = texts(c, "ol.result-list li.result h3 a").await?;
        ensure!(
            results.iter().any(|t| t == title),
            "{title} is not among {results:?}"
        );
        c.find(Locator::LinkText(title)).await?.click().await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("table.holdings tbody tr"))
            .await?;
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        ensure!(h1 == title, "h1 {h1:?} for result {title:?}");
        ensure!(
            c.current_url().await?.path().starts_with("/clusters/"),
            "not a detail page"
        );
        let libraries = texts(c, "table.holdings tbody tr th[scope=row]").await?;
        ensure!(
            libraries.len() == 6,
            "{} holdings rows: {libraries:?}",
            libraries.len()
        );
        ensure!(
            libraries.iter().any(|l| l == "Cedar County Public Library"),
            "{libraries:?}"
        );
        let caption = c
            .find(Locator::Css("table.holdings caption"))
            .await?
            .text()
            .await?;
        ensure!(
            caption.starts_with("Held by 6 libraries"),
            "caption {caption:?}"
        );
        // The stylesheet applied (the header is the brand colour).
        let bg = c
            .execute(
                "return getComputedStyle(document.querySelector('.site-header')).backgroundColor",
                vec![],
            )
            .await?;
        ensure!(bg == "rgb(11, 79, 138)", "header background {bg}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overlap_page_and_the_ill_block_render() {
    run(1280, 900, false, async |b: &Browser| {
        let c = &b.client;
        b.open("/overlap").await?;
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        ensure!(h1 == "Collection overlap", "h1 {h1:?}");
        // The heat map is drawn: 6 × 6 cells with a real size on screen.
        let cells = c.find_all(Locator::Css("svg.heat-map rect")).await?;
        ensure!(cells.len() == 36, "{} heat-map cells", cells.len());
        let size = c
            .execute(
                "const r = document.querySelector('svg.heat-map').getBoundingClientRect(); \
                 const b = document.querySelector('svg.bars').getBoundingClientRect(); \
                 return [r.width, r.height, b.width, b.height]",
                vec![],
            )
            .await?;
        let px = |i: usize| size[i].as_f64().unwrap_or(0.0);
        ensure!(
            px(0) > 300.0 && px(1) > 300.0 && px(2) > 300.0 && px(3) > 100.0,
            "charts drawn at {size}"
        );
        let bars = c.find_all(Locator::Css("svg.bars rect")).await?;
        ensure!(bars.len() == 6, "{} bars", bars.len());
        // Choosing a slice from the menu narrows the report.
        c.find(Locator::Css("select#slice option[value^='format:']"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("form.overlap-form button"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css(
                "select#slice option[selected][value^='format:']",
            ))
            .await?;
        let lede = c.find(Locator::Css("p.lede")).await?.text().await?;
        ensure!(lede.starts_with("Format: "), "lede {lede:?}");

        // The ILL block: pick a requesting library, get lenders.
        let (_, v) = crate::get_json("/api/holdings?isbn=9780131103627").await;
        let id = v["clusters"][0]["id"].as_str().unwrap_or("").to_string();
        b.open(&format!("/clusters/{id}")).await?;
        c.find(Locator::Css("select#requester option[value='lib03']"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("section#ill button"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("ol.lenders li"))
            .await?;
        let lenders = texts(c, "ol.lenders li .lender-id").await?;
        ensure!(
            !lenders.is_empty() && lenders.iter().all(|l| l != "(lib03)" && l != "(lib05)"),
            "lenders {lenders:?}"
        );
        Ok(())
    })
    .await;
}

/// The page's layout width against the window's: no sideways scrolling.
async fn fits(c: &Client) -> Res<(u64, u64)> {
    let v = c
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth]",
            vec![],
        )
        .await?;
    let w = |i: usize| v[i].as_u64().unwrap_or(0);
    Ok((w(0), w(1)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_screen() {
    run(375, 812, true, async |b: &Browser| {
        let c = &b.client;
        let (_, v) = crate::get_json("/api/holdings?isbn=9780131103627").await;
        let id = v["clusters"][0]["id"].as_str().unwrap_or("").to_string();
        for path in [
            "/".to_string(),
            "/?q=programming".to_string(),
            format!("/clusters/{id}"),
            format!("/clusters/{id}?requester=lib01"),
            "/clusters/zzzzzzzzzz".to_string(),
            "/overlap".to_string(),
        ] {
            b.open(&path).await?;
            let (inner, scroll) = fits(c).await?;
            ensure!(inner <= 400, "the window is {inner}px wide, not a phone's");
            ensure!(
                scroll <= inner,
                "{path} is {scroll}px wide in a {inner}px window"
            );
        }
        Ok(())
    })
    .await;
}

/// Makes `docs/search.png` and `docs/holdings.png` for the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/*.png; run by hand when the pages change"]
async fn screenshots() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    run(1200, 900, false, async |b: &Browser| {
        let (_, v) = crate::get_json("/api/holdings?isbn=9780131103627").await;
        let id = v["clusters"][0]["id"].as_str().unwrap_or("").to_string();
        b.screenshot("/?q=programming", 1200, 1500, &docs.join("search.png"))
            .await?;
        b.screenshot(
            &format!("/clusters/{id}"),
            1200,
            1500,
            &docs.join("holdings.png"),
        )
        .await?;
        b.screenshot("/overlap", 1200, 1500, &docs.join("overlap.png"))
            .await?;
        Ok(())
    })
    .await;
}

/// List checking in the browser: paste 20 ISBNs of the labelled network
/// (some held, some not, one mistyped) on /check, read the answer table,
/// download the CSV and read it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_a_list_on_the_check_page_and_download_the_csv() {
    let catalog = fixture().catalog.clone();
    let mut held: Vec<String> = Vec::new();
    catalog
        .index()
        .unwrap()
        .for_each(|d| {
            if let Some(i) = d.isbns.first()
                && held.len() < 17
                && !held.contains(i)
            {
                held.push(i.clone());
            }
        })
        .expect("the index reads");
    assert_eq!(held.len(), 17);
    let mut list = held.clone();
    list.push("9790000000001".into());
    list.push("9780000000002".into());
    list.push("978-0-12-345678-0".into()); // a wrong check digit
    let pasted = list.join("\n");
    run(1200, 900, false, async move |b: &Browser| {
        let c = &b.client;
        b.open("/check").await?;
        c.find(Locator::Css("#list"))
            .await?
            .send_keys(&pasted)
            .await?;
        c.find(Locator::Css(".check-form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#check-table"))
            .await?;
        let rows = texts(c, "#check-table tbody tr").await?;
        ensure!(rows.len() == 20, "{} rows: {rows:?}", rows.len());
        let summary = c.find(Locator::Css("#check-summary")).await?.text().await?;
        ensure!(summary.starts_with("17 held"), "{summary}");
        ensure!(
            summary.contains("2 not held, 1 not identifiers"),
            "{summary}"
        );
        ensure!(rows[19].contains("Not an identifier"), "{}", rows[19]);
        c.find(Locator::Css("#download-csv")).await?.click().await?;
        // The browser saves the file: wait for it (Chromium writes a
        // .crdownload first and renames it when done).
        let file = b.downloads().join("unicat-check.csv");
        let deadline = Instant::now() + WAIT;
        while !file.exists() {
            ensure!(
                Instant::now() < deadline,
                "no CSV downloaded into {}",
                b.downloads().display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let csv = std::fs::read_to_string(&file)?;
        let lines: Vec<&str> = csv.lines().collect();
        ensure!(lines.len() == 21, "{} lines: {csv}", lines.len());
        ensure!(
            lines[0].starts_with("line,input,type,identifier,status"),
            "{}",
            lines[0]
        );
        let held_rows = lines.iter().filter(|l| l.contains(",held,")).count();
        ensure!(held_rows == 17, "{held_rows} held rows: {csv}");
        Ok(())
    })
    .await;
}
