//! Where a finding is in the configuration: `--source-root DIR` is parsed
//! with a real HCL parser that keeps spans (`hcl-edit`), module calls are
//! followed (local sources, and registry or git sources through
//! `.terraform/modules/modules.json`), and each resource block is recorded
//! with its file, its line, the lines of its attributes and nested blocks,
//! and its inline waivers (`# ack:ignore=RULE reason`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl_edit::structure::{Block, Body};
use hcl_edit::Span as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A place in a `.tf` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, deny_unknown_fields)]
pub struct Location {
    /// Path relative to the source root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// An inline waiver: `# ack:ignore=RULE reason` above or inside a resource
/// block (`//` comments too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineWaiver {
    pub rule: String,
    pub reason: String,
    pub location: Location,
}

/// One resource block of the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceBlock {
    pub file: String,
    pub line: u32,
    /// Top-level attribute or nested block name → line.
    pub attributes: HashMap<String, u32>,
    pub waivers: Vec<InlineWaiver>,
}

/// The configuration's resource blocks by address without instance keys
/// (`module.net.ack_cluster.main`).
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    blocks: HashMap<String, ResourceBlock>,
    /// What file paths start with: the root as given, relative to the
    /// current directory where it is below it (so that paths are relative to
    /// the checkout, as code scanning wants them).
    base: String,
    /// Files or modules that could not be read, for the person running the
    /// check (the check goes on without their locations).
    pub warnings: Vec<String>,
}

/// A module being read.
#[derive(Clone, Copy)]
struct Module<'a> {
    /// The source root.
    root: &'a Path,
    /// The module's directory.
    dir: &'a Path,
    /// What its resources' addresses start with (`module.net.`).
    prefix: &'a str,
    /// Its key in `modules.json` (`net`; `""` for the root module).
    key: &'a str,
    /// Modules `terraform init` installed, by key.
    installed: &'a HashMap<String, PathBuf>,
    /// Module calls followed to reach it.
    depth: usize,
}

/// Most module levels followed.
const MAX_DEPTH: usize = 32;
/// Largest `.tf` file read.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl SourceMap {
    /// Reads the root module in `root` and every module it calls.
    pub fn load(root: &Path) -> SourceMap {
        let mut map = SourceMap {
            base: display_base(root),
            ..SourceMap::default()
        };
        let installed = installed_modules(root);
        map.module(&Module {
            root,
            dir: root,
            prefix: "",
            key: "",
            installed: &installed,
            depth: 0,
        });
        map
    }

    /// The block of a resource address (instance keys are ignored).
    pub fn block(&self, address: &str) -> Option<&ResourceBlock> {
        self.blocks.get(&config_address(address))
    }

    /// Where a finding on `address` (and `attribute`, if any) is.
    pub fn locate(&self, address: &str, attribute: Option<&str>) -> Option<Location> {
        let block = self.block(address)?;
        let line = attribute
            .and_then(|a| a.split(['.', '[']).next())
            .and_then(|a| block.attributes.get(a))
            .copied()
            .unwrap_or(block.line);
        Some(Location {
            file: block.file.clone(),
            line,
        })
    }

    /// Number of resource blocks read.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn module(&mut self, m: &Module<'_>) {
        let Module {
            root, dir, prefix, ..
        } = *m;
        if m.depth > MAX_DEPTH {
            self.warnings.push(format!(
                "{prefix}: modules nested more than {MAX_DEPTH} deep are not read"
            ));
            return;
        }
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
                .collect(),
            Err(e) => {
                self.warnings.push(format!(
                    "cannot read module directory {}: {e}",
                    dir.display()
                ));
                return;
            }
        };
        files.sort();
        for path in files {
            let rel = relative(root, &path);
            let shown = if self.base.is_empty() {
                rel
            } else {
                format!("{}/{rel}", self.base)
            };
            let text = match crate::read_bounded(&path, MAX_FILE_BYTES) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    self.warnings.push(format!("cannot read {shown}: {e}"));
                    continue;
                }
            };
            let body = match hcl_edit::parser::parse_body(&text) {
                Ok(body) => body,
                Err(e) => {
                    let e = e.to_string();
                    let first = e.lines().next().unwrap_or_default();
                    self.warnings.push(format!(
                        "{shown} does not parse as HCL ({first}); its findings have no file and line"
                    ));
                    continue;
                }
            };
            let lines = LineIndex::new(&text);
            self.file(m, &shown, &text, &lines, &body);
        }
    }

    fn file(&mut self, m: &Module<'_>, shown: &str, text: &str, lines: &LineIndex, body: &Body) {
        let Module { prefix, key, .. } = *m;
        let all_lines: Vec<&str> = text.lines().collect();
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [_, _]) | ("check", [_]) => {
                    let Some(span) = block.span() else { continue };
                    let address = match labels.as_slice() {
                        [kind, name] => format!("{prefix}{kind}.{name}"),
                        [name] => format!("{prefix}check.{name}"),
                        _ => continue,
                    };
                    let line = lines.line(span.start);
                    let mut attributes = HashMap::new();
                    for s in block.body.iter() {
                        let (name, start) = match s {
                            hcl_edit::structure::Structure::Attribute(a) => {
                                (a.key.as_str().to_owned(), a.span())
                            }
                            hcl_edit::structure::Structure::Block(b) => {
                                (b.ident.as_str().to_owned(), b.span())
                            }
                        };
                        if let Some(r) = start {
                            attributes.entry(name).or_insert(lines.line(r.start));
                        }
                    }
                    let waivers = inline_waivers(&all_lines, lines, span.clone(), shown);
                    self.blocks.entry(address).or_insert(ResourceBlock {
                        file: shown.to_owned(),
                        line,
                        attributes,
                        waivers,
                    });
                }
                ("module", [name]) => {
                    let child_key = if key.is_empty() {
                        (*name).to_owned()
                    } else {
                        format!("{key}.{name}")
                    };
                    let child_prefix = format!("{prefix}module.{name}.");
                    match module_dir(m.dir, block, m.installed.get(&child_key)) {
                        Some(child) => self.module(&Module {
                            dir: &child,
                            prefix: &child_prefix,
                            key: &child_key,
                            depth: m.depth + 1,
                            ..*m
                        }),
                        None => self.warnings.push(format!(
                            "module {name:?} ({shown}): its source is not a local path and it is not in .terraform/modules/modules.json (run `terraform init`); its findings have no file and line"
                        )),
                    }
                }
                _ => {}
            }
        }
    }
}

