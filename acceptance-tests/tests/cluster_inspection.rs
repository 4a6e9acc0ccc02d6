//! `ack_cluster_inspection` under real terraform: the full cycle on Pro,
//! in-place changes, the schedule rule and the Standard refusal at plan
//! time, the latest report's summary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{values, Case, Emulator};
use tfplugin_testing::actions_for;

fn cluster(edition: &str) -> String {
    format!("resource \"ack_cluster\" \"main\" {{\n  name    = \"inspected\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  edition = \"{edition}\"\n}}\n")
}

fn inspection(schedule: &str) -> String {
    format!(
        "resource \"ack_cluster_inspection\" \"daily\" {{\n  cluster_name         = ack_cluster.main.name\n  schedule             = \"{schedule}\"\n  disabled_check_items = [\"NodeDiskPressure\"]\n}}\n"
    )
}

#[test]
fn inspection_full_cycle() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let body = format!(
        "{}{}",
        cluster("pro"),
        inspection("FREQ=DAILY;BYHOUR=3;BYMINUTE=0")
    );
    case.step(&body);
    let v = values(&case.dir, "ack_cluster_inspection.daily");
    assert_eq!(v["latest_report"]["status"], "completed", "{v}");
    assert_eq!(v["latest_report"]["normal_count"], 6, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    // Another spelling of the same schedule: no diff.
    case.config(&format!(
        "{}{}",
        cluster("pro"),
        inspection("BYMINUTE=00;BYHOUR=03;FREQ=DAILY")
    ));
    case.dir.assert_empty_plan(false);
    let changed = body.replace("BYHOUR=3", "BYHOUR=4");
    let plan = case.step(&changed);
    assert_eq!(
        actions_for(&plan, "ack_cluster_inspection.daily"),
        ["update"]
    );
    assert_eq!(emu.requests("UpdateClusterInspectConfig"), 1);
    case.import_verify(&emu, &changed, "ack_cluster_inspection.daily", &id);
    // Schedules the API refuses fail at plan time, at `schedule`.
    for bad in [
        "FREQ=WEEKLY;BYHOUR=3;BYMINUTE=0",
        "FREQ=DAILY;BYHOUR=3",
        "FREQ=DAILY;BYHOUR=3;BYMINUTE=0;COUNT=5",
    ] {
        case.config(&format!("{}{}", cluster("pro"), inspection(bad)));
        let out = case.dir.run(&["plan", "-no-color"]).failure();
        assert!(
            out.contains("recurrence rule") && out.contains("schedule"),
            "{bad}: {out}"
        );
    }
    // Removing it deletes the configuration.
    case.step(&cluster("pro"));
    assert_eq!(emu.requests("DeleteClusterInspectConfig"), 1);
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn inspection_is_refused_on_standard_at_plan_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&format!(
        "{}{}",
        cluster("standard"),
        inspection("FREQ=DAILY;BYHOUR=3;BYMINUTE=0")
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Cluster inspection and automatic repair (professional security management) needs ACK Pro"), "{out}");
    assert!(
        out.contains("Upgrade the cluster to `edition = \"pro\"`"),
        "{out}"
    );
    assert_eq!(emu.mutations(), 0);
}
