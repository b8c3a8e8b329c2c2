#!/usr/bin/env bash
# Capacity: a network of about RECORDS library records harvested from
# scratch on this machine, then measured (issue 22). One size per run; the
# network is deleted at the end (KEEP=1 keeps it), so that sizes are
# measured one at a time within the disk.
#
#   benches/scripts/capacity.sh RECORDS LIBRARIES [OUT]
#
# The network: the LC corpus (250,000 records) repeated by `bench repeat`
# (each further copy a distinct manifestation: 001 prefixed, "(set k)"
# after the title, its identifiers dropped), then netgen with LIBRARIES
# libraries and as many originals as make RECORDS records (netgen makes
# about 2.78 library records per original: copies in 1–6 libraries, and
# siblings as for net500k; --classes none, as net500k).
# Prints: generation, then the harvest (wall time, peak RSS, the stages),
# store and index size, in-process latencies (bench queries), and wrk on
# /api/search and /api/holdings with the server's RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:?RECORDS}
libraries=${2:?LIBRARIES}
out=${3:-benches/data/capacity/net$records}
lc=${LC:-/work/main/benches/data/pymarc-5.4.0/BooksAll.2016.part01.utf8}
bin=${BIN:-target/release}
port=${PORT:-18282}
originals=$(( records * 1000 / 2783 ))
times=$(( (originals + 247999) / 248000 ))
[ -x "$bin/unicat" ] && [ -x "$bin/bench" ] && [ -x "$bin/netgen" ] || { echo "build first: cargo build --release -p unicat -p unicat-benches" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
rm -rf "$out"
corpus="$(dirname "$out")/corpus-x$times.mrc"
echo "== network: $records records wanted, $libraries libraries, $originals originals from the LC corpus x $times"
df -h --output=avail /work | tail -1 | sed 's/^/disk free before: /'
if [ ! -f "$corpus" ]; then "${REPEAT_BIN:-$bin/bench}" repeat --corpus "$lc" --out "$corpus" --times "$times"; fi
/usr/bin/time -f "netgen: wall %e s, peak RSS %M KB" "$bin/netgen" --input "$corpus" --libraries "$libraries" \
  --max-records "$originals" --classes none --seed 1 --out "$out" 2>&1 | tail -2
rm -f "$corpus"
grep -E "^\| (library records|manifestations|originals drawn) " "$out/README.md"
du -sh --exclude=index "$out" | sed 's/^/exports + truth: /'

echo "== harvest + cluster + index from scratch"
/usr/bin/time -f "wall %e s, peak RSS %M KB, CPU %P" "$bin/unicat" harvest --config "$out/network.toml" 2>&1 |
  grep -E "records from|clustered|indexed|wall" || true
echo "store: $(du -m "$out/index/store.redb" | cut -f1) MiB, index: $(du -sm "$out/index/tantivy" | cut -f1) MiB"
df -h --output=avail /work | tail -1 | sed 's/^/disk free after the harvest: /'

echo "== nothing changed: a second harvest"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$bin/unicat" harvest --config "$out/network.toml" 2>&1 | grep -E "wall" || true

echo "== in-process latencies"
"$bin/bench" queries --config "$out/network.toml" --n ${QUERIES:-20000}

echo "== HTTP under wrk (wrk on the same cores)"
"$bin/unicat" serve --config "$out/network.toml" --addr 127.0.0.1:$port >/tmp/unicat-capacity-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# `unicat clusters | head` exits 1 on the closed pipe: not a failure here.
{ "$bin/unicat" clusters --config "$out/network.toml" 2>/dev/null || true; } | head -3000 |
  python3 benches/scripts/wrk_inputs.py "$out/network.toml" "$bin/unicat" >/tmp/unicat-capacity-paths.txt
for kind in search holdings; do
  PATHS=/tmp/unicat-capacity-paths.txt KIND=$kind wrk -t2 -c32 -d3s -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" >/dev/null
  echo "-- /api/$kind"
  PATHS=/tmp/unicat-capacity-paths.txt KIND=$kind wrk -t2 -c32 -d${WRK_SECS:-15}s --latency -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" |
    grep -E "50%|99%|Requests/sec|non-2xx"
done
echo "-- serving RSS: $(($(ps -o rss= -p $server) / 1024)) MiB"
kill $server
wait $server 2>/dev/null || true
[ "${KEEP:-0}" = 1 ] || rm -rf "$out"
df -h --output=avail /work | tail -1 | sed 's/^/disk free at the end: /'
