//! Support for tests of outages and interruptions: terraform running in the
//! background, waits that poll instead of sleeping on luck, and what the
//! state file and the emulator hold afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::{free_port, Case, Emulator, TempDir};

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

/// Waits (at most 60 s) until the emulator has served `action` `n` times.
#[track_caller]
pub fn wait_for_requests(emu: &Emulator, action: &str, n: u64) {
    wait_until(
        &format!("{n} {action} served"),
        Duration::from_secs(60),
        || emu.requests(action) >= n,
    );
}

/// An emulator that can go away and come back as the same service: a fixed
/// address, and its database in a file of a private directory (which also
/// holds terraform's logs).
pub struct Service {
    tmp: TempDir,
    listen: String,
}

impl Service {
    pub fn new(prefix: &str) -> Service {
        Service {
            tmp: TempDir::new(prefix),
            listen: format!("127.0.0.1:{}", free_port()),
        }
    }

    /// Starts the emulator at `speed` where the last one stopped.
    pub fn start(&self, speed: &str) -> Emulator {
        Emulator::start_on(
            &self.listen,
            &self.tmp.path().join("emulator.db"),
            speed,
            &[],
        )
    }

    /// Stops `emu` (SIGKILL) and starts it again at `speed`.
    pub fn restart(&self, emu: &mut Emulator, speed: &str) {
        emu.kill();
        *emu = self.start(speed);
    }

    /// `terraform <args>` in the background, logged to `<log>.log`.
    pub fn background(&self, case: &Case, args: &[&str], log: &str) -> Background {
        Background::start(case, args, self.tmp.path().join(format!("{log}.log")))
    }

    /// Kills `emu` and keeps the service down for `length`, checking that
    /// `run` keeps running all along (it must wait the outage out), then
    /// starts it again at `speed`. Returns when the outage began.
    #[track_caller]
    pub fn outage(
        &self,
        emu: &mut Emulator,
        run: &mut Background,
        length: Duration,
        speed: &str,
    ) -> Instant {
        emu.kill();
        let began = Instant::now();
        while began.elapsed() < length {
            run.assert_running("during the outage (it must wait the outage out)");
            std::thread::sleep(Duration::from_millis(250));
        }
        *emu = self.start(speed);
        began
    }
}
