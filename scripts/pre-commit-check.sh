#!/usr/bin/env bash
# pre-commit entry (.pre-commit-hooks.yaml). `--validate-policy FILE...`
# validates policy files; otherwise each file is a saved plan, checked with
# the hook's args (e.g. --policy org.toml): options come first, then the
# files pre-commit passes. Exit: the highest exit code of the checks.
set -uo pipefail
bin="${ACK_CHECK_BIN:-terraform-provider-ack}"
if ! command -v "$bin" >/dev/null 2>&1; then
  echo "terraform-provider-ack is not on PATH: install a release (or set ACK_CHECK_BIN)" >&2
  exit 2
fi
if [ "${1:-}" = --validate-policy ]; then
  shift
  exec "$bin" validate-policy "$@"
fi
opts=()
plans=()
takes_value=0
for a in "$@"; do
  if [ "$takes_value" = 1 ]; then
    opts+=("$a")
    takes_value=0
    continue
  fi
  case "$a" in
    --policy | --data | --baseline | --source-root | --fail-on | --format | --output | --namespace | --category | --terraform)
      opts+=("$a")
      takes_value=1 ;;
    -*) opts+=("$a") ;;
    *) plans+=("$a") ;;
  esac
done
worst=0
for p in "${plans[@]}"; do
  "$bin" check "$p" "${opts[@]}"
  code=$?
  [ "$code" -gt "$worst" ] && worst=$code
done
exit "$worst"
