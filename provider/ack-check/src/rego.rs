//! Rego policies (`--policy FILE.rego` or a directory of them), with
//! conftest's conventions so an existing conftest policy directory runs
//! unchanged:
//!
//! - the packages checked are the namespaces, `main` unless `--namespace`
//!   names others (or `--all-namespaces` takes every package);
//! - rules named `deny`, `violation` (errors) and `warn` (warnings), or with
//!   those names and a `_suffix` (`deny_public`, `warn_old_version`), each a
//!   set of strings, of objects with `msg`, or a boolean;
//! - `input` is the plan (`terraform show -json`);
//! - both Rego v1 (`contains … if`) and v0 syntax are read: a file that does
//!   not parse as v1 is read as v0.
//!
//! The edition catalog is `data.ack` (see `ack_api::edition::catalog_document`).
//! A finding is attributed to a resource when its object has `address` (or
//! `resource`), else when its message names a resource address of the plan,
//! else to the plan as a whole (`plan`).

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value as Json;

use super::plan::Plan;
use super::{CheckError, Finding, Rule, Severity};

/// Address of findings that name no resource.
pub const PLAN_ADDRESS: &str = "plan";

/// Longest evaluation allowed for all policies together.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

pub use super::guards::MAX_GENERATED_ELEMENTS;

/// Loaded Rego policies and the namespaces to evaluate.
#[derive(Clone)]
pub struct RegoPolicies {
    engine: regorus::Engine,
    files: Vec<String>,
    /// The policies as loaded (name, text), for an isolated evaluation.
    sources: Vec<(String, String)>,
    /// Data documents (`--data`), merged into `data` (name, document).
    data: Vec<(String, Json)>,
    isolation: Option<super::sandbox::Isolation>,
    namespaces: Vec<String>,
    all_namespaces: bool,
}

impl std::fmt::Debug for RegoPolicies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegoPolicies")
            .field("files", &self.files)
            .field("namespaces", &self.namespaces)
            .finish_non_exhaustive()
    }
}

