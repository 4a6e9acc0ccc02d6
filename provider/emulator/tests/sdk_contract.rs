//! Contract test with the official Python SDK (`alibabacloud-cs20151215`,
//! pinned in tests/sdk/requirements.txt): tests/sdk/contract.py drives every
//! modelled operation through the SDK's typed models against two emulator
//! binaries (one with `--security-token`). The SDK is installed from PyPI
//! into a virtualenv cached under the target directory (`sdk-venv`).
//! Without Python or PyPI the test fails with a clear message; set
//! `ACK_SKIP_SDK_CONTRACT=1` to skip it on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const EMULATOR: &str = env!("CARGO_BIN_EXE_ack-emulator");
const STS_TOKEN: &str = "sdk-contract-sts-token";

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(extra: &[&str]) -> (Running, String) {
    let mut child = Command::new(EMULATOR)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--speed",
            "100000",
        ])
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
    (Running(child), addr)
}

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk")
}

/// `target/sdk-venv`, next to `target/debug`.
fn venv_dir() -> PathBuf {
    let bin = Path::new(EMULATOR);
    let profile_dir = bin.parent().expect("binary directory");
    profile_dir.parent().unwrap_or(profile_dir).join("sdk-venv")
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("could not {what}: {e}. Set ACK_SKIP_SDK_CONTRACT=1 to skip the SDK contract test.")
    });
    assert!(
        out.status.success(),
        "could not {what} (is PyPI reachable?):\n{}\n{}\nSet ACK_SKIP_SDK_CONTRACT=1 to skip the SDK contract test.",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating the venv and installing the pinned SDK when
/// the requirements changed since the last install.
fn python() -> PathBuf {
    let venv = venv_dir();
    let python = venv.join("bin/python");
    let requirements = sdk_dir().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let stamp = venv.join("installed-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&*wanted) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run(
        Command::new(&interpreter).args(["-m", "venv"]).arg(&venv),
        &format!("create a Python virtualenv with {interpreter}"),
    );
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "-r",
            ])
            .arg(&requirements),
        "install the official SDK from PyPI",
    );
    std::fs::write(&stamp, wanted).unwrap();
    python
}

#[test]
fn the_official_python_sdk_agrees_with_the_emulator() {
    if std::env::var("ACK_SKIP_SDK_CONTRACT").as_deref() == Ok("1") {
        eprintln!("ACK_SKIP_SDK_CONTRACT=1: SDK contract test skipped");
        return;
    }
    let python = python();
    let (_plain, endpoint) = start(&[]);
    let (_sts, sts_endpoint) = start(&["--security-token", STS_TOKEN]);
    let out = Command::new(python)
        .arg(sdk_dir().join("contract.py"))
        .env("ACK_EMULATOR_ENDPOINT", &endpoint)
        .env("ACK_EMULATOR_STS_ENDPOINT", &sts_endpoint)
        .env("ACK_EMULATOR_STS_TOKEN", STS_TOKEN)
        .output()
        .expect("run contract.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "the official SDK disagrees with the emulator:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ok   node pool upgrades"),
        "UpgradeClusterNodepool is part of the contract:\n{stdout}"
    );
}
