#!/usr/bin/env bash
# Tantivy and SolrCloud side by side, in one run (issue 23): one network
# harvested from scratch into the embedded index, then into a two-node
# SolrCloud on this machine (scripts/solrcloud.sh; ZooKeeper and both Solr
# JVMs share the cores with Unicat), then the same in-process latencies
# (bench queries) and HTTP throughput (wrk) against each, and the RSS of
# every process.
#
#   benches/scripts/solr.sh benches/data/net500k
#
# Environment: SHARDS (2), REPLICAS (1), SOLRCLOUD_HEAP (2g), QUERIES (2000),
# WRK_SECS (15), KEEP=1 keeps the work folder.
set -euo pipefail
net=$(cd "${1:?usage: solr.sh NETWORK_DIR}" && pwd)
cd "$(dirname "$0")/../.."
cargo build --release -q -p unicat -p unicat-benches
bin=$PWD/target/release
work=$(mktemp -d /tmp/unicat-solr-bench.XXXX)
cloud=$work/cloud
serve_pids=()
cleanup() {
  for p in "${serve_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/solrcloud.sh stop "$cloud" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
SOLRCLOUD_HEAP=${SOLRCLOUD_HEAP:-2g} SOLRCLOUD_OWNER_PID=$$ scripts/solrcloud.sh start "$cloud"
nodes=$(sed 's/.*/"&"/' "$cloud/urls" | paste -sd, -)

# Two configurations of the same network, each with its own index folder
# (the sources are read where they are).
sed -e "s|^index_dir = .*|index_dir = \"$work/tantivy\"|" \
    -e "s|^path = \"|path = \"$net/|" "$net/network.toml" >"$work/tantivy.toml"
awk -v idx="$work/solr" -v nodes="$nodes" -v shards="${SHARDS:-2}" -v replicas="${REPLICAS:-1}" -v net="$net" '
  /^index_dir = / { print "index_dir = \"" idx "\""; next }
  /^\[\[library\]\]/ && !done { print "[index]\nbackend = \"solr\"\nsolr = [" nodes "]\ncollection = \"bench\"\nshards = " shards "\nreplicas = " replicas "\n"; done = 1 }
  /^path = "/ { sub(/^path = "/, "path = \"" net "/") }
  { print }' "$net/network.toml" >"$work/solr.toml"
"$bin/unicat" solr init --config "$work/solr.toml"

for engine in tantivy solr; do
  echo "== $engine: harvest + cluster + index from scratch"
  /usr/bin/time -f "wall %e s, peak RSS %M KB, CPU %P" "$bin/unicat" harvest --config "$work/$engine.toml" 2>&1 |
    grep -E "records from|clustered|indexed|wall|Solr" || true
done
echo "local index: $(du -sm "$work/solr/tantivy" | cut -f1) MiB; Solr cores on disk: $(du -scm "$cloud"/node*/ | tail -1 | cut -f1) MiB"
echo "== solr: reindex from the store (local index and collection)"
/usr/bin/time -f "wall %e s, peak RSS %M KB, CPU %P" "$bin/unicat" reindex --config "$work/solr.toml" 2>&1 | grep -E "reindexed|wall"
echo "== tantivy: reindex from the store"
/usr/bin/time -f "wall %e s, peak RSS %M KB, CPU %P" "$bin/unicat" reindex --config "$work/tantivy.toml" 2>&1 | grep -E "reindexed|wall"

for engine in tantivy solr; do
  echo "== $engine: in-process latencies"
  "$bin/bench" queries --config "$work/$engine.toml" --n "${QUERIES:-2000}" | grep -E "^\|"
done

echo "== HTTP under wrk (wrk, Unicat and Solr on the same two cores)"
{ "$bin/unicat" clusters --config "$work/tantivy.toml" 2>/dev/null || true; } | head -3000 |
  python3 benches/scripts/wrk_inputs.py "$work/tantivy.toml" "$bin/unicat" >"$work/paths.txt"
port=18300
for engine in tantivy solr; do
  port=$((port + 1))
  "$bin/unicat" serve --config "$work/$engine.toml" --addr 127.0.0.1:$port >"$work/serve-$engine.log" 2>&1 &
  serve_pids+=($!)
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for kind in search holdings; do
    PATHS="$work/paths.txt" KIND=$kind wrk -t2 -c16 -d3s -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" >/dev/null
    echo "-- $engine /api/$kind"
    PATHS="$work/paths.txt" KIND=$kind wrk -t2 -c16 -d"${WRK_SECS:-15}"s --latency -s benches/scripts/wrk_paths.lua "http://127.0.0.1:$port" |
      grep -E "50%|99%|Requests/sec|non-2xx"
  done
  echo "-- $engine: unicat serve RSS $(($(ps -o rss= -p "${serve_pids[-1]}") / 1024)) MiB"
done
i=0
while read -r pid; do
  i=$((i + 1))
  echo "-- Solr node $i RSS $(($(ps -o rss= -p "$pid") / 1024)) MiB"
done <"$cloud/pids"
echo "-- ZooKeeper RSS $(($(ps -o rss= -p "$(cat "$cloud/zk.pid")") / 1024)) MiB"
