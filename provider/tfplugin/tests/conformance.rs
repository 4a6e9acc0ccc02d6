//! Conformance of the tfplugin crate under a real terraform binary: the
//! example provider `terraform-provider-conformance` is driven through
//! `dev_overrides` (Terraform starts it, AutoMTLS on) and through reattach.
//! The transport itself (socket, pinned client certificate) is tested
//! against the same binary in `transport.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use serde_json::Value as Json;
use tfplugin_testing::{actions_for, cargo_artifact, state_resource, ProviderSource, WorkDir};

const ADDRESS: &str = "example/conformance";

/// The workspace's switch for skipping the tests that need terraform (README).
const SKIP_ENV: &str = "ACK_SKIP_ACCEPTANCE";

fn skip_requested() -> bool {
    tfplugin_testing::skip_requested(SKIP_ENV)
}

fn binary() -> std::path::PathBuf {
    cargo_artifact("terraform-provider-conformance")
}

fn header(dir: &WorkDir) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    conformance = {{ source = \"{ADDRESS}\" }}\n  }}\n}}\n\
         provider \"conformance\" {{\n  store_dir = \"{}\"\n}}\n",
        dir.path().join("store").display()
    )
}

fn workdir() -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: {SKIP_ENV}=1");
        return None;
    }
    Some(WorkDir::new(&ProviderSource::DevOverride {
        address: ADDRESS.into(),
        binary: binary(),
    }))
}

fn configure(dir: &WorkDir, body: &str) {
    dir.write_config(&format!("{}{body}", header(dir)));
}

fn store_files(dir: &WorkDir) -> usize {
    std::fs::read_dir(dir.path().join("store"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

const FULL: &str = r#"
resource "conformance_thing" "a" {
  name     = "a"
  zone     = "z1"
  big      = 123456789012345678901234567890.25
  password = "hunter2"
  token    = "secret-token"
  tags     = { team = "platform" }
  settings = { mode = "fast" }
  rule {
    port  = 80
    proto = "tcp"
  }
  rule {
    port  = 443
    proto = "tcp"
  }
}

resource "conformance_thing" "b" {
  name = conformance_thing.a.id
}

data "conformance_echo" "e" {
  input = { list = [1, 2], text = "x", nested = { ok = true } }
  n     = 18446744073709551616
}

output "echo" {
  value = data.conformance_echo.e.output
}

output "n_plus_one" {
  value = data.conformance_echo.e.n_plus_one
}
"#;

#[test]
fn full_cycle_through_dev_overrides() {
    let Some(dir) = workdir() else { return };
    configure(&dir, FULL);

    // Plan: creates, with unknowns where the provider decides later.
    let plan = dir.plan(&[]);
    assert_eq!(actions_for(&plan, "conformance_thing.a"), ["create"]);
    let b = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "conformance_thing.b")
        .unwrap();
    assert_eq!(
        b["change"]["after_unknown"]["name"], true,
        "b.name depends on a.id and is unknown at plan"
    );
    assert_eq!(b["change"]["after_unknown"]["id"], true);
    assert_eq!(
        b["change"]["after"]["size"], 1,
        "defaults are planned as known values"
    );
    let a = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "conformance_thing.a")
        .unwrap();
    assert_eq!(a["change"]["after_sensitive"]["password"], true);
    assert_eq!(
        a["change"]["after_unknown"]["settings"]["level"], true,
        "computed nested attribute is unknown"
    );

    dir.apply_saved();
    let state = dir.state();
    let a = state_resource(&state, "conformance_thing.a").unwrap();
    assert_eq!(
        a["big"].to_string(),
        "123456789012345678901234567890.25",
        "big numbers keep every digit"
    );
    assert_eq!(a["token"], Json::Null, "write-only values are never stored");
    assert_eq!(a["token_length"], 12);
    assert_eq!(a["settings"]["level"], 3);
    assert_eq!(a["rule"].as_array().unwrap().len(), 2, "set of objects");
    let b = state_resource(&state, "conformance_thing.b").unwrap();
    assert_eq!(b["name"], a["id"]);
    assert_eq!(
        state["values"]["outputs"]["n_plus_one"]["value"].to_string(),
        "18446744073709551617"
    );
    assert_eq!(
        state["values"]["outputs"]["echo"]["value"]["nested"]["ok"], true,
        "dynamic values round-trip"
    );

    dir.assert_empty_plan(false);
    dir.assert_empty_plan(true);

    // Import into a fresh directory sharing the store: same values.
    let imp = WorkDir::new(&ProviderSource::DevOverride {
        address: ADDRESS.into(),
        binary: binary(),
    });
    imp.write_config(&format!(
        "{}resource \"conformance_thing\" \"a\" {{\n  name = \"a\"\n}}\n",
        header(&dir)
    ));
    let id = a["id"].as_str().unwrap();
    imp.run(&["import", "-no-color", "conformance_thing.a", id])
        .success();
    let imported = imp.state();
    let ia = state_resource(&imported, "conformance_thing.a").unwrap();
    assert_eq!(ia, a, "imported state equals the applied state");

    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(&dir), 0, "destroy removed every object");
}

