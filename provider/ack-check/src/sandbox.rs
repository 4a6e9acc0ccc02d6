//! Rego evaluation in a child process, so that no policy can exhaust the
//! memory of the process that reports on it.
//!
//! An allocation that fails ends a Rust process on the spot (no error to
//! catch, no report), and Rego can ask for a lot with little: a comprehension
//! over two ranges, a string doubled in a few lines. The command line
//! therefore runs the evaluation in a child (a hidden subcommand of its own
//! binary) that lowers its own memory limit first; the parent writes the
//! policies and the plan to the child's stdin, reads the rules and findings
//! from its stdout, stops it after [`super::rego::TIME_LIMIT`], and turns a
//! child that died into one line saying why.
//!
//! Protocol: stdin is one line of JSON (`Request`) and then the plan text;
//! stdout is one JSON `Response`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::rego::{RegoPolicies, TIME_LIMIT};
use super::{CheckError, Finding, Rule};

/// How to start the child that evaluates.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The program (the command line's own binary).
    pub program: PathBuf,
    /// Its arguments, e.g. the hidden subcommand; [`memory_limit`] of the
    /// plan is appended as the last argument, for the child to apply.
    pub args: Vec<String>,
}

/// Memory the child may use for a plan of `plan_bytes`: 1 GiB plus 16
/// times the plan (the engine's values are larger than their JSON).
pub fn memory_limit(plan_bytes: usize) -> u64 {
    (1u64 << 30).saturating_add((plan_bytes as u64).saturating_mul(16))
}

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    sources: Vec<(String, String)>,
    #[serde(default)]
    data: Vec<(String, serde_json::Value)>,
    namespaces: Vec<String>,
    all_namespaces: bool,
}

#[derive(Debug, Serialize, Deserialize)]
enum Response {
    Ok {
        rules: Vec<Rule>,
        findings: Vec<Finding>,
    },
    Error {
        path: String,
        message: String,
    },
}

/// Most output read from the child.
const MAX_OUTPUT: u64 = 512 * 1024 * 1024;

fn failed(policies: &RegoPolicies, message: String) -> CheckError {
    CheckError::Policy {
        path: policies
            .sources()
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        message,
    }
}

impl Isolation {
    /// Runs the evaluation in a child process.
    pub(crate) fn evaluate(
        &self,
        policies: &RegoPolicies,
        plan_text: &str,
    ) -> Result<(Vec<Rule>, Vec<Finding>), CheckError> {
        let (namespaces, all_namespaces) = policies.namespaces();
        let request = Request {
            sources: policies.sources().to_vec(),
            data: policies.data().to_vec(),
            namespaces: namespaces.to_vec(),
            all_namespaces,
        };
        let header = serde_json::to_string(&request)
            .map_err(|e| failed(policies, format!("cannot encode the policies: {e}")))?;
        let memory = memory_limit(plan_text.len());
        let mut child = std::process::Command::new(&self.program)
            .args(&self.args)
            .arg(memory.to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| {
                failed(
                    policies,
                    format!(
                        "cannot start {} to evaluate the Rego policies: {e}",
                        self.program.display()
                    ),
                )
            })?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed(
                policies,
                "no pipes to the evaluating process".into(),
            ));
        };
        let deadline = Instant::now() + TIME_LIMIT + Duration::from_secs(5);
        let (status, timed_out, out, err) = std::thread::scope(|s| {
            s.spawn(move || {
                // A child that died stops reading: its status says why.
                let _ = stdin
                    .write_all(header.as_bytes())
                    .and_then(|()| stdin.write_all(b"\n"))
                    .and_then(|()| stdin.write_all(plan_text.as_bytes()));
            });
            let out = s.spawn(move || {
                let mut buf = Vec::new();
                let _ = stdout.take(MAX_OUTPUT).read_to_end(&mut buf);
                buf
            });
            let err = s.spawn(move || {
                let mut buf = Vec::new();
                let _ = stderr.take(64 * 1024).read_to_end(&mut buf);
                buf
            });
            let mut timed_out = false;
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Some(status),
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Ok(None) => {
                        timed_out = true;
                        let _ = child.kill();
                        break child.wait().ok();
                    }
                    Err(_) => {
                        let _ = child.kill();
                        break child.wait().ok();
                    }
                }
            };
            (
                status,
                timed_out,
                out.join().unwrap_or_default(),
                err.join().unwrap_or_default(),
            )
        });
        if timed_out {
            return Err(failed(
                policies,
                format!(
                    "Rego evaluation took longer than {} s and was stopped",
                    TIME_LIMIT.as_secs()
                ),
            ));
        }
        if let Ok(response) = serde_json::from_slice::<Response>(&out) {
            return match response {
                Response::Ok { rules, findings } => Ok((rules, findings)),
                Response::Error { path, message } => Err(CheckError::Policy { path, message }),
            };
        }
        let err = String::from_utf8_lossy(&err);
        let out_of_memory = err.contains("memory allocation")
            || err.contains("capacity overflow")
            || err.contains("out of memory");
        let why = if out_of_memory {
            format!(
                "Rego evaluation needed more than {} MiB of memory and was stopped; a policy builds a value too large (a huge range, string or comprehension)",
                memory >> 20
            )
        } else {
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.starts_with("note:"))
                .unwrap_or("no message");
            let status = status.map_or("unknown status".to_owned(), |s| s.to_string());
            format!(
                "Rego evaluation failed ({status}): {}",
                super::report::visible(last)
            )
        };
        Err(failed(policies, why))
    }
}

/// The child's side: reads a request and the plan from `input`, evaluates
/// in this process and writes the response to `output`. The caller lowers
/// the process's memory limit first.
pub fn serve(input: impl Read, mut output: impl Write) -> std::io::Result<()> {
    let mut input = std::io::BufReader::new(input);
    let mut header = String::new();
    std::io::BufRead::read_line(&mut input, &mut header)?;
    let mut plan = String::new();
    input
        .take(super::MAX_PLAN_BYTES + 1)
        .read_to_string(&mut plan)?;
    let response = match evaluate_request(&header, &plan) {
        Ok((rules, findings)) => Response::Ok { rules, findings },
        Err(CheckError::Policy { path, message }) => Response::Error { path, message },
        Err(other) => Response::Error {
            path: "plan".into(),
            message: other.to_string(),
        },
    };
    serde_json::to_writer(&mut output, &response)?;
    output.flush()
}

fn evaluate_request(header: &str, plan: &str) -> Result<(Vec<Rule>, Vec<Finding>), CheckError> {
    let request: Request = serde_json::from_str(header).map_err(|e| CheckError::Policy {
        path: "(request)".into(),
        message: format!("not a request of the check process: {e}"),
    })?;
    let mut policies = RegoPolicies::new();
    for ns in &request.namespaces {
        policies.add_namespace(ns)?;
    }
    policies.set_all_namespaces(request.all_namespaces);
    for (name, doc) in request.data {
        policies.add_data(&name, doc)?;
    }
    for (name, text) in &request.sources {
        policies.add_source(name, text)?;
    }
    let parsed = super::plan::Plan::parse(plan)?;
    policies.evaluate_here(plan, &parsed)
}
