//! Python tools for tests: a virtualenv with pinned requirements cached
//! under the target directory, and setup steps whose failure says how to
//! skip the tests that need them. Only std, so that another crate's tests
//! can include this file by path.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `target/<name>`, beside the profile directory (`target/debug`) that
/// holds `binary`.
pub fn target_dir(binary: &str, name: &str) -> PathBuf {
    let bin = Path::new(binary);
    let profile = bin.parent().expect("binary directory");
    profile.parent().unwrap_or(profile).join(name)
}

/// Runs one setup step and returns its output; a failure names `what`,
/// says what it printed, and that setting `skip=1` skips the tests that
/// need it.
pub fn step(cmd: &mut Command, what: &str, skip: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not {what}: {e}. Set {skip}=1 to skip."));
    assert!(
        out.status.success(),
        "could not {what}:\n{}\n{}\nSet {skip}=1 to skip.",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Creates a virtualenv at `venv` with `interpreter` and installs the
/// pinned `requirements` file into it from PyPI (`what` says what they
/// are, for a failure).
pub fn install(interpreter: &str, venv: &Path, requirements: &Path, what: &str, skip: &str) {
    step(
        Command::new(interpreter).args(["-m", "venv"]).arg(venv),
        &format!("create a Python virtualenv with {interpreter}"),
        skip,
    );
    let pip = [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        "-r",
    ];
    step(
        Command::new(venv.join("bin/python"))
            .args(pip)
            .arg(requirements),
        &format!("install {what} from PyPI (is it reachable?)"),
        skip,
    );
}
