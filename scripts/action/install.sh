#!/usr/bin/env bash
# Installs the terraform-provider-ack release binary for this runner
# (action.yml's first step). Inputs: ACK_VERSION (`latest` or X.Y.Z),
# ACK_REPOSITORY (owner/name), GH_TOKEN; ACK_BIN_DIR (default
# $RUNNER_TEMP/ack-bin) is added to GITHUB_PATH. A binary already on PATH
# with the wanted version is kept.
set -euo pipefail

version="${ACK_VERSION:-latest}"
repo="${ACK_REPOSITORY:-acklabs/terraform-provider-ack}"
bin_dir="${ACK_BIN_DIR:-${RUNNER_TEMP:-/tmp}/ack-bin}"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) echo "::error::unsupported runner OS $(uname -s)"; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "::error::unsupported runner architecture $(uname -m)"; exit 2 ;;
esac

if command -v terraform-provider-ack >/dev/null 2>&1; then
  have="$(terraform-provider-ack version | awk '{print $2}')"
  if [ "$version" = latest ] || [ "$version" = "$have" ]; then
    echo "terraform-provider-ack $have is already installed"
    exit 0
  fi
fi

auth=()
if [ -n "${GH_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer $GH_TOKEN"); fi
if [ "$version" = latest ]; then
  version="$(curl -fsSL "${auth[@]}" "https://api.github.com/repos/$repo/releases/latest" \
    | sed -n 's/.*"tag_name": *"v\{0,1\}\([^"]*\)".*/\1/p' | head -n1)"
  [ -n "$version" ] || { echo "::error::no release of $repo found"; exit 2; }
fi
version="${version#v}"
name="terraform-provider-ack_${version}_${os}_${arch}.zip"
base="https://github.com/$repo/releases/download/v$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL "${auth[@]}" -o "$work/$name" "$base/$name"
curl -fsSL "${auth[@]}" -o "$work/SHA256SUMS" "$base/terraform-provider-ack_${version}_SHA256SUMS"
(cd "$work" && grep " $name\$" SHA256SUMS | sha256sum -c -)
mkdir -p "$bin_dir"
unzip -o -q "$work/$name" -d "$work/unpacked"
install -m 0755 "$work/unpacked/terraform-provider-ack_v$version"* "$bin_dir/terraform-provider-ack"
if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin_dir" >>"$GITHUB_PATH"; fi
"$bin_dir/terraform-provider-ack" version
