//! Typed models: converts values to and from ordinary Rust structs through
//! serde. Null attributes read as `None`; write models with `Option<T>` for
//! every attribute that can be null. Unknown values (plans, configurations)
//! read as `None` too, unless the field is a [`Planned<T>`], which tells
//! unknown from null. Writing a model cannot make a value unknown: set
//! unknowns on the [`Value`] itself.

mod de;

use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::json::from_json;
use super::{Value, ValueError};
use crate::path::AttributePath;
use crate::types::Type;

/// Reads a typed model out of a value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    T::deserialize(de::De(value))
        .map_err(|e| ValueError::new(&AttributePath::root(), e.to_string()))
}

/// Writes a typed model as a value of type `ty` (sets, maps and numbers are
/// shaped by the type; attributes the model lacks are null).
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, ValueError> {
    let j = serde_json::to_value(model)
        .map_err(|e| ValueError::new(&AttributePath::root(), e.to_string()))?;
    from_json(&j, ty, &AttributePath::root())
}

/// An attribute of a plan or configuration: not known yet, null, or a value.
/// Use it (with `#[serde(default)]` on the model) where the handler must
/// tell unknown from null; `Option<T>` reads both as `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Planned<T> {
    /// Known only after apply.
    Unknown,
    #[default]
    Null,
    Known(T),
}

impl<T> Planned<T> {
    pub fn is_unknown(&self) -> bool {
        matches!(self, Planned::Unknown)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Planned::Null)
    }

    /// The value when it is known and not null.
    pub fn known(&self) -> Option<&T> {
        match self {
            Planned::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Known (null or a value): `Some(None)` for null, `None` while unknown.
    pub fn decided(&self) -> Option<Option<&T>> {
        match self {
            Planned::Unknown => None,
            Planned::Null => Some(None),
            Planned::Known(v) => Some(Some(v)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Planned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Planned<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value, null or unknown")
            }
            fn visit_unit<E>(self) -> Result<Planned<T>, E> {
                Ok(Planned::Unknown)
            }
            fn visit_none<E>(self) -> Result<Planned<T>, E> {
                Ok(Planned::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Planned<T>, D::Error> {
                T::deserialize(d).map(Planned::Known)
            }
            // Other formats (JSON): null or a value.
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Planned<T>, D::Error> {
                Ok(Option::<T>::deserialize(d)?.map_or(Planned::Null, Planned::Known))
            }
        }
        d.deserialize_newtype_struct(de::PLANNED, V(std::marker::PhantomData))
    }
}

/// Null for null; an unknown cannot be written through serde (an error).
impl<T: Serialize> Serialize for Planned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Planned::Known(v) => s.serialize_some(v),
            Planned::Null => s.serialize_none(),
            Planned::Unknown => Err(serde::ser::Error::custom(
                "an unknown value cannot be written through serde; set it on the Value",
            )),
        }
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

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Plan {
        #[serde(default)]
        size: Planned<i64>,
        #[serde(default)]
        name: Planned<String>,
        #[serde(default)]
        zones: Planned<Vec<String>>,
        labels: Option<BTreeMap<String, String>>,
    }

    #[test]
    fn planned_fields_tell_unknown_from_null() {
        let v = Value::object([
            ("size", Value::unknown()),
            ("name", Value::Null),
            ("zones", Value::List(vec!["a".into()])),
            ("labels", Value::unknown()),
        ]);
        let p: Plan = from_value(&v).unwrap();
        assert!(p.size.is_unknown());
        assert!(p.name.is_null());
        assert_eq!(p.zones.known(), Some(&vec!["a".to_owned()]));
        assert_eq!(p.labels, None);
        let missing: Plan = from_value(&Value::object([("labels", Value::Null)])).unwrap();
        assert!(missing.size.is_null());
        // Not a number where one is wanted: an error, never a silent 0.
        let bad = Value::object([(
            "size",
            Value::Number(super::super::Number::from_f64(1.5).unwrap()),
        )]);
        assert!(from_value::<Plan>(&bad).is_err());
        let json: Plan = serde_json::from_str(r#"{"size": 3, "name": null}"#).unwrap();
        assert_eq!((json.size, json.name), (Planned::Known(3), Planned::Null));
        assert!(serde_json::to_value(Planned::<i64>::Unknown).is_err());
    }
}
