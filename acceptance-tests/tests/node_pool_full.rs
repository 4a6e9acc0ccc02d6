//! `ack_node_pool` with every placement, billing, login, image and disk
//! argument (#18) under real terraform: plan → apply → empty plans, changes
//! in place, import, and a write-only password that never reaches the
//! state, the plan file or a TRACE log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, hcl, values, Case, Emulator};
use tfplugin_testing::{actions_for, contains_bytes, plan_file_contents};

const PASSWORD: &str = "Nodes-Secr3t-8f2e";

/// A Pro cluster, the `password` variable, and `pool`.
fn config(pool: hcl::Block) -> String {
    let cluster = hcl::cluster("main", "full").str("edition", "pro");
    format!("{cluster}{PASSWORD_VARIABLE}{pool}")
}

const PASSWORD_VARIABLE: &str = r#"
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
"#;

/// Pool `full` with every placement, billing, image and disk argument, a
/// data disk of `disk_size` GiB, and no login.
fn pool(disk_size: u32) -> hcl::Block {
    let data_disk = format!(
        "[{{ category = \"cloud_essd\", size = {disk_size}, encrypted = true, \
         kms_key_id = \"key-ack00000000000000002\", auto_format = true, file_system = \"ext4\", \
         mount_target = \"/var/lib/data\" }}]"
    );
    hcl::Block::new("ack_node_pool", "full")
        .set("cluster_name", "ack_cluster.main.name")
        .str("name", "full")
        .set(
            "instance_types",
            hcl::list(&["ecs.g7.xlarge", "ecs.g7.2xlarge"]),
        )
        .set("desired_size", 2)
        .set(
            "vswitch_ids",
            hcl::list(&[hcl::VSWITCH, "vsw-ack00000000000000002"]),
        )
        .str("instance_charge_type", "PrePaid")
        .set("period", 1)
        .str("period_unit", "Month")
        .set("auto_renew", true)
        .set("auto_renew_period", 1)
        .str("spot_strategy", "NoSpot")
        .str("multi_az_policy", "BALANCE")
        .set("on_demand_base_capacity", 1)
        .set("on_demand_percentage_above_base_capacity", 50)
        .set(
            "security_group_ids",
            hcl::list(&["sg-ack00000000000000001"]),
        )
        .str("ram_role_name", "AckNodeRole")
        .str("deployment_set_id", "ds-ack0001")
        .str("internet_charge_type", "PayByTraffic")
        .set("internet_max_bandwidth_out", 10)
        .str("resource_group_id", "rg-acfmzabcdefghij")
        .set("tags", "{ team = \"platform\" }")
        .str("image_type", "AliyunLinux3")
        .str("system_disk_category", "cloud_essd")
        .set("system_disk_size", 120)
        .str("system_disk_performance_level", "PL1")
        .set("system_disk_encrypted", true)
        .str("system_disk_kms_key_id", "key-ack00000000000000001")
        .set("data_disks", data_disk)
}

/// `pool` logging in with the write-only password at `version`.
fn with_password(pool: hcl::Block, version: u32) -> hcl::Block {
    pool.set("login_password_wo", "var.password")
        .set("login_password_wo_version", version)
}

#[test]
fn every_argument_plans_applies_changes_in_place_and_imports() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    case.dir.set_env("TF_VAR_password", PASSWORD);
    let first = config(with_password(pool(200), 1));
    case.step(&first);
    let v = values(&case.dir, "ack_node_pool.full");
    assert_eq!(v["system_disk_kms_key_id"], "key-ack00000000000000001");
    assert_eq!(v["data_disks"][0]["mount_target"], "/var/lib/data");
    assert!(v["login_password_wo"].is_null());
    let id = v["id"].as_str().unwrap().to_owned();

    // Placement and disks change in place, and a new password version
    // sends the password again; nothing else is reset.
    let changed = pool(300).set("internet_max_bandwidth_out", 20);
    let second = config(with_password(changed.clone(), 2));
    let plan = case.step(&second);
    assert_eq!(actions_for(&plan, "ack_node_pool.full"), ["update"]);
    let v = values(&case.dir, "ack_node_pool.full");
    assert_eq!(
        (v["id"].as_str(), v["internet_max_bandwidth_out"].as_i64()),
        (Some(id.as_str()), Some(20))
    );
    assert_eq!(
        v["security_group_ids"][0], "sg-ack00000000000000001",
        "kept"
    );

    // Removing an argument the API keeps says in the plan that it replaces.
    case.config(&config(with_password(
        changed.unset("deployment_set_id"),
        2,
    )));
    let plan = case.dir.plan(&[]);
    assert_eq!(
        actions_for(&plan, "ack_node_pool.full"),
        ["delete", "create"]
    );
    assert!(change(&plan, "ack_node_pool.full")["after"]["login_password_wo"].is_null());

    let env = [("TF_VAR_password", PASSWORD)];
    case.import_verify_with(&emu, &second, "ack_node_pool.full", &id, &env);
    case.destroy();
}

/// The password is write-only: not in the state, the saved plan (inside
/// the zip too), `show -json`, nor the provider's TRACE log.
#[test]
fn the_login_password_never_reaches_state_plan_files_or_logs() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    case.dir.set_env("TF_VAR_password", PASSWORD);
    case.dir.set_env("TF_LOG", "TRACE");
    case.config(&config(with_password(pool(200), 1)));
    let run = case
        .dir
        .run(&["plan", "-no-color", "-out=tfplan"])
        .success();
    let planned = plan_file_contents(&case.dir.path().join("tfplan"));
    assert!(!contains_bytes(&planned, PASSWORD.as_bytes()), "plan file");
    let shown = case.dir.show_json(&["tfplan"]).to_string();
    assert!(!shown.contains(PASSWORD), "show -json");
    let applied = case.dir.apply_saved();
    for (what, log) in [("plan", run.stderr()), ("apply", applied.stderr())] {
        for line in log.lines().filter(|l| l.contains("terraform-provider-ack")) {
            assert!(!line.contains(PASSWORD), "{what} TRACE log: {line}");
        }
    }
    let state = std::fs::read(case.dir.path().join("terraform.tfstate")).unwrap();
    assert!(!contains_bytes(&state, PASSWORD.as_bytes()), "state");
    // The service got it (masked when described), and the pool is active.
    assert_eq!(values(&case.dir, "ack_node_pool.full")["state"], "active");
    case.dir.assert_empty_plan(true);
    case.destroy();
}

/// A managed pool refuses a password and a pool with neither login, at
/// plan time, before anything is created.
#[test]
fn login_rules_fail_at_plan_time() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    case.dir.set_env("TF_VAR_password", PASSWORD);
    case.config(&config(pool(200)));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("key_pair is required"), "{out}");
    case.config(&config(
        pool(200)
            .set("login_password_wo", "var.password")
            .set("managed", "{}"),
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("managed node pool supports only a key pair"),
        "{out}"
    );
    case.config(&config(
        pool(200).str("key_pair", hcl::KEY_PAIR).unset("period"),
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("period is required"), "{out}");
    assert_eq!(emu.mutations(), 0);
}
