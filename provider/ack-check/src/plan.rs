//! The parts of `terraform show -json` plan output the checks read.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value as Json;

use super::CheckError;

/// The provider's resource types: what `check` knows, and what a custom
/// policy rule may name.
pub const RESOURCE_TYPES: [&str; 7] = [
    "ack_cluster",
    "ack_node_pool",
    "ack_encryption",
    "ack_backup_policy",
    "ack_scheduler_profile",
    "ack_addon",
    "ack_cluster_inspection",
];

/// One resource change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub address: String,
    pub resource_type: String,
    pub actions: Vec<String>,
    pub before: Json,
    pub after: Json,
    pub after_unknown: Json,
    /// Which parts of `before` / `after` are sensitive (`true` at sensitive
    /// leaves, or for a whole attribute).
    pub before_sensitive: Json,
    pub after_sensitive: Json,
}

impl Change {
    pub fn deletes(&self) -> bool {
        self.actions.iter().any(|a| a == "delete")
    }
    pub fn creates(&self) -> bool {
        self.actions.iter().any(|a| a == "create")
    }
    /// The value after the change, or before it when the object is going away.
    pub fn value(&self) -> &Json {
        if self.after.is_null() {
            &self.before
        } else {
            &self.after
        }
    }
    /// Whether `attr` is known at plan time.
    pub fn known(&self, attr: &str) -> bool {
        !matches!(self.after_unknown.get(attr), Some(Json::Bool(true)))
    }
}

/// A parsed plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub format_version: String,
    pub terraform_version: String,
    pub changes: Vec<Change>,
    /// Dependent resource address → cluster resource address, from the
    /// `cluster_name` references in the configuration.
    pub cluster_refs: BTreeMap<String, String>,
    /// Node pools in the prior state (address, cluster name, planned nodes).
    pub prior_pools: Vec<(String, String, u64)>,
    /// Every sensitive string of the plan, longest first: never shown.
    pub secrets: Vec<String>,
    /// Failed entries of the plan's `checks` (Terraform's own checks).
    pub terraform_checks: Vec<super::Finding>,
    /// Indexes built once, so every look-up is constant time and a check is
    /// linear in the size of the plan.
    index: Index,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Index {
    /// Address → position in `changes`.
    by_address: HashMap<String, usize>,
    /// Address without instance key → first position in `changes`.
    by_base: HashMap<String, usize>,
    /// `ack_cluster` name → first position in `changes`.
    cluster_by_name: HashMap<String, usize>,
}

fn str_field(v: &Json, k: &str) -> String {
    v.get(k)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

impl Plan {
    pub fn parse(text: &str) -> Result<Plan, CheckError> {
        let root: Json =
            serde_json::from_str(text).map_err(|e| CheckError::NotJson(e.to_string()))?;
        let obj = root
            .as_object()
            .ok_or_else(|| CheckError::NotAPlan("the top level is not a JSON object".into()))?;
        let format = obj
            .get("format_version")
            .and_then(Json::as_str)
            .ok_or_else(|| {
                CheckError::NotAPlan(
                    "no format_version: this is not `terraform show -json` output".into(),
                )
            })?;
        if !format.starts_with("1.") {
            return Err(CheckError::Format(format.to_owned()));
        }
        if !obj.contains_key("resource_changes") && !obj.contains_key("planned_values") {
            return Err(CheckError::NotAPlan(
                "no resource_changes: this looks like state output; pass a saved plan (`terraform show -json tfplan`)".into(),
            ));
        }
        let mut changes = Vec::new();
        if let Some(rc) = obj.get("resource_changes") {
            let list = rc
                .as_array()
                .ok_or_else(|| CheckError::NotAPlan("resource_changes is not a list".into()))?;
            for (i, c) in list.iter().enumerate() {
                if let Some(change) = parse_change(i, c)? {
                    changes.push(change);
                }
            }
        }
        let mut cluster_refs = BTreeMap::new();
        collect_refs(
            obj.get("configuration").and_then(|c| c.get("root_module")),
            "",
            &mut cluster_refs,
            0,
        );
        let mut prior_pools = Vec::new();
        collect_prior_pools(
            obj.get("prior_state")
                .and_then(|s| s.get("values"))
                .and_then(|v| v.get("root_module")),
            &mut prior_pools,
        )?;
        let index = Index::build(&changes);
        Ok(Plan {
            format_version: format.to_owned(),
            terraform_version: str_field(&root, "terraform_version"),
            changes,
            cluster_refs,
            prior_pools,
            secrets: super::sensitive::collect(&root),
            terraform_checks: super::tfchecks::evaluate(&root),
            index,
        })
    }

    /// The change of the resource at `address`.
    pub fn change(&self, address: &str) -> Option<&Change> {
        self.index
            .by_address
            .get(address)
            .map(|i| &self.changes[*i])
    }

    /// Addresses of every change, for membership tests.
    pub fn addresses(&self) -> HashSet<&str> {
        self.changes.iter().map(|c| c.address.as_str()).collect()
    }

    pub fn of_type<'a>(&'a self, t: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(move |c| c.resource_type == t)
    }

    /// The `ack_cluster` change a dependent belongs to: by configuration
    /// reference, else by `cluster_name` value.
    pub fn cluster_of(&self, dependent: &Change) -> Option<&Change> {
        if let Some(addr) = self.cluster_refs.get(&strip_index(&dependent.address)) {
            if let Some(i) = self.index.by_base.get(addr) {
                return Some(&self.changes[*i]);
            }
        }
        let name = dependent.value().get("cluster_name")?.as_str()?;
        self.index
            .cluster_by_name
            .get(name)
            .map(|i| &self.changes[*i])
    }
}

