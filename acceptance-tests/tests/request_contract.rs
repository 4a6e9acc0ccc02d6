//! The quickstart as a newcomer runs it (`examples/quickstart/main.tf`, then
//! `-var edition=pro`) sends only creates the real API accepts: each carries
//! the fields the official SDK documents as required (see
//! `acceptance_tests::contract`), checked on the emulator's request log.
//! The documented resource examples get the same check in `examples.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{contract, hcl, Case, Emulator};

#[test]
fn the_quickstart_sends_complete_creates() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.dir.write_config(&hcl::example("quickstart/main.tf"));
    case.dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .success();
    case.dir.assert_empty_plan(true);
    case.dir
        .run(&["apply", "-auto-approve", "-no-color", "-var", "edition=pro"])
        .success();
    let (clusters, pools) = contract::assert_creates_complete(&emu);
    assert_eq!(clusters, 1, "one cluster created");
    assert!(pools >= 1, "the quickstart's pool was created");
    assert!(
        emu.request_log("MigrateCluster").len() == 1,
        "standard → pro is an in-place migration"
    );
    case.dir
        .run(&[
            "destroy",
            "-auto-approve",
            "-no-color",
            "-var",
            "edition=pro",
        ])
        .success();
}
