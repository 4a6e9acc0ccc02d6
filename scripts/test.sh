#!/usr/bin/env bash
# The test suite: unit, protocol and property tests, and the acceptance and
# conformance tests that drive a real terraform binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The acceptance and conformance tests run the provider, emulator and
# conformance-provider binaries: build every binary and example first (cargo
# test alone builds a package's binaries only for its own integration tests).
bash scripts/build.sh
cargo test --workspace --locked --no-fail-fast
