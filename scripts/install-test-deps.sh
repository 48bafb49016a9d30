#!/usr/bin/env bash
# Installs the system packages the test suite runs for real, where they are missing:
# the PostgreSQL 15 server, pgBackRest, tmux (the end-to-end terminal), promtool (Debian's
# prometheus package) and chromium (HTML checked in a real browser), plus openssl for the
# sandbox's TLS certificate and zsh and fish (the shells check their completion scripts).
# Idempotent: a machine that has them all installs nothing. Runs as root, or through sudo when
# that is available; anything else says what to install by hand.
set -euo pipefail

# command to look for -> Debian package that provides it
declare -A wanted=(
  [/usr/lib/postgresql/15/bin/postgres]=postgresql-15
  [/usr/bin/pgbackrest]=pgbackrest
  [/usr/bin/tmux]=tmux
  [/usr/bin/promtool]=prometheus
  [/usr/bin/chromium]=chromium
  [/usr/bin/openssl]=openssl
  [/usr/bin/zsh]=zsh
  [/usr/bin/fish]=fish
)

missing=()
for path in "${!wanted[@]}"; do
  [ -x "$path" ] || missing+=("${wanted[$path]}")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present (postgresql-15, pgbackrest, tmux, prometheus, chromium, openssl, zsh, fish)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "test dependencies missing: ${missing[*]}" >&2
  echo "install them as root: apt-get install -y ${missing[*]}" >&2
  exit 2
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test dependencies missing: ${missing[*]}; this script knows only apt-get (Debian/Ubuntu): install them with your package manager" >&2
  exit 2
fi

echo "test dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# The server's own cluster is not wanted: tests make throwaway clusters of their own.
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql-common starts a "main" cluster on 5432 when it installs one; tests never use it.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
  "${as_root[@]}" pg_ctlcluster 15 main stop 2>/dev/null || true
fi
# Debian's prometheus package starts its server; tests only need the promtool binary.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1; then
  "${as_root[@]}" systemctl disable --now prometheus prometheus-node-exporter 2>/dev/null || true
fi

still=()
for path in "${!wanted[@]}"; do
  [ -x "$path" ] || still+=("${wanted[$path]} ($path)")
done
if [ ${#still[@]} -gt 0 ]; then
  echo "test dependencies still missing after install: ${still[*]}" >&2
  exit 2
fi
echo "test dependencies: installed ${missing[*]}"
