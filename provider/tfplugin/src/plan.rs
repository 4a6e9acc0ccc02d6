//! The planning rules, as pure functions over a schema and values: defaults,
//! write-only attributes, computed values that become unknown, attribute plan
//! modifiers and validators. The server calls them in that order.
//!
//! [`resource`] and [`data_source`] apply them around the calls into the
//! framework traits, one function per RPC, over decoded values.

mod data_source;
mod entry;
mod resource;

pub(crate) use data_source::DataSourceEntry;
pub(crate) use entry::Entry;
pub(crate) use resource::{until_stopped, PlanInputs, RawState, ResourceEntry};

use crate::diag::{Diagnostic, Diagnostics};
use crate::modifiers::{AttributePlanRequest, AttributePlanResponse};
use crate::path::AttributePath;
use crate::schema::{Attribute, Block, Nesting};
use crate::value::Value;

static NULL: Value = Value::Null;

/// Calls `f` for each nested object of a nested block or nested attribute,
/// pairing the planned object with its configuration and prior state.
fn each_nested(
    nesting: Nesting,
    config: &Value,
    prior: &Value,
    plan: &mut Value,
    path: &AttributePath,
    f: &mut dyn FnMut(&Value, &Value, &mut Value, &AttributePath),
) {
    match (nesting, plan) {
        (Nesting::Single | Nesting::Group, p @ Value::Object(_)) => f(config, prior, p, path),
        (Nesting::List | Nesting::Set, Value::List(items) | Value::Set(items)) => {
            let cfg = config.as_elements().unwrap_or(&[]);
            let pri = prior.as_elements().unwrap_or(&[]);
            let same_len = cfg.len() == items.len();
            for (i, item) in items.iter_mut().enumerate() {
                let c = if same_len {
                    cfg.get(i).unwrap_or(&NULL)
                } else {
                    &NULL
                };
                // Set elements have no stable position: never pair them with prior elements.
                let p = if nesting == Nesting::List {
                    pri.get(i).unwrap_or(&NULL)
                } else {
                    &NULL
                };
                f(c, p, item, &path.push_index(i));
            }
        }
        (Nesting::Map, Value::Map(entries)) => {
            for (k, item) in entries.iter_mut() {
                let c = config.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                let p = prior.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                f(c, p, item, &path.push_key(k));
            }
        }
        _ => {}
    }
}

fn attr_of<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get(name).unwrap_or(&NULL)
}

/// Sets attributes with a default where the configuration leaves them null.
pub fn apply_defaults(block: &Block, config: &Value, plan: &mut Value) {
    set_attrs(&block.attributes, config, plan, &|a, cfg| {
        a.default.clone().filter(|_| cfg.is_null())
    });
    each_nested_block(block, config, plan, &mut apply_defaults);
}

/// Runs `f` on every element of each nested block of `block`, with its
/// configuration and planned value.
fn each_nested_block(
    block: &Block,
    config: &Value,
    plan: &mut Value,
    f: &mut dyn FnMut(&Block, &Value, &mut Value),
) {
    for b in &block.blocks {
        let cfg = attr_of(config, &b.type_name);
        if let Some(p) = plan.get_mut(&b.type_name) {
            each_nested(
                b.nesting,
                cfg,
                &NULL,
                p,
                &AttributePath::root(),
                &mut |c, _, p, _| f(&b.block, c, p),
            );
        }
    }
}

/// Sets each attribute of `attrs` that `plan` has to what `set` returns for
/// it (given its configuration); a nested attribute that `set` leaves alone
/// (`None`) gets the same treatment in each of its elements.
fn set_attrs(
    attrs: &[Attribute],
    config: &Value,
    plan: &mut Value,
    set: &dyn Fn(&Attribute, &Value) -> Option<Value>,
) {
    for a in attrs {
        let cfg = attr_of(config, &a.name);
        let Some(p) = plan.get_mut(&a.name) else {
            continue;
        };
        if let Some(v) = set(a, cfg) {
            *p = v;
        } else if let Some((nesting, nested)) = a.nested_attributes() {
            // An unknown value has no elements to visit.
            each_nested(
                nesting,
                cfg,
                &NULL,
                p,
                &AttributePath::root(),
                &mut |c, _, p, _| set_attrs(nested, c, p, set),
            );
        }
    }
}

/// Write-only attributes never appear in plans or state.
pub fn null_write_only(block: &Block, value: &mut Value) {
    for a in &block.attributes {
        if a.write_only {
            if let Some(v) = value.get_mut(&a.name) {
                *v = Value::Null;
            }
        }
    }
    each_nested_block(block, &NULL, value, &mut |b, _, p| null_write_only(b, p));
}