impl Index {
    fn build(changes: &[Change]) -> Index {
        let mut index = Index::default();
        for (i, c) in changes.iter().enumerate() {
            index.by_address.entry(c.address.clone()).or_insert(i);
            index.by_base.entry(strip_index(&c.address)).or_insert(i);
            if c.resource_type == "ack_cluster" {
                if let Some(name) = c.value().get("name").and_then(Json::as_str) {
                    index.cluster_by_name.entry(name.to_owned()).or_insert(i);
                }
            }
        }
        index
    }
}

/// One entry of `resource_changes`; `None` for data sources. Entries that
/// are not resource changes are an error naming the entry, never skipped.
fn parse_change(i: usize, c: &Json) -> Result<Option<Change>, CheckError> {
    let bad = |what: String| {
        // The entry's identity, not its values (which may be sensitive).
        let mut entry = c.clone();
        if let Some(o) = entry.as_object_mut() {
            o.remove("change");
        }
        let shown: String = entry.to_string().chars().take(80).collect();
        CheckError::NotAPlan(format!(
            "resource_changes[{i}] {what} ({shown}): this is not `terraform show -json` output of a saved plan"
        ))
    };
    let obj = c
        .as_object()
        .ok_or_else(|| bad("is not a resource change object".into()))?;
    if obj.get("mode").and_then(Json::as_str) == Some("data") {
        return Ok(None);
    }
    let text = |k: &str| {
        obj.get(k)
            .and_then(Json::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("has no {k} string")))
    };
    let address = text("address")?;
    let resource_type = text("type")?;
    let change = obj
        .get("change")
        .and_then(Json::as_object)
        .ok_or_else(|| bad(format!("({address}) has no change object")))?;
    let actions = change
        .get("actions")
        .and_then(Json::as_array)
        .and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| bad(format!("({address}) has no change.actions list of strings")))?;
    let field = |k: &str| change.get(k).cloned().unwrap_or_default();
    if resource_type == "ack_node_pool" {
        for side in ["before", "after"] {
            pool_numbers(&field(side), &field(&format!("{side}_sensitive")))
                .map_err(|e| bad(format!("({address}) change.{side}.{e}")))?;
        }
    }
    Ok(Some(Change {
        address,
        resource_type,
        actions,
        before: field("before"),
        after: field("after"),
        after_unknown: field("after_unknown"),
        before_sensitive: field("before_sensitive"),
        after_sensitive: field("after_sensitive"),
    }))
}

/// `module.a.ack_x.y["k"]` → `module.a.ack_x.y` (references name the resource, not the instance).
fn strip_index(addr: &str) -> String {
    match addr.rfind('[') {
        Some(i) if addr.ends_with(']') => addr[..i].to_owned(),
        _ => addr.to_owned(),
    }
}

