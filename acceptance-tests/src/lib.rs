//! Shared helpers for the acceptance tests: a fresh `ack-emulator` per test
//! and terraform working directories wired to the freshly built
//! `terraform-provider-ack` (through `dev_overrides`) and to that emulator.

pub mod contract;
pub mod hcl;
pub mod outage;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value as Json;
use tfplugin_testing::{cargo_artifact, ProviderSource, WorkDir};

/// The provider's source address in configurations.
pub const SOURCE: &str = "acklabs/ack";

/// The `terraform { required_providers { … } }` block every test config starts with.
pub const REQUIRED_PROVIDERS: &str =
    "terraform {\n  required_providers {\n    ack = {\n      source = \"acklabs/ack\"\n    }\n  }\n}\n";

/// Set to `1` (or `true`) to skip the tests that need terraform on purpose.
pub const SKIP_ENV: &str = "ACK_SKIP_ACCEPTANCE";

/// True when the tests that need terraform were switched off with
/// `ACK_SKIP_ACCEPTANCE=1`.
pub fn skip_requested() -> bool {
    tfplugin_testing::skip_requested(SKIP_ENV)
}

/// A working directory whose terraform runs the built provider through
/// `dev_overrides`; `None` when acceptance tests are skipped on purpose.
pub fn workdir() -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: {SKIP_ENV}=1");
        return None;
    }
    let binary = cargo_artifact("terraform-provider-ack");
    Some(WorkDir::new(&ProviderSource::DevOverride {
        address: SOURCE.into(),
        binary,
    }))
}

