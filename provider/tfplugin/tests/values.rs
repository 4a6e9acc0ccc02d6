//! Property tests: for generated types and values of those types, decoding
//! an encoding gives the value back (msgpack always; JSON for known values).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use tfplugin::value::{json, msgpack, Refinements};
use tfplugin::{Number, Type, Value};

fn leaf_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ]
}

fn any_type() -> impl Strategy<Value = Type> {
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

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        (-1e15f64..1e15f64).prop_filter_map("finite", Number::from_f64),
        "-?[1-9][0-9]{0,40}(\\.[0-9]{1,20})?".prop_map(|s| s.parse().unwrap()),
        Just(Number::PosInfinity),
        Just(Number::NegInfinity),
    ]
}

fn refinements() -> impl Strategy<Value = Refinements> {
    (
        prop::option::of(Just(false)),
        prop::option::of("[a-z]{0,8}"),
        prop::option::of((any::<i32>(), any::<bool>())),
        prop::option::of(0u64..10),
    )
        .prop_map(|(nullable, prefix, lower, len)| Refinements {
            nullable,
            string_prefix: prefix,
            number_lower: lower.map(|(n, inc)| (Number::from(n), inc)),
            number_upper: None,
            length_lower: len,
            length_upper: len.map(|l| l + 5),
        })
}

/// A value of type `ty`; `known` rules out unknowns (for JSON).
fn value_of(ty: Type, known: bool) -> BoxedStrategy<Value> {
    let concrete: BoxedStrategy<Value> = match ty.clone() {
        Type::String => ".{0,12}".prop_map(Value::String).boxed(),
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

fn typed_value(known: bool) -> impl Strategy<Value = (Type, Value)> {
    any_type().prop_flat_map(move |t| value_of(t.clone(), known).prop_map(move |v| (t.clone(), v)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips((ty, v) in typed_value(false)) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        prop_assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn json_round_trips((ty, v) in typed_value(true)) {
        let bytes = json::encode(&v, &ty).unwrap();
        prop_assert_eq!(json::decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn type_json_round_trips(ty in any_type()) {
        prop_assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()).unwrap(), ty);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), ty in any_type()) {
        let _ = msgpack::decode(&bytes, &ty);
        let _ = json::decode(&bytes, &ty);
    }
}
