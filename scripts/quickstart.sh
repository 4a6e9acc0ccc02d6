#!/usr/bin/env bash
# The main job: build the provider and let a real terraform use it.
# Everything happens in a temporary directory that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> building terraform-provider-ack (release)"
cargo build --release --locked -p terraform-provider-ack

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/config"
ln -s "$PWD/target/release/terraform-provider-ack" "$work/bin/terraform-provider-ack"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "acklabs/ack" = "$work/bin"
  }
  direct {}
}
RC
cp examples/provider/provider.tf "$work/config/"
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

echo "==> terraform validate (examples/provider)"
terraform -chdir="$work/config" validate -no-color
echo "==> terraform providers schema -json (provider block)"
terraform -chdir="$work/config" providers schema -json >"$work/schema.json"
python3 - "$work/schema.json" <<'PY'
import json, sys
schema = json.load(open(sys.argv[1]))["provider_schemas"]["registry.terraform.io/acklabs/ack"]
for name, attr in schema["provider"]["block"]["attributes"].items():
    flags = ", ".join(f for f in ("required", "optional", "sensitive") if attr.get(f))
    print(f"  {name:15} ({flags}) {attr.get('description', '')[:80]}")
PY
echo "==> done"
