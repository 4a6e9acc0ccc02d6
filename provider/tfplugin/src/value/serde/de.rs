//! A serde deserializer reading a [`Value`] directly, so that unknown
//! values can reach [`Planned`](super::Planned) fields instead of reading as
//! null.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

use crate::value::Value;

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
            Value::Null | Value::Unknown(_) => visitor.visit_none(),
            Value::String(s) => visitor.visit_str(s),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.to_i64(), n.to_string().parse::<u64>()) {
                (Some(i), _) => visitor.visit_i64(i),
                (None, Ok(u)) => visitor.visit_u64(u),
                (None, Err(_)) => visitor.visit_f64(n.to_f64()),
            },
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

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}
