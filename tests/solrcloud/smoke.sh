#!/usr/bin/env bash
# End-to-end check of scripts/solrcloud.sh with curl: start the cluster, the
# _default configset, a configset uploaded through the Configsets API, a
# collection of 2 shards x 2 replicas, two documents, a query from each node,
# the loss of a node (queries and an update on the other once a leader is
# elected), the node's return, and stop. About a minute.
#
#   tests/solrcloud/smoke.sh [DIR]      (DIR: a temporary directory by default)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SC="$ROOT/scripts/solrcloud.sh"
own_dir=0
if [ $# -ge 1 ]; then DIR="$1"; else DIR="$(mktemp -d -t solrcloud-smoke.XXXXXX)"; own_dir=1; fi
passed=0
failed=0

cleanup() {
  "$SC" stop "$DIR" || true
  # A temporary DIR is kept when something failed, for its logs.
  if [ $own_dir = 1 ] && [ $failed = 0 ]; then rm -rf "$DIR"; else echo "logs: $DIR/logs"; fi
}
trap cleanup EXIT

ok() {
  passed=$((passed + 1))
  echo "ok   $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}

# json EXPR < JSON: prints EXPR evaluated on the parsed JSON as d (or "?").
json() {
  python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(eval(sys.argv[1]))
except Exception as e:
    print("?", e)
' "$1"
}

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# until_true SECONDS CMD...: runs CMD until it succeeds, at most SECONDS.
until_true() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.25
  done
}

num_found() { # URL [extra params]
  curl -s -m 10 "$1/t/select?q=*:*&rows=0&wt=json${2:-}" | json 'd["response"]["numFound"]'
}

t0=$(now)
"$SC" start "$DIR"
echo "start took $(since "$t0")s"
mapfile -t URLS <"$DIR/urls"
mapfile -t PIDS <"$DIR/pids"
U1="${URLS[0]}"
U2="${URLS[1]}"
[ ${#URLS[@]} = 2 ] && [ ${#PIDS[@]} = 2 ] && ok "urls and pids list two nodes: ${URLS[*]}" || fail "urls/pids: ${URLS[*]} / ${PIDS[*]}"
for pid in "${PIDS[@]}" "$(cat "$DIR/zk.pid")"; do
  echo "  pid $pid RSS $(awk '/^VmRSS:/ {print int($2/1024) " MiB"}' "/proc/$pid/status")"
done

live="$(curl -s "$U1/admin/collections?action=CLUSTERSTATUS&wt=json" | json 'sorted(d["cluster"]["live_nodes"])')"
[[ "$live" == *"127.0.0.1:"*"127.0.0.1:"* ]] && ok "live_nodes are loopback addresses: $live" || fail "live_nodes: $live"

configsets="$(curl -s "$U1/admin/configs?action=LIST&wt=json" | json 'd["configSets"]')"
[[ "$configsets" == *_default* ]] && ok "the _default configset is in ZooKeeper: $configsets" || fail "configsets: $configsets"

# A configset uploaded without authentication is marked untrusted.
zip="$DIR/smoke-configset.zip"
(cd "$ROOT/tests/solrcloud/conf/_default/conf" && python3 -c '
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(os.listdir(".")):
        z.write(f)
' "$zip")
up="$(curl -s -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$zip" \
  "$U2/admin/configs?action=UPLOAD&name=smoke&wt=json" | json 'd["responseHeader"]["status"]')"
[ "$up" = 0 ] && ok "configset uploaded with the Configsets API (no authentication)" || fail "configset upload: $up"

t1=$(now)
# (The CREATE response names each node once per core: a JSON object with
# repeated keys, so the cores are counted in the text.)
created="$(curl -s -m 120 "$U1/admin/collections?action=CREATE&name=t&numShards=2&replicationFactor=2&collection.configName=_default&waitForFinalState=true&wt=json" |
  grep -o '"core":"t_shard[0-9]_replica_n[0-9]*"' | sort | tr '\n' ' ')"
[[ "$created" == *t_shard1*t_shard1*t_shard2*t_shard2* ]] && ok "collection t (2 shards x 2 replicas) created in $(since "$t1")s: $created" || fail "create t: $created"

created="$(curl -s -m 120 "$U2/admin/collections?action=CREATE&name=u&numShards=1&replicationFactor=1&collection.configName=smoke&waitForFinalState=true&wt=json" |
  json 'd.get("success") and "ok" or d')"
[ "$created" = ok ] && ok "collection u created from the uploaded (untrusted) configset" || fail "create u: $created"
grep -h "Creating SolrCore 'u_" "$DIR"/logs/solr*.log | sed 's/^/  log: /' | head -1 || true

added="$(curl -s -X POST -H 'Content-Type: application/json' "$U2/t/update?commit=true&wt=json" \
  -d '[{"id":"1","title_t":"Moby Dick","author_s":"Melville"},{"id":"2","title_t":"Dracula","author_s":"Stoker"}]' |
  json 'd["responseHeader"]["status"]')"
