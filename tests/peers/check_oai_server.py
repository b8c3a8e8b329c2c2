#!/usr/bin/env python3
"""Self-check for oai_server.py.

Generates a small folder of MARCXML records (005 datestamps, one deleted, one
without 001, one without 005, records in a set and a sub-set), starts the
server on it several times with different flags, harvests it with Sickle and
with raw HTTP requests, and checks paging, deleted records, from/until, sets,
resumption-token encoding, OAI error codes, live folder changes, the marc:
prefix style and every fault mode.

    pip install oaipmh==4.0.0 sickle
    python3 tests/peers/check_oai_server.py      # exits 0 when all checks pass
"""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

try:
    from lxml import etree
    from sickle import Sickle, oaiexceptions
    from sickle.iterator import OAIResponseIterator
except ImportError as missing:
    sys.exit(f"check_oai_server: {missing}; run: pip install oaipmh==4.0.0 sickle")

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oai_server.py")
MARC_NS = "http://www.loc.gov/MARC21/slim"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
LISTENING = re.compile(r"^LISTENING (http://127\.0\.0\.1:(\d+)/oai)\n$")
DIE_EXIT_CODE = 3


# --------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------


def marc_record(control_number=None, stamp=None, title="A title", deleted=False):
    """One MARCXML <record> (no XML declaration); stamp is 'YYYYMMDDhhmmss'."""
    leader = "00000" + ("d" if deleted else "n") + "am a2200000 a 4500"
    fields = [f"  <leader>{leader}</leader>"]
    if control_number:
        fields.append(f'  <controlfield tag="001">{control_number}</controlfield>')
    if stamp:
        fields.append(f'  <controlfield tag="005">{stamp}.0</controlfield>')
    fields.append(
        '  <datafield tag="245" ind1="1" ind2="0">\n'
        f'    <subfield code="a">{title}</subfield>\n'
        "  </datafield>"
    )
    return "<record>\n" + "\n".join(fields) + "\n</record>\n"


