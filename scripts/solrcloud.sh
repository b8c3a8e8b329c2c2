#!/usr/bin/env bash
# A real SolrCloud on loopback for tests: one ZooKeeper 3.9 server and two Solr
# 9.10.1 nodes, each its own JVM, all bound to 127.0.0.1 on free ports.
#
#   scripts/solrcloud.sh build              build tests/solrcloud (Maven) if needed
#   scripts/solrcloud.sh start DIR          start ZooKeeper and the nodes; returns once
#                                           every node is in live_nodes
#   scripts/solrcloud.sh stop DIR           stop the nodes, then ZooKeeper (TERM, then
#                                           KILL after SOLRCLOUD_STOP_TIMEOUT); idempotent
#   scripts/solrcloud.sh node-stop DIR N    kill -9 node N (1-based: line N of DIR/urls)
#   scripts/solrcloud.sh node-start DIR N   start node N again on its port and Solr home;
#                                           returns once it is live and its replicas active
#   scripts/solrcloud.sh status DIR         print live_nodes as a node sees them
#
# After start, DIR holds:
#   urls      one node base URL per line, http://127.0.0.1:PORT/solr
#   pids      the node JVMs' process ids, one per line, in the same order
#   ports     the node ports, same order
#   zkhost    127.0.0.1:PORT of ZooKeeper        zk.pid  its process id
#   logs/     zk.log, solr1.log, solr2.log       node1/, node2/, zk/  homes and data
#
# DIR must be new, empty, or a DIR of an earlier run (which start wipes).
# The _default configset (tests/solrcloud/conf/_default) is in ZooKeeper from
# the first start on. See tests/solrcloud/README.md.
#
# Environment:
#   SOLRCLOUD_NODES          number of Solr nodes (2)
#   SOLRCLOUD_HEAP           heap of each node (512m); SOLRCLOUD_ZK_HEAP (128m)
#   SOLRCLOUD_START_TIMEOUT  seconds to wait for the cluster or a node (180)
#   SOLRCLOUD_STOP_TIMEOUT   seconds between TERM and KILL at stop (20)
#   SOLRCLOUD_OWNER_PID      if set, every JVM exits when that process ends
#                            (a test passes its own pid: nothing outlives it)
#   SOLRCLOUD_LOG_LEVEL      root log level of the JVMs (WARN)
#   SOLRCLOUD_JAVA_OPTS      extra JVM options for every JVM
#   SOLRCLOUD_ZK_CLIENT_TIMEOUT  Solr's ZooKeeper session timeout in ms (10000):
#                            how long a killed node stays in live_nodes
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/tests/solrcloud"
NODES="${SOLRCLOUD_NODES:-2}"
START_TIMEOUT="${SOLRCLOUD_START_TIMEOUT:-180}"
STOP_TIMEOUT="${SOLRCLOUD_STOP_TIMEOUT:-20}"
MARKER=".solrcloud-harness"

die() {
  echo "solrcloud: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# ---- building the module ---------------------------------------------------

# True when target/ has the compiled launchers and a classpath whose jars all
# exist, newer than the pom and every source.
built() {
  local cp="$MODULE/target/classpath.txt" jar
  [ -s "$cp" ] && [ -f "$MODULE/target/classes/unicat/solrcloud/SolrNode.class" ] || return 1
  [ -z "$(find "$MODULE/pom.xml" "$MODULE/src" -newer "$cp" -print -quit)" ] || return 1
  while IFS= read -r jar; do
    [ -z "$jar" ] || [ -e "$jar" ] || return 1
  done < <(tr ':' '\n' <"$cp")
  return 0
}

build() {
  mkdir -p "$MODULE/target"
  (
    flock 9
    built && exit 0
    local goals=(-B -q -f "$MODULE/pom.xml" compile dependency:build-classpath
      -Dmdep.outputFile="$MODULE/target/classpath.txt")
    local log="$MODULE/target/build.log"
    # Offline first: Maven's local repository usually has everything already.
    if ! mvn -o "${goals[@]}" >"$log" 2>&1; then
      echo "solrcloud: building tests/solrcloud (Maven, online)" >&2
      if ! mvn "${goals[@]}" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        exit 1
      fi
    fi
    # dependency:build-classpath leaves the file alone when it is unchanged.
    touch "$MODULE/target/classpath.txt"
  ) 9>"$MODULE/target/.build.lock" || die "the Maven build of tests/solrcloud failed (log: $MODULE/target/build.log)"
}

classpath() {
  echo "$MODULE/target/classes:$(cat "$MODULE/target/classpath.txt")"
}

# ---- processes -------------------------------------------------------------

# True while process PID runs. A JVM's main thread exits before the others
# have run the shutdown hooks (Jetty and ZooKeeper still hold their ports
# then), so a zombie leader with live threads counts as running; a process of
# which only the unreaped zombie is left does not.
alive() {
  local pid="$1" state threads
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/status" ] || return 1
  state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  threads="$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  [ -n "$state" ] || return 1
  [ "$state" != Z ] || [ "${threads:-1}" -gt 1 ]
}

# True when PID is a running JVM started by this harness (guards against a
# recycled pid in a stale DIR). /proc/PID/cmdline is empty once the main
# thread has exited; the name stays "java".
ours() {
  local pid="$1"
  alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] || return 1
  if [ -n "$(head -c 1 "/proc/$pid/cmdline" 2>/dev/null | tr -d '\0')" ]; then
    grep -qa 'unicat\.solrcloud\.' "/proc/$pid/cmdline" 2>/dev/null || return 1
  fi
  return 0
}

