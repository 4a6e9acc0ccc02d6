//! Pro features as resources, and tier rules checked across resources at
//! plan time against the cluster's planned edition.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, values, Case, Emulator};
use tfplugin_testing::actions_for;

fn cluster(edition: &str) -> String {
    hcl::cluster("main", "tiers").str("edition", edition).into()
}

/// `ack_encryption.secrets` of the cluster.
fn encryption() -> String {
    hcl::encryption("main").into()
}

/// `ack_backup_policy.etcd` as the resource's documentation shows it.
fn backup() -> String {
    hcl::example("resources/ack_backup_policy/resource.tf")
}

fn scheduler(body: &str) -> String {
    format!("resource \"ack_scheduler_profile\" \"sched\" {{\n  cluster_name = ack_cluster.main.name\n{body}\n}}\n")
}

#[test]
fn encryption_full_cycle_with_rotation() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = format!("{}{}", cluster("pro"), encryption());
    case.step(&body);
    let v = values(&case.dir, "ack_encryption.secrets");
    assert_eq!(v["kms_key_id"], "key-ack00000000000000001");
    let id = v["id"].as_str().unwrap().to_owned();
    // Rotation right away: in place, waiting out the 5-minute (scaled) limit.
    let rotated = body.replace("key-ack00000000000000001", "key-ack00000000000000002");
    let plan = case.step(&rotated);
    assert_eq!(actions_for(&plan, "ack_encryption.secrets"), ["update"]);
    case.import_verify(&emu, &rotated, "ack_encryption.secrets", &id);
    // Destroying the resource disables encryption.
    case.config(&cluster("pro"));
    case.dir.apply();
    let meta = emu.outside(async |c, cancel| {
        c.describe_cluster(&id, &cancel)
            .await
            .unwrap()
            .unwrap()
            .meta_data
    });
    assert!(meta.contains("\"DisableEncryption\":true"), "{meta}");
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn backup_policy_full_cycle() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = format!("{}{}", cluster("pro"), backup());
    case.step(&body);
    let id = values(&case.dir, "ack_backup_policy.etcd")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let changed = body.replace("interval_hours = 6", "interval_hours = 12");
    let plan = case.step(&changed);
    assert_eq!(actions_for(&plan, "ack_backup_policy.etcd"), ["update"]);
    case.import_verify(&emu, &changed, "ack_backup_policy.etcd", &id);
    // Out of range and same-region replication fail at plan time.
    case.config(&changed.replace("interval_hours = 12", "interval_hours = 48"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("48 is out of range"), "{out}");
    case.config(&changed.replace("cn-shanghai", "cn-hangzhou"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("replicate backups to a different region"),
        "{out}"
    );
    case.config(&changed);
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn scheduler_profile_full_cycle() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = format!(
        "{}{}",
        cluster("pro"),
        scheduler("  gang_scheduling = true\n  cgpu_edition = \"professional\"\n  score_plugins = [{ name = \"NodeResourcesBalancedAllocation\", weight = 3 }]")
    );
    case.step(&body);
    let id = values(&case.dir, "ack_scheduler_profile.sched")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let changed = body.replace("weight = 3", "weight = 5");
    let plan = case.step(&changed);
    assert_eq!(
        actions_for(&plan, "ack_scheduler_profile.sched"),
        ["update"]
    );
    case.import_verify(&emu, &changed, "ack_scheduler_profile.sched", &id);
    // Destroy restores the defaults.
    case.config(&cluster("pro"));
    case.dir.apply();
    let cfg = emu.outside(async |c, cancel| c.scheduler(&id, &cancel).await.unwrap().config);
    assert!(
        cfg.contains("\"gangScheduling\":false") && cfg.contains("\"cgpuEdition\":\"none\""),
        "{cfg}"
    );
    case.destroy();
}

#[test]
fn new_standard_cluster_with_pro_features_fails_at_plan_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let cases = [
        (
            scheduler("  gang_scheduling = true"),
            "Gang scheduling needs ACK Pro",
            "gang_scheduling = true",
        ),
        (
            scheduler("  topology_aware_cpu = true"),
            "Topology-aware CPU scheduling needs ACK Pro",
            "topology_aware_cpu",
        ),
        (
            scheduler("  topology_aware_gpu = true"),
            "Topology-aware GPU scheduling needs ACK Pro",
            "topology_aware_gpu",
        ),
        (
            scheduler("  npu_scheduling = true"),
            "NPU scheduling needs ACK Pro",
            "npu_scheduling",
        ),
        (
            scheduler("  cgpu_edition = \"professional\""),
            "Professional cGPU needs ACK Pro",
            "cgpu_edition",
        ),
        (
            scheduler("  score_plugins = [{ name = \"NodeAffinity\", weight = 2 }]"),
            "Multiple scheduler scoring algorithms needs ACK Pro",
            "score_plugins",
        ),
        (
            encryption(),
            "KMS encryption of Kubernetes Secrets needs ACK Pro",
            "kms_key_id",
        ),
        (backup(), "needs ACK Pro", "cluster_name"),
    ];
    for (extra, message, attribute_line) in &cases {
        case.config(&format!("{}{extra}", cluster("standard")));
        let out = case.dir.run(&["plan", "-no-color"]).failure();
        assert!(out.contains(message), "expected {message:?}:\n{out}");
        assert!(
            out.contains(attribute_line),
            "the diagnostic points at {attribute_line}:\n{out}"
        );
        assert!(
            out.contains("Upgrade the cluster to `edition = \"pro\"`"),
            "names the fix:\n{out}"
        );
        // The same with a pro cluster plans.
        case.config(&format!("{}{extra}", cluster("pro")));
        case.dir.run(&["plan", "-no-color"]).success();
    }
    assert_eq!(
        emu.mutations(),
        0,
        "the emulator received no mutating request"
    );
}

