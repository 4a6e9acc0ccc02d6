//! Conformance of the tfplugin crate under a real terraform binary: the
//! example provider `terraform-provider-conformance` is driven through
//! `dev_overrides` (Terraform starts it, AutoMTLS on) and through reattach.
//! The transport itself (socket, pinned client certificate) is tested
//! against the same binary in `transport.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use serde_json::Value as Json;
use tfplugin_testing::{actions_for, state_resource, ProviderSource, WorkDir};

#[path = "support/conformance.rs"]
mod harness;

use harness::*;

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

    destroy_all(&dir);
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
    destroy_all(&dir);
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
    destroy_all(&dir);
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
    destroy_all(&dir);
}
