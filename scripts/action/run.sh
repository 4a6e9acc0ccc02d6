#!/usr/bin/env bash
# Runs `terraform-provider-ack check` for action.yml: SARIF to
# INPUT_OUTPUT_FILE_PATH, Markdown to the job summary, annotations on the
# .tf lines, text in the log. Sets the step outputs exit-code and
# sarif-file; never fails itself, so that the SARIF upload runs — the
# action's last step fails with check's exit code.
set -uo pipefail

bin="${ACK_BIN:-terraform-provider-ack}"
args=(check "$INPUT_PLAN" --source-root "${INPUT_DIRECTORY:-.}"
  --fail-on "${INPUT_FAIL_ON:-error}" --category "${INPUT_CATEGORY:-terraform-provider-ack}"
  --output "sarif=${INPUT_OUTPUT_FILE_PATH:-ack-check.sarif}" --output github=-)
while IFS= read -r p; do [ -n "$p" ] && args+=(--policy "$p"); done <<<"${INPUT_POLICY:-}"
while IFS= read -r d; do [ -n "$d" ] && args+=(--data "$d"); done <<<"${INPUT_DATA:-}"
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ "${INPUT_SOFT_FAIL:-false}" = true ] && args+=(--soft-fail)
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && args+=(--output "markdown=$GITHUB_STEP_SUMMARY")

"$bin" "${args[@]}"
code=$?
out="${GITHUB_OUTPUT:-/dev/null}"
echo "exit-code=$code" >>"$out"
if [ -f "${INPUT_OUTPUT_FILE_PATH:-ack-check.sarif}" ]; then
  echo "sarif-file=${INPUT_OUTPUT_FILE_PATH:-ack-check.sarif}" >>"$out"
fi
exit 0
