//! `ack_node_pool` with every placement, billing, login, image and disk
//! argument (#18) under real terraform: plan → apply → empty plans, changes
//! in place, import, and a write-only password that never reaches the
//! state, the plan file or a TRACE log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, values, Case, Emulator};
use tfplugin_testing::{actions_for, contains_bytes, plan_file_contents};

const PASSWORD: &str = "Nodes-Secr3t-8f2e";

fn config(pool: &str) -> String {
    format!(
        r#"
resource "ack_cluster" "main" {{
  name        = "full"
  vpc_id      = "vpc-ack00000000000000001"
  vswitch_ids = ["vsw-ack00000000000000001"]
  pod_cidr    = "172.20.0.0/16"
  edition     = "pro"
}}

variable "password" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

resource "ack_node_pool" "full" {{
  cluster_name   = ack_cluster.main.name
  name           = "full"
  instance_types = ["ecs.g7.xlarge", "ecs.g7.2xlarge"]
  desired_size   = 2

  vswitch_ids                              = ["vsw-ack00000000000000001", "vsw-ack00000000000000002"]
  instance_charge_type                     = "PrePaid"
  period                                   = 1
  period_unit                              = "Month"
  auto_renew                               = true
  auto_renew_period                        = 1
  spot_strategy                            = "NoSpot"
  multi_az_policy                          = "BALANCE"
  on_demand_base_capacity                  = 1
  on_demand_percentage_above_base_capacity = 50
  security_group_ids                       = ["sg-ack00000000000000001"]
  ram_role_name                            = "AckNodeRole"
  deployment_set_id                        = "ds-ack0001"
  internet_charge_type                     = "PayByTraffic"
  internet_max_bandwidth_out               = 10
  resource_group_id                        = "rg-acfmzabcdefghij"
  tags                                     = {{ team = "platform" }}
  image_type                               = "AliyunLinux3"
  system_disk_category                     = "cloud_essd"
  system_disk_size                         = 120
  system_disk_performance_level            = "PL1"
  system_disk_encrypted                    = true
  system_disk_kms_key_id                   = "key-ack00000000000000001"
  data_disks = [{{
    category     = "cloud_essd"
    size         = 200
    encrypted    = true
    kms_key_id   = "key-ack00000000000000002"
    auto_format  = true
    file_system  = "ext4"
    mount_target = "/var/lib/data"
  }}]
{pool}
}}
"#
    )
}

#[test]
fn every_argument_plans_applies_changes_in_place_and_imports() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    case.dir.set_env("TF_VAR_password", PASSWORD);
    let login = "  login_password_wo         = var.password\n  login_password_wo_version = 1";
    let first = config(login);
    case.step(&first);
    let v = values(&case.dir, "ack_node_pool.full");
    assert_eq!(v["system_disk_kms_key_id"], "key-ack00000000000000001");
    assert_eq!(v["data_disks"][0]["mount_target"], "/var/lib/data");
    assert!(v["login_password_wo"].is_null());
    let id = v["id"].as_str().unwrap().to_owned();

    // Placement and disks change in place, and a new password version
    // sends the password again; nothing else is reset.
    let second = first
        .replace(
            "internet_max_bandwidth_out               = 10",
            "internet_max_bandwidth_out               = 20",
        )
        .replace("size         = 200", "size         = 300")
        .replace(
            "login_password_wo_version = 1",
            "login_password_wo_version = 2",
        );
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
    case.config(&second.replace(
        "  deployment_set_id                        = \"ds-ack0001\"\n",
        "",
    ));
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
    let login = "  login_password_wo         = var.password\n  login_password_wo_version = 1";
    case.config(&config(login));
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
    case.config(&config(""));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("key_pair is required"), "{out}");
    case.config(&config(
        "  login_password_wo = var.password\n  managed = {}",
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("managed node pool supports only a key pair"),
        "{out}"
    );
    case.config(
        &config("  key_pair = \"ack-keypair\"")
            .replace("period                                   = 1\n", ""),
    );
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("period is required"), "{out}");
    assert_eq!(emu.mutations(), 0);
}
