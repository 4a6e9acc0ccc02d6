//! States written by earlier releases upgrade to the current schema with no
//! diff, under real terraform (fixtures in `fixtures/state/`, see its
//! README); a stored state that no longer fits the schema still plans and
//! destroys.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{values, Case, Emulator};
use serde_json::Value as Json;

fn fixtures() -> String {
    format!("{}/tests/fixtures/state", env!("CARGO_MANIFEST_DIR"))
}

/// `(type.name, id attribute)` of every resource in a state.
fn ids(state: &Json) -> Vec<(String, Json)> {
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let a = &r["instances"][0]["attributes"];
            let key = format!(
                "{}.{}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            );
            (key, a.clone())
        })
        .collect()
}

/// The raw state file (`dir.state()` is `terraform show -json`'s view).
fn raw_state(case: &Case) -> Json {
    let text = std::fs::read_to_string(case.dir.path().join("terraform.tfstate")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn versions(state: &Json) -> Vec<i64> {
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instances"][0]["schema_version"].as_i64().unwrap())
        .collect()
}

fn config() -> String {
    std::fs::read_to_string(format!("{}/main.tf", fixtures())).unwrap()
}

/// `main.tf` without the types that came later in 0.1.0.
fn five_types() -> String {
    let c = config();
    c[..c.find("# Below: types that came later").unwrap()].to_owned()
}

#[test]
fn state_of_0_1_0_upgrades_and_plans_with_no_diff() {
    upgrades_with_no_diff(&config(), "v0.1.0.tfstate.json");
}

#[test]
fn state_of_an_early_0_1_0_upgrades_and_plans_with_no_diff() {
    upgrades_with_no_diff(&five_types(), "v0.1.0-five-types.tfstate.json");
}

/// Applies `config`, swaps in the `fixture` state written by an earlier
/// release for the same configuration, and checks it upgrades with no diff.
fn upgrades_with_no_diff(config: &str, fixture: &str) {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(config);
    let now = raw_state(&case);
    assert!(versions(&now)
        .iter()
        .all(|v| *v == terraform_provider_ack::upgrade::VERSION));

    // The 0.1.0 state of the same configuration, pointed at these objects.
    let mut old = std::fs::read_to_string(format!("{}/{fixture}", fixtures())).unwrap();
    let old_json: Json = serde_json::from_str(&old).unwrap();
    assert!(
        versions(&old_json).iter().all(|v| *v == 0),
        "written by 0.1.0"
    );
    let current = ids(&now);
    for (key, attrs) in ids(&old_json) {
        let (_, new) = current.iter().find(|(k, _)| *k == key).unwrap();
        for attr in ["id", "cluster_id", "node_pool_id"] {
            if let (Some(o), Some(n)) = (attrs[attr].as_str(), new[attr].as_str()) {
                old = old.replace(o, n);
            }
        }
    }
    let mut swapped: Json = serde_json::from_str(&old).unwrap();
    swapped["lineage"] = now["lineage"].clone();
    swapped["serial"] = Json::from(now["serial"].as_i64().unwrap() + 1);
    case.dir
        .write_file("terraform.tfstate", &swapped.to_string());

    // 0.1.0's node pools predate the required placement, billing and login
    // arguments (#18): the API reports them, so the first refresh records
    // them and the plan is empty — with refresh, as every plan runs.
    case.dir.assert_empty_plan(true);
    case.dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .success();
    let upgraded = raw_state(&case);
    assert!(
        versions(&upgraded)
            .iter()
            .all(|v| *v == terraform_provider_ack::upgrade::VERSION),
        "stored at the current version after an apply"
    );
    assert_eq!(values(&case.dir, "ack_cluster.main")["name"], "fixture");
    case.dir.assert_empty_plan(true);
}

#[test]
fn a_state_that_does_not_fit_still_plans_and_destroys() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let config = config();
    let cluster_only = &config[..config.find("resource \"ack_node_pool\"").unwrap()];
    case.step(cluster_only);
    let mut state = raw_state(&case);
    let attrs = &mut state["resources"][0]["instances"][0]["attributes"];
    attrs["tags"] = Json::from(42);
    attrs["maintenance_window"] = Json::from("every Monday");
    attrs["an_attribute_of_a_later_release"] = Json::from(true);
    state["serial"] = Json::from(state["serial"].as_i64().unwrap() + 1);
    case.dir.write_file("terraform.tfstate", &state.to_string());

    let plan = case
        .dir
        .run(&["plan", "-no-color", "-refresh=false"])
        .success();
    assert!(
        plan.stdout().contains("Stored value dropped"),
        "{}",
        plan.stdout()
    );
    case.dir
        .run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(emu.stats()["clusters"], 0, "destroyed with the IDs alone");
}
