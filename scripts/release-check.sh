#!/usr/bin/env bash
# Lays out, for the host platform, exactly the files GoReleaser publishes
# (.goreleaser.yml): terraform-provider-ack_{V}_{os}_{arch}.zip holding
# terraform-provider-ack_v{V}, terraform-provider-ack_{V}_SHA256SUMS and
# terraform-provider-ack_{V}_manifest.json; then checks that `terraform init`
# installs the zip from a filesystem mirror and that a plan runs.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
name=terraform-provider-ack
dist="${DIST:-target/dist}"

echo "==> building $name $version ($os/$arch, release)"
cargo build --release --locked -p terraform-provider-ack
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"

rm -rf "$dist" && mkdir -p "$dist"
python3 - "$target/$name" "$dist" "$name" "$version" "$os" "$arch" <<'PY'
import hashlib, os, shutil, sys, zipfile
binary, dist, name, version, os_, arch = sys.argv[1:]
zip_name = f"{name}_{version}_{os_}_{arch}.zip"
with zipfile.ZipFile(os.path.join(dist, zip_name), "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo(f"{name}_v{version}", date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(binary, "rb") as f:
        z.writestr(info, f.read())
manifest = f"{name}_{version}_manifest.json"
shutil.copyfile("terraform-registry-manifest.json", os.path.join(dist, manifest))
sums = []
for f in sorted([zip_name, manifest]):
    with open(os.path.join(dist, f), "rb") as fh:
        sums.append(f"{hashlib.sha256(fh.read()).hexdigest()}  {f}\n")
with open(os.path.join(dist, f"{name}_{version}_SHA256SUMS"), "w") as fh:
    fh.writelines(sums)
PY
(cd "$dist" && sha256sum -c "${name}_${version}_SHA256SUMS")
python3 - "$dist/${name}_${version}_${os}_${arch}.zip" "${name}_v${version}" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert names == [sys.argv[2]], names
PY
ls -l "$dist"

echo "==> terraform init from a filesystem mirror"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="$work/mirror/registry.terraform.io/acklabs/ack"
mkdir -p "$mirror" "$work/config"
cp "$dist/${name}_${version}_${os}_${arch}.zip" "$mirror/"
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/acklabs/ack"]
  }
  direct {
    exclude = ["registry.terraform.io/acklabs/ack"]
  }
}
RC
cat >"$work/config/main.tf" <<TF
terraform {
  required_providers {
    ack = {
      source  = "acklabs/ack"
      version = "= $version"
    }
  }
}
provider "ack" {}
data "ack_editions" "all" {}
output "editions" {
  value = [for e in data.ack_editions.all.editions : e.name]
}
TF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export ACK_ENDPOINT=http://127.0.0.1:9 ALIBABA_CLOUD_REGION_ID=cn-hangzhou
export ALIBABA_CLOUD_ACCESS_KEY_ID=unused ALIBABA_CLOUD_ACCESS_KEY_SECRET=unused
terraform -chdir="$work/config" init -no-color -input=false
terraform -chdir="$work/config" plan -no-color -input=false
grep -q "registry.terraform.io/acklabs/ack" "$work/config/.terraform.lock.hcl"
echo "==> release layout and mirror install OK"