/// Computed attributes the configuration leaves null become unknown: the
/// provider will know them after apply. Attributes with a default keep it.
pub fn mark_computed_unknown(block: &Block, config: &Value, plan: &mut Value) {
    set_attrs(&block.attributes, config, plan, &|a, cfg| {
        (a.computed && a.default.is_none() && cfg.is_null()).then(Value::unknown)
    });
    each_nested_block(block, config, plan, &mut mark_computed_unknown);
}

/// Runs every attribute's plan modifiers; returns the paths that force
/// replacement.
pub fn run_modifiers(
    block: &Block,
    config: &Value,
    prior: &Value,
    plan: &mut Value,
    creating: bool,
    diags: &mut Diagnostics,
) -> Vec<AttributePath> {
    let mut walk = Modifying {
        creating,
        replace: Vec::new(),
        diags,
    };
    walk.block(block, config, prior, plan, &AttributePath::root());
    walk.replace
}

/// A walk of the plan modifiers over a plan.
struct Modifying<'a> {
    creating: bool,
    /// The paths that force replacement.
    replace: Vec<AttributePath>,
    diags: &'a mut Diagnostics,
}

impl Modifying<'_> {
    fn block(
        &mut self,
        block: &Block,
        config: &Value,
        prior: &Value,
        plan: &mut Value,
        path: &AttributePath,
    ) {
        self.attrs(&block.attributes, config, prior, plan, path);
        for b in &block.blocks {
            let cfg = attr_of(config, &b.type_name);
            let pri = attr_of(prior, &b.type_name);
            if let Some(p) = plan.get_mut(&b.type_name) {
                let bpath = path.push_attr(&b.type_name);
                each_nested(b.nesting, cfg, pri, p, &bpath, &mut |c, pr, p, np| {
                    self.block(&b.block, c, pr, p, np);
                });
            }
        }
    }

    fn attrs(
        &mut self,
        attrs: &[Attribute],
        config: &Value,
        prior: &Value,
        plan: &mut Value,
        path: &AttributePath,
    ) {
        for a in attrs {
            let cfg = attr_of(config, &a.name);
            let pri = attr_of(prior, &a.name);
            let apath = path.push_attr(&a.name);
            let Some(p) = plan.get_mut(&a.name) else {
                continue;
            };
            if let Some((nesting, nested)) = a.nested_attributes() {
                each_nested(nesting, cfg, pri, p, &apath, &mut |c, pr, p, np| {
                    self.attrs(nested, c, pr, p, np);
                });
            }
            if a.plan_modifiers.is_empty() {
                continue;
            }
            let req = AttributePlanRequest {
                path: &apath,
                config: cfg,
                state: pri,
                creating: self.creating,
            };
            let mut resp = AttributePlanResponse {
                plan: p.clone(),
                requires_replace: false,
                diagnostics: Diagnostics::new(),
            };
            for m in &a.plan_modifiers {
                m.modify(&req, &mut resp);
            }
            *p = resp.plan;
            if resp.requires_replace {
                self.replace.push(apath);
            }
            self.diags.extend(resp.diagnostics);
        }
    }
}

/// A configuration's whole validation: the schema's validators, then the
/// object's own checks (`own`, given the configuration), with every path
/// cut back to where Terraform can point.
pub(crate) async fn validate_config<F, Fut>(block: &Block, config: Value, own: F) -> Diagnostics
where
    F: FnOnce(crate::framework::ValidateRequest) -> Fut,
    Fut: std::future::Future<Output = Diagnostics>,
{
    let mut d = Diagnostics::new();
    validate(block, &config, &mut d);
    d.extend(own(crate::framework::ValidateRequest { config }).await);
    locate(block, &mut d);
    d
}

/// Runs the validators of every attribute on known, non-null values.
pub fn validate(block: &Block, config: &Value, diags: &mut Diagnostics) {
    validate_block(block, config, &AttributePath::root(), diags);
}

fn validate_block(block: &Block, config: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    validate_attrs(&block.attributes, config, path, diags);
    for b in &block.blocks {
        let mut cfg = attr_of(config, &b.type_name).clone();
        let bpath = path.push_attr(&b.type_name);
        each_nested(
            b.nesting,
            &NULL,
            &NULL,
            &mut cfg,
            &bpath,
            &mut |_, _, c, np| {
                validate_block(&b.block, c, np, diags);
            },
        );
    }
}

