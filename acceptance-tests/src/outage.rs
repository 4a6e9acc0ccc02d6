//! Support for tests of outages and interruptions: terraform running in the
//! background, waits that poll instead of sleeping on luck, and what the
//! state file and the emulator hold afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::{Case, Emulator};

/// A terraform command running in the background, its stdout and stderr
/// going to one file; killed on drop if it is still running.
pub struct Background {
    pub child: Child,
    log: PathBuf,
    pub started: Instant,
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Background {
    pub fn start(case: &Case, args: &[&str], log: PathBuf) -> Background {
        let out = File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        let child = case
            .dir
            .command(args)
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap();
        Background {
            child,
            log,
            started: Instant::now(),
        }
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics with the output if terraform already exited.
    #[track_caller]
    pub fn assert_running(&mut self, when: &str) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("terraform exited ({status}) {when}:\n{}", self.output());
        }
    }

    /// Waits for terraform to exit (at most `limit`); its exit code and output.
    #[track_caller]
    pub fn wait(&mut self, limit: Duration) -> (i32, String) {
        let since = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code().unwrap_or(-1), self.output());
            }
            if since.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "terraform did not exit within {limit:?} (running for {:?}):\n{}",
                    self.started.elapsed(),
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Polls `ready` every 20 ms until it holds; panics after `limit`.
#[track_caller]
pub fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let since = Instant::now();
    while !ready() {
        assert!(since.elapsed() < limit, "not within {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `terraform.tfstate` file as it is on disk (it keeps each instance's
/// `status`, e.g. `"tainted"`, which `show -json` does not name that way).
pub fn state_file(case: &Case) -> Json {
    let text = std::fs::read_to_string(case.dir.path().join("terraform.tfstate")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `address → status` of every instance marked with a status (tainted).
pub fn instance_statuses(state: &Json) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        for i in r["instances"].as_array().into_iter().flatten() {
            if let Some(s) = i["status"].as_str() {
                out.push((
                    format!(
                        "{}.{}",
                        r["type"].as_str().unwrap_or(""),
                        r["name"].as_str().unwrap_or("")
                    ),
                    s.to_owned(),
                ));
            }
        }
    }
    out
}

/// `name → attributes` of the node pools in a state file.
pub fn recorded_pools(state: &Json) -> Vec<(String, Json)> {
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "ack_node_pool")
        .flat_map(|r| {
            r["instances"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    (
                        r["name"].as_str().unwrap_or("").to_owned(),
                        i["attributes"].clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The states the emulator reports for the pools of `cluster_id`.
pub fn pool_states(emu: &Emulator, cluster_id: &str) -> Vec<String> {
    emu.outside(async |c, cancel| {
        c.node_pools(cluster_id, &cancel)
            .await
            .unwrap()
            .iter()
            .map(|p| p.status.state.clone())
            .collect()
    })
}

/// Ctrl-C: SIGINT to terraform, which stops the provider and exits.
pub fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn assert_empty_emulator(emu: &Emulator) {
    let s = emu.stats();
    assert_eq!(
        (s["clusters"].as_u64(), s["node_pools"].as_u64()),
        (Some(0), Some(0)),
        "nothing left in the emulator: {s}"
    );
}
