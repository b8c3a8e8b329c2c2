#!/usr/bin/env bash
# Runs Unicat's whole test suite on a fresh machine: installs the real peers
# the tests talk to, then runs every test in the workspace.
#
#   Debian packages: yaz (yaz-client, yaz-marcdump), chromium + chromium-driver
#   Python peers (in .venv): pymarc 5.4, oaipmh 4.0, sickle, rispy, bibtexparser
#
# Installing Debian packages needs root (or sudo). Set UNICAT_SKIP_INSTALL=1 to
# use what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${UNICAT_SKIP_INSTALL:-0}" != 1 ]; then
  need=()
  command -v yaz-client >/dev/null || need+=(yaz)
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "installing Debian packages: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/pip install -q --disable-pip-version-check -r tests/peers/requirements.txt
fi
if [ -z "${UNICAT_PYTHON:-}" ] && [ -x .venv/bin/python ]; then export UNICAT_PYTHON="$PWD/.venv/bin/python"; fi

cargo test --workspace --locked "$@"
