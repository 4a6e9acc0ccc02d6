//! The catalogue of hostile inputs in `tests/hostile/`: HCL values run
//! through real terraform, plan and policy files fed to `check`, and request
//! bodies sent to the emulator. Every case must meet a clear refusal (the
//! attribute named, an exit code, an API error code) and nothing may panic.
//!
//! To add a case, add a `[[case]]` to the right table; the runner needs no
//! change. HCL cases share one `terraform validate` run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use acceptance_tests::{hcl, workdir, Case, Emulator};
use ack_api::request::{ApiRequest, Credentials};
use serde::Deserialize;
use serde_json::Value as Json;
use tfplugin_testing::cargo_artifact;

/// One table of `tests/hostile/`.
#[derive(Deserialize)]
struct Table<T> {
    /// Resources the "plan" HCL cases may refer to.
    #[serde(default)]
    plan_prelude: String,
    case: Vec<T>,
}

fn read_table<T: serde::de::DeserializeOwned>(name: &str) -> Table<T> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn table<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    read_table(name).case
}

/// Content the tables describe instead of spelling out: `nested:N` (N
/// nested JSON arrays) or `long_string:N` (a JSON string of N bytes).
fn generate(spec: &str) -> String {
    let (kind, n) = spec.split_once(':').expect("generator is kind:N");
    let n: usize = n.parse().expect("generator size");
    match kind {
        "nested" => format!("{}{}", "[".repeat(n), "]".repeat(n)),
        "long_string" => format!("\"{}\"", "x".repeat(n)),
        other => panic!("unknown generator {other}"),
    }
}

fn assert_no_panic(what: &str, text: &str) {
    for sign in [
        "panicked at",
        "RUST_BACKTRACE",
        "plugin crashed",
        "stack backtrace",
    ] {
        assert!(!text.contains(sign), "{what}: a panic ({sign:?}):\n{text}");
    }
}

#[test]
fn the_catalogue_holds_at_least_60_cases() {
    let n = table::<HclCase>("hcl.toml").len()
        + table::<CheckCase>("check.toml").len()
        + table::<ApiCase>("api.toml").len();
    assert!(n >= 60, "{n} cases");
}

// --- HCL ----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HclCase {
    id: String,
    /// `validate` (default) or `plan`.
    #[serde(default)]
    stage: Option<String>,
    resource: String,
    body: String,
    /// Shown in the source snippet of the diagnostic.
    attribute: String,
    /// In the diagnostic's summary or detail.
    says: String,
}

