#!/usr/bin/env bash
# Portico's micro-benchmarks (quality/performance.md): `cargo bench` for the sign-in decision (B2)
# and OData parsing, each beside its reference measured in the same run, then the ratios written
# to BENCHMARKS.md between its "micro" markers. `--smoke` runs every benchmark once in a debug
# build (what .ci/run does, to keep them working; no figures).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
  cargo test --locked -p portico-policy -p portico-odata --benches
  exit 0
fi
cargo bench --locked -p portico-policy -p portico-odata --bench decision --bench parse
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
python3 scripts/bench_report.py "$target_dir/criterion" BENCHMARKS.md
