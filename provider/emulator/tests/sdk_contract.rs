//! Contract test with the official Python SDK (`alibabacloud-cs20151215`,
//! pinned in tests/sdk/requirements.txt): tests/sdk/contract.py drives every
//! modelled operation through the SDK's typed models against two emulator
//! binaries (one with `--security-token`). The SDK is installed from PyPI
//! into a virtualenv cached under the target directory (`sdk-venv`).
//! Without Python or PyPI the test fails with a clear message; set
//! `ACK_SKIP_SDK_CONTRACT=1` to skip it on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{process::start, python};

const EMULATOR: &str = env!("CARGO_BIN_EXE_ack-emulator");
const STS_TOKEN: &str = "sdk-contract-sts-token";

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk")
}

/// The venv's python, creating the venv and installing the pinned SDK when
/// the requirements changed since the last install.
fn python() -> PathBuf {
    let venv = python::target_dir(EMULATOR, "sdk-venv");
    let python = venv.join("bin/python");
    let requirements = sdk_dir().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let stamp = venv.join("installed-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&*wanted) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    python::install(
        &interpreter,
        &venv,
        &requirements,
        "the official SDK",
        "ACK_SKIP_SDK_CONTRACT",
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
    let plain = start(":memory:", "100000", &[]);
    let sts = start(":memory:", "100000", &["--security-token", STS_TOKEN]);
    let out = Command::new(python)
        .arg(sdk_dir().join("contract.py"))
        .env("ACK_EMULATOR_ENDPOINT", &plain.addr)
        .env("ACK_EMULATOR_STS_ENDPOINT", &sts.addr)
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
