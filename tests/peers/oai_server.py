#!/usr/bin/env python3
"""A real OAI-PMH 2.0 provider serving a folder of MARCXML files, for Unicat's
harvester integration tests.

Protocol handling (verbs, argument checks, error codes, from/until, paging)
is done by the PyPI package ``oaipmh`` (4.0.0, the maintained pyoai fork):
this file only supplies

* a catalog that reads MARCXML records from a folder (re-checked on every
  request, so a test may edit the folder between harvests),
* the ``IBatchingOAI`` backend that ``oaipmh.server.BatchingServer`` drives,
* a resumption-token format that contains ``+`` and ``/`` (see TOKEN_PREFIX),
* an HTTP front end (stdlib ``ThreadingHTTPServer``, GET and POST) with
  fault injection: 503 + Retry-After, stalls and abrupt death.

Start-up prints exactly one line to stdout, ``LISTENING http://127.0.0.1:PORT/oai``;
everything else (request log, warnings) goes to stderr. See README.md.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import oaipmh.server
from lxml import etree  # oaipmh's own dependency (it builds its XML with lxml)
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
METADATA_PREFIX = "marc21"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
OAI_PATH = "/oai"
EPOCH = datetime.datetime(1970, 1, 1)
# Exit status of the process when --die-after fires.
DIE_EXIT_CODE = 3


def log(message):
    """One line to stderr (stdout is reserved for the LISTENING line)."""
    print(f"oai_server: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Resumption tokens
#
# oaipmh's own tokens are a percent-encoded query string ("quote(urlencode(kw))")
# that never contains a literal "+". Our tokens wrap that string so they always
# contain "+" and "/": a harvester that forgets to percent-encode the token
# sends "+" which the server decodes as a space, and gets badResumptionToken.
#
#   token = "unicat+/" + base64(checksum[6 bytes] + oaipmh_token)
#
# The checksum (not a secret) makes any garbling fail cleanly as
# badResumptionToken instead of silently resuming at a wrong place; tokens stay
# valid across server restarts (they carry the whole state: arguments + cursor).
#
# oaipmh.server looks both functions up as module globals at call time (in
# BatchingResumption.handleVerb and XMLTreeServer._outputResuming), so
# replacing those globals is how a token format is plugged into the package.
# --------------------------------------------------------------------------

TOKEN_PREFIX = "unicat+/"
_CHECKSUM_LEN = 6
_oaipmh_encode_token = oaipmh.server.encodeResumptionToken
_oaipmh_decode_token = oaipmh.server.decodeResumptionToken


def _checksum(payload):
    return hashlib.sha256(payload).digest()[:_CHECKSUM_LEN]


def encode_token(kw, cursor):
    inner = _oaipmh_encode_token(kw, cursor).encode("ascii")
    return TOKEN_PREFIX + base64.b64encode(_checksum(inner) + inner).decode("ascii")


def decode_token(token):
    bad = error.BadResumptionTokenError(f"Invalid resumption token: {token!r}")
    if not token.startswith(TOKEN_PREFIX):
        raise bad
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX):], validate=True)
        checksum, inner = raw[:_CHECKSUM_LEN], raw[_CHECKSUM_LEN:]
        if checksum != _checksum(inner):
            raise bad
        return _oaipmh_decode_token(inner.decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, error.DatestampError) as err:
        raise bad from err


oaipmh.server.encodeResumptionToken = encode_token
oaipmh.server.decodeResumptionToken = decode_token


# --------------------------------------------------------------------------
# Catalog: the folder of MARCXML files
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MarcRecord:
    identifier: str
    datestamp: datetime.datetime  # naive, UTC, whole seconds
    sets: tuple  # setSpecs, e.g. ("a",) or ("a", "a:b") for a record in a/b/
    deleted: bool
    element: object  # the parsed <record> (never mutated; copied for output)
    source: str  # file path relative to the folder, for log messages


@dataclass(frozen=True)
class Snapshot:
    """An immutable view of the folder at one moment."""

    records: tuple  # sorted by (datestamp, identifier): stable paging order
    by_id: dict
    sets: tuple  # sorted setSpecs

    def earliest(self):
        return min((r.datestamp for r in self.records), default=EPOCH)


def _local(tag):
    return etree.QName(tag).localname


def _find_marc_records(root):
    """All MARC <record> elements of a document: a bare record, a <collection>,
    or anything that embeds records in the MARC namespace (e.g. a saved OAI-PMH
    ListRecords page). Records without a namespace are accepted at the root."""
    if root.tag in ("record", f"{{{MARC_NS}}}record"):
        return [root]
    if root.tag == "collection":
        return [e for e in root if e.tag == "record"]
    return list(root.iter(f"{{{MARC_NS}}}record"))


def _controlfield(record, tag):
    for child in record:
        if _local(child.tag) == "controlfield" and child.get("tag") == tag:
            return (child.text or "").strip()
    return None


def _leader(record):
    for child in record:
        if _local(child.tag) == "leader":
            return child.text or ""
    return ""


def _parse_005(value):
    """'yyyymmddhhmmss.f' -> naive UTC datetime (seconds), or None."""
    if not value or len(value) < 14 or not value[:14].isdigit():
        return None
    try:
        return datetime.datetime.strptime(value[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None


class Catalog:
    """Reads the folder on every snapshot() call. Files are re-parsed only
    when their content or mtime changed (content is compared, not just
    mtime, because coarse file-system timestamps can miss a quick rewrite)."""

    def __init__(self, root, repo_name):
        self.root = os.path.abspath(root)
        self.repo_name = repo_name
        self._lock = threading.Lock()
        self._files = {}  # relpath -> (cache key, [parsed record tuples])
        self._snapshot = None
        self._snapshot_key = None
        self._warned = set()

    def _warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            log("warning: " + message)

    def _xml_files(self):
        for dirpath, dirnames, filenames in os.walk(self.root):
            # Hidden entries are skipped, so a test can write ".x.xml" and rename.
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".xml") and not name.startswith("."):
                    path = os.path.join(dirpath, name)
                    yield os.path.relpath(path, self.root), path

    def _parse_file(self, relpath, content, mtime):
        """-> list of (identifier, datestamp, deleted, element) for one file."""
        try:
            root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, huge_tree=True))
        except etree.XMLSyntaxError as err:
            # Real exports are not always well-formed (e.g. a raw 0x1F subfield
            # delimiter left in a field): serve what libxml2 can recover.
            root = etree.fromstring(
                content, etree.XMLParser(resolve_entities=False, huge_tree=True, recover=True)
            )
            if root is None:
                self._warn_once(f"{relpath}: not XML, skipped ({err})")
                return []
            self._warn_once(f"{relpath}: not well-formed XML, served as recovered ({err})")
        elements = _find_marc_records(root)
        if not elements:
            self._warn_once(f"{relpath}: no MARC record found")
        stem = os.path.splitext(os.path.basename(relpath))[0]
        parsed = []
        for index, element in enumerate(elements, start=1):
            local_id = _controlfield(element, "001")
            if not local_id:
                # No 001: the file name identifies the record.
                local_id = stem if len(elements) == 1 else f"{stem}-{index}"
            datestamp = _parse_005(_controlfield(element, "005"))
            if datestamp is None:
                datestamp = mtime
            deleted = _leader(element)[5:6] == "d"
            parsed.append((f"oai:{self.repo_name}:{local_id}", datestamp, deleted, element))
        return parsed

    def snapshot(self):
        with self._lock:
            seen = {}
            for relpath, path in self._xml_files():
                try:
                    with open(path, "rb") as handle:
                        content = handle.read()
                    mtime_s = os.stat(path).st_mtime
                except OSError:  # deleted between listing and reading
                    continue
                key = (hashlib.sha256(content).digest(), mtime_s)
                cached = self._files.get(relpath)
                if cached is None or cached[0] != key:
                    mtime = datetime.datetime.fromtimestamp(mtime_s, datetime.timezone.utc)
                    mtime = mtime.replace(tzinfo=None, microsecond=0)
                    cached = (key, self._parse_file(relpath, content, mtime))
                seen[relpath] = cached
            self._files = seen
            snapshot_key = tuple((relpath, entry[0]) for relpath, entry in sorted(seen.items()))
            if snapshot_key != self._snapshot_key:
                self._snapshot = self._build(seen)
                self._snapshot_key = snapshot_key
            return self._snapshot

    def _build(self, files):
        by_id = {}
        all_sets = set()
        for relpath in sorted(files):
            folders = os.path.dirname(relpath).split(os.sep) if os.path.dirname(relpath) else []
            # A record in a/b/ is in set "a:b" and (hierarchically) in "a".
            sets = tuple(":".join(folders[: i + 1]) for i in range(len(folders)))
            all_sets.update(sets)
            for identifier, datestamp, deleted, element in files[relpath][1]:
                if identifier in by_id:
                    self._warn_once(
                        f"{relpath}: duplicate identifier {identifier} "
                        f"(already in {by_id[identifier].source}), skipped"
                    )
                    continue
                by_id[identifier] = MarcRecord(identifier, datestamp, sets, deleted, element, relpath)
        records = tuple(sorted(by_id.values(), key=lambda r: (r.datestamp, r.identifier)))
        return Snapshot(records, by_id, tuple(sorted(all_sets)))


# --------------------------------------------------------------------------
# Backend: the IBatchingOAI interface oaipmh.server.BatchingServer drives
# --------------------------------------------------------------------------


class MarcBackend:
    """Serves one Snapshot (a new backend is made for every request)."""

    def __init__(self, snapshot, repo_name, base_url):
        self._snapshot = snapshot
        self._repo_name = repo_name
        self._base_url = base_url

    def identify(self):
        return common.Identify(
            repositoryName=f"Unicat test repository {self._repo_name}",
            baseURL=self._base_url,
            protocolVersion="2.0",
            adminEmails=["admin@example.org"],
            earliestDatestamp=self._snapshot.earliest(),
            deletedRecord="persistent",
            granularity=GRANULARITY,
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier=None):
        if identifier is not None:
            self._record(identifier)
        return [(METADATA_PREFIX, MARC_SCHEMA, MARC_NS)]

    def listSets(self, cursor=0, batch_size=10, **unexpected):
        if unexpected:  # a ListRecords/ListIdentifiers token sent with ListSets
            raise error.BadResumptionTokenError("Resumption token is not a ListSets token.")
        if not self._snapshot.sets:
            raise error.NoSetHierarchyError("This repository has no sets.")
        sets = [(spec, spec.split(":")[-1], None) for spec in self._snapshot.sets]
        return self._page(sets, cursor, batch_size)

    def getRecord(self, metadataPrefix, identifier):
        record = self._record(identifier)
        self._check_prefix(metadataPrefix)
        return self._header(record), common.Metadata(record.element, {}), None

    def listIdentifiers(self, metadataPrefix=None, set=None, from_=None, until=None,
                        cursor=0, batch_size=10, **unexpected):
        records = self._select(metadataPrefix, set, from_, until, unexpected)
        return [self._header(r) for r in self._page(records, cursor, batch_size)]

    def listRecords(self, metadataPrefix=None, set=None, from_=None, until=None,
                    cursor=0, batch_size=10, **unexpected):
        records = self._select(metadataPrefix, set, from_, until, unexpected)
        return [
            (self._header(r), common.Metadata(r.element, {}), None)
            for r in self._page(records, cursor, batch_size)
        ]

    # -- helpers --

    def _record(self, identifier):
        try:
            return self._snapshot.by_id[identifier]
        except KeyError:
            raise error.IdDoesNotExistError(f"No such record: {identifier}") from None

    @staticmethod
    def _check_prefix(prefix):
        if prefix != METADATA_PREFIX:
            raise error.CannotDisseminateFormatError(f"Unknown metadata format: {prefix}")

    @staticmethod
    def _header(record):
        return common.Header(None, record.identifier, record.datestamp, list(record.sets), record.deleted)

    def _select(self, prefix, set_spec, from_, until, unexpected):
        if unexpected or prefix is None:  # a ListSets token sent with ListRecords
            raise error.BadResumptionTokenError("Resumption token does not fit this verb.")
        self._check_prefix(prefix)
        if set_spec is not None and not self._snapshot.sets:
            raise error.NoSetHierarchyError("This repository has no sets.")
        return [
            r
            for r in self._snapshot.records
            if (set_spec is None or set_spec in r.sets)
            and (from_ is None or r.datestamp >= from_)
            and (until is None or r.datestamp <= until)
        ]

    @staticmethod
    def _page(items, cursor, batch_size):
        cursor, batch_size = int(cursor), int(batch_size)
        if cursor > 0 and cursor >= len(items):
            # The list shrank under a harvest in progress (records deleted).
            raise error.BadResumptionTokenError("Resumption token is past the end of the list.")
        return items[cursor: cursor + batch_size]


def _copy_marc(source, parent, prefix):
    """Copy a MARC record under `parent`, in the MARC namespace with the given
    prefix (None = default namespace). Indentation whitespace between elements
    is dropped (lxml pretty-prints the response); leaf text is kept verbatim."""
    nsmap = {prefix: MARC_NS, "xsi": XSI_NS}
    record = etree.SubElement(parent, f"{{{MARC_NS}}}record", nsmap=nsmap)
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")

    def copy_children(src, dst):
        for child in src:
            if not isinstance(child.tag, str):  # comments, processing instructions
                continue
            attrib = {k: v for k, v in child.attrib.items() if not k.startswith(f"{{{XSI_NS}}}")}
            copy = etree.SubElement(dst, f"{{{MARC_NS}}}{_local(child.tag)}", attrib)
            if len(child):
                copy_children(child, copy)
            else:
                copy.text = child.text

    copy_children(source, record)


def metadata_registry(prefix_style):
    prefix = "marc" if prefix_style == "marc" else None
    registry = MetadataRegistry()
    registry.registerWriter(
        METADATA_PREFIX, lambda element, metadata: _copy_marc(metadata.element(), element, prefix)
    )
    return registry


# --------------------------------------------------------------------------
# HTTP front end and fault injection
# --------------------------------------------------------------------------


class Faults:
    """Decides the fate of each request. Request numbers start at 1 and count
    every request; --stall-after counts only requests answered with 200."""

    ANSWER, FAIL, STALL = "answer", "fail", "stall"

    def __init__(self, fail_every, stall_after, die_after):
        self.fail_every = fail_every
        self.stall_after = stall_after
        self.die_after = die_after
        self._lock = threading.Lock()
        self._requests = 0
        self._answered_ok = 0

    def admit(self):
        """-> (request number, fate, is_last) for a new request."""
        with self._lock:
            self._requests += 1
            number = self._requests
            if self.stall_after is not None and self._answered_ok >= self.stall_after:
                fate = self.STALL
            elif self.fail_every and number % self.fail_every == 0:
                fate = self.FAIL
            else:
                fate = self.ANSWER
            is_last = self.die_after is not None and number >= self.die_after
            return number, fate, is_last

    def answered_ok(self):
        with self._lock:
            self._answered_ok += 1


class OAIHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # stalled handler threads must not keep the process alive

    def __init__(self, port, catalog, args):
        super().__init__(("127.0.0.1", port), OAIRequestHandler)
        self.catalog = catalog
        self.args = args
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}{OAI_PATH}"
        self.registry = metadata_registry(args.prefix_style)
        self.faults = Faults(args.fail_every, args.stall_after, args.die_after)
        self.stopping = threading.Event()  # released on shutdown: wakes stalled threads

    def oai_response(self, arguments):
        """Answer one OAI-PMH request (a dict of argument lists) -> XML bytes."""
        backend = MarcBackend(self.catalog.snapshot(), self.catalog.repo_name, self.base_url)
        repeated = sorted(k for k, v in arguments.items() if len(v) > 1)
        if repeated:
            return self._error(backend, error.BadArgumentError(f"Repeated argument: {', '.join(repeated)}"))
        arguments = {k: v[0] for k, v in arguments.items()}
        if arguments.get("verb") == "GetMetadata":
            # oaipmh's unofficial extra verb; not OAI-PMH (and it breaks handleVerb).
            return self._error(backend, error.BadVerbError("Illegal verb: GetMetadata"))
        server = oaipmh.server.BatchingServer(
            backend, metadata_registry=self.registry, resumption_batch_size=self.args.batch_size
        )
        return server.handleRequest(arguments)

    def _error(self, backend, exception):
        tree = oaipmh.server.XMLTreeServer(backend, self.registry).handleException(exception)
        return etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=True, pretty_print=True)

    def die(self):
        """--die-after: stop accepting (new connections are refused at once),
        then the caller finishes its answer and calls os._exit."""
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class OAIRequestHandler(BaseHTTPRequestHandler):
    server_version = "UnicatTestOAI/1.0"
    number = 0

    def do_GET(self):
        self._handle(urlsplit(self.path).query)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        query = urlsplit(self.path).query
        self._handle("&".join(q for q in (query, body) if q))

    def _handle(self, query):
        server = self.server
        self.number, fate, is_last = server.faults.admit()
        if fate == Faults.STALL:
            self.log_message('"%s" stalled (never answered)', self.requestline)
            server.stopping.wait()  # "forever": until the server shuts down
            self.close_connection = True
            return
        if server.args.stall_seconds:
            time.sleep(server.args.stall_seconds)
        if is_last:
            server.die()
        if fate == Faults.FAIL:
            self._send(503, b"Service temporarily unavailable (--fail-every)\n",
                       "text/plain; charset=utf-8", {"Retry-After": "1"})
        elif urlsplit(self.path).path != OAI_PATH:
            self._send(404, f"Not found; the OAI-PMH endpoint is {OAI_PATH}\n".encode(),
                       "text/plain; charset=utf-8")
        else:
            try:
                arguments = parse_qs(query, keep_blank_values=True)
                body = server.oai_response(arguments)
            except Exception as err:  # noqa: BLE001 - report any bug as HTTP 500
                self.log_message("internal error: %r", err)
                self._send(500, f"Internal error: {err!r}\n".encode(), "text/plain; charset=utf-8")
            else:
                self._send(200, body, "text/xml; charset=utf-8")
                server.faults.answered_ok()
        if is_last:
            self.log_message("--die-after %d reached: exiting abruptly", server.args.die_after)
            os._exit(DIE_EXIT_CODE)

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, format, *args):
        log(f"#{self.number} {self.address_string()} " + (format % args))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="folder of MARCXML files (*.xml, recursive)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--repo-name", default="test", help="identifiers are oai:REPO-NAME:<001>")
    parser.add_argument("--batch-size", type=positive_int, default=3, help="records per page (default 3)")
    parser.add_argument("--prefix-style", choices=("default", "marc"), default="default",
                        help="'marc' writes <marc:record xmlns:marc=...> instead of <record xmlns=...>")
    parser.add_argument("--fail-every", type=positive_int, metavar="N",
                        help="answer every N-th request with HTTP 503 + Retry-After: 1")
    parser.add_argument("--stall-after", type=int, metavar="N",
                        help="after N requests answered with 200, never answer again")
    parser.add_argument("--die-after", type=positive_int, metavar="N",
                        help=f"after answering the N-th request, exit abruptly (status {DIE_EXIT_CODE})")
    parser.add_argument("--stall-seconds", type=float, default=0.0, metavar="S",
                        help="wait S seconds before every answer")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.dir):
        parser.error(f"--dir {args.dir!r} is not a folder")
    return args


class _Terminate(Exception):
    pass


def main(argv=None):
    args = parse_args(argv)
    server = OAIHTTPServer(args.port, Catalog(args.dir, args.repo_name), args)

    def on_signal(signum, frame):
        raise _Terminate(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log(f"serving {os.path.abspath(args.dir)} as {server.base_url} "
        f"(batch size {args.batch_size}, prefix style {args.prefix_style})")
    # The socket is bound and listening: connections queue from now on.
    print(f"LISTENING {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except _Terminate as stop:
        log(f"signal {stop}: shutting down")
    finally:
        server.stopping.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
