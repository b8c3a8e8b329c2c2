#!/usr/bin/env python3
"""The comparison baseline: parse a network's exports with pymarc and index
them with tantivy-py (title, author, ISBN, year), without clustering.

Usage: pymarc_tantivy.py NETWORK.toml INDEX_DIR
Prints records, seconds and records/s. Needs: pip install pymarc==5.4.0 tantivy
"""
import glob
import os
import sys
import time
import tomllib
import warnings

import pymarc
import tantivy

warnings.simplefilter("ignore")


def records(path, fmt):
    if fmt == "iso2709":
        with open(path, "rb") as fh:
            for r in pymarc.MARCReader(fh):
                if r is not None:
                    yield r
    elif fmt == "marcxml":
        recs = []
        pymarc.map_xml(recs.append, path)
        yield from recs
    else:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    yield from pymarc.JSONReader(line)


def main():
    config, out = sys.argv[1], sys.argv[2]
    with open(config, "rb") as fh:
        net = tomllib.load(fh)
    base = os.path.dirname(os.path.abspath(config))
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    builder.add_text_field("author")
    builder.add_text_field("isbn", tokenizer_name="raw")
    builder.add_text_field("library", tokenizer_name="raw", stored=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    schema = builder.build()
    os.makedirs(out, exist_ok=True)
    index = tantivy.Index(schema, path=out)
    writer = index.writer(heap_size=256_000_000)
    started = time.time()
    n = 0
    for lib in net["library"]:
        src = lib["source"]
        fmt = src.get("format", "iso2709")
        for path in sorted(glob.glob(os.path.join(base, src["path"]))):
            for r in records(path, fmt):
                title = r["245"]["a"] if r.get("245") and r["245"].get("a") else ""
                author = r["100"]["a"] if r.get("100") and r["100"].get("a") else ""
                isbns = [f["a"] for f in r.get_fields("020") if f.get("a")]
                year = 0
                f008 = r.get("008")
                if f008 is not None and f008.data[7:11].isdigit():
                    year = int(f008.data[7:11])
                writer.add_document(tantivy.Document(title=title, author=author, isbn=isbns, library=lib["id"], year=year))
                n += 1
    writer.commit()
    writer.wait_merging_threads()
    secs = time.time() - started
    print(f"pymarc + tantivy: {n} records in {secs:.1f} s = {n / secs:.0f} records/s")


if __name__ == "__main__":
    main()
