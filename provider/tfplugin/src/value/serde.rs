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
    serde_path_to_error::deserialize(de::De(value)).map_err(|e| {
        let path = attribute_path(value, e.path());
        ValueError::new(&path, e.inner().to_string())
    })
}

/// The attribute path of a serde error's path, walking `value` alongside so
/// that an object's attribute and a map's key are told apart.
fn attribute_path(value: &Value, path: &serde_path_to_error::Path) -> AttributePath {
    use serde_path_to_error::Segment;
    let mut at = AttributePath::root();
    let mut v = Some(value);
    for segment in path.iter() {
        while let Some(Value::Dynamic(_, inner)) = v {
            v = Some(inner);
        }
        match segment {
            Segment::Map { key } => {
                at = match v {
                    Some(Value::Map(_)) => at.push_key(key.as_str()),
                    _ => at.push_attr(key.as_str()),
                };
                v = match v {
                    Some(Value::Map(m) | Value::Object(m)) => m.get(key),
                    _ => None,
                };
            }
            Segment::Seq { index } => {
                at = at.push_index(*index);
                v = match v {
                    Some(Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
                        items.get(*index)
                    }
                    _ => None,
                };
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    at
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
    use crate::value::Number;

    #[test]
    fn errors_name_the_attribute_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Rule {
            port: u16,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            rules: Vec<Rule>,
            labels: BTreeMap<String, i64>,
        }
        let rule = |port: Value| Value::Object(BTreeMap::from([("port".to_owned(), port)]));
        let v = Value::Object(BTreeMap::from([
            (
                "rules".to_owned(),
                Value::List(vec![rule(Value::from(80)), rule(Value::String("x".into()))]),
            ),
            ("labels".to_owned(), Value::Map(BTreeMap::new())),
        ]));
        let e = from_value::<Outer>(&v).unwrap_err();
        assert_eq!(e.path.to_string(), "rules[1].port", "{e:?}");
        let v = Value::Object(BTreeMap::from([
            ("rules".to_owned(), Value::List(vec![])),
            (
                "labels".to_owned(),
                Value::Map(BTreeMap::from([("team".to_owned(), Value::Bool(true))])),
            ),
        ]));
        let e = from_value::<Outer>(&v).unwrap_err();
        assert_eq!(e.path.to_string(), r#"labels["team"]"#, "{e:?}");
    }

    #[test]
    fn unknown_and_null_read_as_absent_where_the_model_allows() {
        assert!(from_value::<String>(&Value::unknown()).is_err());
        assert!(from_value::<String>(&Value::Null).is_err());
        assert_eq!(
            from_value::<Option<String>>(&Value::unknown()).unwrap(),
            None
        );
        assert_eq!(from_value::<Option<String>>(&Value::Null).unwrap(), None);
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Known {
            a: i64,
        }
        // Unknown attributes the model does not name are ignored.
        let v = Value::Object(BTreeMap::from([
            ("a".to_owned(), Value::from(1)),
            ("b".to_owned(), Value::unknown()),
        ]));
        assert_eq!(from_value::<Known>(&v).unwrap(), Known { a: 1 });
        // Flattened fields are buffered by serde: unknown and null read as None.
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Flat {
            a: Option<bool>,
            b: Option<bool>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct WithFlat {
            #[serde(flatten)]
            flat: Flat,
        }
        let v = Value::Object(BTreeMap::from([
            ("a".to_owned(), Value::unknown()),
            ("b".to_owned(), Value::Null),
        ]));
        let read = from_value::<WithFlat>(&v).unwrap();
        assert_eq!(read.flat, Flat { a: None, b: None });
    }

    #[test]
    fn integers_beyond_64_bits_stay_exact() {
        let big: Number = "18446744073709551616".parse().unwrap();
        assert_eq!(
            from_value::<u128>(&Value::Number(big)).unwrap(),
            1u128 << 64
        );
        let neg: Number = "-9223372036854775809".parse().unwrap();
        assert_eq!(
            from_value::<i128>(&Value::Number(neg)).unwrap(),
            i128::from(i64::MIN) - 1
        );
        let half: Number = "2.5".parse().unwrap();
        assert_eq!(from_value::<f64>(&Value::Number(half)).unwrap(), 2.5);
    }

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
