//! The conformance provider under a real terraform: where its binary is, how
//! Terraform starts it, working directories that point Terraform at it, and
//! its file store.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, ExitStatus};

use tfplugin_testing::{cargo_artifact, ProviderSource, WorkDir};

pub const ADDRESS: &str = "example/conformance";

/// The workspace's switch for skipping the tests that need terraform (README).
pub const SKIP_ENV: &str = "ACK_SKIP_ACCEPTANCE";

pub fn skip_requested() -> bool {
    tfplugin_testing::skip_requested(SKIP_ENV)
}

pub fn binary() -> std::path::PathBuf {
    cargo_artifact("terraform-provider-conformance")
}

/// The plugin started as Terraform starts it: with the magic cookie and the
/// protocol versions Terraform offers (`protocols`, e.g. `"5,6"`).
pub fn as_terraform(protocols: &str) -> Command {
    let mut cmd = Command::new(binary());
    cmd.env(
        "TF_PLUGIN_MAGIC_COOKIE",
        tfplugin::server::MAGIC_COOKIE_VALUE,
    )
    .env("PLUGIN_PROTOCOL_VERSIONS", protocols);
    cmd
}

/// A plugin process, killed when the test ends, however it ends.
pub struct Plugin(pub Child);

impl Plugin {
    /// Sends SIGINT, as Ctrl-C in Terraform's terminal does.
    pub fn interrupt(&self) {
        let pid = self.0.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.unwrap().success());
    }

    /// Waits up to ten seconds for the plugin to exit.
    pub fn wait_exit(&mut self) -> Option<ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(10) {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn header(dir: &WorkDir) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    conformance = {{ source = \"{ADDRESS}\" }}\n  }}\n}}\n\
         provider \"conformance\" {{\n  store_dir = \"{}\"\n}}\n",
        dir.path().join("store").display()
    )
}

pub fn workdir() -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: {SKIP_ENV}=1");
        return None;
    }
    Some(WorkDir::new(&ProviderSource::DevOverride {
        address: ADDRESS.into(),
        binary: binary(),
    }))
}

pub fn configure(dir: &WorkDir, body: &str) {
    dir.write_config(&format!("{}{body}", header(dir)));
}

pub fn store_files(dir: &WorkDir) -> usize {
    std::fs::read_dir(dir.path().join("store"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

/// Destroys everything the configuration in `dir` manages and checks that
/// the store is empty after it.
pub fn destroy_all(dir: &WorkDir) {
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(store_files(dir), 0, "destroy removed every object");
}
