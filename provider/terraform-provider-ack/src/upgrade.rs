//! State upgrades (`UpgradeResourceState`): every resource's schema has
//! [`VERSION`], and a state of any earlier version, or of this version that
//! no longer fits the model, is brought to the current shape here.
//!
//! Each schema change adds a step to [`STEPS`] (a JSON rewrite from version
//! *n* to *n + 1*) and a state fixture under
//! `acceptance-tests/tests/fixtures/state/` written by the release before
//! it. After the steps, the state is projected onto the current schema
//! leniently: attributes the schema no longer has are dropped, new ones are
//! null, and a value that does not fit its attribute is dropped with a
//! warning, to be read again by the next refresh. A state that does not fit
//! therefore never blocks a plan or a destroy: destroy needs only the IDs.

use serde_json::{Map, Value as Json};
use tfplugin::framework::{UpgradeStateRequest, UpgradeStateResponse};
use tfplugin::value::json;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Type, Value};

/// The schema version of every resource's state. 0: release 0.1.0.
pub const VERSION: i64 = 1;

/// A rewrite of one resource's state JSON from one version to the next.
type Step = fn(resource: &str, state: &mut Map<String, Json>);

/// `STEPS[n]` takes a state from version `n` to `n + 1`.
const STEPS: [Step; 1] = [v0_to_v1];

/// 0.1.0 → 1: the same attributes (later releases only added some, which
/// read as null until the refresh); version 1 marks states that went
/// through the upgrade path.
fn v0_to_v1(_resource: &str, _state: &mut Map<String, Json>) {}

/// Upgrades `req`'s state of `resource` to the current schema type `ty`.
pub fn upgrade(req: &UpgradeStateRequest, resource: &str, ty: &Type) -> UpgradeStateResponse {
    let mut diagnostics = Diagnostics::new();
    let mut state = match serde_json::from_slice::<Json>(&req.raw_json) {
        Ok(Json::Object(m)) => m,
        Ok(_) | Err(_) => {
            diagnostics.push(Diagnostic::error(
                "Could not read the stored state",
                format!(
                    "The state of this {resource} is not a JSON object. Remove it with `terraform state rm` and import the object again."
                ),
            ));
            return UpgradeStateResponse {
                state: Value::Null,
                diagnostics,
            };
        }
    };
    let from = usize::try_from(req.version).unwrap_or(0);
    for step in STEPS.iter().skip(from) {
        step(resource, &mut state);
    }
    let state = project(&state, ty, resource, &mut diagnostics);
    UpgradeStateResponse { state, diagnostics }
}

/// The state as a value of `ty`: unknown attributes dropped, missing ones
/// null, ill-fitting ones null with a warning.
fn project(state: &Map<String, Json>, ty: &Type, resource: &str, d: &mut Diagnostics) -> Value {
    let Type::Object(attrs) = ty else {
        return Value::Null;
    };
    let mut out = std::collections::BTreeMap::new();
    for (name, aty) in attrs {
        let path = AttributePath::attr(name);
        let v = match state.get(name) {
            None | Some(Json::Null) => Value::Null,
            Some(j) => match json::from_json(j, aty, &path) {
                Ok(v) => v,
                Err(e) => {
                    d.push(
                        Diagnostic::warning(
                            "Stored value dropped",
                            format!(
                                "The stored `{name}` of this {resource} does not fit the current schema ({}); it is read again from the API at the next refresh.",
                                e.message
                            ),
                        )
                        .at(path),
                    );
                    Value::Null
                }
            },
        };
        out.insert(name.clone(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty() -> Type {
        Type::object([("id", Type::String), ("size", Type::Number)])
    }

    fn run(version: i64, raw: &str) -> UpgradeStateResponse {
        let req = UpgradeStateRequest {
            version,
            raw_json: raw.as_bytes().to_vec(),
        };
        upgrade(&req, "ack_thing", &ty())
    }

    #[test]
    fn removed_attributes_drop_and_new_ones_are_null() {
        let r = run(0, r#"{"id":"x","gone":true}"#);
        assert!(r.diagnostics.is_empty());
        assert_eq!(r.state.get("id").and_then(Value::as_str), Some("x"));
        assert_eq!(r.state.get("size"), Some(&Value::Null));
    }

    #[test]
    fn an_ill_fitting_value_is_dropped_with_a_warning_and_the_id_kept() {
        let r = run(1, r#"{"id":"x","size":{"a":1}}"#);
        assert!(!r.diagnostics.has_errors());
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.state.get("id").and_then(Value::as_str), Some("x"));
        assert_eq!(r.state.get("size"), Some(&Value::Null));
    }

    #[test]
    fn not_an_object_is_an_error() {
        assert!(run(0, "[1]").diagnostics.has_errors());
    }
}
