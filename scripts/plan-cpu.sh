#!/usr/bin/env bash
# Where the CPU of a production-sized plan goes: `terraform plan` of the estate
# benchmark's graph (25 ACK Pro clusters x 20 node pools, nothing created yet)
# against the emulator, with the provider started through a wrapper that
# records its own CPU time, side by side with the same graph of built-in
# `terraform_data` resources, narrow (4 attributes) and as wide as ours.
# Prints user+system CPU seconds of Terraform (with the provider) and of the
# provider alone, per plan. Needs GNU time (`/usr/bin/time`, Debian: time).
#
#   bash scripts/plan-cpu.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/emulator.sh
source scripts/emulator.sh
runs="${1:-3}"
gnu_time=/usr/bin/time
if ! [ -x "$gnu_time" ]; then echo "error: $gnu_time not found (apt-get install time)" >&2; exit 1; fi

cargo build -q --release --locked -p terraform-provider-ack -p ack-emulator
target="$(target_dir release)"

make_work

start_emulator "$target" "$work" --quota-managed-clusters 50

mkdir -p "$work/bin" "$work/ack" "$work/narrow" "$work/wide"
cat >"$work/bin/terraform-provider-ack" <<WRAP
#!/bin/sh
exec $gnu_time -a -o "$work/provider.cpu" -f "%U %S" "$target/terraform-provider-ack" "\$@"
WRAP
chmod +x "$work/bin/terraform-provider-ack"
use_dev_provider "$work/bin"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def keys(n):
    return ", ".join(f'k{i} = "v{i}"' for i in range(n))
# As wide as ack_cluster (40 attributes) and ack_node_pool (55).
cluster_keys, pool_keys = keys(39), keys(53)
network = ('  vpc_id      = "vpc-ack00000000000000001"\n  vswitch_ids = ["vsw-ack00000000000000001"]\n'
           '  pod_cidr    = "172.20.0.0/16"\n')
# A pool with the full set of placement, login, disk and Kubernetes settings.
pool = ('  instance_types = ["ecs.g7.xlarge", "ecs.g7.2xlarge"]\n  desired_size   = 10\n'
        '  vswitch_ids = ["vsw-ack00000000000000001", "vsw-ack00000000000000002"]\n'
        '  instance_charge_type = "PostPaid"\n  key_pair = "ack-keypair"\n'
        '  security_group_ids = ["sg-ack00000000000000001"]\n  multi_az_policy = "BALANCE"\n'
        '  image_type = "AliyunLinux3"\n  system_disk_category = "cloud_essd"\n  system_disk_size = 120\n'
        '  system_disk_performance_level = "PL1"\n  data_disks = [{ category = "cloud_essd", size = 200 }]\n'
        '  tags = { team = "estate" }\n  labels = { role = "worker" }\n  runtime = "containerd"\n'
        '  cpu_policy = "none"\n'
        '  kubelet_configuration = { max_pods = 110, eviction_hard = { "memory.available" = "200Mi" } }\n'
        '  managed = { max_unavailable = 2 }\n')
ack = 'terraform {\n  required_providers {\n    ack = { source = "acklabs/ack" }\n  }\n}\n'
narrow = wide = ""
for c in range(25):
    ack += (f'resource "ack_cluster" "c{c}" {{\n  name    = "estate-{c}"\n  edition = "pro"\n{network}}}\n'
            f'resource "ack_node_pool" "c{c}" {{\n  count          = 20\n  cluster_name   = ack_cluster.c{c}.name\n'
            f'  name           = "pool-${{count.index}}"\n{pool}}}\n')
    narrow += (f'resource "terraform_data" "c{c}" {{\n  input = "estate-{c}"\n}}\n'
               f'resource "terraform_data" "p{c}" {{\n  count = 20\n'
               f'  input = {{ cluster = terraform_data.c{c}.output, name = "pool-${{count.index}}", size = 10 }}\n}}\n')
    wide += (f'resource "terraform_data" "c{c}" {{\n  input = {{ name = "estate-{c}", {cluster_keys} }}\n}}\n'
             f'resource "terraform_data" "p{c}" {{\n  count = 20\n'
             f'  input = {{ cluster = terraform_data.c{c}.output.name, name = "pool-${{count.index}}", {pool_keys} }}\n}}\n')
for name, text in (("ack", ack), ("narrow", narrow), ("wide", wide)):
    open(f"{work}/{name}/main.tf", "w").write(text)
PY

terraform -chdir="$work/narrow" init -no-color >/dev/null
terraform -chdir="$work/wide" init -no-color >/dev/null

plan() { # dir -> "user+sys wall" of terraform and its children
  "$gnu_time" -f "%U %S %e" -o "$work/terraform.cpu" \
    terraform -chdir="$work/$1" plan -no-color -parallelism=10 -lock=false >/dev/null
  awk '{printf "%.2f %.2f", $1 + $2, $3}' "$work/terraform.cpu"
}

echo "create plan of 25 clusters x 20 node pools, -parallelism=10; CPU seconds (user+system) and wall seconds"
printf "%-4s %-34s %-26s %-26s %-26s\n" run "ack: terraform+provider / wall" "ack: provider alone" \
  "terraform_data narrow" "terraform_data as wide"
for run in $(seq 1 "$runs"); do
  rm -f "$work/provider.cpu"
  read -r ack_cpu ack_wall <<<"$(plan ack)"
  provider_cpu="$(awk '{s += $1 + $2} END {printf "%.2f (%d starts)", s, NR}' "$work/provider.cpu")"
  read -r narrow_cpu narrow_wall <<<"$(plan narrow)"
  read -r wide_cpu wide_wall <<<"$(plan wide)"
  printf "%-4s %-34s %-26s %-26s %-26s\n" "$run" "$ack_cpu / $ack_wall" "$provider_cpu" \
    "$narrow_cpu / $narrow_wall" "$wide_cpu / $wide_wall"
done
