//! Arbitrary-precision numbers, as Terraform's `number` type demands.

use std::fmt;
use std::str::FromStr;

use bigdecimal::{BigDecimal, ToPrimitive};

/// A Terraform number: any decimal, of any size, or ±infinity.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd)]
pub enum Number {
    Finite(BigDecimal),
    PosInfinity,
    NegInfinity,
}

/// Text that is not a decimal number.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a number")]
pub struct NumberError(pub String);

impl Number {
    /// Builds a number from a float; NaN has no Terraform equivalent.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            None
        } else if f == f64::INFINITY {
            Some(Number::PosInfinity)
        } else if f == f64::NEG_INFINITY {
            Some(Number::NegInfinity)
        } else {
            // The shortest text that reads back as the same float is the
            // value the user meant (0.1, not 0.1000000000000000055…).
            BigDecimal::from_str(&format!("{f:?}"))
                .ok()
                .map(Number::Finite)
        }
    }

    /// The number as an i64, when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            Number::Finite(d) if d.is_integer() => d.to_i64(),
            _ => None,
        }
    }

    /// The number as an f64, possibly rounded.
    pub fn to_f64(&self) -> f64 {
        match self {
            Number::Finite(d) => d.to_f64().unwrap_or(f64::NAN),
            Number::PosInfinity => f64::INFINITY,
            Number::NegInfinity => f64::NEG_INFINITY,
        }
    }

    /// The number as an f64 only when the float represents it exactly.
    pub fn to_f64_exact(&self) -> Option<f64> {
        match self {
            Number::Finite(d) => {
                let f = d.to_f64()?;
                let back = BigDecimal::from_str(&format!("{f:?}")).ok()?;
                (back == *d && f.is_finite()).then_some(f)
            }
            Number::PosInfinity => Some(f64::INFINITY),
            Number::NegInfinity => Some(f64::NEG_INFINITY),
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, Number::Finite(d) if d.is_integer())
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::Finite(BigDecimal::from(n))
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Number {
        Number::from(i64::from(n))
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        Number::Finite(BigDecimal::from(n))
    }
}

impl From<BigDecimal> for Number {
    fn from(d: BigDecimal) -> Number {
        Number::Finite(d)
    }
}

impl FromStr for Number {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Number, NumberError> {
        match s {
            "Infinity" | "+Inf" | "inf" => Ok(Number::PosInfinity),
            "-Infinity" | "-Inf" | "-inf" => Ok(Number::NegInfinity),
            _ => BigDecimal::from_str(s.trim())
                .map(Number::Finite)
                .map_err(|_| NumberError(s.to_owned())),
        }
    }
}

impl fmt::Display for Number {
    /// Plain decimal notation without exponent or trailing zeros, like
    /// Terraform's own formatting.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Finite(d) => {
                let n = d.normalized();
                if n.fractional_digit_count() < 0 {
                    // Normalisation turned 1000 into 1e3; widen the scale back.
                    write!(f, "{}", n.with_scale(0))
                } else {
                    write!(f, "{}", n.to_plain_string())
                }
            }
            Number::PosInfinity => f.write_str("Infinity"),
            Number::NegInfinity => f.write_str("-Infinity"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_plainly() {
        let n: Number = "1000".parse().unwrap();
        assert_eq!(n.to_string(), "1000");
        let n: Number = "1.50".parse().unwrap();
        assert_eq!(n.to_string(), "1.5");
        let n: Number = "1e3".parse().unwrap();
        assert_eq!(n.to_string(), "1000");
        let n: Number = "18446744073709551616".parse().unwrap();
        assert_eq!(n.to_string(), "18446744073709551616");
        assert_eq!(n.to_i64(), None);
    }

    #[test]
    fn exact_floats() {
        assert_eq!(Number::from_f64(0.5).unwrap().to_f64_exact(), Some(0.5));
        let n: Number = "0.1".parse().unwrap();
        assert_eq!(n.to_f64_exact(), Some(0.1));
        let n: Number = "0.10000000000000000000001".parse().unwrap();
        assert_eq!(n.to_f64_exact(), None);
        assert_eq!(Number::from_f64(f64::NAN), None);
    }
}
