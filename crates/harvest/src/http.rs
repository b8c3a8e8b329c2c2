//! HTTP: one client for the whole harvest (rustls, gzip, connect and read
//! timeouts), and requests retried with exponential backoff and jitter,
//! honouring `Retry-After`.

use crate::HarvestError;
use crate::observer::Observer;
use reqwest::StatusCode;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};
use tokio::runtime::Handle;
use unicat_config::HarvestSettings;

/// The longest wait a `Retry-After` header may impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// The longest backoff between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Builds the harvest's HTTP client.
pub(crate) fn client(settings: &HarvestSettings) -> Result<reqwest::Client, HarvestError> {
    // reqwest is built without a default crypto provider (ring builds much
    // faster than aws-lc); install ring once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.read_timeout)
        .user_agent(concat!(
            "Unicat/",
            env!("CARGO_PKG_VERSION"),
            " (union catalog harvester)"
        ))
        .build()
        .map_err(|e| HarvestError::Client(e.to_string()))
}

/// What a request got back.
pub(crate) struct Fetched {
    pub body: Vec<u8>,
}

/// A failed attempt: what happened, how long the server asked us to wait,
/// and whether trying again may help.
type Failure = (String, Option<Duration>, bool);

/// Makes requests for one library, retrying, and counting them.
pub(crate) struct Fetcher<'a> {
    pub client: &'a reqwest::Client,
    pub settings: &'a HarvestSettings,
    pub handle: &'a Handle,
    pub observer: &'a dyn Observer,
    pub library: &'a str,
    pub requests: u64,
    rng: u64,
}

fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let d = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => httpdate::parse_http_date(v)
            .ok()?
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    };
    Some(d.min(MAX_RETRY_AFTER))
}

impl<'a> Fetcher<'a> {
    pub(crate) fn new(
        client: &'a reqwest::Client,
        settings: &'a HarvestSettings,
        handle: &'a Handle,
        observer: &'a dyn Observer,
        library: &'a str,
    ) -> Fetcher<'a> {
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(7)
            ^ (library.len() as u64).rotate_left(17);
        Fetcher {
            client,
            settings,
            handle,
            observer,
            library,
            requests: 0,
            rng: seed | 1,
        }
    }

    /// Exponential backoff with ±50 % jitter, so that many harvesters
    /// retrying one server do not return in step.
    fn backoff(&mut self, attempt: u32) -> Duration {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let jitter = 0.5 + (self.rng % 1000) as f64 / 1000.0;
        let base = self.settings.retry_base.as_secs_f64() * 2f64.powi(attempt.min(16) as i32);
        Duration::from_secs_f64((base * jitter).min(MAX_BACKOFF.as_secs_f64()))
    }

    /// GETs a URL and reads the whole body, retrying failures that may pass
    /// (timeouts, refused connections, 5xx, 429) and giving up on the rest
    /// (404, 401…). A 304 is a success with an empty body.
    pub(crate) fn get(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Fetched, HarvestError> {
        let mut attempt = 0u32;
        loop {
            self.requests += 1;
            let mut request = self.client.get(url);
            for (k, v) in headers {
                request = request.header(*k, v);
            }
            let result: Result<Fetched, Failure> = self.handle.block_on(async {
                match request.send().await {
                    Err(e) => Err((describe(&e), None, true)),
                    Ok(resp) => {
                        let status = resp.status();
                        let resp_headers = resp.headers().clone();
                        if status.is_success() || status == StatusCode::NOT_MODIFIED {
                            match resp.bytes().await {
                                Ok(body) => Ok(Fetched {
                                    body: body.to_vec(),
                                }),
                                Err(e) => Err((describe(&e), None, true)),
                            }
                        } else {
                            let wait = retry_after(&resp_headers);
                            Err((format!("HTTP {status}"), wait, retryable(status)))
                        }
                    }
                }
            });
            match result {
                Ok(f) => return Ok(f),
                Err((reason, wait, may_retry)) => {
                    if !may_retry || attempt >= self.settings.retries {
                        let tries = attempt + 1;
                        return Err(HarvestError::Http {
                            url: url.to_string(),
                            reason: if may_retry {
                                format!("{reason} (gave up after {tries} attempts)")
                            } else {
                                reason
                            },
                        });
                    }
                    let delay = wait.unwrap_or_else(|| self.backoff(attempt));
                    self.observer.note(
                        self.library,
                        &format!("{url}: {reason}; retrying in {:.1}s", delay.as_secs_f64()),
                    );
                    std::thread::sleep(delay);
                    attempt += 1;
                }
            }
        }
    }

    /// Downloads a URL to a file (streaming, so memory stays flat), with
    /// the same retries; returns the status and headers (304 leaves the file
    /// empty).
    pub(crate) fn download(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
        to: &Path,
        progress: &dyn Fn(u64),
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, u64), HarvestError> {
        let mut attempt = 0u32;
        loop {
            self.requests += 1;
            let mut request = self.client.get(url);
            for (k, v) in headers {
                request = request.header(*k, v);
            }
            let result: Result<(StatusCode, reqwest::header::HeaderMap, u64), Failure> =
                self.handle.block_on(async {
                    let mut resp = request
                        .send()
                        .await
                        .map_err(|e| (describe(&e), None, true))?;
                    let status = resp.status();
                    let resp_headers = resp.headers().clone();
                    if status == StatusCode::NOT_MODIFIED {
                        return Ok((status, resp_headers, 0));
                    }
                    if !status.is_success() {
                        let wait = retry_after(&resp_headers);
                        return Err((format!("HTTP {status}"), wait, retryable(status)));
                    }
                    let mut file = std::fs::File::create(to).map_err(|e| {
                        (format!("cannot write {}: {e}", to.display()), None, false)
                    })?;
                    let mut written = 0u64;
                    while let Some(chunk) =
                        resp.chunk().await.map_err(|e| (describe(&e), None, true))?
                    {
                        file.write_all(&chunk).map_err(|e| {
                            (format!("cannot write {}: {e}", to.display()), None, false)
                        })?;
                        written += chunk.len() as u64;
                        progress(written);
                    }
                    file.flush().map_err(|e| (e.to_string(), None, false))?;
                    Ok((status, resp_headers, written))
                });
            match result {
                Ok(r) => return Ok(r),
                Err((reason, wait, may_retry)) => {
                    if !may_retry || attempt >= self.settings.retries {
                        return Err(HarvestError::Http {
                            url: url.to_string(),
                            reason: if may_retry {
                                format!("{reason} (gave up after {} attempts)", attempt + 1)
                            } else {
                                reason
                            },
                        });
                    }
                    let delay = wait.unwrap_or_else(|| self.backoff(attempt));
                    self.observer.note(
                        self.library,
                        &format!("{url}: {reason}; retrying in {:.1}s", delay.as_secs_f64()),
                    );
                    std::thread::sleep(delay);
                    attempt += 1;
                }
            }
        }
    }
}

/// A reqwest error in words a sysadmin can act on.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
        let mut detail = String::new();
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        format!("cannot connect ({detail})")
    } else {
        let mut msg = e.to_string();
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        msg
    }
}
