//! MessagePack encoding of values, the form Terraform uses on the wire.
//!
//! Rules (from Terraform's object wire format): objects carry exactly the
//! attributes of their type; null is `nil`; any extension is an unknown
//! (type 12 carries refinements); numbers are ints, floats or decimal
//! strings; `dynamic` positions hold a `[type JSON, value]` pair.

use super::Value;
use crate::types::Type;

mod decode;
mod encode;

pub use decode::decode;
pub use encode::encode;

/// Extension type Terraform uses for refined unknowns.
const EXT_REFINED: i8 = 12;

/// The type a value would have if nobody said otherwise (for values placed
/// under a `dynamic` constraint without their type attached).
pub fn infer_type(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown(_) => Type::Dynamic,
        Value::String(_) => Type::String,
        Value::Number(_) => Type::Number,
        Value::Bool(_) => Type::Bool,
        Value::List(items) => Type::list(items.first().map_or(Type::Dynamic, infer_type)),
        Value::Set(items) => Type::set(items.first().map_or(Type::Dynamic, infer_type)),
        Value::Map(m) => Type::map(m.values().next().map_or(Type::Dynamic, infer_type)),
        Value::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect())
        }
        Value::Tuple(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        Value::Dynamic(t, _) => (**t).clone(),
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "unknown value",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic value",
    }
}

#[cfg(test)]
mod expected;
#[cfg(test)]
mod tests;
