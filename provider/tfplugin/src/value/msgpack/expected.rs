//! The bytes Terraform expects, written out: for each value of a type, the
//! exact msgpack the encoder must write, which the decoder must read back
//! to the same bytes. The table pins every form the wire format offers
//! (each integer width, each length class of strings, arrays, maps, bins
//! and extensions, refined unknowns, dynamic values), so a change of codec
//! library cannot change a byte unnoticed.

#![allow(clippy::unwrap_used)]

use super::{decode, encode};
use crate::types::Type;
use crate::value::{Number, Refinements, Value};

fn number(text: &str) -> Number {
    text.parse().unwrap()
}

fn num(text: &str) -> Value {
    Value::Number(number(text))
}

fn unknown(r: Refinements) -> Value {
    Value::Unknown(r)
}

fn dynamic(ty: Type, v: Value) -> Value {
    Value::Dynamic(Box::new(ty), Box::new(v))
}

/// A string value (short, for the rows below).
fn s(text: &str) -> Value {
    Value::from(text)
}

/// Numbers at each side of each width the format has.
const NUMBERS: &[(&str, &str)] = &[
    ("0", "00"),
    ("1", "01"),
    ("127", "7f"),
    ("128", "cc80"),
    ("255", "ccff"),
    ("256", "cd0100"),
    ("65535", "cdffff"),
    ("65536", "ce00010000"),
    ("4294967295", "ceffffffff"),
    ("4294967296", "cf0000000100000000"),
    ("9223372036854775807", "cf7fffffffffffffff"),
    (
        "9223372036854775808",
        "b339323233333732303336383534373735383038",
    ),
    (
        "18446744073709551615",
        "b43138343436373434303733373039353531363135",
    ),
    (
        "18446744073709551616",
        "b43138343436373434303733373039353531363136",
    ),
    ("-1", "ff"),
    ("-32", "e0"),
    ("-33", "d0df"),
    ("-128", "d080"),
    ("-129", "d1ff7f"),
    ("-32768", "d18000"),
    ("-32769", "d2ffff7fff"),
    ("-2147483648", "d280000000"),
    ("-2147483649", "d3ffffffff7fffffff"),
    ("-9223372036854775808", "d38000000000000000"),
    (
        "-9223372036854775809",
        "b42d39323233333732303336383534373735383039",
    ),
    ("0.5", "cb3fe0000000000000"),
    ("-1.25", "cbbff4000000000000"),
    ("123456.789", "cb40fe240c9fbe76c9"),
    ("0.1", "cb3fb999999999999a"),
    (
        "1e30",
        "bf31303030303030303030303030303030303030303030303030303030303030",
    ),
    (
        "1e31",
        "d9203130303030303030303030303030303030303030303030303030303030303030",
    ),
    (
        "3.14159265358979323846264338327950288",
        "d925332e3134313539323635333538393739333233383436323634333338333237393530323838",
    ),
    (
        "-12345678901234567890123456789.5",
        "d9202d31323334353637383930313233343536373839303132333435363738392e35",
    ),
];

/// Lengths at each boundary of the format's length classes, with the bytes
/// that open a string, an array, a map and a refined unknown's prefix of
/// that length; what follows a header is the elements themselves.
const LENGTHS: &[(usize, &str, &str, &str, &str)] = &[
    (0, "a0", "90", "80", "c7030c8102a0"),
    (15, "af", "9f", "8f", "c7120c8102af"),
    (16, "b0", "dc0010", "de0010", "c7130c8102b0"),
    (31, "bf", "dc001f", "de001f", "c7220c8102bf"),
    (32, "d920", "dc0020", "de0020", "c7240c8102d920"),
    (255, "d9ff", "dc00ff", "de00ff", "c801030c8102d9ff"),
    (256, "da0100", "dc0100", "de0100", "c801050c8102da0100"),
    (
        65535,
        "daffff",
        "dcffff",
        "deffff",
        "c9000100040c8102daffff",
    ),
    (
        65536,
        "db00010000",
        "dd00010000",
        "df00010000",
        "c9000100070c8102db00010000",
    ),
];

