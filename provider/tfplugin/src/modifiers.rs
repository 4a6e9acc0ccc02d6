//! Attribute plan modifiers: small values that adjust an attribute's planned
//! value or mark it as forcing replacement. Each one describes itself, so the
//! docs can say what changing the attribute does.

use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::value::Value;

/// What a plan modifier sees for one attribute.
#[derive(Debug)]
pub struct AttributePlanRequest<'a> {
    pub path: &'a AttributePath,
    /// The configured value (null when unset).
    pub config: &'a Value,
    /// The prior state value (null on create).
    pub state: &'a Value,
    /// True when the resource is being created.
    pub creating: bool,
}

/// What a plan modifier may change.
#[derive(Debug)]
pub struct AttributePlanResponse {
    /// The planned value; starts as the framework's proposal.
    pub plan: Value,
    pub requires_replace: bool,
    pub diagnostics: Diagnostics,
}

/// Adjusts the plan of one attribute.
pub trait PlanModifier: Send + Sync {
    /// One sentence for users, e.g. "Changing this value replaces the resource."
    fn description(&self) -> String;
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse);
}

/// Any change of the value replaces the resource.
#[derive(Clone, Copy, Debug)]
pub struct RequiresReplace;

impl PlanModifier for RequiresReplace {
    fn description(&self) -> String {
        "Changing this value replaces the resource.".into()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        if !req.creating && resp.plan != *req.state {
            resp.requires_replace = true;
        }
    }
}

/// A change replaces the resource only when the predicate says so.
pub struct RequiresReplaceIf<F> {
    pub predicate: F,
    pub description: String,
}

impl<F> RequiresReplaceIf<F>
where
    F: Fn(&Value, &Value) -> bool + Send + Sync,
{
    /// `predicate(prior, planned)` returns true when the change replaces.
    pub fn new(description: impl Into<String>, predicate: F) -> Self {
        RequiresReplaceIf {
            predicate,
            description: description.into(),
        }
    }
}

impl<F> PlanModifier for RequiresReplaceIf<F>
where
    F: Fn(&Value, &Value) -> bool + Send + Sync,
{
    fn description(&self) -> String {
        self.description.clone()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        if !req.creating && resp.plan != *req.state && (self.predicate)(req.state, &resp.plan) {
            resp.requires_replace = true;
        }
    }
}

/// A computed value that does not change once set: keep the prior value
/// instead of showing "(known after apply)" on every update.
#[derive(Clone, Copy, Debug)]
pub struct UseStateForUnknown;

impl PlanModifier for UseStateForUnknown {
    fn description(&self) -> String {
        "Once known, the value does not change.".into()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        if !req.creating && resp.plan.is_unknown() && req.config.is_null() && !req.state.is_null() {
            resp.plan = req.state.clone();
        }
    }
}

/// A computed value fixed at create, which may be null (not applicable to
/// the object): keep the prior value, null included, instead of
/// "(known after apply)" on every update.
#[derive(Clone, Copy, Debug)]
pub struct KeepPriorState;

impl PlanModifier for KeepPriorState {
    fn description(&self) -> String {
        "Fixed at create; an update keeps the value (or its absence).".into()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        if !req.creating && resp.plan.is_unknown() && req.config.is_null() {
            resp.plan = req.state.clone();
        }
    }
}

/// An argument the remote API takes at create and never reports back: a
/// change replaces the resource, except over a prior state that never knew
/// the value (after an import), where the configured value is recorded in
/// place, since nothing says it differs from what the object was made with.
#[derive(Clone, Copy, Debug)]
pub struct CreateOnly;

impl PlanModifier for CreateOnly {
    fn description(&self) -> String {
        "Set at create only: changing it replaces the resource; where the API does not report it, the first plan after an import records the configured value in place.".into()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        if !req.creating && resp.plan != *req.state && !req.state.is_null() {
            resp.requires_replace = true;
        }
    }
}

#[cfg(test)]
mod create_only_tests {
    use super::*;

    #[test]
    fn replaces_a_known_value_and_adopts_over_an_unknown_one() {
        let path = AttributePath::attr("x");
        let run = |state: Value, plan: Value| {
            let req = AttributePlanRequest {
                path: &path,
                config: &plan,
                state: &state,
                creating: false,
            };
            let mut resp = AttributePlanResponse {
                plan: plan.clone(),
                requires_replace: false,
                diagnostics: Diagnostics::new(),
            };
            CreateOnly.modify(&req, &mut resp);
            resp.requires_replace
        };
        assert!(run(Value::from("a"), Value::from("b")));
        assert!(!run(Value::from("a"), Value::from("a")));
        assert!(!run(Value::Null, Value::from("b")), "imported: adopted");
    }
}