jvm_opts() {
  local heap="$1" dir="$2"
  local opts=(-Xms64m "-Xmx$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData
    -XX:+ExitOnOutOfMemoryError
    "-Dlog4j2.configurationFile=$MODULE/conf/log4j2.xml"
    "-Dsolrcloud.log.level=${SOLRCLOUD_LOG_LEVEL:-WARN}"
    "-Dsolr.log.dir=$dir/logs")
  local owner=""
  [ -f "$dir/owner.pid" ] && owner="$(cat "$dir/owner.pid")"
  [ -n "$owner" ] && opts+=("-Dsolrcloud.owner.pid=$owner")
  # shellcheck disable=SC2206
  [ -n "${SOLRCLOUD_JAVA_OPTS:-}" ] && opts+=($SOLRCLOUD_JAVA_OPTS)
  printf '%s\n' "${opts[@]}"
}

# start_node DIR N PORT: starts node N's JVM in the background (PORT 0: any
# free port); its pid goes to DIR/run/nodeN.pid, its port to DIR/run/nodeN.port
# once it has started.
start_node() {
  local dir="$1" n="$2" port="$3"
  local home="$dir/node$n" opts
  mkdir -p "$home"
  [ -f "$home/solr.xml" ] || cp "$MODULE/conf/solr.xml" "$home/solr.xml"
  rm -f "$dir/run/node$n.port"
  mapfile -t opts < <(jvm_opts "${SOLRCLOUD_HEAP:-512m}" "$dir")
  echo "=== $(date -u +%FT%TZ) start node $n (port $port)" >>"$dir/logs/solr$n.log"
  (
    cd "$home"
    exec java "${opts[@]}" \
      "-Dsolr.default.confdir=$MODULE/conf/_default/conf" \
      "-DzkClientTimeout=${SOLRCLOUD_ZK_CLIENT_TIMEOUT:-10000}" \
      -cp "$(classpath)" unicat.solrcloud.SolrNode \
      "$home" "$port" "$(cat "$dir/zkhost")" "$dir/run/node$n.port"
  ) </dev/null >>"$dir/logs/solr$n.log" 2>&1 &
  echo $! >"$dir/run/node$n.pid"
}

log_tail() {
  local file="$1"
  echo "--- last 40 lines of $file:" >&2
  tail -n 40 "$file" >&2 || true
}

# wait_port_file DIR NAME LOG: waits until the JVM whose pid is in
# DIR/run/NAME.pid has written DIR/run/NAME.port.
wait_port_file() {
  local dir="$1" name="$2" log="$3" deadline=$((SECONDS + START_TIMEOUT))
  local pid
  pid="$(cat "$dir/run/$name.pid")"
  while [ ! -s "$dir/run/$name.port" ]; do
    if ! alive "$pid"; then
      log_tail "$log"
      die "$name (pid $pid) exited during start-up"
    fi
    if [ $SECONDS -ge $deadline ]; then
      log_tail "$log"
      die "$name did not start within ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done
}

# cluster_json URL: CLUSTERSTATUS as JSON, or nothing.
cluster_json() {
  curl -sf -m 5 "$1/admin/collections?action=CLUSTERSTATUS&wt=json" 2>/dev/null || true
}

