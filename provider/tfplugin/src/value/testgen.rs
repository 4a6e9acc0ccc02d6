//! Generators of random types and of random values of a type, for the
//! codecs' property tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{Number, Refinements, Value};
use crate::types::Type;

fn leaf_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ]
}

pub(crate) fn any_type() -> impl Strategy<Value = Type> {
    leaf_type().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,6}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

pub(crate) fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        (-1e15f64..1e15f64).prop_filter_map("finite", Number::from_f64),
        "-?[1-9][0-9]{0,40}(\\.[0-9]{1,20})?".prop_map(|s| s.parse().unwrap()),
        Just(Number::PosInfinity),
        Just(Number::NegInfinity),
    ]
}

pub(crate) fn refinements() -> impl Strategy<Value = Refinements> {
    (
        prop::option::of(any::<bool>()),
        prop::option::of(".{0,40}"),
        prop::option::of((number(), any::<bool>())),
        prop::option::of((number(), any::<bool>())),
        prop::option::of(any::<u64>()),
        prop::option::of(any::<u64>()),
    )
        .prop_map(
            |(nullable, prefix, lower, upper, len_lo, len_hi)| Refinements {
                nullable,
                string_prefix: prefix,
                number_lower: lower,
                number_upper: upper,
                length_lower: len_lo,
                length_upper: len_hi,
            },
        )
}

/// A value of type `ty`; `known` rules out unknowns (for JSON).
pub(crate) fn value_of(ty: Type, known: bool) -> BoxedStrategy<Value> {
    let concrete: BoxedStrategy<Value> = match ty.clone() {
        Type::String => prop_oneof![
            6 => ".{0,12}".prop_map(Value::String),
            // Lengths across msgpack's fixstr / str8 / str16 boundaries.
            1 => (0usize..70_000).prop_map(|n| Value::String("x".repeat(n))),
        ]
        .boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => {
            if known {
                // JSON has no infinity.
                number()
                    .prop_filter("finite", |n| matches!(n, Number::Finite(_)))
                    .prop_map(Value::Number)
                    .boxed()
            } else {
                number().prop_map(Value::Number).boxed()
            }
        }
        Type::List(e) => prop::collection::vec(value_of(*e, known), 0..3)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(e) => prop::collection::vec(value_of(*e, known), 0..3)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(e) => prop::collection::btree_map("[a-z]{0,5}", value_of(*e, known), 0..3)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => {
            let parts: Vec<_> = attrs
                .into_iter()
                .map(|(k, t)| value_of(t, known).prop_map(move |v| (k.clone(), v)))
                .collect();
            parts
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<BTreeMap<_, _>>()))
                .boxed()
        }
        Type::Tuple(types) => {
            let parts: Vec<_> = types.into_iter().map(|t| value_of(t, known)).collect();
            parts.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic => any_type()
            .prop_filter("no nested dynamic", |t| !t.has_dynamic())
            .prop_flat_map(move |t| {
                value_of(t.clone(), known)
                    .prop_map(move |v| Value::Dynamic(Box::new(t.clone()), Box::new(v)))
            })
            .boxed(),
    };
    if known {
        prop_oneof![1 => Just(Value::Null), 6 => concrete].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 1 => refinements().prop_map(Value::Unknown), 6 => concrete].boxed()
    }
}

pub(crate) fn typed_value(known: bool) -> impl Strategy<Value = (Type, Value)> {
    any_type().prop_flat_map(move |t| value_of(t.clone(), known).prop_map(move |v| (t.clone(), v)))
}