[ "$added" = 0 ] && ok "two JSON documents added and committed" || fail "add: $added"
for u in "$U1" "$U2"; do
  n="$(num_found "$u")"
  [ "$n" = 2 ] && ok "query on $u finds 2" || fail "query on $u: $n"
done
hit="$(curl -s "$U1/t/select?q=title_t:moby&fl=id&wt=json" | json '[x["id"] for x in d["response"]["docs"]]')"
[ "$hit" = "['1']" ] && ok "text query title_t:moby finds id 1" || fail "title_t:moby: $hit"

# Node loss: the node that leads shard1 is killed; the other answers queries
# at once (it has a replica of each shard) and takes updates once it leads
# both shards (its ZooKeeper session must expire first, ~10 s).
leader="$(curl -s "$U1/admin/collections?action=CLUSTERSTATUS&collection=t&wt=json" |
  json '[r["base_url"] for r in d["cluster"]["collections"]["t"]["shards"]["shard1"]["replicas"].values() if r.get("leader") == "true"][0]')"
if [ "$leader" = "$U1" ]; then K=1; KU="$U1"; SU="$U2"; else K=2; KU="$U2"; SU="$U1"; fi
echo "  shard1's leader is node $K ($leader)"
t2=$(now)
"$SC" node-stop "$DIR" "$K"
n="$(num_found "$SU")"
[ "$n" = 2 ] && ok "query on the other node right after node $K was killed finds 2" || fail "query after kill: $n"
add3() {
  [ "$(curl -s -m 10 -X POST -H 'Content-Type: application/json' "$SU/t/update?commit=true&wt=json" \
    -d '[{"id":"3","title_t":"Frankenstein"}]' | json 'd["responseHeader"]["status"]')" = 0 ]
}
if until_true 90 add3; then ok "update accepted $(since "$t2")s after the kill (new shard1 leader)"; else fail "no update within 90s of the kill"; fi
n="$(num_found "$SU")"
[ "$n" = 3 ] && ok "query on the surviving node finds 3" || fail "query on the surviving node: $n"
state="$(curl -s "$SU/admin/collections?action=CLUSTERSTATUS&wt=json" | json '(len(d["cluster"]["live_nodes"]), sorted(r["node_name"] for s in d["cluster"]["collections"]["t"]["shards"].values() for r in s["replicas"].values() if r.get("leader") == "true"))')"
echo "  live_nodes and leaders $(since "$t2")s after the kill: $state"

t3=$(now)
"$SC" node-start "$DIR" "$K"
echo "node-start took $(since "$t3")s"
n="$(num_found "$KU")"
[ "$n" = 3 ] && ok "query on node $K after its restart finds 3" || fail "query on node $K after restart: $n"
[ "$(sed -n "${K}p" "$DIR/pids")" != "${PIDS[K - 1]}" ] && ok "DIR/pids has node $K's new pid" || fail "DIR/pids not updated"
[ "$(sed -n "${K}p" "$DIR/urls")" = "$KU" ] && ok "node $K is back on its port" || fail "node $K's url changed"
cores="$(curl -s "$KU/admin/cores?action=STATUS&wt=json" | json 'sorted((k, v["index"]["numDocs"]) for k, v in d["status"].items() if k.startswith("t_"))')"
echo "  node $K's cores after recovery: $cores"

for n in 1 2; do
  echo "  node $n pid $(sed -n "${n}p" "$DIR/pids") RSS $(awk '/^VmRSS:/ {print int($2/1024) " MiB"}' "/proc/$(sed -n "${n}p" "$DIR/pids")/status") (after the workload)"
done
echo "  zookeeper RSS $(awk '/^VmRSS:/ {print int($2/1024) " MiB"}' "/proc/$(cat "$DIR/zk.pid")/status")"

"$SC" stop "$DIR"
gone=1
for pid in $(cat "$DIR/pids") "$(cat "$DIR/zk.pid")"; do
  if grep -qs '^State:.*[RSD]' "/proc/$pid/status"; then gone=0; fi
done
[ $gone = 1 ] && ok "stop ended every JVM" || fail "a JVM outlived stop"
"$SC" stop "$DIR" && ok "a second stop is a no-op" || fail "second stop"
curl -s -m 2 "$U2/admin/info/system" >/dev/null && fail "node 2 still answers" || ok "nothing answers on the node ports"

echo "smoke: $passed passed, $failed failed"
[ $failed = 0 ]