/// Values of every type and form, with the bytes they must be.
fn values() -> Vec<(&'static str, Type, Value, &'static str)> {
    let obj = Type::object([
        ("id", Type::String),
        ("n", Type::Number),
        ("tags", Type::map(Type::String)),
    ]);
    let all_refinements = Refinements {
        nullable: Some(false),
        string_prefix: Some("cluster-".into()),
        number_lower: Some((Number::from(1), true)),
        number_upper: Some((Number::from(5000), false)),
        length_lower: Some(1),
        length_upper: Some(300),
    };
    vec![
        ("null string", Type::String, Value::Null, "c0"),
        ("null object", obj.clone(), Value::Null, "c0"),
        ("unknown", Type::String, Value::unknown(), "d40000"),
        (
            "unknown list",
            Type::list(Type::String),
            Value::unknown(),
            "d40000",
        ),
        ("true", Type::Bool, Value::Bool(true), "c3"),
        ("false", Type::Bool, Value::Bool(false), "c2"),
        ("empty string", Type::String, s(""), "a0"),
        (
            "string",
            Type::String,
            s("cluster-1"),
            "a9636c75737465722d31",
        ),
        (
            "utf-8 string",
            Type::String,
            s("héllo, 世界"),
            "ae68c3a96c6c6f2c20e4b896e7958c",
        ),
        (
            "+infinity",
            Type::Number,
            Value::Number(Number::PosInfinity),
            "cb7ff0000000000000",
        ),
        (
            "-infinity",
            Type::Number,
            Value::Number(Number::NegInfinity),
            "cbfff0000000000000",
        ),
        (
            "not null",
            Type::String,
            unknown(Refinements {
                nullable: Some(false),
                ..Refinements::default()
            }),
            "c7030c8101c2",
        ),
        (
            "maybe null",
            Type::String,
            unknown(Refinements {
                nullable: Some(true),
                ..Refinements::default()
            }),
            "c7030c8101c3",
        ),
        (
            "prefix",
            Type::String,
            unknown(Refinements {
                string_prefix: Some("ack-".into()),
                ..Refinements::default()
            }),
            "c7070c8102a461636b2d",
        ),
        (
            "number bounds",
            Type::Number,
            unknown(Refinements {
                number_lower: Some((number("-200"), false)),
                number_upper: Some((number("1e30"), true)),
                ..Refinements::default()
            }),
            concat!(
                "c72a0c820392d1ff38c20492bf31303030303030303030303030303030303030",
                "303030303030303030303030c3",
            ),
        ),
        (
            "fractional bound",
            Type::Number,
            unknown(Refinements {
                number_lower: Some((number("0.5"), true)),
                ..Refinements::default()
            }),
            "c70d0c810392cb3fe0000000000000c3",
        ),
        (
            "length bounds",
            Type::list(Type::String),
            unknown(Refinements {
                length_lower: Some(0),
                length_upper: Some(70_000),
                ..Refinements::default()
            }),
            "c7090c82050006ce00011170",
        ),
        (
            "all refinements",
            Type::String,
            unknown(all_refinements),
            "c71d0c8601c202a8636c75737465722d039201c30492cd1388c2050106cd012c",
        ),
        (
            "list",
            Type::list(Type::String),
            Value::List(vec![s("a"), Value::Null, Value::unknown()]),
            "93a161c0d40000",
        ),
        (
            "empty list",
            Type::list(Type::Number),
            Value::List(vec![]),
            "90",
        ),
        (
            "set",
            Type::set(Type::Number),
            Value::Set(vec![num("1"), num("-1"), num("0.5")]),
            "9301ffcb3fe0000000000000",
        ),
        (
            "tuple",
            Type::Tuple(vec![Type::String, Type::Number, Type::Bool]),
            Value::Tuple(vec![s("x"), num("300"), Value::Bool(false)]),
            "93a178cd012cc2",
        ),
        (
            "empty tuple",
            Type::Tuple(vec![]),
            Value::Tuple(vec![]),
            "90",
        ),
        (
            "map",
            Type::map(Type::String),
            Value::Map(
                [("b", s("2")), ("a", s("1")), ("", Value::Null)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            ),
            "83a0c0a161a131a162a132",
        ),
        (
            "object missing attributes",
            obj.clone(),
            Value::object([("id", s("a"))]),
            "83a26964a161a16ec0a474616773c0",
        ),
        (
            "object",
            obj.clone(),
            Value::object([
                ("id", s("c-1")),
                ("n", num("3")),
                (
                    "tags",
                    Value::Map([("team".to_owned(), s("a"))].into_iter().collect()),
                ),
            ]),
            "83a26964a3632d31a16e03a47461677381a47465616da161",
        ),
        (
            "nested",
            Type::list(obj.clone()),
            Value::List(vec![Value::object([("n", Value::unknown())]), Value::Null]),
            "9283a26964c0a16ed40000a474616773c0c0",
        ),
        ("dynamic null", Type::Dynamic, Value::Null, "c0"),
        ("dynamic unknown", Type::Dynamic, Value::unknown(), "d40000"),
        (
            "dynamic string",
            Type::Dynamic,
            s("x"),
            "92c40822737472696e6722a178",
        ),
        (
            "dynamic number",
            Type::Dynamic,
            num("-7"),
            "92c408226e756d62657222f9",
        ),
        (
            "dynamic bool",
            Type::Dynamic,
            Value::Bool(true),
            "92c40622626f6f6c22c3",
        ),
        (
            "dynamic wrapper",
            Type::Dynamic,
            dynamic(Type::list(Type::String), Value::List(vec![s("x")])),
            "92c4115b226c697374222c22737472696e67225d91a178",
        ),
        (
            "dynamic object",
            Type::Dynamic,
            Value::object([("a", num("1")), ("b", s("y"))]),
            concat!(
                "92c4265b226f626a656374222c7b2261223a226e756d626572222c2262223a22",
                "737472696e67227d5d82a16101a162a179",
            ),
        ),
        (
            "dynamic tuple",
            Type::Dynamic,
            Value::Tuple(vec![s("x"), Value::Bool(false)]),
            concat!(
                "92c41b5b227475706c65222c5b22737472696e67222c22626f6f6c225d5d92a1",
                "78c2",
            ),
        ),
        (
            "dynamic in an object",
            Type::object([("any", Type::Dynamic), ("s", Type::String)]),
            Value::object([
                (
                    "any",
                    dynamic(
                        Type::map(Type::Number),
                        Value::Map([("k".to_owned(), num("1"))].into_iter().collect()),
                    ),
                ),
                ("s", s("z")),
            ]),
            "82a3616e7992c4105b226d6170222c226e756d626572225d81a16b01a173a17a",
        ),
        (
            "wrapper of the same type",
            Type::String,
            dynamic(Type::String, s("w")),
            "a177",
        ),
        (
            "long type description",
            Type::Dynamic,
            dynamic(
                Type::object((0..20).map(|i| (format!("a{i:02}"), Type::String))),
                Value::object([("a00", s("v"))]),
            ),
            concat!(
                "92c501385b226f626a656374222c7b22613030223a22737472696e67222c2261",
                "3031223a22737472696e67222c22613032223a22737472696e67222c22613033",
                "223a22737472696e67222c22613034223a22737472696e67222c22613035223a",
                "22737472696e67222c22613036223a22737472696e67222c22613037223a2273",
                "7472696e67222c22613038223a22737472696e67222c22613039223a22737472",
                "696e67222c22613130223a22737472696e67222c22613131223a22737472696e",
                "67222c22613132223a22737472696e67222c22613133223a22737472696e6722",
                "2c22613134223a22737472696e67222c22613135223a22737472696e67222c22",
                "613136223a22737472696e67222c22613137223a22737472696e67222c226131",
                "38223a22737472696e67222c22613139223a22737472696e67227d5dde0014a3",
                "613030a176a3613031c0a3613032c0a3613033c0a3613034c0a3613035c0a361",
                "3036c0a3613037c0a3613038c0a3613039c0a3613130c0a3613131c0a3613132",
                "c0a3613133c0a3613134c0a3613135c0a3613136c0a3613137c0a3613138c0a3",
                "613139c0",
            ),
        ),
    ]
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The encoder writes `bytes` for `value`; the decoder reads them back to
/// the same bytes.
#[track_caller]
fn check(what: &str, ty: &Type, value: &Value, bytes: &[u8]) {
    assert_eq!(encode(value, ty).unwrap(), bytes, "{what}");
    let back = decode(bytes, ty).unwrap();
    assert_eq!(encode(&back, ty).unwrap(), bytes, "{what} read back");
}

#[test]
fn numbers_at_every_width() {
    for (text, bytes) in NUMBERS {
        check(text, &Type::Number, &num(text), &hex(bytes));
    }
}

#[test]
fn values_of_every_type() {
    for (what, ty, value, bytes) in values() {
        check(what, &ty, &value, &hex(bytes));
    }
}

#[test]
fn lengths_at_every_boundary() {
    for &(n, string, list, map, prefix) in LENGTHS {
        let text = Value::String("y".repeat(n));
        let string_bytes = [hex(string), vec![b'y'; n]].concat();
        check("string", &Type::String, &text, &string_bytes);
        let items = Value::List(vec![Value::Bool(true); n]);
        let list_bytes = [hex(list), vec![0xc3; n]].concat();
        check("list", &Type::list(Type::Bool), &items, &list_bytes);
        // The keys are short strings (a one-byte header), the values null.
        let keys: std::collections::BTreeSet<String> = (0..n).map(|i| i.to_string()).collect();
        let entries = keys.iter().flat_map(|k| {
            let header = 0xa0 | u8::try_from(k.len()).unwrap();
            [vec![header], k.clone().into_bytes(), vec![0xc0]].concat()
        });
        let map_bytes = [hex(map), entries.collect()].concat();
        let map_value = Value::Map(keys.into_iter().map(|k| (k, Value::Null)).collect());
        check("map", &Type::map(Type::Bool), &map_value, &map_bytes);
        let refined = Value::Unknown(Refinements {
            string_prefix: Some("p".repeat(n)),
            ..Refinements::default()
        });
        let prefix_bytes = [hex(prefix), vec![b'p'; n]].concat();
        check("prefix", &Type::String, &refined, &prefix_bytes);
    }
}
