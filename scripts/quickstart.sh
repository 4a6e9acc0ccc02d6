#!/usr/bin/env bash
# The main job: build the provider and the emulator, start the emulator, and
# let a real terraform create an ACK Standard cluster with a node pool, then
# upgrade it in place to ACK Pro (the plan shows the SLA change), then
# destroy everything. Works offline; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/emulator.sh
source scripts/emulator.sh

echo "==> building terraform-provider-ack and ack-emulator (the tests' build: scripts/build.sh)"
bash scripts/build.sh
target="$(target_dir debug)"

make_work

echo "==> starting ack-emulator (60x the real service's speed would take minutes; this runs at 600x)"
start_emulator "$target" "$work"
echo "    $endpoint"

mkdir -p "$work/bin" "$work/quickstart"
ln -s "$target/terraform-provider-ack" "$work/bin/terraform-provider-ack"
use_dev_provider "$work/bin"
cp examples/quickstart/main.tf "$work/quickstart/"
tf() { terraform -chdir="$work/quickstart" "$@" -no-color 2>&1 | grep -v -e "Provider development overrides" -e "development overrides are set" -e "acklabs/ack in" -e "may therefore not match" -e "become incompatible with published" -e "^releases\.$" -e "^configuration:$" -e "^Warning:" ; return "${PIPESTATUS[0]}"; }

echo
echo "==> terraform apply: a standard cluster with a node pool"
tf apply -auto-approve
echo
echo "==> terraform plan -var edition=pro: the upgrade is in place, and the plan shows what changes"
tf plan -var edition=pro -out="$work/upgrade.tfplan"
echo
echo "==> terraform apply: upgrading to ACK Pro"
tf apply "$work/upgrade.tfplan"
echo
echo "==> terraform plan -detailed-exitcode: nothing left to change"
tf plan -var edition=pro -detailed-exitcode
echo
echo "==> terraform destroy"
tf destroy -auto-approve -var edition=pro
echo
echo "==> done: the emulator holds $(python3 - "$endpoint" <<'PY'
import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/stats"))["clusters"], end="")
PY
) clusters"
