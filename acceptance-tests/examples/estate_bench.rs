//! Whole-process benchmark: how long `terraform plan` takes for a
//! production-sized estate (25 ACK Pro clusters × 20 node pools) with this
//! provider against the emulator, side by side with the same graph of
//! built-in `terraform_data` resources, which costs Terraform's own time
//! and nothing else: narrow, as wide as our resources (flat strings), and
//! holding the very values our resources plan. Prints medians, the ratios
//! and the API calls per plan.
//!
//! ```sh
//! cargo build --release -p terraform-provider-ack -p ack-emulator -p acceptance-tests --example estate-bench
//! ./target/release/examples/estate-bench --runs 5
//! ```
//!
//! A benchmark, not a test: it asserts nothing about time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use acceptance_tests::{Case, Emulator};
use serde_json::Value as Json;
use tfplugin_testing::{ProviderSource, WorkDir};

const CLUSTERS: usize = 25;
const POOLS: usize = 20;

fn ack_estate() -> String {
    let mut hcl = String::new();
    for c in 0..CLUSTERS {
        hcl += &format!(
            "resource \"ack_cluster\" \"c{c}\" {{\n  name    = \"estate-{c}\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  edition = \"pro\"\n}}\n\
             resource \"ack_node_pool\" \"c{c}\" {{\n  count          = {POOLS}\n  cluster_name   = ack_cluster.c{c}.name\n  \
             name           = \"pool-${{count.index}}\"\n  instance_types = [\"ecs.g7.xlarge\", \"ecs.g7.2xlarge\"]\n  desired_size   = 10\n  vswitch_ids = [\"vsw-ack00000000000000001\", \"vsw-ack00000000000000002\"]\n  instance_charge_type = \"PostPaid\"\n  key_pair = \"ack-keypair\"\n  security_group_ids = [\"sg-ack00000000000000001\"]\n  multi_az_policy = \"BALANCE\"\n  image_type = \"AliyunLinux3\"\n  system_disk_category = \"cloud_essd\"\n  system_disk_size = 120\n  system_disk_performance_level = \"PL1\"\n  data_disks = [{{ category = \"cloud_essd\", size = 200 }}]\n  tags = {{ team = \"estate\" }}\n  labels = {{ role = \"worker\" }}\n  runtime = \"containerd\"\n  cpu_policy = \"none\"\n  kubelet_configuration = {{ max_pods = 110, eviction_hard = {{ \"memory.available\" = \"200Mi\" }} }}\n  managed = {{ max_unavailable = 2 }}\n}}\n"
        );
    }
    hcl
}

/// The same graph: one node per cluster, 20 per cluster's pools, each pool
/// referencing its cluster.
fn data_estate() -> String {
    let mut hcl = String::new();
    for c in 0..CLUSTERS {
        hcl += &format!(
            "resource \"terraform_data\" \"c{c}\" {{\n  input = \"estate-{c}\"\n}}\n\
             resource \"terraform_data\" \"p{c}\" {{\n  count = {POOLS}\n  input = {{ cluster = terraform_data.c{c}.output, name = \"pool-${{count.index}}\", size = 10 }}\n}}\n"
        );
    }
    hcl
}

