//! A serde deserializer reading a [`Value`] directly, so that unknown
//! values can reach [`Planned`](super::Planned) fields instead of reading as
//! null.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

use bigdecimal::ToPrimitive;

use crate::value::{Number, Value};

/// The newtype name by which [`Planned`](super::Planned) asks whether a
/// value is unknown.
pub(super) const PLANNED: &str = "$tfplugin::Planned";

pub(super) struct De<'a>(pub &'a Value);

impl<'de> IntoDeserializer<'de, Error> for De<'_> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            // An unknown reads as absent wherever serde buffers values
            // (`#[serde(flatten)]`, untagged enums) and into `Option`s;
            // `Planned` fields see it through `deserialize_newtype_struct`.
            Value::Unknown(_) => visitor.visit_none(),
            Value::String(s) => visitor.visit_str(s),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => number(n, visitor),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(De));
                let v = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(v)
            }
            Value::Map(m) | Value::Object(m) => {
                let mut map = MapDeserializer::new(m.iter().map(|(k, v)| (k.as_str(), De(v))));
                let v = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(v)
            }
            Value::Dynamic(_, inner) => De(inner).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_unknown() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name != PLANNED {
            visitor.visit_newtype_struct(self)
        } else if self.0.is_unknown() {
            visitor.visit_unit()
        } else {
            self.deserialize_option(visitor)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0.as_str() {
            Some(s) => visitor.visit_enum(s.into_deserializer()),
            None => self.deserialize_any(visitor),
        }
    }

    /// Anything is ignored, unknown values too.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// An integer as the narrowest integer type that holds it exactly (so that
/// numbers beyond 64 bits reach `i128`/`u128` targets intact); anything
/// else as an `f64`.
fn number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Number::Finite(d) = n {
        if d.is_integer() {
            if let Some(i) = d.to_i64() {
                return visitor.visit_i64(i);
            }
            if let Some(u) = d.to_u64() {
                return visitor.visit_u64(u);
            }
            if let Some(i) = d.to_i128() {
                return visitor.visit_i128(i);
            }
            if let Some(u) = d.to_u128() {
                return visitor.visit_u128(u);
            }
        }
    }
    visitor.visit_f64(n.to_f64())
}
