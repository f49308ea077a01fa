#!/usr/bin/env bash
# Runs Portico's whole test suite: `scripts/test.sh` (extra arguments go to `cargo test`).
#
# - Python helpers the tests drive (a local SMTP server; Microsoft's client libraries) are
#   installed into a virtualenv, ~/.cache/portico/venv by default (PORTICO_VENV).
# - After `cargo test`, tests/clients runs Microsoft's own libraries (MSAL for Python and Node,
#   azure-identity, Playwright driving Debian's /usr/bin/chromium) against the debug `portico`
#   binary that `cargo test --workspace` built. It needs node and npm, chromium and certutil
#   (Debian: nodejs npm chromium libnss3-tools; .ci/run installs them).
# - The store conformance suite also runs on PostgreSQL when one answers at
#   PORTICO_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Set
#   PORTICO_REQUIRE_POSTGRES=1 to fail instead of skipping when it does not.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${PORTICO_VENV:-$HOME/.cache/portico/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
export PORTICO_PYTHON="$venv/bin/python"

url="${PORTICO_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if command -v psql >/dev/null && psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
  export PORTICO_TEST_DATABASE_URL="$url"
  echo "PostgreSQL conformance: on ($url)"
elif [ "${PORTICO_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "PostgreSQL is required (PORTICO_REQUIRE_POSTGRES=1) but $url does not answer" >&2
  exit 1
else
  unset PORTICO_TEST_DATABASE_URL
  echo "PostgreSQL conformance: skipped ($url does not answer)"
fi

cargo test --workspace --locked --no-fail-fast "$@"

echo "== client libraries (tests/clients)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "tests/clients needs node and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
(cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error)
cargo build -p portico --locked  # already built by `cargo test --workspace`; not with a -p filter
target_dir="$(cargo metadata --format-version 1 --no-deps |
  "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
PORTICO_BIN="$target_dir/debug/portico" "$venv/bin/python" -m pytest tests/clients -q -p no:cacheprovider
