//! Terraform's type system (cty types) and their JSON form, as used in schema
//! `type` fields and in the `[type, value]` wrapper of dynamic values.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

/// A Terraform type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
    /// Any type; values travel with their concrete type attached.
    Dynamic,
}

/// A type JSON document that does not describe a Terraform type.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid type description: {0}")]
pub struct TypeError(pub String);

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object<I, K>(attrs: I) -> Type
    where
        I: IntoIterator<Item = (K, Type)>,
        K: Into<String>,
    {
        Type::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// True when the type contains `dynamic` anywhere.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(a) => a.values().any(Type::has_dynamic),
            Type::Tuple(e) => e.iter().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The type as a `serde_json` value.
    pub fn to_json_value(&self) -> Json {
        match self {
            Type::String => Json::from("string"),
            Type::Number => Json::from("number"),
            Type::Bool => Json::from("bool"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(t) => Json::Array(vec!["list".into(), t.to_json_value()]),
            Type::Set(t) => Json::Array(vec!["set".into(), t.to_json_value()]),
            Type::Map(t) => Json::Array(vec!["map".into(), t.to_json_value()]),
            Type::Object(attrs) => {
                let m = attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json_value()))
                    .collect();
                Json::Array(vec!["object".into(), Json::Object(m)])
            }
            Type::Tuple(elems) => Json::Array(vec![
                "tuple".into(),
                Json::Array(elems.iter().map(Type::to_json_value).collect()),
            ]),
        }
    }

    /// The type JSON bytes Terraform expects in a schema (`"string"` with quotes).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json_value().to_string().into_bytes()
    }

    /// Parses type JSON bytes.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, TypeError> {
        let v: Json = serde_json::from_slice(bytes).map_err(|e| TypeError(e.to_string()))?;
        Type::from_json_value(&v)
    }

    /// Parses a type from a `serde_json` value.
    pub fn from_json_value(v: &Json) -> Result<Type, TypeError> {
        match v {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError(format!("unknown primitive type {other:?}"))),
            },
            Json::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0]
                    .as_str()
                    .ok_or_else(|| TypeError("type kind must be a string".into()))?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json_value(&parts[1])?)),
                    "set" => Ok(Type::set(Type::from_json_value(&parts[1])?)),
                    "map" => Ok(Type::map(Type::from_json_value(&parts[1])?)),
                    "object" => {
                        let attrs = parts[1].as_object().ok_or_else(|| {
                            TypeError("object attributes must be a JSON object".into())
                        })?;
                        let mut out = BTreeMap::new();
                        for (k, t) in attrs {
                            out.insert(k.clone(), Type::from_json_value(t)?);
                        }
                        // A third element lists optional attributes; it only
                        // matters for type constraints, not for values.
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or_else(|| {
                            TypeError("tuple elements must be a JSON array".into())
                        })?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json_value)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(TypeError(format!("unknown type kind {other:?}"))),
                }
            }
            other => Err(TypeError(format!("unexpected type JSON {other}"))),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Set(t) => write!(f, "set of {t}"),
            Type::Map(t) => write!(f, "map of {t}"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_round_trips() {
        let t = Type::object([
            ("a", Type::String),
            ("b", Type::list(Type::set(Type::Number))),
            ("c", Type::map(Type::Bool)),
            ("d", Type::Tuple(vec![Type::String, Type::Dynamic])),
        ]);
        let bytes = t.to_json_bytes();
        assert_eq!(Type::from_json_bytes(&bytes), Ok(t));
        assert_eq!(Type::String.to_json_bytes(), b"\"string\"".to_vec());
    }

    #[test]
    fn bad_type_json_is_an_error() {
        assert!(Type::from_json_bytes(b"\"str\"").is_err());
        assert!(Type::from_json_bytes(b"[\"list\"]").is_err());
        assert!(Type::from_json_bytes(b"not json").is_err());
    }
}