/// Panics with every failure when any of the `cases` failed.
#[track_caller]
fn assert_none_failed(failures: &[String], cases: usize) {
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn is_stage(c: &HclCase, stage: &str) -> bool {
    c.stage.as_deref().unwrap_or("validate") == stage
}

fn resources(cases: &[&HclCase]) -> String {
    cases
        .iter()
        .map(|c| {
            format!(
                "\nresource \"{}\" \"{}\" {{\n{}{}}}\n",
                c.resource,
                c.id,
                c.body,
                default_network(c)
            )
        })
        .collect()
}

/// The emulator's default network for an `ack_cluster` case, for what its
/// body leaves out.
fn default_network(c: &HclCase) -> String {
    if c.resource != "ack_cluster" {
        return String::new();
    }
    let mut out = String::new();
    let zones = c.body.contains("zone_ids");
    if !c.body.contains("vpc_id") && !zones {
        out += &format!("vpc_id = \"{}\"\n", hcl::VPC);
    }
    if !c.body.contains("vswitch_ids") && !zones {
        out += &format!("vswitch_ids = [\"{}\"]\n", hcl::VSWITCH);
    }
    if !c.body.contains("pod_cidr") && !c.body.contains("network_plugin") {
        out += "pod_cidr = \"172.20.0.0/16\"\n";
    }
    out
}

/// Each case met an error that shows its attribute in the source snippet
/// (Terraform located it, rather than falling back to the resource's first
/// line) and says what it should; no other error hit any resource.
fn assert_refused(cases: &[&HclCase], diags: &[Json], summary_names_attribute: bool) {
    let context = |c: &HclCase| format!("resource \"{}\" \"{}\"", c.resource, c.id);
    let mut failures = Vec::new();
    for c in cases {
        let mine: Vec<&Json> = diags
            .iter()
            .filter(|d| d["severity"] == "error" && d["snippet"]["context"] == context(c).as_str())
            .collect();
        let names_attribute = |d: &Json| {
            d["snippet"]["code"].as_str().is_some_and(|code| {
                code.contains(&c.attribute) && !code.trim_start().starts_with("resource \"")
            }) && (!summary_names_attribute
                || d["summary"]
                    .as_str()
                    .is_some_and(|s| s.contains(&c.attribute)))
        };
        let says = |d: &Json| {
            format!(
                "{} {}",
                d["summary"].as_str().unwrap_or(""),
                d["detail"].as_str().unwrap_or("")
            )
            .contains(&c.says)
        };
        if !mine.iter().any(|d| names_attribute(d) && says(d)) {
            failures.push(format!(
                "{}: no error naming {:?} and saying {:?}; got {mine:#?}",
                c.id, c.attribute, c.says
            ));
        } else if let Some(other) = mine.iter().find(|d| !names_attribute(d)) {
            failures.push(format!(
                "{}: an unrelated error (the case must be valid otherwise): {other:#}",
                c.id
            ));
        }
    }
    let stray: Vec<&Json> = diags
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter(|d| {
            !cases
                .iter()
                .any(|c| d["snippet"]["context"] == context(c).as_str())
        })
        .collect();
    assert!(stray.is_empty(), "errors outside any case: {stray:#?}");
    assert_none_failed(&failures, cases.len());
}

#[test]
fn hcl_values_are_refused_at_validate_with_the_attribute_named() {
    let all: Vec<HclCase> = table("hcl.toml");
    let cases: Vec<&HclCase> = all.iter().filter(|c| is_stage(c, "validate")).collect();
    let Some(dir) = workdir() else { return };
    dir.write_config(&format!("{}{}", hcl::header(), resources(&cases)));
    let run = dir.run(&["validate", "-json", "-no-color"]);
    assert_no_panic(
        "terraform validate",
        &format!("{}{}", run.stdout(), run.stderr()),
    );
    assert_eq!(run.code(), 1, "validate fails: {}", run.stderr());
    let out: Json = serde_json::from_slice(&run.output.stdout).unwrap();
    let diags = out["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_refused(&cases, &diags, true);
}

#[test]
fn tier_rules_are_refused_at_plan_with_the_attribute_named() {
    let t: Table<HclCase> = read_table("hcl.toml");
    let cases: Vec<&HclCase> = t.case.iter().filter(|c| is_stage(c, "plan")).collect();
    if acceptance_tests::skip_requested() {
        return;
    }
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&format!("{}{}", t.plan_prelude, resources(&cases)));
    let run = case
        .dir
        .run(&["plan", "-json", "-no-color", "-input=false"]);
    assert_no_panic(
        "terraform plan",
        &format!("{}{}", run.stdout(), run.stderr()),
    );
    assert_eq!(run.code(), 1, "plan fails: {}", run.stderr());
    let diags: Vec<Json> = run
        .stdout()
        .lines()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|m| m["type"] == "diagnostic")
        .map(|m| m["diagnostic"].clone())
        .collect();
    assert_refused(&cases, &diags, false);
    assert_eq!(emu.mutations(), 0, "a refused plan changed nothing");
}

// --- check ----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckCase {
    id: String,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    plan_gen: Option<String>,
    #[serde(default)]
    plan_missing: bool,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    policy_ext: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    exit: Option<i32>,
    /// Any exit code but a crash is fine (the input is odd but readable).
    #[serde(default)]
    exit_any: bool,
    says: String,
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("ack-hostile-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn check_refuses_hostile_plans_and_policies_without_panicking() {
    let cases: Vec<CheckCase> = table("check.toml");
    let scratch = Scratch::new("check");
    let binary = cargo_artifact("terraform-provider-ack");
    let mut failures = Vec::new();
    for c in &cases {
        let plan_path = scratch.0.join(format!("{}.json", c.id));
        if !c.plan_missing {
            let text = match (&c.plan, &c.plan_gen) {
                (Some(p), None) => p.clone(),
                (None, Some(g)) => generate(g),
                _ => panic!("{}: give exactly one of plan and plan_gen", c.id),
            };
            std::fs::write(&plan_path, text).unwrap();
        }
        let mut cmd = Command::new(&binary);
        cmd.arg("check").arg(&plan_path).args(&c.args);
        if let Some(policy) = &c.policy {
            let ext = c.policy_ext.as_deref().unwrap_or("toml");
            let p = scratch.0.join(format!("{}.{ext}", c.id));
            std::fs::write(&p, policy).unwrap();
            cmd.arg("--policy").arg(p);
        }
        let started = Instant::now();
        let out = cmd.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_panic(&c.id, &text);
        let code = out.status.code().unwrap_or(-1);
        if !c.exit_any && Some(code) != c.exit {
            failures.push(format!(
                "{}: exit {code}, expected {:?}: {text}",
                c.id, c.exit
            ));
        } else if !(0..=2).contains(&code) {
            failures.push(format!("{}: exit {code} is not 0, 1 or 2: {text}", c.id));
        } else if !text.contains(&c.says) {
            failures.push(format!("{}: output lacks {:?}: {text}", c.id, c.says));
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{}: took {:?}",
            c.id,
            started.elapsed()
        );
    }
    assert_none_failed(&failures, cases.len());
}

