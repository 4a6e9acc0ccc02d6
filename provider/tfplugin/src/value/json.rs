//! JSON encoding of values: `DynamicValue.json`, `RawState.json` and state
//! files. JSON cannot carry unknown values. Numbers keep their full
//! precision (serde_json's `arbitrary_precision`).

use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::Value as Json;

use super::msgpack::infer_type;
use super::{Number, Value, ValueError};
use crate::path::AttributePath;
use crate::types::Type;

/// Decodes JSON bytes as type `ty`. Missing object attributes are null;
/// unknown ones are an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    let j: Json = serde_json::from_slice(bytes)
        .map_err(|e| ValueError::new(&AttributePath::root(), format!("invalid JSON: {e}")))?;
    from_json(&j, ty, &AttributePath::root())
}

/// Decodes a parsed JSON value as type `ty`.
pub fn from_json(j: &Json, ty: &Type, path: &AttributePath) -> Result<Value, ValueError> {
    if j.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::Dynamic => dynamic_from_json(j, path),
        Type::String => match j {
            Json::String(s) => Ok(Value::String(s.clone())),
            // cty converts primitives to strings where the type asks for one.
            Json::Number(n) => Ok(Value::String(n.to_string())),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(ValueError::new(path, "a string is required")),
        },
        Type::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            _ => Err(ValueError::new(path, "a bool is required")),
        },
        Type::Number => {
            let text = match j {
                Json::Number(n) => n.to_string(),
                Json::String(s) => s.clone(),
                _ => return Err(ValueError::new(path, "a number is required")),
            };
            Number::from_str(&text)
                .map(Value::Number)
                .map_err(|e| ValueError::new(path, e.to_string()))
        }
        Type::List(et) | Type::Set(et) => {
            let arr = j
                .as_array()
                .ok_or_else(|| ValueError::new(path, format!("a {ty} is required")))?;
            let items = arr
                .iter()
                .enumerate()
                .map(|(i, e)| from_json(e, et, &path.push_index(i)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(items)
            } else {
                Value::List(items)
            })
        }
        Type::Tuple(types) => tuple_from_json(j, types, path),
        Type::Map(et) => {
            let obj = j
                .as_object()
                .ok_or_else(|| ValueError::new(path, "a map is required"))?;
            let mut m = BTreeMap::new();
            for (k, v) in obj {
                m.insert(k.clone(), from_json(v, et, &path.push_key(k))?);
            }
            Ok(Value::Map(m))
        }
        Type::Object(attrs) => object_from_json(j, attrs, path),
    }
}

fn dynamic_from_json(j: &Json, path: &AttributePath) -> Result<Value, ValueError> {
    let obj = j
        .as_object()
        .ok_or_else(|| ValueError::new(path, "dynamic value must be {\"value\", \"type\"}"))?;
    let tj = obj
        .get("type")
        .ok_or_else(|| ValueError::new(path, "dynamic value has no type"))?;
    let concrete = Type::from_json_value(tj).map_err(|e| ValueError::new(path, e.to_string()))?;
    let inner = from_json(obj.get("value").unwrap_or(&Json::Null), &concrete, path)?;
    Ok(Value::Dynamic(Box::new(concrete), Box::new(inner)))
}

fn tuple_from_json(j: &Json, types: &[Type], path: &AttributePath) -> Result<Value, ValueError> {
    let arr = j
        .as_array()
        .ok_or_else(|| ValueError::new(path, "a tuple is required"))?;
    if arr.len() != types.len() {
        return Err(ValueError::new(
            path,
            format!("tuple needs {} elements", types.len()),
        ));
    }
    let items = arr
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (e, t))| from_json(e, t, &path.push_index(i)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Tuple(items))
}

fn object_from_json(
    j: &Json,
    attrs: &BTreeMap<String, Type>,
    path: &AttributePath,
) -> Result<Value, ValueError> {
    let obj = j
        .as_object()
        .ok_or_else(|| ValueError::new(path, "an object is required"))?;
    if let Some(extra) = obj.keys().find(|k| !attrs.contains_key(*k)) {
        return Err(ValueError::new(
            path,
            format!("unsupported attribute {extra:?}"),
        ));
    }
    let mut m = BTreeMap::new();
    for (name, aty) in attrs {
        let v = match obj.get(name) {
            Some(v) => from_json(v, aty, &path.push_attr(name))?,
            None => Value::Null,
        };
        m.insert(name.clone(), v);
    }
    Ok(Value::Object(m))
}

