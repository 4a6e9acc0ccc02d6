use super::*;
use crate::value::{Number, Refinements};

fn obj_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("n", Type::Number),
        ("tags", Type::map(Type::String)),
    ])
}

#[test]
fn unknown_is_fixext_zero() {
    assert_eq!(
        encode(&Value::unknown(), &Type::String).unwrap(),
        vec![0xd4, 0, 0]
    );
}

#[test]
fn any_extension_is_unknown() {
    for bytes in [
        &[0xd4, 0, 0][..],
        &[0xc7, 0, 0],
        &[0xd4, 5, 1],
        &[0xd5, 3, 1, 2],
    ] {
        assert!(
            decode(bytes, &Type::String).unwrap().is_unknown(),
            "{bytes:?}"
        );
    }
}

#[test]
fn refined_unknowns_round_trip() {
    let r = Refinements {
        nullable: Some(false),
        string_prefix: Some("cluster-".into()),
        number_lower: Some((Number::from(1), true)),
        number_upper: Some((Number::from(5000), false)),
        length_lower: Some(1),
        length_upper: Some(3),
    };
    let bytes = encode(&Value::Unknown(r.clone()), &Type::String).unwrap();
    assert_eq!(bytes[0], 0xc7);
    assert_eq!(decode(&bytes, &Type::String).unwrap(), Value::Unknown(r));
}

#[test]
fn refinements_with_unknown_keys_are_kept_partially() {
    // map{1: false, 9: "future", 2: "ab"}
    let payload = [
        0x83, 0x01, 0xc2, 0x09, 0xa6, b'f', b'u', b't', b'u', b'r', b'e', 0x02, 0xa2, b'a', b'b',
    ];
    let mut bytes = vec![0xc7, payload.len() as u8, 12];
    bytes.extend_from_slice(&payload);
    let Value::Unknown(r) = decode(&bytes, &Type::String).unwrap() else {
        panic!()
    };
    assert_eq!(r.nullable, Some(false));
    assert_eq!(r.string_prefix.as_deref(), Some("ab"));
}

#[test]
fn numbers_in_all_forms() {
    let big = "18446744073709551616";
    let n: Number = big.parse().unwrap();
    let bytes = encode(&Value::Number(n.clone()), &Type::Number).unwrap();
    assert_eq!(bytes[0], 0xa0 | big.len() as u8);
    assert_eq!(decode(&bytes, &Type::Number).unwrap(), Value::Number(n));
    assert_eq!(encode(&Value::from(5), &Type::Number).unwrap(), vec![5]);
    assert_eq!(encode(&Value::from(-1), &Type::Number).unwrap(), vec![0xff]);
    let half = encode(
        &Value::Number(Number::from_f64(0.5).unwrap()),
        &Type::Number,
    )
    .unwrap();
    assert_eq!(half[0], 0xcb);
    // uint64 max, float32, int8
    assert_eq!(
        decode(
            &[0xcf, 255, 255, 255, 255, 255, 255, 255, 255],
            &Type::Number
        )
        .unwrap(),
        Value::Number(Number::from(u64::MAX))
    );
    assert_eq!(
        decode(&[0xca, 0x3f, 0x00, 0, 0], &Type::Number).unwrap(),
        Value::Number(Number::from_f64(0.5).unwrap())
    );
    assert_eq!(
        decode(&[0xd0, 0x80], &Type::Number).unwrap(),
        Value::from(-128)
    );
}

#[test]
fn objects_carry_exactly_their_attributes() {
    let v = Value::object([("id", Value::from("a"))]);
    let bytes = encode(&v, &obj_type()).unwrap();
    assert_eq!(bytes[0], 0x83);
    let back = decode(&bytes, &obj_type()).unwrap();
    assert_eq!(back.get("n"), Some(&Value::Null));
    let extra = Value::object([("nope", Value::from("a"))]);
    assert!(encode(&extra, &obj_type()).is_err());
}

#[test]
fn dynamic_wrapper() {
    let v = Value::Dynamic(
        Box::new(Type::list(Type::String)),
        Box::new(Value::List(vec!["x".into()])),
    );
    let bytes = encode(&v, &Type::Dynamic).unwrap();
    assert_eq!(bytes[0], 0x92);
    assert_eq!(bytes[1], 0xc4, "type JSON travels as bin");
    assert_eq!(decode(&bytes, &Type::Dynamic).unwrap(), v);
    assert_eq!(encode(&Value::Null, &Type::Dynamic).unwrap(), vec![0xc0]);
    // A str-encoded type is accepted too.
    let s = [
        0x92, 0xa8, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa1, b'x',
    ];
    assert_eq!(
        decode(&s, &Type::Dynamic).unwrap(),
        Value::Dynamic(Box::new(Type::String), Box::new("x".into()))
    );
}

#[test]
fn hostile_input_is_an_error_not_a_panic() {
    for bytes in [
        &[][..],
        &[0xdd, 0xff, 0xff, 0xff, 0xff],
        &[0xdb, 0xff, 0xff, 0xff, 0xff],
        &[0xc1],
        &[0x81, 0x01, 0x02],
        &[0x92, 0xc4, 0x02, b'"', b'x', 0xc0],
    ] {
        let _ = decode(bytes, &obj_type());
        let _ = decode(bytes, &Type::Dynamic);
        let _ = decode(bytes, &Type::list(Type::Number));
    }
    let mut deep = vec![0x91; 10_000];
    deep.push(0xc0);
    let mut t = Type::String;
    for _ in 0..100 {
        t = Type::list(t);
    }
    assert!(decode(&deep, &t).is_err());
}

/// A decoding error names the place of the bad value, built only when
/// there is an error.
#[test]
fn errors_name_the_place_of_the_bad_value() {
    let ty = Type::object([(
        "pools",
        Type::list(Type::object([("labels", Type::map(Type::String))])),
    )]);
    let good = Value::object([(
        "pools",
        Value::List(vec![
            Value::object([("labels", Value::Null)]),
            Value::object([(
                "labels",
                Value::Map([("role".to_owned(), Value::from("x"))].into()),
            )]),
        ]),
    )]);
    let mut bytes = encode(&good, &ty).unwrap();
    // The last string ("x", fixstr a1 78) becomes a bool: a string is required.
    let at = bytes.len() - 2;
    assert_eq!(bytes[at..], [0xa1, b'x']);
    bytes.truncate(at);
    bytes.push(0xc3);
    let e = decode(&bytes, &ty).unwrap_err();
    assert_eq!(e.path.to_string(), "pools[1].labels[\"role\"]");
    assert_eq!(e.message, "a string is required");
    // An attribute the type does not have is named at its object.
    let other = Type::object([("pools", Type::list(Type::object([("x", Type::String)])))]);
    let e = decode(&encode(&good, &ty).unwrap(), &other).unwrap_err();
    assert_eq!(e.path.to_string(), "pools[0]");
}
