#!/usr/bin/env bash
# The whole performance table in one run: parsing (with yaz-marcdump), the
# split10 harvest (with the pymarc + tantivy-py baseline on the same files),
# the net500k harvest, in-process query latencies, and the HTTP service under
# wrk (search, holdings, SRU) with its RSS. Prints each figure's source
# lines; BENCHMARKS.md holds the results.
#
# Needs: release binaries (cargo build --release -p unicat -p unicat-benches),
# benches/fetch-corpus.sh, the split10 and net500k networks (benches/README.md),
# yaz-marcdump, wrk, and .venv with pymarc 5.4.0 and tantivy.
# Usage: benches/scripts/all.sh [SPLIT10_DIR] [NET500K_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
split10=${1:-/work/bench-data/split10}
net=${2:-benches/data/net500k}
lc=benches/data/pymarc-5.4.0/BooksAll.2016.part01.utf8
xml=${LC_XML:-/work/bench-data/lc.xml}
bin=target/release
port=18181
time_fmt="wall %e s, peak RSS %M KB, CPU %P"

echo "== parsing: bench marc (yaz-marcdump side by side)"
"$bin/bench" marc --corpus "$lc" --xml "$xml"

echo "== split10: harvest + cluster + index from scratch"
rm -rf "$split10/index"
/usr/bin/time -f "$time_fmt" "$bin/unicat" harvest --config "$split10/network.toml" 2>&1 |
  grep -E "records from|clustered|indexed|wall"

echo "== split10: pymarc 5.4 + tantivy-py baseline"
rm -rf /tmp/unicat-pt-idx
/usr/bin/time -f "$time_fmt" .venv/bin/python benches/scripts/pymarc_tantivy.py "$split10/network.toml" /tmp/unicat-pt-idx 2>&1 | tail -3

echo "== net500k: harvest + cluster + index from scratch"
rm -rf "$net/index"
/usr/bin/time -f "$time_fmt" "$bin/unicat" harvest --config "$net/network.toml" 2>&1 |
  grep -E "records from|clustered|indexed|wall"

echo "== net500k: in-process latencies"
"$bin/bench" queries --config "$net/network.toml" --n 20000

echo "== net500k: HTTP under wrk (wrk on the same cores)"
"$bin/unicat" serve --config "$net/network.toml" --addr 127.0.0.1:$port >/tmp/unicat-all-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
"$bin/unicat" clusters --config "$net/network.toml" 2>/dev/null | head -3000 |
  python3 benches/scripts/wrk_inputs.py "$net/network.toml" "$bin/unicat" >/tmp/unicat-wrk-paths.txt
for kind in search patron holdings; do
  # One warm-up pass, then the measured run.
  PATHS=/tmp/unicat-wrk-paths.txt KIND=$kind wrk -t2 -c32 -d5s -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" >/dev/null
  echo "-- /api/$kind"
  PATHS=/tmp/unicat-wrk-paths.txt KIND=$kind wrk -t2 -c32 -d30s --latency -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" |
    grep -E "50%|99%|Requests/sec|non-2xx"
done
echo "-- /sru searchRetrieve dc.title=history, 10 MARCXML records"
wrk -t2 -c32 -d30s --latency "http://127.0.0.1:$port/sru?version=1.2&operation=searchRetrieve&query=dc.title%3Dhistory&maximumRecords=10&recordSchema=marcxml" |
  grep -E "50%|99%|Requests/sec|Non-2xx"
echo "-- serving RSS: $(($(ps -o rss= -p $server) / 1024)) MiB"
