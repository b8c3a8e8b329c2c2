#!/usr/bin/env bash
# Fetches the benchmark corpus: 250,000 Library of Congress MARC records
# (BooksAll.2016.part01.utf8, ISO 2709 in UTF-8, 241 MB) that ship inside
# pymarc 5.4.0's source distribution on PyPI. It is never committed: it goes
# to benches/data/ (git-ignored), or to the folder given as the argument.
#
#   benches/fetch-corpus.sh            # → benches/data/pymarc-5.4.0/BooksAll.2016.part01.utf8
#   cargo run --release -p unicat-benches --bin netgen -- \
#     --input benches/data/pymarc-5.4.0/BooksAll.2016.part01.utf8 \
#     --libraries 10 --seed 1 --classes none --out benches/data/net500k
#
# Prints the corpus path. Does nothing when the corpus is already there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${1:-$here/data}"
version="5.4.0"
corpus="$data/pymarc-$version/BooksAll.2016.part01.utf8"
expected_bytes=241731867

if [[ -f "$corpus" ]] && [[ "$(wc -c <"$corpus")" -eq "$expected_bytes" ]]; then
    echo "$corpus"
    exit 0
fi

mkdir -p "$data"
python="${PYTHON:-python3}"
# The source distribution (not the wheel) carries the test corpus.
"$python" -m pip download --no-deps --no-binary :all: -d "$data" "pymarc==$version" >&2
tarball="$data/pymarc-$version.tar.gz"
[[ -f "$tarball" ]] || { echo "fetch-corpus: pip did not leave $tarball" >&2; exit 1; }
tar -xzf "$tarball" -C "$data"

bytes="$(wc -c <"$corpus")"
if [[ "$bytes" -ne "$expected_bytes" ]]; then
    echo "fetch-corpus: $corpus is $bytes bytes, expected $expected_bytes" >&2
    exit 1
fi
echo "$corpus"