/// Encodes `value` as JSON of type `ty`. Unknown values are an error.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let j = to_json(value, ty, &AttributePath::root())?;
    serde_json::to_vec(&j).map_err(|e| ValueError::new(&AttributePath::root(), e.to_string()))
}

/// Converts `value` of type `ty` into a JSON value.
pub fn to_json(value: &Value, ty: &Type, path: &AttributePath) -> Result<Json, ValueError> {
    if let Value::Unknown(_) = value {
        return Err(ValueError::new(
            path,
            "value is not known; JSON cannot represent unknown values",
        ));
    }
    if *ty == Type::Dynamic {
        if value.is_null() && !matches!(value, Value::Dynamic(..)) {
            return Ok(Json::Null);
        }
        let (concrete, inner) = match value {
            Value::Dynamic(t, v) => ((**t).clone(), &**v),
            other => (infer_type(other), other),
        };
        let mut obj = serde_json::Map::new();
        obj.insert("value".into(), to_json(inner, &concrete, path)?);
        obj.insert("type".into(), concrete.to_json_value());
        return Ok(Json::Object(obj));
    }
    match (ty, value) {
        (_, Value::Null) => Ok(Json::Null),
        (_, Value::Dynamic(t, v)) if **t == *ty => to_json(v, ty, path),
        (Type::String, Value::String(s)) => Ok(Json::String(s.clone())),
        (Type::Bool, Value::Bool(b)) => Ok(Json::Bool(*b)),
        (Type::Number, Value::Number(n)) => match n {
            Number::Finite(_) => serde_json::from_str::<Json>(&n.to_string())
                .map_err(|e| ValueError::new(path, e.to_string())),
            _ => Err(ValueError::new(path, "infinity cannot be written as JSON")),
        },
        (Type::List(et), Value::List(items)) | (Type::Set(et), Value::Set(items)) => {
            Ok(Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| to_json(v, et, &path.push_index(i)))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Type::Tuple(types), Value::Tuple(items)) if types.len() == items.len() => Ok(Json::Array(
            items
                .iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, t))| to_json(v, t, &path.push_index(i)))
                .collect::<Result<_, _>>()?,
        )),
        (Type::Map(et), Value::Map(m)) => {
            let mut obj = serde_json::Map::new();
            for (k, v) in m {
                obj.insert(k.clone(), to_json(v, et, &path.push_key(k))?);
            }
            Ok(Json::Object(obj))
        }
        (Type::Object(attrs), Value::Object(m)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(ValueError::new(
                    path,
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            let mut obj = serde_json::Map::new();
            for (name, aty) in attrs {
                let v = match m.get(name) {
                    Some(v) => to_json(v, aty, &path.push_attr(name))?,
                    None => Json::Null,
                };
                obj.insert(name.clone(), v);
            }
            Ok(Json::Object(obj))
        }
        (ty, _) => Err(ValueError::new(
            path,
            format!("value does not fit type {ty}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_keep_precision() {
        let ty = Type::object([("n", Type::Number)]);
        let v = decode(br#"{"n": 123456789012345678901234567890.5}"#, &ty).unwrap();
        let back = encode(&v, &ty).unwrap();
        assert_eq!(back, br#"{"n":123456789012345678901234567890.5}"#.to_vec());
    }

    #[test]
    fn missing_attributes_are_null_and_extra_are_refused() {
        let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
        let v = decode(br#"{"a":"x"}"#, &ty).unwrap();
        assert_eq!(v.get("b"), Some(&Value::Null));
        assert!(decode(br#"{"c":1}"#, &ty).is_err());
    }

    #[test]
    fn dynamic_is_value_and_type() {
        let v = decode(
            br#"{"value":["a"],"type":["list","string"]}"#,
            &Type::Dynamic,
        )
        .unwrap();
        assert_eq!(
            v,
            Value::Dynamic(
                Box::new(Type::list(Type::String)),
                Box::new(Value::List(vec!["a".into()]))
            )
        );
        let back = encode(&v, &Type::Dynamic).unwrap();
        assert_eq!(decode(&back, &Type::Dynamic).unwrap(), v);
    }

    #[test]
    fn unknown_cannot_be_json() {
        assert!(encode(&Value::unknown(), &Type::String).is_err());
    }
}
