//! `terraform-provider-ack migrate DIR`: rewrites a directory's `.tf` files
//! from aliyun/alicloud's ACK resources to this provider's. Every
//! `alicloud_cs_managed_kubernetes` (and managed `alicloud_cs_kubernetes`),
//! `alicloud_cs_kubernetes_node_pool` and `alicloud_cs_kubernetes_addon`
//! block becomes the `ack_*` block in its place (its leading comments
//! kept), references to them are rewritten, a `moved` block per resource is
//! written to `moved_from_alicloud.tf`, and `ack` is added to
//! `required_providers`. Values alicloud looked up at create and
//! `ack_cluster` takes (`vpc_id`) come from the directory's local
//! `terraform.tfstate` when there is one. Everything else keeps its comments and formatting
//! (hcl-edit edits the parsed files in place). What could not be
//! translated is listed in the report, with the reason.

mod cluster;
mod node_pool;
mod refs;
#[cfg(test)]
mod tests;
mod translate;

use std::path::{Path, PathBuf};

use hcl_edit::structure::{Body, Structure};
use hcl_edit::visit_mut::VisitMut;
use hcl_edit::Decorate;

pub use translate::Note;

/// A local state's attributes by resource address.
pub type State = std::collections::BTreeMap<String, serde_json::Value>;

/// Where the `moved` blocks go.
pub const MOVED_FILE: &str = "moved_from_alicloud.tf";

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not valid HCL: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: the translated block does not parse ({message}); please report this")]
    Generated { path: PathBuf, message: String },
}

/// What `migrate` did.
#[derive(Debug, Default)]
pub struct Report {
    /// `(from, to)` of every resource translated.
    pub moved: Vec<(String, String)>,
    /// Files rewritten or written.
    pub files: Vec<PathBuf>,
    pub notes: Vec<Note>,
}

impl Report {
    /// The report for people: what moved, then what was not translated.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (from, to) in &self.moved {
            s.push_str(&format!("moved    {from} -> {to}\n"));
        }
        for f in &self.files {
            s.push_str(&format!("wrote    {}\n", f.display()));
        }
        if self.moved.is_empty() {
            s.push_str("No alicloud ACK resources found.\n");
        }
        if !self.notes.is_empty() {
            s.push_str("\nNot translated (edit these by hand):\n");
            for n in &self.notes {
                s.push_str(&format!("  {}: {}: {}\n", n.address, n.what, n.why));
            }
        }
        s
    }
}

/// The source type → target type, for the types `migrate` translates.
fn target(ty: &str) -> Option<&'static str> {
    match ty {
        "alicloud_cs_managed_kubernetes" | "alicloud_cs_kubernetes" => Some("ack_cluster"),
        "alicloud_cs_kubernetes_node_pool" => Some("ack_node_pool"),
        "alicloud_cs_kubernetes_addon" => Some("ack_addon"),
        _ => None,
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MigrateError + '_ {
    move |source| MigrateError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `(type, name)` of a `resource` block.
fn resource_labels(s: &Structure) -> Option<(String, String)> {
    let Structure::Block(b) = s else { return None };
    if b.ident.as_str() != "resource" || b.labels.len() != 2 {
        return None;
    }
    Some((
        b.labels[0].as_str().to_owned(),
        b.labels[1].as_str().to_owned(),
    ))
}

/// Migrates `dir`; with `write` false nothing is written (a dry run).
pub fn migrate_dir(dir: &Path, write: bool) -> Result<Report, MigrateError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    let mut bodies = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let body = hcl_edit::parser::parse_body(&text).map_err(|e| MigrateError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        bodies.push((path.clone(), text, body));
    }
    let state = local_state(&dir.join("terraform.tfstate"));
    let report = migrate_bodies(&mut bodies, &state)?;
    if write {
        for (path, _, body) in &bodies {
            std::fs::write(path, body.to_string()).map_err(io(path))?;
        }
        if !report.moved.is_empty() {
            let path = dir.join(MOVED_FILE);
            let mut text = std::fs::read_to_string(&path).unwrap_or_default();
            text.push_str(&moved_blocks(&report.moved));
            std::fs::write(&path, text).map_err(io(&path))?;
        }
    }
    Ok(report)
}