// --- emulator API -----------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiCase {
    id: String,
    action: String,
    method: String,
    path: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_gen: Option<String>,
    status: u16,
    code: String,
    says: String,
}

struct Caller<'a> {
    emu: &'a Emulator,
    nonce: u64,
}

impl Caller<'_> {
    /// Sends a signed request; returns the status and the JSON body.
    fn send(
        &mut self,
        action: &str,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> (u16, Json) {
        self.nonce += 1;
        let req = ApiRequest {
            action: Box::leak(action.to_owned().into_boxed_str()),
            method: Box::leak(method.to_owned().into_boxed_str()),
            path: path.to_owned(),
            query: Vec::new(),
            body,
        };
        let creds = Credentials {
            access_key_id: "emulator",
            access_key_secret: "emulator-secret",
            security_token: None,
        };
        let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let nonce = format!("{}-{}", uuid::Uuid::new_v4().simple(), self.nonce);
        let headers = req.signed_headers(&self.emu.addr, &creds, &date, &nonce);
        let body = req.body.unwrap_or_default();
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        ));
        let mut s = TcpStream::connect(&self.emu.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&body);
        let mut resp = Vec::new();
        let _ = s.read_to_end(&mut resp);
        let resp = String::from_utf8_lossy(&resp).into_owned();
        let status = resp
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = resp.split("\r\n\r\n").nth(1).unwrap_or_default();
        (status, serde_json::from_str(body).unwrap_or(Json::Null))
    }
}

#[test]
fn the_emulator_refuses_hostile_bodies_with_api_errors() {
    let cases: Vec<ApiCase> = table("api.toml");
    if acceptance_tests::skip_requested() {
        return;
    }
    let emu = Emulator::start();
    let mut call = Caller {
        emu: &emu,
        nonce: 0,
    };
    let create = r#"{"name": "hostile", "region_id": "cn-hangzhou", "cluster_type": "ManagedKubernetes", "cluster_spec": "ack.pro.small", "vpcid": "vpc-ack00000000000000001", "vswitch_ids": ["vsw-ack00000000000000001"], "addons": [{"name": "flannel"}], "container_cidr": "172.20.0.0/16"}"#;
    let (status, body) = call.send("CreateCluster", "POST", "/clusters", Some(create.into()));
    assert_eq!(status, 200, "{body}");
    let cluster = body["cluster_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, d) = call.send(
            "DescribeClusterDetail",
            "GET",
            &format!("/clusters/{cluster}"),
            None,
        );
        if d["state"] == "running" {
            break;
        }
        assert!(Instant::now() < deadline, "cluster never ran: {d}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut failures = Vec::new();
    for c in &cases {
        let body = match (&c.body, &c.body_gen) {
            (Some(b), None) => Some(b.clone().into_bytes()),
            (None, Some(g)) => Some(generate(g).into_bytes()),
            (None, None) => None,
            _ => panic!("{}: give at most one of body and body_gen", c.id),
        };
        let path = c.path.replace("{cluster}", &cluster);
        let (status, reply) = call.send(&c.action, &c.method, &path, body);
        let message = reply["message"].as_str().unwrap_or_default();
        let ok = status == c.status
            && reply["code"].as_str().unwrap_or_default() == c.code
            && message.contains(&c.says)
            && (c.code.is_empty() || reply["requestId"].as_str().is_some_and(|r| !r.is_empty()));
        if !ok {
            failures.push(format!(
                "{}: got {status} {reply}, expected {} {:?} saying {:?}",
                c.id, c.status, c.code, c.says
            ));
        }
    }
    // Nothing hostile got through: the one cluster, no node pool.
    let stats = emu.stats();
    assert_eq!(stats["clusters"], 1, "{stats}");
    assert_eq!(stats["node_pools"], 0, "{stats}");
    assert_none_failed(&failures, cases.len());
}
