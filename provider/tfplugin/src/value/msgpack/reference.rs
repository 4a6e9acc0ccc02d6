//! The hand-written encoder that `rmp` replaced, kept as an oracle: for
//! random types and values, both must write the very same bytes (Terraform
//! compares them).

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use proptest::prelude::*;

use super::{infer_type, kind_name, EXT_REFINED};
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::testgen::typed_value;
use crate::value::{Number, Refinements, Value, ValueError};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rmp_writes_the_same_bytes((ty, v) in typed_value(false)) {
        prop_assert_eq!(super::encode(&v, &ty).unwrap(), encode(&v, &ty).unwrap());
    }

    #[test]
    fn integers_at_every_width(i in any::<i64>(), u in any::<u64>(), shift in 0u32..64) {
        for n in [Number::from(i), Number::from(i >> shift), Number::from(u), Number::from(u >> shift)] {
            let v = Value::Number(n);
            prop_assert_eq!(super::encode(&v, &Type::Number).unwrap(), encode(&v, &Type::Number).unwrap());
        }
    }
}

#[test]
fn lengths_at_every_boundary() {
    for n in [0usize, 15, 16, 31, 32, 255, 256, 65_535, 65_536] {
        let s = Value::String("y".repeat(n));
        let list = Value::List(vec![Value::Bool(true); n]);
        let map = Value::Map((0..n).map(|i| (i.to_string(), Value::Null)).collect());
        for (v, ty) in [
            (s, Type::String),
            (list, Type::list(Type::Bool)),
            (map, Type::map(Type::Bool)),
        ] {
            assert_eq!(
                super::encode(&v, &ty).unwrap(),
                encode(&v, &ty).unwrap(),
                "{n}"
            );
        }
        let prefix = Refinements {
            string_prefix: Some("p".repeat(n)),
            ..Refinements::default()
        };
        let v = Value::Unknown(prefix);
        assert_eq!(
            super::encode(&v, &Type::String).unwrap(),
            encode(&v, &Type::String).unwrap(),
            "{n}"
        );
    }
}

/// The former hand-written encoder.
fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(64);
    encode_into(&mut out, value, ty, &AttributePath::root())?;
    Ok(out)
}