# cluster_check NODE_NAMES... < JSON: exits 0 when every node named is live
# and every replica on those nodes is active.
cluster_check() {
  python3 -c '
import json, sys
try:
    cluster = json.load(sys.stdin)["cluster"]
except Exception:
    sys.exit(1)
want = set(sys.argv[1:])
if not want <= set(cluster.get("live_nodes", [])):
    sys.exit(1)
for coll in (cluster.get("collections") or {}).values():
    for shard in (coll.get("shards") or {}).values():
        for replica in (shard.get("replicas") or {}).values():
            if replica.get("node_name") in want and replica.get("state") != "active":
                sys.exit(1)
' "$@"
}

# wait_live DIR URL LOG NODE_NAMES...: polls URL's CLUSTERSTATUS until the
# nodes are live and their replicas active.
wait_live() {
  local dir="$1" url="$2" log="$3" deadline=$((SECONDS + START_TIMEOUT))
  shift 3
  until cluster_json "$url" | cluster_check "$@"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "solrcloud: cluster state seen from $url:" >&2
      cluster_json "$url" >&2
      log_tail "$log"
      die "nodes $* not live (with active replicas) within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
}

# kill_wait SIGNAL TIMEOUT PIDS...: sends SIGNAL, waits up to TIMEOUT seconds;
# returns 1 if some process is still alive.
kill_wait() {
  local sig="$1" timeout="$2" pid alive
  shift 2
  local deadline=$((SECONDS + timeout))
  for pid in "$@"; do ours "$pid" && kill "-$sig" "$pid" 2>/dev/null || true; done
  while :; do
    alive=0
    for pid in "$@"; do ours "$pid" && alive=1; done
    [ $alive = 0 ] && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.1
  done
}

stop_pids() {
  [ $# -gt 0 ] || return 0
  kill_wait TERM "$STOP_TIMEOUT" "$@" || kill_wait KILL 10 "$@" || die "could not stop pids $*"
}

write_file() {
  local file="$1"
  shift
  printf '%s\n' "$@" >"$file.tmp"
  mv -f "$file.tmp" "$file"
}

node_pids() {
  local dir="$1" n pids=()
  for n in $(seq 1 "$NODES"); do
    [ -f "$dir/run/node$n.pid" ] && pids+=("$(cat "$dir/run/node$n.pid")")
  done
  [ -f "$dir/pids" ] && mapfile -t -O ${#pids[@]} pids <"$dir/pids"
  printf '%s\n' "${pids[@]}" | sort -u
}

# ---- commands ----------------------------------------------------------------

cmd_start() {
  local dir="$1"
  [[ "$NODES" =~ ^[1-9][0-9]*$ ]] || die "SOLRCLOUD_NODES must be a positive number"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -n "$(ls -A "$dir")" ]; then
    [ -f "$dir/$MARKER" ] || die "$dir is neither empty nor a DIR of this harness"
    if ours "$(cat "$dir/zk.pid" 2>/dev/null)"; then die "a cluster is running in $dir: stop it first"; fi
    local pid
    for pid in $(node_pids "$dir"); do ours "$pid" && die "a node is running in $dir: stop it first"; done
    rm -rf "$dir/zk" "$dir/run" "$dir/logs" "$dir"/node[0-9]* "$dir/urls" "$dir/pids" \
      "$dir/ports" "$dir/zkhost" "$dir/zk.pid" "$dir/owner.pid"
  fi
  touch "$dir/$MARKER"
  mkdir -p "$dir/run" "$dir/logs"
  [ -n "${SOLRCLOUD_OWNER_PID:-}" ] && echo "$SOLRCLOUD_OWNER_PID" >"$dir/owner.pid"

  build
  local t0=$SECONDS
  # Anything started is stopped again if start fails.
  trap 'cmd_stop "'"$dir"'" >/dev/null 2>&1 || true' EXIT

  local opts
  mapfile -t opts < <(jvm_opts "${SOLRCLOUD_ZK_HEAP:-128m}" "$dir")
  (
    cd "$dir"
    exec java "${opts[@]}" -cp "$(classpath)" unicat.solrcloud.ZkServer "$dir/zk" 0 "$dir/run/zk.port"
  ) </dev/null >>"$dir/logs/zk.log" 2>&1 &
  echo $! >"$dir/run/zk.pid"
  cp "$dir/run/zk.pid" "$dir/zk.pid"
  wait_port_file "$dir" zk "$dir/logs/zk.log"
  echo "127.0.0.1:$(cat "$dir/run/zk.port")" >"$dir/zkhost"

  local n
  for n in $(seq 1 "$NODES"); do start_node "$dir" "$n" 0; done
  local urls=() pids=() ports=() names=()
  for n in $(seq 1 "$NODES"); do
    wait_port_file "$dir" "node$n" "$dir/logs/solr$n.log"
    ports+=("$(cat "$dir/run/node$n.port")")
    pids+=("$(cat "$dir/run/node$n.pid")")
    urls+=("http://127.0.0.1:${ports[-1]}/solr")
    names+=("127.0.0.1:${ports[-1]}_solr")
  done
  wait_live "$dir" "${urls[0]}" "$dir/logs/solr1.log" "${names[@]}"
  write_file "$dir/ports" "${ports[@]}"
  write_file "$dir/pids" "${pids[@]}"
  write_file "$dir/urls" "${urls[@]}"
  trap - EXIT
  echo "solrcloud: $NODES nodes live in $((SECONDS - t0))s; ZooKeeper $(cat "$dir/zkhost"); urls in $dir/urls" >&2
}

cmd_stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  local pids=()
  mapfile -t pids < <(node_pids "$dir")
  local live=()
  local pid
  for pid in "${pids[@]}"; do [ -n "$pid" ] && ours "$pid" && live+=("$pid"); done
  stop_pids "${live[@]}"
  pid="$(cat "$dir/zk.pid" 2>/dev/null || true)"
  if ours "$pid"; then stop_pids "$pid"; fi
  return 0
}

