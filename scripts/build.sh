#!/usr/bin/env bash
# The one debug build the tests and the main job share: every binary and
# example of the workspace, with the features the test build unifies, so
# that running one after the other compiles each dependency once.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --locked --bins --examples
