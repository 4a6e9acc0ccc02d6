//! `ack-emulator`: serves the emulated ACK API until interrupted.

use std::process::ExitCode;

use ack_emulator::{Config, State};
use clap::Parser;

/// A local ACK control plane for offline terraform runs and tests.
#[derive(Debug, Parser)]
#[command(name = "ack-emulator", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    /// SQLite database file (`:memory:` for a throw-away emulator).
    #[arg(long, default_value = "ack-emulator.db")]
    db: String,
    /// How many times faster than the real service operations complete.
    #[arg(long, default_value_t = 60.0)]
    speed: f64,
    #[arg(long, default_value = "emulator")]
    access_key_id: String,
    #[arg(long, default_value = "emulator-secret")]
    access_key_secret: String,
    /// Share (0-1) of requests answered with throttling or a 5xx.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Seed of the fault generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Serve /_emulator/* to non-loopback clients too.
    #[arg(long)]
    admin: bool,
    /// Clusters of all types per region (DescribeUserQuota cluster_quota).
    #[arg(long, default_value_t = 50)]
    quota_clusters: usize,
    /// Managed (Standard and Pro) clusters per region (amk_cluster_quota).
    #[arg(long, default_value_t = 20)]
    quota_managed_clusters: usize,
    /// Node pools per cluster (cluster_nodepool_quota).
    #[arg(long, default_value_t = 20)]
    quota_node_pools_per_cluster: usize,
    /// Nodes per cluster (node_quota), on top of the edition's own limit.
    #[arg(long, default_value_t = 5000)]
    quota_nodes_per_cluster: usize,
    /// STS: requests must carry exactly this x-acs-security-token (and none
    /// may carry one when unset). Prefer ACK_EMULATOR_SECURITY_TOKEN.
    #[arg(long, env = "ACK_EMULATOR_SECURITY_TOKEN", hide_env_values = true)]
    security_token: Option<String>,
    /// full: every acknowledged change survives a power loss (an fsync per
    /// change); normal: faster, survives a crash of the emulator but a power
    /// loss may lose the last changes.
    #[arg(long, default_value = "full")]
    durability: ack_emulator::db::Durability,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    if args.speed.is_nan() || args.speed <= 0.0 || !(0.0..=1.0).contains(&args.fail_rate) {
        eprintln!("ack-emulator: --speed must be > 0 and --fail-rate between 0 and 1");
        return ExitCode::from(2);
    }
    let config = Config {
        speed: args.speed,
        access_key_id: args.access_key_id,
        access_key_secret: args.access_key_secret,
        fail_rate: args.fail_rate,
        seed: args.seed,
        admin: args.admin,
        cluster_quota: args.quota_clusters,
        managed_cluster_quota: args.quota_managed_clusters,
        nodepool_quota: args.quota_node_pools_per_cluster,
        node_quota: args.quota_nodes_per_cluster,
        security_token: args.security_token.filter(|t| !t.is_empty()),
        durability: args.durability,
        ..Config::default()
    };
    let state = match State::open(config, &args.db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ack-emulator: cannot open database {}: {e}", args.db);
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ack-emulator: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ack-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("ack-emulator listening on http://{addr}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match ack_emulator::run(state, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ack-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
