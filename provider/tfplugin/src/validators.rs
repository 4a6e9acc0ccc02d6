//! Attribute validators: small self-describing checks run on known,
//! non-null configuration values during validation.

use crate::diag::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::value::Value;

/// Checks one configured value.
pub trait Validator: Send + Sync {
    /// One sentence for users, e.g. "One of `standard`, `pro`."
    fn description(&self) -> String;
    /// Called only with known, non-null values.
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics);
}

/// The string must be one of a fixed set.
#[derive(Clone, Debug)]
pub struct OneOf(pub Vec<String>);

impl OneOf {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(values: I) -> OneOf {
        OneOf(values.into_iter().map(Into::into).collect())
    }
}

impl Validator for OneOf {
    fn description(&self) -> String {
        let list: Vec<String> = self.0.iter().map(|v| format!("`{v}`")).collect();
        format!("One of {}.", list.join(", "))
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            if !self.0.iter().any(|v| v == s) {
                diags.push(
                    Diagnostic::error(
                        format!(
                            "Invalid value for {}",
                            path.last_attribute().unwrap_or("attribute")
                        ),
                        format!("{s:?} is not allowed. {}", self.description()),
                    )
                    .at(path.clone()),
                );
            }
        }
    }
}

/// The number must be a whole number within `[min, max]`.
#[derive(Clone, Copy, Debug)]
pub struct IntBetween(pub i64, pub i64);

impl Validator for IntBetween {
    fn description(&self) -> String {
        format!("A whole number from {} to {}.", self.0, self.1)
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        let ok = value.as_i64().is_some_and(|n| n >= self.0 && n <= self.1);
        if !ok {
            let number = value.as_number();
            let shown = number.map_or_else(|| "value".to_owned(), ToString::to_string);
            // A fraction is told as such, not as out of range.
            let what = if number.is_some_and(|n| !n.is_integer()) {
                "is not a whole number"
            } else {
                "is out of range"
            };
            diags.push(
                Diagnostic::error(
                    format!(
                        "Invalid value for {}",
                        path.last_attribute().unwrap_or("attribute")
                    ),
                    format!("{shown} {what}. {}", self.description()),
                )
                .at(path.clone()),
            );
        }
    }
}

/// The string's length (in characters) must be within `[min, max]`.
#[derive(Clone, Copy, Debug)]
pub struct LengthBetween(pub usize, pub usize);

impl Validator for LengthBetween {
    fn description(&self) -> String {
        format!("Between {} and {} characters long.", self.0, self.1)
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            let n = s.chars().count();
            if n < self.0 || n > self.1 {
                diags.push(
                    Diagnostic::error(
                        format!(
                            "Invalid length for {}",
                            path.last_attribute().unwrap_or("attribute")
                        ),
                        format!("The value is {n} characters long. {}", self.description()),
                    )
                    .at(path.clone()),
                );
            }
        }
    }
}

/// A custom check: `check` returns an error message for bad values.
pub struct Check<F> {
    pub description: String,
    pub check: F,
}

impl<F> Check<F>
where
    F: Fn(&Value) -> Result<(), String> + Send + Sync,
{
    pub fn new(description: impl Into<String>, check: F) -> Self {
        Check {
            description: description.into(),
            check,
        }
    }
}

impl<F> Validator for Check<F>
where
    F: Fn(&Value) -> Result<(), String> + Send + Sync,
{
    fn description(&self) -> String {
        self.description.clone()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Err(msg) = (self.check)(value) {
            diags.push(
                Diagnostic::error(
                    format!(
                        "Invalid value for {}",
                        path.last_attribute().unwrap_or("attribute")
                    ),
                    msg,
                )
                .at(path.clone()),
            );
        }
    }
}
