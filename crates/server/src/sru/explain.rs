//! The explain record (ZeeRex 2.0, `http://explain.z3950.org/dtd/2.0/`).

use super::cql::{CONTEXT_SETS, INDEXES, set_name};
use super::records::{DC_URI, MARCXML_URI};
use super::xml::{Version, escape};
use super::{DEFAULT_RECORDS, MAX_RECORDS};
use std::fmt::Write as _;
use unicat_config::Network;

/// The ZeeRex namespace.
pub(crate) const ZEEREX_NS: &str = "http://explain.z3950.org/dtd/2.0/";

/// Where the server is, as the client reached it.
pub(crate) struct ServerAddress {
    pub host: String,
    pub port: u16,
    pub database: String,
}

impl ServerAddress {
    /// From the `Host` header (`host`, `host:port`, `[v6]:port`).
    pub(crate) fn from_host_header(host: Option<&str>, path: &str) -> ServerAddress {
        let database = path.trim_start_matches('/').to_string();
        let host = host.map(str::trim).filter(|h| !h.is_empty());
        let Some(h) = host else {
            return ServerAddress {
                host: "localhost".into(),
                port: 80,
                database,
            };
        };
        let (name, port) = if let Some(rest) = h.strip_prefix('[') {
            match rest.split_once(']') {
                Some((addr, tail)) => (
                    addr.to_string(),
                    tail.strip_prefix(':').and_then(|p| p.parse().ok()),
                ),
                None => (h.to_string(), None),
            }
        } else {
            match h.rsplit_once(':') {
                Some((name, p)) if !name.contains(':') => (name.to_string(), p.parse().ok()),
                _ => (h.to_string(), None),
            }
        };
        ServerAddress {
            host: name,
            port: port.unwrap_or(80),
            database,
        }
    }
}

/// The explain record (the `<explain>` element).
pub(crate) fn record(
    version: Version,
    addr: &ServerAddress,
    network: &Network,
    clusters: u64,
) -> String {
    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(o, "<explain xmlns=\"{ZEEREX_NS}\">");
    let _ = write!(
        o,
        "<serverInfo protocol=\"SRU\" version=\"{}\" transport=\"http\"><host>{}</host><port>{}</port><database>{}</database></serverInfo>",
        version.as_str(),
        escape(&addr.host),
        addr.port,
        escape(&addr.database)
    );
    o.push_str("<databaseInfo><title lang=\"en\" primary=\"true\">Unicat union catalog</title>");
    let libraries: Vec<String> = network
        .libraries
        .iter()
        .map(|l| format!("{} ({})", l.id.as_str(), l.name))
        .collect();
    let _ = write!(
        o,
        "<description lang=\"en\" primary=\"true\">The union catalog of {} libraries: {}. One record per cluster of matching records, with every holding library; search bath.possessingInstitution for a library's holdings.</description>",
        network.libraries.len(),
        escape(&libraries.join("; "))
    );
    let _ = write!(o, "<extent>{clusters} clusters</extent>");
    o.push_str("<implementation identifier=\"unicat\"><title>Unicat</title></implementation>");
    o.push_str("</databaseInfo>");

    o.push_str("<indexInfo>");
    for (_, name, id, _) in CONTEXT_SETS {
        let _ = write!(o, "<set name=\"{name}\" identifier=\"{id}\"/>");
    }
    for def in INDEXES {
        let (asc, desc) = def.sorts();
        let _ = write!(
            o,
            "<index search=\"true\" scan=\"false\" sort=\"{}\"><title lang=\"en\">{}</title><map><name set=\"{}\">{}</name></map></index>",
            asc.is_some() || desc.is_some(),
            escape(def.title),
            set_name(def.set),
            def.name
        );
    }
    o.push_str("</indexInfo>");

    o.push_str("<schemaInfo>");
    let _ = write!(
        o,
        "<schema identifier=\"{MARCXML_URI}\" name=\"marcxml\" location=\"http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd\" retrieve=\"true\" sort=\"false\"><title lang=\"en\">MARCXML: the cluster's best record with every holding as an 852</title></schema>"
    );
    let _ = write!(
        o,
        "<schema identifier=\"{DC_URI}\" name=\"dc\" location=\"http://www.loc.gov/standards/sru/recordSchemas/dc-schema.xsd\" retrieve=\"true\" sort=\"false\"><title lang=\"en\">Dublin Core</title></schema>"
    );
    o.push_str("</schemaInfo>");

    o.push_str("<configInfo>");
    let _ = write!(
        o,
        "<default type=\"numberOfRecords\">{DEFAULT_RECORDS}</default><setting type=\"maximumRecords\">{MAX_RECORDS}</setting><default type=\"retrieveSchema\">marcxml</default><default type=\"contextSet\">dc</default><default type=\"index\">cql.serverChoice</default><default type=\"relation\">=</default>"
    );
    for r in [
        "=", "==", "adj", "all", "any", "<", "<=", ">", ">=", "<>", "within",
    ] {
        let _ = write!(o, "<supports type=\"relation\">{}</supports>", escape(r));
    }
    for b in ["and", "or", "not"] {
        let _ = write!(o, "<supports type=\"booleanOperator\">{b}</supports>");
    }
    o.push_str("<supports type=\"maskingCharacter\">*</supports>");
    o.push_str("<supports type=\"sort\">dc.date dc.title</supports>");
    o.push_str("<supports type=\"recordPacking\">xml</supports><supports type=\"recordPacking\">string</supports>");
    o.push_str("</configInfo>");
    o.push_str("</explain>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_forms() {
        let a = ServerAddress::from_host_header(Some("example.org:8080"), "/sru");
        assert_eq!(
            (a.host.as_str(), a.port, a.database.as_str()),
            ("example.org", 8080, "sru")
        );
        let a = ServerAddress::from_host_header(Some("[::1]:9000"), "/sru");
        assert_eq!((a.host.as_str(), a.port), ("::1", 9000));
        let a = ServerAddress::from_host_header(Some("example.org"), "/sru");
        assert_eq!((a.host.as_str(), a.port), ("example.org", 80));
        let a = ServerAddress::from_host_header(None, "/sru");
        assert_eq!(a.host, "localhost");
    }
}
