//! Terraform values: null, unknown (with refinements), primitives,
//! collections and structural values, plus their wire codecs.

pub mod json;
pub(crate) mod msgpack;
mod number;
pub mod serde;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testgen;

use std::collections::BTreeMap;

pub use number::Number;

use crate::path::{AttributePath, Step};
use crate::types::Type;

/// What Terraform promised about a value it does not know yet
/// (msgpack extension 12, Terraform 1.6+).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refinements {
    /// `Some(false)`: the value will not be null.
    pub nullable: Option<bool>,
    /// The string will start with this prefix.
    pub string_prefix: Option<String>,
    /// Lower bound of a number, and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a number, and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Minimum length of a collection (inclusive).
    pub length_lower: Option<u64>,
    /// Maximum length of a collection (inclusive).
    pub length_upper: Option<u64>,
}

impl Refinements {
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }
}

/// A value of some Terraform type.
///
/// Values do not carry their type, except under a `dynamic` type constraint,
/// where the concrete type travels with the value ([`Value::Dynamic`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Unknown(Refinements),
    String(String),
    Number(Number),
    Bool(bool),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value whose concrete type was chosen at run time (schema type `dynamic`).
    Dynamic(Box<Type>, Box<Value>),
}

impl Value {
    /// A plain unknown value without refinements.
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Dynamic(_, v) => v.is_null(),
            _ => false,
        }
    }

    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Dynamic(_, v) => v.is_unknown(),
            _ => false,
        }
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Dynamic(_, v) => v.as_str(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Dynamic(_, v) => v.as_bool(),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            Value::Dynamic(_, v) => v.as_number(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            Value::Dynamic(_, v) => v.as_elements(),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            Value::Dynamic(_, v) => v.as_entries(),
            _ => None,
        }
    }

    /// An attribute of an object (`None` when this is not an object or has no such attribute).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(name),
            Value::Dynamic(_, v) => v.get(name),
            _ => None,
        }
    }

    /// Mutable access to an attribute of an object.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(name),
            Value::Dynamic(_, v) => v.get_mut(name),
            _ => None,
        }
    }

    /// The value at `path`, if the path leads anywhere.
    pub fn at(&self, path: &AttributePath) -> Option<&Value> {
        let mut cur = self;
        for step in path.steps() {
            cur = match (step, cur) {
                (Step::Attribute(n), v) => v.get(n)?,
                (Step::Key(k), v) => v.as_entries()?.get(k)?,
                (Step::Index(i), v) => v.as_elements()?.get(usize::try_from(*i).ok()?)?,
            };
        }
        Some(cur)
    }

    /// Mutable access to the value at `path`.
    pub fn at_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        let mut cur = self;
        for step in path.steps() {
            cur = match (step, cur) {
                (Step::Attribute(n), v) => v.get_mut(n)?,
                (Step::Key(k), Value::Map(m) | Value::Object(m)) => m.get_mut(k)?,
                (Step::Index(i), Value::List(v) | Value::Set(v) | Value::Tuple(v)) => {
                    v.get_mut(usize::try_from(*i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Builds an object value from pairs.
    pub fn object<I, K>(attrs: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::from(n))
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Number(Number::from(n))
    }
}
impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A value that does not fit the type it is decoded or encoded as.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{path}: {message}")]
pub struct ValueError {
    pub path: AttributePath,
    pub message: String,
}

impl ValueError {
    pub fn new(path: &AttributePath, message: impl Into<String>) -> ValueError {
        ValueError {
            path: path.clone(),
            message: message.into(),
        }
    }
}
