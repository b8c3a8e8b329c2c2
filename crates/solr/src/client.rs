//! HTTP to the nodes of a SolrCloud cluster: any node answers for the
//! collection, so a request that cannot reach one (refused, timed out, a
//! 5xx while a shard elects its leader) is tried on the next, rounds of
//! them with exponential backoff, before it fails.

use crate::SolrError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Rounds over every node before a request fails.
const ROUNDS: u32 = 6;
/// First pause between rounds; it doubles (0.25 + 0.5 + 1 + 2 + 4 s:
/// longer than a leader election on a small cluster).
const FIRST_PAUSE: Duration = Duration::from_millis(250);
/// The longest message of Solr's quoted in an error (never a stack trace).
const MAX_MESSAGE: usize = 300;

/// A client of one SolrCloud cluster.
pub struct Client {
    nodes: Vec<String>,
    agent: ureq::Agent,
    auth: Option<String>,
    next: AtomicUsize,
    rounds: u32,
}

/// A request's body.
pub(crate) enum Body<'a> {
    None,
    Json(&'a [u8]),
    Bytes(&'a [u8]),
}

impl Client {
    /// A client of these nodes (base URLs such as `http://host:8983/solr`),
    /// with basic authentication when `UNICAT_SOLR_USER` and
    /// `UNICAT_SOLR_PASSWORD` are set.
    pub fn new(nodes: &[String]) -> Client {
        let user = std::env::var("UNICAT_SOLR_USER")
            .ok()
            .filter(|u| !u.is_empty());
        let password = std::env::var("UNICAT_SOLR_PASSWORD").unwrap_or_default();
        let auth = user.map(|u| {
            use base64::Engine;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{password}"))
            )
        });
        Client {
            nodes: nodes.to_vec(),
            agent: ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(5))
                .timeout_read(Duration::from_secs(120))
                .timeout_write(Duration::from_secs(120))
                .build(),
            auth,
            next: AtomicUsize::new(0),
            rounds: ROUNDS,
        }
    }

    /// Fails after one round over the nodes (a quick check at start-up).
    pub fn impatient(mut self) -> Client {
        self.rounds = 1;
        self
    }

    /// The nodes' base URLs.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// Sends a request to `path` (after the node's base URL, e.g.
    /// `admin/collections`) with `params`, failing over between nodes, and
    /// returns Solr's JSON answer.
    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
        body: Body<'_>,
    ) -> Result<serde_json::Value, SolrError> {
        let n = self.nodes.len().max(1);
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut last = String::new();
        let mut pause = FIRST_PAUSE;
        for round in 0..self.rounds {
            if round > 0 {
                std::thread::sleep(pause);
                pause *= 2;
            }
            for i in 0..n {
                let node = &self.nodes[(start + i) % n];
                match self.once(node, method, path, params, &body) {
                    Ok(v) => return Ok(v),
                    Err(Attempt::Final(e)) => return Err(e),
                    Err(Attempt::Retry(why)) => {
                        tracing::debug!(node = %node, path, reason = %why, "Solr request failed; trying another node");
                        last = format!("{node}: {why}");
                    }
                }
            }
        }
        Err(SolrError::Unreachable {
            nodes: self.nodes.join(", "),
            reason: last,
        })
    }

    fn once(
        &self,
        node: &str,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
        body: &Body<'_>,
    ) -> Result<serde_json::Value, Attempt> {
        let mut req = self
            .agent
            .request(method, &format!("{node}/{path}"))
            .query("wt", "json");
        for (k, v) in params {
            req = req.query(k, v);
        }
        if let Some(a) = &self.auth {
            req = req.set("Authorization", a);
        }
        let result = match body {
            Body::None => req.call(),
            Body::Json(b) => req.set("Content-Type", "application/json").send_bytes(b),
            Body::Bytes(b) => req
                .set("Content-Type", "application/octet-stream")
                .send_bytes(b),
        };
        match result {
            Ok(resp) => serde_json::from_reader::<_, serde_json::Value>(resp.into_reader())
                .map_err(|e| Attempt::Retry(format!("unreadable answer: {e}"))),
            Err(ureq::Error::Status(status, resp)) => {
                let message = serde_json::from_reader::<_, serde_json::Value>(resp.into_reader())
                    .ok()
                    .as_ref()
                    .and_then(solr_message)
                    .unwrap_or_else(|| format!("HTTP {status}"));
                match status {
                    401 | 403 => Err(Attempt::Final(SolrError::Denied {
                        status,
                        message: format!(
                            "{message} (set UNICAT_SOLR_USER and UNICAT_SOLR_PASSWORD for Solr's basic authentication)"
                        ),
                    })),
                    404 => Err(Attempt::Final(SolrError::NotFound { message })),
                    400..=499 => Err(Attempt::Final(SolrError::Rejected { status, message })),
                    _ => Err(Attempt::Retry(format!("HTTP {status}: {message}"))),
                }
            }
            Err(ureq::Error::Transport(t)) => Err(Attempt::Retry(t.to_string())),
        }
    }
}

enum Attempt {
    Retry(String),
    Final(SolrError),
}

/// Solr's own words from an error answer (`error.msg`), shortened, never
/// its stack trace.
fn solr_message(v: &serde_json::Value) -> Option<String> {
    let msg = v.pointer("/error/msg").and_then(|m| m.as_str())?;
    let first = msg.lines().next().unwrap_or("").trim();
    let mut s: String = first.chars().take(MAX_MESSAGE).collect();
    if first.chars().count() > MAX_MESSAGE {
        s.push('…');
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_message_is_solrs_first_line_without_its_trace() {
        let v = serde_json::json!({"error": {"msg": "undefined field foo\n\tat org.apache.solr...", "trace": "java.lang..."}});
        assert_eq!(solr_message(&v).as_deref(), Some("undefined field foo"));
        let long = "x".repeat(1000);
        let v = serde_json::json!({"error": {"msg": long}});
        assert_eq!(solr_message(&v).unwrap().chars().count(), MAX_MESSAGE + 1);
        assert_eq!(solr_message(&serde_json::json!({"ok": 1})), None);
    }

    #[test]
    fn a_dead_cluster_is_reported_with_its_urls() {
        // A port nothing listens on (bound, then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/solr");
        let c = Client::new(std::slice::from_ref(&url)).impatient();
        let e = c
            .call(
                "GET",
                "admin/collections",
                &[("action", "LIST")],
                Body::None,
            )
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains(&url), "{text}");
        assert!(matches!(e, SolrError::Unreachable { .. }));
    }
}
