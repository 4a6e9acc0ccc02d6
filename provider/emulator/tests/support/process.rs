//! The `ack-emulator` binary started as a child process on a loopback port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running emulator binary, killed when dropped.
pub struct Running {
    child: Child,
    /// `host:port` from its readiness line.
    pub addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on port 0 with the database `db`, the task speed
/// `speed` and `extra` arguments, and waits for its readiness line.
pub fn start(db: &str, speed: &str, extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ack-emulator"))
        .args(["--listen", "127.0.0.1:0", "--db", db, "--speed", speed])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ack-emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("ack-emulator listening on http://")
        .unwrap_or_else(|| panic!("unexpected readiness line {line:?}"))
        .to_owned();
    Running { child, addr }
}