#[test]
fn in_place_update_replacement_and_private_state() {
    let Some(dir) = workdir() else { return };
    configure(
        &dir,
        "resource \"conformance_thing\" \"t\" {\n  name = \"one\"\n  zone = \"z1\"\n}\n",
    );
    dir.apply();
    let id1 = state_resource(&dir.state(), "conformance_thing.t").unwrap()["id"].clone();

    // Rename: in place, id kept (use-state-for-unknown), revision unknown then 1.
    configure(
        &dir,
        "resource \"conformance_thing\" \"t\" {\n  name = \"two\"\n  zone = \"z1\"\n}\n",
    );
    let plan = dir.plan(&[]);
    assert_eq!(actions_for(&plan, "conformance_thing.t"), ["update"]);
    let change = &plan["resource_changes"][0]["change"];
    assert_eq!(
        change["after"]["id"], id1,
        "stable id stays known on update"
    );
    assert_eq!(change["after_unknown"]["revision"], true);
    dir.apply_saved();
    let t = state_resource(&dir.state(), "conformance_thing.t")
        .unwrap()
        .clone();
    assert_eq!(t["id"], id1);
    assert_eq!(t["revision"], 1);
    dir.assert_empty_plan(true);

    // Private state written at create came back through plan and apply.
    let raw: Json = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    let private_b64 = raw["resources"][0]["instances"][0]["private"]
        .as_str()
        .unwrap();
    let private: Json = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(private_b64)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(private["origin"], "create");
    assert_eq!(private["updates"], 1);

    // Zone forces replacement, and the plan says which path.
    configure(
        &dir,
        "resource \"conformance_thing\" \"t\" {\n  name = \"two\"\n  zone = \"z2\"\n}\n",
    );
    let plan = dir.plan(&[]);
    assert_eq!(
        actions_for(&plan, "conformance_thing.t"),
        ["delete", "create"]
    );
    assert_eq!(
        plan["resource_changes"][0]["change"]["replace_paths"],
        serde_json::json!([["zone"]])
    );
    dir.apply_saved();
    assert_ne!(
        state_resource(&dir.state(), "conformance_thing.t").unwrap()["id"],
        id1
    );
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(&dir), 0);
}

#[test]
fn destroy_is_planned_by_the_provider() {
    let Some(dir) = workdir() else { return };
    configure(
        &dir,
        "resource \"conformance_thing\" \"p\" {\n  name = \"keep\"\n  protected = true\n}\n",
    );
    dir.apply();
    let out = dir
        .run(&["destroy", "-auto-approve", "-no-color"])
        .failure();
    assert!(out.contains("Thing is protected"), "{out}");
    let out = dir.run(&["plan", "-destroy", "-no-color"]).failure();
    assert!(out.contains("protected = false"), "{out}");
    // Removing the resource from the config is a destroy too.
    configure(&dir, "");
    dir.run(&["plan", "-no-color"]).failure();
    configure(
        &dir,
        "resource \"conformance_thing\" \"p\" {\n  name = \"keep\"\n  protected = false\n}\n",
    );
    dir.apply();
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(&dir), 0);
}

#[test]
fn validators_point_at_the_attribute() {
    let Some(dir) = workdir() else { return };
    configure(
        &dir,
        "resource \"conformance_thing\" \"v\" {\n  name = \"v\"\n  size = 500\n  settings = { mode = \"warp\" }\n}\n",
    );
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("500 is out of range"), "{out}");
    assert!(
        out.contains("line 11"),
        "diagnostic points at the size line: {out}"
    );
    assert!(out.contains("\"warp\" is not allowed"), "{out}");
    // Inside a nested attribute Terraform can locate only the attribute:
    // the settings line, not the resource's first line.
    assert!(
        out.contains("line 12") && !out.contains("line 9,"),
        "diagnostic points at the settings line: {out}"
    );
    assert_eq!(store_files(&dir), 0);
}

#[test]
fn state_of_an_older_schema_version_is_upgraded() {
    let Some(dir) = workdir() else { return };
    configure(
        &dir,
        "resource \"conformance_thing\" \"old\" {\n  name = \"legacy-name\"\n}\n",
    );
    // A remote object and a state written by "version 0" of the schema.
    std::fs::create_dir_all(dir.path().join("store")).unwrap();
    let obj = serde_json::json!({"kind": "legacy", "label": "legacy-name"});
    std::fs::write(dir.path().join("store/thing-7.json"), obj.to_string()).unwrap();
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "3f9c3c1e-0000-4000-8000-000000000001",
        "outputs": {}, "check_results": null,
        "resources": [{
            "mode": "managed", "type": "conformance_thing", "name": "old",
            "provider": "provider[\"registry.terraform.io/example/conformance\"]",
            "instances": [{
                "schema_version": 0,
                "attributes": {
                    "id": "thing-7", "label": "legacy-name", "zone": null, "size": 1, "big": null,
                    "password": null, "token": null, "token_length": null, "tags": null,
                    "protected": false, "settings": null, "rule": []
                },
                "sensitive_attributes": []
            }]
        }]
    });
    std::fs::write(dir.path().join("terraform.tfstate"), state.to_string()).unwrap();
    dir.assert_empty_plan(true);
    dir.run(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .success();
    let raw: Json = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    let inst = &raw["resources"][0]["instances"][0];
    assert_eq!(inst["schema_version"], 1);
    assert_eq!(inst["attributes"]["name"], "legacy-name");
    assert_eq!(inst["attributes"]["revision"], 0);
}