/// A running emulator, killed on drop.
pub struct Emulator {
    child: Child,
    pub addr: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    /// Starts a fresh in-memory emulator on a free port. At speed 3000 a
    /// cluster is created in 0.2 s.
    pub fn start() -> Emulator {
        Emulator::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Emulator {
        let listen = "127.0.0.1:0";
        Emulator::spawn(listen, ":memory:".as_ref(), "3000", extra).unwrap_or_else(|(line, err)| {
            panic!("ack-emulator did not start on {listen}: {line:?} {err}")
        })
    }

    /// Runs the emulator binary and waits for its readiness line; on
    /// failure, that line and what it wrote to stderr.
    fn spawn(
        listen: &str,
        db: &std::ffi::OsStr,
        speed: &str,
        extra: &[&str],
    ) -> Result<Emulator, (String, String)> {
        let mut child = Command::new(cargo_artifact("ack-emulator"))
            .arg("--listen")
            .arg(listen)
            .arg("--db")
            .arg(db)
            .args(["--speed", speed])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start ack-emulator: {e}"));
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        if let Some(addr) = line
            .trim()
            .strip_prefix("ack-emulator listening on http://")
            .map(str::to_owned)
        {
            // Nobody reads stderr from here on: a full pipe must not
            // block the emulator.
            if let Some(mut err) = child.stderr.take() {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut err, &mut std::io::sink());
                });
            }
            return Ok(Emulator { child, addr });
        }
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let _ = child.kill();
        let _ = child.wait();
        Err((line, err))
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn admin(&self, method: &str, path: &str, body: &str) -> Json {
        let mut s = TcpStream::connect(&self.addr).unwrap_or_else(|e| panic!("emulator: {e}"));
        let req = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let _ = s.write_all(req.as_bytes());
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        let body = resp.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or(Json::Null)
    }

    /// `GET /_emulator/stats`.
    pub fn stats(&self) -> Json {
        self.admin("GET", "/_emulator/stats", "")
    }

    /// Requests served for `action`.
    pub fn requests(&self, action: &str) -> u64 {
        self.stats()["requests"][action].as_u64().unwrap_or(0)
    }

    /// The mutating requests for `action` the emulator logged, oldest
    /// first: `{action, method, path, status, body}` (secrets redacted).
    pub fn request_log(&self, action: &str) -> Vec<Json> {
        let path = format!("/_emulator/requests?action={action}");
        match self
            .admin("GET", &path, "")
            .get_mut("requests")
            .map(Json::take)
        {
            Some(Json::Array(entries)) => entries,
            _ => Vec::new(),
        }
    }

    /// Panics unless the emulator holds no cluster and no node pool.
    #[track_caller]
    pub fn assert_empty(&self) {
        let s = self.stats();
        assert_eq!(
            (s["clusters"].as_u64(), s["node_pools"].as_u64()),
            (Some(0), Some(0)),
            "nothing left in the emulator: {s}"
        );
    }

    /// Mutating requests served so far (anything but Describe*/Get*/List*).
    pub fn mutations(&self) -> u64 {
        self.stats()["requests"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| {
                        !(k.starts_with("Describe")
                            || k.starts_with("Get")
                            || k.starts_with("XEmulatorDescribe"))
                    })
                    .filter_map(|(_, v)| v.as_u64())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// `POST /_emulator/faults`.
    pub fn faults(&self, settings: &Json) -> Json {
        self.admin("POST", "/_emulator/faults", &settings.to_string())
    }

    /// `POST /_emulator/inventory` (region `cn-hangzhou`, the tests' region):
    /// adds or replaces network objects.
    pub fn inventory(&self, more: &Json) -> Json {
        self.admin(
            "POST",
            "/_emulator/inventory?region=cn-hangzhou",
            &more.to_string(),
        )
    }

    /// Points the provider in `dir` at this emulator through its
    /// environment fallbacks (endpoint, region, access key).
    pub fn wire(&self, dir: &mut WorkDir) {
        dir.set_env("ACK_ENDPOINT", self.endpoint());
        dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
        dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator");
        dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret");
    }

    /// A client for changes made "outside Terraform".
    pub fn client(&self) -> ack_client::Client {
        let cfg = ack_client::ClientConfig::new(
            &self.endpoint(),
            "cn-hangzhou",
            "emulator",
            "emulator-secret",
        );
        ack_client::Client::new(cfg).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs `f` with a client on a fresh runtime.
    pub fn outside<T>(
        &self,
        f: impl AsyncFnOnce(ack_client::Client, tokio_util::sync::CancellationToken) -> T,
    ) -> T {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(f(self.client(), tokio_util::sync::CancellationToken::new()))
    }
}

/// `ack_cluster`'s arguments an import cannot know: the API reports only the
/// first of the `zone_ids`, the installed addons rather than the create-time
/// list, and `delete_options` are a destroy-time setting (the first plan
/// after an import records them; ImportStateVerify ignores them, as
/// terraform-plugin-testing's `ImportStateVerifyIgnore` would).
pub const CLUSTER_NOT_READ_BACK: &[&str] = &["zone_ids", "addons", "delete_options"];

/// `ack_node_pool`'s arguments the API does not report: the write-only
/// password's version (the password itself is never in any state) and how
/// upgrades roll out.
pub const POOL_NOT_READ_BACK: &[&str] = &["login_password_wo_version", "rolling_policy"];

/// A working directory wired to `emu` through the provider's environment
/// fallbacks, with an empty `provider "ack" {}` block in every config.
pub struct Case {
    pub dir: WorkDir,
}

impl Case {
    pub fn new(emu: &Emulator) -> Option<Case> {
        let mut dir = workdir()?;
        emu.wire(&mut dir);
        Some(Case { dir })
    }

    /// Writes `main.tf` = required providers + provider block + `body`.
    pub fn config(&self, body: &str) {
        self.dir.write_config(&format!("{}{body}", hcl::header()));
    }

    /// The terraform-plugin-testing step: plan → apply the saved plan →
    /// empty plan without refresh → empty plan with refresh. Returns the plan JSON.
    #[track_caller]
    pub fn step(&self, body: &str) -> Json {
        self.config(body);
        let plan = self.dir.plan(&[]);
        self.dir.apply_saved();
        self.dir.assert_empty_plan(false);
        self.dir.assert_empty_plan(true);
        plan
    }

    /// Imports `address` with `id` into a fresh directory using the same
    /// config, and checks the imported values equal the applied ones
    /// (ignoring `timeouts`, like ImportStateVerify).
    #[track_caller]
    pub fn import_verify(&self, emu: &Emulator, body: &str, address: &str, id: &str) {
        self.import_verify_with(emu, body, address, id, &[]);
    }

    /// [`Case::import_verify`] with environment variables for the import's
    /// directory (e.g. `TF_VAR_…` for variables the configuration needs).
    #[track_caller]
    pub fn import_verify_with(
        &self,
        emu: &Emulator,
        body: &str,
        address: &str,
        id: &str,
        env: &[(&str, &str)],
    ) {
        let Some(mut other) = Case::new(emu) else {
            return;
        };
        for (k, v) in env {
            other.dir.set_env(*k, *v);
        }
        other.config(body);
        other
            .dir
            .run(&["import", "-no-color", address, id])
            .success();
        let want = tfplugin_testing::state_resource(&self.dir.state(), address)
            .cloned()
            .unwrap_or_default();
        let got = tfplugin_testing::state_resource(&other.dir.state(), address)
            .cloned()
            .unwrap_or_default();
        let not_read_back = if address.starts_with("ack_cluster.") {
            CLUSTER_NOT_READ_BACK
        } else if address.starts_with("ack_node_pool.") {
            POOL_NOT_READ_BACK
        } else {
            &[]
        };
        let strip = |mut v: Json| {
            if let Some(o) = v.as_object_mut() {
                o.remove("timeouts");
                for attr in not_read_back {
                    o.remove(*attr);
                }
            }
            v
        };
        assert_eq!(
            strip(got),
            strip(want),
            "imported state differs from applied state"
        );
        // The first plan after importing a cluster changes nothing but what
        // the API cannot report (and records that in place). Other resources
        // depend on resources the import directory does not hold.
        if !address.starts_with("ack_cluster.") {
            return;
        }
        let plan = other.dir.plan(&[&format!("-target={address}")]);
        let c = change(&plan, address);
        let (before, after) = (&c["before"], &c["after"]);
        let changed: Vec<&String> = after
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| before[k.as_str()] != after[k.as_str()])
                    .filter(|k| *k != "timeouts" && !not_read_back.contains(&k.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            changed.is_empty(),
            "the plan after importing {address} changes {changed:?}: {c}"
        );
        assert!(
            actions_for_change(c)
                .iter()
                .all(|a| a == "no-op" || a == "update"),
            "the plan after importing {address} must not replace it: {c}"
        );
    }

    /// `terraform destroy`.
    #[track_caller]
    pub fn destroy(&self) {
        self.dir
            .run(&["destroy", "-auto-approve", "-no-color"])
            .success();
    }
}

/// Attribute values of `address` in the state.
pub fn values(dir: &WorkDir, address: &str) -> Json {
    tfplugin_testing::state_resource(&dir.state(), address)
        .cloned()
        .unwrap_or_default()
}

/// The `id` of `address` in the state; panics when it has none.
#[track_caller]
pub fn id(dir: &WorkDir, address: &str) -> String {
    match values(dir, address)["id"].as_str() {
        Some(id) => id.to_owned(),
        None => panic!("{address} has no id in the state"),
    }
}

/// The `change` object of `address` in a plan.
pub fn change<'a>(plan: &'a Json, address: &str) -> &'a Json {
    plan["resource_changes"]
        .as_array()
        .and_then(|rc| rc.iter().find(|c| c["address"] == address))
        .map_or(&Json::Null, |c| &c["change"])
}

