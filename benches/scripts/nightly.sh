#!/usr/bin/env bash
# Nightly harvests: what a re-harvest costs when nothing changed, and when
# one library changed a few records (issue 22).
#
#   benches/scripts/nightly.sh [NET500K] [OUT]
#
# NET500K is netgen's 691k-record network (read only: its exports are named
# by absolute path, its index is not touched); OUT (git-ignored, default
# benches/data/nightly) gets a network.toml with net500k's ten libraries
# plus an eleventh, "nightly": 50,000 of lib01's records under ids of its
# own (so they cluster with lib01's copies), 741,356 records in all.
# Three timed harvests with the release binary, each a whole `unicat
# harvest` process (start, harvest, cluster, index, exit):
#   1. from scratch;
#   2. nothing changed (target: <= 2 s);
#   3. the nightly library's export replaced by one with 5 % of its records
#      changed (a local 590 note added to every 20th record; target: <= 5 s);
# then 4. nothing changed again.
# OUT is deleted at the end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
NET=$(realpath "${1:-benches/data/net500k}")
OUT=${2:-benches/data/nightly}
UNICAT=target/release/unicat
BENCH=target/release/bench
[ -x "$UNICAT" ] && [ -x "$BENCH" ] || { echo "build first: cargo build --release -p unicat -p unicat-benches" >&2; exit 1; }
[ -f "$NET/network.toml" ] || { echo "no network at $NET" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
"$BENCH" nightly --from "$NET/lib01/records.mrc" --out "$OUT" --records 50000 --every 20
sed -e 's|^index_dir = .*|index_dir = "index"|' -e "s|^path = \"|path = \"$NET/|" \
    "$NET/network.toml" > "$OUT/network.toml"
cat >> "$OUT/network.toml" <<'TOML'

[[library]]
id = "nightly"
name = "Nightly Branch Library"
opac_url = "https://catalog.nightly.example/record/{id}"
holdings = "852"
id_field = "001"

[library.source]
kind = "file"
path = "export.mrc"
format = "iso2709"
TOML
cp "$OUT/export-base.mrc" "$OUT/export.mrc"

timed() { # label, then the command
    local label=$1; shift
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$OUT/rss" "$@" > "$OUT/last.txt" 2>&1 || { cat "$OUT/last.txt"; exit 1; }
    end=$(date +%s.%N)
    printf '| %s | %.2f s | %d MiB |\n' "$label" "$(echo "$end - $start" | bc)" "$(( $(cat "$OUT/rss") / 1024 ))"
}

echo "| nightly run | wall time (whole process) | peak RSS |"
echo "|---|---:|---:|"
timed "first harvest, 741,356 records (from scratch)" "$UNICAT" harvest --config "$OUT/network.toml"
timed "nothing changed (11 exports, 1.3 GB)" "$UNICAT" harvest --config "$OUT/network.toml"
grep -c unchanged "$OUT/last.txt" | sed 's/^/  libraries reported unchanged: /' >&2
cp "$OUT/export-changed.mrc" "$OUT/export.mrc"
timed "one 50,000-record library, 2,500 records changed" "$UNICAT" harvest --config "$OUT/network.toml"
grep -E "nightly|clusters|documents|index" "$OUT/last.txt" | head -8 >&2 || true
timed "nothing changed again" "$UNICAT" harvest --config "$OUT/network.toml"
[ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"