#[test]
fn moved_block_across_resource_types() {
    let Some(dir) = workdir() else { return };
    configure(
        &dir,
        "resource \"conformance_legacy_thing\" \"x\" {\n  label = \"moving\"\n}\n",
    );
    dir.apply();
    configure(
        &dir,
        "resource \"conformance_thing\" \"x\" {\n  name = \"moving\"\n}\n\
         moved {\n  from = conformance_legacy_thing.x\n  to   = conformance_thing.x\n}\n",
    );
    let plan = dir.plan(&[]);
    assert_eq!(
        actions_for(&plan, "conformance_thing.x"),
        ["no-op"],
        "{plan}"
    );
    assert_eq!(
        plan["resource_changes"][0]["previous_address"],
        "conformance_legacy_thing.x"
    );
    dir.apply_saved();
    dir.assert_empty_plan(true);
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(&dir), 0);
}

#[test]
fn schema_and_logs_reach_terraform() {
    let Some(mut dir) = workdir() else { return };
    configure(&dir, "");
    let run = dir.run(&["providers", "schema", "-json"]).success();
    let schema: Json = serde_json::from_slice(&run.output.stdout).unwrap();
    let p = &schema["provider_schemas"]["registry.terraform.io/example/conformance"];
    assert_eq!(p["resource_schemas"]["conformance_thing"]["version"], 1);
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["attributes"]["token"]["write_only"],
        true
    );
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["block_types"]["rule"]["nesting_mode"],
        "set"
    );
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["attributes"]["settings"]
            ["nested_type"]["nesting_mode"],
        "single"
    );
    assert_eq!(
        p["provider"]["block"]["attributes"]["store_dir"]["required"],
        true
    );

    // hclog JSON lines on stderr are parsed by Terraform (not logged raw).
    dir.set_env("TF_LOG", "DEBUG");
    let run = dir.run(&["plan", "-no-color"]).success();
    let err = run.stderr();
    assert!(
        err.contains("[DEBUG] provider.terraform-provider-conformance: Served provider schema"),
        "provider logs are parsed with their level: {err}"
    );
    assert!(
        !err.contains("plugin failed to exit gracefully"),
        "Shutdown is served: {err}"
    );
    assert!(
        err.contains("Provider serving tfplugin6") && err.contains("tls=true"),
        "Terraform started the provider with AutoMTLS: {err}"
    );
    assert!(
        !err.contains("Refused a connection"),
        "Terraform's own connections pass the pinned handshake: {err}"
    );
}

struct Debugged(Child);

impl Drop for Debugged {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn reattach_to_a_provider_in_debug_mode() {
    if skip_requested() {
        return;
    }
    let mut child = Command::new(binary())
        .arg("--debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let guard = Debugged(child);
    let mut json = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            json = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let json = json.expect("debug mode prints TF_REATTACH_PROVIDERS");
    let reattach: Json = serde_json::from_str(&json).unwrap();
    let addr = &reattach[format!("registry.terraform.io/{ADDRESS}")]["Addr"];
    let socket = std::path::PathBuf::from(addr["String"].as_str().unwrap());
    if cfg!(unix) {
        assert_eq!(addr["Network"], "unix", "{json}");
    }
    let dir = WorkDir::new(&ProviderSource::Reattach { json });
    configure(
        &dir,
        "resource \"conformance_thing\" \"r\" {\n  name = \"attached\"\n}\n",
    );
    dir.apply();
    dir.assert_empty_plan(true);
    // The same process serves every command.
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(&dir), 0);

    // Ctrl-C ends debug mode and removes the socket's directory.
    #[cfg(unix)]
    {
        let mut guard = guard;
        let pid = guard.0.id().to_string();
        assert!(Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success());
        let start = std::time::Instant::now();
        while guard.0.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "debug mode stops on Ctrl-C"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!socket.parent().unwrap().exists(), "{}", socket.display());
    }
    #[cfg(not(unix))]
    drop((guard, socket));
}

#[test]
fn run_by_hand_it_explains_itself() {
    let out = Command::new(binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("This binary is a plugin"));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: it is reserved for the handshake"
    );
}

#[test]
fn plaintext_when_terraform_disables_plugin_tls() {
    let Some(mut dir) = workdir() else { return };
    dir.set_env("TF_DISABLE_PLUGIN_TLS", "1");
    configure(
        &dir,
        "resource \"conformance_thing\" \"p\" {\n  name = \"plain\"\n}\n",
    );
    dir.apply();
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
}

#[test]
fn protocol_version_five_only_is_refused() {
    let out = Command::new(binary())
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            tfplugin::server::MAGIC_COOKIE_VALUE,
        )
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only version 6"));
}
