//! A harness that drives a real `terraform` binary against a provider, in
//! the spirit of HashiCorp's terraform-plugin-testing: working directories
//! with a CLI configuration that points Terraform at the provider under
//! test (`dev_overrides`, or `TF_REATTACH_PROVIDERS`), and helpers for the
//! plan → apply → empty plan → import → destroy cycle.
//!
//! The terraform binary comes from `TF_ACC_TERRAFORM_PATH`, else `PATH`.
//!
//! A dev-only crate: tests, examples and benchmarks depend on it, never a
//! provider. It knows terraform's CLI and nothing of any provider — not the
//! provider's name, its resources, nor the environment variable a test
//! suite uses to skip these tests (callers pass it to [`skip_requested`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value as Json;

/// Longest a single terraform command may take in a test.
pub const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Reads a child's pipe on its own thread, so a full pipe never blocks the
/// child. The buffer is shared: a plugin orphaned by a crashed terraform can
/// keep the pipe open forever, so callers take what arrived instead of
/// waiting for the end of the stream.
struct Drain {
    buf: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    thread: std::thread::JoinHandle<()>,
}

fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> Drain {
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = buf.clone();
    let thread = std::thread::spawn(move || {
        let Some(mut p) = pipe else { return };
        let mut chunk = [0u8; 8192];
        while let Ok(n) = p.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend_from_slice(&chunk[..n]);
        }
    });
    Drain { buf, thread }
}

