#!/usr/bin/env python3
"""Reads `unicat clusters` lines on stdin; prints wrk paths: searches made of
title words, and ISBN lookups (ISBNs found with `unicat holdings --id`)."""
import json
import re
import subprocess
import sys
import urllib.parse

config, unicat = sys.argv[1], sys.argv[2]
n = 0
for line in sys.stdin:
    c = json.loads(line)
    words = [w for w in re.findall(r"\w+", c["title"]) if len(w) > 3][:2]
    if words:
        print("search /api/search?q=" + urllib.parse.quote(" ".join(words)))
    if n < 300:
        out = subprocess.run([unicat, "holdings", "--config", config, "--id", c["id"], "--json"], capture_output=True, text=True).stdout
        try:
            for isbn in json.loads(out)["clusters"][0]["isbns"][:1]:
                print(f"holdings /api/holdings?isbn={isbn}")
                n += 1
        except (ValueError, KeyError, IndexError):
            pass
