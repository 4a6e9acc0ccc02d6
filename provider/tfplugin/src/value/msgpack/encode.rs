//! The writing side: type-directed, over `rmp`'s encoders (which pick the
//! most compact form, as Terraform's own encoder does).

use std::convert::Infallible;

use rmp::encode::{self as rmp_enc, ByteBuf, ValueWriteError};

use super::{infer_type, kind_name, EXT_REFINED};
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::{Number, Refinements, Value, ValueError};

/// Encodes `value` as type `ty`.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut w = Writer(ByteBuf::with_capacity(64));
    w.value(value, ty, &AttributePath::root())?;
    Ok(w.0.into_vec())
}

/// `rmp`'s results when writing to a [`ByteBuf`], which cannot fail.
trait Written<T> {
    fn done(self) -> T;
}

impl<T> Written<T> for Result<T, Infallible> {
    fn done(self) -> T {
        match self {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }
}

impl<T> Written<T> for Result<T, ValueWriteError<Infallible>> {
    fn done(self) -> T {
        match self {
            Ok(v) => v,
            Err(ValueWriteError::InvalidMarkerWrite(never))
            | Err(ValueWriteError::InvalidDataWrite(never)) => match never {},
        }
    }
}

/// A length as msgpack stores it (at most `u32::MAX`).
fn len32(len: usize, path: &AttributePath) -> Result<u32, ValueError> {
    u32::try_from(len).map_err(|_| ValueError::new(path, "too large for msgpack"))
}

struct Writer(ByteBuf);

impl Writer {
    fn value(&mut self, value: &Value, ty: &Type, path: &AttributePath) -> Result<(), ValueError> {
        match value {
            Value::Null => {
                self.nil();
                return Ok(());
            }
            Value::Unknown(r) => return self.unknown(r, path),
            _ => {}
        }
        if *ty == Type::Dynamic {
            let (concrete, inner) = match value {
                Value::Dynamic(t, v) => ((**t).clone(), &**v),
                other => (infer_type(other), other),
            };
            self.array_len(2, path)?;
            self.bin(&concrete.to_json_bytes(), path)?;
            return self.value(inner, &concrete, path);
        }
        match (ty, value) {
            (_, Value::Dynamic(t, v)) if **t == *ty => self.value(v, ty, path),
            (Type::String, Value::String(s)) => self.str(s, path),
            (Type::Bool, Value::Bool(b)) => {
                self.bool(*b);
                Ok(())
            }
            (Type::Number, Value::Number(n)) => self.number(n, path),
            (Type::List(et), Value::List(items)) | (Type::Set(et), Value::Set(items)) => {
                self.array_len(items.len(), path)?;
                for (i, item) in items.iter().enumerate() {
                    self.value(item, et, &path.push_index(i))?;
                }
                Ok(())
            }
            (Type::Tuple(types), Value::Tuple(items)) => self.tuple(types, items, path),
            (Type::Map(et), Value::Map(entries)) => {
                self.map_len(entries.len(), path)?;
                for (k, v) in entries {
                    self.str(k, path)?;
                    self.value(v, et, &path.push_key(k))?;
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
                self.map_len(attrs.len(), path)?;
                for (name, aty) in attrs {
                    self.str(name, path)?;
                    match entries.get(name) {
                        Some(v) => self.value(v, aty, &path.push_attr(name))?,
                        None => self.nil(),
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

    fn tuple(
        &mut self,
        types: &[Type],
        items: &[Value],
        path: &AttributePath,
    ) -> Result<(), ValueError> {
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
        self.array_len(items.len(), path)?;
        for (i, (item, t)) in items.iter().zip(types).enumerate() {
            self.value(item, t, &path.push_index(i))?;
        }
        Ok(())
    }

    /// An unknown: extension 0 with a zero byte, or extension 12 holding a
    /// map of the refinements (1 nullable, 2 string prefix, 3/4 number
    /// bounds as `[number, inclusive]`, 5/6 collection length bounds).
    fn unknown(&mut self, r: &Refinements, path: &AttributePath) -> Result<(), ValueError> {
        if r.is_empty() {
            rmp_enc::write_ext_meta(&mut self.0, 1, 0).done();
            self.0.as_mut_vec().push(0);
            return Ok(());
        }
        let mut body = Writer(ByteBuf::new());
        let mut n = 0;
        if let Some(nullable) = r.nullable {
            body.uint(1);
            body.bool(nullable);
            n += 1;
        }
        if let Some(prefix) = &r.string_prefix {
            body.uint(2);
            body.str(prefix, path)?;
            n += 1;
        }
        for (key, bound) in [(3u64, &r.number_lower), (4, &r.number_upper)] {
            if let Some((num, inclusive)) = bound {
                body.uint(key);
                body.array_len(2, path)?;
                body.number(num, path)?;
                body.bool(*inclusive);
                n += 1;
            }
        }
        for (key, len) in [(5u64, r.length_lower), (6, r.length_upper)] {
            if let Some(len) = len {
                body.uint(key);
                body.uint(len);
                n += 1;
            }
        }
        let mut payload = Writer(ByteBuf::new());
        payload.map_len(n, path)?;
        payload.0.as_mut_vec().extend_from_slice(body.0.as_slice());
        let payload = payload.0.into_vec();
        rmp_enc::write_ext_meta(&mut self.0, len32(payload.len(), path)?, EXT_REFINED).done();
        self.0.as_mut_vec().extend_from_slice(&payload);
        Ok(())
    }

    /// A number as an integer when it is one, a float when it is exactly
    /// one with a fraction, else its decimal string.
    fn number(&mut self, n: &Number, path: &AttributePath) -> Result<(), ValueError> {
        if let Some(i) = n.to_i64() {
            rmp_enc::write_sint(&mut self.0, i).done();
            Ok(())
        } else if let Some(f) = n
            .to_f64_exact()
            .filter(|f| f.fract() != 0.0 || f.is_infinite())
        {
            rmp_enc::write_f64(&mut self.0, f).done();
            Ok(())
        } else {
            self.str(&n.to_string(), path)
        }
    }

    fn nil(&mut self) {
        rmp_enc::write_nil(&mut self.0).done();
    }

    fn bool(&mut self, b: bool) {
        rmp_enc::write_bool(&mut self.0, b).done();
    }

    fn uint(&mut self, u: u64) {
        rmp_enc::write_uint(&mut self.0, u).done();
    }

    fn str(&mut self, s: &str, path: &AttributePath) -> Result<(), ValueError> {
        rmp_enc::write_str_len(&mut self.0, len32(s.len(), path)?).done();
        self.0.as_mut_vec().extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn bin(&mut self, b: &[u8], path: &AttributePath) -> Result<(), ValueError> {
        rmp_enc::write_bin_len(&mut self.0, len32(b.len(), path)?).done();
        self.0.as_mut_vec().extend_from_slice(b);
        Ok(())
    }

    fn array_len(&mut self, len: usize, path: &AttributePath) -> Result<(), ValueError> {
        rmp_enc::write_array_len(&mut self.0, len32(len, path)?).done();
        Ok(())
    }

    fn map_len(&mut self, len: usize, path: &AttributePath) -> Result<(), ValueError> {
        rmp_enc::write_map_len(&mut self.0, len32(len, path)?).done();
        Ok(())
    }
}
