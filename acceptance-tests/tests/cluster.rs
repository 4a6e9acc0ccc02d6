//! `ack_cluster` under real terraform against a fresh emulator per test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, hcl, values, Case, Emulator};
use tfplugin_testing::actions_for;

/// A Standard cluster of an older version, with tags.
fn standard() -> String {
    hcl::cluster("main", "demo")
        .str("kubernetes_version", "1.30.7-aliyun.1")
        .set("tags", "{ env = \"dev\" }")
        .into()
}

#[test]
fn standard_cluster_full_cycle() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let plan = case.step(&standard());
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["create"]);
    let after = &change(&plan, "ack_cluster.main")["after"];
    assert_eq!(
        after["sla"], "99.90%",
        "edition-derived values are known at plan time"
    );
    assert_eq!(after["max_nodes"], 100);
    assert_eq!(after["edition"], "standard");
    let v = values(&case.dir, "ack_cluster.main");
    assert_eq!(v["state"], "running");
    assert_eq!(
        v["api_server_endpoint"], "",
        "no public endpoint unless endpoint_public_access, as the API"
    );
    assert!(v["api_server_internal_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    case.import_verify(
        &emu,
        &standard(),
        "ack_cluster.main",
        v["id"].as_str().unwrap(),
    );
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0, "nothing left in the emulator");
}

#[test]
fn upgrade_to_pro_in_place_then_refuse_the_way_back() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&standard());
    let id = values(&case.dir, "ack_cluster.main")["id"].clone();

    let pro = standard().replace("name = \"demo\"", "name = \"demo\"\n  edition = \"pro\"");
    let plan = case.step(&pro);
    assert_eq!(
        actions_for(&plan, "ack_cluster.main"),
        ["update"],
        "standard → pro is in place"
    );
    let c = change(&plan, "ack_cluster.main");
    assert_eq!(
        (c["before"]["sla"].as_str(), c["after"]["sla"].as_str()),
        (Some("99.90%"), Some("99.95%"))
    );
    assert_eq!(c["after"]["max_nodes"], 5000);
    assert_eq!(
        c["after_unknown"]["sla"],
        serde_json::Value::Null,
        "not unknown: known at plan time"
    );
    let v = values(&case.dir, "ack_cluster.main");
    assert_eq!(v["id"], id, "same cluster");
    assert_eq!(v["edition"], "pro");
    assert_eq!(emu.requests("MigrateCluster"), 1);

    // Back to standard: refused at plan time, nothing sent.
    let mutations = emu.mutations();
    case.config(&standard());
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Edition cannot be changed back"), "{out}");
    assert!(out.contains("irreversible"), "{out}");
    assert_eq!(emu.mutations(), mutations);
    case.config(&pro);
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn kubernetes_upgrades_one_minor_at_a_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&standard());
    let skip = standard().replace("1.30.7-aliyun.1", "1.32.1-aliyun.1");
    case.config(&skip);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("upgrade to 1.31.1-aliyun.1 first"), "{out}");
    let down = standard().replace("1.30.7-aliyun.1", "1.28.15-aliyun.1");
    case.config(&down);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("cannot be downgraded"), "{out}");
    let next = standard().replace("1.30.7-aliyun.1", "1.31.1-aliyun.1");
    let plan = case.step(&next);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["update"]);
    assert_eq!(
        values(&case.dir, "ack_cluster.main")["kubernetes_version"],
        "1.31.1-aliyun.1"
    );
    assert_eq!(emu.requests("UpgradeCluster"), 1);
    case.destroy();
}

#[test]
fn force_new_attributes_say_why_they_replace() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = standard().replace("tags ", "service_cidr       = \"172.21.0.0/20\"\n  tags ");
    case.step(&body);
    case.config(&body.replace("172.21.0.0/20", "172.22.0.0/20"));
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["delete", "create"]);
    assert_eq!(
        change(&plan, "ack_cluster.main")["replace_paths"],
        serde_json::json!([["service_cidr"]])
    );
    case.config(&body);
    case.destroy();
}

#[test]
fn drift_and_out_of_band_deletion() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&standard());
    let id = values(&case.dir, "ack_cluster.main")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Renamed outside Terraform: the plan renames it back, in place.
    emu.outside(async |c, cancel| {
        let req = ack_api::model::ModifyClusterRequest {
            cluster_name: Some("renamed".into()),
            ..Default::default()
        };
        c.modify_cluster(&id, &req, &cancel).await.unwrap();
        c.wait_running(&id, std::time::Duration::from_secs(10), &cancel)
            .await
            .unwrap();
    });
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["update"]);
    let c = change(&plan, "ack_cluster.main");
    assert_eq!(
        (c["before"]["name"].as_str(), c["after"]["name"].as_str()),
        (Some("renamed"), Some("demo"))
    );
    case.dir.apply_saved();
    case.dir.assert_empty_plan(true);

    // Deleted outside Terraform: planned for re-creation.
    emu.outside(async |c, cancel| {
        c.delete_cluster(&id, &cancel).await.unwrap();
        c.wait_cluster(
            &id,
            "deletion",
            std::time::Duration::from_secs(10),
            &cancel,
            |c| Ok(c.is_none()),
        )
        .await
        .unwrap();
    });
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["create"]);
    case.dir.apply_saved();
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn deletion_protection_stops_destroy_at_plan_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let protected = standard().replace("tags ", "deletion_protection = true\n  tags ");
    case.step(&protected);
    let out = case
        .dir
        .run(&["destroy", "-auto-approve", "-no-color"])
        .failure();
    assert!(
        out.contains("deletion_protection = false and apply first"),
        "{out}"
    );
    assert_eq!(
        emu.requests("DeleteCluster"),
        0,
        "refused before any API call"
    );
    case.step(&standard());
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn maintenance_window_needs_pro_at_plan_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = standard().replace(
        "tags ",
        "maintenance_window = {\n    maintenance_time = \"03:00:00Z\"\n    duration = \"3h\"\n    weekly_period = \"Monday\"\n  }\n  tags ",
    );
    case.config(&body);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("maintenance window needs ACK Pro"), "{out}");
    assert_eq!(emu.mutations(), 0);
    let pro = body.replace("name = \"demo\"", "name = \"demo\"\n  edition = \"pro\"");
    case.step(&pro);
    assert_eq!(
        values(&case.dir, "ack_cluster.main")["maintenance_window"]["duration"],
        "3h"
    );
    case.destroy();
}
