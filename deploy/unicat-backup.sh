#!/bin/sh
# Daily backup of a Unicat catalogue (run by unicat-backup.service): one
# folder per day under UNICAT_BACKUP_DIR, the oldest beyond
# UNICAT_BACKUP_KEEP removed. `unicat backup` takes a consistent snapshot
# while `unicat serve` runs; it waits for a running harvest's clustering
# and indexing to finish.
set -eu
config=${UNICAT_CONFIG:-/etc/unicat/network.toml}
dir=${UNICAT_BACKUP_DIR:-/var/backups/unicat}
keep=${UNICAT_BACKUP_KEEP:-7}
today="$dir/$(date +%Y-%m-%d)"
if [ -e "$today" ]; then
    echo "unicat-backup: $today exists already" >&2
    exit 0
fi
/usr/local/bin/unicat backup --config "$config" --to "$today"
# Day folders sort by date; keep the newest $keep.
ls -1d "$dir"/????-??-?? | head -n -"$keep" | while read -r old; do
    rm -rf -- "$old"
done
