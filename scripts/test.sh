#!/usr/bin/env bash
# The test suite: unit, protocol and property tests, and the acceptance and
# conformance tests that drive a real terraform binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --workspace --locked
