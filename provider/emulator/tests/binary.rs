//! The `ack-emulator` binary over loopback: readiness line, signed calls,
//! and a `kill -9` followed by a restart on the same database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use ack_api::model::CreateClusterRequest;
use ack_api::request::{ApiRequest, Credentials};
use support::process::start;

/// One HTTP/1.1 exchange; returns status and body.
fn http(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        if k != "host" {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    let host = headers
        .iter()
        .find(|(k, _)| k == "host")
        .map_or(addr, |(_, v)| v.as_str());
    req.push_str(&format!("host: {host}\r\n\r\n"));
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let text = String::from_utf8_lossy(&resp);
    let status: u16 = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

fn call(addr: &str, req: &ApiRequest) -> (u16, serde_json::Value) {
    let creds = Credentials {
        access_key_id: "emulator",
        access_key_secret: "emulator-secret",
        security_token: None,
    };
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let headers = req.signed_headers(addr, &creds, &date, &nonce);
    http(
        addr,
        req.method,
        &req.path_and_query(),
        &headers,
        req.body.as_deref().unwrap_or_default(),
    )
}

#[test]
fn serves_over_loopback_and_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let db = db.to_str().unwrap();

    // At speed 600 a cluster takes 1 s to create.
    let emu = start(db, "600", &[]);
    let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: "survivor".into(),
        region_id: "cn-hangzhou".into(),
        ..Default::default()
    });
    let (status, body) = call(&emu.addr, &ApiRequest::create_cluster(&req));
    assert_eq!(status, 200, "{body}");
    let id = body["cluster_id"].as_str().unwrap().to_owned();
    let (status, body) = call(&emu.addr, &ApiRequest::list_clusters());
    assert_eq!(
        (status, body["page_info"]["total_count"].as_u64()),
        (200, Some(1))
    );
    drop(emu); // SIGKILL while the create task is running

    let emu = start(db, "600", &[]);
    let (status, body) = call(&emu.addr, &ApiRequest::describe_cluster(&id));
    assert_eq!(status, 200, "the acknowledged create survived: {body}");
    let mut state = body["state"].as_str().unwrap_or_default().to_owned();
    for _ in 0..50 {
        if state == "running" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        state = call(&emu.addr, &ApiRequest::describe_cluster(&id)).1["state"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    assert_eq!(
        state, "running",
        "the interrupted task resumed and finished"
    );
    let (status, stats) = http(&emu.addr, "GET", "/_emulator/stats", &[], b"");
    assert_eq!(status, 200);
    assert_eq!(stats["clusters"], 1);
    assert_eq!(
        stats["requests"]["DescribeClusterDetail"]
            .as_u64()
            .map(|n| n >= 1),
        Some(true)
    );
    // Unsigned calls are refused over the wire too.
    let (status, body) = http(&emu.addr, "GET", "/api/v1/clusters", &[], b"");
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("IncompleteSignature"))
    );
}

#[test]
fn bad_flags_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_ack-emulator"))
        .args(["--speed", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_ack-emulator"))
        .args(["--nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn quota_and_durability_flags() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let emu = start(
        db.to_str().unwrap(),
        "60",
        &[
            "--quota-clusters",
            "7",
            "--quota-node-pools-per-cluster",
            "3",
            "--durability",
            "normal",
        ],
    );
    let (status, q) = call(&emu.addr, &ApiRequest::describe_user_quota());
    assert_eq!(status, 200, "{q}");
    let q: ack_api::model::UserQuota = serde_json::from_value(q).unwrap();
    assert_eq!(q.node_pools_per_cluster(), Some(3));
    assert_eq!(q.cluster_quota, Some(7));
    assert_eq!(q.nodes_per_cluster(), Some(5000));
    let bad = Command::new(env!("CARGO_BIN_EXE_ack-emulator"))
        .args(["--db", ":memory:", "--durability", "fast"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("full or normal"));
}
