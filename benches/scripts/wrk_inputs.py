#!/usr/bin/env python3
"""Reads `unicat clusters` lines on stdin; prints wrk paths: searches made of
title words, ISBN lookups (ISBNs found with `unicat holdings --id`), and
patron-box searches (`patron`: every other one the title pasted with an ISBD
slash, every other one the title with a letter dropped from its longest
word)."""
import json
import re
import subprocess
import sys
import urllib.parse

config, unicat = sys.argv[1], sys.argv[2]
n = 0
k = 0
for line in sys.stdin:
    c = json.loads(line)
    words = [w for w in re.findall(r"\w+", c["title"]) if len(w) > 3][:2]
    if words:
        print("search /api/search?q=" + urllib.parse.quote(" ".join(words)))
    title = c["title"]
    k += 1
    if k % 2 == 0 or not words:
        patron = title + " /"
    else:
        longest = max(words, key=len)
        slipped = longest[:2] + longest[3:] if len(longest) > 4 else longest
        patron = title.replace(longest, slipped, 1)
    print("patron /api/search?q=" + urllib.parse.quote(patron))
    if n < 300:
        out = subprocess.run([unicat, "holdings", "--config", config, "--id", c["id"], "--json"], capture_output=True, text=True).stdout
        try:
            for isbn in json.loads(out)["clusters"][0]["isbns"][:1]:
                print(f"holdings /api/holdings?isbn={isbn}")
                n += 1
        except (ValueError, KeyError, IndexError):
            pass
