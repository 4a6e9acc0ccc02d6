#!/usr/bin/env bash
# Checks (and where possible installs) what building and testing need:
# a Rust toolchain and terraform >= 1.0 (the tests are run with 1.11.4).
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found. Install Rust (https://rustup.rs) and re-run." >&2
  exit 1
fi

# The emulator's contract test with the official Python SDK needs python3 with
# venv (the SDK itself comes from PyPI into target/sdk-venv).
if [ "${ACK_SKIP_SDK_CONTRACT:-}" != "1" ] && ! "${PYTHON:-python3}" -c 'import venv' >/dev/null 2>&1; then
  echo "error: ${PYTHON:-python3} with the venv module not found; the SDK contract test needs it." >&2
  echo "Install Python 3 (with venv), point PYTHON at one, or set ACK_SKIP_SDK_CONTRACT=1 to skip that test." >&2
  exit 1
fi

tf="${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}"
if [ -z "$tf" ] && [ "${ACK_SKIP_ACCEPTANCE:-}" = "1" ]; then
  echo "warning: terraform not found; ACK_SKIP_ACCEPTANCE=1, so the tests that drive terraform are skipped" >&2
  exit 0
fi
if [ -z "$tf" ]; then
  echo "error: terraform not found on PATH." >&2
  echo "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) or point" >&2
  echo "TF_ACC_TERRAFORM_PATH at a terraform binary. To run only the non-terraform tests," >&2
  echo "set ACK_SKIP_ACCEPTANCE=1." >&2
  exit 1
fi
"$tf" version 2>/dev/null | sed -n 1p
# The tests that prove secrets stay out of saved plans look inside the plan
# file (a zip archive) with unzip.
if [ "${ACK_SKIP_ACCEPTANCE:-}" != "1" ] && ! command -v unzip >/dev/null 2>&1; then
  echo "error: unzip not found; the plan-file secret checks need it (apt-get install unzip)." >&2
  exit 1
fi