/// The same graph again, each `terraform_data` as wide as our resources (an
/// input object with as many attributes as `ack_cluster` (40) and
/// `ack_node_pool` (55) have): what Terraform core itself spends on
/// resources of this size.
fn wide_data_estate() -> String {
    let keys = |n: usize| {
        (0..n)
            .map(|i| format!("k{i} = \"v{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (cluster_keys, keys) = (keys(39), keys(53));
    let mut hcl = String::new();
    for c in 0..CLUSTERS {
        hcl += &format!(
            "resource \"terraform_data\" \"c{c}\" {{\n  input = {{ name = \"estate-{c}\", {cluster_keys} }}\n}}\n\
             resource \"terraform_data\" \"p{c}\" {{\n  count = {POOLS}\n  input = {{ cluster = terraform_data.c{c}.output.name, name = \"pool-${{count.index}}\", {keys} }}\n}}\n"
        );
    }
    hcl
}

/// The same graph once more, each `terraform_data` holding exactly the
/// values our resource plans (every attribute of its schema, nested
/// objects, lists and maps as they are; unknown values as null), each pool
/// still referencing its cluster: Terraform core's cost for values of the
/// same shape and size, without a provider.
fn shaped_data_estate(ack_plan: &Json) -> String {
    let after = |address: &str| -> Json {
        let rc = ack_plan["resource_changes"]
            .as_array()
            .expect("resource changes");
        let c = rc
            .iter()
            .find(|c| c["address"] == address)
            .unwrap_or_else(|| panic!("{address} is not in the plan"));
        c["change"]["after"].clone()
    };
    let mut hcl = String::new();
    for c in 0..CLUSTERS {
        let cluster = after(&format!("ack_cluster.c{c}"));
        hcl += &format!("resource \"terraform_data\" \"c{c}\" {{\n  input = {cluster}\n}}\n");
        // Pools differ by name only: one shape, the name from count.index.
        let mut pool = after(&format!("ack_node_pool.c{c}[0]"));
        pool["name"] = Json::from("@NAME@");
        pool["cluster_name"] = Json::from("@CLUSTER@");
        let pool = pool
            .to_string()
            .replace("\"@NAME@\"", "\"pool-${count.index}\"")
            .replace("\"@CLUSTER@\"", &format!("terraform_data.c{c}.output.name"));
        hcl += &format!(
            "resource \"terraform_data\" \"p{c}\" {{\n  count = {POOLS}\n  input = {pool}\n}}\n"
        );
    }
    hcl
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median wall time of `terraform plan` (with refresh) over `runs`.
fn time_plans(dir: &WorkDir, runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                dir.run(&["plan", "-no-color", "-parallelism=10", "-lock=false"])
                    .success();
                t.elapsed()
            })
            .collect(),
    )
}

fn calls(before: &Json, after: &Json) -> u64 {
    let sum = |v: &Json| {
        v["requests"]
            .as_object()
            .map(|m| m.values().filter_map(Json::as_u64).sum::<u64>())
            .unwrap_or(0)
    };
    sum(after) - sum(before)
}

fn main() {
    let runs = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    // 25 managed clusters: above the default managed-cluster quota of 20.
    let emu = Emulator::start_with(&["--quota-managed-clusters", "50"]);
    let case = Case::new(&emu).expect("terraform is needed");
    case.config(&ack_estate());
    let baseline = |hcl: String| {
        let dir = WorkDir::new(&ProviderSource::Reattach {
            json: String::new(),
        });
        dir.write_config(&hcl);
        dir.run(&["init", "-no-color"]).success();
        dir
    };
    let (data, wide) = (baseline(data_estate()), baseline(wide_data_estate()));
    case.dir
        .run(&["plan", "-no-color", "-lock=false", "-out=shape.tfplan"])
        .success();
    let shown = case.dir.run(&["show", "-json", "shape.tfplan"]).success();
    let ack_plan: Json = serde_json::from_slice(&shown.output.stdout).expect("plan JSON");
    let shaped = baseline(shaped_data_estate(&ack_plan));

    // Warm each once (first runs read plugins from disk).
    time_plans(&data, 1);
    time_plans(&wide, 1);
    time_plans(&shaped, 1);
    let before = emu.stats();
    time_plans(&case.dir, 1);
    let create_calls = calls(&before, &emu.stats());

    let interleaved = |runs: usize| {
        let mut t = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..runs {
            t[0].push(time_plans(&case.dir, 1));
            t[1].push(time_plans(&data, 1));
            t[2].push(time_plans(&wide, 1));
            t[3].push(time_plans(&shaped, 1));
        }
        t
    };
    let create = interleaved(runs);
    case.dir
        .run(&["apply", "-no-color", "-auto-approve", "-parallelism=10"])
        .success();
    data.run(&["apply", "-no-color", "-auto-approve"]).success();
    wide.run(&["apply", "-no-color", "-auto-approve"]).success();
    shaped
        .run(&["apply", "-no-color", "-auto-approve"])
        .success();
    let before = emu.stats();
    time_plans(&case.dir, 1);
    let refresh_calls = calls(&before, &emu.stats());
    let refresh = interleaved(runs);
    case.destroy();

    let row = |what: &str, times: [Vec<Duration>; 4], calls: u64| {
        let [a, d, w, s] = times.map(|t| median(t).as_secs_f64());
        println!(
            "| {what} | {a:.2} s | {d:.2} s | {:.2}× | {w:.2} s | {:.2}× | {s:.2} s | {:.2}× | {calls} ({:.2} per cluster) |",
            a / d,
            a / w,
            a / s,
            calls as f64 / CLUSTERS as f64
        );
    };
    println!("{CLUSTERS} pro clusters × {POOLS} node pools, median of {runs} interleaved runs, -parallelism=10");
    println!("| plan | ack + emulator | terraform_data | ratio | terraform_data, as wide | ratio | terraform_data, same values | ratio | API calls per plan |");
    println!("|---|---|---|---|---|---|---|---|---|");
    row("create (nothing exists)", create, create_calls);
    row("refresh (all exist, no change)", refresh, refresh_calls);
}
