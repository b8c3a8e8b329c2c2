#!/usr/bin/env bash
# Seeds the fuzz corpora with real records from fixtures/ (one file per record).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/{iso2709,marcxml,marcjson,marc8,cql,query}
find ../fixtures/data -name '*.mrc' -size -64k | head -200 | while read -r f; do cp "$f" "corpus/iso2709/$(basename "$f")"; done
find ../fixtures/data -name '*.xml' -size -64k | head -200 | while read -r f; do cp "$f" "corpus/marcxml/$(basename "$f")"; done
find ../fixtures/data \( -name '*.json' -o -name '*.ndj' -o -name '*.jsonl' \) -size -64k | head -100 | while read -r f; do cp "$f" "corpus/marcjson/$(basename "$f")"; done
split -l 1 ../fixtures/marc8/test_marc8.txt corpus/marc8/line-
grep -v '^#' ../fixtures/cql/cql2xcqlsample | grep -v '^$' | split -l 1 - corpus/cql/q-
grep -v "^#" ../fixtures/demo/examples.txt | cut -f2 | sed "s/.*q=//" > corpus/query/examples; printf "title:rome AND year:[1990 TO 2000]" > corpus/query/fielded