impl Default for RegoPolicies {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a file name is a Rego policy.
pub fn is_rego(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rego")
}

fn policy_error(path: &str, message: impl Into<String>) -> CheckError {
    CheckError::Policy {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// conftest's rule names: `deny`, `violation`, `warn`, optionally `_suffix`.
fn rule_severity(name: &str) -> Option<Severity> {
    let (head, rest) = match name.find('_') {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    };
    if rest
        .is_some_and(|r| r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return None;
    }
    match head {
        "deny" | "violation" => Some(Severity::Error),
        "warn" => Some(Severity::Warning),
        _ => None,
    }
}

fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

impl RegoPolicies {
    pub fn new() -> RegoPolicies {
        let mut engine = regorus::Engine::new();
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: TIME_LIMIT,
            check_interval: NonZeroU32::MIN.saturating_add(999),
        });
        super::guards::guard_builtins(&mut engine);
        RegoPolicies {
            engine,
            files: Vec::new(),
            sources: Vec::new(),
            data: Vec::new(),
            isolation: None,
            namespaces: Vec::new(),
            all_namespaces: false,
        }
    }

    /// Whether any policy file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds a namespace (package) to evaluate; `main` when none is added.
    pub fn add_namespace(&mut self, ns: &str) -> Result<(), CheckError> {
        let ns = ns.strip_prefix("data.").unwrap_or(ns);
        if !valid_namespace(ns) {
            return Err(policy_error(
                ns,
                "not a Rego package name: use dotted identifiers such as `main` or `org.ack`",
            ));
        }
        self.namespaces.push(ns.to_owned());
        Ok(())
    }

    /// Evaluates every package instead of the named namespaces.
    pub fn set_all_namespaces(&mut self, all: bool) {
        self.all_namespaces = all;
    }

    /// Loads a `.rego` file, or every `.rego` file below a directory.
    pub fn add_path(&mut self, path: &Path) -> Result<(), CheckError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| policy_error(&shown, e.to_string()))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            collect_rego(path, &mut files, 0).map_err(|e| policy_error(&shown, e))?;
            if files.is_empty() {
                return Err(policy_error(&shown, "the directory holds no .rego file"));
            }
            files.sort();
            for f in files {
                self.add_file(&f)?;
            }
            Ok(())
        } else {
            self.add_file(path)
        }
    }

    /// Adds one policy from text (`name` identifies it in messages).
    pub fn add_source(&mut self, name: &str, text: &str) -> Result<(), CheckError> {
        // The parser recurses per bracket: refuse deep nesting before it.
        super::policy_text::check_nesting(text).map_err(|e| policy_error(name, e))?;
        self.engine.set_rego_v0(false);
        let v1 = self.engine.add_policy(name.to_owned(), text.to_owned());
        if let Err(v1_error) = v1 {
            self.engine.set_rego_v0(true);
            let v0 = self.engine.add_policy(name.to_owned(), text.to_owned());
            self.engine.set_rego_v0(false);
            if let Err(v0_error) = v0 {
                return Err(policy_error(
                    name,
                    format!(
                        "not valid Rego v1 ({}) nor v0 ({})",
                        one_line(&v1_error),
                        one_line(&v0_error)
                    ),
                ));
            }
        }
        self.files.push(name.to_owned());
        self.sources.push((name.to_owned(), text.to_owned()));
        Ok(())
    }

    /// Evaluates in a child process (see [`super::sandbox`]) instead of in
    /// this one, so that no policy can exhaust this process's memory.
    pub fn isolate(&mut self, isolation: super::sandbox::Isolation) {
        self.isolation = Some(isolation);
    }

    pub(crate) fn sources(&self) -> &[(String, String)] {
        &self.sources
    }

    pub(crate) fn data(&self) -> &[(String, Json)] {
        &self.data
    }

    /// Adds a data document (conftest's `--data`): its top-level keys are
    /// merged into `data`, beside the catalog's `data.ack`.
    pub fn add_data(&mut self, name: &str, doc: Json) -> Result<(), CheckError> {
        let Some(obj) = doc.as_object() else {
            return Err(policy_error(
                name,
                "a data file holds an object at the top level (its keys become data.KEY)",
            ));
        };
        if obj.contains_key("ack") {
            return Err(policy_error(
                name,
                "the key `ack` is the edition catalog (data.ack); name the data otherwise",
            ));
        }
        let value = regorus::Value::from_json_str(&doc.to_string())
            .map_err(|e| policy_error(name, one_line(&e)))?;
        self.engine
            .add_data(value)
            .map_err(|e| policy_error(name, one_line(&e)))?;
        self.data.push((name.to_owned(), doc));
        Ok(())
    }

    /// Reads a `--data` file: JSON, or YAML by its extension.
    pub fn add_data_file(&mut self, path: &Path) -> Result<(), CheckError> {
        let shown = path.display().to_string();
        let text = super::policy_text::read_policy_text(path)?;
        super::policy_text::check_nesting(&text).map_err(|e| policy_error(&shown, e))?;
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let doc: Json = if yaml {
            serde_yaml::from_str(&text).map_err(|e| policy_error(&shown, e.to_string()))?
        } else if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| policy_error(&shown, e.to_string()))?
        } else {
            return Err(policy_error(&shown, "a data file is .json, .yaml or .yml"));
        };
        self.add_data(&shown, doc)
    }

    pub(crate) fn namespaces(&self) -> (&[String], bool) {
        (&self.namespaces, self.all_namespaces)
    }

    fn add_file(&mut self, path: &Path) -> Result<(), CheckError> {
        let shown = path.display().to_string();
        let text = super::policy_text::read_policy_text(path)?;
        self.add_source(&shown, &text)
    }

    /// Packages to evaluate, checked against what the files declare.
    fn packages(&self) -> Result<Vec<String>, CheckError> {
        let mut declared: Vec<String> = self
            .engine
            .get_packages()
            .map_err(|e| policy_error(&self.files.join(", "), e.to_string()))?
            .into_iter()
            .map(|p| p.strip_prefix("data.").unwrap_or(&p).to_owned())
            .collect();
        declared.sort();
        declared.dedup();
        if self.all_namespaces {
            return Ok(declared);
        }
        let wanted = if self.namespaces.is_empty() {
            vec!["main".to_owned()]
        } else {
            self.namespaces.clone()
        };
        if !wanted.iter().any(|w| declared.contains(w)) {
            return Err(policy_error(
                &self.files.join(", "),
                format!(
                    "no policy in namespace {}: the files declare package {}. Pass --namespace NAME or --all-namespaces",
                    wanted.join(", "),
                    declared.join(", ")
                ),
            ));
        }
        Ok(wanted)
    }

    /// Evaluates the policies on the plan: the rules found and their findings.
    pub fn evaluate(
        &self,
        plan_text: &str,
        plan: &Plan,
    ) -> Result<(Vec<Rule>, Vec<Finding>), CheckError> {
        match &self.isolation {
            Some(isolation) => isolation.evaluate(self, plan_text),
            None => self.evaluate_here(plan_text, plan),
        }
    }

    /// Evaluates in this process.
    pub(crate) fn evaluate_here(
        &self,
        plan_text: &str,
        plan: &Plan,
    ) -> Result<(Vec<Rule>, Vec<Finding>), CheckError> {
        let sources = self.files.join(", ");
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            policy_error(&sources, format!("{what}: {}", one_line(e)))
        };
        let mut engine = self.engine.clone();
        let catalog = regorus::Value::from_json_str(
            &serde_json::json!({ "ack": ack_api::edition::catalog_document() }).to_string(),
        )
        .map_err(|e| fail("edition catalog", &e))?;
        engine.add_data(catalog).map_err(|e| fail("data.ack", &e))?;
        let input = regorus::Value::from_json_str(plan_text).map_err(|e| fail("input", &e))?;
        engine.set_input(wrapped(input));

        let addresses = plan.addresses();
        let mut rules = Vec::new();
        let mut findings = Vec::new();
        for ns in self.packages()? {
            let results = engine
                .eval_query(format!("data.{ns}"), false)
                .map_err(|e| fail(&format!("evaluating package {ns}"), &e))?;
            let Some(value) = results
                .result
                .first()
                .and_then(|r| r.expressions.first())
                .map(|e| &e.value)
            else {
                continue;
            };
            let value: Json = serde_json::to_value(value).map_err(|e| fail("result", &e))?;
            let Some(members) = value.as_object() else {
                continue;
            };
            let excepted = exceptions(members.get("exception"));
            for (name, result) in members {
                let Some(severity) = rule_severity(name) else {
                    continue;
                };
                let suffix = name.split_once('_').map(|(_, s)| s).unwrap_or_default();
                let suppression = excepted
                    .contains(suffix)
                    .then(|| super::waiver::Suppression {
                        kind: super::waiver::SuppressionKind::Exception,
                        reason: format!("exception rule of package {ns} excepts {name}"),
                        expires: None,
                        source: None,
                    });
                let id = format!("{ns}.{name}");
                rules.push(Rule {
                    id: id.clone(),
                    name: name.clone(),
                    description: format!("Rego rule {name} of package {ns} ({sources})."),
                    severity,
                });
                for message in messages(result) {
                    let (msg, address) = message;
                    let address = address
                        .filter(|a| !a.is_empty())
                        .or_else(|| mentioned(&msg, &addresses).map(str::to_owned))
                        .unwrap_or_else(|| PLAN_ADDRESS.to_owned());
                    findings.push(Finding {
                        rule_id: id.clone(),
                        severity,
                        address,
                        message: msg,
                        attribute: None,
                        before: None,
                        after: None,
                        location: None,
                        fingerprint: String::new(),
                        suppression: suppression.clone(),
                    });
                }
            }
        }
        Ok((rules, findings))
    }
}

