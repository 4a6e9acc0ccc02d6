//! Typed models: converts values to and from ordinary Rust structs through
//! serde. Null (and unknown) attributes read as `None`; write models with
//! `Option<T>` for every attribute that can be null. A model meant for a
//! plan, where values may still be unknown, should check
//! [`Value::is_unknown`] on the raw value first: unknowns read as `None`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;

use super::json::from_json;
use super::{Number, Value, ValueError};
use crate::path::AttributePath;
use crate::types::Type;

/// Reads a typed model out of a value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    serde_json::from_value(to_loose_json(value))
        .map_err(|e| ValueError::new(&AttributePath::root(), e.to_string()))
}

/// Writes a typed model as a value of type `ty` (sets, maps and numbers are
/// shaped by the type; attributes the model lacks are null).
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, ValueError> {
    let j = serde_json::to_value(model)
        .map_err(|e| ValueError::new(&AttributePath::root(), e.to_string()))?;
    from_json(&j, ty, &AttributePath::root())
}

fn to_loose_json(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown(_) => Json::Null,
        Value::String(s) => Json::String(s.clone()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n @ Number::Finite(_)) => {
            serde_json::from_str(&n.to_string()).unwrap_or(Json::Null)
        }
        Value::Number(n) => Json::from(n.to_f64()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(to_loose_json).collect())
        }
        Value::Map(m) | Value::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), to_loose_json(v)))
                .collect(),
        ),
        Value::Dynamic(_, inner) => to_loose_json(inner),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Model {
        name: String,
        size: Option<i64>,
        labels: Option<BTreeMap<String, String>>,
        zones: Vec<String>,
    }

    #[test]
    fn models_round_trip() {
        let ty = Type::object([
            ("name", Type::String),
            ("size", Type::Number),
            ("labels", Type::map(Type::String)),
            ("zones", Type::set(Type::String)),
            ("extra", Type::Bool),
        ]);
        let m = Model {
            name: "a".into(),
            size: Some(3),
            labels: None,
            zones: vec!["z1".into()],
        };
        let v = to_value(&m, &ty).unwrap();
        assert_eq!(v.get("zones"), Some(&Value::Set(vec!["z1".into()])));
        assert_eq!(v.get("extra"), Some(&Value::Null));
        let back: Model = from_value(&v).unwrap();
        assert_eq!(back, m);
    }
}