impl Drain {
    /// What arrived, waiting up to 5 s for the end of the stream.
    fn take(self) -> Vec<u8> {
        let start = std::time::Instant::now();
        while !self.thread.is_finished() && start.elapsed() < std::time::Duration::from_secs(5) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        std::mem::take(
            &mut *self
                .buf
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// The skip variable last asked about, named by [`terraform_binary`]'s
/// message when terraform is missing.
static SKIP_VAR: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// True when the test suite's skip switch, the environment variable `var`,
/// is set to `1` or `true`: tests that need terraform are skipped on purpose.
pub fn skip_requested(var: &str) -> bool {
    let _ = SKIP_VAR.set(var.to_owned());
    std::env::var(var).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The terraform binary to use. Panics with instructions when there is none:
/// a missing terraform must fail tests loudly, not pass them silently.
pub fn terraform_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TF_ACC_TERRAFORM_PATH") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("terraform");
        if candidate.is_file() {
            return candidate;
        }
    }
    let skip = SKIP_VAR
        .get()
        .map_or("the suite's skip variable", String::as_str);
    panic!(
        "terraform was not found on PATH and TF_ACC_TERRAFORM_PATH is not set. \
         Install Terraform 1.11 (see the README), or set {skip}=1 to skip acceptance tests on purpose."
    );
}

/// Finds a binary Cargo built into the target directory next to the running
/// test (`target/debug/NAME` or `target/debug/examples/NAME`).
pub fn cargo_artifact(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/debug/deps/test-xxxx → target/debug
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for candidate in [
        profile_dir.join(name),
        profile_dir.join("examples").join(name),
    ] {
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "{name} was not found in {}: build it first (`cargo test` at the workspace root builds every binary and example)",
        profile_dir.display()
    );
}

/// How Terraform finds the provider under test.
#[derive(Clone, Debug)]
pub enum ProviderSource {
    /// `dev_overrides` to a directory holding `terraform-provider-TYPE`:
    /// Terraform starts the binary itself, with AutoMTLS.
    DevOverride { address: String, binary: PathBuf },
    /// Several providers under test at once (a provider configured from
    /// another's values): `(address, binary)` pairs.
    DevOverrides(Vec<(String, PathBuf)>),
    /// An already running provider in debug mode.
    Reattach { json: String },
}

/// One terraform working directory.
#[derive(Debug)]
pub struct WorkDir {
    dir: tempfile::TempDir,
    terraform: PathBuf,
    env: Vec<(OsString, OsString)>,
}

/// A finished terraform command.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    /// Panics with the command's output unless it exited 0.
    #[track_caller]
    pub fn success(self) -> Run {
        assert!(
            self.output.status.success(),
            "terraform {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }
    /// Panics unless the command failed, and returns its combined output
    /// with runs of white space folded to one space (terraform wraps
    /// diagnostics at its own width).
    #[track_caller]
    pub fn failure(self) -> String {
        assert!(
            !self.output.status.success(),
            "terraform {} was expected to fail but succeeded:\n{}",
            self.args.join(" "),
            self.stdout()
        );
        let text = format!("{}\n{}", self.stdout(), self.stderr());
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl WorkDir {
    /// A fresh working directory wired to `source`.
    pub fn new(source: &ProviderSource) -> WorkDir {
        let dir = tempfile::Builder::new()
            .prefix("tfacc-")
            .tempdir()
            .unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut env: Vec<(OsString, OsString)> = vec![
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
        ];
        let cli_config = dir.path().join(".terraformrc");
        match source {
            ProviderSource::DevOverride { address, binary } => {
                write_dev_overrides(
                    dir.path(),
                    &cli_config,
                    &[(address.clone(), binary.clone())],
                );
            }
            ProviderSource::DevOverrides(list) => {
                write_dev_overrides(dir.path(), &cli_config, list);
            }
            ProviderSource::Reattach { json } => {
                std::fs::write(&cli_config, "").unwrap_or_else(|e| panic!("write cli config: {e}"));
                env.push(("TF_REATTACH_PROVIDERS".into(), json.into()));
            }
        }
        env.push(("TF_CLI_CONFIG_FILE".into(), cli_config.into()));
        WorkDir {
            dir,
            terraform: terraform_binary(),
            env,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Adds an environment variable for every terraform command.
    pub fn set_env(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
    }

    /// Writes `main.tf`.
    pub fn write_config(&self, hcl: &str) {
        self.write_file("main.tf", hcl);
    }

    pub fn write_file(&self, name: &str, content: &str) {
        std::fs::write(self.dir.path().join(name), content)
            .unwrap_or_else(|e| panic!("write {name}: {e}"));
    }

    /// The terraform command for `args` in this directory, with this
    /// directory's environment (for tests that drive the process themselves,
    /// e.g. to interrupt it).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs terraform with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, None)
    }

    /// Evaluates `expr` in `terraform console` and returns what it printed
    /// (stdout and stderr, trimmed) and whether it succeeded.
    pub fn console(&self, expr: &str) -> (bool, String) {
        let run = self.run_with_input(&["console"], Some(format!("{expr}\n").as_bytes()));
        let text = strip_ansi(&format!("{}{}", run.stdout(), run.stderr()));
        (run.output.status.success(), text.trim().to_owned())
    }

    /// Runs terraform with `args`, feeding `input` on stdin.
    pub fn run_with_input(&self, args: &[&str], input: Option<&[u8]>) -> Run {
        let mut cmd = self.command(args);
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", self.terraform.display()));
        if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
            use std::io::Write as _;
            // Dropping stdin afterwards closes it: console exits at end of input.
            let _ = stdin.write_all(bytes);
        }
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        // A hung terraform (or provider) fails its test instead of blocking the suite.
        let started = std::time::Instant::now();
        let status = loop {
            if let Ok(Some(status)) = child.try_wait() {
                break status;
            }
            if started.elapsed() > COMMAND_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "terraform {} did not finish within {COMMAND_TIMEOUT:?}",
                    args.join(" ")
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let output = Output {
            status,
            stdout: stdout.take(),
            stderr: stderr.take(),
        };
        Run {
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            output,
        }
    }

    /// `terraform plan -out` then `show -json` of the saved plan.
    #[track_caller]
    pub fn plan(&self, extra: &[&str]) -> Json {
        let mut args = vec!["plan", "-no-color", "-out=tfplan"];
        args.extend_from_slice(extra);
        self.run(&args).success();
        self.show_json(&["tfplan"])
    }

    /// Applies the plan saved by [`WorkDir::plan`].
    #[track_caller]
    pub fn apply_saved(&self) -> Run {
        self.run(&["apply", "-no-color", "-refresh=false", "tfplan"])
            .success()
    }

    /// `terraform apply -auto-approve`.
    #[track_caller]
    pub fn apply(&self) -> Run {
        self.run(&["apply", "-no-color", "-auto-approve"]).success()
    }

    /// `terraform show -json [ARGS]`.
    #[track_caller]
    pub fn show_json(&self, args: &[&str]) -> Json {
        let mut all = vec!["show", "-json"];
        all.extend_from_slice(args);
        let run = self.run(&all).success();
        serde_json::from_slice(&run.output.stdout)
            .unwrap_or_else(|e| panic!("show -json output: {e}"))
    }

    /// `terraform providers schema -json`.
    #[track_caller]
    pub fn providers_schema(&self) -> Json {
        let run = self.run(&["providers", "schema", "-json"]).success();
        serde_json::from_slice(&run.output.stdout)
            .unwrap_or_else(|e| panic!("providers schema -json output: {e}"))
    }

    /// The state as `terraform show -json` prints it.
    #[track_caller]
    pub fn state(&self) -> Json {
        self.show_json(&[])
    }

    /// Asserts that a plan (with or without refresh) has no changes.
    #[track_caller]
    pub fn assert_empty_plan(&self, refresh: bool) {
        let refresh_arg = if refresh {
            "-refresh=true"
        } else {
            "-refresh=false"
        };
        let run = self.run(&["plan", "-no-color", "-detailed-exitcode", refresh_arg]);
        assert_eq!(
            run.code(),
            0,
            "expected an empty plan ({refresh_arg}), got exit {}:\n{}\n{}",
            run.code(),
            run.stdout(),
            run.stderr()
        );
    }
}

/// Links each binary into its own directory under `root` and writes a CLI
/// configuration with a `dev_overrides` entry per provider.
fn write_dev_overrides(root: &Path, cli_config: &Path, providers: &[(String, PathBuf)]) {
    let mut entries = String::new();
    for (i, (address, binary)) in providers.iter().enumerate() {
        let bin_dir = root.join(format!(".provider-bin-{i}"));
        std::fs::create_dir_all(&bin_dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let file_name = binary.file_name().map(|n| n.to_owned()).unwrap_or_default();
        link_or_copy(binary, &bin_dir.join(file_name));
        entries.push_str(&format!("    \"{address}\" = \"{}\"\n", bin_dir.display()));
    }
    let rc =
        format!("provider_installation {{\n  dev_overrides {{\n{entries}  }}\n  direct {{}}\n}}\n");
    std::fs::write(cli_config, rc).unwrap_or_else(|e| panic!("write cli config: {e}"));
}

/// The `resource_changes[].change.actions` of a plan, by address.
pub fn plan_actions(plan: &Json) -> Vec<(String, Vec<String>)> {
    plan["resource_changes"]
        .as_array()
        .map(|rc| {
            rc.iter()
                .map(|c| {
                    let addr = c["address"].as_str().unwrap_or_default().to_owned();
                    let actions = c["change"]["actions"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    (addr, actions)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The actions planned for one resource address.
pub fn actions_for(plan: &Json, address: &str) -> Vec<String> {
    plan_actions(plan)
        .into_iter()
        .find(|(a, _)| a == address)
        .map(|(_, x)| x)
        .unwrap_or_default()
}

/// A resource's attribute values from `terraform show -json` state output.
pub fn state_resource<'a>(state: &'a Json, address: &str) -> Option<&'a Json> {
    fn find<'a>(module: &'a Json, address: &str) -> Option<&'a Json> {
        if let Some(rs) = module["resources"].as_array() {
            if let Some(r) = rs.iter().find(|r| r["address"] == address) {
                return Some(&r["values"]);
            }
        }
        module["child_modules"]
            .as_array()?
            .iter()
            .find_map(|m| find(m, address))
    }
    find(&state["values"]["root_module"], address)
}

/// What a saved plan file holds: its raw bytes followed by every entry
/// decompressed (a plan file is a zip archive; entries are read with
/// `unzip -p`, so the check sees through compression). Panics when `unzip`
/// is missing: a secret check that cannot look inside must not pass.
pub fn plan_file_contents(path: &Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let out = Command::new("unzip")
        .arg("-p")
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("`unzip` is needed to look inside plan files: {e}"));
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "unzip -p {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    all.extend_from_slice(&out.stdout);
    all
}

/// True when `needle` occurs in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Removes terminal colour codes (`ESC [ … m`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn link_or_copy(from: &Path, to: &Path) {
    #[cfg(unix)]
    if std::os::unix::fs::symlink(from, to).is_ok() {
        return;
    }
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}