fn encode_into(
    out: &mut Vec<u8>,
    value: &Value,
    ty: &Type,
    path: &AttributePath,
) -> Result<(), ValueError> {
    match value {
        Value::Null => {
            out.push(0xc0);
            return Ok(());
        }
        Value::Unknown(r) => return write_unknown(out, r),
        _ => {}
    }
    if *ty == Type::Dynamic {
        let (concrete, inner) = match value {
            Value::Dynamic(t, v) => ((**t).clone(), &**v),
            other => (infer_type(other), other),
        };
        write_array_len(out, 2);
        write_bin(out, &concrete.to_json_bytes());
        return encode_into(out, inner, &concrete, path);
    }
    match (ty, value) {
        (_, Value::Dynamic(t, v)) if **t == *ty => encode_into(out, v, ty, path),
        (Type::String, Value::String(s)) => {
            write_str(out, s);
            Ok(())
        }
        (Type::Bool, Value::Bool(b)) => {
            out.push(if *b { 0xc3 } else { 0xc2 });
            Ok(())
        }
        (Type::Number, Value::Number(n)) => {
            write_number(out, n);
            Ok(())
        }
        (Type::List(et), Value::List(items)) | (Type::Set(et), Value::Set(items)) => {
            write_array_len(out, items.len());
            for (i, item) in items.iter().enumerate() {
                encode_into(out, item, et, &path.push_index(i))?;
            }
            Ok(())
        }
        (Type::Tuple(types), Value::Tuple(items)) => {
            if types.len() != items.len() {
                return Err(ValueError::new(
                    path,
                    format!(
                        "tuple needs {} elements, value has {}",
                        types.len(),
                        items.len()
                    ),
                ));
            }
            write_array_len(out, items.len());
            for (i, (item, t)) in items.iter().zip(types).enumerate() {
                encode_into(out, item, t, &path.push_index(i))?;
            }
            Ok(())
        }
        (Type::Map(et), Value::Map(entries)) => {
            write_map_len(out, entries.len());
            for (k, v) in entries {
                write_str(out, k);
                encode_into(out, v, et, &path.push_key(k))?;
            }
            Ok(())
        }
        (Type::Object(attrs), Value::Object(entries)) => {
            if let Some(extra) = entries.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(ValueError::new(
                    path,
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            write_map_len(out, attrs.len());
            for (name, aty) in attrs {
                write_str(out, name);
                match entries.get(name) {
                    Some(v) => encode_into(out, v, aty, &path.push_attr(name))?,
                    None => out.push(0xc0),
                }
            }
            Ok(())
        }
        (ty, v) => Err(ValueError::new(
            path,
            format!("a {ty} is required, got {}", kind_name(v)),
        )),
    }
}

fn write_unknown(out: &mut Vec<u8>, r: &Refinements) -> Result<(), ValueError> {
    if r.is_empty() {
        out.extend_from_slice(&[0xd4, 0x00, 0x00]);
        return Ok(());
    }
    let mut payload = Vec::new();
    let mut n = 0;
    let mut body = Vec::new();
    if let Some(nullable) = r.nullable {
        write_uint(&mut body, 1);
        body.push(if nullable { 0xc3 } else { 0xc2 });
        n += 1;
    }
    if let Some(prefix) = &r.string_prefix {
        write_uint(&mut body, 2);
        write_str(&mut body, prefix);
        n += 1;
    }
    for (key, bound) in [(3u64, &r.number_lower), (4, &r.number_upper)] {
        if let Some((num, inclusive)) = bound {
            write_uint(&mut body, key);
            write_array_len(&mut body, 2);
            write_number(&mut body, num);
            body.push(if *inclusive { 0xc3 } else { 0xc2 });
            n += 1;
        }
    }
    for (key, len) in [(5u64, r.length_lower), (6, r.length_upper)] {
        if let Some(len) = len {
            write_uint(&mut body, key);
            write_uint(&mut body, len);
            n += 1;
        }
    }
    write_map_len(&mut payload, n);
    payload.extend_from_slice(&body);
    write_ext(out, EXT_REFINED, &payload);
    Ok(())
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(i) = n.to_i64() {
        write_sint(out, i);
    } else if let Some(f) = n
        .to_f64_exact()
        .filter(|f| f.fract() != 0.0 || f.is_infinite())
    {
        out.push(0xcb);
        out.extend_from_slice(&f.to_be_bytes());
    } else {
        write_str(out, &n.to_string());
    }
}

fn write_sint(out: &mut Vec<u8>, i: i64) {
    if i >= 0 {
        write_uint(out, i.unsigned_abs());
    } else if i >= -32 {
        out.push(i as u8);
    } else if i >= i64::from(i8::MIN) {
        out.push(0xd0);
        out.push(i as i8 as u8);
    } else if i >= i64::from(i16::MIN) {
        out.push(0xd1);
        out.extend_from_slice(&(i as i16).to_be_bytes());
    } else if i >= i64::from(i32::MIN) {
        out.push(0xd2);
        out.extend_from_slice(&(i as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

pub(super) fn write_uint(out: &mut Vec<u8>, u: u64) {
    if u < 128 {
        out.push(u as u8);
    } else if u <= u64::from(u8::MAX) {
        out.push(0xcc);
        out.push(u as u8);
    } else if u <= u64::from(u16::MAX) {
        out.push(0xcd);
        out.extend_from_slice(&(u as u16).to_be_bytes());
    } else if u <= u64::from(u32::MAX) {
        out.push(0xce);
        out.extend_from_slice(&(u as u32).to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&u.to_be_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= usize::from(u8::MAX) {
        out.push(0xd9);
        out.push(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
}

fn write_bin(out: &mut Vec<u8>, b: &[u8]) {
    let len = b.len();
    if len <= usize::from(u8::MAX) {
        out.push(0xc4);
        out.push(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(0xc5);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xc6);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(b);
}

fn write_array_len(out: &mut Vec<u8>, len: usize) {
    if len < 16 {
        out.push(0x90 | len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(0xdc);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdd);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn write_map_len(out: &mut Vec<u8>, len: usize) {
    if len < 16 {
        out.push(0x80 | len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(0xde);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdf);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn write_ext(out: &mut Vec<u8>, ext: i8, payload: &[u8]) {
    let len = payload.len();
    match len {
        1 => out.push(0xd4),
        2 => out.push(0xd5),
        4 => out.push(0xd6),
        8 => out.push(0xd7),
        16 => out.push(0xd8),
        _ if len <= usize::from(u8::MAX) => {
            out.push(0xc7);
            out.push(len as u8);
        }
        _ if len <= usize::from(u16::MAX) => {
            out.push(0xc8);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(0xc9);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
    out.push(ext as u8);
    out.extend_from_slice(payload);
}
