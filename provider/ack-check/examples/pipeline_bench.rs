//! Whole-check benchmark for pipelines: plans of 1,250, 2,500 and 5,000
//! resources, each with its `.tf` configuration (source mapping on) and 50
//! Rego rules, checked in this process; prints the time of a check and the
//! peak resident memory after each size (Linux).
//!
//! `cargo run --release -p ack-check --example pipeline_bench`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::time::Instant;

use ack_check::{check_full, policy::Policy, rego::RegoPolicies, source::SourceMap, Options};
use serde_json::json;

/// `clusters` clusters, each with 99 node pools: 100 resources a cluster.
fn estate(clusters: usize, dir: &std::path::Path) -> String {
    let mut changes = Vec::new();
    let mut tf = String::new();
    for c in 0..clusters {
        let edition = if c % 5 == 0 { "standard" } else { "pro" };
        changes.push(json!({"address": format!("ack_cluster.c{c}"), "mode": "managed", "type": "ack_cluster", "name": format!("c{c}"),
            "change": {"actions": ["create"], "before": null, "after": {"name": format!("c{c}"), "edition": edition, "deletion_protection": c % 3 != 0, "tags": {"environment": "production"}}, "after_unknown": {"id": true}}}));
        let _ = write!(tf, "resource \"ack_cluster\" \"c{c}\" {{\n  name = \"c{c}\"\n  edition = \"{edition}\"\n  deletion_protection = {}\n  tags = {{ environment = \"production\" }}\n}}\n\n", c % 3 != 0);
        for p in 0..99 {
            changes.push(json!({"address": format!("ack_node_pool.c{c}p{p}"), "mode": "managed", "type": "ack_node_pool", "name": format!("c{c}p{p}"),
                "change": {"actions": ["create"], "before": null, "after": {"cluster_name": format!("c{c}"), "name": format!("p{p}"), "desired_size": 1, "instance_types": ["ecs.g7.xlarge"]}, "after_unknown": {"id": true}}}));
            let _ = write!(tf, "resource \"ack_node_pool\" \"c{c}p{p}\" {{\n  cluster_name = ack_cluster.c{c}.name\n  name = \"p{p}\"\n  desired_size = 1\n  instance_types = [\"ecs.g7.xlarge\"]\n}}\n\n");
        }
    }
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    json!({"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes})
        .to_string()
}

/// 50 rules, each over every resource change.
fn policies() -> RegoPolicies {
    let mut rego = RegoPolicies::new();
    let mut text = String::from("package main\n\n");
    for i in 0..50 {
        let _ = write!(text, "deny_r{i} contains msg if {{\n  some rc in input.resource_changes\n  rc.type == \"ack_node_pool\"\n  rc.change.after.desired_size > {}\n  msg := sprintf(\"%s: too many nodes\", [rc.address])\n}}\n\n", 100 + i);
    }
    rego.add_source("bench.rego", &text).unwrap();
    rego
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() {
    let rego = policies();
    println!("resources  plan MiB  check (median of 5)  peak RSS MiB");
    for clusters in [12, 25, 50] {
        let dir = tempfile::tempdir().unwrap();
        let plan = estate(clusters, dir.path());
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let options = Options {
                source: Some(SourceMap::load(dir.path())),
                ..Options::default()
            };
            let r = check_full(&plan, &Policy::default(), &rego, &options).unwrap();
            times.push(start.elapsed());
            assert!(r
                .findings
                .iter()
                .all(|f| f.address == "plan" || f.location.is_some()));
        }
        times.sort();
        println!(
            "{:>9}  {:>8.1}  {:>17.0} ms  {:>12.0}",
            clusters * 100,
            plan.len() as f64 / 1048576.0,
            times[2].as_secs_f64() * 1000.0,
            peak_rss_mib()
        );
    }
}