/// The plan as Rego sees it: at `input` as Terraform writes it, and also at
/// `input.plan` (HCP Terraform, env0) and `input.terraform` (Spacelift), so
/// that a policy written for any of them runs unchanged. The engine's
/// values are shared, so the aliases cost no copy of the plan.
fn wrapped(mut input: regorus::Value) -> regorus::Value {
    let alias = input.clone();
    if let Ok(obj) = input.as_object_mut() {
        for key in ["plan", "terraform"] {
            let key = regorus::Value::from(key);
            if !obj.contains_key(&key) {
                obj.insert(key, alias.clone());
            }
        }
    }
    input
}

/// conftest's `exception` rule: a set of lists of rule names without their
/// `deny_`/`warn_`/`violation_` head (`""` for the bare rule).
fn exceptions(value: Option<&Json>) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut add = |v: &Json| match v {
        Json::String(s) => {
            out.insert(s.clone());
        }
        Json::Array(items) => out.extend(items.iter().filter_map(Json::as_str).map(str::to_owned)),
        _ => {}
    };
    match value {
        Some(Json::Array(items)) => items.iter().for_each(&mut add),
        Some(other) => add(other),
        None => {}
    }
    out
}

/// The first resource address of the plan that `msg` names as a word of its
/// own (`ack_cluster.main: …`, `(ack_node_pool.a)`), in one pass over the
/// message.
fn mentioned<'a>(msg: &str, addresses: &std::collections::HashSet<&'a str>) -> Option<&'a str> {
    msg.split_whitespace().find_map(|word| {
        let word = word
            .trim_start_matches(['(', '\'', '"', '`'])
            .trim_end_matches([':', ';', ',', '.', ')', '\'', '"', '`']);
        addresses.get(word).copied()
    })
}

/// The messages of one rule's value: (message, address named by the object).
fn messages(result: &Json) -> Vec<(String, Option<String>)> {
    let one = |v: &Json| -> Option<(String, Option<String>)> {
        match v {
            Json::String(s) => Some((s.clone(), None)),
            Json::Object(o) => {
                let msg = match o.get("msg") {
                    Some(Json::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => Json::Object(o.clone()).to_string(),
                };
                let address = ["address", "resource"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Json::as_str))
                    .map(str::to_owned);
                Some((msg, address))
            }
            Json::Null | Json::Bool(false) => None,
            other => Some((other.to_string(), None)),
        }
    };
    match result {
        Json::Array(items) => items.iter().filter_map(one).collect(),
        Json::Bool(true) => vec![("the rule holds".to_owned(), None)],
        other => one(other).into_iter().collect(),
    }
}

/// The engine's multi-line diagnostics (location, source excerpt, caret,
/// message) as one line: `file:line:col: message`, with control characters
/// shown visibly.
fn one_line(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines.iter().find_map(|l| l.strip_prefix("--> "));
    let error = lines.iter().find_map(|l| l.strip_prefix("error: "));
    let line = match (at, error) {
        (Some(at), Some(error)) => format!("{at}: {error}"),
        _ => lines
            .iter()
            .filter(|l| !l.ends_with('|') && !l.trim_start_matches(['|', ' ', '^']).is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    };
    super::report::visible(&line)
}

fn collect_rego(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 16 {
        return Err("directories nested more than 16 deep".into());
    }
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_rego(&path, out, depth + 1)?;
        } else if is_rego(&path) {
            out.push(path);
        }
    }
    Ok(())
}