def write(path, records, collection=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if collection:
        body = f'<collection xmlns="{MARC_NS}">\n' + "".join(records) + "</collection>\n"
    else:
        body = records[0].replace("<record>", f'<record xmlns="{MARC_NS}">', 1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body)


def make_data(root):
    """8 records; in datestamp order:
    nodate(mtime 2019-01-01) 1001 1002 1003(deleted) 1004 no001 2001(special) 2002(special:sub)"""
    write(f"{root}/single.xml", [marc_record("1001", "20200101000000", "Single")])
    write(
        f"{root}/collection.xml",
        [
            marc_record("1002", "20200201000000", "Second"),
            marc_record("1003", "20200301000000", "Gone", deleted=True),
            marc_record("1004", "20200401000000", "Fourth"),
        ],
        collection=True,
    )
    write(f"{root}/no001.xml", [marc_record(None, "20200501000000", "No 001")])
    write(f"{root}/nodate.xml", [marc_record("1005", None, "No 005")])
    stamp = datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(f"{root}/nodate.xml", (stamp, stamp))
    write(f"{root}/special/s1.xml", [marc_record("2001", "20200601000000", "In set")])
    write(f"{root}/special/sub/s2.xml", [marc_record("2002", "20200701000000", "In sub-set")])
    # Ignored: not *.xml, and hidden.
    write(f"{root}/.hidden.xml", [marc_record("9999", "20200101000000")])
    with open(f"{root}/notes.txt", "w") as handle:
        handle.write("not a record\n")


EXPECTED_ORDER = ["1005", "1001", "1002", "1003", "1004", "no001", "2001", "2002"]


def oai_id(local):
    return f"oai:test:{local}"


# --------------------------------------------------------------------------
# Running the server and talking to it
# --------------------------------------------------------------------------


class Peer:
    """oai_server.py as a child process."""

    def __init__(self, folder, *flags):
        self.log_path = os.path.join(tempfile.gettempdir(), f"oai_server_check_{os.getpid()}_{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--dir", folder, "--port", "0", *flags],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        line = self.proc.stdout.readline()  # blocks until the server listens (or dies)
        match = LISTENING.match(line)
        if not match:
            self.proc.kill()
            self.proc.wait()
            log = self.stderr()
            self.close()
            raise AssertionError(f"bad start-up line {line!r}; server log:\n{log}")
        self.url, self.port = match.group(1), int(match.group(2))

    def stderr(self):
        self.log.flush()
        with open(self.log_path) as handle:
            return handle.read()

    def stop(self):
        """SIGTERM; returns the exit status. Asserts nothing else went to stdout."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=10)
        rest = self.proc.stdout.read()
        self.log.close()
        assert rest == "", f"unexpected stdout after LISTENING line: {rest!r}"
        return status

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()
        os.unlink(self.log_path)


def fetch(url, query, timeout=10, post=False):
    """-> (HTTP status, headers, body bytes). `query` is sent as it is (already encoded)."""
    if post:
        request = urllib.request.Request(url, data=query.encode("ascii"), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(f"{url}?{query}" if query else url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def oai(url, timeout=10, post=False, **params):
    """An OAI-PMH request with properly encoded params -> parsed XML root."""
    status, _, body = fetch(url, urllib.parse.urlencode(params), timeout, post)
    assert status == 200, f"HTTP {status}: {body[:200]!r}"
    return etree.fromstring(body)


def error_code(root):
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def token_of(root):
    element = root.find(f".//{OAI}resumptionToken")
    return None if element is None else element.text


def local_ids(records):
    return [r.header.identifier.rsplit(":", 1)[1] for r in records]


def sickle(url, **kw):
    return Sickle(url, max_retries=4, retry_status_codes=(503,), timeout=10, **kw)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def check_identify(peer, data):
    identify = sickle(peer.url).Identify()
    assert identify.deletedRecord == "persistent", identify.deletedRecord
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ", identify.granularity
    assert identify.earliestDatestamp == "2019-01-01T00:00:00Z", identify.earliestDatestamp
    assert identify.baseURL == peer.url, identify.baseURL
    formats = list(sickle(peer.url).ListMetadataFormats())
    assert [(f.metadataPrefix, f.metadataNamespace) for f in formats] == [("marc21", MARC_NS)]


def check_paging(peer, data):
    pages = list(sickle(peer.url, iterator=OAIResponseIterator).ListRecords(metadataPrefix="marc21"))
    assert len(pages) == 3, f"{len(pages)} pages for 8 records at batch size 3"
    records = list(sickle(peer.url).ListRecords(metadataPrefix="marc21"))
    assert local_ids(records) == EXPECTED_ORDER, local_ids(records)
    headers = list(sickle(peer.url).ListIdentifiers(metadataPrefix="marc21"))
    assert [h.identifier for h in headers] == [oai_id(i) for i in EXPECTED_ORDER]


def check_records(peer, data):
    records = {r.header.identifier: r for r in sickle(peer.url).ListRecords(metadataPrefix="marc21")}
    gone = records[oai_id("1003")]
    assert gone.header.deleted
    assert b"<metadata" not in etree.tostring(gone.xml), "deleted record must have no metadata"
    assert [i for i, r in records.items() if r.header.deleted] == [oai_id("1003")]
    second = records[oai_id("1002")]
    assert second.header.datestamp == "2020-02-01T00:00:00Z", second.header.datestamp
    marc = second.xml.find(f".//{{{MARC_NS}}}record")
    assert marc is not None and marc.nsmap.get(None) == MARC_NS, "default-namespace MARC record expected"
    title = marc.find(f"{{{MARC_NS}}}datafield[@tag='245']/{{{MARC_NS}}}subfield[@code='a']").text
    assert title == "Second", title
    assert records[oai_id("1005")].header.datestamp == "2019-01-01T00:00:00Z", "mtime fallback"
    record = sickle(peer.url).GetRecord(identifier=oai_id("no001"), metadataPrefix="marc21")
    assert record.header.datestamp == "2020-05-01T00:00:00Z"
    assert oai_id("9999") not in records, "hidden file must be ignored"


def check_from_until(peer, data):
    try:
        list(sickle(peer.url).ListRecords(metadataPrefix="marc21", **{"from": "2020-07-01T00:00:01Z"}))
        raise AssertionError("from= after the newest datestamp must give noRecordsMatch")
    except oaiexceptions.NoRecordsMatch:
        pass
    newest = list(sickle(peer.url).ListRecords(metadataPrefix="marc21", **{"from": "2020-07-01T00:00:00Z"}))
    assert local_ids(newest) == ["2002"], local_ids(newest)
    window = list(sickle(peer.url).ListIdentifiers(
        metadataPrefix="marc21", **{"from": "2020-02-01", "until": "2020-04-01"}))
    assert [h.identifier for h in window] == [oai_id(i) for i in ("1002", "1003", "1004")]
    # Day-granularity until is inclusive of the whole day.
    early = list(sickle(peer.url).ListIdentifiers(metadataPrefix="marc21", until="2019-01-01"))
    assert [h.identifier for h in early] == [oai_id("1005")]


def check_sets(peer, data):
    sets = {s.setSpec for s in sickle(peer.url).ListSets()}
    assert sets == {"special", "special:sub"}, sets
    in_set = list(sickle(peer.url).ListRecords(metadataPrefix="marc21", set="special"))
    assert local_ids(in_set) == ["2001", "2002"], local_ids(in_set)
    assert in_set[1].header.setSpecs == ["special", "special:sub"], in_set[1].header.setSpecs
    in_sub = list(sickle(peer.url).ListRecords(metadataPrefix="marc21", set="special:sub"))
    assert local_ids(in_sub) == ["2002"], local_ids(in_sub)
    root_only = sickle(peer.url).GetRecord(identifier=oai_id("1001"), metadataPrefix="marc21")
    assert root_only.header.setSpecs == [], "a record in the root belongs to no set"
    assert error_code(oai(peer.url, verb="ListRecords", metadataPrefix="marc21", set="nope")) == "noRecordsMatch"


def check_tokens(peer, data):
    first = oai(peer.url, verb="ListRecords", metadataPrefix="marc21")
    token = token_of(first)
    assert token and "+" in token and "/" in token, f"token must contain '+' and '/': {token!r}"
    # Properly percent-encoded: the next page.
    good = oai(peer.url, verb="ListRecords", resumptionToken=token)
    assert error_code(good) is None and len(good.findall(f".//{OAI}record")) == 3
    # A harvester that forgets to percent-encode: '+' arrives as a space.
    for query in (
        "verb=ListRecords&resumptionToken=" + token,                                     # raw
        "verb=ListRecords&resumptionToken=" + urllib.parse.quote(token.replace("+", " "), safe=""),
        "verb=ListRecords&resumptionToken=" + urllib.parse.quote(token[:-4], safe=""),   # truncated
        "verb=ListRecords&resumptionToken=garbage",
        "verb=ListSets&resumptionToken=" + urllib.parse.quote(token, safe=""),          # wrong verb
    ):
        status, _, body = fetch(peer.url, query)
        code = error_code(etree.fromstring(body))
        assert status == 200 and code == "badResumptionToken", f"{query}: HTTP {status}, {code}"
    # The last page carries no token.
    second_token = token_of(good)
    last = oai(peer.url, verb="ListRecords", resumptionToken=second_token)
    assert len(last.findall(f".//{OAI}record")) == 2 and not token_of(last)


def check_errors(peer, data):
    cases = [
        ({"verb": "GetRecord", "identifier": "oai:test:nope", "metadataPrefix": "marc21"}, "idDoesNotExist"),
        ({"verb": "GetRecord", "identifier": oai_id("1001"), "metadataPrefix": "oai_dc"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21",
          "from": "2020-01-01", "until": "2020-02-01T00:00:00Z"}, "badArgument"),  # mixed granularity
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:test:nope"}, "idDoesNotExist"),
        ({"verb": "Frobnicate"}, "badVerb"),
        ({"verb": "GetMetadata", "identifier": oai_id("1001"), "metadataPrefix": "marc21"}, "badVerb"),
        ({}, "badVerb"),
    ]
    for params, expected in cases:
        code = error_code(oai(peer.url, **params))
        assert code == expected, f"{params}: {code}, expected {expected}"
    status, _, body = fetch(peer.url, "verb=Identify&verb=Identify")
    assert error_code(etree.fromstring(body)) == "badArgument", "repeated argument"
    status, _, _ = fetch(peer.url.replace("/oai", "/other"), "verb=Identify")
    assert status == 404, status


def check_post(peer, data):
    records = list(sickle(peer.url, http_method="POST").ListRecords(metadataPrefix="marc21"))
    assert local_ids(records) == EXPECTED_ORDER, local_ids(records)
    root = oai(peer.url, post=True, verb="GetRecord", identifier=oai_id("1001"), metadataPrefix="marc21")
    assert error_code(root) is None


def check_live_changes(peer, data):
    list(sickle(peer.url).ListRecords(metadataPrefix="marc21"))  # the server has seen the folder
    # A same-size rewrite (only 005 changes) that keeps the old mtime, as a quick
    # rewrite within one coarse file-system timestamp tick would: must be seen.
    before = os.stat(f"{data}/single.xml").st_mtime_ns
    write(f"{data}/single.xml", [marc_record("1001", "20210101000000", "Single")])
    os.utime(f"{data}/single.xml", ns=(before, before))
    write(f"{data}/new.xml", [marc_record("3001", "20201231000000", "New")])
    os.unlink(f"{data}/collection.xml")
    records = list(sickle(peer.url).ListRecords(metadataPrefix="marc21"))
    assert local_ids(records) == ["1005", "no001", "2001", "2002", "3001", "1001"], local_ids(records)
    changed = list(sickle(peer.url).ListRecords(metadataPrefix="marc21", **{"from": "2020-12-31T00:00:00Z"}))
    assert local_ids(changed) == ["3001", "1001"], local_ids(changed)
    code = error_code(oai(peer.url, verb="GetRecord", identifier=oai_id("1002"), metadataPrefix="marc21"))
    assert code == "idDoesNotExist", code
    # A record turns into a deletion.
    write(f"{data}/new.xml", [marc_record("3001", "20220101000000", "New", deleted=True)])
    record = sickle(peer.url).GetRecord(identifier=oai_id("3001"), metadataPrefix="marc21")
    assert record.header.deleted and record.header.datestamp == "2022-01-01T00:00:00Z"


def check_prefix_style(peer, data):
    status, _, body = fetch(peer.url, "verb=ListRecords&metadataPrefix=marc21")
    assert status == 200
    text = body.decode("utf-8")
    assert f'<marc:record xmlns:marc="{MARC_NS}"' in text, text[:1200]
    assert "<marc:datafield" in text and f'<record xmlns="{MARC_NS}"' not in text
    records = list(sickle(peer.url).ListRecords(metadataPrefix="marc21"))
    assert local_ids(records) == EXPECTED_ORDER
    assert records[1].metadata, "Sickle must read marc:-prefixed metadata"


def check_fail_every(peer, data):
    statuses = []
    for _ in range(6):
        status, headers, _ = fetch(peer.url, "verb=Identify")
        statuses.append(status)
        if status == 503:
            assert headers.get("Retry-After") == "1", headers.get("Retry-After")
    assert statuses == [200, 200, 503, 200, 200, 503], statuses
    # Sickle with retries gets through (7th request onwards: 503 on 9, 12, ...).
    records = list(sickle(peer.url).ListRecords(metadataPrefix="marc21"))
    assert local_ids(records) == EXPECTED_ORDER, local_ids(records)
    assert peer.stderr().count('" 503 ') >= 3


def check_stall_seconds(peer, data):
    try:
        fetch(peer.url, "verb=Identify", timeout=0.3)
        raise AssertionError("a 0.3 s read timeout must fire against --stall-seconds 1")
    except (TimeoutError, socket.timeout, urllib.error.URLError):
        pass
    started = time.monotonic()
    status, _, _ = fetch(peer.url, "verb=Identify", timeout=5)
    assert status == 200 and time.monotonic() - started >= 1.0


def check_stall_after(peer, data):
    for _ in range(2):
        assert fetch(peer.url, "verb=Identify", timeout=5)[0] == 200
    for _ in range(2):  # stalls, and keeps stalling
        started = time.monotonic()
        try:
            fetch(peer.url, "verb=Identify", timeout=1)
            raise AssertionError("the request after --stall-after 2 must never be answered")
        except (TimeoutError, socket.timeout, urllib.error.URLError):
            assert time.monotonic() - started >= 0.9


def check_die_after(peer, data):
    first = oai(peer.url, verb="ListRecords", metadataPrefix="marc21")
    second = oai(peer.url, verb="ListRecords", resumptionToken=token_of(first))
    assert token_of(second), "the list must still be unfinished"
    # The second answer arrived: the listening socket is already closed.
    try:
        fetch(peer.url, "verb=ListRecords&resumptionToken=" + urllib.parse.quote(token_of(second), safe=""))
        raise AssertionError("the server must be gone after --die-after 2")
    except urllib.error.URLError as err:
        assert isinstance(err.reason, ConnectionRefusedError), repr(err.reason)
    assert peer.proc.wait(timeout=5) == DIE_EXIT_CODE, peer.proc.returncode
    # Tokens survive a restart: a new server on the same folder resumes the list.
    again = Peer(data)
    try:
        rest = oai(again.url, verb="ListRecords", resumptionToken=token_of(second))
        ids = [h.text.rsplit(":", 1)[1] for h in rest.iter(f"{OAI}identifier")]
        assert ids == EXPECTED_ORDER[6:], ids
        assert again.stop() == 0
    finally:
        again.close()


# (check, server flags, fresh data folder?)
CHECKS = [
    (check_identify, [], False),
    (check_paging, [], False),
    (check_records, [], False),
    (check_from_until, [], False),
    (check_sets, [], False),
    (check_tokens, [], False),
    (check_errors, [], False),
    (check_post, [], False),
    (check_live_changes, [], True),
    (check_prefix_style, ["--prefix-style", "marc"], False),
    (check_fail_every, ["--fail-every", "3"], False),
    (check_stall_seconds, ["--stall-seconds", "1"], False),
    (check_stall_after, ["--stall-after", "2"], False),
    (check_die_after, ["--die-after", "2"], False),
]


def main():
    passed = failed = 0
    work = tempfile.mkdtemp(prefix="oai_server_check_")
    try:
        shared = os.path.join(work, "shared")
        make_data(shared)
        for number, (check, flags, fresh) in enumerate(CHECKS, start=1):
            data = shared
            if fresh:  # a check that edits the folder gets its own copy
                data = os.path.join(work, check.__name__)
                shutil.copytree(shared, data)  # copies mtimes too
            name = f"{check.__name__} {' '.join(flags)}".strip()
            peer = None
            try:
                peer = Peer(data, *flags)
                check(peer, data)
                if peer.proc.poll() is None:
                    status = peer.stop()
                    assert status == 0, f"exit status {status} on SIGTERM"
                print(f"ok {number} - {name}", flush=True)
                passed += 1
            except Exception:  # noqa: BLE001 - report and go on with the next check
                print(f"not ok {number} - {name}", flush=True)
                traceback.print_exc()
                if peer is not None:
                    print("--- server log ---\n" + peer.stderr(), file=sys.stderr)
                failed += 1
            finally:
                if peer is not None:
                    peer.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
