//! The reading side: type-directed, keeping what Terraform puts on the wire
//! beyond plain msgpack (any extension is an unknown, type 12 with
//! refinements; numbers in any form; `[type, value]` pairs for `dynamic`).

use std::collections::BTreeMap;
use std::str::FromStr;

use super::EXT_REFINED;
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::{Number, Refinements, Value, ValueError};

/// Nesting depth beyond which input is rejected rather than recursed into.
const MAX_DEPTH: usize = 64;

/// Decodes msgpack `bytes` as type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.value(ty, &Here::Root, 0)?;
    if r.pos != bytes.len() {
        return Err(ValueError::new(
            &AttributePath::root(),
            "trailing bytes after value",
        ));
    }
    Ok(v)
}

/// Where the reader is, as a chain of steps on the stack: the path of an
/// error is built from it only when there is an error, so that reading a
/// value allocates nothing for its place.
#[derive(Clone, Copy)]
enum Here<'p> {
    Root,
    Attr(&'p Here<'p>, &'p str),
    Index(&'p Here<'p>, usize),
    Key(&'p Here<'p>, &'p str),
}

impl Here<'_> {
    fn to_path(self) -> AttributePath {
        match self {
            Here::Root => AttributePath::root(),
            Here::Attr(p, name) => p.to_path().push_attr(name),
            Here::Index(p, i) => p.to_path().push_index(i),
            Here::Key(p, key) => p.to_path().push_key(key),
        }
    }
}

/// An error at `path`.
fn fail(path: &Here<'_>, message: impl Into<String>) -> ValueError {
    ValueError::new(&path.to_path(), message)
}

/// A msgpack item header.
enum Head {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(usize),
    Bin(usize),
    Array(usize),
    Map(usize),
    Ext(i8, usize),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, path: &Here<'_>) -> Result<&'a [u8], ValueError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| fail(path, "unexpected end of msgpack data"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, path: &Here<'_>) -> Result<u8, ValueError> {
        Ok(self.take(1, path)?[0])
    }

