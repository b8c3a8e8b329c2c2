#!/usr/bin/env python3
"""Dump MARC files as pymarc 5.x reads them, for Unicat's cross-parser test.

Usage: pymarc_dump.py FORMAT:PATH ...   (FORMAT = iso2709 | marcxml | json)

Prints one JSON object: {PATH: [entry, ...]} where each entry is
  {"offset": byte offset (ISO 2709 only), "record": {...} | null,
   "error": str | null, "warnings": bool}
and a record is {"leader": str, "fields": [[tag, value] | [tag, ind1, ind2, [[code, value], ...]]]}.
"warnings" is true when pymarc's MARC-8 decoder complained (its output is then
lossy and not a fair reference).
"""
import contextlib
import io
import json
import sys
import warnings

import pymarc

warnings.simplefilter("ignore")


def dump(rec):
    fields = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append([f.tag, f.data])
        else:
            fields.append([f.tag, f.indicators[0], f.indicators[1],
                           [[s.code, s.value] for s in f.subfields]])
    return {"leader": str(rec.leader), "fields": fields}


def read_iso(path):
    out = []
    with open(path, "rb") as fh:
        reader = pymarc.MARCReader(fh)
        while True:
            offset = fh.tell()
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except Exception as e:  # pymarc raising instead of yielding None
                    out.append({"offset": offset, "record": None, "error": repr(e), "warnings": False})
                    break
            if rec is None:
                out.append({"offset": offset, "record": None,
                            "error": type(reader.current_exception).__name__, "warnings": False})
            else:
                out.append({"offset": offset, "record": dump(rec), "error": None,
                            "warnings": bool(err.getvalue().strip())})
    return out


def read_xml(path):
    try:
        recs = pymarc.parse_xml_to_array(path)
    except Exception as e:
        return [{"offset": None, "record": None, "error": repr(e), "warnings": False}]
    return [{"offset": None, "record": dump(r), "error": None, "warnings": False} for r in recs]


def read_json(path):
    try:
        with open(path, encoding="utf-8") as fh:
            recs = list(pymarc.JSONReader(fh.read()))
    except Exception as e:
        return [{"offset": None, "record": None, "error": repr(e), "warnings": False}]
    return [{"offset": None, "record": dump(r), "error": None, "warnings": False} for r in recs]


def main():
    result = {}
    for arg in sys.argv[1:]:
        fmt, path = arg.split(":", 1)
        result[path] = {"iso2709": read_iso, "marcxml": read_xml, "json": read_json}[fmt](path)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