fn module_dir(dir: &Path, block: &Block, installed: Option<&PathBuf>) -> Option<PathBuf> {
    let source = block
        .body
        .get_attribute("source")
        .and_then(|a| a.value.as_str())
        .map(str::to_owned);
    match source {
        Some(s) if s.starts_with("./") || s.starts_with("../") => Some(dir.join(s)),
        _ => installed.cloned(),
    }
}

/// `.terraform/modules/modules.json`: module key (`a.b`) → directory.
fn installed_modules(root: &Path) -> HashMap<String, PathBuf> {
    let path = root.join(".terraform/modules/modules.json");
    let Ok(bytes) = crate::read_bounded(&path, MAX_FILE_BYTES) else {
        return HashMap::new();
    };
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return HashMap::new();
    };
    doc.get("Modules")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let key = m.get("Key")?.as_str()?;
            let dir = m.get("Dir")?.as_str()?;
            (!key.is_empty()).then(|| (key.to_owned(), root.join(dir)))
        })
        .collect()
}

/// The root as file paths should show it: relative to the current
/// directory when it is below it, else as given.
fn display_base(root: &Path) -> String {
    let absolute = if root.is_absolute() {
        Some(root.to_path_buf())
    } else {
        std::env::current_dir().ok().map(|d| d.join(root))
    };
    let cwd = std::env::current_dir().ok();
    if let (Some(abs), Some(cwd)) = (absolute, cwd) {
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        if let Ok(rel) = abs.strip_prefix(&cwd) {
            return relative(Path::new(""), rel);
        }
        return relative(Path::new(""), &abs);
    }
    relative(Path::new(""), root)
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            std::path::Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// Byte offset → 1-based line.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }
    fn line(&self, offset: usize) -> u32 {
        let i = self.0.partition_point(|start| *start <= offset);
        u32::try_from(i).unwrap_or(u32::MAX)
    }
}

/// `ack:ignore=RULE reason` comments in the comment lines right above a
/// block and inside it.
fn inline_waivers(
    all: &[&str],
    lines: &LineIndex,
    span: std::ops::Range<usize>,
    file: &str,
) -> Vec<InlineWaiver> {
    let mut out = Vec::new();
    let first = lines.line(span.start) as usize;
    let mut above = first.saturating_sub(1);
    while above > 0 {
        let l = all.get(above - 1).map(|l| l.trim()).unwrap_or_default();
        if l.starts_with('#') || l.starts_with("//") {
            above -= 1;
        } else {
            break;
        }
    }
    let last = lines.line(span.end.saturating_sub(1)) as usize;
    for n in (above + 1)..=last {
        let Some(line) = all.get(n - 1) else { break };
        for marker in [
            "# ack:ignore=",
            "// ack:ignore=",
            "#ack:ignore=",
            "//ack:ignore=",
        ] {
            if let Some(i) = line.find(marker) {
                let rest = line[i + marker.len()..].trim();
                let (rule, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                if !rule.is_empty() {
                    out.push(InlineWaiver {
                        rule: rule.to_owned(),
                        reason: reason.trim().to_owned(),
                        location: Location {
                            file: file.to_owned(),
                            line: u32::try_from(n).unwrap_or(u32::MAX),
                        },
                    });
                }
                break;
            }
        }
    }
    out
}

/// A resource address without instance keys: `module.a["x"].ack_node_pool.p[0]`
/// → `module.a.ack_node_pool.p`.
pub fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
        } else if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}