fn actions_for_change(c: &Json) -> Vec<String> {
    c["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A TCP port on 127.0.0.1 that nothing listens on right now, taken below
/// the kernel's ephemeral range, so that no outgoing connection takes it
/// while a test keeps it free on purpose (an emulator killed and restarted
/// on the same address, or a closed endpoint).
pub fn free_port() -> u16 {
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|p| p.parse::<u16>().ok())
        })
        .unwrap_or(32768);
    let (first, last) = (10_000u16, low.saturating_sub(1).max(10_001));
    let span = u32::from(last - first);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
        ^ std::process::id().wrapping_mul(2_654_435_761);
    for i in 0..span {
        let port = first + u16::try_from((seed.wrapping_add(i * 7919)) % span).unwrap_or(0);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {first} and {last}");
}

/// A private temporary directory, removed on drop (for emulator database
/// files that must outlive one emulator process).
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("{prefix}-{}-{nanos}-{n}", std::process::id()));
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Emulator {
    /// Starts an emulator on `listen` (`127.0.0.1:PORT`, a fixed port) with
    /// its SQLite database in the file `db`, at `speed`, plus `extra` flags.
    /// An emulator started again on the same address and file after
    /// [`Emulator::kill`] carries on where the killed one stopped: the
    /// client sees an outage, not a new service. Retries for up to 10 s
    /// while the address is still taken.
    pub fn start_on(listen: &str, db: &std::path::Path, speed: &str, extra: &[&str]) -> Emulator {
        let started = std::time::Instant::now();
        loop {
            match Emulator::spawn(listen, db.as_os_str(), speed, extra) {
                Ok(emu) => return emu,
                Err((line, err)) => assert!(
                    started.elapsed() < std::time::Duration::from_secs(10),
                    "ack-emulator did not start on {listen}: {line:?} {err}"
                ),
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// SIGKILL (`kill -9`), then reaps the process: clients get "connection
    /// refused" from here on, and what the emulator acknowledged is in its
    /// database file.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