node_index() {
  local dir="$1" n="$2"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "node number must be 1, 2, ...: $n"
  [ -f "$dir/urls" ] || die "no cluster was started in $dir"
  [ "$n" -le "$(wc -l <"$dir/urls")" ] || die "there is no node $n in $dir/urls"
}

cmd_node_stop() {
  local dir="$1" n="$2"
  node_index "$dir" "$n"
  local pid
  pid="$(sed -n "${n}p" "$dir/pids")"
  if ours "$pid"; then
    kill_wait KILL 10 "$pid" || die "node $n (pid $pid) did not die"
  fi
  echo "solrcloud: node $n killed; it leaves live_nodes when its ZooKeeper session expires" \
    "(~${SOLRCLOUD_ZK_CLIENT_TIMEOUT:-10000} ms)" >&2
}

cmd_node_start() {
  local dir="$1" n="$2"
  dir="$(cd "$dir" && pwd)"
  node_index "$dir" "$n"
  local pid port
  pid="$(sed -n "${n}p" "$dir/pids")"
  ours "$pid" && die "node $n is running (pid $pid)"
  ours "$(cat "$dir/zk.pid" 2>/dev/null)" || die "ZooKeeper of $dir is not running"
  port="$(sed -n "${n}p" "$dir/ports")"
  build
  local t0=$SECONDS
  start_node "$dir" "$n" "$port"
  wait_port_file "$dir" "node$n" "$dir/logs/solr$n.log"
  local pids=()
  mapfile -t pids <"$dir/pids"
  pids[n - 1]="$(cat "$dir/run/node$n.pid")"
  write_file "$dir/pids" "${pids[@]}"
  wait_live "$dir" "http://127.0.0.1:$port/solr" "$dir/logs/solr$n.log" "127.0.0.1:${port}_solr"
  echo "solrcloud: node $n live again in $((SECONDS - t0))s" >&2
}

cmd_status() {
  local dir="$1" url
  [ -f "$dir/urls" ] || die "no cluster was started in $dir"
  while read -r url; do
    printf '%s: ' "$url"
    cluster_json "$url" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["cluster"]["live_nodes"]))' 2>/dev/null ||
      echo "down"
  done <"$dir/urls"
}

[ $# -ge 1 ] || usage
case "$1" in
  build) build ;;
  start) [ $# = 2 ] || usage; cmd_start "$2" ;;
  stop) [ $# = 2 ] || usage; cmd_stop "$2" ;;
  node-stop) [ $# = 3 ] || usage; cmd_node_stop "$2" "$3" ;;
  node-start) [ $# = 3 ] || usage; cmd_node_start "$2" "$3" ;;
  status) [ $# = 2 ] || usage; cmd_status "$2" ;;
  *) usage ;;
esac
