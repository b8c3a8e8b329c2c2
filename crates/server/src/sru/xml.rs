//! Writing the responses: XML escaping, the two protocol versions'
//! namespaces, and SRU diagnostics.

use std::fmt::Write as _;

/// The SRU versions answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    /// SRU 1.1: the 1.2 format (same namespace), echoed as 1.1.
    V1_1,
    /// SRU 1.2.
    V1_2,
    /// SRU 2.0 (OASIS searchRetrieve).
    V2_0,
}

impl Version {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
            Version::V2_0 => "2.0",
        }
    }

    pub(crate) fn is_v2(self) -> bool {
        self == Version::V2_0
    }

    /// The response namespace.
    pub(crate) fn namespace(self) -> &'static str {
        if self.is_v2() { NS_SRU_2 } else { NS_SRU_1 }
    }

    /// The diagnostics namespace.
    pub(crate) fn diagnostic_namespace(self) -> &'static str {
        if self.is_v2() { NS_DIAG_2 } else { NS_DIAG_1 }
    }
}

/// SRU 1.1/1.2 responses.
pub(crate) const NS_SRU_1: &str = "http://www.loc.gov/zing/srw/";
/// SRU 2.0 responses.
pub(crate) const NS_SRU_2: &str = "http://docs.oasis-open.org/ns/search-ws/sruResponse";
/// SRU 1.1/1.2 diagnostics.
pub(crate) const NS_DIAG_1: &str = "http://www.loc.gov/zing/srw/diagnostic/";
/// SRU 2.0 diagnostics.
pub(crate) const NS_DIAG_2: &str = "http://docs.oasis-open.org/ns/search-ws/diagnostic";

/// One SRU diagnostic (`info:srw/diagnostic/1/N`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// The number in the SRU diagnostics list.
    pub code: u32,
    /// What it is about (a parameter name, an index, a relation …).
    pub details: Option<String>,
    /// A sentence for people; the list's wording when None.
    pub message: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with details.
    pub(crate) fn new(code: u32, details: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            details: Some(details.into()),
            message: None,
        }
    }

    /// A diagnostic without details.
    pub(crate) fn bare(code: u32) -> Diagnostic {
        Diagnostic {
            code,
            details: None,
            message: None,
        }
    }

    /// Replaces the list's wording with a specific message.
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Diagnostic {
        self.message = Some(message.into());
        self
    }

    /// The diagnostic's URI.
    pub(crate) fn uri(&self) -> String {
        format!("info:srw/diagnostic/1/{}", self.code)
    }

    /// The message written: the specific one, else the list's wording.
    pub(crate) fn message(&self) -> String {
        match &self.message {
            Some(m) => m.clone(),
            None => standard_message(self.code).to_string(),
        }
    }
}

/// The SRU diagnostics list's wording for a number.
pub(crate) fn standard_message(code: u32) -> &'static str {
    match code {
        1 => "General system error",
        2 => "System temporarily unavailable",
        4 => "Unsupported operation",
        5 => "Unsupported version",
        6 => "Unsupported parameter value",
        7 => "Mandatory parameter not supplied",
        8 => "Unsupported parameter",
        10 => "Query syntax error",
        11 => "Unsupported query type",
        12 => "Too many characters in query",
        15 => "Unsupported context set",
        16 => "Unsupported index",
        19 => "Unsupported relation",
        20 => "Unsupported relation modifier",
        24 => "Unsupported combination of relation and term",
        27 => "Empty term unsupported",
        28 => "Masking character not supported",
        29 => "Masked words too short",
        31 => "Anchoring character not supported",
        32 => "Anchoring character in unsupported position",
        33 => "Combination of proximity/adjacency and masking characters not supported",
        36 => "Term in invalid format for index or relation",
        37 => "Unsupported boolean operator",
        38 => "Too many boolean operators in query",
        46 => "Unsupported boolean modifier",
        49 => "Masking character in unsupported position",
        61 => "First record position out of range",
        64 => "Record temporarily unavailable",
        66 => "Unknown schema for retrieval",
        71 => "Unsupported record packing",
        72 => "XPath retrieval unsupported",
        80 => "Sort not supported",
        84 => "Too many sort keys to sort",
        88 => "Unsupported path for sort",
        90 => "Unsupported direction",
        91 => "Unsupported case",
        92 => "Unsupported missing value action",
        _ => "Unsupported feature",
    }
}

/// Escapes text for element content and attribute values. Characters XML
/// 1.0 cannot carry become U+FFFD; a carriage return is written as a
/// character reference so that parsers keep it.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Escaped text.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(text, &mut out);
    out
}

/// A small XML writer over a `String`: elements in the response's
/// namespace prefix, escaped text.
pub(crate) struct Xml {
    pub out: String,
    prefix: &'static str,
}

impl Xml {
    /// A document with the XML declaration (and a stylesheet processing
    /// instruction when asked for one); `prefix` is the response namespace
    /// prefix.
    pub(crate) fn document(prefix: &'static str, stylesheet: Option<&str>) -> Xml {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if let Some(href) = stylesheet {
            out.push_str("<?xml-stylesheet type=\"text/xsl\" href=\"");
            // A processing instruction cannot hold `?>`.
            escape_into(&href.replace("?>", "?&gt;"), &mut out);
            out.push_str("\"?>\n");
        }
        Xml { out, prefix }
    }

    /// `<prefix:name attrs>`; attribute values are escaped here.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(self.prefix);
        self.out.push(':');
        self.out.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"");
            escape_into(v, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// `</prefix:name>`.
    pub(crate) fn close(&mut self, name: &str) {
        let _ = write!(self.out, "</{}:{}>", self.prefix, name);
    }

    /// `<prefix:name>text</prefix:name>`.
    pub(crate) fn text(&mut self, name: &str, text: &str) {
        self.open(name, &[]);
        escape_into(text, &mut self.out);
        self.close(name);
    }

    /// Writes the diagnostics element with its diagnostics.
    pub(crate) fn diagnostics(&mut self, version: Version, diagnostics: &[Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        self.open("diagnostics", &[]);
        for d in diagnostics {
            diagnostic_into(version, d, &mut self.out);
        }
        self.close("diagnostics");
    }
}

/// One `<diag:diagnostic>` element declaring its namespace.
pub(crate) fn diagnostic_into(version: Version, d: &Diagnostic, out: &mut String) {
    let _ = write!(
        out,
        "<diag:diagnostic xmlns:diag=\"{}\"><diag:uri>{}</diag:uri>",
        version.diagnostic_namespace(),
        d.uri()
    );
    if let Some(details) = &d.details {
        out.push_str("<diag:details>");
        escape_into(details, out);
        out.push_str("</diag:details>");
    }
    out.push_str("<diag:message>");
    escape_into(&d.message(), out);
    out.push_str("</diag:message></diag:diagnostic>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\r\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#13;\u{FFFD}"
        );
    }

    #[test]
    fn diagnostics_carry_their_namespace() {
        let mut s = String::new();
        diagnostic_into(
            Version::V2_0,
            &Diagnostic::new(7, "query").with_message("give <a> query"),
            &mut s,
        );
        assert!(s.contains(NS_DIAG_2));
        assert!(s.contains("<diag:uri>info:srw/diagnostic/1/7</diag:uri>"));
        assert!(s.contains("give &lt;a&gt; query"));
    }
}