    fn be<const N: usize>(&mut self, path: &Here<'_>) -> Result<[u8; N], ValueError> {
        let s = self.take(N, path)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn len<const N: usize>(&mut self, path: &Here<'_>) -> Result<usize, ValueError> {
        let b = self.be::<N>(path)?;
        let mut v: u64 = 0;
        for x in b {
            v = (v << 8) | u64::from(x);
        }
        usize::try_from(v).map_err(|_| fail(path, "length too large"))
    }

    fn head(&mut self, path: &Here<'_>) -> Result<Head, ValueError> {
        let m = self.u8(path)?;
        Ok(match m {
            0x00..=0x7f => Head::Uint(u64::from(m)),
            0x80..=0x8f => Head::Map(usize::from(m & 0x0f)),
            0x90..=0x9f => Head::Array(usize::from(m & 0x0f)),
            0xa0..=0xbf => Head::Str(usize::from(m & 0x1f)),
            0xc0 => Head::Nil,
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4 => Head::Bin(self.len::<1>(path)?),
            0xc5 => Head::Bin(self.len::<2>(path)?),
            0xc6 => Head::Bin(self.len::<4>(path)?),
            0xc7 => {
                let n = self.len::<1>(path)?;
                Head::Ext(self.u8(path)? as i8, n)
            }
            0xc8 => {
                let n = self.len::<2>(path)?;
                Head::Ext(self.u8(path)? as i8, n)
            }
            0xc9 => {
                let n = self.len::<4>(path)?;
                Head::Ext(self.u8(path)? as i8, n)
            }
            0xca => Head::Float(f64::from(f32::from_be_bytes(self.be::<4>(path)?))),
            0xcb => Head::Float(f64::from_be_bytes(self.be::<8>(path)?)),
            0xcc => Head::Uint(u64::from(self.u8(path)?)),
            0xcd => Head::Uint(u64::from(u16::from_be_bytes(self.be::<2>(path)?))),
            0xce => Head::Uint(u64::from(u32::from_be_bytes(self.be::<4>(path)?))),
            0xcf => Head::Uint(u64::from_be_bytes(self.be::<8>(path)?)),
            0xd0 => Head::Int(i64::from(self.u8(path)? as i8)),
            0xd1 => Head::Int(i64::from(i16::from_be_bytes(self.be::<2>(path)?))),
            0xd2 => Head::Int(i64::from(i32::from_be_bytes(self.be::<4>(path)?))),
            0xd3 => Head::Int(i64::from_be_bytes(self.be::<8>(path)?)),
            0xd4 => Head::Ext(self.u8(path)? as i8, 1),
            0xd5 => Head::Ext(self.u8(path)? as i8, 2),
            0xd6 => Head::Ext(self.u8(path)? as i8, 4),
            0xd7 => Head::Ext(self.u8(path)? as i8, 8),
            0xd8 => Head::Ext(self.u8(path)? as i8, 16),
            0xd9 => Head::Str(self.len::<1>(path)?),
            0xda => Head::Str(self.len::<2>(path)?),
            0xdb => Head::Str(self.len::<4>(path)?),
            0xdc => Head::Array(self.len::<2>(path)?),
            0xdd => Head::Array(self.len::<4>(path)?),
            0xde => Head::Map(self.len::<2>(path)?),
            0xdf => Head::Map(self.len::<4>(path)?),
            0xe0..=0xff => Head::Int(i64::from(m as i8)),
            0xc1 => return Err(fail(path, "invalid msgpack marker 0xc1")),
        })
    }

    fn string(&mut self, n: usize, path: &Here<'_>) -> Result<String, ValueError> {
        let b = self.take(n, path)?;
        String::from_utf8(b.to_vec()).map_err(|_| fail(path, "string is not valid UTF-8"))
    }

    fn skip(&mut self, path: &Here<'_>, depth: usize) -> Result<(), ValueError> {
        if depth > MAX_DEPTH {
            return Err(fail(path, "value nested too deeply"));
        }
        match self.head(path)? {
            Head::Str(n) | Head::Bin(n) | Head::Ext(_, n) => {
                self.take(n, path)?;
            }
            Head::Array(n) => {
                for _ in 0..n {
                    self.skip(path, depth + 1)?;
                }
            }
            Head::Map(n) => {
                for _ in 0..n.saturating_mul(2) {
                    self.skip(path, depth + 1)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn value(&mut self, ty: &Type, path: &Here<'_>, depth: usize) -> Result<Value, ValueError> {
        if depth > MAX_DEPTH {
            return Err(fail(path, "value nested too deeply"));
        }
        let head = self.head(path)?;
        match head {
            Head::Nil => return Ok(Value::Null),
            Head::Ext(code, n) => {
                let payload = self.take(n, path)?;
                return Ok(Value::Unknown(decode_refinements(code, payload, path)));
            }
            _ => {}
        }
        match ty {
            Type::Dynamic => self.dynamic(head, path, depth),
            Type::String => match head {
                Head::Str(n) => Ok(Value::String(self.string(n, path)?)),
                _ => Err(fail(path, "a string is required")),
            },
            Type::Bool => match head {
                Head::Bool(b) => Ok(Value::Bool(b)),
                _ => Err(fail(path, "a bool is required")),
            },
            Type::Number => match head {
                Head::Int(i) => Ok(Value::Number(Number::from(i))),
                Head::Uint(u) => Ok(Value::Number(Number::from(u))),
                Head::Float(f) => Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| fail(path, "NaN is not a valid number")),
                Head::Str(n) => {
                    let s = self.string(n, path)?;
                    Number::from_str(&s)
                        .map(Value::Number)
                        .map_err(|e| fail(path, e.to_string()))
                }
                _ => Err(fail(path, "a number is required")),
            },
            Type::List(et) | Type::Set(et) => {
                let Head::Array(n) = head else {
                    return Err(fail(path, format!("a {ty} is required")));
                };
                let mut items = Vec::with_capacity(n.min(4096));
                for i in 0..n {
                    items.push(self.value(et, &Here::Index(path, i), depth + 1)?);
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(items)
                } else {
                    Value::List(items)
                })
            }
            Type::Tuple(types) => self.tuple(types, head, path, depth),
            Type::Map(et) => self.map(et, head, path, depth),
            Type::Object(attrs) => self.object(attrs, head, path, depth),
        }
    }

    /// A `[type JSON, value]` pair under a `dynamic` constraint.
    fn dynamic(&mut self, head: Head, path: &Here<'_>, depth: usize) -> Result<Value, ValueError> {
        let Head::Array(2) = head else {
            return Err(fail(path, "dynamic value must be a [type, value] pair"));
        };
        let type_json = match self.head(path)? {
            Head::Bin(n) | Head::Str(n) => self.take(n, path)?,
            _ => return Err(fail(path, "dynamic type must be JSON bytes")),
        };
        let concrete = Type::from_json_bytes(type_json).map_err(|e| fail(path, e.to_string()))?;
        let inner = self.value(&concrete, path, depth + 1)?;
        Ok(Value::Dynamic(Box::new(concrete), Box::new(inner)))
    }

    fn tuple(
        &mut self,
        types: &[Type],
        head: Head,
        path: &Here<'_>,
        depth: usize,
    ) -> Result<Value, ValueError> {
        let Head::Array(n) = head else {
            return Err(fail(path, "a tuple is required"));
        };
        if n != types.len() {
            return Err(fail(
                path,
                format!("tuple needs {} elements, got {n}", types.len()),
            ));
        }
        let mut items = Vec::with_capacity(n);
        for (i, t) in types.iter().enumerate() {
            items.push(self.value(t, &Here::Index(path, i), depth + 1)?);
        }
        Ok(Value::Tuple(items))
    }

    fn map(
        &mut self,
        et: &Type,
        head: Head,
        path: &Here<'_>,
        depth: usize,
    ) -> Result<Value, ValueError> {
        let Head::Map(n) = head else {
            return Err(fail(path, "a map is required"));
        };
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = self.key(path)?;
            let v = self.value(et, &Here::Key(path, &k), depth + 1)?;
            m.insert(k, v);
        }
        Ok(Value::Map(m))
    }

    /// An object: every attribute of the type, null when absent; an
    /// attribute the type does not have is an error.
    fn object(
        &mut self,
        attrs: &BTreeMap<String, Type>,
        head: Head,
        path: &Here<'_>,
        depth: usize,
    ) -> Result<Value, ValueError> {
        let Head::Map(n) = head else {
            return Err(fail(path, "an object is required"));
        };
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = self.key(path)?;
            let aty = attrs
                .get(&k)
                .ok_or_else(|| fail(path, format!("unsupported attribute {k:?}")))?;
            let v = self.value(aty, &Here::Attr(path, &k), depth + 1)?;
            m.insert(k, v);
        }
        if m.len() < attrs.len() {
            for name in attrs.keys() {
                if !m.contains_key(name) {
                    m.insert(name.clone(), Value::Null);
                }
            }
        }
        Ok(Value::Object(m))
    }

    fn key(&mut self, path: &Here<'_>) -> Result<String, ValueError> {
        match self.head(path)? {
            Head::Str(n) => self.string(n, path),
            _ => Err(fail(path, "map keys must be strings")),
        }
    }
}

/// Reads the refinements of an unknown. Anything we do not understand is
/// dropped: the value stays unknown, which is always safe.
fn decode_refinements(code: i8, payload: &[u8], path: &Here<'_>) -> Refinements {
    let mut out = Refinements::default();
    if code != EXT_REFINED || payload.is_empty() {
        return out;
    }
    let mut r = Reader {
        buf: payload,
        pos: 0,
    };
    let Ok(Head::Map(n)) = r.head(path) else {
        return out;
    };
    for _ in 0..n {
        let key = match r.head(path) {
            Ok(Head::Uint(k)) => k,
            Ok(Head::Int(k)) => u64::try_from(k).unwrap_or(u64::MAX),
            _ => return out,
        };
        let ok = match key {
            1 => match r.head(path) {
                Ok(Head::Bool(b)) => {
                    out.nullable = Some(b);
                    true
                }
                _ => false,
            },
            2 => match r.head(path) {
                Ok(Head::Str(len)) => r
                    .string(len, path)
                    .map(|s| out.string_prefix = Some(s))
                    .is_ok(),
                _ => false,
            },
            3 | 4 => match r.bound(path) {
                Some(b) => {
                    if key == 3 {
                        out.number_lower = Some(b);
                    } else {
                        out.number_upper = Some(b);
                    }
                    true
                }
                None => false,
            },
            5 | 6 => match r.head(path) {
                Ok(Head::Uint(len)) => {
                    if key == 5 {
                        out.length_lower = Some(len);
                    } else {
                        out.length_upper = Some(len);
                    }
                    true
                }
                _ => false,
            },
            _ => r.skip(path, 0).is_ok(),
        };
        if !ok {
            return out;
        }
    }
    out
}

impl Reader<'_> {
    fn bound(&mut self, path: &Here<'_>) -> Option<(Number, bool)> {
        let Ok(Head::Array(2)) = self.head(path) else {
            return None;
        };
        let Ok(Value::Number(n)) = self.value(&Type::Number, path, 0) else {
            return None;
        };
        let Ok(Head::Bool(inclusive)) = self.head(path) else {
            return None;
        };
        Some((n, inclusive))
    }
}
