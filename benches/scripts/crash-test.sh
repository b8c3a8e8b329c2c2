#!/usr/bin/env bash
# kill -9 the harvester at random moments; after each kill the record store
# and the index must open with the last committed state, and the next harvest
# must complete. Usage: [MAX_DELAY=seconds] crash-test.sh NETWORK.toml [ROUNDS]
set -uo pipefail
config=$1
rounds=${2:-20}
unicat=${UNICAT:-target/release/unicat}
clusters() { "$unicat" clusters --config "$config" 2>/dev/null | wc -l; }
"$unicat" harvest --config "$config" --full >/dev/null 2>&1 || { echo "baseline harvest failed"; exit 1; }
baseline=$(clusters)
echo "baseline: $baseline clusters"
echo "| round | killed after (s) | store and index open | clusters after the kill | search works |"
echo "|---:|---:|---|---:|---|"
ok=0
for i in $(seq 1 "$rounds"); do
  delay=$(awk -v s="$RANDOM" -v m="${MAX_DELAY:-12}" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * m }')
  "$unicat" harvest --config "$config" --full >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  after=$(clusters)
  if "$unicat" search --config "$config" "history" >/dev/null 2>&1; then search=yes; else search=NO; fi
  if [ "$after" -gt 0 ] && [ "$search" = yes ]; then open=yes; ok=$((ok + 1)); else open=NO; fi
  echo "| $i | $delay | $open | $after | $search |"
done
"$unicat" harvest --config "$config" >/dev/null 2>&1 && rerun=completed || rerun=FAILED
final=$(clusters)
echo
echo "$ok of $rounds rounds opened with a committed state; the rerun $rerun with $final clusters (baseline $baseline)"
[ "$ok" -eq "$rounds" ] && [ "$rerun" = completed ] && [ "$final" -eq "$baseline" ]
