#!/usr/bin/env bash
# wrk against /api/search and /api/holdings for DURATION at saturation while a
# harvest of the same network runs; samples the server's RSS every second.
# Usage: load.sh NETWORK.toml [DURATION]
set -uo pipefail
config=$1
duration=${2:-60s}
unicat=${UNICAT:-target/release/unicat}
here=$(cd "$(dirname "$0")" && pwd)
port=18181
"$unicat" serve --config "$config" --addr 127.0.0.1:$port >/tmp/unicat-load-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# Queries and ISBNs from the index itself.
"$unicat" clusters --config "$config" 2>/dev/null | head -3000 | python3 "$here/wrk_inputs.py" "$config" "$unicat" > /tmp/unicat-wrk-paths.txt
(while kill -0 $server 2>/dev/null; do ps -o rss= -p $server; sleep 1; done) > /tmp/unicat-rss.txt &
sampler=$!
"$unicat" harvest --config "$config" --full >/tmp/unicat-load-harvest.log 2>&1 &
harvest=$!
for kind in search holdings; do
  echo "== /api/$kind =="
  PATHS=/tmp/unicat-wrk-paths.txt KIND=$kind wrk -t2 -c32 -d"$duration" --latency -s "$here/wrk_paths.lua" "http://127.0.0.1:$port"
done
wait $harvest; echo "harvest during the load: exit $?"; tail -3 /tmp/unicat-load-harvest.log
kill $sampler 2>/dev/null
echo "server RSS (MiB) min/median/max over the run:"
sort -n /tmp/unicat-rss.txt | awk '{a[NR]=$1} END {printf "%.0f / %.0f / %.0f\n", a[1]/1024, a[int((NR+1)/2)]/1024, a[NR]/1024}'
