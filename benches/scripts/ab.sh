#!/usr/bin/env bash
# Compares two builds of `unicat harvest` end to end, alternating their
# runs (A, Python pair, B, …) so that the machine's drift falls on both:
# this machine's speed moves by a third between hours and by 10–20 % from
# one minute to the next, more than most changes to measure.
#
#   benches/scripts/ab.sh OLD/unicat NEW/unicat [RUNS] [SPLIT10] [NET500K]
#
# RUNS defaults to 3; SPLIT10 to /work/bench-data/split10 (`bench split`);
# NET500K to benches/data/net500k (`netgen … --classes none`, see
# benches/README.md). Each split10 round also runs the pymarc + tantivy-py
# pair (benches/scripts/pymarc_tantivy.py, .venv with pymarc and tantivy)
# for the ratio of issue 17's check. Prints one line per run: wall, user,
# system seconds and peak RSS.
set -euo pipefail
a="$1"
b="$2"
runs="${3:-3}"
split10="${4:-/work/bench-data/split10}"
net500k="${5:-benches/data/net500k}"
python="${PYTHON:-.venv/bin/python}"
pair_index="$(mktemp -d)"
trap 'rm -rf "$pair_index"' EXIT

one() { # BIN NETWORK_DIR
    rm -rf "$2/index"
    /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB" "$1" harvest --config "$2/network.toml" 2>&1 >/dev/null | tail -1
}

for i in $(seq "$runs"); do
    echo "$(date +%T) split10 A $(one "$a" "$split10")"
    echo "$(date +%T) split10 pymarc+tantivy-py $("$python" benches/scripts/pymarc_tantivy.py "$split10/network.toml" "$pair_index" 2>&1 | tail -1)"
    echo "$(date +%T) split10 B $(one "$b" "$split10")"
done
for i in $(seq "$runs"); do
    echo "$(date +%T) net500k A $(one "$a" "$net500k")"
    echo "$(date +%T) net500k B $(one "$b" "$net500k")"
done