#[test]
fn basic_cgpu_is_fine_on_standard() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&format!(
        "{}{}",
        cluster("standard"),
        scheduler("  cgpu_edition = \"basic\"")
    ));
    assert_eq!(
        values(&case.dir, "ack_scheduler_profile.sched")["cgpu_edition"],
        "basic"
    );
    case.destroy();
}

#[test]
fn upgrade_and_pro_features_in_one_apply() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&cluster("standard"));
    let id = values(&case.dir, "ack_cluster.main")["id"].clone();
    let body = format!(
        "{}{}{}{}",
        cluster("pro"),
        encryption(),
        backup(),
        scheduler("  gang_scheduling = true")
    );
    let plan = case.step(&body);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["update"]);
    assert_eq!(
        actions_for(&plan, "ack_scheduler_profile.sched"),
        ["create"]
    );
    assert_eq!(
        values(&case.dir, "ack_cluster.main")["id"],
        id,
        "upgraded in place"
    );
    assert_eq!(
        values(&case.dir, "ack_scheduler_profile.sched")["gang_scheduling"],
        true
    );
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn unknown_values_skip_checks_and_the_api_still_enforces_them() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    // Unknown until the cluster exists: no plan-time error.
    case.config(&format!(
        "{}{}",
        cluster("standard"),
        scheduler("  gang_scheduling = ack_cluster.main.state == \"running\"")
    ));
    case.dir.run(&["plan", "-no-color"]).success();
    // At apply the value is known: Terraform plans the resource again and the
    // rule holds then (and the API would refuse it too).
    let out = case
        .dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .failure();
    assert!(
        out.contains("Gang scheduling needs ACK Pro"),
        "refused at apply:\n{out}"
    );
    assert_eq!(emu.requests("ModifyClusterAddon"), 0);
    case.config(&cluster("standard"));
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

/// Regression: renaming a cluster in the same apply as its dependents must
/// not replace them (the registry carries the cluster's ID), and must not
/// change the encryption key again.
#[test]
fn renaming_the_cluster_keeps_its_dependents() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let pool = hcl::pool("p", "main", "p")
        .set("desired_size", 1)
        .str("accelerator", "gpu");
    let body = format!("{}{}{pool}", cluster("pro"), encryption());
    case.step(&body);
    let pool_id = values(&case.dir, "ack_node_pool.p")["id"].clone();
    assert_eq!(values(&case.dir, "ack_node_pool.p")["accelerator"], "gpu");
    let kms_calls = emu.requests("UpdateKMSEncryption");
    let renamed = body.replace("name = \"tiers\"", "name = \"tiers-renamed\"");
    let plan = case.step(&renamed);
    for addr in [
        "ack_cluster.main",
        "ack_node_pool.p",
        "ack_encryption.secrets",
    ] {
        assert_eq!(
            actions_for(&plan, addr),
            ["update"],
            "{addr} changes in place"
        );
    }
    assert_eq!(values(&case.dir, "ack_node_pool.p")["id"], pool_id);
    assert_eq!(
        values(&case.dir, "ack_node_pool.p")["cluster_name"],
        "tiers-renamed"
    );
    assert_eq!(
        emu.requests("UpdateKMSEncryption"),
        kms_calls,
        "no new key change"
    );
    // Bad names are refused at plan time, on the attribute.
    case.config(&renamed.replace("name = \"p\"", "name = \"bad name!\""));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("may only hold letters, digits"), "{out}");
    case.config(&renamed);
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}
