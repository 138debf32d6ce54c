#!/usr/bin/env bash
# Installs the Debian packages Mailroom builds against (jemalloc, the `mailroom` executable's allocator, among them)
# and its tests start (Dovecot for IMAP, Chromium for the HTML report, GNU time for the peak-memory tests, libpq and
# PostgreSQL 15 for the PostgreSQL store and its tests, socat for the HTTPS token endpoint of the OAuth2 tests).
# Installs only what is missing; needs root (or sudo) when something is.
set -euo pipefail
packages=(libcurl4-openssl-dev libjemalloc-dev libpq-dev postgresql libsqlite3-dev libicu-dev pkg-config openssl dovecot-core dovecot-imapd chromium time socat)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts dovecot and a PostgreSQL cluster as system services on install where it can; the tests run their
# own instances.
