#!/usr/bin/env bash
# Checks the unit files with `systemd-analyze verify` (skipped, with a
# message, where systemd is not installed). The units name the installed
# paths (/usr/local/bin/unicat…); here they are pointed at stand-ins so
# that verify checks the units and not this machine's installation.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v systemd-analyze >/dev/null; then
    echo "deploy/verify.sh: systemd-analyze not found: unit files not checked (skipped)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for exe in unicat unicat-backup.sh; do
    printf '#!/bin/sh\n' > "$tmp/$exe"
    chmod +x "$tmp/$exe"
done
for unit in unicat.service unicat-harvest.service unicat-harvest.timer unicat-backup.service unicat-backup.timer; do
    sed "s|/usr/local/bin/|$tmp/|g" "$unit" > "$tmp/$unit"
done
cd "$tmp"
# verify exits 0 on unknown keys and bad values, but says so: any word
# from it is a failure.
out=$(systemd-analyze verify --man=no ./*.service ./*.timer 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
    echo "$out"
    exit 1
fi
echo "deploy/verify.sh: unit files verified with $(systemd-analyze --version | head -1)"
for unit in unicat.service unicat-harvest.service unicat-backup.service; do
    score=$(systemd-analyze security --offline=yes "./$unit" 2>/dev/null | grep -o 'Overall exposure level.*' || true)
    [ -n "$score" ] && echo "  $score"
done
exit 0