/// Attributes of the managed resources in a local state file, by address
/// (`alicloud_cs_managed_kubernetes.k8s`); empty without one.
fn local_state(path: &Path) -> State {
    let Ok(text) = std::fs::read_to_string(path) else {
        return State::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return State::new();
    };
    let mut out = State::new();
    for r in json["resources"].as_array().into_iter().flatten() {
        if r["mode"] != "managed" || r["instances"].as_array().is_none_or(|i| i.len() != 1) {
            continue;
        }
        let (Some(ty), Some(name)) = (r["type"].as_str(), r["name"].as_str()) else {
            continue;
        };
        out.insert(
            format!("{ty}.{name}"),
            r["instances"][0]["attributes"].clone(),
        );
    }
    out
}

/// The `moved` blocks for `moved`.
pub fn moved_blocks(moved: &[(String, String)]) -> String {
    let mut s = String::from("# Written by `terraform-provider-ack migrate`: state moves from aliyun/alicloud.\n# Keep until every workspace has applied them.\n");
    for (from, to) in moved {
        s.push_str(&format!("\nmoved {{\n  from = {from}\n  to   = {to}\n}}\n"));
    }
    s
}

/// Migrates parsed files in place: `(path, original text, body)`. Files
/// that change are listed in the report.
pub fn migrate_bodies(
    bodies: &mut [(PathBuf, String, Body)],
    state: &State,
) -> Result<Report, MigrateError> {
    let mut report = Report::default();
    // Every cluster first: dependents refer to them by address.
    let clusters: Vec<String> = bodies
        .iter()
        .flat_map(|(_, _, b)| b.iter().filter_map(resource_labels))
        .filter(|(ty, _)| target(ty) == Some("ack_cluster"))
        .map(|(ty, name)| format!("{ty}.{name}"))
        .collect();
    let mut moves = refs::Moves::new();
    for (path, _, body) in bodies.iter_mut() {
        for i in 0..body.len() {
            let Some((ty, name)) = body.get(i).and_then(resource_labels) else {
                continue;
            };
            let Some(to) = target(&ty) else { continue };
            let Some(Structure::Block(block)) = body.get(i) else {
                continue;
            };
            let src = translate::Source::new(&ty, &name, block);
            let text = match to {
                "ack_cluster" => {
                    cluster::translate(&src, &name, state.get(&src.address), &mut report.notes)
                }
                "ack_node_pool" => {
                    node_pool::translate_pool(&src, &name, &clusters, &mut report.notes)
                }
                _ => node_pool::translate_addon(&src, &name, &clusters, &mut report.notes),
            };
            let Some(text) = text else { continue };
            let parsed =
                hcl_edit::parser::parse_body(&text).map_err(|e| MigrateError::Generated {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            let Some(Structure::Block(mut new)) = parsed.into_iter().next() else {
                continue;
            };
            *new.decor_mut() = block.decor().clone();
            if let Some(s) = body.get_mut(i) {
                *s = Structure::Block(new);
            }
            moves.insert(format!("{ty}.{name}"), to);
            report
                .moved
                .push((format!("{ty}.{name}"), format!("{to}.{name}")));
        }
    }
    for (path, original, body) in bodies.iter_mut() {
        let mut rw = refs::Rewriter {
            moves: &moves,
            place: path.display().to_string(),
            notes: Vec::new(),
        };
        rw.visit_body_mut(body);
        report.notes.append(&mut rw.notes);
        if !moves.is_empty() {
            add_required_provider(body);
        }
        if body.to_string() != *original {
            report.files.push(path.clone());
        }
    }
    Ok(report)
}

/// `ack = { source = "acklabs/ack" }` in `terraform { required_providers }`,
/// where that block exists and lacks it.
fn add_required_provider(body: &mut Body) {
    for tf in body.get_blocks_mut("terraform") {
        for rp in tf.body.get_blocks_mut("required_providers") {
            if rp.body.has_attribute("ack") {
                continue;
            }
            let Ok(parsed) = hcl_edit::parser::parse_body(
                "    ack = {\n      source = \"acklabs/ack\"\n    }\n",
            ) else {
                continue;
            };
            if let Some(Structure::Attribute(a)) = parsed.into_iter().next() {
                rp.body.push(a);
            }
        }
    }
}