fn validate_attrs(
    attrs: &[Attribute],
    config: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    for a in attrs {
        let v = attr_of(config, &a.name);
        let apath = path.push_attr(&a.name);
        if v.is_null() || v.is_unknown() {
            continue;
        }
        if a.deprecated {
            diags.push(
                Diagnostic::warning(
                    format!("Argument {} is deprecated", a.name),
                    a.description.clone(),
                )
                .at(apath.clone()),
            );
        }
        for val in &a.validators {
            val.validate(&apath, v, diags);
        }
        if let Some((nesting, nested)) = a.nested_attributes() {
            let mut inner = Diagnostics::new();
            let mut c = v.clone();
            each_nested(nesting, &NULL, &NULL, &mut c, &apath, &mut |_, _, c, np| {
                validate_attrs(nested, c, np, &mut inner);
            });
            for d in inner {
                diags.push(locatable(d, &apath));
            }
        }
    }
}

/// Terraform finds a diagnostic's place in the configuration from its path,
/// but inside a nested attribute's value (`x = { … }`, `x = [{ … }]`) it can
/// follow at most one index or key: a longer path lands on the resource's
/// first line. So such paths are cut back to the attribute, or to the
/// element, which Terraform then shows; the summary and detail written by
/// the validator still name the exact field.
fn locatable(mut d: Diagnostic, base: &AttributePath) -> Diagnostic {
    use crate::path::Step;
    if let Some(path) = &d.attribute {
        let (steps, stem) = (path.steps(), base.steps());
        if steps.len() > stem.len() && steps.starts_with(stem) {
            let mut keep = stem.len();
            if matches!(steps.get(keep), Some(Step::Index(_) | Step::Key(_))) {
                keep += 1;
            }
            d.attribute = Some(AttributePath::from(steps[..keep].to_vec()));
        }
    }
    d
}

/// Cuts the path of every diagnostic back to a place Terraform can find in
/// the configuration: through nested blocks (and their index or key), then
/// to the attribute, and at most one index or key into its value. Terraform
/// follows no further into a nested attribute's value (`x = { … }`): a
/// longer path would land on the resource's first line. The summary and
/// detail still name the exact field.
pub(crate) fn locate(block: &Block, diags: &mut Diagnostics) {
    for d in diags.iter_mut() {
        if let Some(path) = &d.attribute {
            let kept = findable(block, path);
            if kept < path.steps().len() {
                d.attribute = Some(AttributePath::from(path.steps()[..kept].to_vec()));
            }
        }
    }
}

/// How many steps of `path` Terraform can follow in a configuration of
/// `block`'s shape.
fn findable(block: &Block, path: &AttributePath) -> usize {
    use crate::path::Step;
    let steps = path.steps();
    let mut block = block;
    let mut i = 0;
    while let Some(Step::Attribute(name)) = steps.get(i) {
        i += 1;
        let index_next = matches!(steps.get(i), Some(Step::Index(_) | Step::Key(_)));
        if let Some(nested) = block.blocks.iter().find(|b| &b.type_name == name) {
            if index_next {
                i += 1;
            }
            block = &nested.block;
            continue;
        }
        if block.attributes.iter().any(|a| &a.name == name) && index_next {
            i += 1;
        }
        return i;
    }
    i
}

/// The object a read or import (`what`) returned, cleaned as
/// [`finish_state`] does. Errors, or no object (`nothing`: the error it is),
/// fail with the diagnostics gathered so far.
pub(crate) fn returned_object(
    schema: &crate::schema::Schema,
    mut state: Value,
    mut diagnostics: Diagnostics,
    nothing: Diagnostic,
    what: &str,
) -> Result<(Value, Diagnostics), Diagnostics> {
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    if state.is_null() {
        diagnostics.push(nothing);
        return Err(diagnostics);
    }
    finish_state(schema, &mut state, &mut diagnostics, what);
    Ok((state, diagnostics))
}

/// Cleans a state a provider returned: write-only attributes become null,
/// leftover unknowns become null with an error naming them.
pub(crate) fn finish_state(
    schema: &crate::schema::Schema,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
    what: &str,
) {
    if state.is_null() {
        return;
    }
    null_write_only(&schema.block, state);
    let mut unknown = Vec::new();
    strip_unknowns(state, &AttributePath::root(), &mut unknown);
    for p in unknown {
        diagnostics.push(
            Diagnostic::error(
                format!("Provider left a value unknown after {what}"),
                "Every value must be known once an operation finishes. This is a bug in the provider; please report it.",
            )
            .at(p),
        );
    }
}

/// Replaces any unknown left in a value with null and reports the paths:
/// a provider must never store unknowns in state.
pub fn strip_unknowns(value: &mut Value, path: &AttributePath, found: &mut Vec<AttributePath>) {
    match value {
        Value::Unknown(_) => {
            found.push(path.clone());
            *value = Value::Null;
        }
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                strip_unknowns(v, &path.push_index(i), found);
            }
        }
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                strip_unknowns(v, &path.push_key(k), found);
            }
        }
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                strip_unknowns(v, &path.push_attr(k), found);
            }
        }
        Value::Dynamic(_, v) => strip_unknowns(v, path, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod upgrade_tests;