fn collect_refs(
    module: Option<&Json>,
    prefix: &str,
    out: &mut BTreeMap<String, String>,
    depth: usize,
) {
    let Some(module) = module else { return };
    if depth > 32 {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let addr = format!("{prefix}{}", str_field(r, "address"));
        let refs = r
            .get("expressions")
            .and_then(|e| e.get("cluster_name"))
            .and_then(|c| c.get("references"))
            .and_then(Json::as_array);
        if let Some(target) = refs
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .find(|s| s.starts_with("ack_cluster."))
        {
            let mut parts = target.split('.');
            let base = format!(
                "{prefix}{}.{}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            );
            out.insert(addr, base);
        }
    }
    if let Some(calls) = module.get("module_calls").and_then(Json::as_object) {
        for (name, call) in calls {
            collect_refs(
                call.get("module"),
                &format!("{prefix}module.{name}."),
                out,
                depth + 1,
            );
        }
    }
}

fn collect_prior_pools(
    module: Option<&Json>,
    out: &mut Vec<(String, String, u64)>,
) -> Result<(), CheckError> {
    for r in state_resources(module) {
        if r.get("type").and_then(Json::as_str) == Some("ack_node_pool") {
            let v = r.get("values").cloned().unwrap_or_default();
            let mask = r.get("sensitive_values").cloned().unwrap_or_default();
            pool_numbers(&v, &mask).map_err(|e| {
                CheckError::NotAPlan(format!(
                    "prior_state resource {} values.{e}: this is not `terraform show -json` output of a saved plan",
                    str_field(r, "address")
                ))
            })?;
            out.push((
                str_field(r, "address"),
                str_field(&v, "cluster_name"),
                pool_nodes(&v).unwrap_or(0),
            ));
        }
    }
    Ok(())
}

/// Every resource of a state module (`prior_state.values.root_module`) and
/// its child modules, at most 32 modules deep.
pub(crate) fn state_resources(module: Option<&Json>) -> Vec<&Json> {
    fn walk<'a>(module: Option<&'a Json>, out: &mut Vec<&'a Json>, depth: usize) {
        let Some(module) = module.filter(|_| depth <= 32) else {
            return;
        };
        let list = |key: &str| {
            module
                .get(key)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
        };
        out.extend(list("resources"));
        for child in list("child_modules") {
            walk(Some(child), out, depth + 1);
        }
    }
    let mut out = Vec::new();
    walk(module, &mut out, 0);
    out
}

/// The numbers of a node pool the rules count with: `desired_size` and
/// `autoscaling.{min_size,max_size}`. Each is absent, null (unknown or not
/// set) or a whole number of nodes; anything else (`"6000"`, `1e30`, `-5`,
/// `150.5`) is malformed input, never read as "no nodes".
pub const POOL_NUMBERS: [&str; 3] = [
    "desired_size",
    "autoscaling.min_size",
    "autoscaling.max_size",
];

fn pool_numbers(v: &Json, mask: &Json) -> Result<(), String> {
    if v.is_null() {
        return Ok(());
    }
    let Some(obj) = v.as_object() else {
        return Err(format!("is {}, not an object", shown(v)));
    };
    match obj.get("autoscaling") {
        None | Some(Json::Null) | Some(Json::Object(_)) => {}
        Some(other) => return Err(format!("autoscaling is {}, not an object", shown(other))),
    }
    for path in POOL_NUMBERS {
        let value = path
            .split('.')
            .try_fold(v, |v, k| v.get(k))
            .unwrap_or(&Json::Null);
        if !value.is_null() && value.as_u64().is_none() {
            let mut value = value.clone();
            let mask = path.split('.').try_fold(mask, |m, k| match m {
                Json::Bool(true) => Some(m),
                m => m.get(k),
            });
            super::sensitive::redact(&mut value, mask.unwrap_or(&Json::Null));
            return Err(format!(
                "{path} is {}, not a whole number of nodes (0 or more)",
                shown(&value)
            ));
        }
    }
    Ok(())
}

/// A value as it appears in the plan, cut short.
fn shown(v: &Json) -> String {
    let text = v.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// Nodes a pool may run: autoscaling maximum, else desired size.
pub fn pool_nodes(v: &Json) -> Option<u64> {
    match v.get("autoscaling") {
        Some(a) if !a.is_null() => a.get("max_size")?.as_u64(),
        _ => v.get("desired_size")?.as_u64(),
    }
}
